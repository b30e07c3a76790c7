// The state file berth-shim keeps in the bundle (<bundle>/state): what the
// engine reads for `ps` and `inspect` without talking to the shim, and the
// only record left once the shim has exited.
//
// Lifecycle: "running" once the process has exec'd; "restarting" while a
// restart policy waits out its back-off (pid 0); "exited" at the end, with
// exitCode, oomKilled, finishedAt and, when the process could not be started at
// all, error. Pausing is the engine's (cgroup freezer) and is not recorded here.
//
// With a health check (Spec::healthcheck) the shim also records its status
// and last results (runtime/Health.h), rewriting the file after each probe.
//
// The format matches the spec's: one "key value" line per field, values escaped
// (\\ \n \t), unknown keys rejected; a health log entry is one line whose
// escaped parts are separated by tabs.
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime {

// One probe's outcome, as docker's State.Health.Log keeps it.
struct HealthResult
{
    std::string start; // RFC 3339, nanoseconds, UTC
    std::string end;
    int exitCode = 0; // the probe's; -1 when it could not run or timed out
    std::string output;
};

struct HealthState
{
    std::string status; // "starting", "healthy" or "unhealthy"; empty without a health check
    int failingStreak = 0;
    std::vector<HealthResult> log; // oldest first, at most MaxHealthLog (Health.h)
};

struct ShimState
{
    std::string status; // "running", "restarting" or "exited"
    pid_t pid = 0;      // the container's init, host pid namespace; 0 when none
    pid_t shimPid = 0;
    int exitCode = 0;       // of the last run: status, or 128 + signal
    bool oomKilled = false; // the cgroup's OOM killer fired during the last run
    std::string startedAt;  // RFC 3339, nanoseconds, UTC (rfc3339Nano)
    std::string finishedAt;
    int restartCount = 0;
    std::string error; // why the process could not be started
    HealthState health;
};

std::string serializeState(const ShimState &state);
// Fails naming the line that is wrong.
Outcome parseState(const std::string &text, ShimState *state);

// Replaces path atomically: a reader sees the old or the new state, never a
// mix. The file is renamed into place without fsync on purpose: the state only
// describes processes, and after a host crash no process of it survives, so a
// state lost with the page cache says nothing the engine could act on (it
// treats a "running" state whose shim is gone as exited), while an fsync per
// start and exit would put a disk flush on the `run` critical path.
Outcome writeStateFile(const std::string &path, const ShimState &state);
Outcome readStateFile(const std::string &path, ShimState *state);

} // namespace berth::runtime
