// Writing layer tars from directories: the emitter turns one file-system
// entry into one normalized tar entry; two walkers decide which entries a
// layer holds (all of a diff directory, or what changed against the lowers).
#include "layer/Diff.h"

#include "layer/LayerFs.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <fcntl.h>
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

namespace berth::layer {

namespace {

using namespace detail;

// Large blocks keep the number of calls into the sink (often a compressor)
// low; the last block is not padded, so the tar ends after its end marker.
constexpr int kTarBlock = 1 << 20;
constexpr qint64 kFileChunk = 1 << 20;

struct ArchiveWriteDeleter
{
    // Marked failed first: a tar abandoned on an error must not get its end
    // blocks flushed into the sink (after close() this changes nothing).
    void operator()(struct archive *a) const
    {
        archive_write_fail(a);
        archive_write_free(a);
    }
};

class TarEmitter
{
public:
    // Errors are returned without the operation; the caller puts it in front.
    TarEmitter(Writer &out, const Progress &progress) : m_out(out), m_progress(progress) {}

    Status open()
    {
        m_archive.reset(archive_write_new());
        archive_write_set_format_pax_restricted(m_archive.get());
        archive_write_add_filter_none(m_archive.get());
        archive_write_set_bytes_per_block(m_archive.get(), kTarBlock);
        archive_write_set_bytes_in_last_block(m_archive.get(), 1);
        if (archive_write_open(m_archive.get(), this, nullptr, &TarEmitter::writeCallback,
                               nullptr) != ARCHIVE_OK)
            return archiveError(QString());
        return {};
    }

    // One entry for dirFd/name (stat in st), named tarPath in the tar.
    Status add(int dirFd, const QByteArray &name, const QByteArray &tarPath, const struct stat &st)
    {
        if (m_progress.cancelled())
            return makeError(ErrorCode::Cancelled, tr("cancelled"));
        const QString label = QFile::decodeName(tarPath);
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                        &archive_entry_free);
        const QByteArray entryName = S_ISDIR(st.st_mode) ? tarPath + '/' : tarPath;
        archive_entry_copy_pathname(e.get(), entryName.constData());
        archive_entry_set_uid(e.get(), st.st_uid);
        archive_entry_set_gid(e.get(), st.st_gid);
        archive_entry_set_perm(e.get(), st.st_mode & 07777);
        // Whole seconds, as Docker writes them: sub-second times would make
        // digests depend on the file system's timestamp granularity.
        archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);

        const bool regular = S_ISREG(st.st_mode);
        if (regular && st.st_nlink > 1) {
            const auto key = std::make_pair(st.st_dev, st.st_ino);
            const auto found = m_links.find(key);
            if (found != m_links.end()) {
                archive_entry_set_filetype(e.get(), AE_IFREG);
                archive_entry_copy_hardlink(e.get(), found->second.constData());
                archive_entry_set_size(e.get(), 0);
                return writeHeader(e.get(), label);
            }
            m_links.emplace(key, tarPath);
        }

        archive_entry_set_filetype(e.get(), st.st_mode & S_IFMT);
        if (S_ISLNK(st.st_mode)) {
            QByteArray target(qsizetype(st.st_size) + 1, Qt::Uninitialized);
            const ssize_t n =
                ::readlinkat(dirFd, name.constData(), target.data(), size_t(target.size()));
            if (n < 0)
                return Error::fromErrno(errno, tr("read symbolic link"), label);
            target.resize(n);
            archive_entry_copy_symlink(e.get(), target.constData());
        } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            archive_entry_set_rdev(e.get(), st.st_rdev);
        }
        if (regular)
            archive_entry_set_size(e.get(), st.st_size);

        auto xattrs = readXattrs(dirFd, name, label);
        if (!xattrs.ok())
            return xattrs.error();
        for (const auto &[key, value] : *xattrs)
            archive_entry_xattr_add_entry(e.get(), key.constData(), value.constData(),
                                          size_t(value.size()));

        if (!regular) {
            if (S_ISLNK(st.st_mode))
                m_fileBytes += st.st_size; // counted as Apply counts it
            return writeHeader(e.get(), label);
        }
        UniqueFd fd(::openat(dirFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd.valid())
            return Error::fromErrno(errno, tr("open file"), label);
        BERTH_TRY(writeHeader(e.get(), label));
        BERTH_TRY(writeContents(fd.get(), st.st_size, label));
        m_fileBytes += st.st_size;
        return {};
    }

