// The registry settings file (see Settings.h).
#include "registry/Settings.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace berth::registry {

namespace {

// "settings file <path>: "key": what is wrong".
Error invalid(const QString &path, const QString &key, const QString &why)
{
    return Error{ErrorCode::InvalidArgument,
                 tr("settings file %1: \"%2\": %3").arg(path, key, why)};
}

Result<QStringList> stringList(const QJsonObject &o, const QString &key, const QString &path)
{
    const QJsonValue v = o.value(key);
    if (!v.isArray())
        return invalid(path, key, tr("must be a list of strings"));
    QStringList out;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString() || item.toString().trimmed().isEmpty())
            return invalid(
                path, key,
                tr("must be a list of strings, and holds %1")
                    .arg(QString::fromUtf8(
                        QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact))));
        out << item.toString().trimmed();
    }
    return out;
}

Result<int> positive(const QJsonObject &o, const QString &key, const QString &path)
{
    const QJsonValue v = o.value(key);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 1 || d != double(int(d)))
        return invalid(path, key, tr("must be a whole number of at least 1"));
    return int(d);
}

// docker's rule for a mirror: http(s)://host[:port], a trailing "/" at most.
Result<QString> mirrorUrl(const QString &text, const QString &path, const QString &key)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return invalid(path, key,
                       tr("\"%1\" is not an http:// or https:// URL of a registry").arg(text));
    if ((!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery() ||
        url.hasFragment() || !url.userInfo().isEmpty())
        return invalid(path, key,
                       tr("\"%1\": a mirror is a registry's address alone, without a path, "
                          "query or user")
                           .arg(text));
    return url.scheme() + QStringLiteral("://") + url.authority(QUrl::FullyEncoded);
}

// "host[:port]" or a CIDR; docker refuses a scheme here.
Status checkInsecure(const QString &entry, const QString &path, const QString &key)
{
    if (entry.contains(QLatin1String("://")))
        return invalid(path, key,
                       tr("\"%1\": an insecure registry is \"host[:port]\" or a CIDR, without "
                          "a scheme")
                           .arg(entry));
    if (entry.contains(QLatin1Char('/'))) {
        if (QHostAddress::parseSubnet(entry).first.isNull())
            return invalid(path, key, tr("\"%1\" is not a valid CIDR").arg(entry));
        return {};
    }
    const QUrl asUrl(QStringLiteral("https://") + entry, QUrl::StrictMode);
    if (!asUrl.isValid() || asUrl.host().isEmpty() || !asUrl.path().isEmpty())
        return invalid(path, key, tr("\"%1\" is not a host[:port]").arg(entry));
    return {};
}

Result<ProxySettings> parseProxies(const QJsonObject &o, const QString &path)
{
    const QString key = QStringLiteral("proxies");
    if (!o.value(key).isObject())
        return invalid(path, key,
                       tr("must be an object with \"http-proxy\", \"https-proxy\", \"no-proxy\""));
    ProxySettings out;
    const QJsonObject p = o.value(key).toObject();
    for (auto it = p.begin(); it != p.end(); ++it) {
        const QString name = QStringLiteral("proxies.") + it.key();
        if (!it.value().isString())
            return invalid(path, name, tr("must be a string"));
        const QString value = it.value().toString().trimmed();
        if (it.key() == QLatin1String("no-proxy")) {
            out.noProxy = value;
            continue;
        }
        if (it.key() != QLatin1String("http-proxy") && it.key() != QLatin1String("https-proxy"))
            return invalid(path, name, tr("is not a known setting"));
        bool ok = false;
        (void)parseProxyUrl(value, &ok);
        if (!value.isEmpty() && !ok)
            return invalid(path, name,
                           tr("\"%1\" is not a proxy URL (http://[user:password@]host[:port] or "
                              "socks5://host[:port])")
                               .arg(value));
        (it.key() == QLatin1String("http-proxy") ? out.httpProxy : out.httpsProxy) = value;
    }
    return out;
}

} // namespace

QString Settings::userPath()
{
    return configDir() + QStringLiteral("/settings.json");
}

QString Settings::systemPath()
{
    return QStringLiteral("/etc/berth/settings.json");
}

Result<Settings> Settings::load()
{
    for (const QString &path : {userPath(), systemPath()}) {
        QFile file(path);
        if (!file.exists())
            continue;
        if (!file.open(QIODevice::ReadOnly))
            return Error{ErrorCode::Permission,
                         tr("read settings file %1: %2").arg(path, file.errorString())};
        return parse(file.readAll(), path);
    }
    return Settings();
}

Result<Settings> Settings::parse(const QByteArray &json, const QString &path)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return Error{ErrorCode::InvalidArgument,
                     tr("settings file %1: not valid JSON at byte %2: %3")
                         .arg(path)
                         .arg(err.offset)
                         .arg(err.errorString())};
    if (!doc.isObject())
        return Error{ErrorCode::InvalidArgument,
                     tr("settings file %1: must hold a JSON object").arg(path)};
    const QJsonObject o = doc.object();
    Settings s;
    s.path = path;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("registry-mirrors")) {
            BERTH_TRY_ASSIGN(const QStringList mirrors, stringList(o, key, path));
            for (const QString &m : mirrors) {
                BERTH_TRY_ASSIGN(const QString url, mirrorUrl(m, path, key));
                s.registryMirrors << url;
            }
        } else if (key == QLatin1String("insecure-registries")) {
            BERTH_TRY_ASSIGN(const QStringList entries, stringList(o, key, path));
            for (const QString &e : entries) {
                BERTH_TRY(checkInsecure(e, path, key));
                s.insecureRegistries << e;
            }
        } else if (key == QLatin1String("max-concurrent-downloads")) {
            BERTH_TRY_ASSIGN(s.maxConcurrentDownloads, positive(o, key, path));
        } else if (key == QLatin1String("max-concurrent-uploads")) {
            BERTH_TRY_ASSIGN(s.maxConcurrentUploads, positive(o, key, path));
        } else if (key == QLatin1String("proxies")) {
            BERTH_TRY_ASSIGN(s.proxies, parseProxies(o, path));
        } else if (key == QLatin1String("search-index")) {
            const QUrl url(it.value().toString(), QUrl::StrictMode);
            if (!it.value().isString() || !url.isValid() || url.host().isEmpty() ||
                (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
                return invalid(path, key, tr("must be an http:// or https:// URL"));
            s.searchIndex = url;
        } else {
            return invalid(path, key, tr("is not a known setting"));
        }
    }
    return s;
}

ClientOptions Settings::clientOptions() const
{
    ClientOptions options;
    options.insecureRegistries = insecureRegistries;
    options.proxies = proxies.withEnvironment();
    options.credentials = lookupCredentials;
    return options;
}

} // namespace berth::registry
