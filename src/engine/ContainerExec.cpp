// Working with a container's processes while it runs: exec (a new process in
// its namespaces and cgroup), attach (its streams, through its shim), top (its
// processes as the host's ps sees them), stats (usage samples) and update
// (limits changed live and in the record).
#include "ContainerConfig.h"
#include "Containers.h"
#include "runtime/Capabilities.h"
#include "runtime/Cgroup.h"
#include "runtime/Exec.h"
#include "runtime/SeccompFilter.h"
#include "runtime/ShimProtocol.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace berth {

namespace {

// A file of the running container's root, e.g. "etc/passwd". Resolved inside
// that root, so a symlink planted in the image cannot point at a host file.
std::optional<QByteArray> readContainerFile(int initPid, const char *path)
{
    const QByteArray rootPath = QStringLiteral("/proc/%1/root").arg(initPid).toLocal8Bit();
    const int root = ::open(rootPath.constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return std::nullopt;
    open_how how = {};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT;
    const int fd = int(::syscall(SYS_openat2, root, path, &how, sizeof how));
    ::close(root);
    if (fd < 0)
        return std::nullopt;
    QFile f;
    if (!f.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return std::nullopt;
    }
    return f.readAll();
}

// "name:password:id:..." records of passwd and group files.
QList<QStringList> colonRecords(const std::optional<QByteArray> &file)
{
    QList<QStringList> out;
    if (!file)
        return out;
    for (const QByteArray &line : file->split('\n')) {
        const QString text = QString::fromUtf8(line).trimmed();
        if (!text.isEmpty() && !text.startsWith(QLatin1Char('#')))
            out.append(text.split(QLatin1Char(':')));
    }
    return out;
}

struct ExecUser
{
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    QString home = QStringLiteral("/");
};

// docker exec -u: "name|uid[:group|gid]" looked up in the container's own
// /etc/passwd and /etc/group as they are now; a number need not exist, a name must.
Result<ExecUser> resolveExecUser(const QString &spec, int initPid)
{
    const QList<QStringList> passwd = colonRecords(readContainerFile(initPid, "etc/passwd"));
    const QList<QStringList> groups = colonRecords(readContainerFile(initPid, "etc/group"));
    const QString userPart = spec.section(QLatin1Char(':'), 0, 0);
    const QString groupPart =
        spec.contains(QLatin1Char(':')) ? spec.section(QLatin1Char(':'), 1) : QString();
    bool numeric = false;
    const uint number = userPart.toUInt(&numeric);

    ExecUser out;
    QString name;
    for (const QStringList &rec : passwd) {
        bool uidOk = false, gidOk = false;
        const uint uid = rec.value(2).toUInt(&uidOk);
        const uint gid = rec.value(3).toUInt(&gidOk);
        if (rec.size() < 7 || !uidOk || !gidOk)
            continue;
        if (numeric ? uid == number : rec[0] == userPart) {
            name = rec[0];
            out.uid = uid;
            out.gid = gid;
            if (!rec[5].isEmpty())
                out.home = rec[5];
            break;
        }
    }
    if (numeric)
        out.uid = number;
    else if (name.isEmpty())
        return Error{
            ErrorCode::NotFound,
            tr("unable to find user %1: no matching entries in passwd file").arg(userPart)};

    if (!groupPart.isEmpty()) {
        bool gidNumeric = false;
        out.gid = groupPart.toUInt(&gidNumeric);
        if (!gidNumeric) {
            const auto match = std::find_if(groups.cbegin(), groups.cend(), [&](const auto &rec) {
                return rec.size() >= 3 && rec[0] == groupPart;
            });
            bool ok = false;
            out.gid = match == groups.cend() ? 0 : match->at(2).toUInt(&ok);
            if (!ok)
                return Error{ErrorCode::NotFound,
                             tr("unable to find group %1: no matching entries in group file")
                                 .arg(groupPart)};
        }
    }
    // Supplementary groups: those that list the user by name.
    if (!name.isEmpty()) {
        for (const QStringList &rec : groups) {
            bool ok = false;
            const uint gid = rec.value(2).toUInt(&ok);
            if (rec.size() >= 4 && ok && gid != out.gid &&
                rec[3].split(QLatin1Char(','), Qt::SkipEmptyParts).contains(name))
                out.groups.push_back(gid);
        }
    }
    return out;
}

// KEY=value entries replace those with the same key; KEY alone takes the
// caller's value, or nothing when the caller has none (docker's -e rule).
void mergeEnv(std::vector<std::string> *env, const QString &entry)
{
    QString resolved = entry;
    const QString key = entry.section(QLatin1Char('='), 0, 0);
    if (!entry.contains(QLatin1Char('='))) {
        if (!qEnvironmentVariableIsSet(key.toLocal8Bit().constData()))
            return;
        resolved = key + QLatin1Char('=') + qEnvironmentVariable(key.toLocal8Bit().constData());
    }
    const std::string prefix = (key + QLatin1Char('=')).toStdString();
    const auto same = std::find_if(env->begin(), env->end(),
                                   [&](const std::string &e) { return e.starts_with(prefix); });
    if (same != env->end())
        *same = resolved.toStdString();
    else
        env->push_back(resolved.toStdString());
}

QByteArray readProcFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The fields of /proc/<pid>/stat after the command name, numbered as proc(5)
// numbers them: fields[0] is field 3 (state).
QList<QByteArray> statFields(int pid, QByteArray *comm)
{
    const QByteArray text = readProcFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype open = text.indexOf('('), close = text.lastIndexOf(')');
    if (open < 0 || close < open)
        return {};
    *comm = text.mid(open + 1, close - open - 1);
    return text.mid(close + 2).trimmed().split(' ');
}

qint64 field(const QList<QByteArray> &fields, int number)
{
    return fields.value(number - 3).toLongLong();
}

// ps's name for a tty device number; "?" when there is none.
QString ttyName(qint64 ttyNr)
{
    const unsigned int major = ::major(dev_t(ttyNr)), minor = ::minor(dev_t(ttyNr));
    if (ttyNr == 0)
        return QStringLiteral("?");
    if (major >= 136 && major <= 143)
        return QStringLiteral("pts/%1").arg((major - 136) * 256 + minor);
    if (major == 4 && minor < 64)
        return QStringLiteral("tty%1").arg(minor);
    return QStringLiteral("?");
}

// ps's user column: the host's name for the uid when it fits in 8 columns.
QString userName(uid_t uid)
{
    passwd entry, *found = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found &&
        qstrlen(found->pw_name) <= 8)
        return QString::fromLocal8Bit(found->pw_name);
    return QString::number(uid);
}

qint64 bootTime()
{
    for (const QByteArray &line : readProcFile(QStringLiteral("/proc/stat")).split('\n')) {
        if (line.startsWith("btime "))
            return line.mid(6).trimmed().toLongLong();
    }
    return 0;
}

// The host's total CPU time in nanoseconds, docker's system_cpu_usage: the sum
// of user, nice, system, idle, iowait, irq and softirq of /proc/stat's cpu line.
qint64 systemCpuNs()
{
    const QByteArray text = readProcFile(QStringLiteral("/proc/stat"));
    const QList<QByteArray> fields = text.left(text.indexOf('\n')).simplified().split(' ');
    qint64 ticks = 0;
    for (int i = 1; i <= 7 && i < fields.size(); ++i)
        ticks += fields[i].toLongLong();
    return ticks * (1000000000 / ::sysconf(_SC_CLK_TCK));
}

qint64 hostMemory()
{
    struct sysinfo info = {};
    return ::sysinfo(&info) == 0 ? qint64(info.totalram) * info.mem_unit : 0;
}

// Bytes received and sent over every interface but lo, in the network
// namespace of pid (/proc/<pid>/net/dev shows the namespace of that process).
void networkBytes(int pid, qint64 *rx, qint64 *tx)
{
    const QList<QByteArray> lines =
        readProcFile(QStringLiteral("/proc/%1/net/dev").arg(pid)).split('\n');
    for (qsizetype i = 2; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon < 0 || lines[i].left(colon).trimmed() == "lo")
            continue;
        const QList<QByteArray> values = lines[i].mid(colon + 1).simplified().split(' ');
        *rx += values.value(0).toLongLong();
        *tx += values.value(8).toLongLong();
    }
}

} // namespace