    // An empty regular file marking a deletion (`.wh.NAME`) or an opaque
    // directory (`.wh..wh..opq`); its metadata is fixed so it never varies.
    Status addMarker(const QByteArray &tarPath)
    {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                        &archive_entry_free);
        archive_entry_copy_pathname(e.get(), tarPath.constData());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0);
        archive_entry_set_size(e.get(), 0);
        archive_entry_set_mtime(e.get(), 0, 0);
        return writeHeader(e.get(), QFile::decodeName(tarPath));
    }

    Result<DiffResult> close()
    {
        if (archive_write_close(m_archive.get()) != ARCHIVE_OK)
            return archiveError(QString());
        DiffResult result;
        result.tarSize = m_hash.bytes();
        result.diffId = m_hash.finish();
        result.fileBytes = m_fileBytes;
        return result;
    }

private:
    static la_ssize_t writeCallback(struct archive *a, void *client, const void *buffer,
                                    size_t size)
    {
        auto *self = static_cast<TarEmitter *>(client);
        const auto *data = static_cast<const char *>(buffer);
        Status written = self->m_out.write(data, qint64(size));
        if (!written.ok()) {
            self->m_sinkError = written.error();
            archive_set_error(a, EIO, "%s", written.error().message.toUtf8().constData());
            return -1;
        }
        self->m_hash.update(data, qsizetype(size));
        if (self->m_progress.onBytes)
            self->m_progress.onBytes(self->m_hash.bytes());
        return la_ssize_t(size);
    }

    Error archiveError(const QString &label) const
    {
        if (m_sinkError)
            return *m_sinkError;
        const QString cause = QString::fromUtf8(archive_error_string(m_archive.get()));
        if (label.isEmpty())
            return makeError(ErrorCode::Io, tr("write tar: %1").arg(cause));
        return makeError(ErrorCode::Io, tr("write tar entry \"%1\": %2").arg(label, cause));
    }

    Status writeHeader(archive_entry *e, const QString &label)
    {
        // ARCHIVE_WARN: a name that is not valid in the locale's charset is
        // stored as raw bytes (hdrcharset=BINARY), which is still correct.
        if (archive_write_header(m_archive.get(), e) < ARCHIVE_WARN)
            return archiveError(label);
        return {};
    }

    Status writeContents(int fd, qint64 size, const QString &label)
    {
        if (!m_chunk)
            m_chunk.reset(new char[kFileChunk]);
        qint64 left = size;
        while (left > 0) {
            const ssize_t n = ::read(fd, m_chunk.get(), size_t(std::min(left, kFileChunk)));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return Error::fromErrno(errno, tr("read file"), label);
            if (n == 0)
                return makeError(ErrorCode::Conflict,
                                 tr("read file %1: it shrank while it was read").arg(label));
            if (archive_write_data(m_archive.get(), m_chunk.get(), size_t(n)) < 0)
                return archiveError(label);
            left -= n;
        }
        return {};
    }

    Writer &m_out;
    const Progress &m_progress;
    std::unique_ptr<struct archive, ArchiveWriteDeleter> m_archive;
    Sha256 m_hash;
    std::optional<Error> m_sinkError;
    std::map<std::pair<dev_t, ino_t>, QByteArray> m_links;
    std::unique_ptr<char[]> m_chunk;
    qint64 m_fileBytes = 0;
};

Result<struct stat> statAt(int dirFd, const QByteArray &name, const QString &label)
{
    struct stat st;
    if (::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return Error::fromErrno(errno, tr("inspect"), label);
    return st;
}

Result<UniqueFd> openDirAt(int dirFd, const QByteArray &name, const QString &label)
{
    UniqueFd fd(::openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid())
        return Error::fromErrno(errno, tr("open directory"), label);
    return fd;
}

QByteArray whiteoutName(const QByteArray &name)
{
    return QByteArray(kWhiteoutPrefix) + name;
}

// Every entry of a diff directory, with overlayfs' markers turned into the
// layer format's.
Status tarTree(TarEmitter &tar, int dirFd, const QByteArray &relDir, const QString &root)
{
    const QString here = relDir.isEmpty() ? root : root + u'/' + QFile::decodeName(relDir);
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> names, listDir(dirFd, here));
    for (const QByteArray &name : names) {
        const QByteArray rel = joinPath(relDir, name);
        const QString label = root + u'/' + QFile::decodeName(rel);
        BERTH_TRY_ASSIGN(const struct stat st, statAt(dirFd, name, label));
        if (isWhiteoutDevice(st)) {
            BERTH_TRY(tar.addMarker(joinPath(relDir, whiteoutName(name))));
            continue;
        }
        BERTH_TRY(tar.add(dirFd, name, rel, st));
        if (!S_ISDIR(st.st_mode))
            continue;
        if (isOpaqueDir(dirFd, name))
            BERTH_TRY(tar.addMarker(joinPath(rel, kOpaqueMarker)));
        BERTH_TRY_ASSIGN(const UniqueFd child, openDirAt(dirFd, name, label));
        BERTH_TRY(tarTree(tar, child.get(), rel, root));
    }
    return {};
}

