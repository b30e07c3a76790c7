// Port publishing and the network mode in the runtime spec; see ContainerNetwork.h.
#include "ContainerNetwork.h"

#include "ContainerConfig.h"
#include "util/Fs.h"

#include <QFile>
#include <QJsonArray>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace berth {

namespace {

const QString PortsFile = QStringLiteral("/ports");

QString displayIp(const QString &hostIp)
{
    return hostIp.isEmpty() ? QStringLiteral("0.0.0.0") : hostIp;
}

Error allocated(const PortMapping &p)
{
    return Error{ErrorCode::Conflict, tr("Bind for %1:%2 failed: port is already allocated")
                                          .arg(displayIp(p.hostIp))
                                          .arg(p.hostPort)};
}

// Whether the host has an IPv6 address at all: docker publishes a port given
// without an address on IPv6 too only then.
bool hostHasIpv6()
{
    QFile addresses(QStringLiteral("/proc/net/if_inet6"));
    return addresses.open(QIODevice::ReadOnly) && !addresses.readLine().isEmpty();
}

// Binds a socket like the one pasta will bind (port 0: the kernel picks a free
// one) and returns the port, or the error. IPv6 host addresses are bound as
// such. pasta binds a port given without an address as one dual-stack socket
// on [::] (every IPv4 and IPv6 address) and "::" as IPv6 only; so does this.
Result<int> probePort(const PortMapping &p, bool ipv6)
{
    const bool udp = p.protocol == QLatin1String("udp");
    const bool dualStack = p.hostIp.isEmpty() && ipv6;
    const QByteArray ip = dualStack ? QByteArray("::") : displayIp(p.hostIp).toLatin1();
    sockaddr_storage address{};
    socklen_t length = 0;
    auto *v4 = reinterpret_cast<sockaddr_in *>(&address);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&address);
    if (inet_pton(AF_INET, ip.constData(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(uint16_t(p.hostPort));
        length = sizeof *v4;
    } else if (inet_pton(AF_INET6, ip.constData(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(uint16_t(p.hostPort));
        length = sizeof *v6;
    } else {
        return Error{
            ErrorCode::InvalidArgument,
            tr("publish port %1: invalid host IP address `%2`").arg(p.containerPort).arg(p.hostIp)};
    }
    const int fd = ::socket(address.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error{ErrorCode::Io, tr("publish port %1: create a socket: %2")
                                        .arg(p.containerPort)
                                        .arg(QString::fromLocal8Bit(std::strerror(errno)))};
    // Connections of an earlier container in TIME_WAIT must not count as a user.
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (address.ss_family == AF_INET6) {
        const int v6only = dualStack ? 0 : 1;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), length) != 0) {
        const int savedErrno = errno;
        ::close(fd);
        if (savedErrno == EADDRINUSE)
            return allocated(p);
        return Error{ErrorCode::Io, tr("Bind for %1:%2 failed: %3")
                                        .arg(displayIp(p.hostIp))
                                        .arg(p.hostPort)
                                        .arg(QString::fromLocal8Bit(std::strerror(savedErrno)))};
    }
    if (!udp && ::listen(fd, 1) != 0) {
        const int savedErrno = errno;
        ::close(fd);
        if (savedErrno == EADDRINUSE)
            return allocated(p);
    }
    socklen_t boundLength = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr *>(&address), &boundLength);
    ::close(fd);
    return int(ntohs(address.ss_family == AF_INET ? v4->sin_port : v6->sin6_port));
}

QList<PortMapping> requestedPorts(const QJsonObject &config, const QJsonObject &hostConfig)
{
    QList<PortMapping> out;
    const QJsonObject bindings = hostConfig.value(QLatin1String("PortBindings")).toObject();
    for (auto it = bindings.constBegin(); it != bindings.constEnd(); ++it) {
        for (const QJsonValue &b : it.value().toArray()) {
            PortMapping p;
            p.containerPort = it.key().section(QLatin1Char('/'), 0, 0).toInt();
            p.protocol = it.key().section(QLatin1Char('/'), 1);
            if (p.protocol.isEmpty())
                p.protocol = QStringLiteral("tcp");
            p.hostIp = b.toObject().value(QLatin1String("HostIp")).toString();
            p.hostPort = b.toObject().value(QLatin1String("HostPort")).toString().toInt();
            out.append(p);
        }
    }
    // -P: every exposed port that has no binding of its own, on a free port.
    if (hostConfig.value(QLatin1String("PublishAllPorts")).toBool()) {
        const QJsonObject exposed = config.value(QLatin1String("ExposedPorts")).toObject();
        for (auto it = exposed.constBegin(); it != exposed.constEnd(); ++it) {
            if (bindings.contains(it.key()))
                continue;
            PortMapping p;
            p.containerPort = it.key().section(QLatin1Char('/'), 0, 0).toInt();
            p.protocol = it.key().section(QLatin1Char('/'), 1);
            if (p.protocol.isEmpty())
                p.protocol = QStringLiteral("tcp");
            out.append(p);
        }
    }
    return out;
}

} // namespace

Status setUpContainerNetwork(const QJsonObject &config, const QJsonObject &hostConfig,
                             const QString &bundleDir, runtime::Spec *spec)
{
    const QString mode = hostConfig.value(QLatin1String("NetworkMode")).toString();
    // "none" keeps its own namespace with only lo; "host" shares the host's.
    spec->pasta =
        mode.isEmpty() || mode == QLatin1String("bridge") || mode == QLatin1String("default");
    spec->ports.clear();
    QByteArray record;
    if (spec->pasta) {
        const bool ipv6 = hostHasIpv6();
        for (PortMapping p : requestedPorts(config, hostConfig)) {
            if (p.protocol != QLatin1String("tcp") && p.protocol != QLatin1String("udp"))
                return Error{ErrorCode::InvalidArgument,
                             tr("publish port %1: unsupported protocol `%2`")
                                 .arg(p.containerPort)
                                 .arg(p.protocol)};
            BERTH_TRY_ASSIGN(p.hostPort, probePort(p, ipv6));
            spec->ports.push_back(runtime::PortForward{p.hostIp.toStdString(), uint16_t(p.hostPort),
                                                       uint16_t(p.containerPort),
                                                       p.protocol.toStdString()});
            // As docker lists a port published without an address: once for
            // 0.0.0.0 and, with IPv6, once for "::".
            QStringList addresses{displayIp(p.hostIp)};
            if (p.hostIp.isEmpty() && ipv6)
                addresses << QStringLiteral("::");
            for (const QString &address : addresses)
                record += QStringLiteral("%1/%2 %3 %4\n")
                              .arg(p.containerPort)
                              .arg(p.protocol, address)
                              .arg(p.hostPort)
                              .toUtf8();
        }
    }
    return fs::writeFileVolatile(bundleDir + PortsFile, record);
}

Result<QList<PortMapping>> publishedPorts(const QString &bundleDir)
{
    QFile f(bundleDir + PortsFile);
    QList<PortMapping> out;
    if (!f.exists())
        return out;
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Io,
                     tr("read published ports `%1`: %2").arg(f.fileName(), f.errorString())};
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() != 3)
            continue;
        PortMapping p;
        p.containerPort = parts[0].split('/').value(0).toInt();
        p.protocol = QString::fromLatin1(parts[0].split('/').value(1));
        p.hostIp = QString::fromLatin1(parts[1]);
        p.hostPort = parts[2].toInt();
        out.append(p);
    }
    return out;
}

