// berth ps / container ls: docker's container list, filters and formats.
#include "Command.h"
#include "Format.h"

#include "Containers.h"
#include "util/Units.h"

#include <QRegularExpression>

#include <algorithm>

namespace berth::cli {

namespace {

QString since(const QDateTime &t)
{
    const qint64 seconds = qMax<qint64>(0, t.secsTo(QDateTime::currentDateTimeUtc()));
    return units::humanDuration(seconds);
}

QString statusText(const ContainerState &s)
{
    switch (s.status) {
    case ContainerState::Created:
        return QStringLiteral("Created");
    case ContainerState::Running:
        if (s.health.status == "starting")
            return QStringLiteral("Up ") + since(s.startedAt) +
                   QStringLiteral(" (health: starting)");
        if (!s.health.status.empty())
            return QStringLiteral("Up %1 (%2)")
                .arg(since(s.startedAt), QString::fromStdString(s.health.status));
        return QStringLiteral("Up ") + since(s.startedAt);
    case ContainerState::Paused:
        return QStringLiteral("Up ") + since(s.startedAt) + QStringLiteral(" (Paused)");
    case ContainerState::Restarting:
        return QStringLiteral("Restarting (%1) %2 ago").arg(s.exitCode).arg(since(s.finishedAt));
    case ContainerState::Exited:
        return QStringLiteral("Exited (%1) %2 ago").arg(s.exitCode).arg(since(s.finishedAt));
    case ContainerState::Dead:
        return QStringLiteral("Dead");
    }
    return QString();
}

// docker's health filter values: a container without a health check is "none".
QString healthName(const ContainerState &s)
{
    return s.health.status.empty() ? QStringLiteral("none")
                                   : QString::fromStdString(s.health.status);
}

QString portsText(const ContainerInfo &c)
{
    QStringList out;
    for (const PortMapping &p : c.ports) {
        const QString ip = p.hostIp.isEmpty() ? QStringLiteral("0.0.0.0") : p.hostIp;
        out << QStringLiteral("%1:%2->%3/%4")
                   .arg(ip)
                   .arg(p.hostPort)
                   .arg(p.containerPort)
                   .arg(p.protocol);
    }
    return out.join(QStringLiteral(", "));
}

class Ps : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("ps"), QStringLiteral("container ls"),
                QStringLiteral("container list"), QStringLiteral("container ps")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("List containers"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool all = false, quiet = false, latest = false, size = false, noTrunc = false;
        QString last, format;
        QStringList filters;
        FlagSet flags;
        flags.addBool(QStringLiteral("all"), QLatin1Char('a'), &all,
                      QStringLiteral("Show all containers (default shows just running)"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Only display container IDs"));
        flags.addBool(QStringLiteral("latest"), QLatin1Char('l'), &latest,
                      QStringLiteral("Show the latest created container (includes all states)"));
        flags.addString(QStringLiteral("last"), QLatin1Char('n'), &last,
                        QStringLiteral("Show n last created containers (includes all states)"),
                        QStringLiteral("int"));
        flags.addBool(QStringLiteral("size"), QLatin1Char('s'), &size,
                      QStringLiteral("Display total file sizes"));
        flags.addBool(QStringLiteral("no-trunc"), QChar(), &noTrunc,
                      QStringLiteral("Don't truncate output"));
        flags.addList(QStringLiteral("filter"), QLatin1Char('f'), &filters,
                      QStringLiteral("Filter output based on conditions provided"),
                      QStringLiteral("filter"));
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Format output using a custom template"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        int lastN = -1;
        if (!last.isEmpty()) {
            bool ok = false;
            lastN = last.toInt(&ok);
            if (!ok)
                return ctx.fail(
                    QStringLiteral("invalid argument \"%1\" for \"-n, --last\" flag").arg(last));
        }
        if (latest)
            lastN = 1;
        if (lastN >= 0)
            all = true;

        QMultiMap<QString, QString> filter;
        for (const QString &f : filters) {
            const qsizetype eq = f.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return ctx.fail(QStringLiteral("bad format of filter (expected name=value)"));
            const QString key = f.left(eq);
            static const QStringList known{QStringLiteral("status"),   QStringLiteral("name"),
                                           QStringLiteral("id"),       QStringLiteral("label"),
                                           QStringLiteral("ancestor"), QStringLiteral("exited"),
                                           QStringLiteral("health")};
            if (!known.contains(key))
                return ctx.fail(QStringLiteral("invalid filter '%1'").arg(key));
            filter.insert(key, f.mid(eq + 1));
            if (key == QLatin1String("status") || key == QLatin1String("exited"))
                all = true;
        }
        for (const QString &s : filter.values(QStringLiteral("status"))) {
            static const QStringList statuses{
                QStringLiteral("created"),  QStringLiteral("restarting"), QStringLiteral("running"),
                QStringLiteral("removing"), QStringLiteral("paused"),     QStringLiteral("exited"),
                QStringLiteral("dead")};
            if (!statuses.contains(s))
                return ctx.fail(QStringLiteral("Invalid filter 'status=%1'").arg(s));
        }
        for (const QString &h : filter.values(QStringLiteral("health"))) {
            static const QStringList healths{QStringLiteral("starting"), QStringLiteral("healthy"),
                                             QStringLiteral("unhealthy"), QStringLiteral("none")};
            if (!healths.contains(h))
                return ctx.fail(QStringLiteral("Unrecognised filter value for health: %1").arg(h));
        }

        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto list = containers.list(size);
        if (!list.ok())
            return ctx.fail(list.error());
        QList<ContainerInfo> rows = *list;
        std::stable_sort(
            rows.begin(), rows.end(),
            [](const ContainerInfo &a, const ContainerInfo &b) { return a.created > b.created; });

        QStringList ancestors;
        for (const QString &a : filter.values(QStringLiteral("ancestor"))) {
            auto id = engine->resolveImage(a);
            ancestors << (id.ok() ? *id : a);
        }

        if (quiet && format.isEmpty())
            format = QStringLiteral("{{.ID}}");
        if (format.isEmpty() || format == QLatin1String("table")) {
            format = QStringLiteral("table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t"
                                    "{{.Status}}\t{{.Ports}}\t{{.Names}}");
            if (size)
                format += QStringLiteral("\t{{.Size}}");
        }
        RowFormatter out(format, {{QStringLiteral("ID"), QStringLiteral("CONTAINER ID")},
                                  {QStringLiteral("Image"), QStringLiteral("IMAGE")},
                                  {QStringLiteral("Command"), QStringLiteral("COMMAND")},
                                  {QStringLiteral("RunningFor"), QStringLiteral("CREATED")},
                                  {QStringLiteral("CreatedAt"), QStringLiteral("CREATED AT")},
                                  {QStringLiteral("Status"), QStringLiteral("STATUS")},
                                  {QStringLiteral("State"), QStringLiteral("STATE")},
                                  {QStringLiteral("Ports"), QStringLiteral("PORTS")},
                                  {QStringLiteral("Names"), QStringLiteral("NAMES")},
                                  {QStringLiteral("Size"), QStringLiteral("SIZE")},
                                  {QStringLiteral("Labels"), QStringLiteral("LABELS")},
                                  {QStringLiteral("Mounts"), QStringLiteral("MOUNTS")},
                                  {QStringLiteral("Networks"), QStringLiteral("NETWORKS")}});
        int shown = 0;
        for (const ContainerInfo &c : rows) {
            if (lastN >= 0 && shown >= lastN)
                break;
            if (!all && !c.state.isRunning())
                continue;
            if (!matches(c, filter, ancestors))
                continue;
            ++shown;
            json::Value row = json::Value::object();
            row.insert(QStringLiteral("Command"),
                       QLatin1Char('"') +
                           (noTrunc ? c.command.join(QLatin1Char(' '))
                                    : ellipsis(c.command.join(QLatin1Char(' ')), 20)) +
                           QLatin1Char('"'));
            row.insert(QStringLiteral("CreatedAt"), createdAt(c.created));
            row.insert(QStringLiteral("ID"), noTrunc ? c.id : c.id.left(12));
            row.insert(QStringLiteral("Image"), c.imageName);
            QStringList labels;
            for (auto it = c.labels.cbegin(); it != c.labels.cend(); ++it)
                labels << it.key() + QLatin1Char('=') + it.value();
            row.insert(QStringLiteral("Labels"), labels.join(QLatin1Char(',')));
            row.insert(QStringLiteral("LocalVolumes"), QStringLiteral("0"));
            row.insert(QStringLiteral("Mounts"), QString());
            row.insert(QStringLiteral("Names"), c.name);
            row.insert(QStringLiteral("Networks"), QStringLiteral("bridge"));
            row.insert(QStringLiteral("Ports"), portsText(c));
            row.insert(QStringLiteral("RunningFor"), createdSince(c.created));
            row.insert(
                QStringLiteral("Size"),
                size ? QStringLiteral("%1 (virtual %2)")
                           .arg(units::humanSizeWithPrecision(qMax<qint64>(0, c.sizeRw), 3),
                                units::humanSizeWithPrecision(qMax<qint64>(0, c.sizeRootFs), 3))
                     : QString());
            row.insert(QStringLiteral("State"), c.state.statusName());
            row.insert(QStringLiteral("Status"), statusText(c.state));
            if (Status st = out.addRow(row); !st.ok())
                return ctx.fail(st.error());
        }
        if (Status st = out.write(ctx.out); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }

private:
    static bool matches(const ContainerInfo &c, const QMultiMap<QString, QString> &filter,
                        const QStringList &ancestors)
    {
        // docker: values of one key are alternatives, different keys must all match.
        auto any = [&](const QString &key, const std::function<bool(const QString &)> &test) {
            const QStringList values = filter.values(key);
            return values.isEmpty() || std::any_of(values.begin(), values.end(), test);
        };
        return any(QStringLiteral("status"),
                   [&](const QString &v) { return c.state.statusName() == v; }) &&
               any(QStringLiteral("name"),
                   [&](const QString &v) {
                       return QRegularExpression(v).match(c.name).hasMatch();
                   }) &&
               any(QStringLiteral("id"), [&](const QString &v) { return c.id.startsWith(v); }) &&
               any(QStringLiteral("health"),
                   [&](const QString &v) { return healthName(c.state) == v; }) &&
               any(QStringLiteral("exited"),
                   [&](const QString &v) {
                       return c.state.status == ContainerState::Exited &&
                              QString::number(c.state.exitCode) == v;
                   }) &&
               any(QStringLiteral("ancestor"),
                   [&](const QString &v) {
                       return c.imageName == v || ancestors.contains(c.imageId) ||
                              c.imageId.contains(v);
                   }) &&
               [&] {
                   for (const QString &l : filter.values(QStringLiteral("label"))) {
                       const qsizetype eq = l.indexOf(QLatin1Char('='));
                       if (eq < 0 ? !c.labels.contains(l)
                                  : c.labels.value(l.left(eq), QStringLiteral("\x01")) !=
                                        l.mid(eq + 1))
                           return false;
                   }
                   return true;
               }();
    }
};

} // namespace

std::shared_ptr<Command> makePsCommand()
{
    return std::make_shared<Ps>();
}

} // namespace berth::cli