Result<Containers::ExecProcess> Containers::exec(const QString &id, const ExecOptions &options)
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (state.status == ContainerState::Paused)
        return Error{ErrorCode::Conflict,
                     tr("Container %1 is paused, unpause the container before exec").arg(id)};
    if (state.status != ContainerState::Running || state.pid <= 0)
        return Error{ErrorCode::Conflict, tr("container %1 is not running").arg(id)};
    if (options.cmd.isEmpty())
        return Error{ErrorCode::InvalidArgument, tr("No exec command specified")};

    // The container's own spec: its user, environment, limits and security.
    const QString specPath = bundle(id) + QStringLiteral("/spec");
    QFile specFile(specPath);
    if (!specFile.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Io, tr("exec in container %1: read %2: %3")
                                        .arg(id.left(12), specPath, specFile.errorString())};
    runtime::Spec spec;
    if (runtime::Outcome bad = runtime::parseSpec(specFile.readAll().toStdString(), &spec))
        return Error{ErrorCode::Corrupt,
                     tr("exec in container %1: read %2: %3")
                         .arg(id.left(12), specPath, QString::fromStdString(bad->message()))};
    if (runtime::Outcome bad = runtime::readSeccompProgram(&spec.seccomp))
        return Error{ErrorCode::Io, tr("exec in container %1: %2")
                                        .arg(id.left(12), QString::fromStdString(bad->message()))};

    runtime::Process &p = spec.process;
    p.args.clear();
    for (const QString &arg : options.cmd)
        p.args.push_back(arg.toStdString());
    if (!options.user.isEmpty()) {
        auto resolved = resolveExecUser(options.user, state.pid);
        if (!resolved.ok())
            return Error{resolved.error().code,
                         tr("exec failed: unable to start container process: %1")
                             .arg(resolved.error().message)};
        const ExecUser user = *resolved;
        p.uid = user.uid;
        p.gid = user.gid;
        p.additionalGids = user.groups;
        // HOME follows the user exec runs as, unless the container's config sets it.
        BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
        const QJsonObject config = ContainerConfig::fromRecord(record ? record->config : "{}")
                                       .value(QLatin1String("Config"))
                                       .toObject();
        const QStringList configEnv = ContainerConfig::strings(config, "Env");
        const bool configured =
            std::any_of(configEnv.cbegin(), configEnv.cend(),
                        [](const QString &e) { return e.startsWith(QLatin1String("HOME=")); });
        if (!configured)
            mergeEnv(&p.env, QStringLiteral("HOME=") + user.home);
    }
    if (options.tty && std::none_of(p.env.cbegin(), p.env.cend(),
                                    [](const std::string &e) { return e.starts_with("TERM="); }))
        p.env.push_back("TERM=xterm");
    for (const QString &entry : options.env)
        mergeEnv(&p.env, entry);
    if (!options.workdir.isEmpty())
        p.cwd = options.workdir.toStdString();
    p.terminal = options.tty && !options.detach;
    if (options.privileged)
        p.capabilities = runtime::allCapabilities();

    ExecProcess process;
    const runtime::Stdio stdio{options.stdinFd, options.stdoutFd, options.stderrFd};
    const auto failed = options.detach
                            ? runtime::startDetachedExec(spec, state.pid)
                            : runtime::startExec(spec, state.pid, stdio, &process.pid,
                                                 p.terminal ? &process.ptyMaster : nullptr);
    if (failed)
        return Error{failed->exitCode == 127   ? ErrorCode::NotFound
                     : failed->exitCode == 126 ? ErrorCode::Permission
                                               : ErrorCode::Internal,
                     tr("exec failed: unable to start container process: %1")
                         .arg(QString::fromStdString(failed->failure.message()))};
    (void)recordEvent(QStringLiteral("exec_start: ") + options.cmd.join(QLatin1Char(' ')), id, {});
    return process;
}

