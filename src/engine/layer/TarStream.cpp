// Reading a layer tar entry by entry: the reading thread and the entry-name rules.
#include "layer/TarStream.h"

#include "layer/Compression.h"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace berth::layer::detail {

namespace {

// The tar is read in 1 MiB chunks: libarchive hands file data out as pointers
// into them, so most file contents go from this buffer straight to write(2).
constexpr qint64 kTarChunk = 1 << 20;

// Passes reads through, reporting the running total to the caller.
class CountingReader : public Reader
{
public:
    CountingReader(Reader &source, const Progress &progress)
        : m_source(source), m_progress(progress)
    {
    }

    Result<qint64> read(char *buffer, qint64 max) override
    {
        auto n = m_source.read(buffer, max);
        if (n.ok() && *n > 0) {
            m_total += *n;
            if (m_progress.onBytes)
                m_progress.onBytes(m_total);
        }
        return n;
    }

private:
    Reader &m_source;
    const Progress &m_progress;
    qint64 m_total = 0;
};

// Feeds libarchive from the decompressed stream and hashes every byte of it:
// the diffID is the digest of the whole uncompressed tar. Reading the source
// and decompressing run on a thread of their own, a few chunks ahead of the
// consumer (the unpacking, which spends its time in the kernel creating files,
// or a scan): on two cores the two halves overlap instead of taking turns.
class TarSource
{
public:
    TarSource(Reader &reader, const Progress &progress, HashOn hashOn)
        : m_reader(reader), m_progress(progress), m_hashOn(hashOn)
    {
        for (auto &chunk : m_chunks) {
            chunk.data.reset(new char[kTarChunk]);
            m_free.push_back(&chunk);
        }
        m_thread = std::thread([this] { produce(); });
    }

    ~TarSource() { stop(); }

    TarSource(const TarSource &) = delete;
    TarSource &operator=(const TarSource &) = delete;

    // The next chunk of the tar, valid until the following call; 0 bytes
    // at the end.
    Result<qint64> next(const char **data)
    {
        if (m_ended)
            return qint64(0);
        std::unique_lock lock(m_mutex);
        if (m_current) {
            m_free.push_back(m_current);
            m_current = nullptr;
            m_changed.notify_all();
        }
        m_changed.wait(lock, [this] { return !m_full.empty(); });
        Chunk *chunk = m_full.front();
        m_full.pop_front();
        if (chunk->error) {
            m_error = chunk->error;
            m_full.push_front(chunk); // every later call fails the same way
            return *chunk->error;
        }
        m_current = chunk;
        m_ended = chunk->size == 0;
        if (m_hashOn == HashOn::Consumer)
            m_hash.update(chunk->data.get(), chunk->size);
        *data = chunk->data.get();
        return chunk->size;
    }

    // libarchive stops at the end-of-archive blocks; the rest of the stream
    // (record padding, trailing bytes) is still part of what the diffID covers.
    Status drain()
    {
        const char *data = nullptr;
        for (;;) {
            BERTH_TRY_ASSIGN(const qint64 n, next(&data));
            if (n == 0)
                return {};
        }
    }

    // Why the last read failed, kept because libarchive only reports "-1".
    const std::optional<Error> &error() const { return m_error; }

    // Only after drain() returned ok: the stream was read to its end.
    Digest finish(qint64 *size)
    {
        stop();
        *size = m_hash.bytes();
        return m_hash.finish();
    }

private:
    struct Chunk
    {
        std::unique_ptr<char[]> data;
        qint64 size = 0;
        std::optional<Error> error;
    };

    void produce()
    {
        for (;;) {
            Chunk *chunk = nullptr;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_stopping || !m_free.empty(); });
                if (m_stopping)
                    return;
                chunk = m_free.front();
                m_free.pop_front();
            }
            chunk->size = 0;
            if (m_progress.cancelled()) {
                chunk->error = cancelledError(tr("read layer"));
            } else {
                auto n = m_reader.read(chunk->data.get(), kTarChunk);
                if (n.ok()) {
                    chunk->size = *n;
                    if (m_hashOn == HashOn::ReadingThread)
                        m_hash.update(chunk->data.get(), *n);
                } else {
                    chunk->error = n.error();
                }
            }
            const bool last = chunk->size == 0;
            {
                std::lock_guard lock(m_mutex);
                m_full.push_back(chunk);
                m_changed.notify_all();
            }
            if (last)
                return;
        }
    }

    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
            m_changed.notify_all();
        }
        if (m_thread.joinable())
            m_thread.join();
    }

    // Four chunks: enough to ride out uneven reads and entry sizes without
    // holding much memory.
    static constexpr int kChunks = 4;

    Reader &m_reader;
    const Progress &m_progress;
    const HashOn m_hashOn;
    Sha256 m_hash; // used by one side only (m_hashOn)
    std::array<Chunk, kChunks> m_chunks;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Chunk *> m_free;
    std::deque<Chunk *> m_full;
    Chunk *m_current = nullptr;
    bool m_ended = false; // consumer side: the end of the stream was handed out
    bool m_stopping = false;
    std::optional<Error> m_error;
    std::thread m_thread;
};

