// Unpacking a layer tar into a directory.
//
// A layer is stored unpacked, once per chainID, in its own directory that holds
// only that layer's changes ("diff" form), never merged with its parents:
//   regular files, dirs, symlinks, hard links, devices, fifos with owners,
//   modes (setuid/sticky), mtimes and xattrs as the tar says;
//   a whiteout entry `.wh.NAME` becomes what overlayfs understands as a deletion
//   (WhiteoutFormat::Overlay: a 0/0 character device NAME) or stays an empty
//   regular file `.wh.NAME` (WhiteoutFormat::Plain, for stores that cannot make
//   device nodes or trusted.* xattrs);
//   an opaque marker `DIR/.wh..wh..opq` becomes the xattr trusted.overlay.opaque=y
//   on DIR (Overlay) or stays a file (Plain).
// Every path is resolved inside the root (openat2 RESOLVE_IN_ROOT): an absolute
// name, a `..` that would leave the root, or a link pointing outside it fails the
// whole apply with an error naming the entry, and nothing outside root is touched.
// The caller unpacks into a fresh temporary directory and renames it into place
// on success, so a failed or cancelled apply leaves no partial layer.
#pragma once

#include "util/Digest.h"
#include "util/Stream.h"

namespace berth::layer {

enum class WhiteoutFormat { Overlay, Plain };

struct ApplyOptions
{
    WhiteoutFormat whiteouts = WhiteoutFormat::Overlay;
    // chown entries to the tar's uid/gid (needs root or a user namespace).
    bool preserveOwners = true;
    // Character and block devices need CAP_MKNOD; by default an entry that
    // cannot be created fails the apply. With this set such entries are left
    // out instead (rootless stores, where /dev comes from the runtime anyway).
    bool skipDeviceNodes = false;
    // Whether a "./" entry sets the root's own owner, mode and times (a layer's
    // root) or is passed over (docker cp, which unpacks into a directory that
    // is already someone's, such as /tmp).
    bool applyRootEntry = true;
    // onBytes gets the bytes read from `in` so far (compressed, when it is),
    // which is what the caller knows the total of.
    Progress progress;
};

struct ApplyResult
{
    Digest diffId;      // sha256 of the uncompressed tar stream
    qint64 tarSize = 0; // bytes of the uncompressed tar
    // Regular file bytes (each hard-linked file once) plus symlink target lengths:
    // what docker counts as a layer's size.
    qint64 fileBytes = 0;
};

// `in` may be compressed (detected); `root` must exist and be empty.
// `in` is read, decompressed and hashed on a thread of its own, a few chunks
// ahead of the unpacking, and never by two threads at once: it must not be
// tied to one thread (as a QIODevice is). options.progress.onBytes is called
// from that thread. Nothing is fsynced: the caller syncfs()es once.
Result<ApplyResult> applyLayer(Reader &in, const QString &root, const ApplyOptions &options = {});

// The same unpacking into the open directory rootFd, which may have contents
// already (docker cp - CONTAINER:DIR): entries replace what is there as later
// entries of a tar replace earlier ones, and nothing outside rootFd is
// touched. operation names the job in messages ("copy to container x").
Result<ApplyResult> applyTarAt(Reader &in, int rootFd, const QString &operation,
                               const ApplyOptions &options = {});

} // namespace berth::layer