// dirFd/name and, for a directory, everything below it, as they are.
Status tarPlain(TarEmitter &tar, int dirFd, const QByteArray &name, const QByteArray &tarName)
{
    const QString label = QFile::decodeName(tarName);
    BERTH_TRY_ASSIGN(const struct stat st, statAt(dirFd, name, label));
    if (S_ISSOCK(st.st_mode))
        return {};
    BERTH_TRY(tar.add(dirFd, name, tarName, st));
    if (!S_ISDIR(st.st_mode))
        return {};
    BERTH_TRY_ASSIGN(const UniqueFd dir, openDirAt(dirFd, name, label));
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> names, listDir(dir.get(), label));
    for (const QByteArray &child : names)
        BERTH_TRY(tarPlain(tar, dir.get(), child, joinPath(tarName, child)));
    return {};
}

// The union of the lower layers: for each visible path, the layer it comes
// from and its stat.
struct LowerNode
{
    struct stat st
    {
    };
    std::map<QByteArray, std::unique_ptr<LowerNode>> children;
};

Status mergeLower(LowerNode &node, int dirFd, const QString &here)
{
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> names, listDir(dirFd, here));
    // The opaque marker hides the lower layers' entries of this directory
    // but not this layer's own, whatever their place in the listing.
    for (const QByteArray &name : names) {
        if (name == kOpaqueMarker)
            node.children.clear();
    }
    for (const QByteArray &name : names) {
        const QString label = here + u'/' + QFile::decodeName(name);
        if (name.startsWith(kWhiteoutMetaPrefix))
            continue;
        if (name.startsWith(kWhiteoutPrefix)) {
            node.children.erase(name.mid(qsizetype(sizeof kWhiteoutPrefix) - 1));
            continue;
        }
        BERTH_TRY_ASSIGN(const struct stat st, statAt(dirFd, name, label));
        if (isWhiteoutDevice(st)) {
            node.children.erase(name);
            continue;
        }
        std::unique_ptr<LowerNode> &slot = node.children[name];
        const bool mergeDir =
            S_ISDIR(st.st_mode) && slot && S_ISDIR(slot->st.st_mode) && !isOpaqueDir(dirFd, name);
        if (!mergeDir)
            slot = std::make_unique<LowerNode>();
        slot->st = st;
        if (S_ISDIR(st.st_mode)) {
            BERTH_TRY_ASSIGN(const UniqueFd child, openDirAt(dirFd, name, label));
            BERTH_TRY(mergeLower(*slot, child.get(), label));
        }
    }
    return {};
}

// Whether an entry differs from the lower one it shadows. A directory whose
// only change is its mtime (something inside it changed) is not itself a
// change, as in `docker diff`.
bool differs(const struct stat &now, const struct stat &was)
{
    if ((now.st_mode & S_IFMT) != (was.st_mode & S_IFMT) ||
        (now.st_mode & 07777) != (was.st_mode & 07777) || now.st_uid != was.st_uid ||
        now.st_gid != was.st_gid)
        return true;
    if (S_ISDIR(now.st_mode))
        return false;
    if ((S_ISCHR(now.st_mode) || S_ISBLK(now.st_mode)) && now.st_rdev != was.st_rdev)
        return true;
    return now.st_size != was.st_size || now.st_mtim.tv_sec != was.st_mtim.tv_sec ||
           now.st_mtim.tv_nsec != was.st_mtim.tv_nsec;
}

// Directories seen but not yet written: a directory goes into the tar only
// when something inside it does, so the unpacked layer gets its real mode.
struct PendingDir
{
    int parentFd;
    QByteArray name;
    QByteArray rel;
    struct stat st;
    bool written = false;
};

class ChangeWalker
{
public:
    ChangeWalker(TarEmitter &tar, const Progress &progress, QString root)
        : m_tar(tar), m_progress(progress), m_root(std::move(root))
    {
    }

