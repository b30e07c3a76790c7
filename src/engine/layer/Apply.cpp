// Unpacking a layer tar: a TarStream (source, decompression, diffID hash on a
// reading thread) feeds libarchive, and the Unpacker turns each entry into a
// file-system object inside the root.
#include "layer/Apply.h"

#include "layer/LayerFs.h"
#include "layer/TarStream.h"
#include "util/Fs.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <map>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace berth::layer {

namespace {

using namespace detail;

// openat2(2) relative to the layer root, with the root acting as "/" for
// every step of the walk: `..` stops at it and absolute symlinks restart at
// it, so no path can resolve to anything outside. Entry paths are also walked
// without following any symlink (ELOOP): a tar whose entries go through a
// link it made ("evil -> /" then "evil/etc/passwd") is hostile or broken, and
// failing names it where silently redirecting would hide it. glibc 2.36 has
// no wrapper.
int openInRoot(int rootFd, const char *path, int flags)
{
    open_how how{};
    how.flags = quint64(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS;
    for (;;) {
        const long fd = ::syscall(SYS_openat2, rootFd, path, &how, sizeof how);
        // EAGAIN: a concurrent rename raced the walk; the kernel asks to retry.
        if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
            return int(fd);
    }
}

// What a directory gets once everything inside it is written: its mode (it
// is kept writable until then) and its times (creating children changes them).
struct DirMeta
{
    mode_t mode = 0755;
    bool hasTimes = false;
    timespec times[2]{};
};

class Unpacker
{
public:
    Unpacker(struct archive *archive, int rootFd, const ApplyOptions &options)
        : m_archive(archive), m_root(rootFd), m_options(options)
    {
    }

    Status entry(archive_entry *e);
    Status finishDirectories();
    qint64 fileBytes() const { return m_fileBytes; }

private:
    // Everything the handlers need about the entry at hand.
    struct Target
    {
        archive_entry *e;
        QByteArray path;       // normalized, relative to the root
        QByteArray parentPath; // path without its last component
        QString label;         // the name as the tar spells it, for messages
        int parent = -1;       // O_PATH fd of the resolved parent directory (borrowed)
        QByteArray base;       // last component
    };

    Result<UniqueFd> openParent(const std::vector<QByteArray> &components, qsizetype count);
    Status applyRoot(archive_entry *e, const QString &label);
    Status applyWhiteout(Target &t);
    Status replaceExisting(Target &t, bool isDir);
    Status writeFile(Target &t);
    Status makeDirectory(Target &t);
    Status makeSymlink(Target &t);
    Status makeNode(Target &t, mode_t type);
    Status makeHardlink(Target &t, const char *linkName);
    Status setOwner(Target &t);
    Status setXattrs(Target &t);
    Status setTimes(Target &t);
    void forgetDirectories(const QByteArray &path);
    static DirMeta metaOf(archive_entry *e);

    struct archive *m_archive;
    int m_root;
    const ApplyOptions &m_options;
    std::map<QByteArray, DirMeta> m_dirs;
    // The last parent directory opened, and its path.
    UniqueFd m_parent;
    QByteArray m_parentPath;
    qint64 m_fileBytes = 0;
};

// The first `count` components as a directory inside the root, creating any
// that are missing (tars may omit parent entries). Resolution follows
// symlinks the layer made, but always inside the root.
Result<UniqueFd> Unpacker::openParent(const std::vector<QByteArray> &components, qsizetype count)
{
    QByteArray path;
    for (qsizetype i = 0; i < count; ++i)
        path = joinPath(path, components[size_t(i)]);
    if (path.isEmpty())
        path = ".";
    UniqueFd fd(openInRoot(m_root, path.constData(), O_PATH | O_DIRECTORY));
    if (fd.valid())
        return fd;
    if (errno == ELOOP)
        return makeError(ErrorCode::InvalidArgument,
                         tr("open directory %1: path goes through a symbolic link")
                             .arg(QFile::decodeName(path)));
    if (errno != ENOENT)
        return Error::fromErrno(errno, tr("open directory"), QFile::decodeName(path));

    UniqueFd current(openInRoot(m_root, ".", O_PATH | O_DIRECTORY));
    QByteArray prefix;
    for (qsizetype i = 0; i < count; ++i) {
        const QByteArray &component = components[size_t(i)];
        prefix = joinPath(prefix, component);
        UniqueFd next(openInRoot(m_root, prefix.constData(), O_PATH | O_DIRECTORY));
        if (!next.valid() && errno == ENOENT) {
            if (::mkdirat(current.get(), component.constData(), 0755) == 0)
                m_dirs[prefix] = DirMeta{};
            else if (errno != EEXIST)
                return Error::fromErrno(errno, tr("create directory"), QFile::decodeName(prefix));
            next = UniqueFd(openInRoot(m_root, prefix.constData(), O_PATH | O_DIRECTORY));
        }
        if (!next.valid() && errno == ELOOP)
            return makeError(ErrorCode::InvalidArgument,
                             tr("open directory %1: path goes through a symbolic link")
                                 .arg(QFile::decodeName(prefix)));
        if (!next.valid())
            return Error::fromErrno(errno, tr("open directory"), QFile::decodeName(prefix));
        current = std::move(next);
    }
    return current;
}

DirMeta Unpacker::metaOf(archive_entry *e)
{
    DirMeta meta;
    meta.mode = archive_entry_perm(e) & 07777;
    if (archive_entry_mtime_is_set(e)) {
        meta.hasTimes = true;
        meta.times[1] = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
        meta.times[0] = archive_entry_atime_is_set(e)
                            ? timespec{archive_entry_atime(e), archive_entry_atime_nsec(e)}
                            : meta.times[1];
    }
    return meta;
}

Status Unpacker::entry(archive_entry *e)
{
    const char *raw = archive_entry_pathname(e);
    const QString label = QString::fromUtf8(raw ? raw : "");
    BERTH_TRY_ASSIGN(std::vector<QByteArray> components, splitEntryName(raw, label));
    if (components.empty())
        return m_options.applyRootEntry ? applyRoot(e, label) : Status();

    Target t{e, {}, {}, label, -1, components.back()};
    for (size_t i = 0; i + 1 < components.size(); ++i)
        t.parentPath = joinPath(t.parentPath, components[i]);
    t.path = joinPath(t.parentPath, t.base);
    // Tars list a directory's entries together, so the parent is usually
    // the one the previous entry had. The cached fd cannot go stale: only an
    // entry of its own parent directory can replace it, and that entry moves
    // the cache to that parent first.
    if (!m_parent.valid() || m_parentPath != t.parentPath) {
        m_parent.reset();
        auto parent = openParent(components, qsizetype(components.size()) - 1);
        if (!parent.ok())
            return entryError(label, parent.error());
        m_parent = std::move(parent.value());
        m_parentPath = t.parentPath;
    }
    t.parent = m_parent.get();

    if (m_options.whiteouts == WhiteoutFormat::Overlay && t.base.startsWith(kWhiteoutPrefix))
        return applyWhiteout(t);

    if (const char *linkName = archive_entry_hardlink(e))
        return makeHardlink(t, linkName);

    const mode_t type = archive_entry_filetype(e);
    // Regular files, the bulk of a layer, find out about an existing entry
    // from their exclusive create instead of an extra stat.
    if (type != AE_IFREG)
        BERTH_TRY(replaceExisting(t, type == AE_IFDIR));
    switch (type) {
    case AE_IFREG:
        return writeFile(t);
    case AE_IFDIR:
        return makeDirectory(t);
    case AE_IFLNK:
        return makeSymlink(t);
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
        return makeNode(t, type);
    default:
        return entryError(label, ErrorCode::Unsupported,
                          tr("unsupported entry type %1").arg(quint32(type), 0, 8));
    }
}

// The "./" entry: the layer root's own owner, mode and times.
Status Unpacker::applyRoot(archive_entry *e, const QString &label)
{
    if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFDIR)
        return entryError(label, ErrorCode::InvalidArgument,
                          tr("the layer root can only be a directory"));
    if (m_options.preserveOwners && ::fchownat(m_root, "", uid_t(archive_entry_uid(e)),
                                               gid_t(archive_entry_gid(e)), AT_EMPTY_PATH) != 0)
        return entryError(label, Error::fromErrno(errno, tr("change owner")));
    m_dirs[QByteArray()] = metaOf(e);
    return {};
}

// Usual tar semantics: a new entry replaces what an earlier entry of the same
// tar put at that name, except that a directory over a directory merges.
Status Unpacker::replaceExisting(Target &t, bool isDir)
{
    struct stat st;
    if (::fstatat(t.parent, t.base.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return {};
        return entryError(t.label, Error::fromErrno(errno, tr("inspect existing entry")));
    }
    if (isDir && S_ISDIR(st.st_mode))
        return {};
    Status removed = removeAt(t.parent, t.base, QFile::decodeName(t.path));
    if (!removed.ok())
        return entryError(t.label, removed.error());
    forgetDirectories(t.path);
    return {};
}

void Unpacker::forgetDirectories(const QByteArray &path)
{
    m_dirs.erase(path);
    const QByteArray prefix = path + '/';
    for (auto it = m_dirs.lower_bound(prefix); it != m_dirs.end() && it->first.startsWith(prefix);)
        it = m_dirs.erase(it);
}

Status Unpacker::applyWhiteout(Target &t)
{
    if (t.base == kOpaqueMarker) {
        // The parent is O_PATH; setxattr through its /proc link reaches the
        // directory itself. Not best effort: losing it would show the lower
        // layers' files.
        Status st = writeXattr(t.parent, {}, "trusted.overlay.opaque", "y",
                               QFile::decodeName(t.path), false);
        if (!st.ok())
            return entryError(t.label, st.error());
        return {};
    }
    if (t.base.startsWith(kWhiteoutMetaPrefix))
        return {};

    t.base = t.base.mid(qsizetype(sizeof kWhiteoutPrefix) - 1);
    if (t.base.isEmpty() || t.base == "." || t.base == "..")
        return entryError(t.label, ErrorCode::InvalidArgument, tr("invalid whiteout name"));
    t.path = joinPath(t.parentPath, t.base);
    BERTH_TRY(replaceExisting(t, false));
    if (::mknodat(t.parent, t.base.constData(), S_IFCHR, makedev(0, 0)) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("create whiteout device")));
    BERTH_TRY(setOwner(t));
    return setTimes(t);
}

Status Unpacker::writeFile(Target &t)
{
    constexpr int kCreate = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::openat(t.parent, t.base.constData(), kCreate, 0600));
    if (!fd.valid() && errno == EEXIST) {
        BERTH_TRY(replaceExisting(t, false));
        fd = UniqueFd(::openat(t.parent, t.base.constData(), kCreate, 0600));
    }
    if (!fd.valid())
        return entryError(t.label, Error::fromErrno(errno, tr("create file")));
    const QString path = QFile::decodeName(t.path);
    qint64 position = 0;
    for (;;) {
        const void *data = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        const int rc = archive_read_data_block(m_archive, &data, &size, &offset);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc < ARCHIVE_WARN)
            return entryError(t.label, ErrorCode::Corrupt,
                              QString::fromUtf8(archive_error_string(m_archive)));
        // Sparse entries: the gap between blocks stays a hole.
        if (offset != position && ::lseek(fd.get(), offset, SEEK_SET) < 0)
            return entryError(t.label, Error::fromErrno(errno, tr("seek in file")));
        Status written =
            fs::writeAll(fd.get(), static_cast<const char *>(data), qint64(size), path);
        if (!written.ok())
            return entryError(t.label, written.error());
        position = offset + qint64(size);
    }
    const qint64 size = archive_entry_size(t.e);
    if (position < size && ::ftruncate(fd.get(), size) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("extend sparse file")));
    m_fileBytes += size;
    // Start writing the file back now, without waiting for it: the caller makes the
    // layer durable with one syncfs at the end, and a disk that has been busy all
    // along has little left to do then. Left to itself the kernel starts only once
    // a tenth of RAM is dirty, which a layer of a few GB on a desktop never reaches.
    if (size > 0)
        (void)::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);

    if (m_options.preserveOwners &&
        ::fchown(fd.get(), uid_t(archive_entry_uid(t.e)), gid_t(archive_entry_gid(t.e))) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("change owner")));
    // After chown, which clears setuid/setgid; before the xattrs, since
    // writing data or chown drop security.capability.
    if (::fchmod(fd.get(), archive_entry_perm(t.e) & 07777) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("change mode")));
    BERTH_TRY(setXattrs(t));
    const DirMeta meta = metaOf(t.e);
    if (meta.hasTimes && ::futimens(fd.get(), meta.times) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("set times")));
    return {};
}

