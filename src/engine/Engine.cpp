#include "Engine.h"

#include "Containers.h"

#include "layer/Apply.h"
#include "reference/Reference.h"
#include "util/Fs.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace berth {

namespace {

QString noSuchImage(const QString &name)
{
    return tr("No such image: %1").arg(name);
}

// Removes what stagingPath() / makeStagingDir() named for processes that have died
// (crash, SIGKILL), leaving a live process's scratch alone (ContentStore's ingests follow the
// same "<pid>-" naming).
void removeDeadTemps(const QString &tmpDir)
{
    const QStringList entries = QDir(tmpDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot |
                                                       QDir::Hidden | QDir::System);
    for (const QString &name : entries) {
        bool ok = false;
        const int pid = name.section(QLatin1Char('-'), 0, 0).toInt(&ok);
        if (ok && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH)
            (void)fs::removeTree(tmpDir + QLatin1Char('/') + name);
    }
}

} // namespace

Engine::~Engine() = default;

QString Engine::defaultRoot()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/berth");
    QString data = qEnvironmentVariable("XDG_DATA_HOME");
    if (data.isEmpty())
        data = QDir::homePath() + QStringLiteral("/.local/share");
    return data + QStringLiteral("/berth");
}

Result<std::unique_ptr<Engine>> Engine::open(const QString &rootPath)
{
    std::unique_ptr<Engine> e(new Engine);
    e->m_root = QDir(rootPath).absolutePath();
    for (const char *sub : {"", "/oci", "/layers", "/tmp", "/locks", "/containers", "/volumes"})
        BERTH_TRY(fs::makeDirs(e->m_root + QLatin1String(sub), 0700));
    e->m_content = std::make_unique<content::ContentStore>(e->m_root + QStringLiteral("/oci"),
                                                           e->m_root + QStringLiteral("/tmp"));
    BERTH_TRY(e->m_content->init());
    BERTH_TRY_ASSIGN(e->m_meta,
                     store::MetadataStore::open(e->m_root + QStringLiteral("/berth.db")));
    e->m_events = store::EventJournal(e->m_root + QStringLiteral("/events.jsonl"));
    removeDeadTemps(e->m_root + QStringLiteral("/tmp"));
    // No daemon brings containers back after a reboot or a killed shim: the
    // first engine opened since does, as dockerd does when it starts.
    if (auto restarted = Containers(*e).restartDue(); restarted.ok())
        e->m_restartedAtOpen = std::move(restarted).value();
    return e;
}

QString Engine::storageDriver() const
{
    if (m_driver.isEmpty()) {
        // Probing mounts once per process; the answer does not change under us.
        const QString marker = m_root + QStringLiteral("/storage-driver");
        auto saved = fs::readFile(marker);
        if (saved.ok() && !saved->trimmed().isEmpty()) {
            const_cast<Engine *>(this)->m_driver = QString::fromUtf8(saved->trimmed());
        } else {
            auto driver = layer::SnapshotDriver::detect(m_root + QStringLiteral("/tmp"));
            const_cast<Engine *>(this)->m_driver = driver ? driver->name() : QStringLiteral("copy");
            (void)fs::writeFileAtomic(marker, m_driver.toUtf8() + '\n');
        }
    }
    return m_driver;
}

QString Engine::layerDir(const QString &chainId) const
{
    return m_root + QStringLiteral("/layers/") + digestHex(chainId) + QStringLiteral("/diff");
}

Result<FileLock> Engine::lockStore() const
{
    return FileLock::acquire(m_root + QStringLiteral("/locks/store.lock"));
}

QString Engine::stagingPath(const QString &name) const
{
    return m_root + QStringLiteral("/tmp/") + QString::number(::getpid()) + QLatin1Char('-') + name;
}

Result<QString> Engine::makeStagingDir() const
{
    return fs::makeTempDir(m_root + QStringLiteral("/tmp"),
                           QString::number(::getpid()) + QLatin1Char('-'));
}

Status Engine::recordEvent(const QString &action, const QString &id, const QString &name)
{
    store::Event ev;
    ev.type = QStringLiteral("image");
    ev.action = action;
    ev.id = id;
    if (!name.isEmpty())
        ev.attributes.insert(QStringLiteral("name"), name);
    return m_events.append(ev);
}

QString familiarReference(const QString &full)
{
    auto ref = reference::Reference::parse(full);
    return ref.ok() ? ref->familiarString() : full;
}

