// berth images / berth image ls: docker's image list, filters and formats.
#include "Command.h"
#include "Format.h"
#include "reference/Reference.h"
#include "util/Units.h"

#include <QRegularExpression>

namespace berth::cli {

namespace {

class Images : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("images"), QStringLiteral("image ls"), QStringLiteral("image list")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] [REPOSITORY[:TAG]]"); }
    QString summary() const override { return QStringLiteral("List images"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool all = false, quiet = false, noTrunc = false, digests = false;
        QStringList filters;
        QString format;
        FlagSet flags;
        flags.addBool(QStringLiteral("all"), QLatin1Char('a'), &all,
                      QStringLiteral("Show all images (default hides intermediate images)"));
        flags.addBool(QStringLiteral("digests"), QChar(), &digests, QStringLiteral("Show digests"));
        flags.addList(QStringLiteral("filter"), QLatin1Char('f'), &filters,
                      QStringLiteral("Filter output based on conditions provided"),
                      QStringLiteral("filter"));
        flags.addString(
            QStringLiteral("format"), QChar(), &format,
            QStringLiteral("Format output using a custom template:\n"
                           "                        'table':            Print output in table "
                           "format with column headers (default)\n"
                           "                        'table TEMPLATE':   Print output in table "
                           "format using the given Go template\n"
                           "                        'json':             Print in JSON format\n"
                           "                        'TEMPLATE':         Print output using the "
                           "given Go template"));
        flags.addBool(QStringLiteral("no-trunc"), QChar(), &noTrunc,
                      QStringLiteral("Don't truncate output"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Only show image IDs"));
        if (int rc = parseArgs(ctx, flags, args, 0, 1); rc >= 0)
            return rc;

        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;

        // Filters: dangling, label, before, since, reference (docker's set).
        std::optional<bool> dangling;
        QStringList labels, refPatterns;
        if (!flags.positionals().isEmpty())
            refPatterns << flags.positionals().first();
        QDateTime before, since;
        for (const QString &f : filters) {
            const qsizetype eq = f.indexOf(QLatin1Char('='));
            const QString key = f.left(eq).trimmed().toLower();
            const QString value = eq < 0 ? QString() : f.mid(eq + 1);
            if (eq < 0)
                return ctx.fail(QStringLiteral("bad format of filter (expected name=value)"));
            if (key == QLatin1String("dangling")) {
                if (value == QLatin1String("true") || value == QLatin1String("1"))
                    dangling = true;
                else if (value == QLatin1String("false") || value == QLatin1String("0"))
                    dangling = false;
                else
                    return ctx.fail(QStringLiteral("Invalid filter 'dangling=%1'").arg(value));
            } else if (key == QLatin1String("label")) {
                labels << value;
            } else if (key == QLatin1String("reference")) {
                refPatterns << value;
            } else if (key == QLatin1String("before") || key == QLatin1String("since")) {
                auto id = engine->resolveImage(value);
                if (!id.ok())
                    return ctx.fail(id.error());
                auto cfg = engine->imageConfig(*id);
                if (!cfg.ok())
                    return ctx.fail(cfg.error());
                (key == QLatin1String("before") ? before : since) = cfg->created();
            } else {
                return ctx.fail(QStringLiteral("invalid filter '%1'").arg(key));
            }
        }

        auto list = engine->images(!labels.isEmpty());
        if (!list.ok())
            return ctx.fail(list.error());

        if (quiet)
            format = QStringLiteral("{{.ID}}");
        if (format.isEmpty() || format == QLatin1String("table"))
            format =
                digests
                    ? QStringLiteral("table "
                                     "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{."
                                     "CreatedSince}}\t{{.Size}}")
                    : QStringLiteral(
                          "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}");
        RowFormatter out(format, {{QStringLiteral("Repository"), QStringLiteral("REPOSITORY")},
                                  {QStringLiteral("Tag"), QStringLiteral("TAG")},
                                  {QStringLiteral("ID"), QStringLiteral("IMAGE ID")},
                                  {QStringLiteral("Digest"), QStringLiteral("DIGEST")},
                                  {QStringLiteral("CreatedSince"), QStringLiteral("CREATED")},
                                  {QStringLiteral("CreatedAt"), QStringLiteral("CREATED AT")},
                                  {QStringLiteral("Size"), QStringLiteral("SIZE")},
                                  {QStringLiteral("VirtualSize"), QStringLiteral("SIZE")},
                                  {QStringLiteral("SharedSize"), QStringLiteral("SHARED SIZE")},
                                  {QStringLiteral("UniqueSize"), QStringLiteral("UNIQUE SIZE")},
                                  {QStringLiteral("Containers"), QStringLiteral("CONTAINERS")}});

        // CreatedAt costs a time zone conversion per row; the default table has no use
        // for it, so it is only made when the template can reach it.
        // A bare dot ({{.}}, {{range $k, $v := .}}) reaches every field.
        static const QRegularExpression bareDot(QStringLiteral("(^|[^\\w)\\]])\\.(?![\\w])"));
        const bool needsCreatedAt = format.contains(QLatin1String("CreatedAt")) ||
                                    format.contains(QLatin1String("json")) ||
                                    bareDot.match(format).hasMatch();
        for (const ImageSummary &img : *list) {
            const bool isDangling = img.repoTags.isEmpty();
            if (isDangling && img.hasChildren && !all)
                continue;
            if (dangling && *dangling != isDangling)
                continue;
            if (before.isValid() && !(img.created < before))
                continue;
            if (since.isValid() && !(img.created > since))
                continue;
            bool labelsOk = true;
            for (const QString &l : labels) {
                const qsizetype eq = l.indexOf(QLatin1Char('='));
                if (eq < 0 ? !img.labels.contains(l)
                           : img.labels.value(l.left(eq), QStringLiteral("\x01")) != l.mid(eq + 1))
                    labelsOk = false;
            }
            if (!labelsOk)
                continue;

            // One row per tag; an untagged image is one <none> row.
            QList<QPair<QString, QString>> rows; // repo, tag
            for (const QString &t : img.repoTags) {
                const qsizetype colon = t.lastIndexOf(QLatin1Char(':'));
                rows.append({t.left(colon), t.mid(colon + 1)});
            }
            if (rows.isEmpty()) {
                for (const QString &d : img.repoDigests)
                    rows.append({d.section(QLatin1Char('@'), 0, 0), QStringLiteral("<none>")});
                if (rows.isEmpty())
                    rows.append({QStringLiteral("<none>"), QStringLiteral("<none>")});
            }
            for (const auto &row : rows) {
                if (!refPatterns.isEmpty()) {
                    if (row.first == QLatin1String("<none>"))
                        continue;
                    auto ref = reference::Reference::parse(row.first +
                                                           (row.second == QLatin1String("<none>")
                                                                ? QString()
                                                                : QLatin1Char(':') + row.second));
                    bool match = false;
                    for (const QString &p : refPatterns)
                        match = match || (ref.ok() && reference::matchesPattern(*ref, p));
                    if (!match)
                        continue;
                }
                QString digest = QStringLiteral("<none>");
                for (const QString &d : img.repoDigests) {
                    if (d.section(QLatin1Char('@'), 0, 0) == row.first)
                        digest = d.section(QLatin1Char('@'), 1);
                }
                json::Value v = json::Value::object();
                v.insert(QStringLiteral("Containers"), json::Value(QStringLiteral("N/A")));
                if (needsCreatedAt)
                    v.insert(QStringLiteral("CreatedAt"), json::Value(createdAt(img.created)));
                v.insert(QStringLiteral("CreatedSince"), json::Value(createdSince(img.created)));
                v.insert(QStringLiteral("Digest"), json::Value(digest));
                v.insert(QStringLiteral("ID"), json::Value(noTrunc ? img.id : shortId(img.id)));
                v.insert(QStringLiteral("Repository"), json::Value(row.first));
                v.insert(QStringLiteral("SharedSize"), json::Value(QStringLiteral("N/A")));
                v.insert(QStringLiteral("Size"),
                         json::Value(units::humanSizeWithPrecision(img.size, 3)));
                v.insert(QStringLiteral("Tag"), json::Value(row.second));
                v.insert(QStringLiteral("UniqueSize"), json::Value(QStringLiteral("N/A")));
                v.insert(QStringLiteral("VirtualSize"),
                         json::Value(units::humanSizeWithPrecision(img.size, 3)));
                if (Status st = out.addRow(v); !st.ok())
                    return ctx.fail(st.error());
            }
        }
        if (Status st = out.write(ctx.out); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeImagesCommand()
{
    return std::make_shared<Images>();
}

} // namespace berth::cli
