// From a container's record (what `create` decided) and its image to the
// runtime spec berth-shim executes: the process, its user, the root filesystem
// and mounts, limits and docker's default hardening.
#include "ContainerConfig.h"
#include "ContainerNetwork.h"
#include "Containers.h"
#include "SeccompProfile.h"
#include "runtime/Capabilities.h"
#include "runtime/Cgroup.h"
#include "runtime/Health.h"
#include "runtime/Rootfs.h"
#include "runtime/SeccompFilter.h"
#include "util/Fs.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace berth {

namespace {

// A file of the image as a container would see it: the topmost layer that has
// it wins; an overlay whiteout (0/0 character device) hides it.
std::optional<QByteArray> readImageFile(const QStringList &layerDirsTopFirst, const QString &path)
{
    for (const QString &dir : layerDirsTopFirst) {
        const QString full = dir + QLatin1Char('/') + path;
        struct stat st;
        if (::lstat(QFile::encodeName(full).constData(), &st) != 0)
            continue;
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
            return std::nullopt;
        QFile f(full);
        if (!S_ISREG(st.st_mode) || !f.open(QIODevice::ReadOnly))
            return std::nullopt;
        return f.readAll();
    }
    return std::nullopt;
}

struct PasswdEntry
{
    QString name;
    uint uid = 0;
    uint gid = 0;
    QString home;
};

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

bool isNumber(const QString &s, uint *out)
{
    bool ok = false;
    *out = s.toUInt(&ok);
    return ok;
}

struct ResolvedUser
{
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    QString home = QStringLiteral("/");
};

// docker's rules for -u: "name|uid[:group|gid]" looked up in the image's
// /etc/passwd and /etc/group; a number need not exist there; a name must.
Result<ResolvedUser> resolveUser(const QString &spec, const QStringList &groupAdd,
                                 const QStringList &layersTopFirst)
{
    const QList<QStringList> passwd =
        colonRecords(readImageFile(layersTopFirst, QStringLiteral("etc/passwd")));
    const QList<QStringList> group =
        colonRecords(readImageFile(layersTopFirst, QStringLiteral("etc/group")));
    ResolvedUser out;
    const QString userPart = spec.section(QLatin1Char(':'), 0, 0);
    const QString groupPart =
        spec.contains(QLatin1Char(':')) ? spec.section(QLatin1Char(':'), 1) : QString();

    std::optional<PasswdEntry> entry;
    uint number = 0;
    const bool numericUser = isNumber(userPart, &number);
    for (const QStringList &rec : passwd) {
        if (rec.size() < 7)
            continue;
        uint uid = 0, gid = 0;
        if (!isNumber(rec[2], &uid) || !isNumber(rec[3], &gid))
            continue;
        const bool match =
            userPart.isEmpty() ? uid == 0 : (numericUser ? uid == number : rec[0] == userPart);
        if (match) {
            entry = PasswdEntry{rec[0], uid, gid, rec[5]};
            break;
        }
    }
    if (userPart.isEmpty() || numericUser) {
        out.uid = numericUser ? number : 0;
        out.gid = entry ? entry->gid : 0;
    } else if (entry) {
        out.uid = entry->uid;
        out.gid = entry->gid;
    } else {
        return Error{
            ErrorCode::NotFound,
            tr("unable to find user %1: no matching entries in passwd file").arg(userPart)};
    }
    if (entry && !entry->home.isEmpty())
        out.home = entry->home;

    auto findGroup = [&](const QString &name, gid_t *gid) -> Status {
        uint n = 0;
        if (isNumber(name, &n)) {
            *gid = n;
            return {};
        }
        for (const QStringList &rec : group) {
            if (rec.size() >= 3 && rec[0] == name && isNumber(rec[2], &n)) {
                *gid = n;
                return {};
            }
        }
        return Error{ErrorCode::NotFound,
                     tr("unable to find group %1: no matching entries in group file").arg(name)};
    };
    if (!groupPart.isEmpty())
        BERTH_TRY(findGroup(groupPart, &out.gid));
    // Supplementary groups: those that list the user by name, then --group-add.
    if (entry) {
        for (const QStringList &rec : group) {
            uint gid = 0;
            if (rec.size() >= 4 && isNumber(rec[2], &gid) && gid != out.gid &&
                rec[3].split(QLatin1Char(','), Qt::SkipEmptyParts).contains(entry->name))
                out.groups.push_back(gid);
        }
    }
    for (const QString &extra : groupAdd) {
        gid_t gid = 0;
        BERTH_TRY(findGroup(extra, &gid));
        out.groups.push_back(gid);
    }
    return out;
}

std::vector<std::string> toStd(const QStringList &list)
{
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const QString &s : list)
        out.push_back(s.toStdString());
    return out;
}