Result<QString> Engine::resolveImage(const QString &name) const
{
    static const QRegularExpression hexPrefix(QStringLiteral("^(sha256:)?[0-9a-f]{1,64}$"));
    const bool maybeId = hexPrefix.match(name).hasMatch();
    QString shown = name;
    if (!name.startsWith(QLatin1String("sha256:"))) {
        auto ref = reference::Reference::parse(name);
        if (ref.ok()) {
            const reference::Reference full = ref->withDefaultTag();
            shown = full.familiarString();
            if (!full.digest.isEmpty()) {
                BERTH_TRY_ASSIGN(const auto all, m_meta->images());
                for (const store::ImageRecord &img : all) {
                    BERTH_TRY_ASSIGN(const QStringList digests, m_meta->repoDigestsOf(img.id));
                    if (digests.contains(full.name() + QLatin1Char('@') + full.digest) ||
                        img.manifestDigest == full.digest)
                        return img.id;
                }
            } else {
                BERTH_TRY_ASSIGN(const auto id, m_meta->imageForTag(full.string()));
                if (id)
                    return *id;
            }
        } else if (!maybeId) {
            return Error{ErrorCode::InvalidArgument, ref.error().message};
        }
    }
    if (maybeId) {
        BERTH_TRY_ASSIGN(const QStringList ids, m_meta->imageIdsWithPrefix(name));
        if (ids.size() == 1)
            return ids.first();
        if (ids.size() > 1)
            return Error{ErrorCode::Conflict,
                         tr("multiple IDs found with provided prefix: %1").arg(name)};
    }
    return Error{ErrorCode::NotFound, noSuchImage(shown)};
}

Result<image::ImageConfig> Engine::imageConfig(const QString &id) const
{
    BERTH_TRY_ASSIGN(const QByteArray raw, m_content->readBlob(id, false));
    return image::ImageConfig::parse(raw, tr("image %1").arg(digestHex(id).left(12)));
}

Result<QList<ImageSummary>> Engine::images(bool withLabels) const
{
    BERTH_TRY_ASSIGN(const auto records, m_meta->images(store::MetadataStore::Layers::Skip));
    BERTH_TRY_ASSIGN(const auto tags, m_meta->allTags());
    BERTH_TRY_ASSIGN(const auto digests, m_meta->allRepoDigests());
    QHash<QString, QStringList> tagsOf;
    for (const auto &t : tags)
        tagsOf[t.second] << familiarReference(t.first);
    QHash<QString, QStringList> digestsOf;
    for (const auto &d : digests)
        digestsOf[d.first] << familiarReference(d.second);
    QSet<QString> parents;
    for (const auto &r : records) {
        if (!r.parent.isEmpty())
            parents.insert(r.parent);
    }
    QList<ImageSummary> out;
    out.reserve(records.size());
    for (const store::ImageRecord &r : records) {
        ImageSummary s;
        s.id = r.id;
        s.repoTags = tagsOf.value(r.id);
        s.repoDigests = digestsOf.value(r.id);
        s.created = r.created;
        s.size = r.size;
        s.parent = r.parent;
        s.hasChildren = parents.contains(r.id);
        if (withLabels) {
            auto cfg = imageConfig(r.id);
            if (cfg.ok())
                s.labels = cfg->labels();
        }
        out << s;
    }
    std::sort(out.begin(), out.end(), [](const ImageSummary &a, const ImageSummary &b) {
        return a.created != b.created ? a.created > b.created : a.id < b.id;
    });
    return out;
}

Status Engine::rebuildIndexLocked()
{
    // Two bulk queries, not one per tag: this runs after every tag, rmi and load.
    BERTH_TRY_ASSIGN(const auto tags, m_meta->allTags());
    BERTH_TRY_ASSIGN(const auto records, m_meta->images(store::MetadataStore::Layers::Skip));
    QHash<QString, const store::ImageRecord *> byId;
    for (const store::ImageRecord &r : records)
        byId.insert(r.id, &r);
    QList<content::IndexEntry> entries;
    for (const auto &t : tags) {
        const store::ImageRecord *img = byId.value(t.second);
        if (img)
            entries << content::IndexEntry{t.first, img->manifestDigest, img->manifestSize,
                                           img->manifestMediaType};
    }
    return m_content->setIndex(entries);
}

