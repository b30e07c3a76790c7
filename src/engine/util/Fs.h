// File-system helpers with the durability rules the store relies on:
// a file that other code may read is written to a temporary name in the same
// directory, fsynced, renamed over the final name, and the directory fsynced,
// so a crash leaves either the old or the new file, never a torn one.
#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace berth::fs {

// Write data to path atomically (temp + fsync + rename + fsync dir).
Status writeFileAtomic(const QString &path, const QByteArray &data, int mode = 0644);
// The same without the fsyncs, for files that are derived again whenever they
// are needed (a container's runtime files, made at each start): readers never
// see a torn file, but after a power loss it may be empty or missing.
Status writeFileVolatile(const QString &path, const QByteArray &data, int mode = 0644);
Result<QByteArray> readFile(const QString &path);
// mkdir -p; existing directories are fine.
Status makeDirs(const QString &path, int mode = 0755);
// rm -rf that never follows symlinks and never crosses into another mount.
// A missing path is not an error.
Status removeTree(const QString &path);
// fsync a directory so a rename or create inside it is durable.
Status syncDir(const QString &path);
Status syncFile(int fd, const QString &pathForErrors);
// A new unique directory under parent whose name starts with prefix.
Result<QString> makeTempDir(const QString &parent, const QString &prefix);
// Total bytes of regular files under path (st_blocks is not used: apparent size).
qint64 treeSize(const QString &path);
bool exists(const QString &path);
// Write all bytes to fd, retrying on EINTR and short writes.
Status writeAll(int fd, const char *data, qint64 size, const QString &pathForErrors);

} // namespace berth::fs
