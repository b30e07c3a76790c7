// Pushing an image: image store -> (gzip, once) -> registry -> repo digest.
//
// A push sends one tag (or, with allTags, each tag of the repository) as
// docker does: the layers first, `parallel` at a time, then the config, then
// the manifest under the tag. A layer blob the registry already has in the
// repository is not sent ("Layer already exists"); one it has in another
// repository this store pulled it from or pushed it to is mounted ("Mounted
// from library/busybox"); the others are uploaded from their files in the
// content store (registry/Upload.h).
//
// Which manifest: an image pulled here whose registry manifest the store kept
// byte for byte goes back with that manifest, so its digest is the same on
// every registry. Any other image (imported, loaded, committed, built) gets a
// Docker schema 2 manifest, as docker pushes it: gzip layers
// (application/vnd.docker.image.rootfs.diff.tar.gzip) and the config as it is
// stored, so the image id stays. A layer the store keeps as a plain tar (or as
// zstd, which schema 2 cannot name) is gzip-compressed by ISA-L into a content
// store ingest, hashed on the way, and recorded against its diffID
// (MetadataStore::compressedBlob): the next push, to any registry, sends the
// same bytes without compressing again, and garbage collection keeps that blob
// while the layer lives.
//
// Only after the registry stored the manifest is the repo digest
// (name@sha256:...) recorded: a failed, refused or cancelled push leaves the
// store as it was, except for compressed blobs, which the next push reuses.
#include "Engine.h"
#include "LayerJobs.h"
#include "RegistryModule.h"

#include "layer/Compression.h"
#include "reference/Reference.h"
#include "registry/Settings.h"
#include "registry/Upload.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace berth {

namespace {

using LayerState = PushLayerEvent::State;

bool isGzipType(const QString &mediaType)
{
    return mediaType == QLatin1String(image::mediatype::OciLayerGzip) ||
           mediaType == QLatin1String(image::mediatype::DockerLayerGzip);
}

bool isCompressedType(const QString &mediaType)
{
    return isGzipType(mediaType) || mediaType == QLatin1String(image::mediatype::OciLayerZstd);
}

QByteArray descriptorJson(const image::Descriptor &d)
{
    return R"({"mediaType":")" + d.mediaType.toUtf8() + R"(","size":)" +
           QByteArray::number(d.size) + R"(,"digest":")" + d.digest.toUtf8() + "\"}";
}

// A Docker image manifest version 2, schema 2, with docker's field order.
QByteArray dockerManifest(const image::Descriptor &config, const QList<image::Descriptor> &layers)
{
    QByteArray out = R"({"schemaVersion":2,"mediaType":")" +
                     QByteArray(image::mediatype::DockerManifest) + R"(","config":)" +
                     descriptorJson(config) + R"(,"layers":[)";
    for (qsizetype i = 0; i < layers.size(); ++i)
        out += (i ? "," : "") + descriptorJson(layers.at(i));
    return out + "]}";
}

// Hands layer events to the caller one at a time, Pushing at most ten times
// a second per layer.
class PushReporter
{
public:
    PushReporter(const PushOptions &options, QStringList ids)
        : m_options(options), m_ids(std::move(ids)), m_lastProgress(m_ids.size())
    {
    }

    void report(int layer, LayerState state, qint64 current = 0, qint64 total = 0,
                const QString &from = {})
    {
        if (!m_options.onLayer)
            return;
        QMutexLocker lock(&m_mutex);
        if (state == LayerState::Pushing) {
            QElapsedTimer &last = m_lastProgress[layer];
            if (last.isValid() && last.elapsed() < 100 && current < total)
                return;
            last.start();
        }
        PushLayerEvent e;
        e.id = m_ids.at(layer);
        e.state = state;
        e.current = current;
        e.total = total;
        e.from = from;
        m_options.onLayer(e);
    }

private:
    const PushOptions &m_options;
    QStringList m_ids;
    QList<QElapsedTimer> m_lastProgress;
    QMutex m_mutex;
};

} // namespace

// One push: the registry client, the repository and the stop flag its workers share.
class Pusher
{
public:
    Pusher(Engine &engine, const PushOptions &options, const registry::Settings &settings)
        : m_engine(engine), m_options(options), m_client(settings.clientOptions()),
          m_parallel(options.parallel > 0 ? options.parallel : settings.maxConcurrentUploads)
    {
    }

