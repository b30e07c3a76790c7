// An advisory lock on a file (flock), held for the object's lifetime. Several
// berth processes share one store without a daemon; they serialize writes to
// the same object (the OCI index, one layer's unpack) through these locks.
#pragma once

#include "util/Result.h"

#include <QString>

namespace berth {

class FileLock
{
public:
    enum Mode { Shared, Exclusive };

    FileLock() = default;
    ~FileLock();
    FileLock(FileLock &&other) noexcept;
    FileLock &operator=(FileLock &&other) noexcept;
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

    // Blocks until the lock is held. Creates the lock file if needed.
    static Result<FileLock> acquire(const QString &path, Mode mode = Exclusive);
    void release();
    bool held() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

} // namespace berth
