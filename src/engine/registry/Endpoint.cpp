// Registry endpoints: host, scheme and TLS (see Endpoint.h).
#include "registry/Endpoint.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QHostInfo>
#include <QSslCertificate>
#include <QSslKey>

namespace berth::registry {

namespace {

const QString HubDomain = QStringLiteral("docker.io");
const QString HubHost = QStringLiteral("registry-1.docker.io");

// operation: "read client key <path> for registry <host>", for the error.
Result<QByteArray> readPem(const QString &path, const QString &operation)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Permission,
                     QStringLiteral("%1: %2").arg(operation, file.errorString())};
    return file.readAll();
}

// docker's pairing: every <name>.cert needs <name>.key and the reverse; the
// first pair found is the one sent.
Status addClientCertificate(QSslConfiguration &tls, const QString &host,
                            const QStringList &certsDirs)
{
    for (const QString &dir : certsDirs) {
        const QDir hostDir(dir + QLatin1Char('/') + host);
        const QStringList files =
            hostDir.entryList({QStringLiteral("*.cert"), QStringLiteral("*.key")}, QDir::Files);
        for (const QString &name : files) {
            const QString stem = name.section(QLatin1Char('.'), 0, -2);
            const bool isCert = name.endsWith(QLatin1String(".cert"));
            const QString other =
                stem + (isCert ? QStringLiteral(".key") : QStringLiteral(".cert"));
            if (!files.contains(other))
                return Error{ErrorCode::InvalidArgument,
                             tr("client certificate for registry %1: %2 has no %3 beside it")
                                 .arg(host, hostDir.filePath(name), other)};
            if (!isCert || !tls.localCertificate().isNull())
                continue;
            const QString certPath = hostDir.filePath(name);
            const QString keyPath = hostDir.filePath(other);
            BERTH_TRY_ASSIGN(
                const QByteArray certPem,
                readPem(certPath,
                        tr("read client certificate %1 for registry %2").arg(certPath, host)));
            BERTH_TRY_ASSIGN(
                const QByteArray keyPem,
                readPem(keyPath, tr("read client key %1 for registry %2").arg(keyPath, host)));
            const QList<QSslCertificate> certs = QSslCertificate::fromData(certPem);
            if (certs.isEmpty())
                return Error{ErrorCode::InvalidArgument,
                             tr("read client certificate %1 for registry %2: no PEM certificate "
                                "in it")
                                 .arg(certPath, host)};
            QSslKey key;
            for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
                key = QSslKey(keyPem, algorithm);
                if (!key.isNull())
                    break;
            }
            if (key.isNull())
                return Error{ErrorCode::InvalidArgument,
                             tr("read client key %1 for registry %2: no unencrypted PEM private "
                                "key in it")
                                 .arg(keyPath, host)};
            tls.setLocalCertificateChain(certs);
            tls.setPrivateKey(key);
        }
    }
    return {};
}

} // namespace

QList<QUrl> Endpoint::bases() const
{
    if (base.isValid())
        return {base};
    QList<QUrl> out{QUrl(QStringLiteral("https://") + host)};
    if (insecure)
        out << QUrl(QStringLiteral("http://") + host);
    return out;
}

QString configDir()
{
    const QString explicitDir = qEnvironmentVariable("BERTH_CONFIG");
    if (!explicitDir.isEmpty())
        return explicitDir;
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/berth");
}

QStringList defaultCertsDirs()
{
    return {configDir() + QStringLiteral("/certs.d"), QStringLiteral("/etc/docker/certs.d")};
}

QStringList defaultInsecureRegistries()
{
    return {QStringLiteral("127.0.0.0/8")};
}

Endpoint resolveEndpoint(const QString &domain, const QStringList &insecureRegistries)
{
    Endpoint e;
    e.name = domain;
    e.host = domain == HubDomain ? HubHost : domain;
    if (domain.contains(QLatin1String("://"))) {
        const QUrl mirror(domain);
        e.host = mirror.authority(QUrl::FullyEncoded);
        e.base = QUrl(mirror.scheme() + QStringLiteral("://") + e.host);
    }
    if (insecureRegistries.contains(e.base.isValid() ? e.host : domain, Qt::CaseInsensitive)) {
        e.insecure = true;
        return e;
    }
    const QString hostName = QUrl(QStringLiteral("https://") + e.host).host();
    QList<QHostAddress> addresses;
    if (QHostAddress literal; literal.setAddress(hostName))
        addresses << literal;
    else if (domain != HubDomain)
        addresses = QHostInfo::fromName(hostName).addresses();
    for (const QString &entry : insecureRegistries) {
        const auto subnet = QHostAddress::parseSubnet(entry);
        if (subnet.first.isNull())
            continue;
        for (const QHostAddress &a : addresses) {
            if (a.isInSubnet(subnet)) {
                e.insecure = true;
                return e;
            }
        }
    }
    return e;
}

Result<QSslConfiguration> tlsConfiguration(const QString &host, bool insecure,
                                           const QStringList &certsDirs)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    BERTH_TRY(addClientCertificate(tls, host, certsDirs));
    if (insecure) {
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        return tls;
    }
    for (const QString &dir : certsDirs) {
        const QDir hostDir(dir + QLatin1Char('/') + host);
        const QStringList files = hostDir.entryList({QStringLiteral("*.crt")}, QDir::Files);
        for (const QString &name : files) {
            const QString path = hostDir.filePath(name);
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return Error{ErrorCode::Permission, tr("read CA certificate %1 for registry %2: %3")
                                                        .arg(path, host, file.errorString())};
            const QList<QSslCertificate> certs = QSslCertificate::fromData(file.readAll());
            if (certs.isEmpty())
                return Error{ErrorCode::InvalidArgument,
                             tr("read CA certificate %1 for registry %2: no PEM certificate in it")
                                 .arg(path, host)};
            tls.addCaCertificates(certs);
        }
    }
    return tls;
}

} // namespace berth::registry
