// Pulling an image: registry -> content store -> image store -> tag.
//
// A pull resolves the reference to one image manifest (through an index, for
// the wanted platform), fetches the config and then the layer blobs it does not
// have, `parallel` at a time. Each layer streams once: the bytes are hashed
// against the blob's digest (registry/Client.h, resuming after a dropped
// connection), written into the content store, and decompressed into a scan
// that computes the diffID and checks every entry (layer/Scan.h), exactly what
// `load` does with a layer from an archive; layers are unpacked later, when a
// container first needs them (Engine::ensureUnpacked). A blob enters the store
// only once its digest matched, and the diffIDs must be the config's. Only when
// every layer checked out are the layers, the image, its tag and its repo digest
// recorded, in one go under the store lock: a failed or cancelled pull leaves no
// image and no tag behind, only the verified blobs, which the next try reuses.
#include "Engine.h"
#include "LayerJobs.h"
#include "RegistryModule.h"

#include "layer/Scan.h"
#include "reference/Reference.h"
#include "registry/Platform.h"
#include "registry/Settings.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace berth {

namespace {

using LayerState = PullLayerEvent::State;

// A blob's media type as the store records it: the OCI name for the same bytes.
std::optional<QString> storedLayerType(const QString &mediaType)
{
    using namespace image::mediatype;
    if (mediaType == QLatin1String(DockerLayerGzip) || mediaType == QLatin1String(OciLayerGzip))
        return QString::fromLatin1(OciLayerGzip);
    if (mediaType == QLatin1String(DockerLayer) || mediaType == QLatin1String(OciLayer))
        return QString::fromLatin1(OciLayer);
    if (mediaType == QLatin1String(OciLayerZstd))
        return QString::fromLatin1(OciLayerZstd);
    return std::nullopt;
}

bool isConfigType(const QString &mediaType)
{
    return mediaType == QLatin1String(image::mediatype::OciConfig) ||
           mediaType == QLatin1String(image::mediatype::DockerConfig);
}

Status drain(Reader &in)
{
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    for (;;) {
        BERTH_TRY_ASSIGN(const qint64 n, in.read(buffer.data(), buffer.size()));
        if (n == 0)
            return {};
    }
}

// Hands layer events to the caller one at a time, from whichever worker has
// one, with Downloading at most ten times a second per layer; and says "Pull
// complete" in layer order, as docker (which extracts one layer after the
// other) does.
class PullReporter
{
public:
    PullReporter(const PullOptions &options, QStringList ids)
        : m_options(options), m_ids(std::move(ids)), m_done(m_ids.size(), false),
          m_lastProgress(m_ids.size())
    {
    }

    void report(int layer, LayerState state, qint64 current = 0, qint64 total = 0)
    {
        QMutexLocker lock(&m_mutex);
        if (state == LayerState::Downloading) {
            QElapsedTimer &last = m_lastProgress[layer];
            if (last.isValid() && last.elapsed() < 100 && current < total)
                return;
            last.start();
        }
        send(layer, state, current, total);
    }

    // The layer is in the store (or was already); completes the layers that
    // are done from the lowest one not yet complete.
    void done(int layer, bool alreadyThere)
    {
        QMutexLocker lock(&m_mutex);
        m_done[layer] = true;
        if (alreadyThere) {
            m_alreadyThere.insert(layer);
            send(layer, LayerState::AlreadyExists, 0, 0);
        }
        while (m_next < m_done.size() && m_done[m_next]) {
            if (!m_alreadyThere.contains(int(m_next)))
                send(int(m_next), LayerState::PullComplete, 0, 0);
            ++m_next;
        }
    }

    void markAlreadyThere(int layer)
    {
        QMutexLocker lock(&m_mutex);
        m_alreadyThere.insert(layer);
    }

private:
    void send(int layer, LayerState state, qint64 current, qint64 total)
    {
        if (m_options.onLayer)
            m_options.onLayer(PullLayerEvent{m_ids.at(layer), state, current, total});
    }

