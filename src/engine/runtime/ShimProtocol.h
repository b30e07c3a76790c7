// Talking to berth-shim: how the engine and the CLI start a shim and drive a
// running container through it. Qt-free so the shim shares the framing code.
//
// Starting: startShim() spawns `berth-shim --bundle DIR --ready-fd N
// [--attach-fd M]`. The spawned process forks the real shim and exits at once;
// the shim creates the cgroup and the container and writes one line on the
// ready pipe: "ok <shimPid> <initPid>" or "error <exitCode> <message>".
//
// Afterwards the shim listens on <bundle>/shim.sock (mode 0600). A client sends
// one request line:
//   signal N         -> "ok" | "error <message>", then the shim closes
//   stop             -> "ok": no restart any more, the stop signal was sent
//   resize ROWS COLS -> "ok" | "error <message>"
//   restart-policy NAME MAXRETRIES -> "ok" | "error <message>": the restart
//                    policy (Spec::restartPolicy) for the container's next exit
//   state            -> the state file's text (ShimState)
//   wait             -> "exit <code>" once the container is finally gone
//   attach [stdin] [stdout] [stderr] -> the connection carries frames
// A frame is 1 byte type, 4 bytes big-endian payload length, the payload. The
// shim sends Stdout/Stderr data and finally Exit (payload: the decimal exit
// code) and closes; the client sends Stdin data, StdinEof and Resize ("ROWS COLS").
// The --attach-fd socket is attached (all streams) before the process starts,
// so a foreground `run` sees all of the output.
#pragma once

#include "runtime/ShimState.h"
#include "runtime/Spec.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::runtime {

enum class FrameType : uint8_t {
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
    Exit = 3,
    StdinEof = 4,
    Resize = 5,
};

struct Frame
{
    FrameType type = FrameType::Stdout;
    std::string payload;
};

constexpr size_t FrameHeaderSize = 5;
// Larger frames are a protocol error (the shim never sends more than one read).
constexpr uint32_t MaxFramePayload = 1024 * 1024;

void appendFrame(std::string *out, FrameType type, std::string_view payload);
std::string encodeFrame(FrameType type, std::string_view payload);

enum class FrameDecode { Frame, NeedMore, Invalid };
// Takes the first complete frame off the front of buffer.
FrameDecode decodeFrame(std::string *buffer, Frame *frame);

std::string shimSocketPath(const std::string &bundle);
// <bundle>/shim.sock as a sockaddr_un. sun_path holds 107 characters, less than
// a bundle under a long --root needs, so a longer path is reached through
// /proc/self/fd/<dirFd>/shim.sock with dirFd an O_PATH descriptor of the
// bundle; the caller closes *dirFd (-1 when unused) after bind or connect.
Outcome shimSocketAddress(const std::string &bundle, sockaddr_un *address, socklen_t *length,
                          int *dirFd);

// Connects to the shim of bundle; timeoutMs < 0 waits forever.
Outcome connectShim(const std::string &bundle, int timeoutMs, int *fd);
// Sends one request line and returns everything the shim answers until it closes.
Outcome shimRequest(const std::string &bundle, const std::string &request, int timeoutMs,
                    std::string *reply);

Outcome sendSignal(const std::string &bundle, int signal);
Outcome requestStop(const std::string &bundle);
Outcome resizeTerminal(const std::string &bundle, int rows, int columns);
// policy is "no", "always", "on-failure" or "unless-stopped".
Outcome setRestartPolicy(const std::string &bundle, const std::string &policy, int maxRetries);
Outcome queryState(const std::string &bundle, ShimState *state);
// Blocks until the container has finally exited (restarts included); when the
// shim has already finished, the exit code comes from the state file.
Outcome waitExit(const std::string &bundle, int *exitCode);
// Returns a connection in framed mode; the caller owns and closes *fd.
Outcome attachShim(const std::string &bundle, bool stdinStream, bool stdoutStream,
                   bool stderrStream, int *fd);

struct ShimStart
{
    pid_t shimPid = 0;
    pid_t initPid = 0;
    int exitCode = 0; // on failure: 125 (shim or runtime), 126 (not executable), 127 (not found)
};

// Spawns the shim for bundle (its spec already written) and waits, at most
// timeoutMs, for the container to be running. attachFd (or -1) is one end of a
// SOCK_STREAM socketpair the shim adopts as an attached client; the caller may
// close its copy afterwards. On failure start->exitCode says why, docker style.
// After a timeout the shim may still bring the container up; the caller finds
// it through the socket (and stops it with "signal 9").
Outcome startShim(const std::string &shimBinary, const std::string &bundle, int attachFd,
                  ShimStart *start, int timeoutMs = 10000);

} // namespace berth::runtime
