// Health checks run by berth-shim; see Health.h.
#include "runtime/Health.h"

#include "runtime/Cgroup.h"
#include "runtime/Exec.h"
#include "runtime/JsonLog.h"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace berth::runtime {

namespace {

constexpr int64_t NsPerMs = 1'000'000;

std::string realtimeText()
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return rfc3339Nano(now);
}

// value / scale with the remainder as decimal digits, trailing zeros dropped:
// (1500, 1000) -> "1.5".
std::string decimal(uint64_t value, uint64_t scale)
{
    std::string out = std::to_string(value / scale);
    uint64_t rest = value % scale;
    if (rest == 0)
        return out;
    std::string digits;
    for (uint64_t unit = scale / 10; unit > 0; unit /= 10) {
        digits += char('0' + rest / unit);
        rest %= unit;
    }
    digits.erase(digits.find_last_not_of('0') + 1);
    return out + "." + digits;
}

} // namespace

int64_t healthProbeDelayNs(const Healthcheck &check, const HealthState &state, int64_t sinceStartNs)
{
    if (sinceStartNs < check.startPeriodNs && state.status == "starting")
        return check.startIntervalNs;
    return check.intervalNs;
}

void recordHealthResult(const Healthcheck &check, int64_t probeStartNs, HealthResult result,
                        HealthState *state)
{
    if (result.exitCode == 0) {
        state->failingStreak = 0;
        state->status = "healthy";
    } else if (state->status != "starting" || probeStartNs >= check.startPeriodNs) {
        // Until a first success, the start period forgives failures.
        ++state->failingStreak;
        if (state->failingStreak >= check.retries)
            state->status = "unhealthy";
    }
    state->log.push_back(std::move(result));
    if (state->log.size() > MaxHealthLog)
        state->log.erase(state->log.begin(), state->log.end() - MaxHealthLog);
}

std::string goDuration(int64_t ns)
{
    if (ns == 0)
        return "0s";
    const std::string sign = ns < 0 ? "-" : "";
    const uint64_t u = ns < 0 ? uint64_t(0) - uint64_t(ns) : uint64_t(ns);
    constexpr uint64_t Second = 1'000'000'000;
    if (u < 1000)
        return sign + std::to_string(u) + "ns";
    if (u < 1'000'000)
        return sign + decimal(u, 1000) + "µs";
    if (u < Second)
        return sign + decimal(u, 1'000'000) + "ms";
    const uint64_t minutes = u / (60 * Second);
    const std::string seconds = decimal(u % (60 * Second), Second) + "s";
    if (minutes == 0)
        return sign + seconds;
    const std::string hours = minutes >= 60 ? std::to_string(minutes / 60) + "h" : std::string();
    return sign + hours + std::to_string(minutes % 60) + "m" + seconds;
}

void HealthOutput::append(std::string_view data)
{
    const size_t keep = std::min(MaxHealthOutput - m_text.size(), data.size());
    m_text.append(data.substr(0, keep));
    if (keep < data.size())
        m_truncated = true;
}

std::string HealthOutput::text() const
{
    return m_truncated ? m_text + "..." : m_text;
}

void HealthOutput::clear()
{
    m_text.clear();
    m_truncated = false;
}

HealthMonitor::~HealthMonitor()
{
    closeOutput();
}

void HealthMonitor::start(pid_t initPid, int64_t nowMs)
{
    if (!enabled())
        return;
    m_running = true;
    m_initPid = initPid;
    m_startedMs = nowMs;
    m_state.status = "starting";
    m_state.failingStreak = 0;
    m_killedSettleMs.reset();
    scheduleNext(nowMs);
}

void HealthMonitor::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_initPid = 0;
    m_killedSettleMs.reset();
    if (m_probePid > 0 && !m_probeAbandoned) {
        kill(m_probePid, SIGKILL);
        m_probeAbandoned = true;
    }
    closeOutput();
    m_state.status = "unhealthy";
}

void HealthMonitor::readOutput()
{
    char buffer[4096];
    while (m_outputFd >= 0) {
        const ssize_t n = ::read(m_outputFd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            closeOutput();
            return;
        }
        // Read past the limit too, so that a chatty probe never blocks on a full pipe.
        m_output.append(std::string_view(buffer, size_t(n)));
    }
}

