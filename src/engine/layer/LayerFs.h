// File-system pieces shared by apply, diff and the snapshot drivers (internal to
// the layer folder): an owning fd, the whiteout and opaque conventions of the OCI
// layer format and of overlayfs, the xattrs a layer carries, and directory
// listing and removal that work on dirfds and never follow symlinks.
#pragma once

#include "util/Result.h"

#include <QByteArray>

#include <sys/stat.h>
#include <utility>
#include <vector>

namespace berth::layer::detail {

class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd &operator=(UniqueFd &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

// OCI image-spec layer.md: `.wh.NAME` deletes NAME of the layers below,
// `.wh..wh..opq` hides everything the layers below have in its directory,
// and other `.wh..wh.` names are AUFS metadata that is not part of the tree.
inline constexpr char kWhiteoutPrefix[] = ".wh.";
inline constexpr char kWhiteoutMetaPrefix[] = ".wh..wh.";
inline constexpr char kOpaqueMarker[] = ".wh..wh..opq";

// overlayfs' deletion marker: a character device 0/0.
bool isWhiteoutDevice(const struct stat &st);
// trusted.overlay.opaque=y, or user.overlay.opaque=y on a userxattr mount.
bool isOpaqueDir(int dirFd, const QByteArray &name);

// The extended attributes a layer records: security.capability, user.* and
// trusted.*, but not overlayfs' own (trusted.overlay.*, user.overlay.*), whose
// meaning is tied to one mount, nor host labels such as security.selinux.
bool isLayerXattr(const char *name);

// Name/value pairs sorted by name, so tars made from them are reproducible.
using Xattrs = std::vector<std::pair<QByteArray, QByteArray>>;

// The layer xattrs of dirFd/name, without following a symlink there (an empty
// name: of dirFd itself).
// pathForErrors names the object in messages.
Result<Xattrs> readXattrs(int dirFd, const QByteArray &name, const QString &pathForErrors);
// Sets one xattr on dirFd/name without following a symlink there (an empty
// name: on dirFd itself). With bestEffort, attributes the file system or the
// caller's privileges cannot hold (ENOTSUP, EPERM) are skipped, as Docker
// does, since a layer stays usable without them.
Status writeXattr(int dirFd, const QByteArray &name, const QByteArray &key, const QByteArray &value,
                  const QString &pathForErrors, bool bestEffort = true);

// Entry names of an open directory (O_RDONLY fd), without "." and "..",
// sorted bytewise.
Result<std::vector<QByteArray>> listDir(int dirFd, const QString &pathForErrors);

// rm -rf of dirFd/name that never follows symlinks. A missing entry is fine.
Status removeAt(int dirFd, const QByteArray &name, const QString &pathForErrors);

// "parent/name" for messages and tar names ("name" when parent is empty).
QByteArray joinPath(const QByteArray &parent, const QByteArray &name);
// The first `count` path components joined with '/'.
QByteArray joinComponents(const std::vector<QByteArray> &components, size_t count);

} // namespace berth::layer::detail
