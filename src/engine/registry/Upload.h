// Pushing to a registry: blobs and manifests, on a Client (Client.h).
//
// What a push of one layer and its manifest asks the registry, in order:
//   1. exists:   HEAD /v2/<name>/blobs/<digest>            200: already there
//   2. mount:    POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other repository>
//                201: mounted, nothing to send; 202: the registry could not
//                (another registry's repository, no access) and began an
//                upload instead, at the Location it gives
//   3. upload:   POST /v2/<name>/blobs/uploads/            202, Location
//                monolithic: PUT <Location>?digest=<digest>, the whole blob
//                chunked:    PATCH <Location>, Content-Range: <first>-<last>,
//                            one chunk; each answer gives the Location for the
//                            next; then PUT <Location>?digest=<digest>, no body
//   4. manifest: PUT /v2/<name>/manifests/<tag>, Content-Type: its media type;
//                the registry answers with the digest it stored (checked)
// Bearer tokens are asked for `repository:<name>:pull,push`, and for a mount
// `repository:<other>:pull` as well. A layer streams from its file in the
// content store as the socket takes it; it is never read into memory.
//
// An Upload may be used from several threads at once (a push sends its layers
// in parallel). Errors the registry gives for refused access read as docker
// prints them ("denied: requested access to the resource is denied",
// "unauthorized: authentication required"); others name the request.
#pragma once

#include "registry/Client.h"

namespace berth::registry {

struct UploadOptions
{
    // Bytes per PATCH of a layer; 0 sends each layer in one streamed PATCH.
    // A registry's OCI-Chunk-Min-Length raises it to that minimum.
    qint64 chunkSize = 0;
    // Layers up to this size go in one PUT, unless chunkSize asks for chunks.
    qint64 monolithicMax = 1 << 20;
};

class Upload
{
public:
    Upload(Client &client, Repository repo, UploadOptions options = {});

    // Whether the repository has the blob.
    Result<bool> exists(const Digest &digest, const Progress &progress);

    struct Mount
    {
        bool mounted = false;
        QUrl location; // where the upload the registry began instead goes on; may be empty
    };
    // Asks the registry to link a blob of another of its repositories
    // (fromPath, "library/busybox") into this one. Only a cancel or a lost
    // connection is an error: the caller uploads when it did not mount.
    Result<Mount> mount(const Digest &digest, const QString &fromPath, const Progress &progress);

    // Uploads a blob from a file (progress.onBytes: bytes sent so far), going
    // on from `location` when a mount began the upload.
    Status blobFromFile(const image::Descriptor &blob, const QString &path,
                        const Progress &progress, const QUrl &location = {});
    // Uploads a small blob (an image config) in one PUT.
    Status blobFromBytes(const image::Descriptor &blob, const QByteArray &data,
                         const Progress &progress);

    // Stores a manifest under a tag; returns its digest, which the registry's
    // Docker-Content-Digest must agree with.
    Result<Digest> manifest(const QString &tag, const QByteArray &raw, const QString &mediaType,
                            const Progress &progress);

private:
    struct Started
    {
        QUrl location;
        qint64 minChunk = 0; // OCI-Chunk-Min-Length
    };
    Result<Started> begin(const Progress &progress);
    Result<std::unique_ptr<Response>> send(Request request, const Progress &progress,
                                           const QString &scope = {});
    // PUT <location>?digest=, with the body the request carries.
    Status finish(const image::Descriptor &blob, const QUrl &location, Request request,
                  const Progress &progress);
    Error refusal(Response &response);

    Client &m_client;
    Repository m_repo;
    UploadOptions m_options;
    QString m_scope;
};

} // namespace berth::registry