Result<Containers::AttachedStreams> Containers::attach(const QString &id, bool withStdin)
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (state.status == ContainerState::Paused)
        return Error{ErrorCode::Conflict,
                     tr("You cannot attach to a paused container, unpause it first")};
    if (state.status == ContainerState::Restarting)
        return Error{ErrorCode::Conflict,
                     tr("You cannot attach to a restarting container, wait until it is running")};
    if (state.status != ContainerState::Running)
        return Error{ErrorCode::Conflict,
                     tr("You cannot attach to a stopped container, start it first")};
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    const QJsonObject config = ContainerConfig::fromRecord(record ? record->config : "{}")
                                   .value(QLatin1String("Config"))
                                   .toObject();
    AttachedStreams streams;
    streams.tty = config.value(QLatin1String("Tty")).toBool();
    streams.stdinAttached = withStdin && config.value(QLatin1String("OpenStdin")).toBool();
    if (runtime::Outcome failed = runtime::attachShim(
            bundle(id).toStdString(), streams.stdinAttached, true, true, &streams.fd)) {
        // The container may have stopped since its state was read: say so as docker does.
        auto now = stateOf(id);
        if (now.ok() && !now->isRunning())
            return Error{ErrorCode::Conflict,
                         tr("You cannot attach to a stopped container, start it first")};
        return Error{ErrorCode::Io,
                     tr("attach to container %1: %2")
                         .arg(id.left(12), QString::fromStdString(failed->message()))};
    }
    return streams;
}