    Result<PushReport> run(const QString &name);

private:
    struct Layer
    {
        Digest diffId;
        store::LayerRecord record;
        image::Descriptor blob; // what the manifest names; empty digest until compressed
    };

    Result<PushReport::Tag> pushTag(const reference::Reference &ref, const QString &imageId);
    Status pushLayers(QList<Layer> &layers);
    Status pushLayer(Layer &layer, int index, PushReporter &reporter);
    Result<image::Descriptor> gzipBlob(const store::LayerRecord &layer);
    Progress workerProgress() const
    {
        Progress p;
        p.cancel = &m_stop;
        return p;
    }

    Engine &m_engine;
    const PushOptions &m_options;
    registry::Client m_client;
    const int m_parallel;
    registry::Repository m_repo;
    std::unique_ptr<registry::Upload> m_upload;
    // The metadata store takes one thread at a time; workers share it through this.
    QMutex m_metaMutex;
    std::atomic<bool> m_stop{false};
};

Result<image::Descriptor> Pusher::gzipBlob(const store::LayerRecord &layer)
{
    const QString gzipType = QString::fromLatin1(image::mediatype::OciLayerGzip);
    store::MetadataStore &meta = *m_engine.m_meta;
    {
        QMutexLocker lock(&m_metaMutex);
        BERTH_TRY_ASSIGN(const auto cached, meta.compressedBlob(layer.diffId, gzipType));
        if (cached && m_engine.m_content->has(cached->digest))
            return image::Descriptor{gzipType, cached->digest, cached->size};
    }
    const QString path = m_engine.m_content->blobPath(layer.blobDigest);
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open layer blob"), path);
    FdReader file(fd, path);
    const QString what = tr("compress layer %1").arg(layer.diffId);
    auto compressed = [&]() -> Result<image::Descriptor> {
        // zstd is inflated first: a Docker schema 2 manifest can only name gzip.
        std::unique_ptr<Reader> plain = layer::decompressingReader(file, path);
        BERTH_TRY_ASSIGN(auto ingest, m_engine.m_content->beginIngest());
        layer::GzipWriter gzip(*ingest);
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        for (;;) {
            if (m_stop)
                return cancelledError(what);
            BERTH_TRY_ASSIGN(const qint64 n, plain->read(buffer.data(), buffer.size()));
            if (n == 0)
                break;
            BERTH_TRY(gzip.write(buffer.constData(), n));
        }
        BERTH_TRY(gzip.finish());
        const qint64 size = ingest->bytesWritten();
        // Committed and recorded under the store lock, so a garbage collection
        // in another process never sees the blob without its record.
        BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
        BERTH_TRY_ASSIGN(const Digest digest, ingest->commit());
        QMutexLocker metaLock(&m_metaMutex);
        BERTH_TRY(
            meta.putCompressedBlob(store::CompressedBlob{layer.diffId, gzipType, digest, size}));
        return image::Descriptor{gzipType, digest, size};
    }();
    ::close(fd);
    if (!compressed.ok() && compressed.error().code != ErrorCode::Cancelled)
        return compressed.error().prefixed(what);
    return compressed;
}

Status Pusher::pushLayer(Layer &l, int index, PushReporter &reporter)
{
    const Progress progress = workerProgress();
    if (l.blob.digest.isEmpty()) {
        BERTH_TRY_ASSIGN(const image::Descriptor gz, gzipBlob(l.record));
        l.blob = image::Descriptor{QString::fromLatin1(image::mediatype::DockerLayerGzip),
                                   gz.digest, gz.size};
    }
    store::MetadataStore &meta = *m_engine.m_meta;
    const auto remember = [&]() -> Status {
        QMutexLocker lock(&m_metaMutex);
        return meta.addBlobLocation(l.blob.digest, m_repo.domain, m_repo.path);
    };
    BERTH_TRY_ASSIGN(const bool there, m_upload->exists(l.blob.digest, progress));
    if (there) {
        reporter.report(index, LayerState::AlreadyExists);
        return remember();
    }
    QStringList candidates;
    {
        QMutexLocker lock(&m_metaMutex);
        BERTH_TRY_ASSIGN(candidates, meta.blobRepositories(l.blob.digest, m_repo.domain));
    }
    candidates.removeAll(m_repo.path);
    QUrl location;
    for (const QString &from : std::as_const(candidates)) {
        BERTH_TRY_ASSIGN(const registry::Upload::Mount mount,
                         m_upload->mount(l.blob.digest, from, progress));
        if (mount.mounted) {
            reporter.report(index, LayerState::Mounted, 0, 0, from);
            return remember();
        }
        if (!mount.location.isEmpty()) {
            location = mount.location;
            break;
        }
    }
    const QString path = m_engine.m_content->blobPath(l.blob.digest);
    Progress sending = progress;
    const qint64 total = l.blob.size;
    sending.onBytes = [&reporter, index, total](qint64 sent) {
        reporter.report(index, LayerState::Pushing, sent, total);
    };
    reporter.report(index, LayerState::Pushing, 0, total);
    BERTH_TRY(m_upload->blobFromFile(l.blob, path, sending, location));
    reporter.report(index, LayerState::Pushed);
    return remember();
}