Status writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        return Error{ErrorCode::Io, tr("write %1: %2").arg(path, f.errorString())};
    return {};
}

// /etc/resolv.conf for the container: the host's, minus loopback resolvers
// (they mean nothing inside another network namespace), as docker does.
QByteArray containerResolvConf(bool hostNetwork)
{
    QFile f(QStringLiteral("/etc/resolv.conf"));
    QByteArray host = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    if (hostNetwork)
        return host;
    QByteArray out;
    for (const QByteArray &line : host.split('\n')) {
        const QByteArray t = line.trimmed();
        if (t.startsWith("nameserver") &&
            (t.contains(" 127.") || t.contains("\t127.") || t.endsWith("::1")))
            continue;
        if (!line.isEmpty())
            out += line + '\n';
    }
    return out;
}

// docker's "init layer": the mount points the runtime needs (/proc, /sys,
// /dev, /etc/hostname, /etc/hosts, /etc/resolv.conf) in a lower layer of the
// container's own, so making them is not a change of the container: `diff`
// and `commit` show only what the process did.
Result<QString> makeInitLayer(const QString &bundle)
{
    const QString init = bundle + QStringLiteral("/init");
    for (const char *d : {"proc", "sys", "dev", "etc"})
        BERTH_TRY(fs::makeDirs(init + QLatin1Char('/') + QLatin1String(d)));
    for (const char *f : {"etc/hostname", "etc/hosts", "etc/resolv.conf"}) {
        QFile file(init + QLatin1Char('/') + QLatin1String(f));
        if (!file.exists() && !file.open(QIODevice::WriteOnly))
            return Error{ErrorCode::Io,
                         tr("create %1: %2").arg(file.fileName(), file.errorString())};
    }
    return init;
}

// libseccomp takes milliseconds of CPU to compile docker's profile, more than
// the rest of starting a container, and the result only depends on the
// profile and the libseccomp version. So the engine compiles each profile once
// into <root>/cache/seccomp/<sha256>.bpf and links it into the bundle, where
// the shim reads it before the init leaves the host's file system (exec reads
// the same file); the rules themselves stay out of the spec.
Status useCompiledSeccomp(const QString &root, const QString &bundle, runtime::Seccomp *profile)
{
    const QByteArray identity = QByteArray::fromStdString(
        runtime::seccompLibraryVersion() + '\n' + std::string(runtime::seccompNativeArch()) + '\n' +
        runtime::serializeSeccomp(*profile));
    const QString cacheDir = root + QStringLiteral("/cache/seccomp");
    const QString cached =
        cacheDir + QLatin1Char('/') +
        QString::fromLatin1(
            QCryptographicHash::hash(identity, QCryptographicHash::Sha256).toHex()) +
        QStringLiteral(".bpf");
    if (!fs::exists(cached)) {
        std::string program;
        if (runtime::Outcome failure = runtime::compileSeccomp(*profile, &program))
            return Error{
                ErrorCode::InvalidArgument,
                tr("compile seccomp profile: %1").arg(QString::fromStdString(failure->message()))};
        BERTH_TRY(fs::makeDirs(cacheDir, 0700));
        BERTH_TRY(fs::writeFileAtomic(cached, QByteArray::fromStdString(program), 0600));
    }
    const QString linked = bundle + QStringLiteral("/seccomp.bpf");
    ::unlink(QFile::encodeName(linked).constData());
    if (::link(QFile::encodeName(cached).constData(), QFile::encodeName(linked).constData()) != 0)
        return Error{ErrorCode::Io,
                     tr("link seccomp program %1 to %2: %3")
                         .arg(cached, linked, QString::fromLocal8Bit(std::strerror(errno)))};
    profile->programPath = linked.toStdString();
    profile->rules.clear();
    return {};
}

