// Starting a container's init: the process clone(2)d into the container's
// namespaces that builds the root filesystem (Rootfs.h), becomes the
// container's user with its limits, capabilities and seccomp filter, and
// execs spec.process.
//
// The shim calls startContainer() once per container:
//   parent (shim)                         child (init, pid 1 of its pid namespace)
//   clone(CLONE_NEW*)  ------------------> waits for the go-ahead
//   beforeSetup(pid): joins the cgroup
//   go-ahead          -------------------> unshare(CLONE_NEWCGROUP): the group just
//                                          joined becomes its cgroup root;
//                                          hostname, stdio, rootfs, rlimits,
//                                          groups/gid/uid, cwd, capabilities,
//                                          no_new_privs, seccomp, execve
//   returns            <-- pipe closed --- (its end is close-on-exec)
//                      <-- or a failure report, then the child exits and is reaped
// The container's process is the shim's child, so the shim reaps it and learns
// its exit status with waitpid(2).
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <functional>
#include <optional>

namespace berth::runtime {

// The descriptors that become the container's 0, 1 and 2; -1 gives /dev/null.
// With spec.process.terminal they are a pty's slave, which also becomes the
// container's controlling terminal (a new session, TIOCSCTTY).
struct Stdio
{
    int in = -1;
    int out = -1;
    int err = -1;
};

// Why the container's process did not start, with docker's exit code: 127 the
// command was not found, 126 it could not be executed, 125 anything else.
// The exec messages are docker's: `exec: "foo": executable file not found in
// $PATH`, `exec: "/nope": stat /nope: no such file or directory`,
// `exec: "/etc": permission denied` (their err is 0: the text says it all).
struct StartFailure
{
    Failure failure;
    int exitCode = 125;
};

// Clones the init into spec.namespaces (a mount namespace always: the root
// filesystem is built in it; a new network namespace unless spec.hostNetwork
// or spec.netNsPath, which the init joins), calls beforeSetup(pid) before the
// child does anything, and returns once the process has exec'd (*pid is then
// its pid) or failed (the child is reaped). A failing beforeSetup kills the
// child and is returned with exit code 125. The caller keeps and closes the
// stdio descriptors. Not for multi-threaded callers: the child starts from a
// raw clone, without the fork handlers that make libc usable after a fork of a
// threaded process.
std::optional<StartFailure> startContainer(const Spec &spec, const Stdio &stdio,
                                           const std::function<Outcome(pid_t)> &beforeSetup,
                                           pid_t *pid);

// The steps a new process inside an existing container (runtime/Exec.h) shares
// with the init, in the order the init runs them. The handshake: the child
// blocks in waitForGoAhead(fd) on its end of a close-on-exec socket pair while
// the parent joins it to the cgroup, then the parent's releaseChild() sends the
// go-ahead and reads until the child has exec'd (EOF: *pid = child) or sent
// reportAndExit()'s failure (the child is then reaped).
bool waitForGoAhead(int fd);
[[noreturn]] void reportAndExit(int reportFd, const StartFailure &failure);
std::optional<StartFailure> releaseChild(int fd, pid_t child, pid_t *pid);
// releaseChild()'s reading alone: fd to its end, where nothing means the
// process exec'd (the writing end is close-on-exec).
std::optional<StartFailure> readStartReport(int fd);
// Default signal dispositions, nothing blocked, umask 022.
void resetProcessState();
// stdio onto 0, 1, 2; every other descriptor close-on-exec; with terminal a new
// session whose controlling terminal is stdin.
Outcome setupStdio(const Stdio &stdio, bool terminal);
Outcome setOomScoreAdj(int value);
Outcome setRlimits(const std::vector<Rlimit> &limits);
// setgroups, setresgid, setresuid, keeping the permitted capabilities.
Outcome becomeUser(const Process &process);
// args[0] looked up as Go's exec.LookPath does, failing with docker's messages.
std::optional<StartFailure> findExecutable(const Process &process, std::string *path);
// The last steps of every process the runtime starts, once it is its user in
// its namespaces: cwd, the executable looked up, no_new_privs, seccomp,
// capabilities, then beforeExec (the init's --init reaper forks there) and
// execve. Returns only on failure, with docker's exec messages and codes.
StartFailure hardenAndExec(const Spec &spec, const std::function<void()> &beforeExec = {});

} // namespace berth::runtime
