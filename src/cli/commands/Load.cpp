// berth load: images from a `docker save` archive or an OCI layout tar.
#include "Command.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace berth::cli {

namespace {

class Load : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("load"), QStringLiteral("image load")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override
    {
        return QStringLiteral("Load an image from a tar archive or STDIN");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QString input;
        bool quiet = false;
        FlagSet flags;
        flags.addString(QStringLiteral("input"), QLatin1Char('i'), &input,
                        QStringLiteral("Read from tar archive file, instead of STDIN"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Suppress the load output"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        int fd = 0;
        if (input.isEmpty()) {
            if (::isatty(0))
                return ctx.fail(QStringLiteral("requested load from stdin, but stdin is empty"));
        } else {
            fd = ::open(QFile::encodeName(input).constData(), O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                return ctx.fail(Error::fromErrno(errno, QStringLiteral("open"), input));
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        FdReader reader(fd, input.isEmpty() ? QStringLiteral("stdin") : input);
        auto report = engine->load(reader, ctx.progress());
        if (fd > 0)
            ::close(fd);
        if (!report.ok())
            return ctx.fail(input.isEmpty() ? report.error() : report.error().prefixed(input));
        for (const QString &t : report->tags)
            ctx.out << "Loaded image: " << t << '\n';
        for (const QString &id : report->untaggedIds)
            ctx.out << "Loaded image ID: " << id << '\n';
        ctx.out.flush();
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeLoadCommand()
{
    return std::make_shared<Load>();
}

} // namespace berth::cli
