// berth save: images to one tar archive (a file written atomically, or stdout).
#include "Command.h"
#include "util/Fs.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <fcntl.h>
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
        if (output.isEmpty()) {
            FdWriter writer(1, QStringLiteral("stdout"));
            if (Status st = engine->save(flags.positionals(), writer, ctx.progress()); !st.ok())
                return ctx.fail(st.error());
            return ExitOk;
        }
        // Write beside the target and rename, so a failed save leaves no
        // half-written archive under the name asked for.
        const QFileInfo target(output);
        const QString tmp = target.absolutePath() + QStringLiteral("/.") + target.fileName() +
                            QStringLiteral(".berth-tmp-") + QString::number(::getpid());
        const int fd = ::open(QFile::encodeName(tmp).constData(),
                              O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return ctx.fail(
                Error::fromErrno(errno, QStringLiteral("failed to save image: open"), output));
        FdWriter writer(fd, output);
        Status st = engine->save(flags.positionals(), writer, ctx.progress());
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

std::shared_ptr<Command> makeSaveCommand()
{
    return std::make_shared<Save>();
}

} // namespace berth::cli
