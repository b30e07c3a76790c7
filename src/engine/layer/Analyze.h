// The layer explorer's model: what each layer of an image changes, what a
// container started from a given layer sees, and the space the stack wastes.
//
// A layer tar is read once into its entries (readLayerEntries: names, types,
// sizes, owners, no file data kept). A LayerStack then takes the layers bottom
// first and replays them as the unpack and overlayfs would, over an in-memory
// union of paths:
//   - `.wh.NAME` deletes NAME (and all below it) from the layers beneath;
//   - `DIR/.wh..wh..opq` hides everything the layers beneath had in DIR;
//   - any other entry adds a path, or replaces the one beneath (Modified).
// Every file whose bytes a replay hides is remembered with the layer that
// added it and the layer that hid it: those bytes still ship in the image
// (each layer is an immutable tar), but no container can see them. A hard
// link's bytes belong to the name the tar gave them first; when that name is
// hidden while a link to it stays, the link holds them from then on.
//
// The wasted-space figures follow dive (wagoodman/dive), so CI rules written
// for dive carry over: per layer, every leaf of that layer's own tree (an entry
// with nothing below it in the same tar, whiteouts included under the name they
// delete) counts once for its path; a path seen in two or more layers is an
// "inefficient file" whose cumulative size is what it cost in every layer
// (a whiteout of a directory costs the bytes it hides, of a file nothing). The
// efficiency score is the sum over all paths of the smallest size each had
// divided by the sum of their cumulative sizes; wasted bytes are the sum of the
// inefficient files' cumulative sizes; the user wasted percentage divides those
// by the size of every layer but the first. Two differences: dive ignores
// opaque markers, this model honours them (a directory whiteout under an
// opaque directory costs what the union really had there); and a whiteout of
// a path no layer beneath has costs nothing here, where dive stops counting
// the rest of that layer.
//
// Everything here is plain values and pure computation, so the GUI can run it
// on a worker thread and hand the results to its models.
#pragma once

#include "util/Digest.h"
#include "util/Stream.h"

#include <QByteArray>
#include <QList>

#include <map>

namespace berth::layer {

enum class EntryType : quint8 { File, Directory, Symlink, HardLink, CharDevice, BlockDevice, Fifo };

// One entry of a layer tar.
struct TarEntry
{
    QByteArray path; // "etc/passwd": components joined by '/', no "./"
    EntryType type = EntryType::File;
    bool whiteout = false; // `.wh.NAME`: path is the NAME it deletes
    bool opaque = false;   // `DIR/.wh..wh..opq`: path is DIR
    qint64 size = 0;       // a regular file's bytes; 0 for a hard link (its bytes count once)
    quint32 mode = 0;      // permission bits with setuid, setgid and sticky
    qint64 uid = 0;
    qint64 gid = 0;
    QByteArray linkTarget;  // a symlink's target, or the path a hard link names
    QByteArray contentHash; // sha256 of the file's bytes when asked for, else empty
};

struct ReadOptions
{
    // Hash every regular file's bytes (compare needs it to tell two files of
    // one size apart; the plain analysis does not read file data at all).
    bool hashContents = false;
    Progress progress; // onBytes: bytes of `in` read so far
};

struct LayerEntries
{
    QList<TarEntry> entries; // in tar order
    Digest diffId;
    qint64 tarSize = 0;
};

// `in` may be compressed (detected). Names are checked as scanLayer checks
// them; an entry a layer cannot hold fails with its name.
Result<LayerEntries> readLayerEntries(Reader &in, const ReadOptions &options = {});

namespace detail {
// A path of the union of the layers replayed so far.
struct UnionItem
{
    EntryType type = EntryType::Directory;
    qint64 size = 0;
    quint32 mode = 0;
    qint64 uid = 0;
    qint64 gid = 0;
    QByteArray linkTarget;
    int layer = 0;
};
struct Union
{
    std::map<QByteArray, UnionItem> items;
    // Hard links by the path holding their bytes; a pair whose link has since
    // been removed or replaced is skipped when read.
    std::multimap<QByteArray, QByteArray> links;
};
} // namespace detail

enum class Change : quint8 {
    None,     // not changed by this layer: a parent of a change, or same metadata
    Added,    // not in any layer beneath
    Modified, // replaces what a layer beneath had at this path
    Deleted,  // a whiteout: hides what the layers beneath had
};

struct FileNode
{
    QByteArray name; // empty for the root
    int parent = -1;
    QList<int> children; // sorted by name
    EntryType type = EntryType::Directory;
    Change change = Change::None;
    bool opaque = false;  // this layer hides what the layers beneath had in it
    bool implied = false; // not an entry of the tar, only the parent of one
    qint64 size = 0;      // a file's bytes; for a deletion, the bytes it hides
    // With everything below: a deleted child does not count in its parent.
    qint64 totalSize = 0;
    quint32 mode = 0;
    qint64 uid = 0;
    qint64 gid = 0;
    QByteArray linkTarget;
    int layer = -1; // the layer this entry comes from
};

// A file tree as a flat list (what a lazy tree model indexes): nodes[0] is the
// root, a parent always comes before its children.
struct FileTree
{
    QList<FileNode> nodes;

