// A Docker Registry HTTP API v2 / OCI distribution client: what a pull needs.
//
// A pull of busybox:latest from Docker Hub, as the client performs it:
//   1. ping:      GET https://registry-1.docker.io/v2/  -> 401, WWW-Authenticate:
//                 Bearer realm="https://auth.docker.io/token",service="registry.docker.io"
//   2. token:     GET <realm>?service=...&scope=repository:library/busybox:pull
//                 (Basic credentials when the caller has some) -> {"token": ...}
//   3. manifest:  GET /v2/library/busybox/manifests/latest, Accept: the four
//                 manifest types (Manifests.h), Authorization: Bearer ...; the
//                 bytes are hashed and checked against Docker-Content-Digest
//   4. blobs:     GET /v2/library/busybox/blobs/sha256:... -> 307 to blob storage,
//                 followed without the registry's Authorization header
// The endpoint (scheme, TLS, insecure fallback: Endpoint.h) is settled by the
// ping, once per registry; tokens are cached per registry, user and scope until
// they expire, and fetched again when a registry refuses one. A registry using
// Basic authentication gets the credentials with every request.
//
// Every method blocks the calling thread (never the GUI thread) while the
// transport's network thread does the I/O, and may be called from several
// threads at once: a pull fetches its layers in parallel through one Client.
// Cancelling (progress.cancel) ends any call within a tenth of a second.
//
// Errors read like docker's: `manifest for busybox:nosuch not found: manifest
// unknown: manifest unknown`, `Get "https://host/v2/": no basic auth
// credentials`, `Get "https://host/v2/": TLS handshake failed: certificate
// "host" issued by "CA": ...`; codes NotFound, Unauthorized, Permission,
// Network, Corrupt, Unsupported.
#pragma once

#include "image/Image.h"
#include "registry/Credentials.h"
#include "registry/Endpoint.h"
#include "registry/Manifests.h"
#include "registry/Transport.h"

#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace berth::registry {

struct ClientOptions
{
    // docker's certs.d layout: <dir>/<host:port>/*.crt are CAs for that registry.
    QStringList certsDirs = defaultCertsDirs();
    // Names ("host:port") and CIDRs reached with TLS unverified, then plain http.
    QStringList insecureRegistries = defaultInsecureRegistries();
    // Tries per blob download before a dropped connection is the pull's error;
    // each try after the first continues where the last one stopped (Range).
    int blobAttempts = 5;
    // The wait before the first retry; it doubles for each next one.
    int retryDelayMs = 250;
    // Proxies for every request (Proxy.h); none unless set.
    ProxySettings proxies;
    // Credentials for a registry ("docker.io", "host:port") when a Repository
    // carries none, asked once per registry (Credentials.h's lookupCredentials
    // when the client comes from Settings::clientOptions); none unless set.
    std::function<std::optional<Credentials>(const QString &registry)> credentials;
};

// A repository on a registry and who asks for it.
struct Repository
{
    QString domain; // as references spell it: "docker.io", "127.0.0.1:5000"
    QString path;   // "library/busybox"
    // Used instead of ClientOptions::credentials' lookup.
    std::optional<Credentials> credentials;
    // A registry-mirrors URL ("https://host[:port]") serving this docker.io
    // repository; empty: the domain's own registry.
    QString mirror = {};
};

struct FetchedManifest
{
    QByteArray raw;
    QString mediaType;
    ManifestKind kind = ManifestKind::Unknown;
    Digest digest; // of raw, checked against what the registry and the caller said
};

class Client;

// A blob as it downloads: every byte read has been hashed, and the end of the
// stream comes only once the whole blob matched its digest (else a Corrupt
// error). A connection that drops mid-blob is picked up again with a Range
// request from the first byte not yet read (ClientOptions::blobAttempts times
// without progress), so the reader sees one unbroken stream.
class BlobReader : public Reader
{
public:
    ~BlobReader() override;
    Result<qint64> read(char *buffer, qint64 max) override;

private:
    friend class Client;
    BlobReader(Client &client, Repository repo, image::Descriptor blob, Progress progress);
    Status open();

    Client &m_client;
    Repository m_repo;
    image::Descriptor m_blob;
    Progress m_progress;
    std::unique_ptr<Response> m_response;
    Sha256 m_hash;
    qint64 m_offset = 0;
    int m_failures = 0;
    bool m_verified = false;
};

class Client
{
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // The manifest a tag or digest names. By digest, the bytes must hash to it.
    // Schema 1 and unknown types are ErrorCode::Unsupported.
    Result<FetchedManifest> manifest(const Repository &repo, const QString &reference,
                                     const Progress &progress);
    // A small blob (an image config) read whole and verified.
    Result<QByteArray> blob(const Repository &repo, const image::Descriptor &blob,
                            const Progress &progress);
    // A blob to stream (a layer); see BlobReader.
    std::unique_ptr<BlobReader> openBlob(const Repository &repo, const image::Descriptor &blob,
                                         const Progress &progress);
    // Every tag of a repository (GET /v2/<name>/tags/list, following its pages).
    Result<QStringList> tags(const Repository &repo, const Progress &progress);
    // Every repository of a registry (GET /v2/_catalog, following its pages).
    Result<QStringList> catalog(const QString &domain, const Progress &progress);
    // Whether the registry takes these credentials (`login`): GET /v2/ with
    // them for a Basic registry, a token for a Bearer one. A refusal is
    // ErrorCode::Unauthorized in docker's words.
    Status login(const QString &domain, const Credentials &credentials, const Progress &progress);

private:
    friend class BlobReader;
    friend class Upload; // pushes (Upload.h) send with a method, a body and a push scope
    struct Host;
    // The endpoint of a domain, pinged (and its challenge learnt) on first use.
    Result<std::shared_ptr<Host>> host(const QString &domain, const Progress &progress);
    // A request to the repository's registry, authenticated as it asks and with
    // redirects followed; any status comes back (callers judge it).
    Result<std::unique_ptr<Response>> request(const Repository &repo, const QString &path,
                                              const QList<QPair<QByteArray, QByteArray>> &headers,
                                              const Progress &progress);
    // The same for any request: request.url is a path on the registry or an
    // upload Location it gave; the token asked for covers `scope` (several
    // scopes separated by spaces).
    Result<std::unique_ptr<Response>> send(const Repository &repo, Request request,
                                           const QString &scope, const Progress &progress);
    // The repository with the credentials it is asked with: its own, else the
    // lookup's for its host (once per host, and only once the host asked for
    // authentication; needs the host pinged).
    Repository withCredentials(const Repository &repo);
    Result<QByteArray> authorization(Host &host, const Repository &repo, const QString &scope,
                                     const Progress &progress);
    Result<QByteArray> fetchToken(Host &host, const Repository &repo, const QString &scope,
                                  const Progress &progress);
    Result<std::unique_ptr<Response>> follow(Request request, const Progress &progress);
    // A non-2xx answer: the error it stands for (`Get "URL": <detail>`), and the
    // registry's first error code and its words alone, for callers that say more.
    struct Refused
    {
        Error error;
        QString registryCode; // "MANIFEST_UNKNOWN"; empty when the body had none
        QString detail;       // "manifest unknown: manifest unknown"
    };
    Refused refused(Response &response);
    // "basic", "bearer", or empty when the registry asked for nothing (so far).
    QString challengeScheme(const QString &domain);
    void pause(int attempt, const Progress &progress) const;

    ClientOptions m_options;
    Transport m_transport;
    QMutex m_hostsMutex;
    QHash<QString, std::shared_ptr<Host>> m_hosts;
};

} // namespace berth::registry
