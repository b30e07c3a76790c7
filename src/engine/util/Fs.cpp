#include "util/Fs.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::fs {

namespace {

QByteArray native(const QString &path)
{
    return QFile::encodeName(path);
}

QString randomSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64(), 36);
}

} // namespace

Status writeAll(int fd, const char *data, qint64 size, const QString &pathForErrors)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, static_cast<size_t>(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Error::fromErrno(errno, tr("write"), pathForErrors);
        }
        data += n;
        size -= n;
    }
    return {};
}

Status syncFile(int fd, const QString &pathForErrors)
{
    if (::fsync(fd) != 0)
        return Error::fromErrno(errno, tr("fsync"), pathForErrors);
    return {};
}

Status syncDir(const QString &path)
{
    const int fd = ::open(native(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open directory"), path);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0)
        return Error::fromErrno(err, tr("fsync"), path);
    return {};
}

namespace {

Status replaceFile(const QString &path, const QByteArray &data, int mode, bool durable)
{
    const QFileInfo info(path);
    const QString dir = info.absolutePath();
    const QString tmp =
        dir + QStringLiteral("/.") + info.fileName() + QStringLiteral(".tmp-") + randomSuffix();
    const int fd = ::open(native(tmp).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return Error::fromErrno(errno, tr("create"), tmp);
    Status st = writeAll(fd, data.constData(), data.size(), path);
    if (st.ok() && durable)
        st = syncFile(fd, path);
    ::close(fd);
    if (st.ok() && ::rename(native(tmp).constData(), native(path).constData()) != 0)
        st = Error::fromErrno(errno, tr("rename"), path);
    if (!st.ok()) {
        ::unlink(native(tmp).constData());
        return st;
    }
    return durable ? syncDir(dir) : Status{};
}

} // namespace

Status writeFileAtomic(const QString &path, const QByteArray &data, int mode)
{
    return replaceFile(path, data, mode, true);
}

Status writeFileVolatile(const QString &path, const QByteArray &data, int mode)
{
    return replaceFile(path, data, mode, false);
}

Result<QByteArray> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        const int err =
            f.error() == QFileDevice::OpenError && !QFile::exists(path) ? ENOENT : EACCES;
        return Error::fromErrno(err, tr("open"), path);
    }
    return f.readAll();
}

Status makeDirs(const QString &path, int mode)
{
    QByteArray p = native(QDir::cleanPath(path));
    for (qsizetype i = 1; i <= p.size(); ++i) {
        if (i == p.size() || p.at(i) == '/') {
            const QByteArray part = p.left(i);
            if (::mkdir(part.constData(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
                return Error::fromErrno(errno, tr("create directory"), QFile::decodeName(part));
        }
    }
    struct stat st;
    if (::stat(p.constData(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Error::fromErrno(ENOTDIR, tr("create directory"), path);
    return {};
}

namespace {
int removeEntry(const char *path, const struct stat *, int flag, struct FTW *)
{
    const int rc = (flag == FTW_DP) ? ::rmdir(path) : ::unlink(path);
    if (rc != 0 && errno != ENOENT)
        return errno;
    return 0;
}
} // namespace

Status removeTree(const QString &path)
{
    struct stat st;
    if (::lstat(native(path).constData(), &st) != 0)
        return errno == ENOENT ? Status{} : Status{Error::fromErrno(errno, tr("remove"), path)};
    if (!S_ISDIR(st.st_mode)) {
        if (::unlink(native(path).constData()) != 0)
            return Error::fromErrno(errno, tr("remove"), path);
        return {};
    }
    // Directories made read-only inside a layer would block unlinking their
    // children as non-root; root ignores modes, which is what the store runs as.
    const int rc =
        ::nftw(native(path).constData(), removeEntry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    if (rc != 0)
        return Error::fromErrno(rc > 0 ? rc : errno, tr("remove"), path);
    return {};
}

Result<QString> makeTempDir(const QString &parent, const QString &prefix)
{
    BERTH_TRY(makeDirs(parent));
    for (int attempt = 0; attempt < 100; ++attempt) {
        const QString path = parent + QLatin1Char('/') + prefix + randomSuffix();
        if (::mkdir(native(path).constData(), 0700) == 0)
            return path;
        if (errno != EEXIST)
            return Error::fromErrno(errno, tr("create directory"), path);
    }
    return Error::fromErrno(EEXIST, tr("create directory"), parent);
}

namespace {
thread_local qint64 g_treeBytes = 0;
int addSize(const char *, const struct stat *st, int flag, struct FTW *)
{
    if (flag == FTW_F && S_ISREG(st->st_mode))
        g_treeBytes += st->st_size;
    return 0;
}
} // namespace

qint64 treeSize(const QString &path)
{
    g_treeBytes = 0;
    ::nftw(native(path).constData(), addSize, 64, FTW_PHYS | FTW_MOUNT);
    return g_treeBytes;
}

bool exists(const QString &path)
{
    struct stat st;
    return ::lstat(native(path).constData(), &st) == 0;
}

} // namespace berth::fs