std::optional<int64_t> HealthMonitor::deadlineMs() const
{
    if (!m_running)
        return std::nullopt;
    if (m_killedSettleMs)
        return m_killedSettleMs;
    if (m_probePid > 0 && !m_probeAbandoned)
        return m_probeStartedMs + m_spec.healthcheck.timeoutNs / NsPerMs;
    return m_nextProbeMs;
}

bool HealthMonitor::tick(int64_t nowMs, const Cgroup &cgroup)
{
    if (!m_running)
        return false;
    if (m_killedSettleMs) {
        if (nowMs < *m_killedSettleMs)
            return false;
        m_killedSettleMs.reset();
        finishProbe(128 + SIGKILL, m_output.text(), m_killedEnd, nowMs);
        return true;
    }
    if (m_probePid > 0 && !m_probeAbandoned) {
        if (nowMs < m_probeStartedMs + m_spec.healthcheck.timeoutNs / NsPerMs)
            return false;
        kill(m_probePid, SIGKILL);
        m_probeAbandoned = true;
        closeOutput();
        finishProbe(
            -1, "Health check exceeded timeout (" + goDuration(m_spec.healthcheck.timeoutNs) + ")",
            realtimeText(), nowMs);
        return true;
    }
    if (nowMs < m_nextProbeMs)
        return false;
    // A killed probe not gone yet, or a frozen container: skip this round.
    if (m_probePid > 0 || cgroup.frozen()) {
        scheduleNext(nowMs);
        return false;
    }
    return startProbe(nowMs);
}

bool HealthMonitor::reaped(pid_t pid, int exitCode, int64_t nowMs)
{
    if (pid != m_probePid || pid <= 0)
        return false;
    m_probePid = 0;
    if (m_probeAbandoned) {
        m_probeAbandoned = false;
        return false;
    }
    // Whatever the probe wrote before it exited is in the pipe by now.
    readOutput();
    closeOutput();
    if (exitCode == 128 + SIGKILL) {
        m_killedSettleMs = nowMs + KilledProbeGraceMs;
        m_killedEnd = realtimeText();
        return false;
    }
    finishProbe(exitCode, m_output.text(), realtimeText(), nowMs);
    return true;
}

bool HealthMonitor::startProbe(int64_t nowMs)
{
    m_probeStartedMs = nowMs;
    m_probeStart = realtimeText();
    m_output.clear();
    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0) {
        finishProbe(-1, sysFailure("create the health check's output pipe").message(),
                    realtimeText(), nowMs);
        return true;
    }
    Spec probe = m_spec;
    probe.process.args = m_spec.healthcheck.args;
    probe.process.terminal = false;
    pid_t pid = 0;
    const auto failure = startExec(probe, m_initPid, Stdio{-1, pipeFds[1], pipeFds[1]}, &pid);
    ::close(pipeFds[1]);
    if (failure) {
        ::close(pipeFds[0]);
        finishProbe(-1, failure->failure.message(), realtimeText(), nowMs);
        return true;
    }
    fcntl(pipeFds[0], F_SETFL, fcntl(pipeFds[0], F_GETFL) | O_NONBLOCK);
    m_outputFd = pipeFds[0];
    m_probePid = pid;
    m_probeAbandoned = false;
    return false;
}

void HealthMonitor::finishProbe(int exitCode, std::string output, std::string end, int64_t nowMs)
{
    HealthResult result{m_probeStart, std::move(end), exitCode, std::move(output)};
    recordHealthResult(m_spec.healthcheck, (m_probeStartedMs - m_startedMs) * NsPerMs,
                       std::move(result), &m_state);
    scheduleNext(nowMs);
}

void HealthMonitor::closeOutput()
{
    if (m_outputFd >= 0)
        ::close(m_outputFd);
    m_outputFd = -1;
}

void HealthMonitor::scheduleNext(int64_t nowMs)
{
    m_nextProbeMs =
        nowMs +
        healthProbeDelayNs(m_spec.healthcheck, m_state, (nowMs - m_startedMs) * NsPerMs) / NsPerMs;
}

} // namespace berth::runtime