    // Entries and whiteouts come in one name order, each whiteout where
    // the name it deletes would be.
    Status walk(int dirFd, const QByteArray &relDir, const LowerNode *lower)
    {
        const QString here = relDir.isEmpty() ? m_root : m_root + u'/' + QFile::decodeName(relDir);
        BERTH_TRY_ASSIGN(const std::vector<QByteArray> names, listDir(dirFd, here));
        static const std::map<QByteArray, std::unique_ptr<LowerNode>> kNone;
        const auto &lowerChildren = lower ? lower->children : kNone;
        auto lowerIt = lowerChildren.begin();
        // Lower entries sorting before `name` (all that are left, without
        // one) are gone from this directory.
        const auto whiteoutsBefore = [&](const QByteArray *name) -> Status {
            for (; lowerIt != lowerChildren.end() && (!name || lowerIt->first < *name); ++lowerIt) {
                BERTH_TRY(writePending());
                BERTH_TRY(m_tar.addMarker(joinPath(relDir, whiteoutName(lowerIt->first))));
            }
            return {};
        };
        for (const QByteArray &name : names) {
            BERTH_TRY(whiteoutsBefore(&name));
            const LowerNode *was = nullptr;
            if (lowerIt != lowerChildren.end() && lowerIt->first == name) {
                was = lowerIt->second.get();
                ++lowerIt;
            }
            BERTH_TRY(walkEntry(dirFd, relDir, name, was));
        }
        return whiteoutsBefore(nullptr);
    }

private:
    Status walkEntry(int dirFd, const QByteArray &relDir, const QByteArray &name,
                     const LowerNode *was)
    {
        // Checked here too: a large unchanged tree writes nothing for a while.
        if (m_progress.cancelled())
            return makeError(ErrorCode::Cancelled, tr("cancelled"));
        const QByteArray rel = joinPath(relDir, name);
        const QString label = m_root + u'/' + QFile::decodeName(rel);
        BERTH_TRY_ASSIGN(const struct stat st, statAt(dirFd, name, label));
        const bool changed = !was || differs(st, was->st);
        if (!S_ISDIR(st.st_mode)) {
            if (!changed)
                return {};
            BERTH_TRY(writePending());
            return m_tar.add(dirFd, name, rel, st);
        }
        m_pending.push_back(PendingDir{dirFd, name, rel, st});
        if (changed)
            BERTH_TRY(writePending());
        BERTH_TRY_ASSIGN(const UniqueFd child, openDirAt(dirFd, name, label));
        const bool sameType = was && S_ISDIR(was->st.st_mode);
        BERTH_TRY(walk(child.get(), rel, sameType ? was : nullptr));
        m_pending.pop_back();
        return {};
    }

    Status writePending()
    {
        for (PendingDir &dir : m_pending) {
            if (dir.written)
                continue;
            BERTH_TRY(m_tar.add(dir.parentFd, dir.name, dir.rel, dir.st));
            dir.written = true;
        }
        return {};
    }

    TarEmitter &m_tar;
    const Progress &m_progress;
    QString m_root;
    std::vector<PendingDir> m_pending;
};

// One tar stream: the entries walk() adds between the header work of open and
// the end-of-archive blocks of close; errors name the operation.
template <typename Walk>
Result<DiffResult> emitTar(Writer &out, const Progress &progress, const QString &operation,
                           Walk walk)
{
    TarEmitter tar(out, progress);
    Status walked = tar.open();
    if (walked.ok())
        walked = walk(tar);
    if (!walked.ok())
        return walked.error().prefixed(operation);
    auto result = tar.close();
    if (!result.ok())
        return result.error().prefixed(operation);
    return result;
}

} // namespace

Result<DiffResult> tarDiffDirectory(const QString &dir, Writer &out, const Progress &progress)
{
    const QString operation = tr("write layer tar of %1").arg(dir);
    UniqueFd root(::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.valid())
        return Error::fromErrno(errno, tr("open layer directory"), dir);
    return emitTar(out, progress, operation,
                   [&](TarEmitter &tar) { return tarTree(tar, root.get(), QByteArray(), dir); });
}

Result<DiffResult> tarPath(int dirFd, const QByteArray &name, const QByteArray &tarName,
                           Writer &out, const Progress &progress)
{
    const QString operation = tr("write tar of %1").arg(QFile::decodeName(tarName));
    return emitTar(out, progress, operation,
                   [&](TarEmitter &tar) { return tarPlain(tar, dirFd, name, tarName); });
}

Result<DiffResult> diffAgainstLowers(const QStringList &lowerDirsBottomFirst, const QString &dir,
                                     Writer &out, const Progress &progress)
{
    const QString operation = tr("write changes of %1").arg(dir);
    LowerNode lowers;
    for (const QString &lowerDir : lowerDirsBottomFirst) {
        UniqueFd fd(
            ::open(QFile::encodeName(lowerDir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd.valid())
            return Error::fromErrno(errno, tr("open layer directory"), lowerDir)
                .prefixed(operation);
        Status merged = mergeLower(lowers, fd.get(), lowerDir);
        if (!merged.ok())
            return merged.error().prefixed(operation);
    }

    UniqueFd root(::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.valid())
        return Error::fromErrno(errno, tr("open directory"), dir).prefixed(operation);
    TarEmitter tar(out, progress);
    ChangeWalker walker(tar, progress, dir);
    Status walked = tar.open();
    if (walked.ok())
        walked = walker.walk(root.get(), QByteArray(), &lowers);
    if (!walked.ok())
        return walked.error().prefixed(operation);
    auto result = tar.close();
    if (!result.ok())
        return result.error().prefixed(operation);
    return result;
}

} // namespace berth::layer
