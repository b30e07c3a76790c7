// berth inspect / image inspect: docker's image JSON, or a Go template per object.
#include "Command.h"

#include "Containers.h"
#include "util/GoTemplate.h"

namespace berth::cli {

namespace {

// docker inspect looks for a container first, then an image; the typed
// commands look for one kind only.
enum class Kind { Any, Image, Container };

class Inspect : public Command
{
public:
    explicit Inspect(Kind kind) : m_kind(kind), m_imageOnly(kind == Kind::Image) {}
    QStringList names() const override
    {
        switch (m_kind) {
        case Kind::Image:
            return {QStringLiteral("image inspect")};
        case Kind::Container:
            return {QStringLiteral("container inspect")};
        case Kind::Any:
            break;
        }
        return {QStringLiteral("inspect")};
    }
    QString usage() const override
    {
        switch (m_kind) {
        case Kind::Image:
            return QStringLiteral("[OPTIONS] IMAGE [IMAGE...]");
        case Kind::Container:
            return QStringLiteral("[OPTIONS] CONTAINER [CONTAINER...]");
        case Kind::Any:
            break;
        }
        return QStringLiteral("[OPTIONS] NAME|ID [NAME|ID...]");
    }
    QString summary() const override
    {
        switch (m_kind) {
        case Kind::Image:
            return QStringLiteral("Display detailed information on one or more images");
        case Kind::Container:
            return QStringLiteral("Display detailed information on one or more containers");
        case Kind::Any:
            break;
        }
        return QStringLiteral("Return low-level information on Docker objects");
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
        if (!type.isEmpty() && type != QLatin1String("image") && type != QLatin1String("container"))
            return ctx.fail(QStringLiteral("\"%1\" is not a valid value for --type").arg(type));
        const bool images =
            m_kind == Kind::Image || (m_kind == Kind::Any && type != QLatin1String("container"));
        const bool containers =
            m_kind == Kind::Container || (m_kind == Kind::Any && type != QLatin1String("image"));
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
        Containers containerStore(*engine);
        for (const QString &name : flags.positionals()) {
            Result<json::Value> v = Error{ErrorCode::NotFound, QString()};
            if (containers) {
                auto id = containerStore.resolve(name);
                if (id.ok())
                    v = containerStore.inspect(*id, size);
                else if (id.error().code != ErrorCode::NotFound)
                    v = id.error();
            }
            if (!v.ok() && v.error().code == ErrorCode::NotFound && images) {
                auto id = engine->resolveImage(name);
                v = id.ok() ? engine->inspectImage(*id) : Result<json::Value>(id.error());
            }
            if (!v.ok() && v.error().code == ErrorCode::NotFound) {
                errors << (m_kind == Kind::Any ? QStringLiteral("No such object: %1").arg(name)
                           : m_kind == Kind::Container
                               ? QStringLiteral("No such container: %1").arg(name)
                               : v.error().message);
                continue;
            }
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
    Kind m_kind;
    bool m_imageOnly;
};

} // namespace

std::shared_ptr<Command> makeInspectCommand()
{
    return std::make_shared<Inspect>(Kind::Any);
}

std::shared_ptr<Command> makeImageInspectCommand()
{
    return std::make_shared<Inspect>(Kind::Image);
}

std::shared_ptr<Command> makeContainerInspectCommand()
{
    return std::make_shared<Inspect>(Kind::Container);
}

} // namespace berth::cli