    const PullOptions &m_options;
    QStringList m_ids;
    QMutex m_mutex;
    QList<bool> m_done;
    QList<QElapsedTimer> m_lastProgress;
    QSet<int> m_alreadyThere;
    qsizetype m_next = 0;
};

} // namespace

// One pull: the registry client, the repository and the stop flag its workers share.
class Puller
{
public:
    Puller(Engine &engine, const PullOptions &options, const registry::Settings &settings)
        : m_engine(engine), m_options(options), m_client(settings.clientOptions()),
          m_mirrors(settings.registryMirrors),
          m_parallel(options.parallel > 0 ? options.parallel : settings.maxConcurrentDownloads)
    {
    }

    Result<PullReport> run(const QString &name);
    Result<QStringList> tags(const QString &name);

private:
    // One layer of the image and what the pull does with it.
    struct Layer
    {
        image::Descriptor blob;
        Digest diffId;
        QString chainId;
        enum Source { Recorded, StoredBlob, Download } source = Download;
        int sameAs = -1; // another layer of this image with the same blob
        Engine::StagedLayer staged;
    };

    Result<reference::Reference> parse(const QString &name);
    // The manifest the reference names: for docker.io from the first mirror
    // that has it, else from Docker Hub; the blobs then come from the same place.
    Result<registry::FetchedManifest> topManifest(const QString &tagOrDigest);
    Result<registry::FetchedManifest> imageManifest(const registry::FetchedManifest &top);
    Result<PullReport> recordExisting(const QString &id, const reference::Reference &full,
                                      const QString &repoDigest);
    Status fetchLayers(QList<Layer> &layers);
    Result<Engine::StagedLayer> download(const Layer &layer, int index, PullReporter &reporter);
    Result<Engine::StagedLayer> scanStored(const Layer &layer);
    Progress workerProgress() const
    {
        Progress p;
        p.cancel = &m_stop;
        return p;
    }

    Engine &m_engine;
    const PullOptions &m_options;
    registry::Client m_client;
    QStringList m_mirrors;
    int m_parallel;
    registry::Repository m_repo;
    registry::Platform m_platform;
    // Set when a layer fails or the caller cancels: the other workers stop.
    std::atomic<bool> m_stop{false};
};

Result<reference::Reference> Puller::parse(const QString &name)
{
    auto ref = reference::Reference::parse(name);
    if (!ref.ok())
        return Error{ErrorCode::InvalidArgument, ref.error().message};
    m_repo = registry::Repository{ref->domain, ref->path, m_options.credentials, {}};
    return ref->withDefaultTag();
}

Result<registry::FetchedManifest> Puller::topManifest(const QString &tagOrDigest)
{
    if (m_repo.domain == QLatin1String("docker.io")) {
        // Any failure of a mirror (down, missing the image, refusing us) moves
        // on to the next, as docker does; only a cancel stops.
        for (const QString &mirror : m_mirrors) {
            m_repo.mirror = mirror;
            auto m = m_client.manifest(m_repo, tagOrDigest, m_options.progress);
            if (m.ok() || m.error().code == ErrorCode::Cancelled)
                return m;
        }
        m_repo.mirror.clear();
    }
    return m_client.manifest(m_repo, tagOrDigest, m_options.progress);
}

Result<registry::FetchedManifest> Puller::imageManifest(const registry::FetchedManifest &top)
{
    if (top.kind != registry::ManifestKind::Index)
        return top;
    BERTH_TRY_ASSIGN(const auto entries,
                     registry::parseIndex(top.raw, tr("index %1").arg(top.digest)));
    BERTH_TRY_ASSIGN(const registry::IndexEntry entry,
                     registry::selectPlatform(entries, m_platform));
    BERTH_TRY_ASSIGN(registry::FetchedManifest m,
                     m_client.manifest(m_repo, entry.descriptor.digest, m_options.progress));
    if (m.kind != registry::ManifestKind::Image)
        return Error{ErrorCode::Unsupported,
                     tr("the %1 entry of index %2 is not an image manifest but %3")
                         .arg(m_platform.toString(), top.digest, m.mediaType)};
    return m;
}