Result<QList<Containers::ProcessRow>> Containers::top(const QString &id) const
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (!state.isRunning())
        return Error{ErrorCode::Conflict, tr("container %1 is not running").arg(id)};
    std::vector<pid_t> pids = runtime::Cgroup::open("berth/" + id.toStdString()).processes();
    std::sort(pids.begin(), pids.end());

    const qint64 ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    const qint64 boot = bootTime();
    const QDateTime now = QDateTime::currentDateTime();
    QList<ProcessRow> rows;
    for (const pid_t pid : pids) {
        QByteArray comm;
        const QList<QByteArray> fields = statFields(pid, &comm);
        if (fields.size() < 20)
            continue; // exited meanwhile
        ProcessRow row;
        row.pid = pid;
        row.ppid = int(field(fields, 4));
        uid_t euid = 0;
        for (const QByteArray &line :
             readProcFile(QStringLiteral("/proc/%1/status").arg(pid)).split('\n')) {
            if (line.startsWith("Uid:"))
                euid = line.mid(4).simplified().split(' ').value(1).toUInt();
        }
        row.user = userName(euid);
        row.tty = ttyName(field(fields, 7));

        const qint64 cpuSeconds = (field(fields, 14) + field(fields, 15)) / ticksPerSecond;
        const qint64 started = boot + field(fields, 22) / ticksPerSecond;
        const qint64 elapsed = now.toSecsSinceEpoch() - started;
        row.cpuPercent = elapsed > 0 ? int(qMin<qint64>(99, cpuSeconds * 100 / elapsed)) : 0;
        const QDateTime start = QDateTime::fromSecsSinceEpoch(started);
        row.startTime = start.date() == now.date() ? start.toString(QStringLiteral("HH:mm"))
                        : start.date().year() == now.date().year()
                            ? QLocale::c().toString(start, QStringLiteral("MMMdd"))
                            : start.toString(QStringLiteral("yyyy"));
        const qint64 days = cpuSeconds / 86400;
        row.cpuTime = (days > 0 ? QString::number(days) + QLatin1Char('-') : QString()) +
                      QStringLiteral("%1:%2:%3")
                          .arg(cpuSeconds / 3600 % 24, 2, 10, QLatin1Char('0'))
                          .arg(cpuSeconds / 60 % 60, 2, 10, QLatin1Char('0'))
                          .arg(cpuSeconds % 60, 2, 10, QLatin1Char('0'));

        QByteArray cmdline = readProcFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        while (cmdline.endsWith('\0'))
            cmdline.chop(1);
        row.command = cmdline.isEmpty()
                          ? QLatin1Char('[') + QString::fromLocal8Bit(comm) + QLatin1Char(']')
                          : QString::fromLocal8Bit(cmdline.replace('\0', ' '));
        rows.append(row);
    }
    return rows;
}

