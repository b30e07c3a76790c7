// Which HTTP proxy a registry request goes through, decided the way Go's
// net/http (and so docker) decides it:
//   https://host/...  -> https-proxy      http://host/... -> http-proxy
//   no proxy for loopback hosts (localhost, 127.0.0.0/8, ::1), ever, and none
//   for a host that no-proxy lists: "*", an IP, a CIDR, a domain ("example.com"
//   or ".example.com": the domain and its subdomains), each with an optional
//   ":port".
// The settings file's "proxies" come first; a value it leaves empty comes
// from HTTPS_PROXY, HTTP_PROXY, NO_PROXY (upper case first, then lower case).
// A proxy URL is http://[user:password@]host[:port] or socks5://...; a bare
// "host:port" means http.
#pragma once

#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QString>

namespace berth::registry {

struct ProxySettings
{
    QString httpProxy;
    QString httpsProxy;
    QString noProxy;

    // These settings with each empty value taken from the environment.
    ProxySettings withEnvironment() const;
    bool isEmpty() const { return httpProxy.isEmpty() && httpsProxy.isEmpty(); }
    // The proxy for a URL: QNetworkProxy::NoProxy when it goes direct.
    QNetworkProxy proxyFor(const QUrl &url) const;
};

// A proxy URL as a QNetworkProxy; an invalid QNetworkProxy (DefaultProxy type)
// when the text is not one. Used to check the settings file too.
QNetworkProxy parseProxyUrl(const QString &text, bool *ok);

// What QNetworkAccessManager asks (Transport installs one on its manager).
class ProxyFactory : public QNetworkProxyFactory
{
public:
    explicit ProxyFactory(ProxySettings settings) : m_settings(std::move(settings)) {}
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override;

private:
    ProxySettings m_settings;
};

} // namespace berth::registry
