// berth start, stop, restart, kill, pause, unpause, wait, rm, rename and
// container prune: each acts on every container named and prints its name as
// docker does; one failure does not stop the others, it makes the exit 1.
#include "Attach.h"
#include "Command.h"

#include "ContainerConfig.h"
#include "Containers.h"
#include "util/Units.h"

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <iostream>

namespace berth::cli {

namespace {

// One action per named container.
class EachContainer : public Command
{
public:
    using Action =
        std::function<Status(Containers &, const QString &id, const QString &arg, Context &)>;
    EachContainer(QStringList names, QString summary, Action action,
                  std::function<void(FlagSet &)> addFlags = {})
        : m_names(std::move(names)), m_summary(std::move(summary)), m_action(std::move(action)),
          m_addFlags(std::move(addFlags))
    {
    }
    QStringList names() const override { return m_names; }
    QString usage() const override { return QStringLiteral("[OPTIONS] CONTAINER [CONTAINER...]"); }
    QString summary() const override { return m_summary; }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (m_addFlags)
            m_addFlags(flags);
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        int rc = ExitOk;
        for (const QString &arg : flags.positionals()) {
            auto id = containers.resolve(arg);
            Status st = id.ok() ? m_action(containers, *id, arg, ctx) : Status(id.error());
            if (!st.ok()) {
                ctx.daemonError(st.error().message);
                rc = ExitError;
            }
        }
        return rc;
    }

private:
    QStringList m_names;
    QString m_summary;
    Action m_action;
    std::function<void(FlagSet &)> m_addFlags;
};

Status printed(Context &ctx, const QString &arg, Status st)
{
    if (st.ok()) {
        ctx.out << arg << '\n';
        ctx.out.flush();
    }
    return st;
}

struct StopFlags
{
    QString time;
    QString signal;
    bool force = false;
    bool volumes = false;
};

int timeoutOf(const StopFlags &f)
{
    bool ok = false;
    const int t = f.time.toInt(&ok);
    return ok ? t : -1;
}

class Start : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("start"), QStringLiteral("container start")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] CONTAINER [CONTAINER...]"); }
    QString summary() const override
    {
        return QStringLiteral("Start one or more stopped containers");
    }
    int run(Context &ctx, const QStringList &args) override
    {
        bool attach = false, interactive = false;
        QString detachKeys;
        FlagSet flags;
        flags.addBool(QStringLiteral("attach"), QLatin1Char('a'), &attach,
                      QStringLiteral("Attach STDOUT/STDERR and forward signals"));
        flags.addString(QStringLiteral("detach-keys"), QChar(), &detachKeys,
                        QStringLiteral("Override the key sequence for detaching a container"));
        flags.addBool(QStringLiteral("interactive"), QLatin1Char('i'), &interactive,
                      QStringLiteral("Attach container's STDIN"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        AttachOptions relay;
        if (!detachKeys.isEmpty()) {
            const auto keys = parseDetachKeys(detachKeys);
            if (!keys)
                return ctx.daemonError(invalidDetachKeysMessage(detachKeys));
            relay.detachKeys = *keys;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        if ((attach || interactive) && flags.positionals().size() > 1)
            return ctx.fail(
                QStringLiteral("you cannot start and attach multiple containers at once"));
        if (attach || interactive) {
            auto id = containers.resolve(flags.positionals().first());
            if (!id.ok()) {
                ctx.daemonError(id.error().message);
                return ExitError;
            }
            auto info = containers.info(*id);
            int pair[2];
            if (!info.ok() || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
                ctx.daemonError(info.ok() ? QStringLiteral("socketpair failed")
                                          : info.error().message);
                return ExitError;
            }
            Status st = containers.start(*id, pair[1]);
            ::close(pair[1]);
            if (!st.ok()) {
                ::close(pair[0]);
                ctx.daemonError(st.error().message);
                return ExitError;
            }
            auto record = engine->metadata().container(*id);
            relay.tty = record.ok() && *record &&
                        ContainerConfig::fromRecord((*record)->config)
                            .value(QLatin1String("Config"))
                            .toObject()
                            .value(QLatin1String("Tty"))
                            .toBool();
            relay.stdinStream = interactive;
            relay.bundle = containers.bundle(*id);
            const int code = relayAttached(pair[0], relay);
            ::close(pair[0]);
            if (code == RelayDetached)
                return ExitOk; // docker's start leaves quietly, the container running
            return code < 0 ? ExitError : code;
        }
        int rc = ExitOk;
        QStringList failed;
        for (const QString &arg : flags.positionals()) {
            auto id = containers.resolve(arg);
            Status st = id.ok() ? containers.start(*id) : Status(id.error());
            if (!st.ok()) {
                ctx.daemonError(st.error().message);
                failed << arg;
                rc = ExitError;
                continue;
            }
            ctx.out << arg << '\n';
            ctx.out.flush();
        }
        if (!failed.isEmpty()) {
            ctx.err << "Error: failed to start containers: " << failed.join(QStringLiteral(", "))
                    << '\n';
            ctx.err.flush();
        }
        return rc;
    }
};

class Wait : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("wait"), QStringLiteral("container wait")};
    }
    QString usage() const override { return QStringLiteral("CONTAINER [CONTAINER...]"); }
    QString summary() const override
    {
        return QStringLiteral("Block until one or more containers stop, then print their exit "
                              "codes");
    }
    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        int rc = ExitOk;
        for (const QString &arg : flags.positionals()) {
            auto id = containers.resolve(arg);
            auto code = id.ok() ? containers.wait(*id) : Result<int>(id.error());
            if (!code.ok()) {
                ctx.daemonError(code.error().message);
                rc = ExitError;
                continue;
            }
            ctx.out << *code << '\n';
            ctx.out.flush();
        }
        return rc;
    }
};

