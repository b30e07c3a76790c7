// The content-addressed blob store: an OCI image layout at <root>/oci.
//
//   oci/oci-layout            {"imageLayoutVersion": "1.0.0"}
//   oci/index.json            one descriptor per tagged image, annotated with
//                             org.opencontainers.image.ref.name = full reference
//   oci/blobs/sha256/<hex>    manifests, configs, layer tars
//
// A blob enters through an Ingest: bytes stream into a temp file under
// <root>/tmp while being hashed; commit() checks the digest (and size) the
// caller expects, fsyncs, and renames into blobs/. A blob whose bytes do not
// match is never visible. Blobs are immutable; which blobs are still used is
// decided by the metadata store, which calls removeBlob() for the unused ones.
#pragma once

#include "util/Digest.h"
#include "util/Stream.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace berth::content {

struct IndexEntry
{
    QString refName;   // e.g. "docker.io/library/busybox:latest"
    Digest digest;     // manifest digest
    qint64 size = 0;   // manifest size
    QString mediaType; // manifest media type
};

class ContentStore
{
public:
    // ociDir: <root>/oci; tmpDir: <root>/tmp (same file system, for renames).
    ContentStore(QString ociDir, QString tmpDir);

    // Creates the layout files if missing. Safe to call from many processes.
    Status init();

    QString ociDir() const { return m_ociDir; }
    QString blobPath(const Digest &digest) const;
    bool has(const Digest &digest) const;
    Result<qint64> blobSize(const Digest &digest) const;
    // Reads a whole blob; with verify, a blob whose bytes no longer match its
    // digest is an ErrorCode::Corrupt error.
    Result<QByteArray> readBlob(const Digest &digest, bool verify = true) const;
    // Stores data; if expected is given and does not match, nothing is stored.
    Result<Digest> writeBlob(const QByteArray &data, const Digest &expected = {});
    Status removeBlob(const Digest &digest);
    QList<Digest> allBlobs() const;

    class Ingest : public Writer
    {
    public:
        ~Ingest() override; // aborts if not committed
        Status write(const char *data, qint64 size) override;
        // Verifies, fsyncs and renames into place. An empty `expected` accepts
        // whatever digest the bytes have. expectedSize < 0: not checked.
        Result<Digest> commit(const Digest &expected = {}, qint64 expectedSize = -1);
        void abort();
        qint64 bytesWritten() const;

    private:
        friend class ContentStore;
        Ingest() = default;
        struct Impl;
        std::unique_ptr<Impl> m;
    };
    Result<std::unique_ptr<Ingest>> beginIngest();

    // index.json, read and replaced whole under a file lock (<tmpDir>/index.json.lock).
    // The file is replaced atomically, so index() never sees a torn file.
    Result<QList<IndexEntry>> index() const;
    Status setIndex(const QList<IndexEntry> &entries);
    // Read, change and write index.json while holding the lock, so concurrent
    // updates from other threads or processes are never lost.
    Status updateIndex(const std::function<void(QList<IndexEntry> &entries)> &change);

private:
    QString indexPath() const;
    QString indexLockPath() const;
    Status writeIndexLocked(const QList<IndexEntry> &entries);

    QString m_ociDir;
    QString m_tmpDir;
};

} // namespace berth::content