// Config.Healthcheck as the shim runs it: "CMD-SHELL" through the
// container's shell (Config.Shell, else /bin/sh -c), "CMD" as given, "NONE" or
// no test at all for none; docker's defaults for the durations left at zero.
runtime::Healthcheck healthcheckOf(const QJsonObject &config)
{
    const QJsonObject h = config.value(QLatin1String("Healthcheck")).toObject();
    const QStringList test = ContainerConfig::strings(h, "Test");
    runtime::Healthcheck out;
    if (test.value(0) == QLatin1String("CMD")) {
        out.args = toStd(test.mid(1));
    } else if (test.value(0) == QLatin1String("CMD-SHELL") && test.size() > 1) {
        QStringList shell = ContainerConfig::strings(config, "Shell");
        if (shell.isEmpty())
            shell = {QStringLiteral("/bin/sh"), QStringLiteral("-c")};
        out.args = toStd(shell + QStringList{test.mid(1).join(QLatin1Char(' '))});
    }
    const auto duration = [&h](const char *key, int64_t fallback) {
        const qint64 value = h.value(QLatin1String(key)).toInteger();
        return value > 0 ? value : fallback;
    };
    out.intervalNs = duration("Interval", runtime::DefaultHealthIntervalNs);
    out.timeoutNs = duration("Timeout", runtime::DefaultHealthTimeoutNs);
    out.startPeriodNs = duration("StartPeriod", 0);
    out.startIntervalNs = duration("StartInterval", runtime::DefaultHealthStartIntervalNs);
    out.retries = int(duration("Retries", runtime::DefaultHealthRetries));
    return out;
}

} // namespace

