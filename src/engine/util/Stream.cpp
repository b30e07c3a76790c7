#include "util/Stream.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "util/Fs.h"

namespace berth {

Result<qint64> FdReader::read(char *buffer, qint64 max)
{
    for (;;) {
        const ssize_t n = ::read(m_fd, buffer, static_cast<size_t>(max));
        if (n >= 0)
            return static_cast<qint64>(n);
        if (errno != EINTR)
            return Error::fromErrno(errno, tr("read"), m_name);
    }
}

Status FdWriter::write(const char *data, qint64 size)
{
    return fs::writeAll(m_fd, data, size, m_name);
}

Result<qint64> TeeReader::read(char *buffer, qint64 max)
{
    auto n = m_source.read(buffer, max);
    if (n.ok() && *n > 0) {
        Status st = m_sink.write(buffer, *n);
        if (!st.ok())
            return st.error();
    }
    return n;
}

Result<qint64> BufferReader::read(char *buffer, qint64 max)
{
    const qint64 n = std::min(max, static_cast<qint64>(m_data.size()) - m_pos);
    if (n > 0) {
        std::memcpy(buffer, m_data.constData() + m_pos, static_cast<size_t>(n));
        m_pos += n;
    }
    return n;
}

Error cancelledError(const QString &operation)
{
    return Error{ErrorCode::Cancelled, operation + QStringLiteral(": ") + tr("cancelled")};
}

} // namespace berth