Result<PullReport> Puller::recordExisting(const QString &id, const reference::Reference &full,
                                          const QString &repoDigest)
{
    store::MetadataStore &meta = *m_engine.m_meta;
    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    PullReport report;
    report.reference = full.string();
    report.imageId = id;
    if (full.digest.isEmpty()) {
        BERTH_TRY_ASSIGN(const QString previous, meta.setTag(full.string(), id));
        report.upToDate = previous == id;
    } else {
        BERTH_TRY_ASSIGN(const QStringList digests, meta.repoDigestsOf(id));
        report.upToDate = digests.contains(repoDigest);
    }
    BERTH_TRY(meta.addRepoDigest(id, repoDigest));
    BERTH_TRY(m_engine.rebuildIndexLocked());
    return report;
}

Result<Engine::StagedLayer> Puller::scanStored(const Layer &layer)
{
    // A verified blob an earlier, interrupted pull left: checked again, not fetched.
    const QString path = m_engine.m_content->blobPath(layer.blob.digest);
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open layer blob"), path);
    FdReader reader(fd, path);
    layer::ScanOptions options;
    options.progress = workerProgress();
    auto scanned = layer::scanLayer(reader, options);
    ::close(fd);
    if (!scanned.ok())
        return scanned.error().prefixed(tr("layer %1").arg(layer.blob.digest));
    Engine::StagedLayer s;
    s.sourceDigest = s.blobDigest = layer.blob.digest;
    s.blobMediaType = *storedLayerType(layer.blob.mediaType);
    s.blobSize = layer.blob.size;
    s.diffId = scanned->diffId;
    s.tarSize = scanned->tarSize;
    s.fileBytes = scanned->fileBytes;
    return s;
}

Result<Engine::StagedLayer> Puller::download(const Layer &layer, int index, PullReporter &reporter)
{
    const Progress progress = workerProgress();
    auto blob = m_client.openBlob(m_repo, layer.blob, progress);
    BERTH_TRY_ASSIGN(auto ingest, m_engine.m_content->beginIngest());
    TeeReader tee(*blob, *ingest);
    layer::ScanOptions options;
    options.progress = progress;
    const qint64 total = layer.blob.size;
    options.progress.onBytes = [&](qint64 done) {
        reporter.report(index, LayerState::Downloading, done, total);
    };
    auto scanned = layer::scanLayer(tee, options);
    if (!scanned.ok()) {
        // Altered bytes usually break the decompressor before the blob ends;
        // what really went wrong then is the digest, which the end tells.
        const ErrorCode code = scanned.error().code;
        if (code == ErrorCode::Corrupt || code == ErrorCode::InvalidArgument ||
            code == ErrorCode::Unsupported) {
            Status rest = drain(tee);
            if (!rest.ok() && rest.error().code == ErrorCode::Corrupt)
                return rest.error();
        }
        return scanned.error().prefixed(tr("layer %1").arg(layer.blob.digest));
    }
    // The tar ends before the blob does (padding): the digest covers it all.
    BERTH_TRY(drain(tee));
    reporter.report(index, LayerState::VerifyingChecksum);
    Engine::StagedLayer s;
    s.blobSize = ingest->bytesWritten();
    BERTH_TRY_ASSIGN(s.blobDigest, ingest->commit(layer.blob.digest, layer.blob.size));
    reporter.report(index, LayerState::DownloadComplete);
    s.sourceDigest = s.blobDigest;
    s.blobMediaType = *storedLayerType(layer.blob.mediaType);
    s.diffId = scanned->diffId;
    s.tarSize = scanned->tarSize;
    s.fileBytes = scanned->fileBytes;
    return s;
}

