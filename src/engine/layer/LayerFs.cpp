// The file-system helpers of LayerFs.h: xattrs through /proc/self/fd, listing
// and removal on dirfds.
#include "layer/LayerFs.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace berth::layer::detail {

namespace {

// l*xattr() on "/proc/self/fd/N/name" reaches an entry through a dirfd (also
// an O_PATH one) without following a symlink in its last component; the
// kernel has no *xattrat() calls before 6.13.
QByteArray procPath(int dirFd, const QByteArray &name)
{
    QByteArray path = "/proc/self/fd/" + QByteArray::number(dirFd);
    if (!name.isEmpty())
        path += '/' + name;
    return path;
}

} // namespace

void UniqueFd::reset(int fd)
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
}

bool isWhiteoutDevice(const struct stat &st)
{
    return S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0;
}

bool isOpaqueDir(int dirFd, const QByteArray &name)
{
    const QByteArray path = procPath(dirFd, name);
    for (const char *key : {"trusted.overlay.opaque", "user.overlay.opaque"}) {
        char value[2];
        const ssize_t n = name.isEmpty() ? ::getxattr(path.constData(), key, value, sizeof value)
                                         : ::lgetxattr(path.constData(), key, value, sizeof value);
        if (n == 1 && value[0] == 'y')
            return true;
    }
    return false;
}

bool isLayerXattr(const char *name)
{
    if (std::strncmp(name, "user.", 5) == 0)
        return std::strncmp(name, "user.overlay.", 13) != 0;
    if (std::strncmp(name, "trusted.", 8) == 0)
        return std::strncmp(name, "trusted.overlay.", 16) != 0;
    return std::strcmp(name, "security.capability") == 0;
}

Result<Xattrs> readXattrs(int dirFd, const QByteArray &name, const QString &pathForErrors)
{
    const QByteArray path = procPath(dirFd, name);
    const bool follow = name.isEmpty();
    QByteArray names;
    for (;;) {
        const ssize_t size = follow ? ::listxattr(path.constData(), nullptr, 0)
                                    : ::llistxattr(path.constData(), nullptr, 0);
        if (size < 0) {
            if (errno == ENOTSUP)
                return Xattrs{};
            return Error::fromErrno(errno, tr("list extended attributes of"), pathForErrors);
        }
        if (size == 0)
            return Xattrs{};
        names.resize(size);
        const ssize_t got = follow ? ::listxattr(path.constData(), names.data(), size)
                                   : ::llistxattr(path.constData(), names.data(), size);
        if (got >= 0) {
            names.resize(got);
            break;
        }
        if (errno != ERANGE)
            return Error::fromErrno(errno, tr("list extended attributes of"), pathForErrors);
    }

    Xattrs out;
    for (qsizetype pos = 0; pos < names.size();) {
        const char *key = names.constData() + pos;
        pos += qsizetype(std::strlen(key)) + 1;
        if (!isLayerXattr(key))
            continue;
        QByteArray value;
        for (;;) {
            const ssize_t size = follow ? ::getxattr(path.constData(), key, nullptr, 0)
                                        : ::lgetxattr(path.constData(), key, nullptr, 0);
            if (size < 0 && errno == ENODATA)
                break;
            if (size < 0)
                return Error::fromErrno(
                    errno, tr("read extended attribute %1 of").arg(QString::fromUtf8(key)),
                    pathForErrors);
            value.resize(size);
            const ssize_t got = follow ? ::getxattr(path.constData(), key, value.data(), size)
                                       : ::lgetxattr(path.constData(), key, value.data(), size);
            if (got >= 0) {
                value.resize(got);
                out.emplace_back(QByteArray(key), value);
                break;
            }
            if (errno != ERANGE)
                return Error::fromErrno(
                    errno, tr("read extended attribute %1 of").arg(QString::fromUtf8(key)),
                    pathForErrors);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

Status writeXattr(int dirFd, const QByteArray &name, const QByteArray &key, const QByteArray &value,
                  const QString &pathForErrors, bool bestEffort)
{
    const QByteArray path = procPath(dirFd, name);
    const int rc = name.isEmpty() ? ::setxattr(path.constData(), key.constData(), value.constData(),
                                               size_t(value.size()), 0)
                                  : ::lsetxattr(path.constData(), key.constData(),
                                                value.constData(), size_t(value.size()), 0);
    if (rc != 0 && !(bestEffort && (errno == ENOTSUP || errno == EPERM)))
        return Error::fromErrno(
            errno, tr("set extended attribute %1 on").arg(QString::fromUtf8(key)), pathForErrors);
    return {};
}

Result<std::vector<QByteArray>> listDir(int dirFd, const QString &pathForErrors)
{
    // A fresh open file description: fdopendir() takes over the fd and its
    // offset, which must not be shared with the caller's.
    const int fd = ::openat(dirFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open directory"), pathForErrors);
    DIR *dir = ::fdopendir(fd);
    if (!dir) {
        const int err = errno;
        ::close(fd);
        return Error::fromErrno(err, tr("open directory"), pathForErrors);
    }
    std::vector<QByteArray> names;
    for (;;) {
        errno = 0;
        const dirent *entry = ::readdir(dir);
        if (!entry)
            break;
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        names.emplace_back(entry->d_name);
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0)
        return Error::fromErrno(err, tr("read directory"), pathForErrors);
    std::sort(names.begin(), names.end());
    return names;
}

Status removeAt(int dirFd, const QByteArray &name, const QString &pathForErrors)
{
    if (::unlinkat(dirFd, name.constData(), 0) == 0 || errno == ENOENT)
        return {};
    if (errno != EISDIR)
        return Error::fromErrno(errno, tr("remove"), pathForErrors);

    UniqueFd fd(::openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid())
        return Error::fromErrno(errno, tr("open directory"), pathForErrors);
    // Without rwx on the directory its entries cannot be unlinked by a
    // non-root owner (layers may hold read-only directories).
    struct stat st;
    if (::fstat(fd.get(), &st) == 0 && (st.st_mode & 0700) != 0700)
        ::fchmod(fd.get(), (st.st_mode & 07777) | 0700);
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> children, listDir(fd.get(), pathForErrors));
    for (const QByteArray &child : children) {
        BERTH_TRY(
            removeAt(fd.get(), child, pathForErrors + QLatin1Char('/') + QFile::decodeName(child)));
    }
    if (::unlinkat(dirFd, name.constData(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, tr("remove"), pathForErrors);
    return {};
}

QByteArray joinPath(const QByteArray &parent, const QByteArray &name)
{
    return parent.isEmpty() ? name : parent + '/' + name;
}

QByteArray joinComponents(const std::vector<QByteArray> &components, size_t count)
{
    QByteArray path;
    for (size_t i = 0; i < count; ++i)
        path = joinPath(path, components[i]);
    return path;
}

} // namespace berth::layer::detail
