// docker's container configuration: made and checked at create, read at start.
#include "ContainerConfig.h"

#include "runtime/Capabilities.h"
#include "runtime/Cgroup.h"
#include "util/Units.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <arpa/inet.h>
#include <csignal>
#include <sys/resource.h>

namespace berth::ContainerConfig {

namespace {

// Go's net.ParseIP, which docker uses for -p: a dotted quad or an IPv6 address.
bool isIpAddress(const QString &text)
{
    const QByteArray ascii = text.toLatin1();
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, ascii.constData(), buf) == 1 ||
           inet_pton(AF_INET6, ascii.constData(), buf) == 1;
}

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject labelsObject(const QMap<QString, QString> &labels)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QStringList jsonStrings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

// KEY=value lists merge by key: later entries replace earlier ones in place.
QStringList mergeEnv(QStringList base, const QStringList &overrides)
{
    for (const QString &e : overrides) {
        const QString key = e.section(QLatin1Char('='), 0, 0);
        QString entry = e;
        if (!e.contains(QLatin1Char('='))) {
            // "-e KEY" takes the caller's value, and is dropped when it has none.
            const QByteArray value = qgetenv(key.toLocal8Bit().constData());
            if (!qEnvironmentVariableIsSet(key.toLocal8Bit().constData()))
                continue;
            entry = key + QLatin1Char('=') + QString::fromLocal8Bit(value);
        }
        bool replaced = false;
        for (QString &b : base) {
            if (b.section(QLatin1Char('='), 0, 0) == key) {
                b = entry;
                replaced = true;
                break;
            }
        }
        if (!replaced)
            base.append(entry);
    }
    return base;
}

// docker's Config.Healthcheck: the run options over the image's HEALTHCHECK,
// field by field, zero fields left out as docker's JSON does.
Result<QJsonObject> healthcheck(const HealthOptions &h, const QJsonObject &image)
{
    BERTH_TRY(checkHealthOptions(h));
    QJsonObject out = image;
    if (h.disable)
        out.insert(QStringLiteral("Test"), QJsonArray{QStringLiteral("NONE")});
    else if (!h.cmd.isEmpty())
        out.insert(QStringLiteral("Test"), QJsonArray{QStringLiteral("CMD-SHELL"), h.cmd});
    // The daemon's own limit, checked on the merged result.
    constexpr qint64 MinimumDuration = 1000000;
    const struct
    {
        const char *key;
        qint64 value;
    } durations[] = {{"Interval", h.interval},
                     {"Timeout", h.timeout},
                     {"StartPeriod", h.startPeriod},
                     {"StartInterval", h.startInterval}};
    for (const auto &d : durations) {
        if (d.value != 0)
            out.insert(QLatin1String(d.key), d.value);
        const qint64 merged = out.value(QLatin1String(d.key)).toInteger();
        if (merged != 0 && merged < MinimumDuration)
            return Error{ErrorCode::InvalidArgument,
                         tr("%1 in Healthcheck cannot be less than 1ms").arg(QLatin1String(d.key))};
    }
    if (h.retries != 0)
        out.insert(QStringLiteral("Retries"), h.retries);
    return out;
}

Result<int> parsePort(const QString &s, const QString &what, const QString &spec)
{
    bool ok = false;
    const int port = s.toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return Error{ErrorCode::InvalidArgument, tr("Invalid %1: %2").arg(what, spec)};
    return port;
}

} // namespace

QStringList strings(const QJsonObject &o, const char *key)
{
    return jsonStrings(o.value(QLatin1String(key)));
}

QJsonObject fromRecord(const QByteArray &stored)
{
    return QJsonDocument::fromJson(stored).object();
}

