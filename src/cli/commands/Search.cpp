// berth search: Docker Hub's search API, or a registry's catalog for a term
// that names a registry ("host:5000/term"); docker's flags, filters and columns.
#include "Command.h"
#include "Format.h"
#include "RegistryModule.h"

namespace berth::cli {

namespace {

constexpr int DefaultLimit = 25;
constexpr int MaxLimit = 100;

struct SearchFilter
{
    int minStars = 0;
    std::optional<bool> official;
};

// docker's filters: stars=N, is-official=true|false (is-automated is gone
// from Docker Hub and matches nothing automated any more, as in docker 25).
Result<SearchFilter> parseFilters(const QStringList &filters)
{
    SearchFilter f;
    for (const QString &filter : filters) {
        const QString key = filter.section(QLatin1Char('='), 0, 0);
        const QString value = filter.section(QLatin1Char('='), 1);
        bool ok = false;
        if (key == QLatin1String("stars")) {
            f.minStars = value.toInt(&ok);
        } else if (key == QLatin1String("is-official")) {
            ok = value == QLatin1String("true") || value == QLatin1String("false");
            f.official = value == QLatin1String("true");
        } else if (key == QLatin1String("is-automated")) {
            ok = value == QLatin1String("true") || value == QLatin1String("false");
        }
        if (!ok)
            return Error{ErrorCode::InvalidArgument,
                         QStringLiteral("invalid filter '%1'").arg(filter)};
    }
    return f;
}

class Search : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("search")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS] TERM"); }
    QString summary() const override { return QStringLiteral("Search Docker Hub for images"); }

    int run(Context &ctx, const QStringList &args) override
    {
        QString limitText, format;
        QStringList filters;
        bool noTrunc = false;
        FlagSet flags;
        flags.addList(QStringLiteral("filter"), QLatin1Char('f'), &filters,
                      QStringLiteral("Filter output based on conditions provided"),
                      QStringLiteral("filter"));
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Pretty-print search using a Go template"));
        flags.addString(QStringLiteral("limit"), QChar(), &limitText,
                        QStringLiteral("Max number of search results"), QStringLiteral("int"));
        flags.addBool(QStringLiteral("no-trunc"), QChar(), &noTrunc,
                      QStringLiteral("Don't truncate output"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        int limit = DefaultLimit;
        if (!limitText.isEmpty()) {
            bool ok = false;
            limit = limitText.toInt(&ok);
            if (!ok)
                return ctx.fail(QStringLiteral("invalid argument \"%1\" for \"--limit\" flag: "
                                               "strconv.ParseInt: parsing \"%1\": invalid syntax")
                                    .arg(limitText));
        }
        if (limit < 1 || limit > MaxLimit)
            return ctx.daemonError(
                QStringLiteral("limit %1 is outside the range of [1, 100]").arg(limit));
        auto filter = parseFilters(filters);
        if (!filter.ok())
            return ctx.daemonError(filter.error().message);

        auto module = registryModule();
        if (!module.ok())
            return ctx.fail(module.error());
        auto results = (*module)->search(flags.positionals().first(), limit, ctx.progress());
        if (!results.ok())
            return ctx.daemonError(results.error().message);

        if (format.isEmpty() || format == QLatin1String("table"))
            format = QStringLiteral(
                "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}");
        RowFormatter out(format, {{QStringLiteral("Name"), QStringLiteral("NAME")},
                                  {QStringLiteral("Description"), QStringLiteral("DESCRIPTION")},
                                  {QStringLiteral("StarCount"), QStringLiteral("STARS")},
                                  {QStringLiteral("IsOfficial"), QStringLiteral("OFFICIAL")},
                                  {QStringLiteral("IsAutomated"), QStringLiteral("AUTOMATED")}});
        for (const registry::SearchResult &r : *results) {
            if (r.stars < filter->minStars || (filter->official && r.official != *filter->official))
                continue;
            QString description = r.description;
            description.replace(QLatin1Char('\n'), QLatin1Char(' '));
            description.replace(QLatin1Char('\r'), QLatin1Char(' '));
            if (!noTrunc)
                description = ellipsis(description, 45);
            json::Value v = json::Value::object();
            v.insert(QStringLiteral("Name"), json::Value(r.name));
            v.insert(QStringLiteral("Description"), json::Value(description));
            v.insert(QStringLiteral("StarCount"), json::Value(QString::number(r.stars)));
            v.insert(QStringLiteral("IsOfficial"),
                     json::Value(r.official ? QStringLiteral("[OK]") : QString()));
            v.insert(QStringLiteral("IsAutomated"),
                     json::Value(r.automated ? QStringLiteral("[OK]") : QString()));
            if (Status st = out.addRow(v); !st.ok())
                return ctx.fail(st.error());
        }
        if (Status st = out.write(ctx.out); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeSearchCommand()
{
    return std::make_shared<Search>();
}

} // namespace berth::cli