Status Engine::tag(const QString &source, const QString &target)
{
    BERTH_TRY_ASSIGN(const QString id, resolveImage(source));
    auto ref = reference::Reference::parse(target);
    if (!ref.ok())
        return Error{ErrorCode::InvalidArgument, ref.error().message};
    if (!ref->digest.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     tr("refusing to create a tag with a digest reference")};
    const reference::Reference full = ref->withDefaultTag();
    BERTH_TRY_ASSIGN(FileLock lock, lockStore());
    BERTH_TRY_ASSIGN(const QString previous, m_meta->setTag(full.string(), id));
    BERTH_TRY(rebuildIndexLocked());
    lock.release();
    if (previous != id)
        (void)recordEvent(QStringLiteral("tag"), id, full.familiarString());
    return {};
}

Result<QList<RemovedItem>> Engine::removeImage(const QString &name, bool force)
{
    BERTH_TRY_ASSIGN(FileLock lock, lockStore());
    BERTH_TRY_ASSIGN(const QString id, resolveImage(name));
    BERTH_TRY_ASSIGN(const QStringList tags, m_meta->tagsOf(id));
    BERTH_TRY_ASSIGN(const QStringList containers, m_meta->containersUsingImage(id));
    const QString shortId = digestHex(id).left(12);
    QList<RemovedItem> out;

    // Named by one of its tags: with other tags left, or a container still
    // using it and force given, that tag is all that goes (docker's rule).
    QString byTag;
    if (!name.startsWith(QLatin1String("sha256:"))) {
        auto parsed = reference::Reference::parse(name);
        if (parsed.ok() && parsed->digest.isEmpty()) {
            const QString full = parsed->withDefaultTag().string();
            if (tags.contains(full))
                byTag = full;
        }
    }
    // docker's rule: a running container is a hard conflict (even forced); a
    // stopped one only without force. Forced, the image goes and its layers stay
    // for the container (it recorded them at create).
    QString running;
    for (const QString &c : containers) {
        if (containerRunning(c)) {
            running = c;
            break;
        }
    }
    if (!byTag.isEmpty()) {
        if (tags.size() > 1) {
            BERTH_TRY(m_meta->removeTag(byTag));
            BERTH_TRY(rebuildIndexLocked());
            lock.release();
            (void)recordEvent(QStringLiteral("untag"), id, familiarReference(byTag));
            return QList<RemovedItem>{{RemovedItem::Untagged, familiarReference(byTag)}};
        }
        if (!containers.isEmpty() && !force)
            return Error{ErrorCode::Conflict,
                         tr("conflict: unable to remove repository reference \"%1\" (must force) "
                            "- container %2 is using its referenced image %3")
                             .arg(name, containers.first().left(12), shortId)};
        if (!running.isEmpty())
            return Error{ErrorCode::Conflict,
                         tr("conflict: unable to delete %1 (cannot be forced) - image is being "
                            "used by running container %2")
                             .arg(shortId, running.left(12))};
    } else {
        if (tags.size() > 1 && !force)
            return Error{ErrorCode::Conflict,
                         tr("conflict: unable to delete %1 (must be forced) - image is referenced "
                            "in multiple repositories")
                             .arg(shortId)};
        if (!running.isEmpty())
            return Error{ErrorCode::Conflict,
                         tr("conflict: unable to delete %1 (cannot be forced) - image is being "
                            "used by running container %2")
                             .arg(shortId, running.left(12))};
        if (!containers.isEmpty() && !force)
            return Error{ErrorCode::Conflict,
                         tr("conflict: unable to delete %1 (must be forced) - image is being "
                            "used by stopped container %2")
                             .arg(shortId, containers.first().left(12))};
    }
    BERTH_TRY_ASSIGN(const auto all, m_meta->images());
    for (const store::ImageRecord &r : all) {
        if (r.parent == id)
            return Error{ErrorCode::Conflict,
                         tr("conflict: unable to delete %1 (cannot be forced) - image has "
                            "dependent child images")
                             .arg(shortId)};
    }
    BERTH_TRY_ASSIGN(const QStringList digests, m_meta->repoDigestsOf(id));
    for (const QString &t : tags)
        out << RemovedItem{RemovedItem::Untagged, familiarReference(t)};
    for (const QString &d : digests)
        out << RemovedItem{RemovedItem::Untagged, familiarReference(d)};
    BERTH_TRY(m_meta->removeImage(id));
    out << RemovedItem{RemovedItem::Deleted, id};
    qint64 reclaimed = 0;
    BERTH_TRY(collectGarbageLocked(&out, &reclaimed));
    BERTH_TRY(rebuildIndexLocked());
    lock.release();
    for (const RemovedItem &item : out) {
        if (item.kind == RemovedItem::Untagged)
            (void)recordEvent(QStringLiteral("untag"), id, item.what);
    }
    (void)recordEvent(QStringLiteral("delete"), id, QString());
    return out;
}

