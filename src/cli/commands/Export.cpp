// berth export: a container's whole file system as a tar archive.
#include "Command.h"

#include "Containers.h"

#include <unistd.h>

namespace berth::cli {

namespace {

class Export : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("export"), QStringLiteral("container export")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] CONTAINER"); }
    QString summary() const override
    {
        return QStringLiteral("Export a container's filesystem as a tar archive");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QString output;
        FlagSet flags;
        flags.addString(QStringLiteral("output"), QLatin1Char('o'), &output,
                        QStringLiteral("Write to a file, instead of STDOUT"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        if (output.isEmpty() && ::isatty(1))
            return ctx.fail(QStringLiteral(
                "cowardly refusing to save to a terminal. Use the -o flag or redirect"));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().at(0));
        if (!id.ok())
            return ctx.daemonError(id.error().message);
        return writeArchiveOutput(
            ctx, output, QStringLiteral("failed to export container: open"),
            [&](Writer &out) { return containers.exportFilesystem(*id, out, ctx.progress()); });
    }
};

} // namespace

std::shared_ptr<Command> makeExportCommand()
{
    return std::make_shared<Export>();
}

} // namespace berth::cli