Result<Containers::StatsSample> Containers::stats(const QString &id) const
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    StatsSample sample;
    if (!state.isRunning() || state.pid <= 0)
        return sample;
    runtime::CgroupStats cg;
    if (runtime::Outcome failed = runtime::Cgroup::open("berth/" + id.toStdString()).stats(&cg))
        return Error{ErrorCode::Io,
                     tr("read statistics of container %1: %2")
                         .arg(id.left(12), QString::fromStdString(failed->message()))};
    sample.running = true;
    sample.cpuUsageNs = cg.cpuUsageNs;
    sample.systemCpuNs = systemCpuNs();
    sample.onlineCpus = int(qMax(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
    sample.memoryUsage = cg.memoryUsage;
    const qint64 host = hostMemory();
    sample.memoryLimit = cg.memoryLimit > 0 && cg.memoryLimit < host ? cg.memoryLimit : host;
    sample.blockRead = cg.blkioRead;
    sample.blockWrite = cg.blkioWrite;
    sample.pids = cg.pids;
    networkBytes(state.pid, &sample.netRx, &sample.netTx);
    return sample;
}

double Containers::cpuPercent(const StatsSample &before, const StatsSample &after)
{
    const double cpuDelta = double(after.cpuUsageNs - before.cpuUsageNs);
    const double systemDelta = double(after.systemCpuNs - before.systemCpuNs);
    if (cpuDelta <= 0 || systemDelta <= 0)
        return 0;
    return cpuDelta / systemDelta * after.onlineCpus * 100.0;
}

Status Containers::update(const QString &id, const UpdateOptions &options)
{
    const runtime::Resources &r = options.resources;
    const auto cannot = [&id](const QString &why) {
        return Error{ErrorCode::InvalidArgument, tr("Cannot update container %1: %2").arg(id, why)};
    };
    if (const std::string invalid = runtime::validateResources(r, true); !invalid.empty())
        return cannot(QString::fromStdString(invalid));
    if (options.nanoCpus > 0 && (r.cpuQuota > 0 || r.cpuPeriod > 0))
        return cannot(tr("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set"));

    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(id)};
    QJsonObject all = ContainerConfig::fromRecord(record->config);
    QJsonObject host = all.value(QLatin1String("HostConfig")).toObject();
    const auto stored = [&host](const char *key) {
        return host.value(QLatin1String(key)).toInteger();
    };

    // docker's rules for changing one limit while another is already set.
    if (r.memory > 0 && r.memorySwap == 0 && stored("MemorySwap") > 0 &&
        r.memory > stored("MemorySwap"))
        return cannot(tr("Memory limit should be smaller than already set memoryswap limit, "
                         "update the memoryswap at the same time"));
    if (options.nanoCpus > 0 && (stored("CpuQuota") > 0 || stored("CpuPeriod") > 0))
        return cannot(tr("Conflicting options: Nano CPUs cannot be updated as CPU Period/Quota has "
                         "already been set"));
    if ((r.cpuQuota > 0 || r.cpuPeriod > 0) && stored("NanoCpus") > 0)
        return cannot(tr("Conflicting options: CPU Quota or Period cannot be updated as "
                         "NanoCPUs has already been set"));
    QString restartName;
    int restartMax = 0;
    if (options.restart) {
        BERTH_TRY(ContainerConfig::parseRestart(*options.restart, &restartName, &restartMax));
        if (restartName != QLatin1String("no") && host.value(QLatin1String("AutoRemove")).toBool())
            return cannot(
                tr("Restart policy cannot be updated because AutoRemove is enabled for the "
                   "container"));
    }

    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (state.isRunning()) {
        runtime::Resources live = r;
        live.cpusetMems.clear();
        if (options.nanoCpus > 0) {
            live.cpuPeriod = runtime::DefaultCpuPeriod;
            live.cpuQuota = runtime::cpuQuotaForNanoCpus(options.nanoCpus);
        }
        if (runtime::Outcome failed =
                runtime::Cgroup::open("berth/" + id.toStdString()).update(live))
            return Error{ErrorCode::Internal,
                         tr("Cannot update container %1: %2")
                             .arg(id, QString::fromStdString(failed->message()))};
    }
    // The shim applies the restart policy at the container's next exit.
    if (options.restart && (state.isRunning() || state.status == ContainerState::Restarting)) {
        if (runtime::Outcome failed = runtime::setRestartPolicy(
                bundle(id).toStdString(), restartName.toStdString(), restartMax)) {
            // A container that stopped meanwhile takes the policy from its record.
            BERTH_TRY_ASSIGN(const ContainerState now, stateOf(id));
            if (now.isRunning() || now.status == ContainerState::Restarting)
                return Error{ErrorCode::Internal,
                             tr("Cannot update container %1: %2")
                                 .arg(id, QString::fromStdString(failed->message()))};
        } else if (runtime::ShimState shim; !runtime::readStateFile(
                       (bundle(id) + QStringLiteral("/state")).toStdString(), &shim)) {
            // What brings it back after a reboot or a killed shim follows the policy too.
            recordRun(id, restartName, shim.shimPid);
        }
    }

    const auto set = [&host](const char *key, qint64 value) {
        if (value != 0)
            host.insert(QLatin1String(key), value);
    };
    set("Memory", r.memory);
    set("MemorySwap", r.memorySwap);
    set("CpuShares", r.cpuShares);
    set("CpuQuota", r.cpuQuota);
    set("CpuPeriod", r.cpuPeriod);
    set("NanoCpus", options.nanoCpus);
    set("PidsLimit", r.pidsLimit);
    if (!r.cpusetCpus.empty())
        host.insert(QLatin1String("CpusetCpus"), QString::fromStdString(r.cpusetCpus));
    if (options.restart)
        host.insert(QLatin1String("RestartPolicy"),
                    QJsonObject{{QStringLiteral("Name"), restartName},
                                {QStringLiteral("MaximumRetryCount"), restartMax}});
    all.insert(QLatin1String("HostConfig"), host);
    BERTH_TRY(m_engine.metadata().setContainerConfig(
        id, QJsonDocument(all).toJson(QJsonDocument::Compact)));
    (void)recordEvent(QStringLiteral("update"), id, {});
    return {};
}

} // namespace berth
