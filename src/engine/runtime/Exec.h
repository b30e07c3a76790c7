// docker exec: starting one more process inside a running container, in every
// namespace and the cgroup of its init, with the user, limits, capabilities
// and seccomp filter the engine put into the spec.
//
// The new process is the caller's child (so the caller waits for it and
// learns its status with waitpid(2)); inside the container it sees its parent
// as pid 0, like docker's exec processes:
//   caller                                   child
//   open /proc/<init>/ns/*
//   setns(pid) for this thread's children,
//   fork, setns back        --------------> (born in the container's pid namespace)
//                                            waits for the go-ahead
//   Cgroup::open(spec.cgroupName)
//     .addProcess(child)
//   go-ahead                --------------> setns cgroup, ipc, uts, net, then mnt
//                                            (its root and cwd become the
//                                            container's); stdio, oom score,
//                                            rlimits, user, cwd, no_new_privs,
//                                            seccomp, capabilities, execve
//   returns                 <-- EOF or a failure report (Init.h's handshake)
// A namespace the caller already shares with the init (host network) is not
// joined again. When the init exits, the kernel kills every process of its pid
// namespace, so an exec'd process never outlives its container; the init's
// exit completes only once they have all been reaped, so the caller must
// waitpid() its exec'd children (or exit, handing them to its own reaper).
// startDetachedExec() is for a caller that will not wait.
#pragma once

#include "runtime/Init.h"
#include "runtime/Spec.h"

#include <sys/types.h>

#include <optional>

namespace berth::runtime {

// Runs spec.process inside the container whose init is initPid (host pid):
// spec is the container's own (its cgroupName, seccomp) with process replaced
// by what exec asked for. The exit codes of a failure are Init.h's (127 not
// found, 126 not executable, 125 anything else). Safe in a multi-threaded
// caller: only the calling thread's namespace for children changes, and only
// around the fork.
// With spec.process.terminal and ptyMaster, the process's terminal is a new pty
// of the container's own /dev/pts (so `tty` and ttyname() make sense inside, as
// with runc) and *ptyMaster receives its master, close-on-exec, for the caller
// to relay and close; stdio is then not used.
std::optional<StartFailure> startExec(const Spec &spec, pid_t initPid, const Stdio &stdio,
                                      pid_t *pid, int *ptyMaster = nullptr);

// docker exec -d: the same start, with /dev/null for stdio and no terminal
// (spec.process.terminal must be false), but the process is not the caller's
// child: a keeper process of its own, outside the container, waits for it and
// reaps it (Exec.cpp says why), so the caller may exit at once. Returns once
// the process has exec'd, or with why it could not.
std::optional<StartFailure> startDetachedExec(const Spec &spec, pid_t initPid);

} // namespace berth::runtime