bool Engine::containerRunning(const QString &id) const
{
    auto info = Containers(const_cast<Engine &>(*this)).info(id);
    return info.ok() &&
           (info->state.isRunning() || info->state.status == ContainerState::Restarting);
}

Result<QSet<QString>> Engine::layersHeldByContainers() const
{
    BERTH_TRY_ASSIGN(const auto containers, m_meta->containers());
    QSet<QString> held;
    for (const store::ContainerRecord &c : containers) {
        const QJsonArray layers =
            QJsonDocument::fromJson(c.config).object().value(QLatin1String("Layers")).toArray();
        for (const QJsonValue &l : layers)
            held.insert(l.toString());
    }
    return held;
}

Status Engine::collectGarbageLocked(QList<RemovedItem> *deleted, qint64 *reclaimed)
{
    // Layers first (top of each dead chain before its parent), then blobs that
    // nothing refers to any more.
    QSet<QString> candidateBlobs;
    for (;;) {
        BERTH_TRY_ASSIGN(const QStringList dead, m_meta->unreferencedLayers());
        if (dead.isEmpty())
            break;
        BERTH_TRY_ASSIGN(const QSet<QString> held, layersHeldByContainers());
        bool removedAny = false;
        for (const QString &chain : dead) {
            if (held.contains(chain))
                continue;
            BERTH_TRY_ASSIGN(const auto rec, m_meta->layer(chain));
            if (!rec)
                continue;
            Status st = m_meta->removeLayer(chain);
            if (!st.ok()) {
                if (st.error().code == ErrorCode::Conflict)
                    continue; // still a parent of a live layer
                return st;
            }
            removedAny = true;
            candidateBlobs.insert(rec->blobDigest);
            if (reclaimed)
                *reclaimed += rec->size;
            // Loaded layers that nothing ran have no directory.
            BERTH_TRY(removeLayerDirectory(chain));
            if (deleted)
                *deleted << RemovedItem{RemovedItem::Deleted, chain};
        }
        if (!removedAny)
            break;
    }
    // Blobs: configs and manifests of deleted images plus layer blobs above.
    BERTH_TRY_ASSIGN(const auto images, m_meta->images());
    BERTH_TRY_ASSIGN(const auto layers, m_meta->layers());
    QSet<QString> live;
    for (const auto &img : images) {
        live.insert(img.id);
        live.insert(img.manifestDigest);
    }
    for (const auto &l : layers)
        live.insert(l.blobDigest);
    // Gzip blobs a push made from plain layers stay while their layer does.
    BERTH_TRY_ASSIGN(const QStringList compressed, m_meta->compressedBlobsInUse());
    for (const QString &d : compressed)
        live.insert(d);
    for (const Digest &d : m_content->allBlobs()) {
        if (!live.contains(d))
            candidateBlobs.insert(d);
    }
    for (const QString &d : candidateBlobs) {
        if (!live.contains(d))
            BERTH_TRY(m_content->removeBlob(d));
    }
    return {};
}

Status Engine::removeLayerDirectory(const QString &chainId)
{
    const QString dir = m_root + QStringLiteral("/layers/") + digestHex(chainId);
    const QString trash = stagingPath(QStringLiteral("rm-") + digestHex(chainId).left(16));
    if (::rename(QFile::encodeName(dir).constData(), QFile::encodeName(trash).constData()) == 0)
        return fs::removeTree(trash);
    return fs::removeTree(dir);
}

Status Engine::ensureUnpacked(const QStringList &chainIdsBottomFirst, const Progress &progress)
{
    for (const QString &chain : chainIdsBottomFirst) {
        BERTH_TRY_ASSIGN(const auto rec, m_meta->layer(chain));
        if (!rec)
            return Error{ErrorCode::NotFound, tr("unpack layer %1: no such layer").arg(chain)};
        if (!rec->unpacked)
            BERTH_TRY(unpackLayer(chain, progress));
    }
    return {};
}

