// The engine facade: the one object the GUI and the CLI talk to.
//
// It owns a store root (ARCHITECTURE.md "On-disk layout"):
//   berth.db  oci/  layers/<chainID hex>/diff  tmp/  locks/  events.jsonl
// and joins the folders below it: content (blobs), image (configs, manifests),
// layer (unpack, diff, snapshots), store (metadata, events).
//
// Every method is synchronous and safe to call from any thread; the GUI runs
// the slow ones (import, load, save) on a worker thread through Job (Job.h),
// the CLI calls them directly. Several processes may open one root at once:
// writes to metadata and the OCI index happen under <root>/locks/store.lock,
// long unpacks happen outside it in private temp directories.
//
// A layer enters the store as a blob and a record (load, import); its
// directory layers/<hex>/diff is made the first time something needs its
// files (ensureUnpacked), once per chainID, and shared from then on.
#pragma once

#include "content/ContentStore.h"
#include "image/Image.h"
#include "layer/Snapshot.h"
#include "registry/Client.h"
#include "store/Events.h"
#include "store/MetadataStore.h"
#include "util/FileLock.h"
#include "util/Json.h"
#include "util/Stream.h"

#include <QDateTime>
#include <QMap>
#include <QStringList>

#include <memory>

namespace berth {

struct ImageSummary
{
    QString id;
    QStringList repoTags;    // familiar form: "busybox:latest", "localhost:5000/app:v1"
    QStringList repoDigests; // familiar form: "busybox@sha256:..."
    QDateTime created;
    qint64 size = 0;
    QString parent;
    int containers = 0;
    bool hasChildren = false;
    QMap<QString, QString> labels; // only filled when asked for (reads configs)
};

struct RemovedItem
{
    enum Kind { Untagged, Deleted };
    Kind kind;
    QString what; // a familiar reference (Untagged) or an image/layer id (Deleted)
};

struct PruneReport
{
    QList<RemovedItem> items;
    qint64 reclaimedBytes = 0;
};

struct LoadReport
{
    QStringList tags;        // familiar references that now name loaded images
    QStringList untaggedIds; // images loaded without any name
};

struct HistoryRow
{
    QString id; // image id, or empty for docker's "<missing>"
    QDateTime created;
    QString createdBy;
    qint64 size = 0;
    QString comment;
};

struct SystemInfo
{
    QString root;
    QString storageDriver;
    QString backingFilesystem;
    QString cgroupVersion; // "1" or "2"
    QString cgroupDriver;  // "cgroupfs"
    QString kernelVersion;
    QString operatingSystem;
    QString architecture;
    int cpus = 0;
    qint64 memoryBytes = 0;
    int images = 0;
    int containers = 0;
    int layers = 0;
};

struct DiskUsage
{
    int images = 0;
    int activeImages = 0;
    qint64 imagesSize = 0; // shared layers counted once
    qint64 reclaimableImages = 0;
    int containers = 0;
    int volumes = 0;
};

struct ImportOptions
{
    QStringList changes; // Dockerfile instructions, see image::applyChange
    QString message;     // history comment; default "Imported from <source>"
    QString source = QStringLiteral("-");
    QString reference; // optional REPO[:TAG]
    Progress progress;
};

// What a pull reports about each layer, in docker's steps; the CLI prints them
// as docker does ("a3ed95caeb02: Pull complete"), the GUI draws bars from them.
struct PullLayerEvent
{
    enum State {
        PullingFsLayer,
        Waiting,
        Downloading,
        VerifyingChecksum,
        DownloadComplete,
        PullComplete,
        AlreadyExists,
    };
    QString id; // the first 12 hex digits of the layer blob's digest, docker's layer id
    State state = PullingFsLayer;
    qint64 current = 0; // Downloading: bytes so far
    qint64 total = 0;   // the blob's size
};

struct PullOptions
{
    QString platform; // "os/arch[/variant]"; empty: linux and this host's architecture
    int parallel = 3; // layers downloaded at once
    // For the reference's registry; until `login` keeps credentials, the caller's.
    std::optional<registry::Credentials> credentials;
    // Once the manifest is found, before any layer event: the tag or digest
    // pulled and the repository path ("latest", "library/busybox").
    std::function<void(const QString &tagOrDigest, const QString &path)> onPulling;
    // From worker threads, one call at a time.
    std::function<void(const PullLayerEvent &)> onLayer;
    Progress progress; // cancel
};

struct PullReport
{
    QString reference; // full: "docker.io/library/busybox:latest", or "...@sha256:..."
    Digest digest;     // what the reference names on the registry (index or manifest)
    QString imageId;
    bool upToDate = false; // the reference named this image here before the pull
};

class Engine
{
public:
    ~Engine();
    // /var/lib/berth as root, $XDG_DATA_HOME/berth (or ~/.local/share/berth) otherwise.
    static QString defaultRoot();
    // Opens (creating) the store at root.
    static Result<std::unique_ptr<Engine>> open(const QString &root);

    QString root() const { return m_root; }
    QString storageDriver() const;
    store::MetadataStore &metadata() { return *m_meta; }
    content::ContentStore &content() { return *m_content; }
    store::EventJournal &events() { return m_events; }
    QString layerDir(const QString &chainId) const; // .../layers/<hex>/diff
    // The containers open() started because their restart policy asked for it
    // (Containers::restartDue): `berth system start` reports them.
    QStringList restartedAtOpen() const { return m_restartedAtOpen; }

