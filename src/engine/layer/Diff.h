// Turning a directory back into a layer tar.
//
// Output tars are reproducible: entries depth first, each directory's names in
// bytewise order (parents before children, a whiteout where its name would be),
// headers normalized (PAX where needed for long names and xattrs, no atime/ctime,
// empty uname/gname, uid/gid/mode as on disk, mtime in whole seconds as Docker
// writes it), hard links within the layer emitted as link entries, so the same
// tree always gives the same diffID. Whiteout markers carry fixed metadata
// (mode 0, owner 0:0, mtime 0).
#pragma once

#include "util/Digest.h"
#include "util/Stream.h"

#include <QStringList>

namespace berth::layer {

struct DiffResult
{
    Digest diffId;
    qint64 tarSize = 0;
    qint64 fileBytes = 0;
};

// A layer directory in diff form (as Apply writes it, or an overlayfs upperdir):
// 0/0 char devices become `.wh.NAME` entries, trusted.overlay.opaque=y (or
// user.overlay.opaque) becomes `DIR/.wh..wh..opq`, plain `.wh.` files pass through.
Result<DiffResult> tarDiffDirectory(const QString &dir, Writer &out, const Progress &progress = {});

// docker cp's archive of one path: the entry `name` of the directory dirFd
// (with everything below a directory) as a plain tar whose names start with
// tarName ("etc" for etc/, "." for a directory's contents), entries as
// tarDiffDirectory() writes them but nothing turned into a whiteout. Symlinks
// are archived, never followed; sockets are left out, as docker does.
Result<DiffResult> tarPath(int dirFd, const QByteArray &name, const QByteArray &tarName,
                           Writer &out, const Progress &progress = {});

// The changes that turn the union of `lowerDirsBottomFirst` (each in diff form)
// into the full tree `dir` (the copy snapshot driver's rootfs): new and changed
// entries, and whiteouts for what was removed.
Result<DiffResult> diffAgainstLowers(const QStringList &lowerDirsBottomFirst, const QString &dir,
                                     Writer &out, const Progress &progress = {});

} // namespace berth::layer
