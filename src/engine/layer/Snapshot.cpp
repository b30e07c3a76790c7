// The two snapshot drivers: overlay (a kernel overlayfs mount of the layer
// directories under a fresh upperdir) and copy (the layers copied one over the
// other into a plain directory, for where overlayfs cannot be mounted).
#include "layer/Snapshot.h"

#include "layer/LayerFs.h"
#include "util/Fs.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <map>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::layer {

namespace {

using namespace detail;

constexpr char kOverlay[] = "overlay";
constexpr char kCopy[] = "copy";

// Unmounts target if something is mounted there. A busy mount (a process
// still inside) is detached so that release never leaves it behind.
Status unmountIfMounted(const QString &target)
{
    const QByteArray path = QFile::encodeName(target);
    if (::umount2(path.constData(), UMOUNT_NOFOLLOW) == 0)
        return {};
    if (errno == EINVAL || errno == ENOENT)
        return {};
    if (errno == EBUSY && ::umount2(path.constData(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
        return {};
    return Error::fromErrno(errno, tr("unmount"), target);
}

// Layer paths must not hold the characters overlayfs' option parser treats
// as separators.
Status checkLayerPaths(const QStringList &paths)
{
    for (const QString &path : paths) {
        if (path.contains(u':') || path.contains(u',') || path.contains(u'\\'))
            return makeError(
                ErrorCode::InvalidArgument,
                tr("mount overlay: layer path %1 contains ':', ',' or '\\'").arg(path));
    }
    return {};
}

// The new mount API takes one lowerdir+ per layer (Linux 6.8), so it has no
// limit on the number of layers; mount(2) below takes one page of options.
Status mountOverlayPerLayer(const QStringList &lowersBottomFirst, const QString &upper,
                            const QString &work, const QString &target)
{
    const QString operation = tr("mount overlay on");
    UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fs.valid())
        return Error::fromErrno(errno, operation, target);
    const auto set = [&](const char *key, const QString &value) -> Status {
        if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, key, QFile::encodeName(value).constData(),
                       0) != 0)
            return Error::fromErrno(
                errno,
                tr("mount overlay on %1: set %2 %3").arg(target, QString::fromLatin1(key), value));
        return {};
    };
    for (auto it = lowersBottomFirst.crbegin(); it != lowersBottomFirst.crend(); ++it)
        BERTH_TRY(set("lowerdir+", *it));
    BERTH_TRY(set("upperdir", upper));
    BERTH_TRY(set("workdir", work));
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        return Error::fromErrno(errno, operation, target);
    UniqueFd mount(::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
    if (!mount.valid())
        return Error::fromErrno(errno, operation, target);
    if (::move_mount(mount.get(), "", AT_FDCWD, QFile::encodeName(target).constData(),
                     MOVE_MOUNT_F_EMPTY_PATH) != 0)
        return Error::fromErrno(errno, operation, target);
    return {};
}

Status mountOverlay(const QStringList &lowersBottomFirst, const QString &upper, const QString &work,
                    const QString &target)
{
    BERTH_TRY(checkLayerPaths(lowersBottomFirst));
    QByteArray lowers;
    // lowerdir lists the top layer first.
    for (auto it = lowersBottomFirst.crbegin(); it != lowersBottomFirst.crend(); ++it) {
        if (!lowers.isEmpty())
            lowers += ':';
        lowers += QFile::encodeName(*it);
    }
    const QByteArray options = "lowerdir=" + lowers + ",upperdir=" + QFile::encodeName(upper) +
                               ",workdir=" + QFile::encodeName(work);
    if (options.size() >= ::sysconf(_SC_PAGESIZE))
        return mountOverlayPerLayer(lowersBottomFirst, upper, work, target);
    if (::mount(kOverlay, QFile::encodeName(target).constData(), kOverlay, 0,
                options.constData()) != 0)
        return Error::fromErrno(errno, tr("mount overlay on"), target);
    return {};
}

class OverlayDriver : public SnapshotDriver
{
public:
    QString name() const override { return QString::fromLatin1(kOverlay); }

    Status prepare(const QStringList &lowersBottomFirst, const QString &stateDir,
                   const QString &target) override
    {
        const QString upper = stateDir + QStringLiteral("/upper");
        const QString work = stateDir + QStringLiteral("/work");
        BERTH_TRY(fs::makeDirs(upper));
        BERTH_TRY(fs::makeDirs(work));
        BERTH_TRY(fs::makeDirs(target));
        QStringList lowers = lowersBottomFirst;
        // overlayfs needs at least one lower directory; an image with no
        // layers (FROM scratch) gets an empty one.
        if (lowers.isEmpty()) {
            const QString empty = stateDir + QStringLiteral("/empty");
            BERTH_TRY(fs::makeDirs(empty));
            lowers.append(empty);
        }
        return mountOverlay(lowers, upper, work, target);
    }

    Status release(const QString &stateDir, const QString &target) override
    {
        BERTH_TRY(unmountIfMounted(target));
        for (const char *sub : {"upper", "work", "empty"})
            BERTH_TRY(fs::removeTree(stateDir + u'/' + QLatin1String(sub)));
        return fs::removeTree(target);
    }

    Result<DiffResult> changes(const QStringList &, const QString &stateDir, const QString &,
                               Writer &out) override
    {
        return tarDiffDirectory(stateDir + QStringLiteral("/upper"), out);
    }
};

// Copies one layer directory (diff form) over the tree built so far,
// carrying out its whiteouts and opaque markers on the way. Directories are
// remembered by path, not by open fd, so deep trees do not run out of fds.
class LayerCopier
{
public:
    explicit LayerCopier(int rootFd) : m_root(rootFd) {}

    Status copyLayer(const QString &layerDir)
    {
        UniqueFd source(
            ::open(QFile::encodeName(layerDir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!source.valid())
            return Error::fromErrno(errno, tr("open layer directory"), layerDir);
        // Hard links are shared within a layer only, as in the layer's tar.
        m_links.clear();
        m_dirs.clear();
        BERTH_TRY(copyDir(source.get(), m_root, QByteArray(), layerDir));
        // Innermost first: a parent's final mode may no longer let us in.
        for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it)
            BERTH_TRY(finishDir(it->first, it->second, layerDir));
        return {};
    }

private:
    Status copyDir(int sourceFd, int targetFd, const QByteArray &relDir, const QString &layerDir)
    {
        const QString here =
            relDir.isEmpty() ? layerDir : layerDir + u'/' + QFile::decodeName(relDir);
        BERTH_TRY_ASSIGN(const std::vector<QByteArray> names, listDir(sourceFd, here));
        for (const QByteArray &name : names) {
            if (name == kOpaqueMarker)
                BERTH_TRY(clearDir(targetFd, here));
        }
        for (const QByteArray &name : names) {
            const QString label = here + u'/' + QFile::decodeName(name);
            if (name.startsWith(kWhiteoutMetaPrefix))
                continue;
            if (name.startsWith(kWhiteoutPrefix)) {
                const QByteArray hidden = name.mid(qsizetype(sizeof kWhiteoutPrefix) - 1);
                BERTH_TRY(removeAt(targetFd, hidden, label));
                continue;
            }
            struct stat st;
            if (::fstatat(sourceFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return Error::fromErrno(errno, tr("inspect"), label);
            if (isWhiteoutDevice(st)) {
                BERTH_TRY(removeAt(targetFd, name, label));
                continue;
            }
            BERTH_TRY(copyEntry(sourceFd, targetFd, joinPath(relDir, name), name, st, layerDir));
        }
        return {};
    }

    static Status clearDir(int targetFd, const QString &here)
    {
        BERTH_TRY_ASSIGN(const std::vector<QByteArray> names, listDir(targetFd, here));
        for (const QByteArray &name : names)
            BERTH_TRY(removeAt(targetFd, name, here + u'/' + QFile::decodeName(name)));
        return {};
    }

    Status copyEntry(int sourceFd, int targetFd, const QByteArray &rel, const QByteArray &name,
                     const struct stat &st, const QString &layerDir)
    {
        const QString label = layerDir + u'/' + QFile::decodeName(rel);
        struct stat existing;
        const bool exists =
            ::fstatat(targetFd, name.constData(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && !(S_ISDIR(st.st_mode) && S_ISDIR(existing.st_mode)))
            BERTH_TRY(removeAt(targetFd, name, label));

        if (S_ISDIR(st.st_mode)) {
            // Kept owner-writable until finishDir(), like Apply does.
            if (::mkdirat(targetFd, name.constData(), 0700) != 0 && errno != EEXIST)
                return Error::fromErrno(errno, tr("create directory"), label);
            UniqueFd source(::openat(sourceFd, name.constData(),
                                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!source.valid())
                return Error::fromErrno(errno, tr("open directory"), label);
            UniqueFd target(::openat(targetFd, name.constData(),
                                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!target.valid())
                return Error::fromErrno(errno, tr("open directory"), label);
            if (isOpaqueDir(sourceFd, name))
                BERTH_TRY(clearDir(target.get(), label));
            BERTH_TRY(copyDir(source.get(), target.get(), rel, layerDir));
            BERTH_TRY(copyXattrs(sourceFd, targetFd, name, label));
            m_dirs[rel] = st;
            return {};
        }

        const bool linked = S_ISREG(st.st_mode) && st.st_nlink > 1;
        if (linked) {
            const auto found = m_links.find({st.st_dev, st.st_ino});
            if (found != m_links.end()) {
                if (::linkat(m_root, found->second.constData(), targetFd, name.constData(), 0) != 0)
                    return Error::fromErrno(errno, tr("create hard link"), label);
                return {};
            }
        }

        if (S_ISREG(st.st_mode)) {
            BERTH_TRY(copyFile(sourceFd, targetFd, name, st, label));
        } else if (S_ISLNK(st.st_mode)) {
            QByteArray link(qsizetype(st.st_size) + 1, Qt::Uninitialized);
            const ssize_t n =
                ::readlinkat(sourceFd, name.constData(), link.data(), size_t(link.size()));
            if (n < 0)
                return Error::fromErrno(errno, tr("read symbolic link"), label);
            link.resize(n);
            if (::symlinkat(link.constData(), targetFd, name.constData()) != 0)
                return Error::fromErrno(errno, tr("create symbolic link"), label);
        } else if (::mknodat(targetFd, name.constData(), st.st_mode, st.st_rdev) != 0) {
            return Error::fromErrno(errno, tr("create node"), label);
        }
        BERTH_TRY(setOwnerAndMode(targetFd, name, st, label));
        BERTH_TRY(copyXattrs(sourceFd, targetFd, name, label));
        if (linked)
            m_links.emplace(std::make_pair(st.st_dev, st.st_ino), rel);
        const timespec times[2] = {st.st_atim, st.st_mtim};
        if (::utimensat(targetFd, name.constData(), times, AT_SYMLINK_NOFOLLOW) != 0)
            return Error::fromErrno(errno, tr("set times of"), label);
        return {};
    }

    static Status copyFile(int sourceFd, int targetFd, const QByteArray &name,
                           const struct stat &st, const QString &label)
    {
        UniqueFd in(::openat(sourceFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!in.valid())
            return Error::fromErrno(errno, tr("open file"), label);
        UniqueFd out(::openat(targetFd, name.constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!out.valid())
            return Error::fromErrno(errno, tr("create file"), label);
        // copy_file_range shares extents where the file system can (reflink)
        // and otherwise copies inside the kernel.
        qint64 left = st.st_size;
        while (left > 0) {
            const ssize_t n =
                ::copy_file_range(in.get(), nullptr, out.get(), nullptr, size_t(left), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return Error::fromErrno(errno, tr("copy file"), label);
            if (n == 0)
                break;
            left -= n;
        }
        return {};
    }

    static Status setOwnerAndMode(int targetFd, const QByteArray &name, const struct stat &st,
                                  const QString &label)
    {
        if (::geteuid() == 0 &&
            ::fchownat(targetFd, name.constData(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
            return Error::fromErrno(errno, tr("change owner of"), label);
        // After chown, which clears setuid/setgid. Symlinks have no mode.
        if (!S_ISLNK(st.st_mode) &&
            ::fchmodat(targetFd, name.constData(), st.st_mode & 07777, 0) != 0)
            return Error::fromErrno(errno, tr("change mode of"), label);
        return {};
    }

    static Status copyXattrs(int sourceFd, int targetFd, const QByteArray &name,
                             const QString &label)
    {
        BERTH_TRY_ASSIGN(const Xattrs xattrs, readXattrs(sourceFd, name, label));
        for (const auto &[key, value] : xattrs)
            BERTH_TRY(writeXattr(targetFd, name, key, value, label));
        return {};
    }

    Status finishDir(const QByteArray &rel, const struct stat &st, const QString &layerDir)
    {
        const QString label = layerDir + u'/' + QFile::decodeName(rel);
        UniqueFd fd(
            ::openat(m_root, rel.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd.valid())
            return Error::fromErrno(errno, tr("open directory"), label);
        if (::geteuid() == 0 && ::fchown(fd.get(), st.st_uid, st.st_gid) != 0)
            return Error::fromErrno(errno, tr("change owner of"), label);
        if (::fchmod(fd.get(), st.st_mode & 07777) != 0)
            return Error::fromErrno(errno, tr("change mode of"), label);
        const timespec times[2] = {st.st_atim, st.st_mtim};
        if (::futimens(fd.get(), times) != 0)
            return Error::fromErrno(errno, tr("set times of"), label);
        return {};
    }

    int m_root;
    std::map<std::pair<dev_t, ino_t>, QByteArray> m_links;
    std::map<QByteArray, struct stat> m_dirs;
};

class CopyDriver : public SnapshotDriver
{
public:
    QString name() const override { return QString::fromLatin1(kCopy); }

    Status prepare(const QStringList &lowersBottomFirst, const QString &,
                   const QString &target) override
    {
        BERTH_TRY(fs::makeDirs(target));
        UniqueFd targetFd(
            ::open(QFile::encodeName(target).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!targetFd.valid())
            return Error::fromErrno(errno, tr("open directory"), target);
        LayerCopier copier(targetFd.get());
        for (const QString &layer : lowersBottomFirst) {
            Status copied = copier.copyLayer(layer);
            if (!copied.ok())
                return copied.error().prefixed(tr("copy layer %1 into %2").arg(layer, target));
        }
        return {};
    }

    Status release(const QString &, const QString &target) override
    {
        return fs::removeTree(target);
    }

    Result<DiffResult> changes(const QStringList &lowersBottomFirst, const QString &,
                               const QString &target, Writer &out) override
    {
        return diffAgainstLowers(lowersBottomFirst, target, out);
    }
};

// Mounts a one-file overlay under probeDir and checks that the file shows
// through: the kernel, the file system under probeDir and our privileges all
// have to allow it, which no configuration check can tell in advance.
bool overlayWorks(const QString &probeDir)
{
    if (!fs::makeDirs(probeDir).ok())
        return false;
    auto tmp = fs::makeTempDir(probeDir, QStringLiteral("overlay-probe-"));
    if (!tmp.ok())
        return false;
    const QString base = *tmp;
    const QString lower = base + QStringLiteral("/lower");
    const QString upper = base + QStringLiteral("/upper");
    const QString work = base + QStringLiteral("/work");
    const QString merged = base + QStringLiteral("/merged");
    bool works = fs::makeDirs(lower).ok() && fs::makeDirs(upper).ok() && fs::makeDirs(work).ok() &&
                 fs::makeDirs(merged).ok() &&
                 fs::writeFileAtomic(lower + QStringLiteral("/probe"), "probe").ok() &&
                 mountOverlay({lower}, upper, work, merged).ok();
    if (works) {
        works = QFile::exists(merged + QStringLiteral("/probe"));
        works = unmountIfMounted(merged).ok() && works;
    }
    (void)fs::removeTree(base);
    return works;
}

} // namespace

std::unique_ptr<SnapshotDriver> SnapshotDriver::detect(const QString &probeDir)
{
    return create(QString::fromLatin1(overlayWorks(probeDir) ? kOverlay : kCopy));
}

std::unique_ptr<SnapshotDriver> SnapshotDriver::create(const QString &name)
{
    if (name == QLatin1String(kOverlay))
        return std::make_unique<OverlayDriver>();
    if (name == QLatin1String(kCopy))
        return std::make_unique<CopyDriver>();
    return nullptr;
}

} // namespace berth::layer
