// Relaying an attached container's streams (see Attach.h).
#include "Attach.h"

#include "runtime/ShimProtocol.h"

#include <QStringList>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iterator>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace berth::cli {

namespace {

volatile sig_atomic_t g_pendingSignal = 0;
volatile sig_atomic_t g_winch = 0;

// What docker's sig-proxy passes on: the signals a user sends a foreground
// program to stop, reload or poke it. SIGWINCH is the terminal's business.
constexpr int ProxiedSignals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

void onSignal(int sig)
{
    if (sig == SIGWINCH)
        g_winch = 1;
    else
        g_pendingSignal = sig;
}

bool sendFrame(int fd, runtime::FrameType type, std::string_view payload)
{
    const std::string frame = runtime::encodeFrame(type, payload);
    return writeAll(fd, frame.data(), frame.size());
}

// The size of whichever of our stdin and stdout is a terminal.
bool terminalSize(winsize *ws)
{
    for (const int fd : {STDIN_FILENO, STDOUT_FILENO}) {
        if (::ioctl(fd, TIOCGWINSZ, ws) == 0 && ws->ws_row > 0)
            return true;
    }
    return false;
}

void sendResize(int fd)
{
    winsize ws{};
    if (terminalSize(&ws))
        (void)sendFrame(fd, runtime::FrameType::Resize,
                        std::to_string(ws.ws_row) + ' ' + std::to_string(ws.ws_col));
}

// The relay proper, with the local terminal raw for its duration. A signal
// that is not passed on ends it with *endSignal set.
int relay(int fd, const AttachOptions &options, int *endSignal)
{
    RawTerminal raw(options.tty && options.stdinStream);
    if (options.tty)
        sendResize(fd);
    // docker looks for the detach keys only in what is typed on a terminal:
    // other input is data, where any byte may occur.
    std::optional<DetachKeyFilter> detachKeys;
    if (options.tty && options.stdinStream && !options.detachKeys.isEmpty())
        detachKeys.emplace(options.detachKeys);
    const bool proxy = options.sigProxy && !options.tty;

    bool stdinOpen = options.stdinStream;
    std::string buffer;
    std::string typed;
    char chunk[65536];
    while (true) {
        if (g_pendingSignal) {
            const int sig = g_pendingSignal;
            g_pendingSignal = 0;
            if (!proxy) {
                *endSignal = sig;
                return RelayDisconnected;
            }
            (void)runtime::sendSignal(options.bundle.toStdString(), sig);
        }
        if (g_winch) {
            g_winch = 0;
            if (options.tty)
                sendResize(fd);
        }
        pollfd fds[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        const int n = ::poll(fds, stdinOpen ? 2 : 1, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return RelayDisconnected;
        }
        if (stdinOpen && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
            if (got > 0) {
                typed.clear();
                bool detach = false;
                if (detachKeys)
                    detach = detachKeys->feed(chunk, size_t(got), &typed);
                else
                    typed.assign(chunk, size_t(got));
                if (!typed.empty())
                    (void)sendFrame(fd, runtime::FrameType::Stdin, typed);
                if (detach)
                    return RelayDetached;
            } else if (got == 0 || errno != EINTR) {
                if (detachKeys) {
                    if (const std::string held = detachKeys->flush(); !held.empty())
                        (void)sendFrame(fd, runtime::FrameType::Stdin, held);
                }
                (void)sendFrame(fd, runtime::FrameType::StdinEof, {});
                stdinOpen = false;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t got = ::read(fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return RelayDisconnected;
            buffer.append(chunk, size_t(got));
            runtime::Frame frame;
            runtime::FrameDecode d;
            while ((d = runtime::decodeFrame(&buffer, &frame)) == runtime::FrameDecode::Frame) {
                if (frame.type == runtime::FrameType::Stdout)
                    (void)writeAll(STDOUT_FILENO, frame.payload.data(), frame.payload.size());
                else if (frame.type == runtime::FrameType::Stderr)
                    (void)writeAll(STDERR_FILENO, frame.payload.data(), frame.payload.size());
                else if (frame.type == runtime::FrameType::Exit)
                    return std::atoi(frame.payload.c_str());
            }
            if (d == runtime::FrameDecode::Invalid)
                return RelayDisconnected;
        }
    }
}

} // namespace

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

std::optional<QByteArray> parseDetachKeys(const QString &keys)
{
    // ctrl-@ is NUL, ctrl-a..ctrl-z are 1..26, then ctrl-[ ctrl-\ ctrl-] ctrl-^ ctrl-_.
    static const QString ControlKeys = QStringLiteral("@abcdefghijklmnopqrstuvwxyz[\\]^_");
    QByteArray out;
    for (const QString &key : keys.split(QLatin1Char(','))) {
        const QByteArray latin = key.toLatin1();
        if (key.size() == 1 && key.at(0).unicode() < 0x80) {
            out.append(latin.at(0));
            continue;
        }
        if (key.size() != 6 || !key.startsWith(QLatin1String("ctrl-")))
            return std::nullopt;
        const qsizetype code = ControlKeys.indexOf(key.at(5));
        if (code < 0)
            return std::nullopt;
        out.append(char(code));
    }
    return out;
}

QString invalidDetachKeysMessage(const QString &keys)
{
    return QStringLiteral("Invalid detach keys (%1) provided").arg(keys);
}

bool DetachKeyFilter::feed(const char *data, size_t size, std::string *out)
{
    for (size_t i = 0; i < size; ++i) {
        const char c = data[i];
        if (c == m_keys.at(m_matched)) {
            if (++m_matched == m_keys.size())
                return true;
            continue;
        }
        // The sequence broke: what was held goes on, and this byte may begin it anew.
        out->append(m_keys.constData(), size_t(m_matched));
        m_matched = c == m_keys.at(0) ? 1 : 0;
        if (m_matched == 0)
            out->push_back(c);
    }
    return false;
}

std::string DetachKeyFilter::flush()
{
    std::string held(m_keys.constData(), size_t(m_matched));
    m_matched = 0;
    return held;
}

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
    struct sigaction saved[std::size(ProxiedSignals)], savedWinch;
    for (size_t i = 0; i < std::size(ProxiedSignals); ++i)
        ::sigaction(ProxiedSignals[i], &sa, &saved[i]);
    ::sigaction(SIGWINCH, &sa, &savedWinch);
    g_pendingSignal = 0;
    g_winch = 0;

    int endSignal = 0;
    const int result = relay(fd, options, &endSignal);

    for (size_t i = 0; i < std::size(ProxiedSignals); ++i)
        ::sigaction(ProxiedSignals[i], &saved[i], nullptr);
    ::sigaction(SIGWINCH, &savedWinch, nullptr);
    if (endSignal) {
        // The terminal is restored: now the signal does what it would have
        // done to a berth that was not relaying, leaving the container running.
        ::signal(endSignal, SIG_DFL);
        ::raise(endSignal);
    }
    return result;
}

} // namespace berth::cli
