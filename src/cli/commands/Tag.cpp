// berth tag: another name for an image.
#include "Command.h"

namespace berth::cli {

namespace {

class Tag : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("tag"), QStringLiteral("image tag")};
    }
    QString usage() const override
    {
        return QStringLiteral("SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]");
    }
    QString summary() const override
    {
        return QStringLiteral("Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 2, 2); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        if (Status st = engine->tag(flags.positionals().at(0), flags.positionals().at(1)); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeTagCommand()
{
    return std::make_shared<Tag>();
}

} // namespace berth::cli
