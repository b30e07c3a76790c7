// berth commit: a new image from a container's changes.
#include "Command.h"

#include "Containers.h"

namespace berth::cli {

namespace {

class Commit : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("commit"), QStringLiteral("container commit")};
    }
    QString usage() const override
    {
        return QStringLiteral("[OPTIONS] CONTAINER [REPOSITORY[:TAG]]");
    }
    QString summary() const override
    {
        return QStringLiteral("Create a new image from a container's changes");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        Containers::CommitOptions options;
        FlagSet flags;
        flags.addString(QStringLiteral("author"), QLatin1Char('a'), &options.author,
                        QStringLiteral("Author (e.g., \"John Hannibal Smith "
                                       "<hannibal@a-team.com>\")"));
        flags.addList(QStringLiteral("change"), QLatin1Char('c'), &options.changes,
                      QStringLiteral("Apply Dockerfile instruction to the created image"));
        flags.addString(QStringLiteral("message"), QLatin1Char('m'), &options.message,
                        QStringLiteral("Commit message"));
        flags.addBool(QStringLiteral("pause"), QLatin1Char('p'), &options.pause,
                      QStringLiteral("Pause container during commit (default true)"));
        if (int rc = parseArgs(ctx, flags, args, 1, 2); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        options.reference = flags.positionals().value(1);
        options.progress = ctx.progress();
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().at(0));
        auto image = id.ok() ? containers.commit(*id, options) : Result<QString>(id.error());
        if (!image.ok()) {
            ctx.out.flush();
            ctx.err << "Error response from daemon: " << image.error().message << Qt::endl;
            return ExitError;
        }
        ctx.out << *image << Qt::endl;
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeCommitCommand()
{
    return std::make_shared<Commit>();
}

} // namespace berth::cli