Status Pusher::pushLayers(QList<Layer> &layers)
{
    QStringList ids;
    for (const Layer &l : layers)
        ids << digestHex(l.diffId).left(12);
    PushReporter reporter(m_options, ids);
    const int parallel = std::max(1, m_parallel);
    for (int i = 0; i < layers.size(); ++i)
        reporter.report(i, LayerState::Preparing);
    for (int i = parallel; i < layers.size(); ++i)
        reporter.report(i, LayerState::Waiting);

    QList<int> all;
    for (int i = 0; i < layers.size(); ++i)
        all << i;
    return runLayerJobs(all, parallel, m_options.progress, m_stop, tr("push"),
                        [&](int i) { return pushLayer(layers[i], i, reporter); });
}

Result<PushReport::Tag> Pusher::pushTag(const reference::Reference &ref, const QString &imageId)
{
    store::MetadataStore &meta = *m_engine.m_meta;
    content::ContentStore &content = *m_engine.m_content;
    BERTH_TRY_ASSIGN(const auto record, meta.image(imageId));
    if (!record)
        return Error{
            ErrorCode::NotFound,
            tr("push %1: image %2 is no longer in the store").arg(ref.familiarString(), imageId)};
    BERTH_TRY_ASSIGN(const QByteArray configRaw, content.readBlob(imageId));
    BERTH_TRY_ASSIGN(const QByteArray storedRaw, content.readBlob(record->manifestDigest));
    BERTH_TRY_ASSIGN(
        const image::Manifest stored,
        image::Manifest::parse(storedRaw, tr("manifest %1").arg(record->manifestDigest)));

    QList<Layer> layers;
    QList<image::Descriptor> storeBlobs;
    QSet<QString> seen;
    for (const QString &chain : record->chainIds) {
        BERTH_TRY_ASSIGN(const auto l, meta.layer(chain));
        if (!l)
            return Error{ErrorCode::Corrupt, tr("push %1: layer %2 of image %3 is not in the store")
                                                 .arg(ref.familiarString(), chain, imageId)};
        storeBlobs << image::Descriptor{l->blobMediaType, l->blobDigest, l->blobSize};
        Layer layer;
        layer.diffId = l->diffId;
        layer.record = *l;
        layers << layer;
    }

    // The registry's manifest, kept as pulled: any manifest the store did not
    // write itself, whose layers are compressed and all here.
    const image::Descriptor storeConfig{QString::fromLatin1(image::mediatype::OciConfig), imageId,
                                        configRaw.size()};
    bool keep = storedRaw != image::Manifest::makeOci(storeConfig, storeBlobs).raw &&
                stored.layers.size() == layers.size() && stored.config.digest == imageId;
    for (const image::Descriptor &d : stored.layers)
        keep = keep && isCompressedType(d.mediaType) && content.has(d.digest);

    QByteArray manifestRaw;
    QString manifestType;
    image::Descriptor config;
    if (keep) {
        manifestRaw = storedRaw;
        manifestType = stored.mediaType;
        config = stored.config;
        for (qsizetype i = 0; i < layers.size(); ++i)
            layers[i].blob = stored.layers.at(i);
    } else {
        manifestType = QString::fromLatin1(image::mediatype::DockerManifest);
        config = image::Descriptor{QString::fromLatin1(image::mediatype::DockerConfig), imageId,
                                   configRaw.size()};
        for (Layer &l : layers) {
            if (isGzipType(l.record.blobMediaType))
                l.blob = image::Descriptor{QString::fromLatin1(image::mediatype::DockerLayerGzip),
                                           l.record.blobDigest, l.record.blobSize};
        }
    }
    // A layer that appears twice (the same diffID) is sent once.
    QList<Layer> unique;
    QList<int> uniqueIndex;
    for (const Layer &l : std::as_const(layers)) {
        if (!seen.contains(l.diffId)) {
            seen.insert(l.diffId);
            uniqueIndex << int(unique.size());
            unique << l;
        } else {
            for (int j = 0; j < unique.size(); ++j) {
                if (unique[j].diffId == l.diffId)
                    uniqueIndex << j;
            }
        }
    }
    BERTH_TRY(pushLayers(unique));
    if (!keep) {
        QList<image::Descriptor> blobs;
        for (int j : std::as_const(uniqueIndex))
            blobs << unique.at(j).blob;
        manifestRaw = dockerManifest(config, blobs);
    }

    BERTH_TRY_ASSIGN(const bool configThere, m_upload->exists(config.digest, m_options.progress));
    if (!configThere)
        BERTH_TRY(m_upload->blobFromBytes(config, configRaw, m_options.progress));
    BERTH_TRY_ASSIGN(const Digest digest,
                     m_upload->manifest(ref.tag, manifestRaw, manifestType, m_options.progress));

    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    BERTH_TRY(meta.addRepoDigest(imageId, ref.name() + QLatin1Char('@') + digest));
    BERTH_TRY(m_engine.rebuildIndexLocked());
    lock.release();
    (void)m_engine.recordEvent(QStringLiteral("push"), imageId, ref.familiarString());
    return PushReport::Tag{ref.tag, digest, manifestRaw.size()};
}