Result<runtime::Spec> Containers::buildSpec(const store::ContainerRecord &record) const
{
    const QJsonObject all = ContainerConfig::fromRecord(record.config);
    const QJsonObject config = all.value(QLatin1String("Config")).toObject();
    const QJsonObject host = all.value(QLatin1String("HostConfig")).toObject();
    const QString dir = bundle(record.id);

    BERTH_TRY_ASSIGN(const QStringList chain, layerChain(record));
    QStringList layersTopFirst;
    for (auto it = chain.crbegin(); it != chain.crend(); ++it)
        layersTopFirst.append(m_engine.layerDir(*it));

    runtime::Spec spec;
    spec.id = record.id.toStdString();
    spec.bundle = dir.toStdString();
    spec.hostname = config.value(QLatin1String("Hostname")).toString().toStdString();
    spec.upperDir = (dir + QStringLiteral("/upper")).toStdString();
    spec.workDir = (dir + QStringLiteral("/work")).toStdString();
    spec.rootfsDir = (dir + QStringLiteral("/rootfs")).toStdString();
    if (m_engine.storageDriver() == QLatin1String("overlay")) {
        BERTH_TRY_ASSIGN(const QString init, makeInitLayer(dir));
        spec.lowerDirs.push_back(init.toStdString());
        for (const QString &l : layersTopFirst)
            spec.lowerDirs.push_back(l.toStdString());
    }
    spec.readonlyRootfs = host.value(QLatin1String("ReadonlyRootfs")).toBool();
    const QString network = host.value(QLatin1String("NetworkMode")).toString();
    spec.hostNetwork = network == QLatin1String("host");
    BERTH_TRY(setUpContainerNetwork(config, host, dir, &spec));
    if (network.startsWith(QLatin1String("container:")))
        BERTH_TRY(joinNetworkOf(network.section(QLatin1Char(':'), 1), &spec));

    // The process.
    runtime::Process &p = spec.process;
    p.args.push_back(all.value(QLatin1String("Path")).toString().toStdString());
    for (const QJsonValue &a : all.value(QLatin1String("Args")).toArray())
        p.args.push_back(a.toString().toStdString());
    BERTH_TRY_ASSIGN(const ResolvedUser user,
                     resolveUser(config.value(QLatin1String("User")).toString(),
                                 ContainerConfig::strings(host, "GroupAdd"), layersTopFirst));
    p.uid = user.uid;
    p.gid = user.gid;
    p.additionalGids = user.groups;
    QStringList env = ContainerConfig::strings(config, "Env");
    auto hasKey = [&env](const QString &key) {
        for (const QString &e : env) {
            if (e.section(QLatin1Char('='), 0, 0) == key)
                return true;
        }
        return false;
    };
    if (!hasKey(QStringLiteral("HOSTNAME")))
        env.prepend(QStringLiteral("HOSTNAME=") + QString::fromStdString(spec.hostname));
    if (!hasKey(QStringLiteral("HOME")))
        env.append(QStringLiteral("HOME=") + user.home);
    p.env = toStd(env);
    const QString workdir = config.value(QLatin1String("WorkingDir")).toString();
    p.cwd = workdir.isEmpty() ? "/" : workdir.toStdString();
    p.terminal = config.value(QLatin1String("Tty")).toBool();
    spec.openStdin = config.value(QLatin1String("OpenStdin")).toBool();
    spec.stdinOnce = config.value(QLatin1String("StdinOnce")).toBool();
    p.oomScoreAdj = host.value(QLatin1String("OomScoreAdj")).toInt();
    for (const QJsonValue &u : host.value(QLatin1String("Ulimits")).toArray()) {
        const QJsonObject o = u.toObject();
        BERTH_TRY_ASSIGN(const int resource, ContainerConfig::rlimitResource(
                                                 o.value(QLatin1String("Name")).toString()));
        p.rlimits.push_back(runtime::Rlimit{resource,
                                            uint64_t(o.value(QLatin1String("Soft")).toInteger()),
                                            uint64_t(o.value(QLatin1String("Hard")).toInteger())});
    }

    // Security: docker's defaults unless asked otherwise.
    spec.privileged = host.value(QLatin1String("Privileged")).toBool();
    uint64_t caps = 0;
    std::string capError;
    if (!runtime::resolveCapabilities(toStd(ContainerConfig::strings(host, "CapAdd")),
                                      toStd(ContainerConfig::strings(host, "CapDrop")),
                                      spec.privileged, &caps, &capError))
        return Error{ErrorCode::InvalidArgument, QString::fromStdString(capError)};
    p.capabilities = caps;
    bool seccompUnconfined = spec.privileged;
    QString seccompFile;
    for (const QString &opt : ContainerConfig::strings(host, "SecurityOpt")) {
        const QString key = opt.section(QRegularExpression(QStringLiteral("[=:]")), 0, 0);
        const QString value = opt.section(QRegularExpression(QStringLiteral("[=:]")), 1);
        if (key == QLatin1String("no-new-privileges"))
            p.noNewPrivileges = value.isEmpty() || value == QLatin1String("true");
        else if (key == QLatin1String("seccomp") && value == QLatin1String("unconfined"))
            seccompUnconfined = true;
        else if (key == QLatin1String("seccomp"))
            seccompFile = value;
    }
    if (!seccompUnconfined) {
        if (seccompFile.isEmpty()) {
            spec.seccomp = runtime::defaultSeccompProfile(caps);
        } else {
            // The profile's content was read at create (docker stores it too).
            const QByteArray profile =
                host.value(QLatin1String("SeccompProfile")).toString().toUtf8();
            BERTH_TRY_ASSIGN(spec.seccomp, parseSeccompProfile(profile, caps));
        }
        BERTH_TRY(useCompiledSeccomp(m_engine.root(), dir, &spec.seccomp));
    }
    if (!spec.privileged) {
        spec.maskedPaths = runtime::defaultMaskedPaths();
        spec.readonlyPaths = runtime::defaultReadonlyPaths();
    }

    // Mounts: docker's defaults, the container's own /etc files, then volumes.
    const bool cgroupV2 = runtime::Cgroup::detect() == runtime::CgroupVersion::V2;
    for (runtime::Mount m : runtime::defaultMounts()) {
        if (m.type == "cgroup" && cgroupV2)
            m.type = "cgroup2";
        if (spec.privileged && m.type.starts_with("cgroup"))
            m.options.erase(std::remove(m.options.begin(), m.options.end(), "ro"), m.options.end());
        spec.mounts.push_back(m);
    }
    BERTH_TRY(writeFile(dir + QStringLiteral("/hostname"),
                        QByteArray::fromStdString(spec.hostname) + '\n'));
    QByteArray hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                       "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
                       "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
    if (!spec.hostNetwork)
        hosts += "127.0.1.1\t" + QByteArray::fromStdString(spec.hostname) + '\n';
    BERTH_TRY(writeFile(dir + QStringLiteral("/hosts"), spec.hostNetwork ? QByteArray() : hosts));
    BERTH_TRY(
        writeFile(dir + QStringLiteral("/resolv.conf"), containerResolvConf(spec.hostNetwork)));
    for (const char *name : {"hostname", "hosts", "resolv.conf"}) {
        if (spec.hostNetwork && qstrcmp(name, "hostname") != 0) {
            spec.mounts.push_back(runtime::Mount{
                std::string("/etc/") + name, "bind", std::string("/etc/") + name, {"rbind", "ro"}});
            continue;
        }
        spec.mounts.push_back(
            runtime::Mount{std::string("/etc/") + name,
                           "bind",
                           (dir + QLatin1Char('/') + QLatin1String(name)).toStdString(),
                           {"rbind"}});
    }
    for (const QJsonValue &v : host.value(QLatin1String("Mounts")).toArray()) {
        const QJsonObject m = v.toObject();
        const QString type = m.value(QLatin1String("Type")).toString();
        runtime::Mount mount;
        mount.destination = m.value(QLatin1String("Target")).toString().toStdString();
        if (type == QLatin1String("tmpfs")) {
            mount.type = "tmpfs";
            mount.source = "tmpfs";
            mount.options = {"nosuid", "nodev", "noexec"};
            const QString extra = m.value(QLatin1String("Options")).toString();
            for (const QString &o : extra.split(QLatin1Char(','), Qt::SkipEmptyParts))
                mount.options.push_back(o.toStdString());
        } else {
            mount.type = "bind";
            QString source = m.value(QLatin1String("Source")).toString();
            if (type == QLatin1String("volume"))
                source = m_engine.root() + QStringLiteral("/volumes/") + source +
                         QStringLiteral("/_data");
            mount.source = source.toStdString();
            mount.options = {"rbind"};
        }
        if (m.value(QLatin1String("ReadOnly")).toBool())
            mount.options.push_back("ro");
        spec.mounts.push_back(mount);
    }

    // Namespaces and limits.
    if (spec.hostNetwork)
        spec.namespaces &= ~runtime::NsNet;
    runtime::Resources &r = spec.resources;
    r.memory = host.value(QLatin1String("Memory")).toInteger();
    r.memorySwap = host.value(QLatin1String("MemorySwap")).toInteger();
    r.cpuShares = host.value(QLatin1String("CpuShares")).toInteger();
    r.cpuPeriod = host.value(QLatin1String("CpuPeriod")).toInteger();
    r.cpuQuota = host.value(QLatin1String("CpuQuota")).toInteger();
    if (const qint64 nano = host.value(QLatin1String("NanoCpus")).toInteger(); nano > 0) {
        r.cpuPeriod = 100000;
        r.cpuQuota = runtime::cpuQuotaForNanoCpus(nano);
    }
    r.cpusetCpus = host.value(QLatin1String("CpusetCpus")).toString().toStdString();
    r.cpusetMems = host.value(QLatin1String("CpusetMems")).toString().toStdString();
    r.pidsLimit = host.value(QLatin1String("PidsLimit")).toInteger();
    spec.cgroupName = "berth/" + spec.id;

    // Supervision.
    spec.init = host.value(QLatin1String("Init")).toBool();
    spec.stopSignal =
        ContainerConfig::signalNumber(config.value(QLatin1String("StopSignal")).toString())
            .value_or(SIGTERM);
    spec.logPath = logPath(record.id).toStdString();
    const QJsonObject logConfig =
        host.value(QLatin1String("LogConfig")).toObject().value(QLatin1String("Config")).toObject();
    spec.logMaxSize = ContainerConfig::logMaxSize(logConfig);
    spec.logMaxFiles = qMax(1, logConfig.value(QLatin1String("max-file")).toString().toInt());
    const QJsonObject restart = host.value(QLatin1String("RestartPolicy")).toObject();
    spec.restartPolicy =
        restart.value(QLatin1String("Name")).toString(QStringLiteral("no")).toStdString();
    if (spec.restartPolicy.empty())
        spec.restartPolicy = "no";
    spec.restartMaxRetries = restart.value(QLatin1String("MaximumRetryCount")).toInt();
    spec.healthcheck = healthcheckOf(config);
    return spec;
}

} // namespace berth
