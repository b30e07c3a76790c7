// berth update: docker's flags for changing a container's limits and restart
// policy, live when it runs and in its record for the next start; prints each
// container as it was named, like docker.
#include "Command.h"

#include "Containers.h"
#include "util/Units.h"

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
        QString memory, memorySwap, cpus, cpuShares, cpuQuota, cpuPeriod, cpusetCpus, pidsLimit,
            restart;
        FlagSet flags;
        flags.addString(QStringLiteral("memory"), QLatin1Char('m'), &memory,
                        QStringLiteral("Memory limit"), QStringLiteral("bytes"));
        flags.addString(QStringLiteral("memory-swap"), QChar(), &memorySwap,
                        QStringLiteral("Swap limit equal to memory plus swap: -1 to enable "
                                       "unlimited swap"),
                        QStringLiteral("bytes"));
        flags.addString(QStringLiteral("cpus"), QChar(), &cpus, QStringLiteral("Number of CPUs"),
                        QStringLiteral("decimal"));
        flags.addString(QStringLiteral("cpu-shares"), QLatin1Char('c'), &cpuShares,
                        QStringLiteral("CPU shares (relative weight)"), QStringLiteral("int"));
        flags.addString(QStringLiteral("cpu-quota"), QChar(), &cpuQuota,
                        QStringLiteral("Limit CPU CFS (Completely Fair Scheduler) quota"),
                        QStringLiteral("int"));
        flags.addString(QStringLiteral("cpu-period"), QChar(), &cpuPeriod,
                        QStringLiteral("Limit CPU CFS (Completely Fair Scheduler) period"),
                        QStringLiteral("int"));
        flags.addString(QStringLiteral("cpuset-cpus"), QChar(), &cpusetCpus,
                        QStringLiteral("CPUs in which to allow execution (0-3, 0,1)"));
        flags.addString(QStringLiteral("pids-limit"), QChar(), &pidsLimit,
                        QStringLiteral("Tune container pids limit (set -1 for unlimited)"),
                        QStringLiteral("int"));
        flags.addString(QStringLiteral("restart"), QChar(), &restart,
                        QStringLiteral("Restart policy to apply when a container exits"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;

        Containers::UpdateOptions o;
        runtime::Resources &r = o.resources;
        auto bytes = [&](const QString &text, int64_t *out, const QString &flag) {
            if (text.isEmpty())
                return true;
            if (text == QLatin1String("-1")) {
                *out = -1;
                return true;
            }
            auto v = units::ramInBytes(text);
            if (!v.ok()) {
                usageError(ctx, QStringLiteral("invalid argument \"%1\" for \"%2\" flag: %3")
                                    .arg(text, flag, v.error().message));
                return false;
            }
            *out = *v;
            return true;
        };
        auto integer = [&](const QString &text, int64_t *out, const QString &flag) {
            if (text.isEmpty())
                return true;
            bool ok = false;
            *out = text.toLongLong(&ok);
            if (!ok)
                usageError(ctx, QStringLiteral("invalid argument \"%1\" for \"%2\" flag: "
                                               "strconv.ParseInt: parsing \"%1\": invalid syntax")
                                    .arg(text, flag));
            return ok;
        };
        if (!bytes(memory, &r.memory, QStringLiteral("-m, --memory")) ||
            !bytes(memorySwap, &r.memorySwap, QStringLiteral("--memory-swap")) ||
            !integer(cpuShares, &r.cpuShares, QStringLiteral("-c, --cpu-shares")) ||
            !integer(cpuQuota, &r.cpuQuota, QStringLiteral("--cpu-quota")) ||
            !integer(cpuPeriod, &r.cpuPeriod, QStringLiteral("--cpu-period")) ||
            !integer(pidsLimit, &r.pidsLimit, QStringLiteral("--pids-limit")))
            return ExitUsage;
        if (!cpus.isEmpty()) {
            bool ok = false;
            const double value = cpus.toDouble(&ok);
            if (!ok || value < 0)
                return usageError(ctx, QStringLiteral("invalid argument \"%1\" for \"--cpus\" "
                                                      "flag: failed to parse %1 as a rational "
                                                      "number")
                                           .arg(cpus));
            o.nanoCpus = qint64(value * 1e9);
        }
        r.cpusetCpus = cpusetCpus.toStdString();
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