Status Containers::resolveNetworkContainer(QJsonObject *config) const
{
    QJsonObject host = config->value(QLatin1String("HostConfig")).toObject();
    const QString mode = host.value(QLatin1String("NetworkMode")).toString();
    if (!mode.startsWith(QLatin1String("container:")))
        return {};
    BERTH_TRY_ASSIGN(const QString target, resolve(mode.section(QLatin1Char(':'), 1)));
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(target));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(target)};
    host.insert(QStringLiteral("NetworkMode"), QStringLiteral("container:") + target);
    config->insert(QStringLiteral("HostConfig"), host);
    QJsonObject own = config->value(QLatin1String("Config")).toObject();
    own.insert(QStringLiteral("Hostname"), ContainerConfig::fromRecord(record->config)
                                               .value(QLatin1String("Config"))
                                               .toObject()
                                               .value(QLatin1String("Hostname")));
    config->insert(QStringLiteral("Config"), own);
    return {};
}

Status Containers::joinNetworkOf(const QString &targetId, runtime::Spec *spec) const
{
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(targetId));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(targetId)};
    BERTH_TRY_ASSIGN(const ContainerState target, stateOf(targetId));
    if (target.status == ContainerState::Restarting)
        return Error{
            ErrorCode::Conflict,
            tr("Container %1 is restarting, wait until the container is running").arg(targetId)};
    if (!target.isRunning() || target.pid <= 0)
        return Error{ErrorCode::Conflict,
                     tr("cannot join network of a non running container: %1").arg(targetId)};
    // The init joins it instead of making its own (runtime/Init.cpp); pasta
    // already serves it, for the container that made it.
    spec->netNsPath = QStringLiteral("/proc/%1/ns/net").arg(target.pid).toStdString();
    return {};
}

} // namespace berth
