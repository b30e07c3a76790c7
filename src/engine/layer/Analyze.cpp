// Reading a layer tar into entries, replaying a stack of layers over an
// in-memory union of paths, and dive's wasted-space arithmetic (Analyze.h).
#include "layer/Analyze.h"

#include "layer/LayerFs.h"
#include "layer/TarStream.h"

#include <QHash>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <climits>

namespace berth::layer {

namespace {

using namespace detail;

QByteArray parentPath(const QByteArray &path)
{
    const qsizetype slash = path.lastIndexOf('/');
    return slash < 0 ? QByteArray() : path.left(slash);
}

QByteArray baseName(const QByteArray &path)
{
    return path.mid(path.lastIndexOf('/') + 1);
}

Result<EntryType> entryType(archive_entry *e, const QString &label)
{
    switch (archive_entry_filetype(e)) {
    case AE_IFREG:
        return EntryType::File;
    case AE_IFDIR:
        return EntryType::Directory;
    case AE_IFLNK:
        return EntryType::Symlink;
    case AE_IFCHR:
        return EntryType::CharDevice;
    case AE_IFBLK:
        return EntryType::BlockDevice;
    case AE_IFIFO:
        return EntryType::Fifo;
    default:
        return entryError(
            label, ErrorCode::Unsupported,
            tr("unsupported entry type %1").arg(quint32(archive_entry_filetype(e)), 0, 8));
    }
}

Result<QByteArray> hashData(struct archive *a)
{
    Sha256 hash;
    for (;;) {
        const void *data = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        const int rc = archive_read_data_block(a, &data, &size, &offset);
        if (rc == ARCHIVE_EOF)
            return hash.finish().toLatin1();
        if (rc < ARCHIVE_WARN)
            return Error{ErrorCode::Corrupt, QString::fromUtf8(archive_error_string(a))};
        hash.update(static_cast<const char *>(data), qsizetype(size));
    }
}

// An entry read from the tar: the parts of it a layer means.
Result<std::optional<TarEntry>> toEntry(archive_entry *e, const ReadOptions &options,
                                        struct archive *a)
{
    const char *raw = archive_entry_pathname(e);
    const QString label = QString::fromUtf8(raw ? raw : "");
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> components, splitEntryName(raw, label));
    if (components.empty())
        return std::optional<TarEntry>();
    TarEntry entry;
    entry.mode = quint32(archive_entry_perm(e));
    entry.uid = archive_entry_uid(e);
    entry.gid = archive_entry_gid(e);
    const QByteArray &base = components.back();
    if (base.startsWith(kWhiteoutPrefix)) {
        if (base == kOpaqueMarker) {
            entry.opaque = true;
            entry.type = EntryType::Directory;
            entry.path = joinComponents(components, components.size() - 1);
            return std::optional<TarEntry>(std::move(entry));
        }
        if (base.startsWith(kWhiteoutMetaPrefix))
            return std::optional<TarEntry>();
        const QByteArray hidden = base.mid(qsizetype(sizeof kWhiteoutPrefix) - 1);
        if (hidden.isEmpty() || hidden == "." || hidden == "..")
            return entryError(label, ErrorCode::InvalidArgument, tr("invalid whiteout name"));
        entry.whiteout = true;
        entry.path = joinPath(joinComponents(components, components.size() - 1), hidden);
        return std::optional<TarEntry>(std::move(entry));
    }
    entry.path = joinComponents(components, components.size());
    if (const char *linkName = archive_entry_hardlink(e)) {
        BERTH_TRY_ASSIGN(const std::vector<QByteArray> target, hardlinkTarget(linkName, label));
        entry.linkTarget = joinComponents(target, target.size());
        if (entry.linkTarget == entry.path)
            return std::optional<TarEntry>();
        entry.type = EntryType::HardLink;
        return std::optional<TarEntry>(std::move(entry));
    }
    BERTH_TRY_ASSIGN(entry.type, entryType(e, label));
    if (entry.type == EntryType::Symlink) {
        const char *target = archive_entry_symlink(e);
        entry.linkTarget = target ? QByteArray(target) : QByteArray();
    } else if (entry.type == EntryType::File) {
        entry.size = archive_entry_size(e);
        if (options.hashContents) {
            auto hash = hashData(a);
            if (!hash.ok())
                return entryError(label, hash.error());
            entry.contentHash = *hash;
        }
    }
    return std::optional<TarEntry>(std::move(entry));
}

using Item = UnionItem;

Item itemOf(const TarEntry &e, int layer)
{
    return Item{e.type, e.size, e.mode, e.uid, e.gid, e.linkTarget, layer};
}

// What one layer's replay tells the analysis besides the union it leaves.
struct Record
{
    struct Changed
    {
        Change change = Change::None;
        bool opaque = false;
        qint64 size = 0; // the file's, or the bytes a deletion hides
        Item item;
    };
    std::map<QByteArray, Changed> changes;
    QList<HiddenFile> hidden;
    // dive's tree of this layer: its node name as the tar spells it (a
    // whiteout keeps its `.wh.`) -> the path it counts for and its size.
    QHash<QByteArray, QPair<QByteArray, qint64>> diveNodes;
};

struct Removed
{
    qint64 bytes = 0;  // every removed file's, as the union had them (dive's figure)
    qint64 hidden = 0; // those no link left in the union still shows
};

// A hard link still in the union to the bytes that were at path, which takes
// them over; null when none is left.
Item *survivingLink(Union &u, const QByteArray &path)
{
    const auto [first, last] = u.links.equal_range(path);
    for (auto it = first; it != last; ++it) {
        const auto link = u.items.find(it->second);
        if (link != u.items.end() && link->second.type == EntryType::HardLink &&
            link->second.size == 0) {
            for (auto other = first; other != last; ++other) {
                if (other != it)
                    u.links.emplace(it->second, other->second);
            }
            return &link->second;
        }
    }
    return nullptr;
}

// Removes path (with includeSelf) and everything below it whose layer is
// below belowLayer.
Removed removeTree(Union &u, const QByteArray &path, bool includeSelf, int belowLayer,
                   HiddenFile::Reason reason, int layer, Record *record)
{
    Removed out;
    std::vector<std::pair<QByteArray, Item>> withBytes;
    auto removed = [&](const QByteArray &p, const Item &item) {
        out.bytes += item.size;
        if (item.size > 0 && (item.type == EntryType::File || item.type == EntryType::HardLink))
            withBytes.emplace_back(p, item);
    };
    if (includeSelf) {
        auto self = u.items.find(path);
        if (self != u.items.end() && self->second.layer < belowLayer) {
            removed(self->first, self->second);
            u.items.erase(self);
        }
    }
    const QByteArray prefix = path + '/';
    for (auto it = u.items.lower_bound(prefix);
         it != u.items.end() && it->first.startsWith(prefix);) {
        if (it->second.layer < belowLayer) {
            removed(it->first, it->second);
            it = u.items.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto &[p, item] : withBytes) {
        if (Item *link = u.links.empty() ? nullptr : survivingLink(u, p)) {
            link->size = item.size;
            continue;
        }
        out.hidden += item.size;
        if (record)
            record->hidden.append(HiddenFile{p, item.size, item.layer, layer, reason});
    }
    return out;
}

void addParents(Union &u, const QByteArray &path, int layer)
{
    for (qsizetype slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
        const QByteArray parent = path.left(slash);
        if (u.items.find(parent) == u.items.end())
            u.items.emplace(parent, Item{EntryType::Directory, 0, 0755, 0, 0, {}, layer});
    }
}

// Replays one layer over the union as an unpack and overlayfs would see it.
void replayLayer(Union &u, int layer, const QList<TarEntry> &entries, Record *record)
{
    for (const TarEntry &e : entries) {
        const auto existing = u.items.find(e.path);
        const bool existed = existing != u.items.end();
        const bool wasDir = existed && existing->second.type == EntryType::Directory;
        if (e.whiteout) {
            const Removed gone =
                removeTree(u, e.path, true, INT_MAX, HiddenFile::Deleted, layer, record);
            if (record) {
                auto &c = record->changes[e.path];
                c.change = Change::Deleted;
                c.size = gone.hidden;
                c.item = Item{};
                c.item.layer = layer;
                const QByteArray parent = parentPath(e.path);
                const QByteArray node = (parent.isEmpty() ? QByteArray() : parent + '/') +
                                        kWhiteoutPrefix + baseName(e.path);
                record->diveNodes.insert(node, {e.path, wasDir ? gone.bytes : 0});
            }
            continue;
        }
        if (e.opaque) {
            removeTree(u, e.path, false, layer, HiddenFile::OpaqueDir, layer, record);
            if (!existed) {
                addParents(u, e.path, layer);
                u.items.emplace(e.path, Item{EntryType::Directory, 0, 0755, 0, 0, {}, layer});
            }
            if (record) {
                auto it = record->changes.find(e.path);
                if (it == record->changes.end()) {
                    it = record->changes.emplace(e.path, Record::Changed{}).first;
                    it->second.change = existed ? Change::None : Change::Added;
                    it->second.item = u.items.at(e.path);
                }
                it->second.opaque = true;
                if (!record->diveNodes.contains(e.path))
                    record->diveNodes.insert(e.path, {e.path, 0});
            }
            continue;
        }
        const bool isDir = e.type == EntryType::Directory;
        Change change = Change::Added;
        if (existed) {
            const Item &old = existing->second;
            change = (wasDir && isDir && old.mode == e.mode && old.uid == e.uid && old.gid == e.gid)
                         ? Change::None
                         : Change::Modified;
            if (!(wasDir && isDir))
                removeTree(u, e.path, true, INT_MAX, HiddenFile::Overwritten, layer, record);
        }
        addParents(u, e.path, layer);
        u.items[e.path] = itemOf(e, layer);
        if (e.type == EntryType::HardLink)
            u.links.emplace(e.linkTarget, e.path);
        if (record) {
            auto it = record->changes.find(e.path);
            if (it == record->changes.end())
                it = record->changes.emplace(e.path, Record::Changed{change, false, 0, {}}).first;
            else if (it->second.change == Change::Deleted)
                it->second.change = Change::Modified;
            it->second.size = e.size;
            it->second.item = itemOf(e, layer);
            record->diveNodes.insert(e.path, {e.path, e.size});
        }
    }
}

// Builds a FileTree from paths given parents first.
class TreeBuilder
{
public:
    // paths: how many paths will be added (parents not among them come on top).
    explicit TreeBuilder(qsizetype paths)
    {
        m_tree.nodes.reserve(paths + 1);
        m_index.reserve(paths + 1);
        m_tree.nodes.append(FileNode{});
        m_index.insert(QByteArray(), 0);
    }

    FileNode &node(const QByteArray &path) { return m_tree.nodes[indexOf(path)]; }

    FileTree finish()
    {
        QList<FileNode> &nodes = m_tree.nodes;
        for (FileNode &n : nodes) {
            n.totalSize = n.size;
            std::sort(n.children.begin(), n.children.end(),
                      [&nodes](int a, int b) { return nodes[a].name < nodes[b].name; });
        }
        for (qsizetype i = nodes.size() - 1; i > 0; --i) {
            if (nodes[i].change != Change::Deleted)
                nodes[nodes[i].parent].totalSize += nodes[i].totalSize;
        }
        return std::move(m_tree);
    }

private:
    int indexOf(const QByteArray &path)
    {
        const auto found = m_index.constFind(path);
        if (found != m_index.constEnd())
            return *found;
        const int parent = indexOf(parentPath(path));
        FileNode n;
        n.name = baseName(path);
        n.parent = parent;
        n.implied = true;
        const int index = int(m_tree.nodes.size());
        m_tree.nodes.append(std::move(n));
        m_tree.nodes[parent].children.append(index);
        m_index.insert(path, index);
        return index;
    }

    FileTree m_tree;
    QHash<QByteArray, int> m_index;
};

void fill(FileNode &n, const Item &item)
{
    n.implied = false;
    n.type = item.type;
    n.mode = item.mode;
    n.uid = item.uid;
    n.gid = item.gid;
    n.linkTarget = item.linkTarget;
    n.layer = item.layer;
    n.size = item.size;
}

} // namespace

Result<LayerEntries> readLayerEntries(Reader &in, const ReadOptions &options)
{
    const QString operation = tr("analyze layer");
    TarStream tar(in, options.progress, HashOn::ReadingThread, operation);
    BERTH_TRY(tar.open());
    LayerEntries out;
    for (;;) {
        BERTH_TRY_ASSIGN(archive_entry *const entry, tar.next());
        if (!entry)
            break;
        if (options.progress.cancelled())
            return cancelledError(operation);
        auto e = toEntry(entry, options, tar.archive());
        if (!e.ok())
            return tar.failed(e.error());
        if (*e)
            out.entries.append(std::move(**e));
    }
    BERTH_TRY_ASSIGN(out.diffId, tar.finish(&out.tarSize));
    return out;
}

QByteArray FileTree::path(int node) const
{
    QByteArray p;
    for (int i = node; i > 0; i = nodes.at(i).parent)
        p = p.isEmpty() ? nodes.at(i).name : nodes.at(i).name + '/' + p;
    return p;
}

int FileTree::find(const QByteArray &path) const
{
    if (nodes.isEmpty())
        return -1;
    int at = 0;
    for (const QByteArray &name : path.split('/')) {
        if (name.isEmpty())
            continue;
        const QList<int> &children = nodes.at(at).children;
        const auto it = std::lower_bound(
            children.begin(), children.end(), name,
            [this](int child, const QByteArray &n) { return nodes.at(child).name < n; });
        if (it == children.end() || nodes.at(*it).name != name)
            return -1;
        at = *it;
    }
    return at;
}

void LayerStack::addLayer(QList<TarEntry> entries)
{
    const int index = int(m_layers.size());
    Record record;
    replayLayer(m_union, index, entries, &record);

    Layer layer;
    for (const TarEntry &e : entries)
        layer.contentBytes += e.size;
    TreeBuilder tree(qsizetype(record.changes.size()));
    for (const auto &[path, c] : record.changes) {
        FileNode &n = tree.node(path);
        fill(n, c.item);
        n.change = c.change;
        n.opaque = c.opaque;
        n.size = c.size;
        switch (c.change) {
        case Change::Added:
            ++layer.counts.added;
            layer.counts.addedBytes += c.size;
            break;
        case Change::Modified:
            ++layer.counts.modified;
            layer.counts.modifiedBytes += c.size;
            break;
        case Change::Deleted:
            ++layer.counts.deleted;
            layer.counts.deletedBytes += c.size;
            break;
        case Change::None:
            break;
        }
    }
    layer.changes = tree.finish();

    // dive counts the leaves of each layer's own tree: nodes nothing else of
    // the same layer lies below.
    QSet<QByteArray> inner;
    for (auto it = record.diveNodes.cbegin(); it != record.diveNodes.cend(); ++it) {
        const QByteArray &node = it.key();
        // Longest parent first: one already known has its own parents too.
        for (qsizetype slash = node.lastIndexOf('/'); slash > 0;
             slash = node.lastIndexOf('/', slash - 1)) {
            const QByteArray parent = node.left(slash);
            if (inner.contains(parent))
                break;
            inner.insert(parent);
        }
    }
    for (auto it = record.diveNodes.cbegin(); it != record.diveNodes.cend(); ++it) {
        if (inner.contains(it.key()))
            continue;
        PathUse &use = m_pathUse[it->first];
        ++use.count;
        use.cumulative += it->second;
        if (use.smallest < 0 || it->second < use.smallest)
            use.smallest = it->second;
    }
    m_hidden += record.hidden;
    layer.entries = std::move(entries);
    m_layers.append(std::move(layer));
}

FileTree LayerStack::unionTree(int upTo) const
{
    Union u;
    for (int i = 0; i <= upTo && i < m_layers.size(); ++i)
        replayLayer(u, i, m_layers.at(i).entries, nullptr);
    TreeBuilder tree(qsizetype(u.items.size()));
    for (const auto &[path, item] : u.items)
        fill(tree.node(path), item);
    return tree.finish();
}

qint64 LayerStack::hiddenBytes() const
{
    qint64 total = 0;
    for (const HiddenFile &h : m_hidden)
        total += h.size;
    return total;
}

Efficiency LayerStack::efficiency() const
{
    Efficiency e;
    qint64 smallest = 0, cumulative = 0;
    for (const auto &[path, use] : m_pathUse) {
        smallest += use.smallest;
        cumulative += use.cumulative;
        if (use.count > 1) {
            e.files.append(InefficientFile{'/' + path, use.count, use.cumulative});
            e.wastedBytes += use.cumulative;
        }
    }
    e.score = cumulative == 0 ? 1.0 : double(smallest) / double(cumulative);
    std::stable_sort(e.files.begin(), e.files.end(),
                     [](const InefficientFile &a, const InefficientFile &b) {
                         return a.sizeBytes > b.sizeBytes;
                     });
    for (int i = 0; i < m_layers.size(); ++i) {
        e.sizeBytes += m_layers.at(i).contentBytes;
        if (i > 0)
            e.userSizeBytes += m_layers.at(i).contentBytes;
    }
    e.userWastedPercent = double(e.wastedBytes) / double(e.userSizeBytes);
    return e;
}

QList<FileDifference> diffLayers(const QList<TarEntry> &first, const QList<TarEntry> &second)
{
    std::map<QByteArray, const TarEntry *> a, b;
    for (const TarEntry &e : first)
        a[e.path] = &e;
    for (const TarEntry &e : second)
        b[e.path] = &e;
    QList<FileDifference> out;
    for (const auto &[path, e] : a) {
        const auto other = b.find(path);
        if (other == b.end()) {
            out.append(FileDifference{path, Change::Deleted, e->size, 0});
            continue;
        }
        const TarEntry *f = other->second;
        if (e->whiteout != f->whiteout || e->opaque != f->opaque || e->type != f->type ||
            e->size != f->size || e->contentHash != f->contentHash || e->mode != f->mode ||
            e->uid != f->uid || e->gid != f->gid || e->linkTarget != f->linkTarget)
            out.append(FileDifference{path, Change::Modified, e->size, f->size});
    }
    for (const auto &[path, f] : b) {
        if (a.find(path) == a.end())
            out.append(FileDifference{path, Change::Added, 0, f->size});
    }
    std::sort(out.begin(), out.end(),
              [](const FileDifference &x, const FileDifference &y) { return x.path < y.path; });
    return out;
}

} // namespace berth::layer
