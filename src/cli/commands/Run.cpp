// berth run / berth create (container create): docker's flags, output and
// exit codes (125 engine error, 126 not executable, 127 not found, else the
// container's own).
#include "Attach.h"
#include "Command.h"
#include "commands/Pull.h"

#include "ContainerConfig.h"
#include "Containers.h"
#include "ResourceFlags.h"
#include "reference/Reference.h"
#include "runtime/ShimProtocol.h"

#include <QFile>

#include <sys/socket.h>
#include <unistd.h>

namespace berth::cli {

namespace {

enum RunExit { ExitEngine = 125, ExitCannotInvoke = 126, ExitNotFound = 127 };

class RunCommand : public Command
{
public:
    explicit RunCommand(bool create) : m_create(create) {}
    QStringList names() const override
    {
        if (m_create)
            return {QStringLiteral("create"), QStringLiteral("container create")};
        return {QStringLiteral("run"), QStringLiteral("container run")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] IMAGE [COMMAND] [ARG...]"); }
    QString summary() const override
    {
        return m_create ? QStringLiteral("Create a new container")
                        : QStringLiteral("Create and run a new container from an image");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        bool detach = false, interactive = false, tty = false, rm = false, init = false,
             privileged = false, readOnly = false, publishAll = false, noHealthcheck = false;
        QString name, workdir, entrypoint, user, hostname,
            network = QStringLiteral("bridge"), restart, stopSignal, stopTimeout, cpusetMems,
            oomScoreAdj, healthCmd, healthInterval, healthTimeout, healthRetries, healthStartPeriod,
            healthStartInterval;
        QStringList env, envFiles, labels, ports, volumes, mounts, tmpfs, capAdd, capDrop,
            securityOpt, logOpts, ulimits, groupAdd;
        FlagSet flags;
        flags.setInterspersed(false);
        if (!m_create) {
            flags.addBool(QStringLiteral("detach"), QLatin1Char('d'), &detach,
                          QStringLiteral("Run container in background and print container ID"));
        }
        QString detachKeys;
        if (!m_create)
            flags.addString(QStringLiteral("detach-keys"), QChar(), &detachKeys,
                            QStringLiteral("Override the key sequence for detaching a container"));
        flags.addBool(QStringLiteral("interactive"), QLatin1Char('i'), &interactive,
                      QStringLiteral("Keep STDIN open even if not attached"));
        flags.addBool(QStringLiteral("tty"), QLatin1Char('t'), &tty,
                      QStringLiteral("Allocate a pseudo-TTY"));
        flags.addBool(QStringLiteral("rm"), QChar(), &rm,
                      QStringLiteral("Automatically remove the container when it exits"));
        flags.addString(QStringLiteral("name"), QChar(), &name,
                        QStringLiteral("Assign a name to the container"));
        flags.addList(QStringLiteral("env"), QLatin1Char('e'), &env,
                      QStringLiteral("Set environment variables"));
        flags.addList(QStringLiteral("env-file"), QChar(), &envFiles,
                      QStringLiteral("Read in a file of environment variables"));
        flags.addString(QStringLiteral("workdir"), QLatin1Char('w'), &workdir,
                        QStringLiteral("Working directory inside the container"));
        flags.addString(QStringLiteral("entrypoint"), QChar(), &entrypoint,
                        QStringLiteral("Overwrite the default ENTRYPOINT of the image"));
        flags.addString(QStringLiteral("user"), QLatin1Char('u'), &user,
                        QStringLiteral("Username or UID (format: <name|uid>[:<group|gid>])"));
        flags.addList(QStringLiteral("group-add"), QChar(), &groupAdd,
                      QStringLiteral("Add additional groups to join"));
        flags.addString(QStringLiteral("hostname"), QLatin1Char('h'), &hostname,
                        QStringLiteral("Container host name"));
        flags.addList(QStringLiteral("label"), QLatin1Char('l'), &labels,
                      QStringLiteral("Set meta data on a container"));
        flags.addString(QStringLiteral("network"), QChar(), &network,
                        QStringLiteral("Connect a container to a network"));
        flags.addString(QStringLiteral("net"), QChar(), &network,
                        QStringLiteral("Connect a container to a network"));
        flags.addList(QStringLiteral("publish"), QLatin1Char('p'), &ports,
                      QStringLiteral("Publish a container's port(s) to the host"));
        flags.addBool(QStringLiteral("publish-all"), QLatin1Char('P'), &publishAll,
                      QStringLiteral("Publish all exposed ports to random ports"));
        flags.addList(QStringLiteral("volume"), QLatin1Char('v'), &volumes,
                      QStringLiteral("Bind mount a volume"));
        flags.addList(QStringLiteral("mount"), QChar(), &mounts,
                      QStringLiteral("Attach a filesystem mount to the container"));
        flags.addList(QStringLiteral("tmpfs"), QChar(), &tmpfs,
                      QStringLiteral("Mount a tmpfs directory"));
        flags.addBool(QStringLiteral("read-only"), QChar(), &readOnly,
                      QStringLiteral("Mount the container's root filesystem as read only"));
        flags.addBool(QStringLiteral("init"), QChar(), &init,
                      QStringLiteral("Run an init inside the container that forwards signals "
                                     "and reaps processes"));
        flags.addBool(QStringLiteral("privileged"), QChar(), &privileged,
                      QStringLiteral("Give extended privileges to this container"));
        flags.addList(QStringLiteral("cap-add"), QChar(), &capAdd,
                      QStringLiteral("Add Linux capabilities"));
        flags.addList(QStringLiteral("cap-drop"), QChar(), &capDrop,
                      QStringLiteral("Drop Linux capabilities"));
        flags.addList(QStringLiteral("security-opt"), QChar(), &securityOpt,
                      QStringLiteral("Security Options"));
        flags.addString(QStringLiteral("restart"), QChar(), &restart,
                        QStringLiteral("Restart policy to apply when a container exits"));
        flags.addString(QStringLiteral("stop-signal"), QChar(), &stopSignal,
                        QStringLiteral("Signal to stop the container"));
        flags.addString(QStringLiteral("stop-timeout"), QChar(), &stopTimeout,
                        QStringLiteral("Timeout (in seconds) to stop a container"),
                        QStringLiteral("int"));
        flags.addList(QStringLiteral("log-opt"), QChar(), &logOpts,
                      QStringLiteral("Log driver options"));
        flags.addList(QStringLiteral("ulimit"), QChar(), &ulimits, QStringLiteral("Ulimit options"),
                      QStringLiteral("ulimit"));
        QString pullPolicy = QStringLiteral("missing");
        flags.addString(QStringLiteral("pull"), QChar(), &pullPolicy,
                        QStringLiteral("Pull image before running (\"always\", \"missing\", "
                                       "\"never\")"));
        ResourceFlags limits;
        limits.declare(flags);
        flags.addString(QStringLiteral("cpuset-mems"), QChar(), &cpusetMems,
                        QStringLiteral("MEMs in which to allow execution (0-3, 0,1)"));
        flags.addString(QStringLiteral("oom-score-adj"), QChar(), &oomScoreAdj,
                        QStringLiteral("Tune host's OOM preferences (-1000 to 1000)"),
                        QStringLiteral("int"));
        flags.addString(QStringLiteral("health-cmd"), QChar(), &healthCmd,
                        QStringLiteral("Command to run to check health"));
        flags.addString(QStringLiteral("health-interval"), QChar(), &healthInterval,
                        QStringLiteral("Time between running the check (ms|s|m|h) (default 0s)"),
                        QStringLiteral("duration"));
        flags.addString(QStringLiteral("health-timeout"), QChar(), &healthTimeout,
                        QStringLiteral("Maximum time to allow one check to run (ms|s|m|h) "
                                       "(default 0s)"),
                        QStringLiteral("duration"));
        flags.addString(QStringLiteral("health-retries"), QChar(), &healthRetries,
                        QStringLiteral("Consecutive failures needed to report unhealthy"),
                        QStringLiteral("int"));
        flags.addString(QStringLiteral("health-start-period"), QChar(), &healthStartPeriod,
                        QStringLiteral("Start period for the container to initialize before "
                                       "starting health-retries countdown (ms|s|m|h) (default 0s)"),
                        QStringLiteral("duration"));
        flags.addString(QStringLiteral("health-start-interval"), QChar(), &healthStartInterval,
                        QStringLiteral("Time between running the check during the start period "
                                       "(ms|s|m|h) (default 0s)"),
                        QStringLiteral("duration"));
        flags.addBool(QStringLiteral("no-healthcheck"), QChar(), &noHealthcheck,
                      QStringLiteral("Disable any container-specified HEALTHCHECK"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc == ExitError ? ExitUsage : rc;
        const auto keys = detachKeys.isEmpty() ? std::optional<QByteArray>(DefaultDetachKeys)
                                               : parseDetachKeys(detachKeys);
        if (!keys)
            return engineError(
                ctx, Error{ErrorCode::InvalidArgument, invalidDetachKeysMessage(detachKeys)});

        ContainerOptions o;
        o.image = flags.positionals().first();
        o.cmd = flags.positionals().mid(1);
        o.name = name;
        o.workdir = workdir;
        o.user = user;
        o.groupAdd = groupAdd;
        o.hostname = hostname;
        o.network = network;
        o.tty = tty;
        o.openStdin = interactive;
        o.stdinOnce = interactive && !detach;
        o.autoRemove = rm;
        o.init = init;
        o.privileged = privileged;
        o.readOnly = readOnly;
        o.publishAll = publishAll;
        o.capAdd = capAdd;
        o.capDrop = capDrop;
        o.securityOpt = securityOpt;
        o.restart = restart;
        o.stopSignal = stopSignal;
        o.ulimits = ulimits;
        if (flags.isSet(QStringLiteral("entrypoint")))
            o.entrypoint = entrypoint.isEmpty() ? QStringList() : QStringList{entrypoint};
        for (const QString &file : envFiles) {
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly))
                return usageError(ctx,
                                  QStringLiteral("open %1: no such file or directory").arg(file));
            for (const QByteArray &line : f.readAll().split('\n')) {
                const QString t = QString::fromUtf8(line).trimmed();
                if (!t.isEmpty() && !t.startsWith(QLatin1Char('#')))
                    o.env.append(t);
            }
        }
        o.env += env;
        for (const QString &l : labels)
            o.labels.insert(l.section(QLatin1Char('='), 0, 0), l.section(QLatin1Char('='), 1));
        for (const QString &p : ports) {
            auto parsed = ContainerConfig::parsePublish(p);
            if (!parsed.ok())
                return usageError(ctx, parsed.error().message);
            o.ports += *parsed;
        }
        for (const QString &v : volumes) {
            auto parsed = ContainerConfig::parseVolume(v);
            if (!parsed.ok())
                return usageError(ctx, parsed.error().message);
            o.mounts.append(*parsed);
        }
        for (const QString &m : mounts) {
            auto parsed = ContainerConfig::parseMount(m);
            if (!parsed.ok())
                return usageError(ctx, parsed.error().message);
            o.mounts.append(*parsed);
        }
        for (const QString &t : tmpfs)
            o.mounts.append(ContainerConfig::parseTmpfs(t));
        for (const QString &opt : logOpts)
            o.logOptions.insert(opt.section(QLatin1Char('='), 0, 0),
                                opt.section(QLatin1Char('='), 1));
        runtime::Resources &r = o.resources;
        if (auto bad = limits.parse(&r, &o.nanoCpus))
            return usageError(ctx, *bad);
        if (!limits.cpus.isEmpty() && (r.cpuQuota > 0 || r.cpuPeriod > 0))
            return usageError(ctx, QStringLiteral("Conflicting options: Nano CPUs and CPU "
                                                  "Period/Quota cannot both be set"));
        if (auto bad =
                parseIntegerFlag(oomScoreAdj, &o.oomScoreAdj, QStringLiteral("--oom-score-adj")))
            return usageError(ctx, *bad);
        if (auto bad =
                parseIntegerFlag(stopTimeout, &o.stopTimeout, QStringLiteral("--stop-timeout")))
            return usageError(ctx, *bad);
        r.cpusetMems = cpusetMems.toStdString();
        auto duration = [&](const QString &text, qint64 *out, const QString &flag) -> bool {
            if (text.isEmpty())
                return true;
            auto v = ContainerConfig::parseDuration(text);
            if (!v.ok()) {
                usageError(ctx, QStringLiteral("invalid argument \"%1\" for \"%2\" flag: %3")
                                    .arg(text, flag, v.error().message));
                return false;
            }
            *out = *v;
            return true;
        };
        HealthOptions &health = o.health;
        health.cmd = healthCmd;
        health.disable = noHealthcheck;
        if (!duration(healthInterval, &health.interval, QStringLiteral("--health-interval")) ||
            !duration(healthTimeout, &health.timeout, QStringLiteral("--health-timeout")) ||
            !duration(healthStartPeriod, &health.startPeriod,
                      QStringLiteral("--health-start-period")) ||
            !duration(healthStartInterval, &health.startInterval,
                      QStringLiteral("--health-start-interval")))
            return ExitUsage;
        if (auto bad = parseIntegerFlag(healthRetries, &health.retries,
                                        QStringLiteral("--health-retries")))
            return usageError(ctx, *bad);
        if (Status st = ContainerConfig::checkHealthOptions(health); !st.ok())
            return usageError(ctx, st.error().message);

        if (pullPolicy != QLatin1String("always") && pullPolicy != QLatin1String("missing") &&
            pullPolicy != QLatin1String("never"))
            return usageError(ctx, QStringLiteral("invalid pull option: '%1': must be one of "
                                                  "\"always\", \"missing\" or \"never\"")
                                       .arg(pullPolicy));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitEngine;
        Containers containers(*engine);
        // docker pulls an image it does not have (--pull missing) or every time
        // (always), its progress on stderr so stdout stays the container's.
        bool pull = pullPolicy == QLatin1String("always");
        if (pullPolicy == QLatin1String("missing")) {
            auto found = engine->resolveImage(o.image);
            auto ref = reference::Reference::parse(o.image);
            if (!found.ok() && found.error().code == ErrorCode::NotFound && ref.ok()) {
                ctx.err << "Unable to find image '" << ref->withDefaultTag().familiarString()
                        << "' locally\n";
                ctx.err.flush();
                pull = true;
            }
        }
        if (pull) {
            auto pulled = pullWithProgress(ctx, *engine, o.image, QString(), &ctx.err, 2, true);
            if (!pulled.ok())
                return engineError(ctx, pulled.error());
        }
        auto created = containers.create(o);
        if (!created.ok())
            return engineError(ctx, created.error());
        const QString id = *created;
        if (m_create) {
            ctx.out << id << '\n';
            return ExitOk;
        }
        const QString bundle = containers.bundle(id);
        if (detach) {
            if (Status st = containers.start(id); !st.ok())
                return startFailed(ctx, containers, id, rm, st.error());
            ctx.out << id << '\n';
            return ExitOk;
        }
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
            return engineError(ctx, Error::fromErrno(errno, QStringLiteral("socketpair")));
        Status started = containers.start(id, pair[1]);
        ::close(pair[1]);
        if (!started.ok()) {
            ::close(pair[0]);
            return startFailed(ctx, containers, id, rm, started.error());
        }
        ctx.out.flush();
        int code = relayAttached(pair[0], AttachOptions{interactive, tty, bundle, true, *keys});
        ::close(pair[0]);
        if (code == RelayDetached)
            return ExitOk; // docker's run leaves quietly, the container running
        if (code < 0) {
            auto waited = containers.wait(id);
            code = waited.ok() ? *waited : ExitEngine;
        }
        if (rm) {
            // The shim is gone once it sent the exit; wait() makes sure.
            (void)containers.wait(id);
            if (Status st = containers.remove(id, true, true); !st.ok())
                return engineError(ctx, st.error());
        }
        return code;
    }

private:
    int usageError(Context &ctx, const QString &message)
    {
        ctx.err << "berth: " << message << "\nSee 'berth " << names().first() << " --help'.\n";
        ctx.err.flush();
        return ExitUsage;
    }
    int engineError(Context &ctx, const Error &error)
    {
        ctx.err << "berth: Error response from daemon: " << error.message << ".\n";
        ctx.err.flush();
        return ExitEngine;
    }
    int startFailed(Context &ctx, Containers &containers, const QString &id, bool rm,
                    const Error &error)
    {
        const int code = error.code == ErrorCode::NotFound     ? ExitNotFound
                         : error.code == ErrorCode::Permission ? ExitCannotInvoke
                                                               : ExitEngine;
        if (rm)
            (void)containers.remove(id, true, true);
        ctx.err << "berth: Error response from daemon: " << error.message << ": unknown.\n";
        ctx.err.flush();
        return code;
    }

    bool m_create;
};

} // namespace

std::shared_ptr<Command> makeRunCommand()
{
    return std::make_shared<RunCommand>(false);
}

std::shared_ptr<Command> makeCreateCommand()
{
    return std::make_shared<RunCommand>(true);
}

} // namespace berth::cli
