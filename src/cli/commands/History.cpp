// berth history: the layers and steps an image was made of, newest first.
#include "Command.h"
#include "Format.h"
#include "util/Units.h"

namespace berth::cli {

namespace {

class History : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("history"), QStringLiteral("image history")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] IMAGE"); }
    QString summary() const override { return QStringLiteral("Show the history of an image"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool human = true, noTrunc = false, quiet = false;
        QString format;
        FlagSet flags;
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Format output using a custom template"));
        flags.addBool(
            QStringLiteral("human"), QLatin1Char('H'), &human,
            QStringLiteral("Print sizes and dates in human readable format (default true)"));
        flags.addBool(QStringLiteral("no-trunc"), QChar(), &noTrunc,
                      QStringLiteral("Don't truncate output"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Only show image IDs"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        auto id = engine->resolveImage(flags.positionals().first());
        if (!id.ok())
            return ctx.fail(id.error());
        auto rows = engine->history(*id);
        if (!rows.ok())
            return ctx.fail(rows.error());

        if (quiet)
            format = QStringLiteral("{{.ID}}");
        if (format.isEmpty() || format == QLatin1String("table"))
            format = QStringLiteral(
                "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}");
        RowFormatter out(format, {{QStringLiteral("ID"), QStringLiteral("IMAGE")},
                                  {QStringLiteral("CreatedSince"), QStringLiteral("CREATED")},
                                  {QStringLiteral("CreatedAt"), QStringLiteral("CREATED AT")},
                                  {QStringLiteral("CreatedBy"), QStringLiteral("CREATED BY")},
                                  {QStringLiteral("Size"), QStringLiteral("SIZE")},
                                  {QStringLiteral("Comment"), QStringLiteral("COMMENT")}});
        for (const HistoryRow &r : *rows) {
            QString rowId = QStringLiteral("<missing>");
            if (!r.id.isEmpty())
                rowId = noTrunc ? r.id : shortId(r.id);
            QString createdBy = r.createdBy;
            createdBy.replace(QLatin1Char('\t'), QLatin1Char(' '));
            if (!noTrunc)
                createdBy = ellipsis(createdBy, 45);
            const QString rfc3339 = r.created.toUTC().toString(Qt::ISODate);
            json::Value v = json::Value::object();
            v.insert(QStringLiteral("Comment"), json::Value(r.comment));
            v.insert(QStringLiteral("CreatedAt"),
                     json::Value(human ? createdAt(r.created) : rfc3339));
            v.insert(QStringLiteral("CreatedBy"), json::Value(createdBy));
            v.insert(QStringLiteral("CreatedSince"),
                     json::Value(human ? createdSince(r.created) : rfc3339));
            v.insert(QStringLiteral("ID"), json::Value(rowId));
            v.insert(QStringLiteral("Size"),
                     json::Value(human ? units::humanSizeWithPrecision(r.size, 3)
                                       : QString::number(r.size)));
            if (Status st = out.addRow(v); !st.ok())
                return ctx.fail(st.error());
        }
        if (Status st = out.write(ctx.out); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeHistoryCommand()
{
    return std::make_shared<History>();
}

} // namespace berth::cli
