// The terminal end of an attached container: relays this process's stdin to
// the container and the container's stdout/stderr frames (ShimProtocol.h) to
// this process's stdout/stderr until the exit frame, and says the exit code.
// With a terminal, the local tty is put in raw mode for the duration and
// window size changes are passed on; SIGINT/SIGTERM/SIGHUP given to berth are
// passed to the container (docker's --sig-proxy) when there is no terminal.
#pragma once

#include <QString>

#include <termios.h>

namespace berth::cli {

struct AttachOptions
{
    bool stdinStream = false; // relay our stdin (-i)
    bool tty = false;
    QString bundle; // for resize and signal requests
};

// Returns the container's exit code, or -1 when the connection ended without one.
int relayAttached(int fd, const AttachOptions &options);

// Raw mode for the local terminal while a -t container or exec is relayed,
// restored on every way out.
class RawTerminal
{
public:
    explicit RawTerminal(bool enable);
    ~RawTerminal();
    RawTerminal(const RawTerminal &) = delete;
    RawTerminal &operator=(const RawTerminal &) = delete;

private:
    termios m_saved{};
    bool m_active = false;
};

} // namespace berth::cli