Status Unpacker::makeDirectory(Target &t)
{
    // Kept owner-writable until finishDirectories(), so that entries can be
    // created in it even when its final mode is read-only.
    if (::mkdirat(t.parent, t.base.constData(), 0700) != 0 && errno != EEXIST)
        return entryError(t.label, Error::fromErrno(errno, tr("create directory")));
    BERTH_TRY(setOwner(t));
    BERTH_TRY(setXattrs(t));
    m_dirs[t.path] = metaOf(t.e);
    return {};
}

Status Unpacker::makeSymlink(Target &t)
{
    const char *target = archive_entry_symlink(t.e);
    if (::symlinkat(target ? target : "", t.parent, t.base.constData()) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("create symbolic link")));
    // Docker counts a symlink's own size (its target's length) in a layer's size.
    m_fileBytes += target ? qint64(std::strlen(target)) : 0;
    BERTH_TRY(setOwner(t));
    BERTH_TRY(setXattrs(t));
    return setTimes(t);
}

Status Unpacker::makeNode(Target &t, mode_t type)
{
    const dev_t dev =
        type == AE_IFIFO ? 0 : makedev(archive_entry_rdevmajor(t.e), archive_entry_rdevminor(t.e));
    if (::mknodat(t.parent, t.base.constData(), type | 0600, dev) != 0) {
        if (errno == EPERM && type != AE_IFIFO && m_options.skipDeviceNodes)
            return {};
        return entryError(t.label,
                          Error::fromErrno(errno, type == AE_IFIFO ? tr("create fifo")
                                                                   : tr("create device node")));
    }
    BERTH_TRY(setOwner(t));
    // mknodat() just made this name, so it is not a symlink to follow.
    if (::fchmodat(t.parent, t.base.constData(), archive_entry_perm(t.e) & 07777, 0) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("change mode")));
    BERTH_TRY(setXattrs(t));
    return setTimes(t);
}

