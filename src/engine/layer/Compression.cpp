// The decompressing Reader (one Codec per format, chosen from the first bytes)
// and the ISA-L gzip Writer.
#include "layer/Compression.h"

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace berth::layer {

namespace {

// Big chunks keep the per-call overhead of the codecs and of the source
// reader (often a file or a network stream) small next to the work itself.
constexpr qint64 kInputChunk = 1 << 20;
constexpr qint64 kOutputChunk = 1 << 20;
// Enough to tell every supported magic apart.
constexpr qint64 kMagicBytes = 6;

Error corrupt(Compression kind, const QString &stream, const QString &cause)
{
    const QString what = stream.isEmpty()
                             ? tr("decompress %1 stream").arg(compressionName(kind))
                             : tr("decompress %1 stream %2").arg(compressionName(kind), stream);
    return makeError(ErrorCode::Corrupt, what + QStringLiteral(": ") + cause);
}

// The compressed bytes read ahead from the source; codecs consume from it.
class Input
{
public:
    explicit Input(Reader &source) : m_source(source), m_buffer(new char[kInputChunk]) {}

    const char *data() const { return m_buffer.get() + m_pos; }
    qint64 available() const { return m_end - m_pos; }
    bool atEnd() const { return m_eof && available() == 0; }
    void consume(qint64 n) { m_pos += n; }

    // Reads more from the source when everything buffered was consumed.
    Status refill()
    {
        if (available() > 0 || m_eof)
            return {};
        BERTH_TRY_ASSIGN(const qint64 n, m_source.read(m_buffer.get(), kInputChunk));
        m_pos = 0;
        m_end = n;
        m_eof = n == 0;
        return {};
    }

    // Reads until at least `want` bytes are buffered or the source ends.
    Status fillHead(qint64 want)
    {
        while (m_end < want && !m_eof) {
            BERTH_TRY_ASSIGN(const qint64 n,
                             m_source.read(m_buffer.get() + m_end, kInputChunk - m_end));
            m_end += n;
            m_eof = n == 0;
        }
        return {};
    }

    Reader &source() { return m_source; }

private:
    Reader &m_source;
    std::unique_ptr<char[]> m_buffer;
    qint64 m_pos = 0;
    qint64 m_end = 0;
    bool m_eof = false;
};

class Codec
{
public:
    virtual ~Codec() = default;
    // Produces up to max bytes; 0 only at the clean end of the stream.
    virtual Result<qint64> decode(Input &in, char *out, qint64 max) = 0;
};

class PlainCodec : public Codec
{
public:
    Result<qint64> decode(Input &in, char *out, qint64 max) override
    {
        if (in.available() > 0) {
            const qint64 n = std::min(max, in.available());
            std::memcpy(out, in.data(), size_t(n));
            in.consume(n);
            return n;
        }
        if (in.atEnd())
            return qint64(0);
        return in.source().read(out, max);
    }
};

// ISA-L inflate with its gzip wrapper parsing and CRC-32/ISIZE check. A gzip
// file may hold several members back to back (pigz, `cat a.gz b.gz`); each
// one is decoded in turn, as gzip(1) does.
class GzipCodec : public Codec
{
public:
    explicit GzipCodec(QString name) : m_name(std::move(name)), m_state(new inflate_state)
    {
        isal_inflate_init(m_state.get());
        m_state->crc_flag = ISAL_GZIP;
    }

    Result<qint64> decode(Input &in, char *out, qint64 max) override
    {
        inflate_state &s = *m_state;
        const auto room = uint32_t(std::min<qint64>(max, std::numeric_limits<uint32_t>::max()));
        s.next_out = reinterpret_cast<uint8_t *>(out);
        s.avail_out = room;
        while (s.avail_out == room) {
            if (s.block_state == ISAL_BLOCK_FINISH) {
                BERTH_TRY(in.refill());
                if (in.atEnd())
                    break;
                // Another member follows: start over on the same output.
                isal_inflate_reset(&s);
                s.crc_flag = ISAL_GZIP;
                s.next_out = reinterpret_cast<uint8_t *>(out);
                s.avail_out = room;
            }
            BERTH_TRY(in.refill());
            if (in.atEnd())
                return corrupt(Compression::Gzip, m_name, tr("unexpected end of data"));
            s.next_in = reinterpret_cast<uint8_t *>(const_cast<char *>(in.data()));
            s.avail_in = uint32_t(std::min<qint64>(in.available(), kInputChunk));
            const uint32_t before = s.avail_in;
            const int rc = isal_inflate(&s);
            in.consume(before - s.avail_in);
            if (rc < 0)
                return corrupt(Compression::Gzip, m_name, describe(rc));
        }
        return qint64(room - s.avail_out);
    }

private:
    static QString describe(int rc)
    {
        switch (rc) {
        case ISAL_INVALID_WRAPPER:
            return tr("invalid gzip header");
        case ISAL_UNSUPPORTED_METHOD:
            return tr("unsupported compression method");
        case ISAL_INCORRECT_CHECKSUM:
            return tr("checksum mismatch");
        default:
            return tr("invalid deflate data");
        }
    }

    QString m_name;
    std::unique_ptr<inflate_state> m_state;
};

class ZstdCodec : public Codec
{
public:
    explicit ZstdCodec(QString name) : m_name(std::move(name)), m_stream(ZSTD_createDStream())
    {
        ZSTD_initDStream(m_stream);
    }
    ~ZstdCodec() override { ZSTD_freeDStream(m_stream); }

    Result<qint64> decode(Input &in, char *out, qint64 max) override
    {
        for (;;) {
            BERTH_TRY(in.refill());
            // Asking the decoder again after a finished frame would make it
            // expect the next frame's header.
            if (in.atEnd() && !m_frameOpen)
                return qint64(0);
            ZSTD_inBuffer input{in.data(), size_t(in.available()), 0};
            ZSTD_outBuffer output{out, size_t(max), 0};
            // Called even without new input: a full output buffer may have
            // left decoded bytes inside the decoder.
            const size_t rc = ZSTD_decompressStream(m_stream, &output, &input);
            in.consume(qint64(input.pos));
            if (ZSTD_isError(rc))
                return corrupt(Compression::Zstd, m_name,
                               QString::fromUtf8(ZSTD_getErrorName(rc)).toLower());
            // rc == 0: a frame just ended; a new one may follow.
            m_frameOpen = rc != 0;
            if (output.pos > 0)
                return qint64(output.pos);
            if (in.atEnd() && m_frameOpen)
                return corrupt(Compression::Zstd, m_name, tr("unexpected end of data"));
        }
    }

private:
    QString m_name;
    ZSTD_DStream *m_stream;
    bool m_frameOpen = true;
};

class XzCodec : public Codec
{
public:
    explicit XzCodec(QString name) : m_name(std::move(name))
    {
        m_ok = lzma_stream_decoder(&m_stream, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
    }
    ~XzCodec() override { lzma_end(&m_stream); }

    Result<qint64> decode(Input &in, char *out, qint64 max) override
    {
        if (!m_ok)
            return corrupt(Compression::Xz, m_name, tr("cannot initialize the decoder"));
        if (m_done)
            return qint64(0);
        m_stream.next_out = reinterpret_cast<uint8_t *>(out);
        m_stream.avail_out = size_t(max);
        while (m_stream.avail_out == size_t(max)) {
            BERTH_TRY(in.refill());
            m_stream.next_in = reinterpret_cast<const uint8_t *>(in.data());
            m_stream.avail_in = size_t(in.available());
            const lzma_ret rc = lzma_code(&m_stream, in.atEnd() ? LZMA_FINISH : LZMA_RUN);
            in.consume(in.available() - qint64(m_stream.avail_in));
            if (rc == LZMA_STREAM_END) {
                m_done = true;
                break;
            }
            if (rc == LZMA_BUF_ERROR && in.atEnd())
                return corrupt(Compression::Xz, m_name, tr("unexpected end of data"));
            if (rc != LZMA_OK)
                return corrupt(Compression::Xz, m_name, describe(rc));
        }
        return qint64(max - qint64(m_stream.avail_out));
    }

private:
    static QString describe(lzma_ret rc)
    {
        switch (rc) {
        case LZMA_FORMAT_ERROR:
            return tr("not in xz format");
        case LZMA_DATA_ERROR:
            return tr("invalid compressed data");
        case LZMA_MEM_ERROR:
            return tr("out of memory");
        case LZMA_OPTIONS_ERROR:
            return tr("unsupported options");
        default:
            return tr("decoder error %1").arg(int(rc));
        }
    }

    QString m_name;
    lzma_stream m_stream = LZMA_STREAM_INIT;
    bool m_ok = false;
    bool m_done = false;
};

// libbz2; like bzip2(1), streams written back to back (pbzip2) are all read.
class Bzip2Codec : public Codec
{
public:
    explicit Bzip2Codec(QString name) : m_name(std::move(name)) { start(); }
    ~Bzip2Codec() override { BZ2_bzDecompressEnd(&m_stream); }

    Result<qint64> decode(Input &in, char *out, qint64 max) override
    {
        const auto room = unsigned(std::min<qint64>(max, std::numeric_limits<unsigned>::max()));
        m_stream.next_out = out;
        m_stream.avail_out = room;
        while (m_stream.avail_out == room) {
            BERTH_TRY(in.refill());
            if (m_streamEnded) {
                if (in.atEnd())
                    break;
                BZ2_bzDecompressEnd(&m_stream);
                start();
                m_stream.next_out = out;
                m_stream.avail_out = room;
            }
            if (in.atEnd())
                return corrupt(Compression::Bzip2, m_name, tr("unexpected end of data"));
            m_stream.next_in = const_cast<char *>(in.data());
            m_stream.avail_in =
                unsigned(std::min<qint64>(in.available(), std::numeric_limits<unsigned>::max()));
            const unsigned before = m_stream.avail_in;
            const int rc = BZ2_bzDecompress(&m_stream);
            in.consume(before - m_stream.avail_in);
            if (rc == BZ_STREAM_END)
                m_streamEnded = true;
            else if (rc != BZ_OK)
                return corrupt(Compression::Bzip2, m_name,
                               rc == BZ_MEM_ERROR ? tr("out of memory")
                                                  : tr("invalid compressed data"));
        }
        return qint64(room - m_stream.avail_out);
    }

private:
    void start()
    {
        m_stream = bz_stream{};
        BZ2_bzDecompressInit(&m_stream, 0, 0);
        m_streamEnded = false;
    }

    QString m_name;
    bz_stream m_stream{};
    bool m_streamEnded = false;
};

// Detects the format on the first read (a Reader cannot fail at construction)
// and then hands every read to the codec.
class DecompressingReader : public Reader
{
public:
    DecompressingReader(Reader &source, QString name) : m_in(source), m_name(std::move(name)) {}

    Result<qint64> read(char *buffer, qint64 max) override
    {
        if (!m_codec) {
            BERTH_TRY(m_in.fillHead(kMagicBytes));
            const Compression kind = detectCompression(m_in.data(), m_in.available());
            m_codec = makeCodec(kind);
        }
        return m_codec->decode(m_in, buffer, max);
    }

private:
    std::unique_ptr<Codec> makeCodec(Compression kind) const
    {
        switch (kind) {
        case Compression::Gzip:
            return std::make_unique<GzipCodec>(m_name);
        case Compression::Zstd:
            return std::make_unique<ZstdCodec>(m_name);
        case Compression::Xz:
            return std::make_unique<XzCodec>(m_name);
        case Compression::Bzip2:
            return std::make_unique<Bzip2Codec>(m_name);
        case Compression::None:
            break;
        }
        return std::make_unique<PlainCodec>();
    }

    Input m_in;
    QString m_name;
    std::unique_ptr<Codec> m_codec;
};

} // namespace

Compression detectCompression(const char *head, qint64 size)
{
    const auto starts = [&](const char *magic, qint64 n) {
        return size >= n && std::memcmp(head, magic, size_t(n)) == 0;
    };
    if (starts("\x1f\x8b", 2))
        return Compression::Gzip;
    if (starts("\x28\xb5\x2f\xfd", 4))
        return Compression::Zstd;
    if (starts("\xfd\x37\x7a\x58\x5a\x00", 6))
        return Compression::Xz;
    if (starts("BZh", 3))
        return Compression::Bzip2;
    return Compression::None;
}

QString compressionName(Compression c)
{
    switch (c) {
    case Compression::Gzip:
        return QStringLiteral("gzip");
    case Compression::Zstd:
        return QStringLiteral("zstd");
    case Compression::Xz:
        return QStringLiteral("xz");
    case Compression::Bzip2:
        return QStringLiteral("bzip2");
    case Compression::None:
        break;
    }
    return QStringLiteral("none");
}

std::unique_ptr<Reader> decompressingReader(Reader &source, const QString &nameForErrors)
{
    return std::make_unique<DecompressingReader>(source, nameForErrors);
}

struct GzipWriter::Impl
{
    Writer &sink;
    isal_zstream stream{};
    std::unique_ptr<uint8_t[]> levelBuffer;
    std::unique_ptr<char[]> out{new char[kOutputChunk]};
    bool finished = false;

    explicit Impl(Writer &s) : sink(s) {}

    // Runs deflate until it has taken all input (or, when finishing, until
    // the trailer is out), passing each full output buffer to the sink.
    Status pump(bool finish)
    {
        for (;;) {
            stream.next_out = reinterpret_cast<uint8_t *>(out.get());
            stream.avail_out = uint32_t(kOutputChunk);
            if (isal_deflate(&stream) != COMP_OK)
                return makeError(ErrorCode::Internal, tr("gzip compress: deflate failed"));
            const qint64 produced = kOutputChunk - stream.avail_out;
            if (produced > 0)
                BERTH_TRY(sink.write(out.get(), produced));
            const bool done = finish ? stream.internal_state.state == ZSTATE_END
                                     : stream.avail_in == 0 && stream.avail_out > 0;
            if (done)
                return {};
        }
    }
};

GzipWriter::GzipWriter(Writer &sink, int level) : m(std::make_unique<Impl>(sink))
{
    isal_deflate_init(&m->stream);
    static constexpr uint32_t kLevelBuffer[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                                ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
    // ISA-L has levels 0 to 3; 1 is its fast default, 3 compresses about as
    // well as zlib -6.
    const int lvl = std::clamp(level, 0, 3);
    m->stream.level = uint32_t(lvl);
    if (kLevelBuffer[lvl] > 0) {
        m->levelBuffer.reset(new uint8_t[kLevelBuffer[lvl]]);
        m->stream.level_buf = m->levelBuffer.get();
        m->stream.level_buf_size = kLevelBuffer[lvl];
    }
    m->stream.gzip_flag = IGZIP_GZIP;
    m->stream.flush = NO_FLUSH;
}

GzipWriter::~GzipWriter() = default;

Status GzipWriter::write(const char *data, qint64 size)
{
    if (m->finished)
        return makeError(ErrorCode::Internal, tr("gzip compress: write after finish"));
    while (size > 0) {
        const auto n = uint32_t(std::min<qint64>(size, kInputChunk));
        m->stream.next_in = reinterpret_cast<uint8_t *>(const_cast<char *>(data));
        m->stream.avail_in = n;
        m->stream.end_of_stream = 0;
        BERTH_TRY(m->pump(false));
        data += n;
        size -= n;
    }
    return {};
}

Status GzipWriter::finish()
{
    if (m->finished)
        return {};
    m->stream.next_in = nullptr;
    m->stream.avail_in = 0;
    m->stream.end_of_stream = 1;
    BERTH_TRY(m->pump(true));
    m->finished = true;
    return {};
}

} // namespace berth::layer