    // Names: a reference ("busybox", "docker.io/library/busybox:latest",
    // "name@sha256:..."), a full ID or any unique ID prefix. Returns the image id.
    Result<QString> resolveImage(const QString &name) const;
    Result<image::ImageConfig> imageConfig(const QString &id) const;

    Result<QList<ImageSummary>> images(bool withLabels = false) const;
    Result<json::Value> inspectImage(const QString &id) const;
    Result<QList<HistoryRow>> history(const QString &id) const;

    // Reads a layer tar (plain, gzip, zstd, xz or bzip2) into a new image.
    Result<QString> importImage(Reader &in, const ImportOptions &options);
    // Reads a `docker save` archive (Docker 20.10 or 25+) or an OCI image-layout tar.
    Result<LoadReport> load(Reader &in, const Progress &progress = {});
    // Makes sure every layer of a chain has its directory (layerDir), unpacking
    // those that have none from their blobs: into a private temp directory,
    // made durable with one syncfs, renamed into place, and only then recorded
    // as unpacked. Two processes asking for the same layer unpack it once
    // (<root>/locks/layer-<hex>.lock). A tar that cannot be unpacked fails with
    // the unpack's error naming the entry, leaving the layer as it was.
    // What containers (snapshots), the layer explorer and commit/diff call
    // before they read a layer's files; nothing else needs them.
    Status ensureUnpacked(const QStringList &chainIdsBottomFirst, const Progress &progress = {});
    // Downloads an image from its registry into the store (EnginePull.cpp): the
    // platform's manifest, the config and every layer blob not already here,
    // each verified against its digest and checked as `load` checks it, then
    // the image, its tag and its repo digest (name@sha256:<manifest or index>).
    // Nothing is recorded until everything checked out; an interrupted pull
    // leaves no image (verified blobs stay for the next try).
    Result<PullReport> pull(const QString &reference, const PullOptions &options);
    // The tags of a repository on its registry (pull -a).
    Result<QStringList> remoteTags(const QString &repository, const PullOptions &options);
    // Writes one archive holding the images (Docker 25 layout: OCI layout plus
    // manifest.json, which Docker 20.10 and skopeo's docker-archive read too).
    Status save(const QStringList &names, Writer &out, const Progress &progress = {});

    Status tag(const QString &source, const QString &target);
    Result<QList<RemovedItem>> removeImage(const QString &name, bool force);
    // Removes dangling images (all unused ones with `all`).
    Result<PruneReport> pruneImages(bool all);

    Result<SystemInfo> info() const;
    Result<DiskUsage> diskUsage() const;

private:
    // The container half of the facade (Containers.h) shares the store lock,
    // the journal and the scratch naming.
    friend class Containers;
    friend class Volumes;
    friend class Puller; // one pull's state (EnginePull.cpp)
    Engine() = default;
    // A layer whose blob is in the content store and whose tar checked out,
    // not yet recorded (load, import and commit stage, then commitLayers).
    struct StagedLayer
    {
        Digest sourceDigest; // the bytes as they came (what a manifest in the archive names)
        Digest blobDigest;   // the bytes as stored: the same, or gzip of a plain tar
        QString blobMediaType;
        qint64 blobSize = 0;
        Digest diffId;
        qint64 tarSize = 0;
        qint64 fileBytes = 0;
    };
    Result<StagedLayer> stageLayer(Reader &in, const Progress &progress);
    Status commitLayers(QList<StagedLayer *> stack, QStringList *chainIdsOut);
    void discardStagedAll(const QList<StagedLayer *> &staged);
    Status unpackLayer(const QString &chainId, const Progress &progress);
    // Removes layers/<hex> (moved aside first, so a crash never leaves half a
    // layer under its real name); a layer that has none is fine.
    Status removeLayerDirectory(const QString &chainId);
    Status rebuildIndexLocked();
    Status collectGarbageLocked(QList<RemovedItem> *deleted, qint64 *reclaimed);
    // Chains that containers recorded at create: kept while they exist, even
    // when their image was force-removed.
    Result<QSet<QString>> layersHeldByContainers() const;
    // Whether a container's shim says it is running (Containers' view).
    bool containerRunning(const QString &id) const;
    Result<QString> storeImageLocked(const image::ImageConfig &config,
                                     const QList<image::Descriptor> &layerBlobs,
                                     const QStringList &chainIds, const QByteArray &manifestRaw,
                                     const QStringList &tags, const QString &parent);
    Result<FileLock> lockStore() const;
    // Scratch under <root>/tmp is named "<pid>-…", so a later process can tell a
    // dead process's leftovers (removed at open) from a live one's.
    QString stagingPath(const QString &name) const;
    Result<QString> makeStagingDir() const;
    Status recordEvent(const QString &action, const QString &id, const QString &name);

    QString m_root;
    std::unique_ptr<content::ContentStore> m_content;
    std::unique_ptr<store::MetadataStore> m_meta;
    store::EventJournal m_events{QString()};
    QString m_driver;
    QStringList m_restartedAtOpen;
};

// "busybox:latest" for docker.io/library/busybox:latest; digests likewise.
QString familiarReference(const QString &fullReference);

} // namespace berth