la_ssize_t readTar(struct archive *a, void *client, const void **out)
{
    auto *source = static_cast<TarSource *>(client);
    const char *data = nullptr;
    auto n = source->next(&data);
    if (!n.ok()) {
        archive_set_error(a, EIO, "%s", n.error().message.toUtf8().constData());
        return -1;
    }
    *out = data;
    return la_ssize_t(*n);
}

struct ArchiveDeleter
{
    void operator()(struct archive *a) const { archive_read_free(a); }
};

} // namespace

struct TarStream::Impl
{
    Impl(Reader &in, const Progress &progress, HashOn hashOn, QString operation)
        : counted(in, progress), plain(decompressingReader(counted, QString())),
          source(*plain, progress, hashOn), operation(std::move(operation))
    {
    }

    CountingReader counted;
    std::unique_ptr<Reader> plain;
    TarSource source;
    std::unique_ptr<struct archive, ArchiveDeleter> archive{archive_read_new()};
    QString operation;
};

TarStream::TarStream(Reader &in, const Progress &progress, HashOn hashOn, QString operation)
    : m(std::make_unique<Impl>(in, progress, hashOn, std::move(operation)))
{
}

TarStream::~TarStream() = default;

Status TarStream::open()
{
    archive_read_support_format_tar(m->archive.get());
    // A zero-byte stream is an empty layer too.
    archive_read_support_format_empty(m->archive.get());
    if (archive_read_open(m->archive.get(), &m->source, nullptr, readTar, nullptr) != ARCHIVE_OK)
        return archiveError();
    return {};
}

struct archive *TarStream::archive() const
{
    return m->archive.get();
}

Result<archive_entry *> TarStream::next()
{
    archive_entry *entry = nullptr;
    const int rc = archive_read_next_header(m->archive.get(), &entry);
    if (rc == ARCHIVE_EOF)
        return static_cast<archive_entry *>(nullptr);
    if (rc < ARCHIVE_WARN)
        return archiveError();
    return entry;
}

Error TarStream::archiveError() const
{
    if (m->source.error())
        return m->source.error()->prefixed(m->operation);
    return makeError(ErrorCode::Corrupt,
                     m->operation + QStringLiteral(": ") +
                         QString::fromUtf8(archive_error_string(m->archive.get())));
}

Error TarStream::failed(const Error &entryError) const
{
    return m->source.error() ? archiveError() : entryError.prefixed(m->operation);
}

Result<Digest> TarStream::finish(qint64 *tarSize)
{
    Status drained = m->source.drain();
    if (!drained.ok())
        return drained.error().prefixed(m->operation);
    return m->source.finish(tarSize);
}

Error entryError(const QString &label, const Error &cause)
{
    return cause.prefixed(tr("entry \"%1\"").arg(label));
}

Error entryError(const QString &label, ErrorCode code, const QString &cause)
{
    return makeError(code, tr("entry \"%1\": %2").arg(label, cause));
}

Result<std::vector<QByteArray>> splitEntryName(const char *raw, const QString &label)
{
    const QByteArray name(raw ? raw : "");
    if (name.isEmpty())
        return entryError(label, ErrorCode::InvalidArgument, tr("empty name"));
    if (name.startsWith('/'))
        return entryError(label, ErrorCode::InvalidArgument,
                          tr("absolute path not allowed in a layer"));
    std::vector<QByteArray> components;
    for (const QByteArray &part : name.split('/')) {
        if (part.isEmpty() || part == ".")
            continue;
        // Rejecting every ".." (not only those that would climb out) keeps
        // the rule simple to check and is what well-formed layers never need.
        if (part == "..")
            return entryError(label, ErrorCode::InvalidArgument,
                              tr("path escapes the layer root (\"..\" component)"));
        components.push_back(part);
    }
    return components;
}

Result<std::vector<QByteArray>> hardlinkTarget(const char *linkName, const QString &label)
{
    const QString targetLabel = QString::fromUtf8(linkName);
    if (QByteArray(linkName).startsWith('/'))
        return entryError(label, ErrorCode::InvalidArgument,
                          tr("hard link target \"%1\" is an absolute path").arg(targetLabel));
    auto components = splitEntryName(linkName, label);
    if (!components.ok() || components->empty())
        return entryError(label, ErrorCode::InvalidArgument,
                          tr("hard link target \"%1\" escapes the layer root").arg(targetLabel));
    return components;
}

} // namespace berth::layer::detail
