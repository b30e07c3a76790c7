// Proxy choice for registry requests (see Proxy.h).
#include "registry/Proxy.h"

#include <QHostAddress>
#include <QStringList>
#include <QUrl>

namespace berth::registry {

namespace {

QString environment(const char *upper, const char *lower)
{
    const QString value = qEnvironmentVariable(upper);
    return value.isEmpty() ? qEnvironmentVariable(lower) : value;
}

bool isLoopback(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
        host.endsWith(QLatin1String(".localhost"), Qt::CaseInsensitive))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Whether one no-proxy entry covers host:port.
bool matches(QString entry, const QString &host, int port)
{
    entry = entry.trimmed().toLower();
    if (entry.isEmpty())
        return false;
    if (entry == QLatin1String("*"))
        return true;
    const auto subnet = QHostAddress::parseSubnet(entry);
    const QHostAddress address(host);
    if (!subnet.first.isNull())
        return !address.isNull() && address.isInSubnet(subnet);
    // "host:port" and "[v6]:port" name one port only.
    int entryPort = -1;
    const QUrl asUrl(QStringLiteral("http://") + entry);
    if (asUrl.isValid() && !asUrl.host().isEmpty()) {
        entryPort = asUrl.port();
        entry = asUrl.host();
    }
    if (entryPort >= 0 && entryPort != port)
        return false;
    if (const QHostAddress entryAddress(entry); !entryAddress.isNull())
        return entryAddress == address;
    if (entry.startsWith(QLatin1Char('.')))
        entry.remove(0, 1);
    const QString h = host.toLower();
    return h == entry || h.endsWith(QLatin1Char('.') + entry);
}

} // namespace

ProxySettings ProxySettings::withEnvironment() const
{
    ProxySettings out = *this;
    if (out.httpProxy.isEmpty())
        out.httpProxy = environment("HTTP_PROXY", "http_proxy");
    if (out.httpsProxy.isEmpty())
        out.httpsProxy = environment("HTTPS_PROXY", "https_proxy");
    if (out.noProxy.isEmpty())
        out.noProxy = environment("NO_PROXY", "no_proxy");
    return out;
}

QNetworkProxy parseProxyUrl(const QString &text, bool *ok)
{
    QString spelled = text.trimmed();
    if (!spelled.contains(QLatin1String("://")))
        spelled.prepend(QStringLiteral("http://"));
    const QUrl url(spelled, QUrl::StrictMode);
    QNetworkProxy::ProxyType type = QNetworkProxy::DefaultProxy;
    int defaultPort = 0;
    if (url.scheme() == QLatin1String("http")) {
        type = QNetworkProxy::HttpProxy;
        defaultPort = 80;
    } else if (url.scheme() == QLatin1String("https")) {
        // Qt's HttpProxy speaks plain HTTP to the proxy; TLS to it is not offered.
        type = QNetworkProxy::HttpProxy;
        defaultPort = 443;
    } else if (url.scheme() == QLatin1String("socks5") ||
               url.scheme() == QLatin1String("socks5h")) {
        type = QNetworkProxy::Socks5Proxy;
        defaultPort = 1080;
    }
    *ok = url.isValid() && !url.host().isEmpty() && type != QNetworkProxy::DefaultProxy &&
          (url.path().isEmpty() || url.path() == QLatin1String("/"));
    if (!*ok)
        return QNetworkProxy(QNetworkProxy::DefaultProxy);
    return QNetworkProxy(type, url.host(), quint16(url.port(defaultPort)), url.userName(),
                         url.password());
}

QNetworkProxy ProxySettings::proxyFor(const QUrl &url) const
{
    const QString host = url.host();
    const QString chosen = url.scheme() == QLatin1String("https") ? httpsProxy : httpProxy;
    if (chosen.isEmpty() || isLoopback(host))
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    const QStringList entries = noProxy.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &entry : entries) {
        if (matches(entry, host, port))
            return QNetworkProxy(QNetworkProxy::NoProxy);
    }
    bool ok = false;
    const QNetworkProxy proxy = parseProxyUrl(chosen, &ok);
    return ok ? proxy : QNetworkProxy(QNetworkProxy::NoProxy);
}

QList<QNetworkProxy> ProxyFactory::queryProxy(const QNetworkProxyQuery &query)
{
    return {m_settings.proxyFor(query.url())};
}

} // namespace berth::registry