Status Unpacker::makeHardlink(Target &t, const char *linkName)
{
    const QString targetLabel = QString::fromUtf8(linkName);
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> components, hardlinkTarget(linkName, t.label));
    QByteArray targetPath;
    for (const QByteArray &c : components)
        targetPath = joinPath(targetPath, c);
    if (targetPath == t.path)
        return {};

    // The target's directory resolves inside the root; its last component is
    // never followed (linkat without AT_SYMLINK_FOLLOW links a symlink itself).
    QByteArray dirPath;
    for (size_t i = 0; i + 1 < components.size(); ++i)
        dirPath = joinPath(dirPath, components[i]);
    UniqueFd targetDir(
        openInRoot(m_root, dirPath.isEmpty() ? "." : dirPath.constData(), O_PATH | O_DIRECTORY));
    if (!targetDir.valid() && errno == ELOOP)
        return entryError(
            t.label, ErrorCode::InvalidArgument,
            tr("hard link target \"%1\" goes through a symbolic link").arg(targetLabel));
    if (!targetDir.valid())
        return entryError(t.label,
                          Error::fromErrno(errno, tr("find hard link target"), targetLabel));
    BERTH_TRY(replaceExisting(t, false));
    if (::linkat(targetDir.get(), components.back().constData(), t.parent, t.base.constData(), 0) !=
        0)
        return entryError(t.label, Error::fromErrno(errno, tr("create hard link to"), targetLabel));
    return {};
}

