// Getting images into the store: import (one layer tar) and load (an image
// archive). Both stream each layer once: the bytes go into the content store
// and, through the decompressor, into a scan that hashes the diffID and checks
// every entry header (layer/Scan.h). Layers are not unpacked here: a layer's
// directory is made the first time something needs its files
// (Engine::ensureUnpacked), so a load writes each layer's bytes once, as
// containerd keeps content and snapshots apart. Only when everything checked
// out are the records written, under the store lock (unpacked = 0); a failure
// or a cancel removes the blobs it added and leaves the store as it was.
#include "Engine.h"

#include "layer/Compression.h"
#include "layer/Scan.h"
#include "reference/Reference.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>

namespace berth {

namespace {

// Hashes what goes through it: the digest of a stream that is stored in another form.
class HashingWriter : public Writer
{
public:
    Status write(const char *data, qint64 size) override
    {
        m_hash.update(data, size);
        return {};
    }
    Digest finish() { return m_hash.finish(); }

private:
    Sha256 m_hash;
};

// Replays bytes already read (to sniff the format) before the rest of a stream.
class PrefixReader : public Reader
{
public:
    PrefixReader(QByteArray prefix, Reader &rest) : m_prefix(std::move(prefix)), m_rest(rest) {}
    Result<qint64> read(char *buffer, qint64 max) override
    {
        if (m_pos < m_prefix.size()) {
            const qint64 n = std::min(max, static_cast<qint64>(m_prefix.size()) - m_pos);
            std::memcpy(buffer, m_prefix.constData() + m_pos, static_cast<size_t>(n));
            m_pos += n;
            return n;
        }
        return m_rest.read(buffer, max);
    }

private:
    QByteArray m_prefix;
    qint64 m_pos = 0;
    Reader &m_rest;
};

// Reads up to n bytes (fewer only at end of stream).
Result<QByteArray> readUpTo(Reader &in, qint64 n)
{
    QByteArray out(n, Qt::Uninitialized);
    qint64 got = 0;
    while (got < n) {
        BERTH_TRY_ASSIGN(const qint64 r, in.read(out.data() + got, n - got));
        if (r == 0)
            break;
        got += r;
    }
    out.truncate(got);
    return out;
}

Status drain(Reader &in)
{
    QByteArray buf(1 << 16, Qt::Uninitialized);
    for (;;) {
        BERTH_TRY_ASSIGN(const qint64 n, in.read(buf.data(), buf.size()));
        if (n == 0)
            return {};
    }
}

// The outer archive of a load, read through libarchive from a Reader.
struct ArchiveSource
{
    Reader *in = nullptr;
    QByteArray buffer = QByteArray(1 << 20, Qt::Uninitialized);
    std::optional<Error> error;
    const Progress *progress = nullptr;
    qint64 done = 0;

    static la_ssize_t readCallback(struct archive *a, void *self, const void **out)
    {
        auto *s = static_cast<ArchiveSource *>(self);
        if (s->progress && s->progress->cancelled()) {
            s->error = cancelledError(tr("load"));
            archive_set_error(a, ECANCELED, "cancelled");
            return -1;
        }
        auto n = s->in->read(s->buffer.data(), s->buffer.size());
        if (!n.ok()) {
            s->error = n.error();
            archive_set_error(a, EIO, "read failed");
            return -1;
        }
        s->done += *n;
        if (s->progress && s->progress->onBytes)
            s->progress->onBytes(s->done);
        *out = s->buffer.constData();
        return static_cast<la_ssize_t>(*n);
    }
};

// The data of the current archive entry, block by block without copies.
class EntryReader : public Reader
{
public:
    EntryReader(struct archive *a, ArchiveSource &src, QString name)
        : m_a(a), m_src(src), m_name(std::move(name))
    {
    }
    Result<qint64> read(char *buffer, qint64 max) override
    {
        while (m_left == 0) {
            if (m_eof)
                return 0;
            const void *block = nullptr;
            size_t size = 0;
            la_int64_t offset = 0;
            const int rc = archive_read_data_block(m_a, &block, &size, &offset);
            if (rc == ARCHIVE_EOF) {
                m_eof = true;
                return 0;
            }
            if (rc < ARCHIVE_WARN)
                return failure();
            // Sparse entries in the outer archive: fill the holes with zeros.
            if (offset > m_offset) {
                m_zeros = offset - m_offset;
                m_offset = offset;
            }
            m_block = static_cast<const char *>(block);
            m_left = static_cast<qint64>(size);
            m_offset += static_cast<qint64>(size);
            if (m_zeros > 0)
                break;
        }
        if (m_zeros > 0) {
            const qint64 n = std::min(max, m_zeros);
            std::memset(buffer, 0, static_cast<size_t>(n));
            m_zeros -= n;
            return n;
        }
        const qint64 n = std::min(max, m_left);
        std::memcpy(buffer, m_block, static_cast<size_t>(n));
        m_block += n;
        m_left -= n;
        return n;
    }

private:
    Error failure()
    {
        if (m_src.error)
            return *m_src.error;
        return Error{ErrorCode::Corrupt,
                     tr("read archive entry %1: %2")
                         .arg(m_name, QString::fromLocal8Bit(archive_error_string(m_a)))};
    }