Result<QJsonObject> make(const ContainerOptions &options, const QString &id,
                         const image::ImageConfig &image)
{
    static const QRegularExpression validName(QStringLiteral("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$"));
    if (!options.name.isEmpty() && !validName.match(options.name).hasMatch())
        return Error{ErrorCode::InvalidArgument,
                     tr("Invalid container name (%1), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
                         .arg(options.name)};
    const std::string limitError = runtime::validateResources(options.resources);
    if (!limitError.empty())
        return Error{ErrorCode::InvalidArgument, QString::fromStdString(limitError)};
    {
        uint64_t caps = 0;
        std::string error;
        std::vector<std::string> add, drop;
        for (const QString &c : options.capAdd)
            add.push_back(c.toStdString());
        for (const QString &c : options.capDrop)
            drop.push_back(c.toStdString());
        if (!runtime::resolveCapabilities(add, drop, options.privileged, &caps, &error))
            return Error{ErrorCode::InvalidArgument, QString::fromStdString(error)};
    }
    QString restartName;
    int restartMax = 0;
    BERTH_TRY(parseRestart(options.restart, &restartName, &restartMax));
    if (restartName != QLatin1String("no") && options.autoRemove)
        return Error{ErrorCode::InvalidArgument, tr("Conflicting options: --restart and --rm")};
    if (!options.stopSignal.isEmpty() && !signalNumber(options.stopSignal))
        return Error{ErrorCode::InvalidArgument, tr("Invalid signal: %1").arg(options.stopSignal)};
    static const QStringList networks{QStringLiteral("bridge"), QStringLiteral("default"),
                                      QStringLiteral("none"), QStringLiteral("host")};
    // --network container:<name|id> shares that container's interfaces, ports
    // and hostname (Containers::create resolves the name).
    const bool containerNetwork = options.network.startsWith(QLatin1String("container:"));
    if (!networks.contains(options.network) && !containerNetwork)
        return Error{ErrorCode::NotFound, tr("network %1 not found").arg(options.network)};
    if (containerNetwork && !options.hostname.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     tr("conflicting options: hostname and the network mode")};
    if (containerNetwork && (!options.ports.isEmpty() || options.publishAll))
        return Error{ErrorCode::InvalidArgument,
                     tr("conflicting options: port publishing and the container type network "
                        "mode")};
    if (options.network == QLatin1String("host") && !options.hostname.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     tr("Conflicting options: hostname and the network mode")};
    if (options.network == QLatin1String("host") && !options.ports.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     tr("Conflicting options: port publishing and the container type network "
                        "mode")};

    const QJsonObject imageConfig = image.config();
    // CMD and ENTRYPOINT, docker's way: --entrypoint resets the image's CMD;
    // arguments after the image replace CMD.
    QStringList entrypoint = options.entrypoint
                                 ? *options.entrypoint
                                 : jsonStrings(imageConfig.value(QLatin1String("Entrypoint")));
    QStringList cmd = options.cmd;
    if (cmd.isEmpty() && !options.entrypoint)
        cmd = jsonStrings(imageConfig.value(QLatin1String("Cmd")));
    const QStringList argv = entrypoint + cmd;
    if (argv.isEmpty())
        return Error{ErrorCode::InvalidArgument, tr("No command specified")};

    QJsonObject config;
    const bool hostNetwork = options.network == QLatin1String("host");
    QString hostname = options.hostname;
    if (hostname.isEmpty())
        hostname = hostNetwork ? QString::fromLocal8Bit(qgetenv("HOSTNAME")) : id.left(12);
    if (hostname.isEmpty() && hostNetwork)
        hostname = QSysInfo::machineHostName();
    config.insert(QStringLiteral("Hostname"), hostname);
    config.insert(QStringLiteral("Domainname"), QString());
    config.insert(QStringLiteral("User"), options.user.isEmpty()
                                              ? imageConfig.value(QLatin1String("User")).toString()
                                              : options.user);
    config.insert(QStringLiteral("AttachStdin"), options.openStdin);
    config.insert(QStringLiteral("AttachStdout"), true);
    config.insert(QStringLiteral("AttachStderr"), true);
    QJsonObject exposed = imageConfig.value(QLatin1String("ExposedPorts")).toObject();
    for (const PortMapping &p : options.ports)
        exposed.insert(QStringLiteral("%1/%2").arg(p.containerPort).arg(p.protocol), QJsonObject());
    if (!exposed.isEmpty())
        config.insert(QStringLiteral("ExposedPorts"), exposed);
    config.insert(QStringLiteral("Tty"), options.tty);
    config.insert(QStringLiteral("OpenStdin"), options.openStdin);
    config.insert(QStringLiteral("StdinOnce"), options.stdinOnce);
    QStringList env = jsonStrings(imageConfig.value(QLatin1String("Env")));
    bool hasPath = false;
    for (const QString &e : env)
        hasPath = hasPath || e.startsWith(QLatin1String("PATH="));
    if (!hasPath)
        env.prepend(
            QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    if (options.tty)
        env = mergeEnv(env, {QStringLiteral("TERM=xterm")});
    config.insert(QStringLiteral("Env"), toArray(mergeEnv(env, options.env)));
    config.insert(QStringLiteral("Cmd"), toArray(cmd));
    config.insert(QStringLiteral("Image"), options.image);
    QJsonObject volumes = imageConfig.value(QLatin1String("Volumes")).toObject();
    for (const VolumeMount &m : options.mounts) {
        if (m.type == QLatin1String("volume") && m.source.isEmpty())
            volumes.insert(m.target, QJsonObject());
    }
    config.insert(QStringLiteral("Volumes"), volumes.isEmpty() ? QJsonValue() : volumes);
    config.insert(QStringLiteral("WorkingDir"),
                  options.workdir.isEmpty()
                      ? imageConfig.value(QLatin1String("WorkingDir")).toString()
                      : options.workdir);
    config.insert(QStringLiteral("Entrypoint"),
                  entrypoint.isEmpty() ? QJsonValue() : QJsonValue(toArray(entrypoint)));
    QMap<QString, QString> labels = image.labels();
    for (auto it = options.labels.cbegin(); it != options.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    config.insert(QStringLiteral("Labels"), labelsObject(labels));
    const QString stopSignal = options.stopSignal.isEmpty()
                                   ? imageConfig.value(QLatin1String("StopSignal")).toString()
                                   : options.stopSignal;
    if (!stopSignal.isEmpty())
        config.insert(QStringLiteral("StopSignal"), stopSignal);
    if (options.stopTimeout >= 0)
        config.insert(QStringLiteral("StopTimeout"), options.stopTimeout);
    BERTH_TRY_ASSIGN(
        const QJsonObject health,
        healthcheck(options.health, imageConfig.value(QLatin1String("Healthcheck")).toObject()));
    if (!health.isEmpty())
        config.insert(QStringLiteral("Healthcheck"), health);

    QJsonObject host;
    host.insert(QStringLiteral("NetworkMode"), options.network == QLatin1String("default")
                                                   ? QStringLiteral("bridge")
                                                   : options.network);
    QJsonObject bindings;
    for (const PortMapping &p : options.ports) {
        const QString key = QStringLiteral("%1/%2").arg(p.containerPort).arg(p.protocol);
        QJsonArray list = bindings.value(key).toArray();
        list.append(QJsonObject{
            {QStringLiteral("HostIp"), p.hostIp},
            {QStringLiteral("HostPort"), p.hostPort ? QString::number(p.hostPort) : QString()}});
        bindings.insert(key, list);
    }
    host.insert(QStringLiteral("PortBindings"), bindings);
    host.insert(QStringLiteral("PublishAllPorts"), options.publishAll);
    host.insert(QStringLiteral("RestartPolicy"),
                QJsonObject{{QStringLiteral("Name"), restartName},
                            {QStringLiteral("MaximumRetryCount"), restartMax}});
    host.insert(QStringLiteral("AutoRemove"), options.autoRemove);
    host.insert(QStringLiteral("Privileged"), options.privileged);
    host.insert(QStringLiteral("ReadonlyRootfs"), options.readOnly);
    host.insert(QStringLiteral("Init"), options.init);
    host.insert(QStringLiteral("CapAdd"), toArray(options.capAdd));
    host.insert(QStringLiteral("CapDrop"), toArray(options.capDrop));
    host.insert(QStringLiteral("GroupAdd"), toArray(options.groupAdd));
    host.insert(QStringLiteral("SecurityOpt"), toArray(options.securityOpt));
    for (const QString &opt : options.securityOpt) {
        const QString key = opt.section(QRegularExpression(QStringLiteral("[=:]")), 0, 0);
        const QString value = opt.section(QRegularExpression(QStringLiteral("[=:]")), 1);
        if (key == QLatin1String("seccomp") && value != QLatin1String("unconfined")) {
            QFile f(value);
            if (!f.open(QIODevice::ReadOnly))
                return Error{
                    ErrorCode::InvalidArgument,
                    tr("opening seccomp profile (%1) failed: %2").arg(value, f.errorString())};
            host.insert(QStringLiteral("SeccompProfile"), QString::fromUtf8(f.readAll()));
        } else if (key != QLatin1String("seccomp") && key != QLatin1String("no-new-privileges") &&
                   key != QLatin1String("label") && key != QLatin1String("apparmor")) {
            return Error{ErrorCode::InvalidArgument, tr("invalid --security-opt: %1").arg(opt)};
        }
    }
    const runtime::Resources &r = options.resources;
    host.insert(QStringLiteral("Memory"), qint64(r.memory));
    host.insert(QStringLiteral("MemorySwap"), qint64(r.memorySwap));
    host.insert(QStringLiteral("NanoCpus"), options.nanoCpus);
    host.insert(QStringLiteral("CpuShares"), qint64(r.cpuShares));
    host.insert(QStringLiteral("CpuPeriod"), qint64(r.cpuPeriod));
    host.insert(QStringLiteral("CpuQuota"), qint64(r.cpuQuota));
    host.insert(QStringLiteral("CpusetCpus"), QString::fromStdString(r.cpusetCpus));
    host.insert(QStringLiteral("CpusetMems"), QString::fromStdString(r.cpusetMems));
    host.insert(QStringLiteral("PidsLimit"), qint64(r.pidsLimit));
    host.insert(QStringLiteral("OomScoreAdj"), options.oomScoreAdj);
    QJsonArray ulimits;
    for (const QString &u : options.ulimits) {
        QString name;
        qint64 soft = 0, hard = 0;
        BERTH_TRY(parseUlimit(u, &name, &soft, &hard));
        ulimits.append(QJsonObject{{QStringLiteral("Name"), name},
                                   {QStringLiteral("Hard"), hard},
                                   {QStringLiteral("Soft"), soft}});
    }
    host.insert(QStringLiteral("Ulimits"), ulimits);
    QJsonObject logConfig;
    for (auto it = options.logOptions.cbegin(); it != options.logOptions.cend(); ++it) {
        if (it.key() != QLatin1String("max-size") && it.key() != QLatin1String("max-file"))
            return Error{ErrorCode::InvalidArgument,
                         tr("unknown log opt '%1' for json-file log driver").arg(it.key())};
        logConfig.insert(it.key(), it.value());
    }
    if (logConfig.contains(QLatin1String("max-size")) && logMaxSize(logConfig) <= 0)
        return Error{
            ErrorCode::InvalidArgument,
            tr("invalid max-size: %1").arg(logConfig.value(QLatin1String("max-size")).toString())};
    host.insert(QStringLiteral("LogConfig"),
                QJsonObject{{QStringLiteral("Type"), QStringLiteral("json-file")},
                            {QStringLiteral("Config"), logConfig}});
    QJsonArray mounts;
    for (const VolumeMount &m : options.mounts) {
        if (m.type == QLatin1String("bind") && !QFileInfo::exists(m.source))
            return Error{ErrorCode::InvalidArgument,
                         tr("invalid mount config for type \"bind\": bind source path does not "
                            "exist: %1")
                             .arg(m.source)};
        QJsonObject mount{{QStringLiteral("Type"), m.type},
                          {QStringLiteral("Source"), m.source},
                          {QStringLiteral("Target"), m.target},
                          {QStringLiteral("ReadOnly"), m.readOnly},
                          {QStringLiteral("Options"), m.options}};
        if (m.noCopy) // docker's shape for --mount ...,volume-nocopy
            mount.insert(QStringLiteral("VolumeOptions"),
                         QJsonObject{{QStringLiteral("NoCopy"), true}});
        mounts.append(mount);
    }
    host.insert(QStringLiteral("Mounts"), mounts);

    return QJsonObject{{QStringLiteral("Path"), argv.first()},
                       {QStringLiteral("Args"), toArray(argv.mid(1))},
                       {QStringLiteral("ImageName"), options.image},
                       {QStringLiteral("Config"), config},
                       {QStringLiteral("HostConfig"), host}};
}

Result<QList<PortMapping>> parsePublish(const QString &spec)
{
    QString rest = spec;
    QString proto = QStringLiteral("tcp");
    if (rest.contains(QLatin1Char('/'))) {
        proto = rest.section(QLatin1Char('/'), 1);
        rest = rest.section(QLatin1Char('/'), 0, 0);
        if (proto != QLatin1String("tcp") && proto != QLatin1String("udp") &&
            proto != QLatin1String("sctp"))
            return Error{ErrorCode::InvalidArgument, tr("Invalid proto: %1").arg(proto)};
    }
    // The last two fields are the ports; all before them is the address, an
    // IPv6 one in brackets ("[::1]:8080:80") or not ("::1:8080:80"), as docker reads it.
    QStringList parts = rest.split(QLatin1Char(':'));
    QString ip, hostPart, containerPart;
    containerPart = parts.takeLast();
    if (!parts.isEmpty())
        hostPart = parts.takeLast();
    ip = parts.join(QLatin1Char(':'));
    if (ip.startsWith(QLatin1Char('[')) && ip.endsWith(QLatin1Char(']')))
        ip = ip.mid(1, ip.size() - 2);
    if (!ip.isEmpty() && !isIpAddress(ip))
        return Error{ErrorCode::InvalidArgument, tr("invalid IP address: %1").arg(ip)};
    auto range = [&](const QString &s, const QString &what, int *lo, int *hi) -> Status {
        const QString a = s.section(QLatin1Char('-'), 0, 0);
        const QString b = s.contains(QLatin1Char('-')) ? s.section(QLatin1Char('-'), 1) : a;
        BERTH_TRY_ASSIGN(*lo, parsePort(a, what, s));
        BERTH_TRY_ASSIGN(*hi, parsePort(b, what, s));
        if (*hi < *lo)
            return Error{ErrorCode::InvalidArgument, tr("Invalid %1: %2").arg(what, s)};
        return {};
    };
    int cLo = 0, cHi = 0, hLo = 0, hHi = 0;
    if (containerPart.isEmpty())
        return Error{ErrorCode::InvalidArgument, tr("No port specified: %1<empty>").arg(spec)};
    BERTH_TRY(range(containerPart, QStringLiteral("containerPort"), &cLo, &cHi));
    if (!hostPart.isEmpty()) {
        BERTH_TRY(range(hostPart, QStringLiteral("hostPort"), &hLo, &hHi));
        if (hHi - hLo != cHi - cLo)
            return Error{ErrorCode::InvalidArgument,
                         tr("Invalid ranges specified for container and host Ports: %1 and %2")
                             .arg(containerPart, hostPart)};
    }
    QList<PortMapping> out;
    for (int port = cLo; port <= cHi; ++port)
        out.append(PortMapping{ip, hostPart.isEmpty() ? 0 : hLo + (port - cLo), port, proto});
    return out;
}

Result<VolumeMount> parseVolume(const QString &spec)
{
    const QStringList parts = spec.split(QLatin1Char(':'));
    VolumeMount m;
    if (parts.size() == 1) {
        m.type = QStringLiteral("volume");
        m.target = parts[0];
    } else if (parts.size() == 2 || parts.size() == 3) {
        m.source = parts[0];
        m.target = parts[1];
        m.type = m.source.startsWith(QLatin1Char('/')) ? QStringLiteral("bind")
                                                       : QStringLiteral("volume");
        if (parts.size() == 3) {
            for (const QString &opt : parts[2].split(QLatin1Char(','))) {
                if (opt == QLatin1String("ro"))
                    m.readOnly = true;
                else if (opt == QLatin1String("nocopy") && m.type == QLatin1String("volume"))
                    m.noCopy = true;
                else if (opt != QLatin1String("rw") && opt != QLatin1String("z") &&
                         opt != QLatin1String("Z"))
                    return Error{ErrorCode::InvalidArgument, tr("invalid mode: %1").arg(opt)};
            }
        }
    } else {
        return Error{ErrorCode::InvalidArgument,
                     tr("invalid volume specification: '%1'").arg(spec)};
    }
    if (!m.target.startsWith(QLatin1Char('/')))
        return Error{ErrorCode::InvalidArgument,
                     tr("invalid volume specification: '%1': invalid mount config for type "
                        "\"%2\": invalid mount path: '%3' mount path must be absolute")
                         .arg(spec, m.type, m.target)};
    // docker creates a missing host directory for -v (not for --mount).
    if (m.type == QLatin1String("bind") && !QFileInfo::exists(m.source))
        QDir().mkpath(m.source);
    return m;
}

Result<VolumeMount> parseMount(const QString &spec)
{
    VolumeMount m;
    m.type = QStringLiteral("volume");
    for (const QString &field : spec.split(QLatin1Char(','))) {
        const QString key = field.section(QLatin1Char('='), 0, 0).trimmed();
        const QString value = field.section(QLatin1Char('='), 1);
        if (key == QLatin1String("type"))
            m.type = value;
        else if (key == QLatin1String("source") || key == QLatin1String("src"))
            m.source = value;
        else if (key == QLatin1String("target") || key == QLatin1String("destination") ||
                 key == QLatin1String("dst"))
            m.target = value;
        else if (key == QLatin1String("readonly") || key == QLatin1String("ro"))
            m.readOnly =
                value.isEmpty() || value == QLatin1String("true") || value == QLatin1String("1");
        else if (key == QLatin1String("volume-nocopy"))
            m.noCopy =
                value.isEmpty() || value == QLatin1String("true") || value == QLatin1String("1");
        else if (key == QLatin1String("tmpfs-size"))
            m.options += (m.options.isEmpty() ? QString() : QStringLiteral(",")) +
                         QStringLiteral("size=") + value;
        else if (key == QLatin1String("tmpfs-mode"))
            m.options += (m.options.isEmpty() ? QString() : QStringLiteral(",")) +
                         QStringLiteral("mode=") + value;
        else
            return Error{ErrorCode::InvalidArgument,
                         tr("invalid field '%1' must be a key=value pair").arg(field)};
    }
    if (m.type != QLatin1String("bind") && m.type != QLatin1String("volume") &&
        m.type != QLatin1String("tmpfs"))
        return Error{ErrorCode::InvalidArgument, tr("invalid mount type: %1").arg(m.type)};
    if (m.target.isEmpty())
        return Error{
            ErrorCode::InvalidArgument,
            tr("invalid mount config for type \"%1\": field Target must not be empty").arg(m.type)};
    if (m.type == QLatin1String("bind") && m.source.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     tr("invalid mount config for type \"bind\": field Source must not be empty")};
    return m;
}

VolumeMount parseTmpfs(const QString &spec)
{
    VolumeMount m;
    m.type = QStringLiteral("tmpfs");
    m.target = spec.section(QLatin1Char(':'), 0, 0);
    m.options = spec.section(QLatin1Char(':'), 1);
    return m;
}

Result<int> rlimitResource(const QString &name)
{
    static const QMap<QString, int> names{
        {QStringLiteral("core"), RLIMIT_CORE},
        {QStringLiteral("cpu"), RLIMIT_CPU},
        {QStringLiteral("data"), RLIMIT_DATA},
        {QStringLiteral("fsize"), RLIMIT_FSIZE},
        {QStringLiteral("locks"), RLIMIT_LOCKS},
        {QStringLiteral("memlock"), RLIMIT_MEMLOCK},
        {QStringLiteral("msgqueue"), RLIMIT_MSGQUEUE},
        {QStringLiteral("nice"), RLIMIT_NICE},
        {QStringLiteral("nofile"), RLIMIT_NOFILE},
        {QStringLiteral("nproc"), RLIMIT_NPROC},
        {QStringLiteral("rss"), RLIMIT_RSS},
        {QStringLiteral("rtprio"), RLIMIT_RTPRIO},
        {QStringLiteral("rttime"), RLIMIT_RTTIME},
        {QStringLiteral("sigpending"), RLIMIT_SIGPENDING},
        {QStringLiteral("stack"), RLIMIT_STACK},
    };
    auto it = names.constFind(name);
    if (it == names.cend())
        return Error{ErrorCode::InvalidArgument, tr("invalid ulimit type: %1").arg(name)};
    return *it;
}

Status parseUlimit(const QString &spec, QString *name, qint64 *soft, qint64 *hard)
{
    if (!spec.contains(QLatin1Char('=')))
        return Error{ErrorCode::InvalidArgument, tr("invalid ulimit argument: %1").arg(spec)};
    *name = spec.section(QLatin1Char('='), 0, 0);
    BERTH_TRY(rlimitResource(*name));
    const QString values = spec.section(QLatin1Char('='), 1);
    bool okSoft = false, okHard = true;
    *soft = values.section(QLatin1Char(':'), 0, 0).toLongLong(&okSoft);
    *hard = values.contains(QLatin1Char(':'))
                ? values.section(QLatin1Char(':'), 1).toLongLong(&okHard)
                : *soft;
    if (!okSoft || !okHard)
        return Error{ErrorCode::InvalidArgument, tr("invalid ulimit argument: %1").arg(spec)};
    if (*soft > *hard)
        return Error{ErrorCode::InvalidArgument,
                     tr("ulimit soft limit must be less than or equal to hard limit: %1 > %2")
                         .arg(*soft)
                         .arg(*hard)};
    return {};
}

Status parseRestart(const QString &spec, QString *name, int *maxRetries)
{
    *name = spec.isEmpty() ? QStringLiteral("no") : spec.section(QLatin1Char(':'), 0, 0);
    *maxRetries = 0;
    static const QStringList known{QStringLiteral("no"), QStringLiteral("always"),
                                   QStringLiteral("on-failure"), QStringLiteral("unless-stopped")};
    if (!known.contains(*name))
        return Error{ErrorCode::InvalidArgument,
                     tr("invalid restart policy: unknown policy '%1'; use one of 'no', 'always', "
                        "'on-failure', or 'unless-stopped'")
                         .arg(*name)};
    if (spec.contains(QLatin1Char(':'))) {
        bool ok = false;
        *maxRetries = spec.section(QLatin1Char(':'), 1).toInt(&ok);
        if (!ok || *maxRetries < 0)
            return Error{ErrorCode::InvalidArgument,
                         tr("invalid restart policy format: maximum retry count must be an "
                            "integer")};
        if (*name != QLatin1String("on-failure"))
            return Error{ErrorCode::InvalidArgument,
                         tr("invalid restart policy: maximum retry count can only be used with "
                            "'on-failure'")};
    }
    return {};
}

std::optional<int> signalNumber(const QString &name)
{
    bool ok = false;
    const int n = name.toInt(&ok);
    if (ok)
        return n > 0 && n < NSIG ? std::optional<int>(n) : std::nullopt;
    QString upper = name.toUpper();
    if (upper.startsWith(QLatin1String("SIG")))
        upper = upper.mid(3);
    static const QMap<QString, int> names{
        {QStringLiteral("HUP"), SIGHUP},       {QStringLiteral("INT"), SIGINT},
        {QStringLiteral("QUIT"), SIGQUIT},     {QStringLiteral("ILL"), SIGILL},
        {QStringLiteral("TRAP"), SIGTRAP},     {QStringLiteral("ABRT"), SIGABRT},
        {QStringLiteral("BUS"), SIGBUS},       {QStringLiteral("FPE"), SIGFPE},
        {QStringLiteral("KILL"), SIGKILL},     {QStringLiteral("USR1"), SIGUSR1},
        {QStringLiteral("SEGV"), SIGSEGV},     {QStringLiteral("USR2"), SIGUSR2},
        {QStringLiteral("PIPE"), SIGPIPE},     {QStringLiteral("ALRM"), SIGALRM},
        {QStringLiteral("TERM"), SIGTERM},     {QStringLiteral("CHLD"), SIGCHLD},
        {QStringLiteral("CONT"), SIGCONT},     {QStringLiteral("STOP"), SIGSTOP},
        {QStringLiteral("TSTP"), SIGTSTP},     {QStringLiteral("TTIN"), SIGTTIN},
        {QStringLiteral("TTOU"), SIGTTOU},     {QStringLiteral("URG"), SIGURG},
        {QStringLiteral("XCPU"), SIGXCPU},     {QStringLiteral("XFSZ"), SIGXFSZ},
        {QStringLiteral("VTALRM"), SIGVTALRM}, {QStringLiteral("PROF"), SIGPROF},
        {QStringLiteral("WINCH"), SIGWINCH},   {QStringLiteral("IO"), SIGIO},
        {QStringLiteral("PWR"), SIGPWR},       {QStringLiteral("SYS"), SIGSYS},
    };
    auto it = names.constFind(upper);
    if (it == names.cend())
        return std::nullopt;
    return *it;
}

Result<qint64> parseDuration(const QString &text)
{
    const auto invalid = [&text] {
        return Error{ErrorCode::InvalidArgument, tr("time: invalid duration \"%1\"").arg(text)};
    };
    static const QMap<QString, qint64> units{
        {QStringLiteral("ns"), 1},
        {QStringLiteral("us"), 1000},
        {QStringLiteral("\u00b5s"), 1000}, // micro sign
        {QStringLiteral("\u03bcs"), 1000}, // Greek mu
        {QStringLiteral("ms"), 1000000},
        {QStringLiteral("s"), 1000000000},
        {QStringLiteral("m"), 60 * qint64(1000000000)},
        {QStringLiteral("h"), 3600 * qint64(1000000000)},
    };
    QString rest = text;
    const bool negative = rest.startsWith(QLatin1Char('-'));
    if (negative || rest.startsWith(QLatin1Char('+')))
        rest = rest.mid(1);
    if (rest == QLatin1String("0"))
        return 0;
    if (rest.isEmpty())
        return invalid();
    // Go's arithmetic: whole part exactly, the fraction through a double.
    quint64 total = 0;
    constexpr quint64 Limit = quint64(1) << 63;
    while (!rest.isEmpty()) {
        qsizetype i = 0;
        quint64 whole = 0;
        bool overflow = false;
        while (i < rest.size() && rest[i].isDigit()) {
            overflow = overflow || whole > (Limit - 10) / 10;
            whole = whole * 10 + quint64(rest[i].digitValue());
            ++i;
        }
        const bool hasWhole = i > 0;
        double fraction = 0;
        double scale = 1;
        bool hasFraction = false;
        if (i < rest.size() && rest[i] == QLatin1Char('.')) {
            ++i;
            while (i < rest.size() && rest[i].isDigit()) {
                fraction = fraction * 10 + rest[i].digitValue();
                scale *= 10;
                hasFraction = true;
                ++i;
            }
        }
        if (overflow || (!hasWhole && !hasFraction))
            return invalid();
        qsizetype unitEnd = i;
        while (unitEnd < rest.size() && rest[unitEnd] != QLatin1Char('.') &&
               !rest[unitEnd].isDigit())
            ++unitEnd;
        const QString unit = rest.mid(i, unitEnd - i);
        if (unit.isEmpty())
            return Error{ErrorCode::InvalidArgument,
                         tr("time: missing unit in duration \"%1\"").arg(text)};
        const auto factor = units.constFind(unit);
        if (factor == units.cend())
            return Error{ErrorCode::InvalidArgument,
                         tr("time: unknown unit \"%1\" in duration \"%2\"").arg(unit, text)};
        const quint64 f = quint64(*factor);
        if (whole > (Limit - 1) / f)
            return invalid();
        const quint64 value = whole * f + quint64(fraction * (double(f) / scale));
        if (value > Limit - 1 - total)
            return invalid();
        total += value;
        rest = rest.mid(unitEnd);
    }
    return negative ? -qint64(total) : qint64(total);
}

Status checkHealthOptions(const HealthOptions &health)
{
    const bool any = !health.cmd.isEmpty() || health.interval != 0 || health.timeout != 0 ||
                     health.startPeriod != 0 || health.startInterval != 0 || health.retries != 0;
    const auto invalid = [](const QString &message) {
        return Error{ErrorCode::InvalidArgument, message};
    };
    if (health.disable && any)
        return invalid(tr("--no-healthcheck conflicts with --health-* options"));
    if (health.interval < 0)
        return invalid(tr("--health-interval cannot be negative"));
    if (health.timeout < 0)
        return invalid(tr("--health-timeout cannot be negative"));
    if (health.retries < 0)
        return invalid(tr("--health-retries cannot be negative"));
    if (health.startPeriod < 0)
        return invalid(tr("--health-start-period cannot be negative"));
    if (health.startInterval < 0)
        return invalid(tr("--health-start-interval cannot be negative"));
    return {};
}

qint64 logMaxSize(const QJsonObject &logConfig)
{
    const QString size = logConfig.value(QLatin1String("max-size")).toString();
    if (size.isEmpty())
        return 0;
    auto bytes = units::ramInBytes(size);
    return bytes ? *bytes : -1;
}

} // namespace berth::ContainerConfig
