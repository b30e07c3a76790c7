// The worker pool a pull and a push share: one job per layer, `parallel` at a
// time, the first failure stopping the others. Header-only because its two
// users live in berth-registry.so.
#pragma once

#include "util/Result.h"
#include "util/Stream.h"

#include <QList>
#include <QMutex>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <optional>

namespace berth {

// Runs job(i) for every i in `indexes`. A failing job sets `stop`, which the
// other jobs' transfers watch (Progress::cancel) so they end early; the error
// returned is that failure, not the cancellations it caused. The caller's
// progress is polled every 100 ms: a cancel sets `stop` too and comes back as
// "<operation>: cancelled".
inline Status runLayerJobs(const QList<int> &indexes, int parallel, const Progress &progress,
                           std::atomic<bool> &stop, const QString &operation,
                           const std::function<Status(int)> &job)
{
    QThreadPool pool;
    pool.setMaxThreadCount(std::max(1, parallel));
    QMutex mutex;
    std::optional<Error> failure;
    for (int i : indexes) {
        pool.start([&, i] {
            Status st = job(i);
            if (st.ok())
                return;
            QMutexLocker lock(&mutex);
            if (!failure || failure->code == ErrorCode::Cancelled)
                failure = st.error();
            stop = true;
        });
    }
    while (!pool.waitForDone(100)) {
        if (progress.cancelled())
            stop = true;
    }
    if (progress.cancelled())
        return cancelledError(operation);
    if (failure)
        return *failure;
    return {};
}

} // namespace berth