    struct archive *m_a;
    ArchiveSource &m_src;
    QString m_name;
    const char *m_block = nullptr;
    qint64 m_left = 0;
    qint64 m_offset = 0;
    qint64 m_zeros = 0;
    bool m_eof = false;
};

QString cleanEntryPath(const QString &p)
{
    QString c = QDir::cleanPath(p);
    while (c.startsWith(QLatin1String("./")))
        c = c.mid(2);
    if (c.startsWith(QLatin1Char('/')))
        c = c.mid(1);
    return c;
}

bool isMetadataName(const QString &path)
{
    const QString base = path.section(QLatin1Char('/'), -1);
    return base.endsWith(QLatin1String(".json")) || base == QLatin1String("oci-layout") ||
           base == QLatin1String("repositories") || base == QLatin1String("VERSION") ||
           base == QLatin1String("json");
}

constexpr qint64 kMaxMetadataSize = 64LL << 20;

} // namespace

Result<Engine::StagedLayer> Engine::stageLayer(Reader &in, const Progress &progress)
{
    StagedLayer staged;
    BERTH_TRY_ASSIGN(const QByteArray head, readUpTo(in, 512));
    PrefixReader source(head, in);
    const layer::Compression comp = layer::detectCompression(head.constData(), head.size());
    BERTH_TRY_ASSIGN(auto ingest, m_content->beginIngest());

    layer::ScanOptions opts;
    opts.progress = progress;
    Result<layer::ApplyResult> scanned = Error{ErrorCode::Internal, QString()};
    if (comp == layer::Compression::Gzip || comp == layer::Compression::Zstd) {
        // OCI media types: the blob is kept as it came.
        TeeReader tee(source, *ingest);
        scanned = layer::scanLayer(tee, opts);
        if (scanned.ok())
            BERTH_TRY(drain(tee));
        staged.blobMediaType =
            QLatin1String(comp == layer::Compression::Gzip ? image::mediatype::OciLayerGzip
                                                           : image::mediatype::OciLayerZstd);
    } else if (comp == layer::Compression::None) {
        // What docker save writes. It stays a plain tar: gzip at ISA-L level 1 made
        // the reader thread the bottleneck of a 1.6 GB load (11-13 s against 9 s
        // for writing the plain bytes on this disk), and the blob's digest is then
        // the diffID, which manifests in the archive name.
        TeeReader tee(source, *ingest);
        scanned = layer::scanLayer(tee, opts);
        if (scanned.ok())
            BERTH_TRY(drain(tee));
        staged.blobMediaType = QLatin1String(image::mediatype::OciLayer);
    } else {
        // xz and bzip2 are not OCI media types: the tar inside is stored gzipped.
        layer::GzipWriter gzip(*ingest);
        HashingWriter sourceHash;
        TeeReader hashed(source, sourceHash);
        std::unique_ptr<Reader> plain = layer::decompressingReader(hashed, tr("layer"));
        TeeReader tee(*plain, gzip);
        scanned = layer::scanLayer(tee, opts);
        if (scanned.ok())
            BERTH_TRY(drain(tee));
        if (scanned.ok())
            BERTH_TRY(gzip.finish());
        if (scanned.ok())
            BERTH_TRY(drain(hashed));
        staged.sourceDigest = sourceHash.finish();
        staged.blobMediaType = QLatin1String(image::mediatype::OciLayerGzip);
    }
    if (!scanned.ok())
        return scanned.error();
    staged.blobSize = ingest->bytesWritten();
    BERTH_TRY_ASSIGN(staged.blobDigest, ingest->commit());
    if (comp == layer::Compression::Gzip || comp == layer::Compression::Zstd ||
        comp == layer::Compression::None)
        staged.sourceDigest = staged.blobDigest;
    staged.diffId = scanned->diffId;
    staged.tarSize = scanned->tarSize;
    staged.fileBytes = scanned->fileBytes;
    return staged;
}

void Engine::discardStagedAll(const QList<StagedLayer *> &stagedLayers)
{
    // A failed operation takes back the blobs it added that nothing refers to,
    // so the store is as it was before.
    auto lock = lockStore();
    auto layers = m_meta->layers();
    if (!lock.ok() || !layers.ok())
        return;
    QSet<QString> live;
    for (const auto &l : *layers)
        live.insert(l.blobDigest);
    for (StagedLayer *s : stagedLayers) {
        if (!s->blobDigest.isEmpty() && !live.contains(s->blobDigest))
            (void)m_content->removeBlob(s->blobDigest);
    }
}

Status Engine::commitLayers(QList<StagedLayer *> stack, QStringList *chainIdsOut)
{
    QStringList diffIds;
    for (StagedLayer *s : stack)
        diffIds << s->diffId;
    const QStringList chains = image::chainIds(diffIds);
    for (qsizetype i = 0; i < stack.size(); ++i) {
        const StagedLayer &s = *stack[i];
        const QString &chain = chains.at(i);
        BERTH_TRY_ASSIGN(const auto existing, m_meta->layer(chain));
        if (existing)
            continue;
        if (!m_content->has(s.blobDigest))
            return Error{ErrorCode::Conflict,
                         tr("layer blob %1 was removed by another berth process; try again")
                             .arg(s.blobDigest)};
        store::LayerRecord rec;
        rec.chainId = chain;
        rec.diffId = s.diffId;
        rec.parent = i > 0 ? chains.at(i - 1) : QString();
        rec.blobDigest = s.blobDigest;
        rec.blobMediaType = s.blobMediaType;
        rec.blobSize = s.blobSize;
        rec.tarSize = s.tarSize;
        rec.size = s.fileBytes;
        rec.unpacked = false;
        BERTH_TRY(m_meta->addLayer(rec));
    }
    if (chainIdsOut)
        *chainIdsOut = chains;
    return {};
}

Result<QString> Engine::storeImageLocked(const image::ImageConfig &config,
                                         const QList<image::Descriptor> &layerBlobs,
                                         const QStringList &chainIds, const QByteArray &manifestRaw,
                                         const QStringList &tags, const QString &parent)
{
    const QString id = config.id();
    BERTH_TRY(m_content->writeBlob(config.raw, id));
    image::Manifest manifest;
    if (manifestRaw.isEmpty()) {
        manifest = image::Manifest::makeOci(
            image::Descriptor{QLatin1String(image::mediatype::OciConfig), id, config.raw.size()},
            layerBlobs);
    } else {
        BERTH_TRY_ASSIGN(manifest, image::Manifest::parse(manifestRaw, tr("manifest")));
    }
    BERTH_TRY_ASSIGN(const Digest manifestDigest, m_content->writeBlob(manifest.raw));

    store::ImageRecord rec;
    rec.id = id;
    rec.manifestDigest = manifestDigest;
    rec.manifestMediaType = manifest.mediaType;
    rec.manifestSize = manifest.raw.size();
    rec.created = config.created();
    rec.added = QDateTime::currentDateTimeUtc();
    rec.parent = parent;
    rec.chainIds = chainIds;
    for (const QString &c : chainIds) {
        BERTH_TRY_ASSIGN(const auto l, m_meta->layer(c));
        if (l)
            rec.size += l->size;
    }
    BERTH_TRY(m_meta->putImage(rec, tags));
    BERTH_TRY(rebuildIndexLocked());
    return id;
}

Result<QString> Engine::importImage(Reader &in, const ImportOptions &options)
{
    QStringList tags;
    if (!options.reference.isEmpty()) {
        auto ref = reference::Reference::parse(options.reference);
        if (!ref.ok())
            return Error{ErrorCode::InvalidArgument, ref.error().message};
        if (!ref->digest.isEmpty())
            return Error{ErrorCode::InvalidArgument,
                         tr("refusing to create a tag with a digest reference")};
        tags << ref->withDefaultTag().string();
    }
    QJsonObject runtime;
    for (const QString &change : options.changes)
        BERTH_TRY(image::applyChange(runtime, change));

    BERTH_TRY_ASSIGN(StagedLayer staged, stageLayer(in, options.progress));
    bool succeeded = false;
    auto cleanup = qScopeGuard([&] {
        if (!succeeded)
            discardStagedAll({&staged});
    });

    const QString comment = options.message.isEmpty()
                                ? QStringLiteral("Imported from ") + options.source
                                : options.message;
    const QByteArray raw =
        image::makeImportConfig(staged.diffId, runtime, QDateTime::currentDateTimeUtc(), comment);
    BERTH_TRY_ASSIGN(const image::ImageConfig config, image::ImageConfig::parse(raw, tr("import")));

    BERTH_TRY_ASSIGN(FileLock lock, lockStore());
    QStringList chains;
    BERTH_TRY(commitLayers({&staged}, &chains));
    const image::Descriptor blob{staged.blobMediaType, staged.blobDigest, staged.blobSize};
    BERTH_TRY_ASSIGN(const QString id, storeImageLocked(config, {blob}, chains, {}, tags, {}));
    succeeded = true;
    lock.release();
    (void)recordEvent(QStringLiteral("import"), id,
                      tags.isEmpty() ? QString() : familiarReference(tags.first()));
    return id;
}

Result<LoadReport> Engine::load(Reader &in, const Progress &progress)
{
    struct Entry
    {
        QByteArray data;
        int layer = -1; // index into staged
        QString symlink;
    };
    QHash<QString, Entry> entries;
    std::vector<std::unique_ptr<StagedLayer>> staged;
    bool succeeded = false;
    auto cleanup = qScopeGuard([&] {
        if (succeeded)
            return;
        QList<StagedLayer *> list;
        for (auto &s : staged)
            list << s.get();
        discardStagedAll(list);
    });

    {
        ArchiveSource src;
        src.in = &in;
        src.progress = &progress;
        struct archive *a = archive_read_new();
        auto closeArchive = qScopeGuard([&] { archive_read_free(a); });
        archive_read_support_format_tar(a);
        archive_read_support_filter_all(a);
        if (archive_read_open(a, &src, nullptr, &ArchiveSource::readCallback, nullptr) !=
            ARCHIVE_OK) {
            if (src.error)
                return *src.error;
            return Error{ErrorCode::InvalidArgument,
                         tr("load: the input is not a tar archive: %1")
                             .arg(QString::fromLocal8Bit(archive_error_string(a)))};
        }
        for (;;) {
            struct archive_entry *e = nullptr;
            const int rc = archive_read_next_header(a, &e);
            if (rc == ARCHIVE_EOF)
                break;
            if (rc < ARCHIVE_WARN) {
                if (src.error)
                    return *src.error;
                return Error{ErrorCode::Corrupt,
                             tr("load: corrupt or truncated archive: %1")
                                 .arg(QString::fromLocal8Bit(archive_error_string(a)))};
            }
            const QString path = cleanEntryPath(
                QString::fromUtf8(archive_entry_pathname_utf8(e) ? archive_entry_pathname_utf8(e)
                                                                 : archive_entry_pathname(e)));
            const mode_t type = archive_entry_filetype(e);
            if (type == AE_IFLNK) {
                const QString target = QString::fromUtf8(archive_entry_symlink(e));
                const QString dir = path.contains(QLatin1Char('/'))
                                        ? path.section(QLatin1Char('/'), 0, -2)
                                        : QString();
                entries[path].symlink = cleanEntryPath(
                    target.startsWith(QLatin1Char('/')) ? target : dir + QLatin1Char('/') + target);
                continue;
            }
            if (type != AE_IFREG)
                continue;
            const qint64 size = archive_entry_size(e);
            EntryReader reader(a, src, path);
            if (isMetadataName(path) && size <= kMaxMetadataSize) {
                BERTH_TRY_ASSIGN(entries[path].data, readUpTo(reader, size));
                continue;
            }
            BERTH_TRY_ASSIGN(const QByteArray head, readUpTo(reader, std::min<qint64>(size, 512)));
            const QByteArray trimmed = head.trimmed();
            if (size <= kMaxMetadataSize && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
                BERTH_TRY_ASSIGN(const QByteArray rest, readUpTo(reader, size - head.size()));
                entries[path].data = head + rest;
                continue;
            }
            PrefixReader layerStream(head, reader);
            auto s = stageLayer(layerStream, progress);
            if (!s.ok())
                return s.error().prefixed(tr("load layer %1").arg(path));
            staged.push_back(std::make_unique<StagedLayer>(std::move(s).value()));
            entries[path].layer = static_cast<int>(staged.size() - 1);
        }
    }

    auto lookup = [&](QString path) -> const Entry * {
        path = cleanEntryPath(path);
        for (int hops = 0; hops < 16; ++hops) {
            auto it = entries.constFind(path);
            if (it == entries.constEnd())
                return nullptr;
            if (it->symlink.isEmpty())
                return &*it;
            path = it->symlink;
        }
        return nullptr;
    };

    struct Planned
    {
        QByteArray config;
        QList<int> layers;
        QStringList tags;
        QByteArray manifest; // kept verbatim for OCI archives
    };
    QList<Planned> plans;
    const QString configWhat = tr("load");

    if (const Entry *m = lookup(QStringLiteral("manifest.json"))) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(m->data, &err);
        if (err.error != QJsonParseError::NoError || !doc.isArray())
            return Error{ErrorCode::Corrupt,
                         tr("load: manifest.json is not valid: %1").arg(err.errorString())};
        for (const QJsonValue &v : doc.array()) {
            const QJsonObject o = v.toObject();
            Planned p;
            const Entry *cfg = lookup(o.value(QLatin1String("Config")).toString());
            if (!cfg || cfg->data.isEmpty())
                return Error{
                    ErrorCode::Corrupt,
                    tr("load: config %1 named in manifest.json is missing from the archive")
                        .arg(o.value(QLatin1String("Config")).toString())};
            p.config = cfg->data;
            for (const QJsonValue &l : o.value(QLatin1String("Layers")).toArray()) {
                const Entry *le = lookup(l.toString());
                if (!le || le->layer < 0)
                    return Error{
                        ErrorCode::Corrupt,
                        tr("load: layer %1 named in manifest.json is missing from the archive")
                            .arg(l.toString())};
                p.layers << le->layer;
            }
            for (const QJsonValue &t : o.value(QLatin1String("RepoTags")).toArray())
                p.tags << t.toString();
            plans << p;
        }
    } else if (const Entry *idx = lookup(QStringLiteral("index.json"))) {
        auto blob = [&](const QString &digest) {
            return lookup(QStringLiteral("blobs/sha256/") + digestHex(digest));
        };
        std::function<Status(const QJsonObject &, const QStringList &)> visit;
        visit = [&](const QJsonObject &desc, const QStringList &names) -> Status {
            const QString mt = desc.value(QLatin1String("mediaType")).toString();
            const QString digest = desc.value(QLatin1String("digest")).toString();
            const Entry *b = blob(digest);
            if (!isValidDigest(digest) || !b || b->data.isEmpty())
                return Error{ErrorCode::Corrupt,
                             tr("load: blob %1 named in index.json is missing from the archive")
                                 .arg(digest)};
            if (Sha256::of(b->data) != digest)
                return Error{ErrorCode::Corrupt,
                             tr("load: blob %1 does not match its digest").arg(digest)};
            const QJsonObject o = QJsonDocument::fromJson(b->data).object();
            if (mt == QLatin1String(image::mediatype::OciIndex) ||
                mt == QLatin1String(image::mediatype::DockerManifestList) ||
                o.contains(QLatin1String("manifests"))) {
                for (const QJsonValue &v : o.value(QLatin1String("manifests")).toArray()) {
                    const QJsonObject plat =
                        v.toObject().value(QLatin1String("platform")).toObject();
                    if (!plat.isEmpty() &&
                        (plat.value(QLatin1String("os")).toString() != QLatin1String("linux") ||
                         plat.value(QLatin1String("architecture")).toString() !=
                             image::hostArchitecture()))
                        continue;
                    BERTH_TRY(visit(v.toObject(), names));
                }
                return {};
            }
            BERTH_TRY_ASSIGN(const image::Manifest man,
                             image::Manifest::parse(b->data, tr("load: manifest %1").arg(digest)));
            const Entry *cfg = blob(man.config.digest);
            if (!cfg || cfg->data.isEmpty())
                return Error{
                    ErrorCode::Corrupt,
                    tr("load: config %1 is missing from the archive").arg(man.config.digest)};
            Planned p;
            p.config = cfg->data;
            p.manifest = b->data;
            for (const image::Descriptor &d : man.layers) {
                const Entry *le = blob(d.digest);
                if (!le || le->layer < 0)
                    return Error{ErrorCode::Corrupt,
                                 tr("load: layer %1 is missing from the archive").arg(d.digest)};
                if (staged[le->layer]->sourceDigest != d.digest)
                    return Error{ErrorCode::Corrupt,
                                 tr("load: layer %1 does not match its digest (got %2)")
                                     .arg(d.digest, staged[le->layer]->sourceDigest)};
                p.layers << le->layer;
            }
            p.tags = names;
            plans << p;
            return {};
        };
        const QJsonObject index = QJsonDocument::fromJson(idx->data).object();
        for (const QJsonValue &v : index.value(QLatin1String("manifests")).toArray()) {
            const QJsonObject ann = v.toObject().value(QLatin1String("annotations")).toObject();
            QString name = ann.value(QLatin1String("io.containerd.image.name")).toString();
            if (name.isEmpty()) {
                // A bare tag ("latest") names nothing by itself; a full reference does.
                const QString ref =
                    ann.value(QLatin1String("org.opencontainers.image.ref.name")).toString();
                if (ref.contains(QLatin1Char('/')) || ref.contains(QLatin1Char(':')))
                    name = ref;
            }
            BERTH_TRY(visit(v.toObject(), name.isEmpty() ? QStringList() : QStringList{name}));
        }
    } else {
        return Error{ErrorCode::InvalidArgument,
                     tr("load: the archive has neither manifest.json nor index.json; is it made by "
                        "\"docker save\" or an OCI image layout?")};
    }

