// The registry protocol: ping, authentication, manifests, blobs, tags (see Client.h).
#include "registry/Client.h"

#include "reference/Reference.h"
#include "registry/Auth.h"
#include "registry/Errors.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUrlQuery>

namespace berth::registry {

namespace {

// Manifests are small documents; containerd refuses those over 4 MiB too.
constexpr qint64 MaxManifestSize = 4 << 20;
// Image configs hold history and labels, rarely more than a few hundred KiB.
constexpr qint64 MaxConfigSize = 64 << 20;
constexpr qint64 MaxErrorBody = 1 << 20;
constexpr int MaxRedirects = 10;
// A token is used only while it has this much life left.
constexpr qint64 TokenMarginSeconds = 5;

using Headers = QList<QPair<QByteArray, QByteArray>>;

// "host:port" as references and certs.d spell it ("[::1]:5000" for IPv6).
QString authority(const QUrl &url)
{
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return url.port() < 0 ? host : host + QLatin1Char(':') + QString::number(url.port());
}

QByteArray basicAuthorization(const Credentials &c)
{
    return "Basic " + (c.username + QLatin1Char(':') + c.password).toUtf8().toBase64();
}

QString tokenKey(const Repository &repo, const QString &scope)
{
    return (repo.credentials ? repo.credentials->username : QString()) + QLatin1Char('\n') + scope;
}

// Bearer first: a registry offering both prefers tokens.
std::optional<Challenge> preferredChallenge(const QList<Challenge> &challenges)
{
    for (const char *scheme : {"bearer", "basic"}) {
        for (Challenge c : challenges) {
            if (c.scheme == QLatin1String(scheme)) {
                // Scope and error describe one refused request, not the registry.
                c.params.remove(QStringLiteral("scope"));
                c.params.remove(QStringLiteral("error"));
                return c;
            }
        }
    }
    return std::nullopt;
}

QString familiarName(const Repository &repo)
{
    reference::Reference ref;
    ref.domain = repo.domain;
    ref.path = repo.path;
    return ref.familiarName();
}

// The Host a repository is reached at: its mirror's URL, else its domain.
QString hostKey(const Repository &repo)
{
    return repo.mirror.isEmpty() ? repo.domain : repo.mirror;
}

// The next page of a list registries page through with
// Link: </v2/...?last=x&n=y>; rel="next"; empty on the last page.
QString nextPage(const QByteArray &link)
{
    if (!link.contains("rel=\"next\""))
        return {};
    const qsizetype open = link.indexOf('<');
    const qsizetype close = link.indexOf('>', open);
    if (open < 0 || close <= open)
        return {};
    return QString::fromUtf8(link.mid(open + 1, close - open - 1));
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

ErrorCode codeForStatus(int status)
{
    switch (status) {
    case 401:
        return ErrorCode::Unauthorized;
    case 403:
        return ErrorCode::Permission;
    case 404:
        return ErrorCode::NotFound;
    case 400:
        return ErrorCode::InvalidArgument;
    default:
        // 5xx and 429 are the registry's passing trouble: worth another try.
        return status >= 500 || status == 429 ? ErrorCode::Network : ErrorCode::Internal;
    }
}

} // namespace

struct Client::Host
{
    QMutex mutex; // everything below
    bool pinged = false;
    Endpoint endpoint;
    QUrl base; // scheme://host of the endpoint that answered the ping
    QSslConfiguration tls;
    std::optional<Challenge> challenge;
    QHash<QString, Token> tokens; // by tokenKey
    bool credentialsLooked = false;
    std::optional<Credentials> credentials; // ClientOptions::credentials' answer
};

Client::Client(ClientOptions options)
    : m_options(std::move(options)), m_transport(m_options.proxies)
{
}

Client::~Client() = default;

Result<std::shared_ptr<Client::Host>> Client::host(const QString &domain, const Progress &progress)
{
    std::shared_ptr<Host> h;
    {
        QMutexLocker lock(&m_hostsMutex);
        h = m_hosts.value(domain);
        if (!h) {
            h = std::make_shared<Host>();
            m_hosts.insert(domain, h);
        }
    }
    // One thread pings; the others wait for what it learns.
    QMutexLocker lock(&h->mutex);
    if (h->pinged)
        return h;
    h->endpoint = resolveEndpoint(domain, m_options.insecureRegistries);
    BERTH_TRY_ASSIGN(h->tls,
                     tlsConfiguration(h->endpoint.host, h->endpoint.insecure, m_options.certsDirs));
    std::optional<Error> failure;
    for (const QUrl &base : h->endpoint.bases()) {
        Request ping;
        ping.url = base.resolved(QUrl(QStringLiteral("/v2/")));
        ping.tls = h->tls;
        auto response = m_transport.send(ping, progress);
        if (!response.ok()) {
            if (response.error().code == ErrorCode::Cancelled)
                return response.error();
            // An insecure registry that does not speak TLS is tried again over http.
            failure = response.error();
            continue;
        }
        (void)(*response)->readAll(MaxErrorBody);
        if ((*response)->status() == 401)
            h->challenge =
                preferredChallenge(parseChallenges((*response)->header("WWW-Authenticate")));
        h->base = base;
        h->pinged = true;
        return h;
    }
    return *failure;
}

Result<std::unique_ptr<Response>> Client::follow(Request request, const Progress &progress)
{
    const QUrl origin = request.url;
    for (int hop = 0; hop <= MaxRedirects; ++hop) {
        BERTH_TRY_ASSIGN(auto response, m_transport.send(request, progress));
        const int status = response->status();
        const QByteArray location = response->header("Location");
        if (!isRedirect(status) || location.isEmpty())
            return response;
        // Read to its end, so the connection is reused rather than aborted.
        (void)response->readAll(MaxErrorBody);
        const QUrl next = request.url.resolved(QUrl::fromEncoded(location));
        // Credentials are the registry's: blob storage gets a presigned URL and
        // must not see them.
        if (next.scheme() != origin.scheme() || authority(next) != authority(origin)) {
            request.headers.removeIf([](const auto &h) {
                return h.first.compare("Authorization", Qt::CaseInsensitive) == 0;
            });
            auto tls = tlsConfiguration(authority(next), false, m_options.certsDirs);
            if (!tls.ok())
                return tls.error();
            request.tls = *tls;
        }
        if (status == 303)
            request.method = "GET";
        request.url = next;
    }
    return Error{ErrorCode::Network,
                 tr("%1: stopped after %2 redirects").arg(origin.toString()).arg(MaxRedirects)};
}

Result<QByteArray> Client::fetchToken(Host &h, const Repository &repo, const QString &scope,
                                      const Progress &progress)
{
    QUrl realm(h.challenge->param(QStringLiteral("realm")));
    if (!realm.isValid() ||
        (realm.scheme() != QLatin1String("https") && realm.scheme() != QLatin1String("http")))
        return Error{ErrorCode::Unauthorized,
                     tr("registry %1 names a token server that is not a URL: \"%2\"")
                         .arg(repo.domain, h.challenge->param(QStringLiteral("realm")))};
    QUrlQuery query(realm);
    const QString service = h.challenge->param(QStringLiteral("service"));
    if (!service.isEmpty())
        query.addQueryItem(QStringLiteral("service"), service);
    for (const QString &each : scope.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        query.addQueryItem(QStringLiteral("scope"), each);
    if (repo.credentials)
        query.addQueryItem(QStringLiteral("account"), repo.credentials->username);
    realm.setQuery(query);

    const Endpoint tokenServer = resolveEndpoint(authority(realm), m_options.insecureRegistries);
    Request r;
    r.url = realm;
    BERTH_TRY_ASSIGN(r.tls,
                     tlsConfiguration(authority(realm), tokenServer.insecure, m_options.certsDirs));
    if (repo.credentials)
        r.headers << qMakePair(QByteArray("Authorization"), basicAuthorization(*repo.credentials));
    BERTH_TRY_ASSIGN(auto response, follow(r, progress));
    auto body = response->readAll(MaxErrorBody);
    if (!body.ok())
        return body.error();
    const int status = response->status();
    if (status == 401 || status == 403) {
        // Docker Hub's token server says why in "details".
        QString why = describeRegistryErrors(parseRegistryErrors(*body));
        if (why.isEmpty())
            why =
                QJsonDocument::fromJson(*body).object().value(QLatin1String("details")).toString();
        if (why.isEmpty())
            why = repo.credentials ? tr("incorrect username or password")
                                   : tr("authentication required");
        return Error{ErrorCode::Unauthorized,
                     tr("%1: unauthorized: %2").arg(response->describe(), why)};
    }
    if (status / 100 != 2)
        return Error{ErrorCode::Unauthorized, tr("%1: the token server answered with status %2")
                                                  .arg(response->describe())
                                                  .arg(status)};
    BERTH_TRY_ASSIGN(const Token token, parseTokenResponse(*body, QDateTime::currentDateTimeUtc(),
                                                           response->describe()));
    h.tokens.insert(tokenKey(repo, scope), token);
    return token.value.toUtf8();
}

Result<QByteArray> Client::authorization(Host &h, const Repository &repo, const QString &scope,
                                         const Progress &progress)
{
    QMutexLocker lock(&h.mutex);
    if (!h.challenge)
        return QByteArray();
    if (h.challenge->scheme == QLatin1String("basic"))
        return repo.credentials ? basicAuthorization(*repo.credentials) : QByteArray();
    if (h.challenge->scheme != QLatin1String("bearer"))
        return QByteArray();
    const auto cached = h.tokens.constFind(tokenKey(repo, scope));
    if (cached != h.tokens.constEnd() &&
        cached->expires > QDateTime::currentDateTimeUtc().addSecs(TokenMarginSeconds))
        return "Bearer " + cached->value.toUtf8();
    // Fetched under the host's lock: parallel downloads wait for one token.
    BERTH_TRY_ASSIGN(const QByteArray token, fetchToken(h, repo, scope, progress));
    return "Bearer " + token;
}

Result<std::unique_ptr<Response>> Client::request(const Repository &repo, const QString &path,
                                                  const Headers &headers, const Progress &progress)
{
    Request r;
    r.url = QUrl(path);
    r.headers = headers;
    return send(repo, std::move(r), pullScope(repo.path), progress);
}

Repository Client::withCredentials(const Repository &repo)
{
    if (repo.credentials || !m_options.credentials)
        return repo;
    std::shared_ptr<Host> h;
    {
        QMutexLocker lock(&m_hostsMutex);
        h = m_hosts.value(hostKey(repo));
    }
    if (!h)
        return repo;
    QMutexLocker lock(&h->mutex);
    // A registry that asks for nothing is not worth a keychain or helper call.
    if (!h->challenge)
        return repo;
    if (!h->credentialsLooked) {
        // A mirror has credentials of its own, under its host name.
        h->credentials =
            m_options.credentials(repo.mirror.isEmpty() ? repo.domain : h->endpoint.host);
        h->credentialsLooked = true;
    }
    Repository out = repo;
    out.credentials = h->credentials;
    return out;
}

Result<std::unique_ptr<Response>> Client::send(const Repository &asked, Request base,
                                               const QString &scope, const Progress &progress)
{
    BERTH_TRY_ASSIGN(const std::shared_ptr<Host> h, host(hostKey(asked), progress));
    Repository repo = withCredentials(asked);
    base.url = h->base.resolved(base.url);
    base.tls = h->tls;
    {
        // docker's client does not ask a Basic registry without credentials.
        QMutexLocker lock(&h->mutex);
        if (h->challenge && h->challenge->scheme == QLatin1String("basic") && !repo.credentials)
            return Error{ErrorCode::Unauthorized, tr("Get \"%1\": no basic auth credentials")
                                                      .arg(base.url.toString(QUrl::FullyEncoded))};
    }
    for (int attempt = 0;; ++attempt) {
        BERTH_TRY_ASSIGN(const QByteArray auth, authorization(*h, repo, scope, progress));
        Request r = base;
        if (!auth.isEmpty())
            r.headers << qMakePair(QByteArray("Authorization"), auth);
        BERTH_TRY_ASSIGN(auto response, follow(r, progress));
        if (response->status() != 401 || attempt > 0)
            return response;
        // A 401 to a request says what the registry wants now: a challenge the
        // ping did not show, or a fresh token instead of one it no longer takes.
        const auto challenge =
            preferredChallenge(parseChallenges(response->header("WWW-Authenticate")));
        if (!challenge)
            return response;
        {
            QMutexLocker lock(&h->mutex);
            const bool learnt = !h->challenge || h->challenge->scheme != challenge->scheme ||
                                h->challenge->params != challenge->params;
            h->challenge = challenge;
            if (challenge->scheme == QLatin1String("bearer"))
                h->tokens.remove(tokenKey(repo, scope));
            else if (!learnt)
                return response;
        }
        // Credentials are looked up only once a registry asks for them.
        repo = withCredentials(asked);
        if (challenge->scheme != QLatin1String("bearer") && !repo.credentials)
            return response;
        // The refusal's body is read to its end before the next try, so the
        // connection is reused rather than aborted.
        (void)response->readAll(MaxErrorBody);
    }
}

QString Client::challengeScheme(const QString &domain)
{
    std::shared_ptr<Host> h;
    {
        QMutexLocker lock(&m_hostsMutex);
        h = m_hosts.value(domain);
    }
    if (!h)
        return {};
    QMutexLocker lock(&h->mutex);
    return h->challenge ? h->challenge->scheme : QString();
}

Client::Refused Client::refused(Response &response)
{
    const int status = response.status();
    Refused r;
    auto body = response.readAll(MaxErrorBody);
    if (body.ok()) {
        const QList<RegistryError> errors = parseRegistryErrors(*body);
        r.detail = describeRegistryErrors(errors);
        if (!errors.isEmpty())
            r.registryCode = errors.first().code;
    }
    if (r.detail.isEmpty() && status == 401)
        r.detail = tr("unauthorized: authentication required");
    if (r.detail.isEmpty())
        r.detail = tr("unexpected status %1").arg(status);
    r.error =
        Error{codeForStatus(status), QStringLiteral("%1: %2").arg(response.describe(), r.detail)};
    return r;
}

Result<FetchedManifest> Client::manifest(const Repository &repo, const QString &reference,
                                         const Progress &progress)
{
    const bool byDigest = reference.startsWith(QLatin1String("sha256:"));
    const QString shown =
        familiarName(repo) + (byDigest ? QLatin1Char('@') : QLatin1Char(':')) + reference;
    BERTH_TRY_ASSIGN(auto response,
                     request(repo, QStringLiteral("/v2/%1/manifests/%2").arg(repo.path, reference),
                             {{"Accept", manifestAccept()}}, progress));
    if (response->status() != 200) {
        // docker's words for the refusals a pull meets most.
        const int status = response->status();
        const Refused r = refused(*response);
        if (r.registryCode == QLatin1String("MANIFEST_UNKNOWN") ||
            (r.registryCode.isEmpty() && status == 404))
            return Error{ErrorCode::NotFound,
                         tr("manifest for %1 not found: %2").arg(shown, r.detail)};
        if (r.registryCode == QLatin1String("NAME_UNKNOWN"))
            return Error{ErrorCode::NotFound,
                         tr("repository %1 not found: %2").arg(familiarName(repo), r.detail)};
        // Docker Hub answers an anonymous token for a repository that is not
        // there (or private) with 401 too.
        if (r.registryCode == QLatin1String("DENIED") ||
            (status == 401 && !withCredentials(repo).credentials &&
             challengeScheme(hostKey(repo)) == QLatin1String("bearer")))
            return Error{ErrorCode::Unauthorized,
                         tr("pull access denied for %1, repository does not exist or may require "
                            "authentication: %2")
                             .arg(familiarName(repo), r.detail)};
        return r.error;
    }
    BERTH_TRY_ASSIGN(QByteArray raw, response->readAll(MaxManifestSize));
    FetchedManifest m;
    m.digest = Sha256::of(raw);
    const QString said = QString::fromLatin1(response->header("Docker-Content-Digest"));
    if (said.startsWith(QLatin1String("sha256:")) && said != m.digest)
        return Error{ErrorCode::Corrupt,
                     tr("manifest for %1: the registry says its digest is %2, but its bytes hash "
                        "to %3")
                         .arg(shown, said, m.digest)};
    if (byDigest && m.digest != reference)
        return Error{ErrorCode::Corrupt,
                     tr("manifest for %1: the registry sent a manifest whose digest is %2")
                         .arg(shown, m.digest)};
    m.kind = manifestKind(QString::fromLatin1(response->header("Content-Type")), raw, &m.mediaType);
    if (m.kind == ManifestKind::Schema1)
        return Error{ErrorCode::Unsupported,
                     tr("%1 is a Docker image manifest version 2, schema 1, which is no longer "
                        "supported; ask its publisher to push it again as an OCI image or a "
                        "Docker image manifest version 2, schema 2")
                         .arg(shown)};
    if (m.kind == ManifestKind::Unknown)
        return Error{ErrorCode::Unsupported,
                     tr("manifest for %1 has the unsupported media type \"%2\"")
                         .arg(shown, QString::fromLatin1(response->header("Content-Type")))};
    m.raw = std::move(raw);
    return m;
}

Result<QByteArray> Client::blob(const Repository &repo, const image::Descriptor &blob,
                                const Progress &progress)
{
    if (blob.size > MaxConfigSize)
        return Error{ErrorCode::Unsupported,
                     tr("blob %1 of %2 is %3 bytes, more than the %4 an image config may have")
                         .arg(blob.digest, familiarName(repo))
                         .arg(blob.size)
                         .arg(MaxConfigSize)};
    auto reader = openBlob(repo, blob, progress);
    QByteArray out;
    char buffer[64 << 10];
    for (;;) {
        BERTH_TRY_ASSIGN(const qint64 n, reader->read(buffer, sizeof buffer));
        if (n == 0)
            return out;
        out.append(buffer, n);
    }
}

std::unique_ptr<BlobReader> Client::openBlob(const Repository &repo, const image::Descriptor &blob,
                                             const Progress &progress)
{
    return std::unique_ptr<BlobReader>(new BlobReader(*this, repo, blob, progress));
}

Result<QStringList> Client::tags(const Repository &repo, const Progress &progress)
{
    QStringList out;
    QString path = QStringLiteral("/v2/%1/tags/list").arg(repo.path);
    // Registries page through long lists with Link: </v2/...?last=x&n=y>; rel="next".
    for (int page = 0; page < 10000 && !path.isEmpty(); ++page) {
        BERTH_TRY_ASSIGN(auto response, request(repo, path, {}, progress));
        if (response->status() != 200) {
            const Refused r = refused(*response);
            if (r.error.code == ErrorCode::NotFound)
                return Error{ErrorCode::NotFound,
                             tr("repository %1 not found: %2").arg(familiarName(repo), r.detail)};
            return r.error;
        }
        BERTH_TRY_ASSIGN(const QByteArray body, response->readAll(MaxManifestSize));
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        if (!doc.isObject())
            return Error{ErrorCode::Corrupt,
                         tr("%1: the tag list is not a JSON object").arg(response->describe())};
        for (const QJsonValue &t : doc.object().value(QLatin1String("tags")).toArray())
            out << t.toString();
        path = nextPage(response->header("Link"));
    }
    return out;
}

Result<QStringList> Client::catalog(const QString &domain, const Progress &progress)
{
    const Repository registry{domain, {}, std::nullopt};
    QStringList out;
    QString path = QStringLiteral("/v2/_catalog?n=100");
    for (int page = 0; page < 10000 && !path.isEmpty(); ++page) {
        Request r;
        r.url = QUrl(path);
        BERTH_TRY_ASSIGN(auto response,
                         send(registry, r, QStringLiteral("registry:catalog:*"), progress));
        if (response->status() != 200)
            return refused(*response).error;
        BERTH_TRY_ASSIGN(const QByteArray body, response->readAll(MaxManifestSize));
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        if (!doc.isObject())
            return Error{ErrorCode::Corrupt,
                         tr("%1: the catalog is not a JSON object").arg(response->describe())};
        for (const QJsonValue &name : doc.object().value(QLatin1String("repositories")).toArray())
            out << name.toString();
        path = nextPage(response->header("Link"));
    }
    return out;
}

Status Client::login(const QString &domain, const Credentials &credentials,
                     const Progress &progress)
{
    BERTH_TRY_ASSIGN(const std::shared_ptr<Host> h, host(domain, progress));
    const Repository registry{domain, {}, credentials};
    QMutexLocker lock(&h->mutex);
    // A registry that asks for nothing takes any login, as docker's does.
    if (!h->challenge)
        return {};
    if (h->challenge->scheme == QLatin1String("bearer")) {
        BERTH_TRY(fetchToken(*h, registry, QString(), progress));
        return {};
    }
    Request r;
    r.url = h->base.resolved(QUrl(QStringLiteral("/v2/")));
    r.tls = h->tls;
    r.headers << qMakePair(QByteArray("Authorization"), basicAuthorization(credentials));
    lock.unlock();
    BERTH_TRY_ASSIGN(auto response, follow(r, progress));
    (void)response->readAll(MaxErrorBody);
    const int status = response->status();
    if (status / 100 == 2)
        return {};
    const QString reason = status == 401   ? QStringLiteral("Unauthorized")
                           : status == 403 ? QStringLiteral("Forbidden")
                                           : QString();
    return Error{status == 401 ? ErrorCode::Unauthorized : codeForStatus(status),
                 tr("login attempt to %1 failed with status: %2 %3")
                     .arg(r.url.toString(QUrl::FullyEncoded))
                     .arg(status)
                     .arg(reason)
                     .trimmed()};
}

void Client::pause(int attempt, const Progress &progress) const
{
    const qint64 delay = qint64(m_options.retryDelayMs) << std::min(attempt - 1, 5);
    for (qint64 waited = 0; waited < delay && !progress.cancelled(); waited += 50)
        QThread::msleep(50);
}

BlobReader::BlobReader(Client &client, Repository repo, image::Descriptor blob, Progress progress)
    : m_client(client), m_repo(std::move(repo)), m_blob(std::move(blob)),
      m_progress(std::move(progress))
{
}

BlobReader::~BlobReader() = default;

Status BlobReader::open()
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (m_offset > 0)
        headers << qMakePair(QByteArray("Range"),
                             QByteArray("bytes=") + QByteArray::number(m_offset) + '-');
    BERTH_TRY_ASSIGN(
        auto response,
        m_client.request(m_repo, QStringLiteral("/v2/%1/blobs/%2").arg(m_repo.path, m_blob.digest),
                         headers, m_progress));
    const int status = response->status();
    if (status == 206 && m_offset > 0) {
        const QByteArray range = response->header("Content-Range");
        if (!range.startsWith("bytes " + QByteArray::number(m_offset) + '-'))
            return Error{ErrorCode::Network, tr("%1: asked for the bytes from %2 on, got \"%3\"")
                                                 .arg(response->describe())
                                                 .arg(m_offset)
                                                 .arg(QString::fromLatin1(range))};
    } else if (status == 200) {
        // A server that ignores Range sends the whole blob again: skip what we have.
        char buffer[64 << 10];
        for (qint64 skipped = 0; skipped < m_offset;) {
            BERTH_TRY_ASSIGN(
                const qint64 n,
                response->read(buffer, std::min<qint64>(sizeof buffer, m_offset - skipped)));
            if (n == 0)
                return Error{ErrorCode::Network, tr("%1: the connection ended after %2 bytes")
                                                     .arg(response->describe())
                                                     .arg(skipped)};
            skipped += n;
        }
    } else {
        return m_client.refused(*response).error;
    }
    m_response = std::move(response);
    return {};
}

Result<qint64> BlobReader::read(char *buffer, qint64 max)
{
    if (m_verified)
        return qint64(0);
    const QString what = tr("blob %1 from %2").arg(m_blob.digest, familiarName(m_repo));
    for (;;) {
        if (m_progress.cancelled())
            return cancelledError(what);
        std::optional<Error> failure;
        if (!m_response) {
            Status opened = open();
            if (!opened.ok())
                failure = opened.error();
        }
        if (!failure) {
            auto n = m_response->read(buffer, max);
            if (!n.ok()) {
                failure = n.error();
            } else if (*n == 0) {
                m_response.reset();
                if (m_blob.size > 0 && m_offset < m_blob.size) {
                    failure = Error{ErrorCode::Network,
                                    tr("%1: the connection ended after %2 of %3 bytes")
                                        .arg(what)
                                        .arg(m_offset)
                                        .arg(m_blob.size)};
                } else {
                    const Digest got = m_hash.finish();
                    if (got != m_blob.digest)
                        return Error{ErrorCode::Corrupt,
                                     tr("%1: digest mismatch: the %2 bytes received hash to %3")
                                         .arg(what)
                                         .arg(m_offset)
                                         .arg(got)};
                    m_verified = true;
                    return qint64(0);
                }
            } else {
                if (m_blob.size > 0 && m_offset + *n > m_blob.size)
                    return Error{ErrorCode::Corrupt,
                                 tr("%1 is larger than the %2 bytes its manifest says")
                                     .arg(what)
                                     .arg(m_blob.size)};
                m_hash.update(buffer, *n);
                m_offset += *n;
                m_failures = 0;
                return *n;
            }
        }
        // Only a lost connection or a registry's passing trouble is worth another try.
        m_response.reset();
        if (failure->code != ErrorCode::Network || ++m_failures >= m_client.m_options.blobAttempts)
            return *failure;
        m_client.pause(m_failures, m_progress);
    }
}

} // namespace berth::registry
