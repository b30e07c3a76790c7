// berth diff: the files a container added (A), changed (C) and deleted (D).
#include "Command.h"

#include "Containers.h"

namespace berth::cli {

namespace {

class Diff : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("diff"), QStringLiteral("container diff")};
    }
    QString usage() const override { return QStringLiteral("CONTAINER"); }
    QString summary() const override
    {
        return QStringLiteral("Inspect changes to files or directories on a container's "
                              "filesystem");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().at(0));
        auto changes =
            id.ok() ? containers.diff(*id) : Result<QList<Containers::Change>>(id.error());
        if (!changes.ok()) {
            ctx.err << "Error response from daemon: " << changes.error().message << Qt::endl;
            return ExitError;
        }
        for (const Containers::Change &c : *changes) {
            const char kind = c.kind == Containers::Change::Added     ? 'A'
                              : c.kind == Containers::Change::Deleted ? 'D'
                                                                      : 'C';
            ctx.out << kind << ' ' << c.path << '\n';
        }
        ctx.out.flush();
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeDiffCommand()
{
    return std::make_shared<Diff>();
}

} // namespace berth::cli