Status Puller::fetchLayers(QList<Layer> &layers)
{
    QStringList ids;
    for (const Layer &l : layers)
        ids << digestHex(l.blob.digest).left(12);
    PullReporter reporter(m_options, ids);
    QList<int> queue;
    for (int i = 0; i < layers.size(); ++i) {
        Layer &l = layers[i];
        if (l.source == Layer::Recorded || l.sameAs >= 0) {
            reporter.done(i, true);
            continue;
        }
        if (l.source == Layer::StoredBlob) {
            reporter.markAlreadyThere(i);
            reporter.report(i, LayerState::AlreadyExists);
        } else {
            reporter.report(i, LayerState::PullingFsLayer);
        }
        queue << i;
    }
    const int parallel = std::max(1, m_parallel);
    int started = 0;
    for (int i : queue) {
        if (layers[i].source == Layer::Download && started++ >= parallel)
            reporter.report(i, LayerState::Waiting);
    }

    return runLayerJobs(
        queue, parallel, m_options.progress, m_stop, tr("pull"), [&](int i) -> Status {
            Layer &l = layers[i];
            BERTH_TRY_ASSIGN(Engine::StagedLayer staged, l.source == Layer::StoredBlob
                                                             ? scanStored(l)
                                                             : download(l, i, reporter));
            if (staged.diffId != l.diffId)
                return Error{ErrorCode::Corrupt,
                             tr("layer %1 has diffID %2, but the image config expects %3")
                                 .arg(l.blob.digest, staged.diffId, l.diffId)};
            l.staged = std::move(staged);
            reporter.done(i, false);
            return {};
        });
}

