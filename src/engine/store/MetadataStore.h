// The metadata database: SQLite through Qt SQL, WAL mode, foreign keys on,
// schema as numbered migrations (PRAGMA user_version) applied at open.
//
// Records here say what exists; the bytes live in the content store (blobs) and
// under layers/ (unpacked layers). Every write is one transaction (BEGIN
// IMMEDIATE, busy timeout), so two berth processes on one store serialize
// instead of losing an update. Each MetadataStore owns one connection; use an
// object from one thread at a time (open another for concurrent threads).
#pragma once

#include "util/Digest.h"
#include "util/Result.h"

#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace berth::store {

struct LayerRecord
{
    QString chainId;       // sha256:..., the key
    Digest diffId;         // digest of the uncompressed tar
    QString parent;        // parent chainID, empty for a base layer
    Digest blobDigest;     // the blob in the content store (maybe compressed)
    QString blobMediaType; // e.g. application/vnd.oci.image.layer.v1.tar(+gzip)
    qint64 blobSize = 0;
    qint64 tarSize = 0; // uncompressed tar bytes
    qint64 size = 0;    // sum of file sizes in this layer (docker's layer size)
    // Whether layers/<chainID hex>/diff holds the layer's files. Load and import
    // store only the blob; Engine::ensureUnpacked unpacks it when first needed.
    bool unpacked = false;
};

struct ImageRecord
{
    QString id;            // sha256 of the config = config digest
    Digest manifestDigest; // the manifest blob describing this image in oci/
    QString manifestMediaType;
    qint64 manifestSize = 0;
    QDateTime created;    // from the config
    QDateTime added;      // when it entered this store
    qint64 size = 0;      // sum of its layers' size
    QString parent;       // parent image id (images built/committed here), may be empty
    QStringList chainIds; // bottom first
};

// A layer's tar compressed for a push: the blob made from the layer with
// diffID `diffId`, kept in the content store while the layer is.
struct CompressedBlob
{
    Digest diffId;
    QString mediaType; // application/vnd.oci.image.layer.v1.tar+gzip
    Digest digest;
    qint64 size = 0;
};

struct ContainerRecord
{
    QString id; // 64 hex, no algorithm prefix (docker's container ids)
    QString name;
    QString imageId;
    QDateTime created;
    QByteArray config;
};

class MetadataStore
{
public:
    ~MetadataStore();
    // Opens (creating/migrating) the database file.
    static Result<std::unique_ptr<MetadataStore>> open(const QString &dbPath);
    int schemaVersion() const;

    // Layers
    Status addLayer(const LayerRecord &layer); // no-op when the chainID exists
    // Records that the layer's directory is in place; NotFound if the layer
    // was removed meanwhile.
    Status setLayerUnpacked(const QString &chainId);
    Result<std::optional<LayerRecord>> layer(const QString &chainId) const;
    Result<QList<LayerRecord>> layers() const;
    // Layers no image (and later no container) refers to.
    Result<QStringList> unreferencedLayers() const;
    // Conflict while another layer names it as parent or an image uses it.
    Status removeLayer(const QString &chainId);

    // Images. putImage inserts the image if new (its layers must exist) and
    // points every reference in `tags` at it, in one transaction; returns the
    // image ids that lost a tag to it (they may now be dangling).
    Result<QStringList> putImage(const ImageRecord &image, const QStringList &tags = {});
    Result<std::optional<ImageRecord>> image(const QString &id) const;
    // Every image; without layers, chainIds stay empty and the listing skips a
    // scan of image_layers (what `berth images` needs: ids, times, sizes).
    enum class Layers { Include, Skip };
    Result<QList<ImageRecord>> images(Layers layers = Layers::Include) const;
    // Ids starting with prefix (with or without "sha256:").
    Result<QStringList> imageIdsWithPrefix(const QString &prefix) const;
    Status removeImage(const QString &id); // its tags and digests go with it

    // Tags: full normalized references ("docker.io/library/busybox:latest").
    // setTag returns the image id the tag pointed at before (empty if none).
    Result<QString> setTag(const QString &reference, const QString &imageId);
    Status removeTag(const QString &reference);
    Result<std::optional<QString>> imageForTag(const QString &reference) const;
    Result<QStringList> tagsOf(const QString &imageId) const;
    // All (reference, imageId) pairs, ordered by reference.
    Result<QList<QPair<QString, QString>>> allTags() const;

    // Repo digests: "docker.io/library/busybox@sha256:..." per image.
    Status addRepoDigest(const QString &imageId, const QString &repoDigest);
    Result<QStringList> repoDigestsOf(const QString &imageId) const;
    // All (imageId, repoDigest) pairs, ordered by image id then digest.
    Result<QList<QPair<QString, QString>>> allRepoDigests() const;

    // Compressed layer blobs made for pushes (one per diffID and media type).
    Status putCompressedBlob(const CompressedBlob &blob);
    Result<std::optional<CompressedBlob>> compressedBlob(const Digest &diffId,
                                                         const QString &mediaType) const;
    // The compressed blobs whose layer is still stored (garbage collection keeps them).
    Result<QStringList> compressedBlobsInUse() const;
    // Where blobs are known to be: registry ("127.0.0.1:5000", "docker.io")
    // and repository path ("library/busybox"), from pulls and pushes.
    Status addBlobLocation(const Digest &digest, const QString &registry,
                           const QString &repository);
    Result<QStringList> blobRepositories(const Digest &digest, const QString &registry) const;

    // Containers: what `create` decided (config: docker's Config + HostConfig
    // JSON). Run-time state is the shim's, in the container's bundle.
    Status addContainer(const QString &id, const QString &name, const QString &imageId,
                        const QByteArray &config = "{}");
    Status removeContainer(const QString &id);
    Result<QStringList> containersUsingImage(const QString &imageId) const;
    Result<QList<ContainerRecord>> containers() const; // oldest first
    Result<std::optional<ContainerRecord>> container(const QString &id) const;
    // Ids starting with prefix, and the id of an exact name.
    Result<QStringList> containerIdsWithPrefix(const QString &prefix) const;
    Result<std::optional<QString>> containerByName(const QString &name) const;
    Status renameContainer(const QString &id, const QString &newName);
    Status setContainerConfig(const QString &id, const QByteArray &config);

    // Runs fn inside one IMMEDIATE transaction; rolls back if it fails.
    Status transaction(const std::function<Status()> &fn);

private:
    MetadataStore() = default;
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace berth::store
