// Health checks (docker's HEALTHCHECK) as berth-shim runs them.
//
// The engine puts the check, defaults applied, into the spec
// (Spec::healthcheck); the shim's HealthMonitor runs it while the container's
// process runs, one probe at a time, from the shim's poll loop:
//   process started -> status "starting", failing streak 0 (the log is kept)
//   -> after startInterval (while "starting" inside the start period), else
//      after interval: the probe is exec'd into the container (Exec.h) with
//      its stdout and stderr on one pipe the loop drains
//   -> exit 0: "healthy", streak 0; any other exit, or a probe that could not
//      start (exit code -1): streak + 1, "unhealthy" once it reaches retries;
//      a failure while "starting" inside the start period does not count
//   -> still running after timeout: SIGKILL, exit code -1, output
//      "Health check exceeded timeout (30s)"
//   -> the result joins the log (the last 5, output cut at 4096 bytes) and
//      the shim rewrites its state file (ShimState.h); the next probe comes
//      an interval after this one ended
//   process ended -> a running probe is killed and its result dropped; the
//      status becomes "unhealthy", as docker's is for a stopped monitor.
// When the container's init dies the kernel SIGKILLs the probe too, and the
// init's exit completes only after the shim reaped the probe; so the result
// of a probe SIGKILLed by someone else waits KilledProbeGraceMs for the
// init's exit, which drops it, before it counts.
// A paused (frozen) container gets no probe: the exec'd process would freeze
// before it could report, and with it the shim.
//
// The rules are free functions over HealthState so they can be tested without
// processes or clocks; HealthMonitor adds the processes and the clock.
#pragma once

#include "runtime/ShimState.h"
#include "runtime/Spec.h"

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::runtime {

class Cgroup;

// docker's defaults, for fields the image and the run options leave at zero.
constexpr int64_t DefaultHealthIntervalNs = 30'000'000'000;
constexpr int64_t DefaultHealthTimeoutNs = 30'000'000'000;
constexpr int64_t DefaultHealthStartIntervalNs = 5'000'000'000;
constexpr int DefaultHealthRetries = 3;
constexpr size_t MaxHealthLog = 5;
constexpr size_t MaxHealthOutput = 4096;
constexpr int64_t KilledProbeGraceMs = 250;

// How long after the previous probe ended (or the process started) the next
// one runs; sinceStartNs is the time since the process started.
int64_t healthProbeDelayNs(const Healthcheck &check, const HealthState &state,
                           int64_t sinceStartNs);

// Folds one probe's result into state by docker's rules (see above);
// probeStartNs is when the probe started, counted from the process's start.
void recordHealthResult(const Healthcheck &check, int64_t probeStartNs, HealthResult result,
                        HealthState *state);

// Go's time.Duration.String(), as docker's messages print durations:
// "30s", "1.5s", "500ms", "1m30s", "1h0m0s".
std::string goDuration(int64_t ns);

// A probe's output as docker keeps it: the first MaxHealthOutput bytes, then
// "..." when more came.
class HealthOutput
{
public:
    void append(std::string_view data);
    std::string text() const;
    void clear();

private:
    std::string m_text;
    bool m_truncated = false;
};

class HealthMonitor
{
public:
    // Reads spec (its healthcheck and process) at each probe; spec must outlive it.
    explicit HealthMonitor(const Spec &spec) : m_spec(spec) {}
    HealthMonitor(const HealthMonitor &) = delete;
    HealthMonitor &operator=(const HealthMonitor &) = delete;
    ~HealthMonitor();

    bool enabled() const { return !m_spec.healthcheck.args.empty(); }
    const HealthState &state() const { return m_state; }

    // The container's process initPid started at nowMs (CLOCK_MONOTONIC).
    void start(pid_t initPid, int64_t nowMs);
    // The process ended: no more probes.
    void stop();

    // The running probe's output pipe (-1 when none) for the poll loop, and
    // what to do when it is readable.
    int outputFd() const { return m_outputFd; }
    void readOutput();
    // When tick() next has something to do, if ever.
    std::optional<int64_t> deadlineMs() const;
    // Starts a probe that is due or times out the running one; true when
    // state() changed. cgroup is the container's, asked whether it is paused.
    bool tick(int64_t nowMs, const Cgroup &cgroup);
    // Every child the shim reaps comes here, with its exit code (128 + signal
    // when killed); true when it was the probe and state() changed.
    bool reaped(pid_t pid, int exitCode, int64_t nowMs);

private:
    bool startProbe(int64_t nowMs);
    void finishProbe(int exitCode, std::string output, std::string end, int64_t nowMs);
    void closeOutput();
    void scheduleNext(int64_t nowMs);

    const Spec &m_spec;
    HealthState m_state;
    bool m_running = false;
    pid_t m_initPid = 0;
    int64_t m_startedMs = 0;
    int64_t m_nextProbeMs = 0;
    // The probe: running, or killed and not reaped yet (abandoned: its result
    // was already recorded, or dropped).
    pid_t m_probePid = 0;
    bool m_probeAbandoned = false;
    int64_t m_probeStartedMs = 0;
    std::string m_probeStart;
    int m_outputFd = -1;
    HealthOutput m_output;
    // A SIGKILLed probe's exit, counted at this time unless the process ends first.
    std::optional<int64_t> m_killedSettleMs;
    std::string m_killedEnd;
};

} // namespace berth::runtime