    // Check everything before touching the store.
    QList<image::ImageConfig> configs;
    QList<QStringList> fullTags;
    for (const Planned &p : plans) {
        BERTH_TRY_ASSIGN(const image::ImageConfig cfg,
                         image::ImageConfig::parse(p.config, configWhat));
        const QStringList diffIds = cfg.diffIds();
        if (diffIds.size() != p.layers.size())
            return Error{ErrorCode::Corrupt,
                         tr("load: image %1 lists %2 layers in its config but %3 in its manifest")
                             .arg(digestHex(cfg.id()).left(12))
                             .arg(diffIds.size())
                             .arg(p.layers.size())};
        for (qsizetype i = 0; i < diffIds.size(); ++i) {
            if (staged[p.layers[i]]->diffId != diffIds[i])
                return Error{
                    ErrorCode::Corrupt,
                    tr("load: layer %1 of image %2 has diffID %3, but the config expects %4")
                        .arg(i + 1)
                        .arg(digestHex(cfg.id()).left(12), staged[p.layers[i]]->diffId,
                             diffIds[i])};
        }
        QStringList full;
        for (const QString &t : p.tags) {
            auto ref = reference::Reference::parse(t);
            if (!ref.ok() || !ref->digest.isEmpty())
                return Error{ErrorCode::Corrupt,
                             tr("load: invalid image name \"%1\" in the archive").arg(t)};
            full << ref->withDefaultTag().string();
        }
        configs << cfg;
        fullTags << full;
    }