Status Unpacker::setOwner(Target &t)
{
    if (!m_options.preserveOwners)
        return {};
    if (::fchownat(t.parent, t.base.constData(), uid_t(archive_entry_uid(t.e)),
                   gid_t(archive_entry_gid(t.e)), AT_SYMLINK_NOFOLLOW) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("change owner")));
    return {};
}

Status Unpacker::setXattrs(Target &t)
{
    const char *key = nullptr;
    const void *value = nullptr;
    size_t size = 0;
    if (archive_entry_xattr_reset(t.e) == 0)
        return {};
    while (archive_entry_xattr_next(t.e, &key, &value, &size) == ARCHIVE_OK) {
        if (!isLayerXattr(key))
            continue;
        Status st = writeXattr(t.parent, t.base, key,
                               QByteArray(static_cast<const char *>(value), qsizetype(size)),
                               QFile::decodeName(t.path));
        if (!st.ok())
            return entryError(t.label, st.error());
    }
    return {};
}

Status Unpacker::setTimes(Target &t)
{
    const DirMeta meta = metaOf(t.e);
    if (meta.hasTimes &&
        ::utimensat(t.parent, t.base.constData(), meta.times, AT_SYMLINK_NOFOLLOW) != 0)
        return entryError(t.label, Error::fromErrno(errno, tr("set times")));
    return {};
}

