// berth save: images to one tar archive (a file written atomically, or stdout).
#include "Command.h"

#include <unistd.h>

namespace berth::cli {

namespace {

class Save : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("save"), QStringLiteral("image save")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] IMAGE [IMAGE...]"); }
    QString summary() const override
    {
        return QStringLiteral(
            "Save one or more images to a tar archive (streamed to STDOUT by default)");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QString output;
        FlagSet flags;
        flags.addString(QStringLiteral("output"), QLatin1Char('o'), &output,
                        QStringLiteral("Write to a file, instead of STDOUT"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        if (output.isEmpty() && ::isatty(1))
            return ctx.fail(QStringLiteral(
                "cowardly refusing to save to a terminal. Use the -o flag or redirect"));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        return writeArchiveOutput(
            ctx, output, QStringLiteral("failed to save image: open"),
            [&](Writer &out) { return engine->save(flags.positionals(), out, ctx.progress()); });
    }
};

} // namespace

std::shared_ptr<Command> makeSaveCommand()
{
    return std::make_shared<Save>();
}

} // namespace berth::cli