class Rename : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("rename"), QStringLiteral("container rename")};
    }
    QString usage() const override { return QStringLiteral("CONTAINER NEW_NAME"); }
    QString summary() const override { return QStringLiteral("Rename a container"); }
    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 2, 2); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().at(0));
        Status st =
            id.ok() ? containers.rename(*id, flags.positionals().at(1)) : Status(id.error());
        if (!st.ok()) {
            ctx.daemonError(st.error().message);
            return ExitError;
        }
        return ExitOk;
    }
};

class ContainerPrune : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("container prune")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("Remove all stopped containers"); }
    int run(Context &ctx, const QStringList &args) override
    {
        bool force = false;
        FlagSet flags;
        flags.addBool(QStringLiteral("force"), QLatin1Char('f'), &force,
                      QStringLiteral("Do not prompt for confirmation"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        if (!force) {
            ctx.out << "WARNING! This will remove all stopped containers.\n"
                       "Are you sure you want to continue? [y/N] ";
            ctx.out.flush();
            std::string answer;
            std::getline(std::cin, answer);
            if (answer != "y" && answer != "Y")
                return ExitOk;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto all = containers.list(true);
        if (!all.ok())
            return ctx.fail(all.error());
        QStringList deleted;
        qint64 reclaimed = 0;
        for (const ContainerInfo &c : *all) {
            if (c.state.isRunning() || c.state.status == ContainerState::Restarting)
                continue;
            if (Status st = containers.remove(c.id, false, false); !st.ok()) {
                ctx.daemonError(st.error().message);
                continue;
            }
            deleted << c.id;
            reclaimed += qMax<qint64>(0, c.sizeRw);
        }
        if (!deleted.isEmpty()) {
            ctx.out << "Deleted Containers:\n";
            for (const QString &id : deleted)
                ctx.out << id << '\n';
            ctx.out << '\n';
        }
        ctx.out << "Total reclaimed space: " << units::humanSize(double(reclaimed)) << '\n';
        return ExitOk;
    }
};

} // namespace

QList<std::shared_ptr<Command>> makeContainerLifecycleCommands()
{
    auto stopFlags = std::make_shared<StopFlags>();
    auto addStopFlags = [stopFlags](FlagSet &flags) {
        *stopFlags = StopFlags{};
        flags.addString(QStringLiteral("time"), QLatin1Char('t'), &stopFlags->time,
                        QStringLiteral("Seconds to wait before killing the container"),
                        QStringLiteral("int"));
        flags.addString(QStringLiteral("timeout"), QChar(), &stopFlags->time,
                        QStringLiteral("Seconds to wait before killing the container"),
                        QStringLiteral("int"));
    };
    auto killFlags = [stopFlags](FlagSet &flags) {
        *stopFlags = StopFlags{};
        flags.addString(QStringLiteral("signal"), QLatin1Char('s'), &stopFlags->signal,
                        QStringLiteral("Signal to send to the container"));
    };
    auto rmFlags = [stopFlags](FlagSet &flags) {
        *stopFlags = StopFlags{};
        flags.addBool(QStringLiteral("force"), QLatin1Char('f'), &stopFlags->force,
                      QStringLiteral("Force the removal of a running container (uses SIGKILL)"));
        flags.addBool(QStringLiteral("volumes"), QLatin1Char('v'), &stopFlags->volumes,
                      QStringLiteral("Remove anonymous volumes associated with the container"));
    };
    using C = Containers;
    return {
        std::make_shared<Start>(),
        std::make_shared<EachContainer>(
            QStringList{QStringLiteral("stop"), QStringLiteral("container stop")},
            QStringLiteral("Stop one or more running containers"),
            [stopFlags](C &c, const QString &id, const QString &arg, Context &ctx) {
                return printed(ctx, arg, c.stop(id, timeoutOf(*stopFlags)));
            },
            addStopFlags),
        std::make_shared<EachContainer>(
            QStringList{QStringLiteral("restart"), QStringLiteral("container restart")},
            QStringLiteral("Restart one or more containers"),
            [stopFlags](C &c, const QString &id, const QString &arg, Context &ctx) -> Status {
                BERTH_TRY(c.stop(id, timeoutOf(*stopFlags)));
                return printed(ctx, arg, c.start(id));
            },
            addStopFlags),
        std::make_shared<EachContainer>(
            QStringList{QStringLiteral("kill"), QStringLiteral("container kill")},
            QStringLiteral("Kill one or more running containers"),
            [stopFlags](C &c, const QString &id, const QString &arg, Context &ctx) -> Status {
                const QString name =
                    stopFlags->signal.isEmpty() ? QStringLiteral("KILL") : stopFlags->signal;
                const auto sig = ContainerConfig::signalNumber(name);
                if (!sig)
                    return Error{ErrorCode::InvalidArgument,
                                 QStringLiteral("Invalid signal: %1").arg(name)};
                Status st = c.kill(id, *sig);
                // docker names the container as the user did in this one message.
                if (!st.ok() && st.error().code == ErrorCode::Conflict)
                    return Error{ErrorCode::Conflict,
                                 QStringLiteral("Cannot kill container: %1: %2")
                                     .arg(arg, st.error().message)};
                return printed(ctx, arg, st);
            },
            killFlags),
        std::make_shared<EachContainer>(
            QStringList{QStringLiteral("pause"), QStringLiteral("container pause")},
            QStringLiteral("Pause all processes within one or more containers"),
            [](C &c, const QString &id, const QString &arg, Context &ctx) {
                return printed(ctx, arg, c.pause(id));
            }),
        std::make_shared<EachContainer>(
            QStringList{QStringLiteral("unpause"), QStringLiteral("container unpause")},
            QStringLiteral("Unpause all processes within one or more containers"),
            [](C &c, const QString &id, const QString &arg, Context &ctx) {
                return printed(ctx, arg, c.unpause(id));
            }),
        std::make_shared<EachContainer>(
            QStringList{QStringLiteral("rm"), QStringLiteral("container rm")},
            QStringLiteral("Remove one or more containers"),
            [stopFlags](C &c, const QString &id, const QString &arg, Context &ctx) {
                return printed(ctx, arg, c.remove(id, stopFlags->force, stopFlags->volumes));
            },
            rmFlags),
        std::make_shared<Wait>(),
        std::make_shared<Rename>(),
        std::make_shared<ContainerPrune>(),
    };
}

} // namespace berth::cli
