// The state file berth-shim keeps in the bundle (<bundle>/state): what the
// engine reads for `ps` and `inspect` without talking to the shim, and the
// only record left once the shim has exited.
//
// Lifecycle: "running" once the process has exec'd; "restarting" while a
// restart policy waits out its back-off (pid 0); "exited" at the end, with
// exitCode, oomKilled, finishedAt and, when the process could not be started at
// all, error. Pausing is the engine's (cgroup freezer) and is not recorded here.
//
// The format matches the spec's: one "key value" line per field, values escaped
// (\\ \n \t), unknown keys rejected.
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <string>

namespace berth::runtime {

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
