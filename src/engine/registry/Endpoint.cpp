// Registry endpoints: host, scheme and TLS (see Endpoint.h).
#include "registry/Endpoint.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QHostInfo>
#include <QSslCertificate>

namespace berth::registry {

namespace {

const QString HubDomain = QStringLiteral("docker.io");
const QString HubHost = QStringLiteral("registry-1.docker.io");

} // namespace

QList<QUrl> Endpoint::bases() const
{
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
    if (insecureRegistries.contains(domain, Qt::CaseInsensitive)) {
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