Status Engine::unpackLayer(const QString &chainId, const Progress &progress)
{
    const QString operation = tr("unpack layer %1").arg(chainId);
    const QString hex = digestHex(chainId);
    // One process unpacks a layer at a time; one that waited finds it done.
    BERTH_TRY_ASSIGN(FileLock layerLock,
                     FileLock::acquire(m_root + QStringLiteral("/locks/layer-") + hex +
                                       QStringLiteral(".lock")));
    BERTH_TRY_ASSIGN(const auto rec, m_meta->layer(chainId));
    if (!rec)
        return Error{ErrorCode::NotFound, tr("%1: no such layer").arg(operation)};
    if (rec->unpacked)
        return {};
    // A directory that is not marked unpacked while we hold the layer's lock is
    // what a crash left (between the rename and the mark): it is made again.
    BERTH_TRY(removeLayerDirectory(chainId));

    BERTH_TRY_ASSIGN(const QString staging, makeStagingDir());
    // After the rename the staging directory is gone and this finds nothing.
    auto cleanup = qScopeGuard([&] { (void)fs::removeTree(staging); });
    const QString diff = staging + QStringLiteral("/diff");
    BERTH_TRY(fs::makeDirs(diff, 0755));
    const QString blob = m_content->blobPath(rec->blobDigest);
    const int fd = ::open(QFile::encodeName(blob).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open layer blob"), blob).prefixed(operation);
    auto closeBlob = qScopeGuard([fd] { ::close(fd); });
    FdReader reader(fd, blob);
    layer::ApplyOptions options;
    options.preserveOwners = ::geteuid() == 0;
    options.progress = progress;
    BERTH_TRY_ASSIGN(const layer::ApplyResult applied, layer::applyLayer(reader, diff, options));
    if (applied.diffId != rec->diffId)
        return Error{ErrorCode::Corrupt,
                     tr("%1: its blob %2 unpacks to diffID %3, not %4")
                         .arg(operation, rec->blobDigest, applied.diffId, rec->diffId)};

    // One syncfs makes every unpacked file durable before the directory gets
    // its real name (cheaper than an fsync per file).
    const int dirFd =
        ::open(QFile::encodeName(staging).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0)
        return Error::fromErrno(errno, tr("open"), staging).prefixed(operation);
    const int synced = ::syncfs(dirFd);
    const int syncErrno = errno;
    ::close(dirFd);
    if (synced != 0)
        return Error::fromErrno(syncErrno, tr("sync file system of"), staging).prefixed(operation);
    const QString dir = m_root + QStringLiteral("/layers/") + hex;
    if (::rename(QFile::encodeName(staging).constData(), QFile::encodeName(dir).constData()) != 0)
        return Error::fromErrno(errno, tr("rename layer directory"), dir).prefixed(operation);
    BERTH_TRY(fs::syncDir(m_root + QStringLiteral("/layers")));

    BERTH_TRY_ASSIGN(FileLock storeLock, lockStore());
    Status marked = m_meta->setLayerUnpacked(chainId);
    if (marked.ok())
        return {};
    (void)removeLayerDirectory(chainId);
    if (marked.error().code == ErrorCode::NotFound)
        return Error{ErrorCode::Conflict,
                     tr("%1: the layer was removed by another berth process").arg(operation)};
    return marked;
}

Result<PruneReport> Engine::pruneImages(bool all)
{
    PruneReport report;
    BERTH_TRY_ASSIGN(FileLock lock, lockStore());
    BERTH_TRY_ASSIGN(const auto list, images());
    QStringList removedIds;
    for (const ImageSummary &s : list) {
        BERTH_TRY_ASSIGN(const QStringList containers, m_meta->containersUsingImage(s.id));
        if (!containers.isEmpty() || s.hasChildren)
            continue;
        if (!all && !s.repoTags.isEmpty())
            continue;
        BERTH_TRY_ASSIGN(const QStringList tags, m_meta->tagsOf(s.id));
        for (const QString &t : tags)
            report.items << RemovedItem{RemovedItem::Untagged, familiarReference(t)};
        BERTH_TRY(m_meta->removeImage(s.id));
        report.items << RemovedItem{RemovedItem::Deleted, s.id};
        removedIds << s.id;
    }
    BERTH_TRY(collectGarbageLocked(&report.items, &report.reclaimedBytes));
    BERTH_TRY(rebuildIndexLocked());
    lock.release();
    for (const QString &id : removedIds)
        (void)recordEvent(QStringLiteral("delete"), id, QString());
    return report;
}

} // namespace berth
