// Byte streams between engine stages. A pull or load is one pass over the data:
// source -> (tee into the content store) -> decompress -> (hash diffID) -> untar.
// Each stage is a Reader wrapping the one before it, so nothing is buffered whole.
#pragma once

#include "util/Result.h"

#include <QString>

#include <atomic>
#include <functional>

namespace berth {

class Reader
{
public:
    virtual ~Reader() = default;
    // Reads up to max bytes; returns 0 at end of stream.
    virtual Result<qint64> read(char *buffer, qint64 max) = 0;
};

class Writer
{
public:
    virtual ~Writer() = default;
    virtual Status write(const char *data, qint64 size) = 0;
};

// Reads from a file descriptor it does not own.
class FdReader : public Reader
{
public:
    FdReader(int fd, QString nameForErrors) : m_fd(fd), m_name(std::move(nameForErrors)) {}
    Result<qint64> read(char *buffer, qint64 max) override;

private:
    int m_fd;
    QString m_name;
};

// Writes to a file descriptor it does not own.
class FdWriter : public Writer
{
public:
    FdWriter(int fd, QString nameForErrors) : m_fd(fd), m_name(std::move(nameForErrors)) {}
    Status write(const char *data, qint64 size) override;

private:
    int m_fd;
    QString m_name;
};

// Passes reads through and copies every byte read into a Writer.
class TeeReader : public Reader
{
public:
    TeeReader(Reader &source, Writer &sink) : m_source(source), m_sink(sink) {}
    Result<qint64> read(char *buffer, qint64 max) override;

private:
    Reader &m_source;
    Writer &m_sink;
};

// Reads a QByteArray (small inputs and tests).
class BufferReader : public Reader
{
public:
    explicit BufferReader(QByteArray data) : m_data(std::move(data)) {}
    Result<qint64> read(char *buffer, qint64 max) override;

private:
    QByteArray m_data;
    qint64 m_pos = 0;
};

// Collects written bytes (small outputs and tests).
class BufferWriter : public Writer
{
public:
    Status write(const char *data, qint64 size) override
    {
        m_data.append(data, size);
        return {};
    }
    const QByteArray &data() const { return m_data; }

private:
    QByteArray m_data;
};

// What long operations take so a caller can watch and stop them.
struct Progress
{
    // Set by the caller to ask the operation to stop; checked between chunks.
    const std::atomic<bool> *cancel = nullptr;
    // Called with bytes done so far (from the worker thread).
    std::function<void(qint64 done)> onBytes;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

Error cancelledError(const QString &operation);

} // namespace berth