Result<PullReport> Puller::run(const QString &name)
{
    BERTH_TRY_ASSIGN(const reference::Reference full, parse(name));
    if (m_options.platform.isEmpty()) {
        m_platform = registry::Platform::host();
    } else {
        BERTH_TRY_ASSIGN(m_platform, registry::Platform::parse(m_options.platform));
    }
    const QString wanted = full.digest.isEmpty() ? full.tag : full.digest;
    BERTH_TRY_ASSIGN(const registry::FetchedManifest top, topManifest(wanted));
    if (m_options.onPulling)
        m_options.onPulling(wanted, full.path);
    BERTH_TRY_ASSIGN(const registry::FetchedManifest chosen, imageManifest(top));
    const QString what = tr("manifest %1").arg(chosen.digest);
    BERTH_TRY_ASSIGN(const image::Manifest manifest, image::Manifest::parse(chosen.raw, what));
    if (!isConfigType(manifest.config.mediaType) && !manifest.config.mediaType.isEmpty())
        return Error{ErrorCode::Unsupported,
                     tr("%1 is not a container image: its config has the media type \"%2\"")
                         .arg(full.familiarString(), manifest.config.mediaType)};
    for (const image::Descriptor &d : manifest.layers) {
        if (!storedLayerType(d.mediaType))
            return Error{ErrorCode::Unsupported,
                         tr("%1: layer %2 has the unsupported media type \"%3\"")
                             .arg(full.familiarString(), d.digest, d.mediaType)};
    }
    const QString repoDigest = full.name() + QLatin1Char('@') + top.digest;
    const QString id = manifest.config.digest;

    PullReport report;
    BERTH_TRY_ASSIGN(const auto existing, m_engine.m_meta->image(id));
    if (existing) {
        BERTH_TRY_ASSIGN(report, recordExisting(id, full, repoDigest));
    } else {
        BERTH_TRY_ASSIGN(const QByteArray configRaw,
                         m_client.blob(m_repo, manifest.config, m_options.progress));
        BERTH_TRY_ASSIGN(const image::ImageConfig config,
                         image::ImageConfig::parse(configRaw, tr("config %1").arg(id)));
        if (!m_options.platform.isEmpty()) {
            const registry::Platform actual =
                registry::Platform{config.os(), config.architecture(),
                                   config.json.value(QLatin1String("variant")).toString()}
                    .normalized();
            if (actual.os != m_platform.os || actual.architecture != m_platform.architecture)
                return Error{
                    ErrorCode::NotFound,
                    tr("image %1 is for %2, not the requested platform %3")
                        .arg(full.familiarString(), actual.toString(), m_platform.toString())};
        }
        const QStringList diffIds = config.diffIds();
        if (diffIds.size() != manifest.layers.size())
            return Error{ErrorCode::Corrupt, tr("%1: the config lists %2 layers, the manifest %3")
                                                 .arg(full.familiarString())
                                                 .arg(diffIds.size())
                                                 .arg(manifest.layers.size())};
        const QStringList chains = image::chainIds(diffIds);
        QList<Layer> layers;
        for (qsizetype i = 0; i < diffIds.size(); ++i) {
            Layer l;
            l.blob = manifest.layers.at(i);
            l.diffId = diffIds.at(i);
            l.chainId = chains.at(i);
            l.staged.diffId = l.diffId;
            BERTH_TRY_ASSIGN(const auto record, m_engine.m_meta->layer(l.chainId));
            if (record)
                l.source = Layer::Recorded;
            else if (m_engine.m_content->has(l.blob.digest))
                l.source = Layer::StoredBlob;
            for (qsizetype j = 0; j < i && l.source != Layer::Recorded; ++j) {
                if (layers[j].blob.digest == l.blob.digest && layers[j].sameAs < 0 &&
                    layers[j].source != Layer::Recorded)
                    l.sameAs = int(j);
            }
            layers << l;
        }
        BERTH_TRY(fetchLayers(layers));

        BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
        QList<Engine::StagedLayer *> stack;
        for (Layer &l : layers)
            stack << (l.sameAs >= 0 ? &layers[l.sameAs].staged : &l.staged);
        QStringList chainIds;
        BERTH_TRY(m_engine.commitLayers(stack, &chainIds));
        // The registry's manifest is kept as it came (its digest is the repo
        // digest's, and a push can send it back unchanged) when the store holds
        // every blob it names; a layer recorded from another blob (e.g. loaded
        // uncompressed) makes the store describe the image with its own manifest.
        QList<image::Descriptor> blobs;
        bool allBlobsHere = true;
        for (qsizetype i = 0; i < layers.size(); ++i) {
            BERTH_TRY_ASSIGN(const auto rec, m_engine.m_meta->layer(chainIds.at(i)));
            blobs << image::Descriptor{rec->blobMediaType, rec->blobDigest, rec->blobSize};
            allBlobsHere = allBlobsHere && m_engine.m_content->has(layers[i].blob.digest);
        }
        const QStringList tags = full.digest.isEmpty() ? QStringList{full.string()} : QStringList();
        BERTH_TRY_ASSIGN(const QString stored,
                         m_engine.storeImageLocked(config, blobs, chainIds,
                                                   allBlobsHere ? chosen.raw : QByteArray(), tags,
                                                   {}));
        BERTH_TRY(m_engine.m_meta->addRepoDigest(stored, repoDigest));
        report.reference = full.string();
        report.imageId = stored;
    }
    // Where these blobs are, so a push to another repository of this registry
    // can mount them instead of sending them; a hint only, so not worth failing for.
    for (const image::Descriptor &d : manifest.layers)
        (void)m_engine.m_meta->addBlobLocation(d.digest, full.domain, full.path);
    report.digest = top.digest;
    (void)m_engine.recordEvent(QStringLiteral("pull"), full.familiarString(), full.familiarName());
    return report;
}

Result<QStringList> Puller::tags(const QString &name)
{
    BERTH_TRY(parse(name));
    return m_client.tags(m_repo, m_options.progress);
}

Result<PullReport> pullFromRegistry(Engine &engine, const QString &reference,
                                    const PullOptions &options)
{
    BERTH_TRY_ASSIGN(const registry::Settings settings, registry::Settings::load());
    Puller puller(engine, options, settings);
    return puller.run(reference);
}

Result<QStringList> remoteTagsFromRegistry(Engine &engine, const QString &repository,
                                           const PullOptions &options)
{
    BERTH_TRY_ASSIGN(const registry::Settings settings, registry::Settings::load());
    Puller puller(engine, options, settings);
    return puller.tags(repository);
}

} // namespace berth
