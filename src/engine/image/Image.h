// Images: what an image is made of and how its names are computed.
//
// An image is a config (JSON: the runtime defaults, the history, and
// rootfs.diff_ids — the digests of its uncompressed layer tars, base first) and a
// manifest that lists the config blob and the layer blobs. The image ID is the
// digest of the config bytes, so the same config gives the same ID everywhere
// (docker, skopeo, berth). Layers are named by chainID, which folds the whole
// stack below a layer into one digest:
//   chainID(L0) = diffID(L0)
//   chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln))
// so two images share a layer directory exactly when their stacks agree up to it.
//
// Example: `berth import rootfs.tar` makes one layer (diffID = its tar's digest,
// chainID = the same), a config whose diff_ids is [that digest] and history
// ["Imported from rootfs.tar"], and an OCI manifest pointing at both.
#pragma once

#include "util/Digest.h"
#include "util/Result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace berth::image {

namespace mediatype {
inline constexpr char OciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char OciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char OciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char OciLayer[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr char OciLayerGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr char OciLayerZstd[] = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr char DockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char DockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char DockerConfig[] = "application/vnd.docker.container.image.v1+json";
inline constexpr char DockerLayerGzip[] = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr char DockerLayer[] = "application/vnd.docker.image.rootfs.diff.tar";
} // namespace mediatype

// chainIDs for a stack of diffIDs, base first.
QStringList chainIds(const QStringList &diffIds);
QString chainId(const QString &parentChainId, const Digest &diffId);

struct HistoryEntry
{
    QDateTime created;
    QString createdBy;
    QString comment;
    QString author;
    bool emptyLayer = false;
};

// A parsed image config. The bytes stay the source of truth (the ID is their
// digest); this is a read-only view of the fields the engine uses.
struct ImageConfig
{
    QByteArray raw;
    QJsonObject json;
    QString id() const { return Sha256::of(raw); }

    QStringList diffIds() const;
    QDateTime created() const;
    QString architecture() const;
    QString os() const;
    QString author() const;
    QString comment() const;
    QJsonObject config() const; // the "config" object (runtime defaults)
    QList<HistoryEntry> history() const;
    QMap<QString, QString> labels() const;

    // Parses and checks the fields every image must have (rootfs.type "layers",
    // diff_ids valid digests). Errors are ErrorCode::Corrupt naming `what`.
    static Result<ImageConfig> parse(const QByteArray &raw, const QString &what);
};

struct Descriptor
{
    QString mediaType;
    Digest digest;
    qint64 size = 0;
};

struct Manifest
{
    QByteArray raw;
    QString mediaType;
    Descriptor config;
    QList<Descriptor> layers;

    static Result<Manifest> parse(const QByteArray &raw, const QString &what);
    // An OCI image manifest for a config and layers (compact JSON, field order
    // as the spec's examples).
    static Manifest makeOci(const Descriptor &config, const QList<Descriptor> &layers);
};

// Docker's `import -c/--change` instructions applied to a runtime config:
// CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL,
// ONBUILD. Each change is a Dockerfile line; an unsupported instruction is an
// InvalidArgument error naming it.
Status applyChange(QJsonObject &runtimeConfig, const QString &change);

// A new config for an image made from a single imported layer.
QByteArray makeImportConfig(const Digest &diffId, const QJsonObject &runtimeConfig,
                            const QDateTime &created, const QString &comment);

// The platform this engine runs images for ("amd64", "arm64", ...).
QString hostArchitecture();

} // namespace berth::image
