// Blob and manifest uploads (see Upload.h).
#include "registry/Upload.h"

#include "registry/Errors.h"

#include <QUrlQuery>

namespace berth::registry {

namespace {

constexpr qint64 MaxAnswer = 1 << 20;
const QByteArray OctetStream = "application/octet-stream";

// <location>?digest=<digest>, keeping the query the registry put in the
// Location (distribution keeps its upload state there) byte for byte.
QUrl withDigest(const QUrl &location, const Digest &digest)
{
    QByteArray encoded = location.toEncoded();
    encoded += location.hasQuery() ? '&' : '?';
    encoded += "digest=" + QUrl::toPercentEncoding(digest);
    return QUrl::fromEncoded(encoded);
}

QUrl locationOf(const Response &response)
{
    return QUrl::fromEncoded(response.header("Location"));
}

} // namespace

Upload::Upload(Client &client, Repository repo, UploadOptions options)
    : m_client(client), m_repo(std::move(repo)), m_options(options),
      m_scope(QStringLiteral("repository:%1:pull,push").arg(m_repo.path))
{
}

Result<std::unique_ptr<Response>> Upload::send(Request request, const Progress &progress,
                                               const QString &scope)
{
    return m_client.send(m_repo, std::move(request), scope.isEmpty() ? m_scope : scope, progress);
}

Error Upload::refusal(Response &response)
{
    const int status = response.status();
    const Client::Refused r = m_client.refused(response);
    // docker shows refused access in the registry's words alone.
    if (r.registryCode == QLatin1String("DENIED") ||
        r.registryCode == QLatin1String("UNAUTHORIZED") || status == 401 || status == 403)
        return Error{status == 403 ? ErrorCode::Permission : ErrorCode::Unauthorized, r.detail};
    return r.error;
}

Result<bool> Upload::exists(const Digest &digest, const Progress &progress)
{
    Request r;
    r.method = "HEAD";
    r.url = QUrl(QStringLiteral("/v2/%1/blobs/%2").arg(m_repo.path, digest));
    BERTH_TRY_ASSIGN(auto response, send(r, progress));
    const int status = response->status();
    (void)response->readAll(MaxAnswer);
    if (status == 200)
        return true;
    if (status == 404)
        return false;
    return refusal(*response);
}

Result<Upload::Mount> Upload::mount(const Digest &digest, const QString &fromPath,
                                    const Progress &progress)
{
    Request r;
    r.method = "POST";
    QUrl url(QStringLiteral("/v2/%1/blobs/uploads/").arg(m_repo.path));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("mount"), digest);
    query.addQueryItem(QStringLiteral("from"), fromPath);
    url.setQuery(query);
    r.url = url;
    auto response =
        send(r, progress, m_scope + QStringLiteral(" repository:%1:pull").arg(fromPath));
    if (!response.ok()) {
        const ErrorCode code = response.error().code;
        if (code == ErrorCode::Cancelled || code == ErrorCode::Network)
            return response.error();
        return Mount{};
    }
    const int status = (*response)->status();
    (void)(*response)->readAll(MaxAnswer);
    Mount m;
    m.mounted = status == 201;
    if (status == 202)
        m.location = locationOf(**response);
    return m;
}

Result<Upload::Started> Upload::begin(const Progress &progress)
{
    Request r;
    r.method = "POST";
    r.url = QUrl(QStringLiteral("/v2/%1/blobs/uploads/").arg(m_repo.path));
    BERTH_TRY_ASSIGN(auto response, send(r, progress));
    if (response->status() != 202)
        return refusal(*response);
    (void)response->readAll(MaxAnswer);
    Started s;
    s.location = locationOf(*response);
    s.minChunk = response->header("OCI-Chunk-Min-Length").toLongLong();
    if (s.location.isEmpty())
        return Error{
            ErrorCode::Network,
            tr("%1: the registry began an upload but gave no Location").arg(response->describe())};
    return s;
}