Result<PushReport> Pusher::run(const QString &name)
{
    auto parsed = reference::Reference::parse(name);
    if (!parsed.ok())
        return Error{ErrorCode::InvalidArgument, parsed.error().message};
    const reference::Reference ref = *parsed;
    if (!ref.digest.isEmpty())
        return Error{ErrorCode::InvalidArgument, tr("cannot push a digest reference")};
    if (m_options.allTags && !ref.tag.isEmpty())
        return Error{ErrorCode::InvalidArgument, tr("tag can't be used with --all-tags/-a")};

    // The tags to push, as docker finds them: any tag of the repository must
    // exist, then the one asked for.
    BERTH_TRY_ASSIGN(const auto allTags, m_engine.m_meta->allTags());
    QList<QPair<reference::Reference, QString>> targets;
    for (const auto &[tagged, id] : allTags) {
        auto t = reference::Reference::parse(tagged);
        if (t.ok() && t->domain == ref.domain && t->path == ref.path && t->digest.isEmpty())
            targets.append({*t, id});
    }
    if (targets.isEmpty())
        return Error{
            ErrorCode::NotFound,
            tr("An image does not exist locally with the tag: %1").arg(ref.familiarName())};
    if (!m_options.allTags) {
        const reference::Reference wanted = ref.withDefaultTag();
        targets.removeIf([&](const auto &t) { return t.first.tag != wanted.tag; });
        if (targets.isEmpty())
            return Error{ErrorCode::NotFound,
                         tr("tag does not exist: %1").arg(wanted.familiarString())};
    }

    m_repo.domain = ref.domain;
    m_repo.path = ref.path;
    m_repo.credentials = m_options.credentials;
    registry::UploadOptions uploadOptions;
    uploadOptions.chunkSize = m_options.chunkSize;
    m_upload = std::make_unique<registry::Upload>(m_client, m_repo, uploadOptions);

    PushReport report;
    report.repository = ref.name();
    for (const auto &[target, id] : std::as_const(targets)) {
        if (m_options.onTag)
            m_options.onTag(target.tag);
        BERTH_TRY_ASSIGN(const PushReport::Tag pushed, pushTag(target, id));
        if (m_options.onPushed)
            m_options.onPushed(pushed.tag, pushed.digest, pushed.size);
        report.tags << pushed;
    }
    return report;
}

Result<PushReport> pushToRegistry(Engine &engine, const QString &reference,
                                  const PushOptions &options)
{
    BERTH_TRY_ASSIGN(const registry::Settings settings, registry::Settings::load());
    Pusher pusher(engine, options, settings);
    return pusher.run(reference);
}

} // namespace berth
