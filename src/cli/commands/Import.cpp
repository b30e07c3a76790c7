// berth import: a filesystem tarball (plain, gzip, xz, bzip2, zstd) as a new image.
#include "Command.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace berth::cli {

namespace {

class Import : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("import"), QStringLiteral("image import")};
    }
    QString usage() const override
    {
        return QStringLiteral("[OPTIONS] file|-  [REPOSITORY[:TAG]]");
    }
    QString summary() const override
    {
        return QStringLiteral("Import the contents from a tarball to create a filesystem image");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QStringList changes;
        QString message, platform;
        FlagSet flags;
        flags.addList(QStringLiteral("change"), QLatin1Char('c'), &changes,
                      QStringLiteral("Apply Dockerfile instruction to the created image"));
        flags.addString(QStringLiteral("message"), QLatin1Char('m'), &message,
                        QStringLiteral("Set commit message for imported image"));
        flags.addString(QStringLiteral("platform"), QChar(), &platform,
                        QStringLiteral("Set platform if server is multi-platform capable"));
        if (int rc = parseArgs(ctx, flags, args, 1, 2); rc >= 0)
            return rc;
        const QString source = flags.positionals().at(0);
        if (!platform.isEmpty() &&
            platform != QLatin1String("linux/") + image::hostArchitecture() &&
            platform != QLatin1String("linux"))
            return ctx.fail(
                QStringLiteral(
                    "image with reference platform %1 is not supported on this host (linux/%2)")
                    .arg(platform, image::hostArchitecture()));
        if (source.contains(QLatin1String("://")))
            return ctx.fail(
                QStringLiteral(
                    "importing from a URL (%1) is not supported; download the file and import it")
                    .arg(source));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;

        int fd = 0;
        if (source != QLatin1String("-")) {
            fd = ::open(QFile::encodeName(source).constData(), O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                return ctx.fail(Error::fromErrno(errno, QStringLiteral("open"), source));
        }
        FdReader reader(fd, source == QLatin1String("-") ? QStringLiteral("stdin") : source);
        ImportOptions opts;
        opts.changes = changes;
        opts.message = message;
        opts.reference = flags.positionals().value(1);
        opts.progress = ctx.progress();
        auto id = engine->importImage(reader, opts);
        if (fd > 0)
            ::close(fd);
        if (!id.ok())
            return ctx.fail(id.error());
        ctx.out << *id << Qt::endl;
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeImportCommand()
{
    return std::make_shared<Import>();
}

} // namespace berth::cli
