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
#include "layer/Analyze.h"
#include "layer/Snapshot.h"
#include "registry/Credentials.h"
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

// The layer explorer (EngineAnalyze.cpp). An image's layers base first, each
// with the history step that made it and where it lives in the store.
struct AnalyzedLayer
{
    int index = 0; // 0 = the base
    QString chainId;
    Digest diffId;     // sha256 of the uncompressed tar
    Digest blobDigest; // the blob as stored (maybe compressed)
    QString blobMediaType;
    qint64 blobSize = 0;
    qint64 tarSize = 0;
    qint64 size = 0;          // docker's layer size (what `history` shows)
    QString blobPath;         // <root>/oci/blobs/sha256/<hex>
    QString unpackedDir;      // <root>/layers/<hex>/diff; empty while only the blob exists
    QStringList sharedWith;   // the other images whose layer chain holds this layer
    image::HistoryEntry step; // the history entry that made it (empty when none says)
    // The metadata-only steps after it (ENV, CMD, ...: empty_layer in the config).
    QList<image::HistoryEntry> metadataSteps;
};

struct ImageLayers
{
    QString imageId;
    QStringList repoTags;                    // familiar form
    QList<image::HistoryEntry> leadingSteps; // metadata-only steps before the first layer
    QList<AnalyzedLayer> layers;
};

// Every layer's changes, the union views, the hidden bytes and dive's figures.
struct ImageAnalysis
{
    ImageLayers image;
    layer::LayerStack stack;
};

// Two images' layer chains side by side: they share the first sharedLayers
// layers (equal chainIDs: a chainID names a layer and everything below it);
// for the first pair that differs, the differences between their changes.
struct ImageComparison
{
    ImageLayers first;
    ImageLayers second;
    int sharedLayers = 0;
    QList<layer::FileDifference> firstDifference;
};

struct AnalyzeOptions
{
    // Before each layer tar is read: its index and how many will be.
    std::function<void(int layer, int layers)> onLayer;
    Progress progress; // cancel; onBytes: the current layer's blob bytes read so far
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
    // Layers downloaded at once; 0: the settings' max-concurrent-downloads (3).
    int parallel = 0;
    // For the reference's registry, instead of the lookup the registry client
    // makes for each registry it talks to (registry/Credentials.h).
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

// What a push reports about each layer, in docker's steps ("5f70bf18a086:
// Pushed"); the GUI draws bars from the byte counts.
struct PushLayerEvent
{
    enum State {
        Preparing, // waiting for its turn, or being compressed
        Waiting,
        Pushing,
        Pushed,
        AlreadyExists, // docker's "Layer already exists"
        Mounted,       // docker's "Mounted from <from>"
    };
    QString id; // the first 12 hex digits of the layer's diffID, docker's id on push
    State state = Preparing;
    qint64 current = 0; // Pushing: bytes sent so far
    qint64 total = 0;   // the compressed blob's size
    QString from;       // Mounted: the repository path it was mounted from
};

struct PushOptions
{
    // NAME:TAG pushes that tag; with allTags, NAME pushes every tag of it here.
    bool allTags = false;
    // Layers uploaded at once; 0: the settings' max-concurrent-uploads (5).
    int parallel = 0;
    // Bytes per PATCH; 0 sends each layer in one streamed request.
    qint64 chunkSize = 0;
    // For the reference's registry, instead of the lookup the registry client
    // makes for each registry it talks to (registry/Credentials.h).
    std::optional<registry::Credentials> credentials;
    // Before a tag's layers: the tag about to be pushed.
    std::function<void(const QString &tag)> onTag;
    // From worker threads, one call at a time.
    std::function<void(const PushLayerEvent &)> onLayer;
    // After a tag's manifest is stored: the tag, the manifest's digest and size.
    std::function<void(const QString &tag, const Digest &digest, qint64 size)> onPushed;
    Progress progress; // cancel
};

struct PushReport
{
    struct Tag
    {
        QString tag;
        Digest digest;
        qint64 size = 0; // of the manifest
    };
    QString repository; // full: "127.0.0.1:5000/app"
    QList<Tag> tags;
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
    // Uploads an image to its registry (EnginePush.cpp): every layer blob the
    // registry lacks (a layer stored as a plain tar is gzip-compressed once and
    // the result kept for later pushes; a blob the registry holds in another
    // repository is mounted), the config, then the manifest under the tag: the
    // registry's own manifest of a pulled image as it came, else a Docker
    // schema 2 manifest. Records the repo digest (name@sha256:...) only once
    // the manifest is stored.
    Result<PushReport> push(const QString &reference, const PushOptions &options);
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

    // The layer explorer. imageLayers reads records and the config only (fast);
    // analyzeImage reads every layer blob once (no unpack, no files written);
    // compareImages reads only the first pair of layers that differ.
    Result<ImageLayers> imageLayers(const QString &id) const;
    Result<ImageAnalysis> analyzeImage(const QString &id, const AnalyzeOptions &options = {}) const;
    Result<ImageComparison> compareImages(const QString &firstId, const QString &secondId,
                                          const AnalyzeOptions &options = {}) const;

private:
    // The container half of the facade (Containers.h) shares the store lock,
    // the journal and the scratch naming.
    friend class Containers;
    friend class Volumes;
    friend class Puller; // one pull's state (EnginePull.cpp)
    friend class Pusher; // one push's state (EnginePush.cpp)
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