Status Upload::finish(const image::Descriptor &blob, const QUrl &location, Request request,
                      const Progress &progress)
{
    request.method = "PUT";
    request.url = withDigest(location, blob.digest);
    request.headers << qMakePair(QByteArray("Content-Type"), OctetStream);
    BERTH_TRY_ASSIGN(auto response, send(request, progress));
    if (response->status() != 201 && response->status() != 204)
        return refusal(*response);
    (void)response->readAll(MaxAnswer);
    const QString said = QString::fromLatin1(response->header("Docker-Content-Digest"));
    if (!said.isEmpty() && said != blob.digest)
        return Error{ErrorCode::Corrupt, tr("%1: the registry stored the blob as %2, not %3")
                                             .arg(response->describe(), said, blob.digest)};
    return {};
}

Status Upload::blobFromBytes(const image::Descriptor &blob, const QByteArray &data,
                             const Progress &progress)
{
    BERTH_TRY_ASSIGN(const Started started, begin(progress));
    Request r;
    r.body = data;
    return finish(blob, started.location, r, progress);
}

Status Upload::blobFromFile(const image::Descriptor &blob, const QString &path,
                            const Progress &progress, const QUrl &location)
{
    Started started;
    if (location.isEmpty()) {
        BERTH_TRY_ASSIGN(started, begin(progress));
    } else {
        started.location = location;
    }
    const bool chunked = m_options.chunkSize > 0 || blob.size > m_options.monolithicMax;
    if (!chunked || blob.size == 0) {
        Request r;
        r.bodyFile = path;
        r.bodyLength = blob.size;
        r.onSent = progress.onBytes;
        return finish(blob, started.location, r, progress);
    }
    qint64 chunk =
        m_options.chunkSize > 0 ? std::max(m_options.chunkSize, started.minChunk) : blob.size;
    QUrl at = started.location;
    for (qint64 offset = 0; offset < blob.size; offset += chunk) {
        const qint64 n = std::min(chunk, blob.size - offset);
        Request r;
        r.method = "PATCH";
        r.url = at;
        r.headers << qMakePair(QByteArray("Content-Type"), OctetStream)
                  << qMakePair(QByteArray("Content-Range"), QByteArray::number(offset) + '-' +
                                                                QByteArray::number(offset + n - 1));
        r.bodyFile = path;
        r.bodyOffset = offset;
        r.bodyLength = n;
        if (progress.onBytes)
            r.onSent = [offset, report = progress.onBytes](qint64 sent) { report(offset + sent); };
        BERTH_TRY_ASSIGN(auto response, send(r, progress));
        if (response->status() != 202)
            return refusal(*response);
        (void)response->readAll(MaxAnswer);
        const QUrl next = locationOf(*response);
        if (!next.isEmpty())
            at = next;
    }
    return finish(blob, at, Request{}, progress);
}

Result<Digest> Upload::manifest(const QString &tag, const QByteArray &raw, const QString &mediaType,
                                const Progress &progress)
{
    Request r;
    r.method = "PUT";
    r.url = QUrl(QStringLiteral("/v2/%1/manifests/%2").arg(m_repo.path, tag));
    r.headers << qMakePair(QByteArray("Content-Type"), mediaType.toLatin1());
    r.body = raw;
    BERTH_TRY_ASSIGN(auto response, send(r, progress));
    if (response->status() != 201 && response->status() != 200)
        return refusal(*response);
    (void)response->readAll(MaxAnswer);
    const Digest digest = Sha256::of(raw);
    const QString said = QString::fromLatin1(response->header("Docker-Content-Digest"));
    if (!said.isEmpty() && said != digest)
        return Error{ErrorCode::Corrupt,
                     tr("%1: the registry stored the manifest as %2, but its bytes hash to %3")
                         .arg(response->describe(), said, digest)};
    return digest;
}

} // namespace berth::registry
