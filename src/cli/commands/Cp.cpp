// berth cp: files and directories between a container and the host, or as a
// tar stream: `cp CONTAINER:SRC -` writes SRC as a tar to stdout and
// `cp - CONTAINER:DEST` unpacks a tar from stdin into the directory DEST.
#include "Command.h"

#include "Containers.h"

#include <unistd.h>

namespace berth::cli {

namespace {

// docker's split of "CONTAINER:PATH": an absolute or ./-relative argument is a
// host path even with a colon in it.
bool splitContainerArg(const QString &arg, QString *container, QString *path)
{
    if (arg.startsWith(QLatin1Char('/')) || arg.startsWith(QLatin1Char('.')))
        return false;
    const qsizetype colon = arg.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    *container = arg.left(colon);
    *path = arg.mid(colon + 1);
    return true;
}

class Cp : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("cp"), QStringLiteral("container cp")};
    }
    QString usage() const override
    {
        return QStringLiteral("[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
                              "        berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH");
    }
    QString summary() const override
    {
        return QStringLiteral("Copy files/folders between a container and the local filesystem");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        bool archive = false, quiet = false;
        FlagSet flags;
        flags.addBool(QStringLiteral("archive"), QLatin1Char('a'), &archive,
                      QStringLiteral("Archive mode (copy all uid/gid information)"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Suppress progress output during copy"));
        if (int rc = parseArgs(ctx, flags, args, 2, 2); rc >= 0)
            return rc;
        const QString src = flags.positionals().at(0);
        const QString dst = flags.positionals().at(1);
        QString srcContainer, srcPath, dstContainer, dstPath;
        const bool fromContainer = splitContainerArg(src, &srcContainer, &srcPath);
        const bool toContainer = splitContainerArg(dst, &dstContainer, &dstPath);
        if (fromContainer && toContainer)
            return ctx.fail(QStringLiteral("copying between containers is not supported"));
        if (!fromContainer && !toContainer)
            return ctx.fail(QStringLiteral("must specify at least one container source"));
        if ((fromContainer ? srcPath : dstPath).isEmpty())
            return ctx.fail(QStringLiteral("filepath cannot be empty"));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(fromContainer ? srcContainer : dstContainer);
        Status st;
        if (!id.ok()) {
            st = id.error();
        } else if (fromContainer && dst == QLatin1String("-")) {
            ctx.out.flush();
            FdWriter out(STDOUT_FILENO, QStringLiteral("stdout"));
            st = containers.copyFromContainerAsTar(*id, srcPath, out);
        } else if (fromContainer) {
            st = containers.copyFromContainer(*id, srcPath, dst);
        } else if (src == QLatin1String("-")) {
            auto isDir = containers.isDirectoryInContainer(*id, dstPath);
            if (isDir.ok() && !*isDir)
                return ctx.fail(QStringLiteral("destination \"%1:%2\" must be a directory")
                                    .arg(dstContainer, dstPath));
            FdReader in(STDIN_FILENO, QStringLiteral("stdin"));
            st = isDir.ok() ? containers.copyTarToContainer(*id, in, dstPath)
                            : Status(isDir.error());
        } else {
            st = containers.copyToContainer(*id, src, dstPath, archive);
        }
        if (!st.ok()) {
            ctx.err << "Error response from daemon: " << st.error().message << Qt::endl;
            return ExitError;
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeCpCommand()
{
    return std::make_shared<Cp>();
}

} // namespace berth::cli