    LoadReport report;
    BERTH_TRY_ASSIGN(FileLock lock, lockStore());
    QList<QPair<QString, QString>> loaded;
    for (qsizetype i = 0; i < plans.size(); ++i) {
        QList<StagedLayer *> stack;
        QList<image::Descriptor> blobs;
        // The archive's own manifest is kept only when it names the blobs as stored.
        QByteArray manifest = plans[i].manifest;
        for (int li : plans[i].layers) {
            stack << staged[li].get();
            if (staged[li]->blobDigest != staged[li]->sourceDigest)
                manifest.clear();
            blobs << image::Descriptor{staged[li]->blobMediaType, staged[li]->blobDigest,
                                       staged[li]->blobSize};
        }
        QStringList chains;
        BERTH_TRY(commitLayers(stack, &chains));
        BERTH_TRY_ASSIGN(const QString id,
                         storeImageLocked(configs[i], blobs, chains, manifest, fullTags[i], {}));
        for (const QString &t : fullTags[i]) {
            report.tags << familiarReference(t);
            loaded.append({id, familiarReference(t)});
        }
        if (fullTags[i].isEmpty()) {
            report.untaggedIds << id;
            loaded.append({id, QString()});
        }
    }
    succeeded = true;
    lock.release();
    for (const auto &l : loaded)
        (void)recordEvent(QStringLiteral("load"), l.first, l.second);
    return report;
}

} // namespace berth
