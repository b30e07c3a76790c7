// berth update: docker's flags for changing a container's limits and restart
// policy, live when it runs and in its record for the next start; prints each
// container as it was named, like docker.
#include "Command.h"

#include "Containers.h"
#include "ResourceFlags.h"

namespace berth::cli {

namespace {

class UpdateCommand : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("update"), QStringLiteral("container update")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] CONTAINER [CONTAINER...]"); }
    QString summary() const override
    {
        return QStringLiteral("Update configuration of one or more containers");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        ResourceFlags limits;
        QString restart;
        FlagSet flags;
        limits.declare(flags);
        flags.addString(QStringLiteral("restart"), QChar(), &restart,
                        QStringLiteral("Restart policy to apply when a container exits"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;

        Containers::UpdateOptions o;
        runtime::Resources &r = o.resources;
        if (auto bad = limits.parse(&r, &o.nanoCpus))
            return usageError(ctx, *bad);
        if (flags.isSet(QStringLiteral("restart")))
            o.restart = restart;
        if (r.memory == 0 && r.memorySwap == 0 && r.cpuShares == 0 && r.cpuQuota == 0 &&
            r.cpuPeriod == 0 && r.pidsLimit == 0 && r.cpusetCpus.empty() && o.nanoCpus == 0 &&
            !o.restart) {
            ctx.err << "You must provide one or more flags when using this command.\n";
            ctx.err.flush();
            return ExitError;
        }

        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        QStringList failed;
        for (const QString &arg : flags.positionals()) {
            auto id = containers.resolve(arg);
            Status st = id.ok() ? containers.update(*id, o) : Status(id.error());
            if (!st.ok()) {
                ctx.err << "Error response from daemon: " << st.error().message << '\n';
                failed.append(arg);
                continue;
            }
            ctx.out << arg << '\n';
        }
        ctx.out.flush();
        if (!failed.isEmpty()) {
            ctx.err << "Error: failed to update containers: " << failed.join(QStringLiteral(", "))
                    << '\n';
            ctx.err.flush();
            return ExitError;
        }
        return ExitOk;
    }

private:
    int usageError(Context &ctx, const QString &message)
    {
        ctx.err << "berth: " << message << "\nSee 'berth update --help'.\n";
        ctx.err.flush();
        return ExitUsage;
    }
};

} // namespace

std::shared_ptr<Command> makeUpdateCommand()
{
    return std::make_shared<UpdateCommand>();
}

} // namespace berth::cli
