// berth volume create|ls|inspect|rm|prune: docker's volume commands (local driver).
#include "Command.h"
#include "Format.h"

#include "Volumes.h"
#include "util/GoTemplate.h"
#include "util/Units.h"

#include <iostream>

namespace berth::cli {

namespace {

json::Value volumeJson(const VolumeInfo &v)
{
    json::Value o = json::Value::object();
    o.insert(QStringLiteral("CreatedAt"),
             v.created.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ")));
    o.insert(QStringLiteral("Driver"), QStringLiteral("local"));
    json::Value labels = json::Value::object();
    for (auto it = v.labels.cbegin(); it != v.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    o.insert(QStringLiteral("Labels"), v.labels.isEmpty() ? json::Value() : labels);
    o.insert(QStringLiteral("Mountpoint"), v.mountpoint);
    o.insert(QStringLiteral("Name"), v.name);
    o.insert(QStringLiteral("Options"), json::Value());
    o.insert(QStringLiteral("Scope"), QStringLiteral("local"));
    return o;
}

class VolumeCreate : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("volume create")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS] [VOLUME]"); }
    QString summary() const override { return QStringLiteral("Create a volume"); }
    int run(Context &ctx, const QStringList &args) override
    {
        QString driver = QStringLiteral("local"), name;
        QStringList labels;
        FlagSet flags;
        flags.addString(QStringLiteral("driver"), QLatin1Char('d'), &driver,
                        QStringLiteral("Specify volume driver name"));
        flags.addList(QStringLiteral("label"), QChar(), &labels,
                      QStringLiteral("Set metadata for a volume"));
        flags.addString(QStringLiteral("name"), QChar(), &name,
                        QStringLiteral("Specify volume name"));
        if (int rc = parseArgs(ctx, flags, args, 0, 1); rc >= 0)
            return rc;
        if (!flags.positionals().isEmpty()) {
            if (!name.isEmpty() && name != flags.positionals().first())
                return ctx.fail(QStringLiteral("conflicting options: either specify --name or "
                                               "provide positional arg, not both"));
            name = flags.positionals().first();
        }
        if (driver != QLatin1String("local")) {
            ctx.daemonError(QStringLiteral("create %1: plugin \"%2\" not found").arg(name, driver));
            return ExitError;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        QMap<QString, QString> labelMap;
        for (const QString &l : labels)
            labelMap.insert(l.section(QLatin1Char('='), 0, 0), l.section(QLatin1Char('='), 1));
        auto v = Volumes(*engine).create(name, labelMap);
        if (!v.ok()) {
            ctx.daemonError(v.error().message);
            return ExitError;
        }
        ctx.out << v->name << '\n';
        return ExitOk;
    }
};

class VolumeLs : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("volume ls"), QStringLiteral("volume list")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("List volumes"); }
    int run(Context &ctx, const QStringList &args) override
    {
        bool quiet = false;
        QString format;
        QStringList filters;
        FlagSet flags;
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Only display volume names"));
        flags.addList(QStringLiteral("filter"), QLatin1Char('f'), &filters,
                      QStringLiteral("Provide filter values (e.g. \"dangling=true\")"),
                      QStringLiteral("filter"));
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Format output using a custom template"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        std::optional<bool> dangling;
        QStringList nameFilters;
        for (const QString &f : filters) {
            const QString key = f.section(QLatin1Char('='), 0, 0);
            const QString value = f.section(QLatin1Char('='), 1);
            if (key == QLatin1String("dangling") &&
                (value == QLatin1String("true") || value == QLatin1String("1")))
                dangling = true;
            else if (key == QLatin1String("dangling") &&
                     (value == QLatin1String("false") || value == QLatin1String("0")))
                dangling = false;
            else if (key == QLatin1String("name"))
                nameFilters << value;
            else
                return ctx.fail(QStringLiteral("invalid filter '%1'").arg(f));
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        auto all = Volumes(*engine).list();
        if (!all.ok())
            return ctx.fail(all.error());
        if (quiet && format.isEmpty())
            format = QStringLiteral("{{.Name}}");
        if (format.isEmpty() || format == QLatin1String("table"))
            format = QStringLiteral("table {{.Driver}}\t{{.Name}}");
        RowFormatter out(format, {{QStringLiteral("Driver"), QStringLiteral("DRIVER")},
                                  {QStringLiteral("Name"), QStringLiteral("VOLUME NAME")},
                                  {QStringLiteral("Mountpoint"), QStringLiteral("MOUNTPOINT")},
                                  {QStringLiteral("Scope"), QStringLiteral("SCOPE")},
                                  {QStringLiteral("Labels"), QStringLiteral("LABELS")}});
        for (const VolumeInfo &v : *all) {
            if (dangling && *dangling != v.usedBy.isEmpty())
                continue;
            if (!nameFilters.isEmpty() &&
                std::none_of(nameFilters.begin(), nameFilters.end(),
                             [&](const QString &n) { return v.name.contains(n); }))
                continue;
            json::Value row = json::Value::object();
            row.insert(QStringLiteral("Driver"), QStringLiteral("local"));
            QStringList labels;
            for (auto it = v.labels.cbegin(); it != v.labels.cend(); ++it)
                labels << it.key() + QLatin1Char('=') + it.value();
            row.insert(QStringLiteral("Labels"), labels.join(QLatin1Char(',')));
            row.insert(QStringLiteral("Mountpoint"), v.mountpoint);
            row.insert(QStringLiteral("Name"), v.name);
            row.insert(QStringLiteral("Scope"), QStringLiteral("local"));
            if (Status st = out.addRow(row); !st.ok())
                return ctx.fail(st.error());
        }
        if (Status st = out.write(ctx.out); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
};

class VolumeInspect : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("volume inspect")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS] VOLUME [VOLUME...]"); }
    QString summary() const override
    {
        return QStringLiteral("Display detailed information on one or more volumes");
    }
    int run(Context &ctx, const QStringList &args) override
    {
        QString format;
        FlagSet flags;
        flags.addString(QStringLiteral("format"), QLatin1Char('f'), &format,
                        QStringLiteral("Format output using a custom template"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        std::optional<GoTemplate> tmpl;
        if (!format.isEmpty()) {
            auto t = parseValueFormat(format);
            if (!t.ok())
                return ctx.fail(
                    QStringLiteral("template parsing error: %1").arg(t.error().message));
            tmpl = std::move(t).value();
        }
        Volumes volumes(*engine);
        json::Value all = json::Value::array();
        int rc = ExitOk;
        QStringList errors;
        for (const QString &name : flags.positionals()) {
            auto v = volumes.info(name);
            if (!v.ok()) {
                errors << QStringLiteral("Error: No such volume: %1").arg(name);
                rc = ExitError;
                continue;
            }
            if (tmpl) {
                auto text = tmpl->execute(volumeJson(*v));
                if (!text.ok())
                    return ctx.fail(QStringLiteral("template: %1").arg(text.error().message));
                ctx.out << *text << '\n';
            } else {
                all.append(volumeJson(*v));
            }
        }
        if (!tmpl)
            ctx.out << QString::fromUtf8(all.serialize(json::Style::indentedWith("", "    ")))
                    << '\n';
        ctx.out.flush();
        for (const QString &e : errors)
            ctx.err << e << '\n';
        return rc;
    }
};

class VolumeRm : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("volume rm"), QStringLiteral("volume remove")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] VOLUME [VOLUME...]"); }
    QString summary() const override { return QStringLiteral("Remove one or more volumes"); }
    int run(Context &ctx, const QStringList &args) override
    {
        bool force = false;
        FlagSet flags;
        flags.addBool(QStringLiteral("force"), QLatin1Char('f'), &force,
                      QStringLiteral("Force the removal of one or more volumes"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Volumes volumes(*engine);
        int rc = ExitOk;
        for (const QString &name : flags.positionals()) {
            if (Status st = volumes.remove(name, force); !st.ok()) {
                ctx.daemonError(st.error().message);
                rc = ExitError;
                continue;
            }
            ctx.out << name << '\n';
        }
        return rc;
    }
};

class VolumePrune : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("volume prune")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("Remove unused local volumes"); }
    int run(Context &ctx, const QStringList &args) override
    {
        bool force = false, all = false;
        FlagSet flags;
        flags.addBool(QStringLiteral("all"), QLatin1Char('a'), &all,
                      QStringLiteral("Remove all unused volumes, not just anonymous ones"));
        flags.addBool(QStringLiteral("force"), QLatin1Char('f'), &force,
                      QStringLiteral("Do not prompt for confirmation"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        if (!force) {
            ctx.out << (all ? "WARNING! This will remove all local volumes not used by at least "
                              "one container.\n"
                            : "WARNING! This will remove anonymous local volumes not used by at "
                              "least one container.\n")
                    << "Are you sure you want to continue? [y/N] ";
            ctx.out.flush();
            std::string answer;
            std::getline(std::cin, answer);
            if (answer != "y" && answer != "Y")
                return ExitOk;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        qint64 reclaimed = 0;
        auto removed = Volumes(*engine).prune(all, &reclaimed);
        if (!removed.ok())
            return ctx.fail(removed.error());
        if (!removed->isEmpty()) {
            ctx.out << "Deleted Volumes:\n";
            for (const QString &n : *removed)
                ctx.out << n << '\n';
            ctx.out << '\n';
        }
        ctx.out << "Total reclaimed space: " << units::humanSize(reclaimed) << '\n';
        return ExitOk;
    }
};

} // namespace

QList<std::shared_ptr<Command>> makeVolumeCommands()
{
    return {std::make_shared<VolumeCreate>(), std::make_shared<VolumeLs>(),
            std::make_shared<VolumeInspect>(), std::make_shared<VolumeRm>(),
            std::make_shared<VolumePrune>()};
}

} // namespace berth::cli
