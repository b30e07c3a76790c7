// Reading a layer tar entry by entry (internal to the layer folder), shared by
// apply (which unpacks it) and scan (which only checks it): the source is read,
// decompressed and hashed into the diffID on a thread of its own, a few chunks
// ahead of libarchive; and the rules every entry name must follow, with the
// messages that name the entry that breaks them.
#pragma once

#include "util/Digest.h"
#include "util/Stream.h"

#include <QByteArray>

#include <memory>
#include <vector>

struct archive;
struct archive_entry;

namespace berth::layer::detail {

// Where the diffID is hashed. Apply spends its time in the kernel creating
// files, so the reading thread hashes too; a scan has nothing to do but parse
// headers, while the reading thread may also be writing the blob, so the two
// hashes of a load (blob digest there, diffID here) run on the two cores.
enum class HashOn { ReadingThread, Consumer };

class TarStream
{
public:
    // `in` may be compressed (detected). progress.onBytes gets the bytes read
    // from `in` so far, from the reading thread. operation names the whole job
    // in messages ("unpack layer into /x").
    TarStream(Reader &in, const Progress &progress, HashOn hashOn, QString operation);
    ~TarStream();
    TarStream(const TarStream &) = delete;
    TarStream &operator=(const TarStream &) = delete;

    Status open();
    struct archive *archive() const;
    // The next entry's header; nullptr after the last one.
    Result<archive_entry *> next();
    // What an entry's handler failed with, or the read failure that was behind
    // it (libarchive only reports "-1" for those).
    Error failed(const Error &entryError) const;
    // After the last entry: reads the rest of the stream (padding, trailing
    // bytes are part of the diffID) and returns the diffID and the tar's size.
    Result<Digest> finish(qint64 *tarSize);

private:
    Error archiveError() const;
    struct Impl;
    std::unique_ptr<Impl> m;
};

Error entryError(const QString &label, const Error &cause);
Error entryError(const QString &label, ErrorCode code, const QString &cause);

// The components of an entry name: "." and empty ones dropped; an empty or
// absolute name and any ".." are refused (label is the name as the tar spells
// it). No components: the layer root itself.
Result<std::vector<QByteArray>> splitEntryName(const char *raw, const QString &label);

// The components of the path a hard link entry (label) points to; an absolute
// target or one that leaves the root is refused.
Result<std::vector<QByteArray>> hardlinkTarget(const char *linkName, const QString &label);

} // namespace berth::layer::detail
