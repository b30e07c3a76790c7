// Layer streams arrive plain or compressed; this detects which by magic bytes and
// wraps a Reader so the next stage always sees the plain tar. gzip goes through
// ISA-L's inflate (about 3x zlib here), zstd through libzstd, xz through liblzma,
// bzip2 through libbz2. Compression for push/save goes through ISA-L deflate.
#pragma once

#include "util/Stream.h"

#include <memory>

namespace berth::layer {

enum class Compression { None, Gzip, Zstd, Xz, Bzip2 };

Compression detectCompression(const char *head, qint64 size);
QString compressionName(Compression c);

// A Reader yielding the decompressed bytes of `source`; the kind is detected
// from the first bytes. Corrupt compressed data is an ErrorCode::Corrupt error
// naming `nameForErrors`.
std::unique_ptr<Reader> decompressingReader(Reader &source, const QString &nameForErrors);

// A Writer that gzip-compresses into `sink` (ISA-L, level 1 by default).
// finish() must be called to flush the trailer.
class GzipWriter : public Writer
{
public:
    explicit GzipWriter(Writer &sink, int level = 1);
    ~GzipWriter() override;
    Status write(const char *data, qint64 size) override;
    Status finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace berth::layer
