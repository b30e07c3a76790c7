// berth inspect / image inspect: docker's image JSON, or a Go template per object.
#include "Command.h"

#include "util/GoTemplate.h"

namespace berth::cli {

namespace {

class Inspect : public Command
{
public:
    explicit Inspect(bool imageOnly) : m_imageOnly(imageOnly) {}
    QStringList names() const override
    {
        return {m_imageOnly ? QStringLiteral("image inspect") : QStringLiteral("inspect")};
    }
    QString usage() const override
    {
        return m_imageOnly ? QStringLiteral("[OPTIONS] IMAGE [IMAGE...]")
                           : QStringLiteral("[OPTIONS] NAME|ID [NAME|ID...]");
    }
    QString summary() const override
    {
        return m_imageOnly ? QStringLiteral("Display detailed information on one or more images")
                           : QStringLiteral("Return low-level information on Docker objects");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QString format, type;
        bool size = false;
        FlagSet flags;
        flags.addString(QStringLiteral("format"), QLatin1Char('f'), &format,
                        QStringLiteral("Format output using a custom template"));
        if (!m_imageOnly) {
            flags.addBool(QStringLiteral("size"), QLatin1Char('s'), &size,
                          QStringLiteral("Display total file sizes if the type is container"));
            flags.addString(QStringLiteral("type"), QChar(), &type,
                            QStringLiteral("Return JSON for specified type"));
        }
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        if (!type.isEmpty() && type != QLatin1String("image"))
            return ctx.fail(QStringLiteral("\"%1\" is not a valid value for --type").arg(type));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        std::optional<GoTemplate> tmpl;
        if (!format.isEmpty() && format != QLatin1String("json")) {
            auto t = GoTemplate::parse(format);
            if (!t.ok())
                return ctx.fail(
                    QStringLiteral("template parsing error: %1").arg(t.error().message));
            tmpl = std::move(t).value();
        }
        json::Value all = json::Value::array();
        QStringList errors;
        QStringList lines;
        for (const QString &name : flags.positionals()) {
            auto id = engine->resolveImage(name);
            if (!id.ok()) {
                errors << (id.error().code == ErrorCode::NotFound && !m_imageOnly
                               ? QStringLiteral("No such object: %1").arg(name)
                               : id.error().message);
                continue;
            }
            auto v = engine->inspectImage(*id);
            if (!v.ok()) {
                errors << v.error().message;
                continue;
            }
            if (tmpl) {
                auto text = tmpl->execute(*v);
                if (!text.ok())
                    return ctx.fail(QStringLiteral("template: %1").arg(text.error().message));
                lines << *text;
            } else {
                all.append(*v);
            }
        }
        if (tmpl) {
            for (const QString &l : lines)
                ctx.out << l << '\n';
        } else {
            ctx.out << QString::fromUtf8(all.serialize(json::Style::indentedWith("", "    ")))
                    << '\n';
        }
        ctx.out.flush();
        for (const QString &e : errors)
            ctx.err << "Error: " << e << '\n';
        ctx.err.flush();
        return errors.isEmpty() ? ExitOk : ExitError;
    }

private:
    bool m_imageOnly;
};

} // namespace

std::shared_ptr<Command> makeInspectCommand()
{
    return std::make_shared<Inspect>(false);
}

std::shared_ptr<Command> makeImageInspectCommand()
{
    return std::make_shared<Inspect>(true);
}

} // namespace berth::cli
