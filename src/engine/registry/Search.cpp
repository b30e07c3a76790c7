// Docker Hub's search API and catalog search (see Search.h).
#include "registry/Search.h"

#include "registry/Client.h"
#include "registry/Settings.h"
#include "registry/Transport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace berth::registry {

namespace {

constexpr qint64 MaxSearchAnswer = 16 << 20;

Result<QList<SearchResult>> searchIndex(const Settings &settings, const QString &term, int limit,
                                        const Progress &progress)
{
    Request r;
    r.url = settings.searchIndex.resolved(QUrl(QStringLiteral("/v1/search")));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("q"), term);
    query.addQueryItem(QStringLiteral("n"), QString::number(limit));
    r.url.setQuery(query);
    BERTH_TRY_ASSIGN(r.tls, tlsConfiguration(r.url.authority(), false, ClientOptions().certsDirs));
    Transport transport(settings.clientOptions().proxies);
    BERTH_TRY_ASSIGN(auto response, transport.send(r, progress));
    BERTH_TRY_ASSIGN(const QByteArray body, response->readAll(MaxSearchAnswer));
    if (response->status() != 200)
        return Error{
            ErrorCode::Network,
            tr("%1: unexpected status code %2").arg(response->describe()).arg(response->status())};
    BERTH_TRY_ASSIGN(QList<SearchResult> results, parseSearchResults(body, response->describe()));
    return results.mid(0, limit);
}

Result<QList<SearchResult>> searchCatalog(const Settings &settings, const QString &registry,
                                          const QString &term, int limit, const Progress &progress)
{
    Client client(settings.clientOptions());
    BERTH_TRY_ASSIGN(const QStringList names, client.catalog(registry, progress));
    QList<SearchResult> out;
    for (const QString &name : names) {
        if (out.size() >= limit)
            break;
        if (name.contains(term, Qt::CaseInsensitive))
            out << SearchResult{registry + QLatin1Char('/') + name, {}, 0, false, false};
    }
    return out;
}

} // namespace

Result<QList<SearchResult>> parseSearchResults(const QByteArray &body, const QString &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{ErrorCode::Corrupt,
                     tr("%1: the search answer is not a JSON object").arg(what)};
    QList<SearchResult> out;
    for (const QJsonValue &v : doc.object().value(QLatin1String("results")).toArray()) {
        const QJsonObject o = v.toObject();
        out << SearchResult{o.value(QLatin1String("name")).toString(),
                            o.value(QLatin1String("description")).toString(),
                            o.value(QLatin1String("star_count")).toInt(),
                            o.value(QLatin1String("is_official")).toBool(),
                            o.value(QLatin1String("is_automated")).toBool()};
    }
    return out;
}

QString searchRegistry(const QString &term)
{
    const qsizetype slash = term.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return {};
    const QString first = term.left(slash);
    if (first.contains(QLatin1Char('.')) || first.contains(QLatin1Char(':')) ||
        first == QLatin1String("localhost"))
        return first;
    return {};
}

Result<QList<SearchResult>> search(const Settings &settings, const QString &term, int limit,
                                   const Progress &progress)
{
    const QString registry = searchRegistry(term);
    if (registry.isEmpty() || registry == QLatin1String("docker.io") ||
        registry == QLatin1String("index.docker.io"))
        return searchIndex(settings, registry.isEmpty() ? term : term.mid(registry.size() + 1),
                           limit, progress);
    return searchCatalog(settings, registry, term.mid(registry.size() + 1), limit, progress);
}

} // namespace berth::registry
