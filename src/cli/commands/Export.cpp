// berth export: a container's whole file system as a tar archive.
#include "Command.h"

#include "Containers.h"
#include "util/Fs.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <fcntl.h>
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
        if (!id.ok()) {
            ctx.err << "Error response from daemon: " << id.error().message << Qt::endl;
            return ExitError;
        }
        if (output.isEmpty()) {
            FdWriter writer(1, QStringLiteral("stdout"));
            if (Status st = containers.exportFilesystem(*id, writer, ctx.progress()); !st.ok())
                return ctx.fail(st.error());
            return ExitOk;
        }
        // Written beside the target and renamed, so a failed export leaves no
        // half-written archive under the name asked for.
        const QFileInfo target(output);
        const QString tmp = target.absolutePath() + QStringLiteral("/.") + target.fileName() +
                            QStringLiteral(".berth-tmp-") + QString::number(::getpid());
        const int fd = ::open(QFile::encodeName(tmp).constData(),
                              O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return ctx.fail(Error::fromErrno(errno,
                                             QStringLiteral("failed to export container: "
                                                            "open"),
                                             output));
        FdWriter writer(fd, output);
        Status st = containers.exportFilesystem(*id, writer, ctx.progress());
        if (st.ok())
            st = fs::syncFile(fd, output);
        ::close(fd);
        if (st.ok() && ::rename(QFile::encodeName(tmp).constData(),
                                QFile::encodeName(output).constData()) != 0)
            st = Error::fromErrno(errno, QStringLiteral("rename"), output);
        if (!st.ok()) {
            ::unlink(QFile::encodeName(tmp).constData());
            return ctx.fail(st.error());
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeExportCommand()
{
    return std::make_shared<Export>();
}

} // namespace berth::cli