Status Unpacker::finishDirectories()
{
    // Children first: a parent's final mode may no longer let its owner in.
    for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it) {
        const QByteArray &path = it->first;
        const DirMeta &meta = it->second;
        UniqueFd fd(openInRoot(m_root, path.isEmpty() ? "." : path.constData(),
                               O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
        const QString name = path.isEmpty() ? QStringLiteral(".") : QFile::decodeName(path);
        if (!fd.valid())
            return Error::fromErrno(errno, tr("open directory"), name);
        if (::fchmod(fd.get(), meta.mode) != 0)
            return Error::fromErrno(errno, tr("change mode of"), name);
        if (meta.hasTimes && ::futimens(fd.get(), meta.times) != 0)
            return Error::fromErrno(errno, tr("set times of"), name);
    }
    return {};
}

} // namespace

Result<ApplyResult> applyLayer(Reader &in, const QString &root, const ApplyOptions &options)
{
    UniqueFd rootFd(::open(QFile::encodeName(root).constData(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!rootFd.valid())
        return Error::fromErrno(errno, tr("open layer directory"), root);
    return applyTarAt(in, rootFd.get(), tr("unpack layer into %1").arg(root), options);
}

Result<ApplyResult> applyTarAt(Reader &in, int rootFd, const QString &operation,
                               const ApplyOptions &options)
{
    TarStream tar(in, options.progress, HashOn::ReadingThread, operation);
    BERTH_TRY(tar.open());
    Unpacker unpacker(tar.archive(), rootFd, options);
    for (;;) {
        BERTH_TRY_ASSIGN(archive_entry *const entry, tar.next());
        if (!entry)
            break;
        if (options.progress.cancelled())
            return cancelledError(operation);
        Status st = unpacker.entry(entry);
        if (!st.ok())
            return tar.failed(st.error());
    }
    ApplyResult result;
    BERTH_TRY_ASSIGN(result.diffId, tar.finish(&result.tarSize));
    Status finished = unpacker.finishDirectories();
    if (!finished.ok())
        return finished.error().prefixed(operation);
    result.fileBytes = unpacker.fileBytes();
    return result;
}

} // namespace berth::layer
