// Relaying an attached container's streams (see Attach.h).
#include "Attach.h"

#include "Command.h"
#include "runtime/ShimProtocol.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace berth::cli {

namespace {

volatile sig_atomic_t g_pendingSignal = 0;
volatile sig_atomic_t g_winch = 0;

void onSignal(int sig)
{
    if (sig == SIGWINCH)
        g_winch = 1;
    else
        g_pendingSignal = sig;
}

bool writeAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

void sendResize(int fd)
{
    winsize ws{};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
        const std::string frame =
            runtime::encodeFrame(runtime::FrameType::Resize,
                                 std::to_string(ws.ws_row) + ' ' + std::to_string(ws.ws_col));
        (void)writeAll(fd, frame.data(), frame.size());
    }
}

} // namespace

RawTerminal::RawTerminal(bool enable)
{
    if (enable && ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &m_saved) == 0) {
        termios raw = m_saved;
        ::cfmakeraw(&raw);
        m_active = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
}

RawTerminal::~RawTerminal()
{
    if (m_active)
        ::tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
}

int relayAttached(int fd, const AttachOptions &options)
{
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    struct sigaction oldInt, oldTerm, oldHup, oldWinch;
    ::sigaction(SIGINT, &sa, &oldInt);
    ::sigaction(SIGTERM, &sa, &oldTerm);
    ::sigaction(SIGHUP, &sa, &oldHup);
    ::sigaction(SIGWINCH, &sa, &oldWinch);
    RawTerminal raw(options.tty && options.stdinStream);
    if (options.tty)
        sendResize(fd);

    bool stdinOpen = options.stdinStream;
    std::string buffer;
    int exitCode = -1;
    char chunk[65536];
    while (true) {
        if (g_pendingSignal) {
            const int sig = g_pendingSignal;
            g_pendingSignal = 0;
            (void)runtime::sendSignal(options.bundle.toStdString(), sig);
        }
        if (g_winch) {
            g_winch = 0;
            sendResize(fd);
        }
        pollfd fds[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        const int n = ::poll(fds, stdinOpen ? 2 : 1, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (stdinOpen && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
            if (got > 0) {
                const std::string frame = runtime::encodeFrame(
                    runtime::FrameType::Stdin, std::string_view(chunk, size_t(got)));
                (void)writeAll(fd, frame.data(), frame.size());
            } else if (got == 0 || errno != EINTR) {
                const std::string frame = runtime::encodeFrame(runtime::FrameType::StdinEof, {});
                (void)writeAll(fd, frame.data(), frame.size());
                stdinOpen = false;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t got = ::read(fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            buffer.append(chunk, size_t(got));
            runtime::Frame frame;
            runtime::FrameDecode d;
            bool done = false;
            while ((d = runtime::decodeFrame(&buffer, &frame)) == runtime::FrameDecode::Frame) {
                if (frame.type == runtime::FrameType::Stdout)
                    (void)writeAll(STDOUT_FILENO, frame.payload.data(), frame.payload.size());
                else if (frame.type == runtime::FrameType::Stderr)
                    (void)writeAll(STDERR_FILENO, frame.payload.data(), frame.payload.size());
                else if (frame.type == runtime::FrameType::Exit) {
                    exitCode = std::atoi(frame.payload.c_str());
                    done = true;
                }
            }
            if (d == runtime::FrameDecode::Invalid || done)
                break;
        }
    }
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    ::sigaction(SIGHUP, &oldHup, nullptr);
    ::sigaction(SIGWINCH, &oldWinch, nullptr);
    return exitCode;
}

} // namespace berth::cli
