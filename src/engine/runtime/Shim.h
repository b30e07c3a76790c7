// berth-shim's supervisor: one per running container, like conmon. It holds
// the container's init as its child, feeds its stdin, copies its output to the
// json-file log (JsonLog.h) and to attached clients, records its exit in the
// state file (ShimState.h), applies the restart policy and answers the
// requests of ShimProtocol.h on <bundle>/shim.sock.
//
// Lifecycle of one shim (src/shim/main.cpp daemonizes, then calls runShim):
//   read <bundle>/spec -> cgroup -> listen on shim.sock -> stdio -> startContainer
//   -> state "running" -> ready line "ok <shim> <init>"
//   -> poll loop: output, clients, SIGCHLD, SIGTERM
//   -> the init exits: drain its output, then restart (state "restarting" for the
//      back-off: 100 ms doubling, reset after a run of 10 s or more, at most
//      1 min, as docker's restart manager) or finish: state "exited", cgroup
//      destroyed, socket removed, exit frames and "exit N" answers sent.
// A failure before the process runs is reported on the ready line as
// "error <exitCode> <message>" and leaves state "exited" and no cgroup.
//
// It is a single thread around one poll(2) with small buffers and no Qt, so a
// hundred resident shims cost little memory. Signals come in through a self-pipe
// rather than a signalfd because a signalfd needs them blocked, and a blocked
// mask (unlike a handler) would be inherited by the container's process.
//
// SIGINT, SIGHUP and SIGPIPE are caught and ignored (the terminal that started
// `berth run -d` closing must not end the container); SIGTERM kills the
// container with SIGKILL and exits after recording its state, so stopping the
// shim never leaves an orphan.
//
// A shim that is SIGKILLed cannot clean up, so the guarantee that no container
// runs without its supervisor rests on the kernel: the init is the shim's own
// child (the shim forks before it creates the container, never after) and
// must carry PR_SET_PDEATHSIG = SIGKILL, set by runtime/Init in the child after
// its last credential change (which clears it) and right before execve. The
// kernel then kills the init when the shim dies, and with the init, as pid 1 of
// its pid namespace, every other process of the container. The shim itself is
// a child subreaper, so processes of a container without its own pid
// namespace are reparented to it rather than to the host's init.
#pragma once

#include "runtime/Spec.h"

#include <cstdint>
#include <string>

namespace berth::runtime {

struct ShimOptions
{
    std::string bundle; // absolute
    int readyFd = -1;   // gets the one ready line, then is closed
    int attachFd = -1;  // a connected SOCK_STREAM socket attached to all streams
};

// Supervises the container of options.bundle until it has finally exited.
// Returns the shim's exit status: 0, or the start failure's exit code.
int runShim(const ShimOptions &options);

// docker's restart policies: "no"; "always" and "unless-stopped" (the same for
// a running shim) unless stopped by the user; "on-failure" for a non-zero exit
// code, at most spec.restartMaxRetries times when that is positive.
bool shouldRestart(const Spec &spec, int exitCode, int restartCount, bool stoppedByUser);

// The back-off before the next restart: 100 ms after a run of at least 10 s or
// the first time (previousDelayMs 0), else twice the previous delay, at most a minute.
int64_t restartDelayMs(int64_t previousDelayMs, int64_t ranForMs);

} // namespace berth::runtime