    QByteArray path(int node) const;        // "etc/passwd"; empty for the root
    int find(const QByteArray &path) const; // -1 when absent
};

struct ChangeCounts
{
    int added = 0;
    int modified = 0;
    int deleted = 0;
    qint64 addedBytes = 0;
    qint64 modifiedBytes = 0;
    qint64 deletedBytes = 0; // the bytes the deletions hide
};

// Bytes that ship in a layer but that no container can see.
struct HiddenFile
{
    enum Reason : quint8 {
        Deleted,     // a whiteout in a later layer
        Overwritten, // a later layer put another file, or a non-directory, there
        OpaqueDir,   // a later layer made a directory above it opaque
    };
    QByteArray path;
    qint64 size = 0;
    int addedBy = 0;
    int hiddenBy = 0;
    Reason reason = Deleted;
};

// dive's "inefficient file": a path that appears in more than one layer.
struct InefficientFile
{
    QByteArray path; // "/etc/passwd", dive's spelling
    int count = 0;
    qint64 sizeBytes = 0; // cumulative over the layers it appears in
};

struct Efficiency
{
    double score = 1.0;
    qint64 wastedBytes = 0;   // dive's inefficient bytes
    qint64 sizeBytes = 0;     // dive's image size: every entry's tar size, every layer
    qint64 userSizeBytes = 0; // the same without the first layer
    // wastedBytes / userSizeBytes; NaN when both are 0, infinity when only the
    // user size is (dive divides the same way).
    double userWastedPercent = 0;
    QList<InefficientFile> files; // largest cumulative size first
};

class LayerStack
{
public:
    // Adds the next layer up (the first call adds the base).
    void addLayer(QList<TarEntry> entries);
    int layerCount() const { return int(m_layers.size()); }

    // What layer `index` changes, with sizes rolled up per directory.
    const FileTree &changes(int index) const { return m_layers.at(index).changes; }
    ChangeCounts counts(int index) const { return m_layers.at(index).counts; }
    // dive's layer size: the tar sizes of all its entries.
    qint64 contentBytes(int index) const { return m_layers.at(index).contentBytes; }
    const QList<TarEntry> &entries(int index) const { return m_layers.at(index).entries; }

    // What a container started from layer upTo (0 = base) sees: every path of
    // layers 0..upTo after their deletions, each with the layer it comes from.
    FileTree unionTree(int upTo) const;

    const QList<HiddenFile> &hidden() const { return m_hidden; }
    qint64 hiddenBytes() const;
    Efficiency efficiency() const;

private:
    struct Layer
    {
        QList<TarEntry> entries;
        FileTree changes;
        ChangeCounts counts;
        qint64 contentBytes = 0;
    };
    struct PathUse
    {
        int count = 0;
        qint64 cumulative = 0;
        qint64 smallest = -1;
    };
    QList<Layer> m_layers;
    // The union of every layer added so far, kept so each layer is replayed once.
    detail::Union m_union;
    QList<HiddenFile> m_hidden;
    // dive's per-path tally, keyed by the path without the leading '/'.
    std::map<QByteArray, PathUse> m_pathUse;
};

// The differences between two layers' own changes (compare's first diverging
// pair): Added = only in `second`, Deleted = only in `first`, Modified = in
// both with another type, size, content, mode, owner or link target.
struct FileDifference
{
    QByteArray path;
    Change change = Change::Modified;
    qint64 firstSize = 0;
    qint64 secondSize = 0;
};
QList<FileDifference> diffLayers(const QList<TarEntry> &first, const QList<TarEntry> &second);

} // namespace berth::layer

// Moved by memcpy when a list grows: an image's trees hold hundreds of thousands.
Q_DECLARE_TYPEINFO(berth::layer::TarEntry, Q_RELOCATABLE_TYPE);
Q_DECLARE_TYPEINFO(berth::layer::FileNode, Q_RELOCATABLE_TYPE);
