// A container's files leaving (and for cp, entering) its snapshot: commit turns
// the upper into a layer and an image, diff lists what the upper changed, export
// writes the whole union as a tar, cp copies paths in and out (or as tar streams).
//
// Commit and diff read the changes as a layer tar that one thread writes into a
// pipe while the other consumes it (the store's staging, or a listing), so no
// temp tar is ever written: commit writes each byte of the diff once, into its blob.
#include "Containers.h"

#include "ContainerConfig.h"
#include "layer/Apply.h"
#include "layer/Diff.h"
#include "layer/LayerFs.h"
#include "reference/Reference.h"
#include "runtime/Cgroup.h"
#include "util/Fs.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <functional>
#include <linux/openat2.h>
#include <optional>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace berth {

namespace {

using layer::detail::UniqueFd;

// The digest of a tar with no entries (its two zero end blocks): docker records
// such a commit as an empty_layer history entry, without a new diffID.
constexpr char kEmptyTarDiffId[] =
    "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

using TarProducer = std::function<Result<layer::DiffResult>(Writer &, const Progress &)>;

// Runs produce on a thread writing into a pipe and consume on this one reading
// it. consume must read to the end; when it fails, the producer is stopped and
// what it still writes is drained, so neither side is left blocked.
Status streamThroughPipe(const QString &what, const TarProducer &produce,
                         const std::function<Status(Reader &)> &consume)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return Error::fromErrno(errno, tr("create a pipe for"), what);
    UniqueFd readEnd(fds[0]);
    UniqueFd writeEnd(fds[1]);
    // A 1 MiB pipe (the tar writer's block size) halves the thread switches of
    // the default 64 KiB; a smaller one still works.
    (void)::fcntl(writeEnd.get(), F_SETPIPE_SZ, 1 << 20);
    std::atomic<bool> stop{false};
    Progress producerProgress;
    producerProgress.cancel = &stop;
    std::optional<Result<layer::DiffResult>> produced;
    std::thread producer([&] {
        FdWriter out(writeEnd.get(), what);
        produced.emplace(produce(out, producerProgress));
        writeEnd.reset();
    });
    FdReader in(readEnd.get(), what);
    const Status consumed = consume(in);
    if (!consumed.ok())
        stop = true;
    QByteArray rest(1 << 16, Qt::Uninitialized);
    for (;;) {
        const ssize_t n = ::read(readEnd.get(), rest.data(), rest.size());
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    producer.join();
    if (!produced->ok() && produced->error().code != ErrorCode::Cancelled)
        return produced->error();
    return consumed;
}

struct Stat
{
    bool exists = false;
    struct stat st = {};
};

Stat lstatAt(int dirFd, const QByteArray &name)
{
    Stat s;
    s.exists = ::fstatat(dirFd, name.constData(), &s.st, AT_SYMLINK_NOFOLLOW) == 0;
    return s;
}

// A path of the image as the layers below the container show it: the topmost
// layer that has it wins, a whiteout or an opaque directory on the way hides
// what lies under it. Returns the entry, or nothing when the image lacks it.
std::optional<struct stat> lowerEntry(const QStringList &layersTopFirst, const QString &relPath)
{
    const QList<QByteArray> parts = QFile::encodeName(relPath).split('/');
    for (const QString &layerDir : layersTopFirst) {
        QByteArray path = QFile::encodeName(layerDir);
        bool hiddenBelow = false;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QByteArray parent = path;
            path += '/' + parts[i];
            struct stat st;
            if (::lstat(path.constData(), &st) != 0)
                break;
            if (layer::detail::isWhiteoutDevice(st))
                return std::nullopt;
            if (i == parts.size() - 1)
                return st;
            if (!S_ISDIR(st.st_mode))
                return std::nullopt;
            UniqueFd parentFd(::open(parent.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (parentFd.valid() && layer::detail::isOpaqueDir(parentFd.get(), parts[i]))
                hiddenBelow = true;
        }
        if (hiddenBelow)
            return std::nullopt;
    }
    return std::nullopt;
}

// Reads a layer tar (from the pipe) into docker diff's list, by docker's rules:
// `.wh.NAME` deletes NAME; anything else is added, or modified when the image
// has it; a directory the container only copied up (same mode and mtime as
// below) is not a change itself, but the parent of an added or deleted path is.
Result<QList<Containers::Change>> changesFromTar(Reader &in, const QStringList &layersTopFirst,
                                                 const QString &what)
{
    struct Source
    {
        Reader *in = nullptr;
        QByteArray buffer = QByteArray(1 << 20, Qt::Uninitialized);
        std::optional<Error> error;
        static la_ssize_t read(struct archive *a, void *self, const void **out)
        {
            auto *s = static_cast<Source *>(self);
            auto n = s->in->read(s->buffer.data(), s->buffer.size());
            if (!n.ok()) {
                s->error = n.error();
                archive_set_error(a, EIO, "read failed");
                return -1;
            }
            *out = s->buffer.constData();
            return static_cast<la_ssize_t>(*n);
        }
    } source;
    source.in = &in;
    struct archive *a = archive_read_new();
    auto freeArchive = qScopeGuard([&] { archive_read_free(a); });
    archive_read_support_format_tar(a);
    auto failure = [&]() -> Error {
        if (source.error)
            return *source.error;
        return Error{ErrorCode::Corrupt,
                     tr("%1: read the changes: %2")
                         .arg(what, QString::fromLocal8Bit(archive_error_string(a)))};
    };
    if (archive_read_open(a, &source, nullptr, &Source::read, nullptr) != ARCHIVE_OK)
        return failure();

    QList<Containers::Change> changes;
    QSet<QString> changedDirs;
    auto addParent = [&](const QString &path) {
        const QString parent = path.section(QLatin1Char('/'), 0, -2);
        if (!parent.isEmpty() && !changedDirs.contains(parent)) {
            changes.append({Containers::Change::Modified, parent});
            changedDirs.insert(parent);
        }
    };
    for (;;) {
        struct archive_entry *e = nullptr;
        const int rc = archive_read_next_header(a, &e);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc < ARCHIVE_WARN)
            return failure();
        QString name = QString::fromUtf8(archive_entry_pathname(e));
        while (name.startsWith(QLatin1String("./")))
            name = name.mid(2);
        while (name.endsWith(QLatin1Char('/')))
            name.chop(1);
        if (name.isEmpty() || name == QLatin1String("."))
            continue;
        const QString base = name.section(QLatin1Char('/'), -1);
        const QString dir = name.section(QLatin1Char('/'), 0, -2);
        if (base.startsWith(QLatin1String(layer::detail::kWhiteoutMetaPrefix)))
            continue;
        if (base.startsWith(QLatin1String(layer::detail::kWhiteoutPrefix))) {
            const QString path = (dir.isEmpty() ? QString() : QLatin1Char('/') + dir) +
                                 QLatin1Char('/') +
                                 base.mid(qsizetype(sizeof layer::detail::kWhiteoutPrefix) - 1);
            addParent(path);
            changes.append({Containers::Change::Deleted, path});
            continue;
        }
        const QString path = QLatin1Char('/') + name;
        const bool isDir = archive_entry_filetype(e) == AE_IFDIR;
        const std::optional<struct stat> below = lowerEntry(layersTopFirst, name);
        if (isDir && below && S_ISDIR(below->st_mode) &&
            (below->st_mode & 07777) == (archive_entry_perm(e) & 07777) &&
            below->st_mtim.tv_sec == archive_entry_mtime(e)) {
            continue;
        }
        if (isDir)
            changedDirs.insert(path);
        if (!below)
            addParent(path);
        changes.append({below ? Containers::Change::Modified : Containers::Change::Added, path});
    }
    std::sort(changes.begin(), changes.end(),
              [](const Containers::Change &x, const Containers::Change &y) {
                  return QFile::encodeName(x.path) < QFile::encodeName(y.path);
              });
    return changes;
}

// ---- cp ----

// Opens path below rootFd as if rootFd were "/" (symlinks and ".." cannot leave
// it); rootFd < 0 opens a host path.
Result<UniqueFd> openIn(int rootFd, const QString &path, int flags)
{
    const QByteArray p = QFile::encodeName(path);
    if (rootFd < 0) {
        UniqueFd fd(::open(p.isEmpty() ? "." : p.constData(), flags | O_CLOEXEC));
        if (!fd.valid())
            return Error::fromErrno(errno, tr("open"), path);
        return fd;
    }
    QByteArray rel = p;
    while (rel.startsWith('/'))
        rel = rel.mid(1);
    if (rel.isEmpty())
        rel = ".";
    struct open_how how = {};
    how.flags = static_cast<quint64>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, rootFd, rel.constData(), &how, sizeof how);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open"), path);
    return UniqueFd(static_cast<int>(fd));
}

struct Ownership
{
    bool keep = false; // as the source has it
    uid_t uid = 0;     // else this owner
    gid_t gid = 0;
};

Status copyFileData(int from, int to, const QString &label)
{
    bool plain = false;
    QByteArray buffer;
    for (;;) {
        if (!plain) {
            const ssize_t n = ::copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0);
            if (n == 0)
                return {};
            if (n > 0)
                continue;
            if (errno == EINTR)
                continue;
            if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
                return Error::fromErrno(errno, tr("copy"), label);
            plain = true;
            buffer.resize(1 << 20);
        }
        const ssize_t n = ::read(from, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error::fromErrno(errno, tr("read"), label);
        if (n == 0)
            return {};
        BERTH_TRY(fs::writeAll(to, buffer.constData(), n, label));
    }
}

// Copies srcDir/srcName to dstDir/dstName, recursively, never following a
// symlink on either side: an existing non-directory there is replaced, an
// existing directory is merged into.
Status copyEntry(int srcDir, const QByteArray &srcName, int dstDir, const QByteArray &dstName,
                 const Ownership &owner, const QString &label)
{
    const Stat src = lstatAt(srcDir, srcName);
    if (!src.exists)
        return Error::fromErrno(errno, tr("inspect"), label);
    const struct stat &st = src.st;
    const Stat dst = lstatAt(dstDir, dstName);
    const bool isDir = S_ISDIR(st.st_mode);
    if (dst.exists && S_ISDIR(dst.st.st_mode) && !isDir)
        return Error{ErrorCode::Conflict,
                     tr("cannot overwrite directory %1 with non-directory").arg(label)};
    if (dst.exists && !S_ISDIR(dst.st.st_mode) && ::unlinkat(dstDir, dstName.constData(), 0) != 0)
        return Error::fromErrno(errno, tr("replace"), label);
    const uid_t uid = owner.keep ? st.st_uid : owner.uid;
    const gid_t gid = owner.keep ? st.st_gid : owner.gid;
    const struct timespec times[2] = {st.st_atim, st.st_mtim};

    if (isDir) {
        if ((!dst.exists || !S_ISDIR(dst.st.st_mode)) &&
            ::mkdirat(dstDir, dstName.constData(), 0700) != 0)
            return Error::fromErrno(errno, tr("create directory"), label);
        UniqueFd from(
            ::openat(srcDir, srcName.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!from.valid())
            return Error::fromErrno(errno, tr("open directory"), label);
        UniqueFd to(
            ::openat(dstDir, dstName.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!to.valid())
            return Error::fromErrno(errno, tr("open directory"), label);
        BERTH_TRY_ASSIGN(const std::vector<QByteArray> names,
                         layer::detail::listDir(from.get(), label));
        for (const QByteArray &name : names)
            BERTH_TRY(copyEntry(from.get(), name, to.get(), name, owner,
                                label + QLatin1Char('/') + QFile::decodeName(name)));
        // Mode last: a read-only directory must stay writable while it fills.
        if (::fchown(to.get(), uid, gid) != 0 || ::fchmod(to.get(), st.st_mode & 07777) != 0 ||
            ::futimens(to.get(), times) != 0)
            return Error::fromErrno(errno, tr("set owner, mode and times of"), label);
        return {};
    }
    if (S_ISREG(st.st_mode)) {
        UniqueFd from(::openat(srcDir, srcName.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!from.valid())
            return Error::fromErrno(errno, tr("open"), label);
        UniqueFd to(::openat(dstDir, dstName.constData(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!to.valid())
            return Error::fromErrno(errno, tr("create"), label);
        BERTH_TRY(copyFileData(from.get(), to.get(), label));
        // chown before chmod: chown clears set-id bits.
        if (::fchown(to.get(), uid, gid) != 0 || ::fchmod(to.get(), st.st_mode & 07777) != 0 ||
            ::futimens(to.get(), times) != 0)
            return Error::fromErrno(errno, tr("set owner, mode and times of"), label);
        return {};
    }
    if (S_ISLNK(st.st_mode)) {
        QByteArray target(st.st_size > 0 ? st.st_size + 1 : 4096, Qt::Uninitialized);
        const ssize_t n = ::readlinkat(srcDir, srcName.constData(), target.data(), target.size());
        if (n < 0)
            return Error::fromErrno(errno, tr("read link"), label);
        target.truncate(n);
        if (::symlinkat(target.constData(), dstDir, dstName.constData()) != 0)
            return Error::fromErrno(errno, tr("create symlink"), label);
    } else if (::mknodat(dstDir, dstName.constData(), st.st_mode, st.st_rdev) != 0) {
        return Error::fromErrno(errno, tr("create"), label);
    }
    if (::fchownat(dstDir, dstName.constData(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0 ||
        (!S_ISLNK(st.st_mode) &&
         ::fchmodat(dstDir, dstName.constData(), st.st_mode & 07777, 0) != 0) ||
        ::utimensat(dstDir, dstName.constData(), times, AT_SYMLINK_NOFOLLOW) != 0)
        return Error::fromErrno(errno, tr("set owner, mode and times of"), label);
    return {};
}

// "dir/file" -> ("dir", "file"); "/" and "dir/." name the directory itself (empty name).
std::pair<QString, QByteArray> splitPath(const QString &path)
{
    QString p = path;
    while (p.size() > 1 && p.endsWith(QLatin1Char('/')))
        p.chop(1);
    const qsizetype slash = p.lastIndexOf(QLatin1Char('/'));
    QString parent = slash < 0 ? QString() : p.left(slash);
    QString name = slash < 0 ? p : p.mid(slash + 1);
    if (slash == 0)
        parent = QStringLiteral("/");
    if (name == QLatin1String(".") || name.isEmpty())
        return {p, QByteArray()};
    return {parent, QFile::encodeName(name)};
}

// docker cp's rules between two roots (-1: the host): a file goes to DST, or
// into DST when that is a directory; a directory becomes DST when DST does not
// exist, else goes into it, or only its contents with SRC ending in "/.".
// notFound words the message for a missing source or destination parent.
Status copyPath(int srcRoot, const QString &src, int dstRoot, const QString &dst,
                const Ownership &owner, const std::function<Error(const QString &)> &notFound)
{
    const auto [srcParent, srcName] = splitPath(src);
    auto srcParentFd = openIn(srcRoot, srcParent, O_PATH | O_DIRECTORY);
    if (!srcParentFd.ok())
        return notFound(src);
    const QByteArray srcEntry = srcName.isEmpty() ? QByteArray(".") : srcName;
    const Stat srcStat = lstatAt(srcParentFd->get(), srcEntry);
    if (!srcStat.exists)
        return notFound(src);
    const bool srcIsDir = S_ISDIR(srcStat.st.st_mode);
    const bool contentsOnly = srcName.isEmpty();

    // The destination itself, followed if it is a symlink (inside its root).
    auto dstFd = openIn(dstRoot, dst, O_PATH);
    struct stat dstStat;
    const bool dstExists = dstFd.ok() && ::fstat(dstFd->get(), &dstStat) == 0;
    const bool dstSaysDir = dst.endsWith(QLatin1Char('/')) || dst.endsWith(QLatin1String("/."));
    if (dstExists && S_ISDIR(dstStat.st_mode)) {
        UniqueFd dir = std::move(dstFd).value();
        if (srcIsDir && contentsOnly) {
            UniqueFd from(::openat(srcParentFd->get(), srcEntry.constData(),
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!from.valid())
                return Error::fromErrno(errno, tr("open directory"), src);
            BERTH_TRY_ASSIGN(const std::vector<QByteArray> names,
                             layer::detail::listDir(from.get(), src));
            for (const QByteArray &name : names)
                BERTH_TRY(copyEntry(from.get(), name, dir.get(), name, owner,
                                    dst + QLatin1Char('/') + QFile::decodeName(name)));
            return {};
        }
        const QByteArray name = srcName.isEmpty() ? QByteArray("root") : srcName;
        return copyEntry(srcParentFd->get(), srcEntry, dir.get(), name, owner,
                         dst + QLatin1Char('/') + QFile::decodeName(name));
    }
    if (dstExists && srcIsDir)
        return Error{ErrorCode::InvalidArgument,
                     tr("cannot copy a directory to a file: %1").arg(dst)};
    if (dstExists && dstSaysDir)
        return Error{ErrorCode::InvalidArgument, tr("%1: not a directory").arg(dst)};
    if (!dstExists && dstSaysDir && !srcIsDir)
        return Error{ErrorCode::NotFound, tr("destination directory %1 does not exist").arg(dst)};
    const auto [dstParent, dstName] = splitPath(dst);
    auto dstParentFd = openIn(dstRoot, dstParent, O_PATH | O_DIRECTORY);
    if (!dstParentFd.ok() || dstName.isEmpty())
        return notFound(dstParent);
    return copyEntry(srcParentFd->get(), srcEntry, dstParentFd->get(), dstName, owner, dst);
}

// The root a cp works in: the process's root while the container runs (so its
// mounts show), else its snapshot: mounted for the copy with the container's
// own upper (overlay: what is written is copied up there with its parents), or
// its tree (copy driver).
class ContainerRoot
{
public:
    ContainerRoot() = default;
    ContainerRoot(const ContainerRoot &) = delete;
    ContainerRoot &operator=(const ContainerRoot &) = delete;
    ~ContainerRoot()
    {
        m_fd.reset();
        const QByteArray mounted = QFile::encodeName(m_mounted);
        if (!m_mounted.isEmpty() && ::umount2(mounted.constData(), 0) != 0)
            (void)::umount2(mounted.constData(), MNT_DETACH);
        if (!m_staging.isEmpty())
            (void)fs::removeTree(m_staging);
    }

    Status open(Engine &engine, const ContainerInfo &container, const QString &bundle)
    {
        QString path;
        if (container.state.isRunning() && container.state.pid > 0) {
            path = QStringLiteral("/proc/%1/root").arg(container.state.pid);
        } else if (engine.storageDriver() == QLatin1String("overlay")) {
            BERTH_TRY_ASSIGN(const auto image, engine.metadata().image(container.imageId));
            if (!image)
                return Error{ErrorCode::NotFound,
                             tr("container %1: its image %2 was removed")
                                 .arg(container.id.left(12), container.imageId)};
            BERTH_TRY(engine.ensureUnpacked(image->chainIds));
            QStringList lowers;
            for (const QString &chain : image->chainIds)
                lowers << engine.layerDir(chain);
            // Named as the engine's scratch, so a crash's leftovers are found at open.
            BERTH_TRY_ASSIGN(m_staging,
                             fs::makeTempDir(engine.root() + QStringLiteral("/tmp"),
                                             QString::number(::getpid()) + QLatin1Char('-')));
            path = m_staging + QStringLiteral("/merged");
            auto driver = layer::SnapshotDriver::create(QStringLiteral("overlay"));
            BERTH_TRY(driver->prepare(lowers, bundle, path));
            m_mounted = path;
        } else {
            path = bundle + QStringLiteral("/rootfs");
        }
        m_fd =
            UniqueFd(::open(QFile::encodeName(path).constData(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!m_fd.valid())
            return Error::fromErrno(errno, tr("open the root of container"), container.id.left(12));
        return {};
    }
    int fd() const { return m_fd.get(); }

private:
    UniqueFd m_fd;
    QString m_staging;
    QString m_mounted;
};

} // namespace

Result<QString> Containers::commit(const QString &id, const CommitOptions &options)
{
    const QString what = tr("commit container %1").arg(id.left(12));
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(id)};
    QStringList tags;
    if (!options.reference.isEmpty()) {
        auto ref = reference::Reference::parse(options.reference);
        if (!ref.ok())
            return ref.error();
        if (!ref->digest.isEmpty())
            return Error{ErrorCode::InvalidArgument,
                         tr("refusing to create a tag with a digest reference")};
        tags << ref->withDefaultTag().string();
    }
    BERTH_TRY_ASSIGN(const auto base, m_engine.metadata().image(record->imageId));
    if (!base)
        return Error{ErrorCode::NotFound,
                     tr("%1: its image %2 was removed").arg(what, record->imageId)};
    BERTH_TRY_ASSIGN(const image::ImageConfig baseConfig, m_engine.imageConfig(record->imageId));

    // The image's runtime defaults, then what the container ran with, then -c.
    const QJsonObject all = ContainerConfig::fromRecord(record->config);
    const QJsonObject containerConfig = all.value(QLatin1String("Config")).toObject();
    QJsonObject runtimeConfig = baseConfig.config();
    for (const char *key : {"Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels",
                            "ExposedPorts", "Volumes", "StopSignal", "Healthcheck"}) {
        const QJsonValue v = containerConfig.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            runtimeConfig.remove(QLatin1String(key));
        else
            runtimeConfig.insert(QLatin1String(key), v);
    }
    for (const QString &change : options.changes)
        BERTH_TRY(image::applyChange(runtimeConfig, change));

    QStringList lowers;
    for (const QString &chain : base->chainIds)
        lowers << m_engine.layerDir(chain);
    const bool overlay = m_engine.storageDriver() == QLatin1String("overlay");
    if (!overlay)
        BERTH_TRY(m_engine.ensureUnpacked(base->chainIds));
    const QString dir = bundle(id);

    // A running container is frozen while its upper is read, so the layer is
    // one moment's state (docker commit --pause, the default).
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    const runtime::Cgroup cgroup = runtime::Cgroup::open("berth/" + id.toStdString());
    bool frozen = false;
    if (options.pause && state.status == ContainerState::Running) {
        if (runtime::Outcome failed = cgroup.freeze())
            return Error{ErrorCode::Internal,
                         tr("%1: pause: %2").arg(what, QString::fromStdString(failed->message()))};
        frozen = true;
    }
    auto thaw = qScopeGuard([&] {
        if (frozen)
            (void)cgroup.thaw();
    });

    std::optional<Result<Engine::StagedLayer>> staged;
    const Status streamed = streamThroughPipe(
        what,
        [&](Writer &out, const Progress &progress) {
            return overlay ? layer::tarDiffDirectory(dir + QStringLiteral("/upper"), out, progress)
                           : layer::diffAgainstLowers(lowers, dir + QStringLiteral("/rootfs"), out,
                                                      progress);
        },
        [&](Reader &in) -> Status {
            staged.emplace(m_engine.stageLayer(in, options.progress));
            if (!staged->ok())
                return staged->error();
            return {};
        });
    thaw.dismiss();
    if (frozen)
        (void)cgroup.thaw();
    bool succeeded = false;
    auto discard = qScopeGuard([&] {
        if (!succeeded && staged && staged->ok())
            m_engine.discardStagedAll({&staged->value()});
    });
    if (!streamed.ok())
        return streamed.error().prefixed(what);
    Engine::StagedLayer &layer = staged->value();
    const bool emptyLayer = layer.diffId == QLatin1String(kEmptyTarDiffId);

    // The new config: the image's, with the container's runtime config, one
    // more diffID and one more history entry.
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QJsonObject config = baseConfig.json;
    config.insert(QStringLiteral("config"), runtimeConfig);
    config.insert(QStringLiteral("created"), now);
    config.insert(QStringLiteral("container"), id);
    config.remove(QStringLiteral("container_config"));
    config.remove(QStringLiteral("author"));
    config.remove(QStringLiteral("comment"));
    if (!options.author.isEmpty())
        config.insert(QStringLiteral("author"), options.author);
    if (!options.message.isEmpty())
        config.insert(QStringLiteral("comment"), options.message);
    QJsonObject rootfs = config.value(QLatin1String("rootfs")).toObject();
    QJsonArray diffIds = rootfs.value(QLatin1String("diff_ids")).toArray();
    if (!emptyLayer)
        diffIds.append(layer.diffId);
    rootfs.insert(QStringLiteral("diff_ids"), diffIds);
    config.insert(QStringLiteral("rootfs"), rootfs);
    const QString createdBy = (QStringList{all.value(QLatin1String("Path")).toString()} +
                               ContainerConfig::strings(all, "Args"))
                                  .join(QLatin1Char(' '));
    QJsonObject history{{QStringLiteral("created"), now},
                        {QStringLiteral("created_by"), createdBy}};
    if (!options.author.isEmpty())
        history.insert(QStringLiteral("author"), options.author);
    if (!options.message.isEmpty())
        history.insert(QStringLiteral("comment"), options.message);
    if (emptyLayer)
        history.insert(QStringLiteral("empty_layer"), true);
    QJsonArray historyList = config.value(QLatin1String("history")).toArray();
    historyList.append(history);
    config.insert(QStringLiteral("history"), historyList);
    BERTH_TRY_ASSIGN(
        const image::ImageConfig newConfig,
        image::ImageConfig::parse(QJsonDocument(config).toJson(QJsonDocument::Compact), what));

    // The stack for commitLayers: the image's layers (already recorded, so
    // skipped) under the new one.
    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    std::vector<Engine::StagedLayer> below;
    QList<image::Descriptor> blobs;
    for (const QString &chain : base->chainIds) {
        BERTH_TRY_ASSIGN(const auto rec, m_engine.metadata().layer(chain));
        if (!rec)
            return Error{ErrorCode::NotFound,
                         tr("%1: layer %2 of its image was removed").arg(what, chain)};
        Engine::StagedLayer l;
        l.diffId = rec->diffId;
        l.blobDigest = rec->blobDigest;
        below.push_back(l);
        blobs << image::Descriptor{rec->blobMediaType, rec->blobDigest, rec->blobSize};
    }
    QList<Engine::StagedLayer *> stack;
    for (Engine::StagedLayer &l : below)
        stack << &l;
    if (!emptyLayer) {
        stack << &layer;
        blobs << image::Descriptor{layer.blobMediaType, layer.blobDigest, layer.blobSize};
    }
    QStringList chains;
    BERTH_TRY(m_engine.commitLayers(stack, &chains));
    BERTH_TRY_ASSIGN(const QString imageId, m_engine.storeImageLocked(newConfig, blobs, chains, {},
                                                                      tags, record->imageId));
    succeeded = true;
    lock.release();
    if (emptyLayer)
        m_engine.discardStagedAll({&layer});
    (void)recordEvent(QStringLiteral("commit"), id,
                      {{QStringLiteral("comment"), options.message},
                       {QStringLiteral("imageID"), imageId},
                       {QStringLiteral("imageRef"),
                        tags.isEmpty() ? QString() : familiarReference(tags.first())}});
    if (!tags.isEmpty())
        (void)m_engine.recordEvent(QStringLiteral("tag"), imageId, familiarReference(tags.first()));
    return imageId;
}

Result<QList<Containers::Change>> Containers::diff(const QString &id)
{
    const QString what = tr("diff container %1").arg(id.left(12));
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(id)};
    BERTH_TRY_ASSIGN(const QStringList chainIds, layerChain(*record));
    BERTH_TRY(m_engine.ensureUnpacked(chainIds));
    QStringList lowersBottomFirst;
    for (const QString &chain : chainIds)
        lowersBottomFirst << m_engine.layerDir(chain);
    QStringList lowersTopFirst = lowersBottomFirst;
    std::reverse(lowersTopFirst.begin(), lowersTopFirst.end());
    const bool overlay = m_engine.storageDriver() == QLatin1String("overlay");
    const QString dir = bundle(id);

    std::optional<Result<QList<Change>>> listed;
    const Status streamed = streamThroughPipe(
        what,
        [&](Writer &out, const Progress &progress) {
            return overlay ? layer::tarDiffDirectory(dir + QStringLiteral("/upper"), out, progress)
                           : layer::diffAgainstLowers(
                                 lowersBottomFirst, dir + QStringLiteral("/rootfs"), out, progress);
        },
        [&](Reader &in) -> Status {
            listed.emplace(changesFromTar(in, lowersTopFirst, what));
            if (!listed->ok())
                return listed->error();
            // The listing skips file data; the rest of the stream is drained.
            return {};
        });
    if (!streamed.ok())
        return streamed.error().prefixed(what);
    return std::move(*listed).value();
}

Status Containers::exportFilesystem(const QString &id, Writer &out, const Progress &progress)
{
    const QString what = tr("export container %1").arg(id.left(12));
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(id)};
    const QString dir = bundle(id);
    // The copy driver's container already has its whole tree.
    if (m_engine.storageDriver() != QLatin1String("overlay")) {
        auto written = layer::tarDiffDirectory(dir + QStringLiteral("/rootfs"), out, progress);
        if (!written.ok())
            return written.error().prefixed(what);
        return {};
    }
    BERTH_TRY_ASSIGN(const QStringList chainIds, layerChain(*record));
    BERTH_TRY(m_engine.ensureUnpacked(chainIds, progress));
    // The union made real: the layers and the upper (in the same diff form)
    // copied bottom first, whiteouts carried out on the way.
    QStringList layers;
    for (const QString &chain : chainIds)
        layers << m_engine.layerDir(chain);
    layers << dir + QStringLiteral("/upper");
    BERTH_TRY_ASSIGN(const QString staging, m_engine.makeStagingDir());
    auto cleanup = qScopeGuard([&] { (void)fs::removeTree(staging); });
    const QString tree = staging + QStringLiteral("/rootfs");
    auto driver = layer::SnapshotDriver::create(QStringLiteral("copy"));
    if (Status st = driver->prepare(layers, staging, tree); !st.ok())
        return st.error().prefixed(what);
    auto written = layer::tarDiffDirectory(tree, out, progress);
    if (!written.ok())
        return written.error().prefixed(what);
    return {};
}

Status Containers::copyFromContainer(const QString &id, const QString &containerPath,
                                     const QString &hostPath)
{
    BERTH_TRY_ASSIGN(const ContainerInfo container, info(id));
    ContainerRoot root;
    BERTH_TRY(root.open(m_engine, container, bundle(id)));
    Ownership owner;
    owner.uid = ::getuid();
    owner.gid = ::getgid();
    return copyPath(root.fd(), containerPath, -1, hostPath, owner, [&](const QString &path) {
        if (path == containerPath)
            return Error{
                ErrorCode::NotFound,
                tr("Could not find the file %1 in container %2").arg(path, container.name)};
        return Error::fromErrno(ENOENT, tr("lstat"), path);
    });
}

Status Containers::copyToContainer(const QString &id, const QString &hostPath,
                                   const QString &containerPath, bool archive)
{
    BERTH_TRY_ASSIGN(const ContainerInfo container, info(id));
    ContainerRoot root;
    BERTH_TRY(root.open(m_engine, container, bundle(id)));
    Ownership owner;
    owner.keep = archive;
    return copyPath(-1, hostPath, root.fd(), containerPath, owner, [&](const QString &path) {
        if (path == hostPath)
            return Error::fromErrno(ENOENT, tr("lstat"), path);
        return Error{ErrorCode::NotFound,
                     tr("Could not find the file %1 in container %2").arg(path, container.name)};
    });
}

Status Containers::copyFromContainerAsTar(const QString &id, const QString &containerPath,
                                          Writer &out)
{
    BERTH_TRY_ASSIGN(const ContainerInfo container, info(id));
    ContainerRoot root;
    BERTH_TRY(root.open(m_engine, container, bundle(id)));
    const Error notFound{
        ErrorCode::NotFound,
        tr("Could not find the file %1 in container %2").arg(containerPath, container.name)};
    const auto [parent, name] = splitPath(containerPath);
    auto parentFd = openIn(root.fd(), parent, O_PATH | O_DIRECTORY);
    // `DIR/.` (or `/`): the directory's contents, named "./..." as docker names them.
    const QByteArray entry = name.isEmpty() ? QByteArray(".") : name;
    if (!parentFd.ok() || !lstatAt(parentFd->get(), entry).exists)
        return notFound;
    auto written = layer::tarPath(parentFd->get(), entry, entry, out);
    if (!written.ok())
        return written.error().prefixed(tr("copy from container %1").arg(container.name));
    return {};
}

Result<bool> Containers::isDirectoryInContainer(const QString &id, const QString &containerPath)
{
    BERTH_TRY_ASSIGN(const ContainerInfo container, info(id));
    ContainerRoot root;
    BERTH_TRY(root.open(m_engine, container, bundle(id)));
    auto fd = openIn(root.fd(), containerPath, O_PATH);
    struct stat st;
    return fd.ok() && ::fstat(fd->get(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status Containers::copyTarToContainer(const QString &id, Reader &in, const QString &containerPath)
{
    BERTH_TRY_ASSIGN(const ContainerInfo container, info(id));
    ContainerRoot root;
    BERTH_TRY(root.open(m_engine, container, bundle(id)));
    auto dir = openIn(root.fd(), containerPath, O_PATH | O_DIRECTORY);
    if (!dir.ok()) {
        if (dir.error().code == ErrorCode::NotFound)
            return Error{ErrorCode::NotFound, tr("Could not find the file %1 in container %2")
                                                  .arg(containerPath, container.name)};
        return Error{ErrorCode::InvalidArgument, tr("extraction point is not a directory")};
    }
    // The layer unpacker's rules hold the entries inside DEST: no absolute
    // names, no "..", no path through a symbolic link (one already in the
    // container included), hard links only to what is below DEST.
    layer::ApplyOptions options;
    options.whiteouts = layer::WhiteoutFormat::Plain;
    options.applyRootEntry = false;
    auto applied =
        layer::applyTarAt(in, dir->get(), tr("copy to container %1").arg(container.name), options);
    if (!applied.ok())
        return applied.error();
    return {};
}

} // namespace berth
