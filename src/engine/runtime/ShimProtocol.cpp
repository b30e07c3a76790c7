// Client side of the berth-shim protocol; see ShimProtocol.h.
#include "runtime/ShimProtocol.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <vector>

namespace berth::runtime {

namespace {

using Clock = std::chrono::steady_clock;

// Milliseconds left until deadline for poll(), -1 (forever) without a deadline.
int remainingMs(const std::optional<Clock::time_point> &deadline)
{
    if (!deadline)
        return -1;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

std::optional<Clock::time_point> deadlineAfter(int timeoutMs)
{
    if (timeoutMs < 0)
        return std::nullopt;
    return Clock::now() + std::chrono::milliseconds(timeoutMs);
}

// Reads until the peer closes (untilNewline false) or a line is complete.
Outcome readReply(int fd, const std::optional<Clock::time_point> &deadline, bool untilNewline,
                  const std::string &what, std::string *reply)
{
    char buffer[4096];
    for (;;) {
        if (untilNewline && reply->find('\n') != std::string::npos)
            return {};
        pollfd entry{fd, POLLIN, 0};
        const int ready = poll(&entry, 1, remainingMs(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return sysFailure(what);
        if (ready == 0)
            return Failure{ETIMEDOUT, what};
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return sysFailure(what);
        if (n == 0)
            return {};
        reply->append(buffer, static_cast<size_t>(n));
    }
}

Outcome sendLine(int fd, const std::string &line, const std::string &what)
{
    size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd entry{fd, POLLOUT, 0};
            poll(&entry, 1, 1000);
            continue;
        }
        if (n < 0)
            return sysFailure(what);
        sent += static_cast<size_t>(n);
    }
    return {};
}

// "ok" or "error <message>" from one-shot requests.
Outcome okReply(const std::string &bundle, const std::string &request, const std::string &reply)
{
    if (reply == "ok\n")
        return {};
    std::string message = reply;
    if (message.rfind("error ", 0) == 0)
        message.erase(0, 6);
    while (!message.empty() && message.back() == '\n')
        message.pop_back();
    if (message.empty())
        message = "no answer";
    return Failure{0, "shim of `" + bundle + "`: " + request + ": " + message};
}

Outcome simpleRequest(const std::string &bundle, const std::string &request)
{
    std::string reply;
    if (Outcome outcome = shimRequest(bundle, request + "\n", 10000, &reply))
        return outcome;
    return okReply(bundle, request, reply);
}

} // namespace

void appendFrame(std::string *out, FrameType type, std::string_view payload)
{
    const auto length = static_cast<uint32_t>(payload.size());
    const char header[FrameHeaderSize] = {
        static_cast<char>(type),         static_cast<char>(length >> 24),
        static_cast<char>(length >> 16), static_cast<char>(length >> 8),
        static_cast<char>(length),
    };
    out->append(header, FrameHeaderSize);
    out->append(payload);
}

std::string encodeFrame(FrameType type, std::string_view payload)
{
    std::string out;
    appendFrame(&out, type, payload);
    return out;
}

FrameDecode decodeFrame(std::string *buffer, Frame *frame)
{
    if (buffer->size() < FrameHeaderSize)
        return FrameDecode::NeedMore;
    const auto byte = [&](size_t i) { return static_cast<uint8_t>((*buffer)[i]); };
    if (byte(0) > static_cast<uint8_t>(FrameType::Resize))
        return FrameDecode::Invalid;
    const uint32_t length = (uint32_t(byte(1)) << 24) | (uint32_t(byte(2)) << 16) |
                            (uint32_t(byte(3)) << 8) | uint32_t(byte(4));
    if (length > MaxFramePayload)
        return FrameDecode::Invalid;
    if (buffer->size() < FrameHeaderSize + length)
        return FrameDecode::NeedMore;
    frame->type = static_cast<FrameType>(byte(0));
    frame->payload.assign(*buffer, FrameHeaderSize, length);
    buffer->erase(0, FrameHeaderSize + length);
    return FrameDecode::Frame;
}

std::string shimSocketPath(const std::string &bundle)
{
    return bundle + "/shim.sock";
}

Outcome shimSocketAddress(const std::string &bundle, sockaddr_un *address, socklen_t *length,
                          int *dirFd)
{
    *dirFd = -1;
    std::memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    std::string path = shimSocketPath(bundle);
    if (path.size() >= sizeof address->sun_path) {
        *dirFd = ::open(bundle.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (*dirFd < 0)
            return sysFailure("open bundle `" + bundle + "`");
        path = "/proc/self/fd/" + std::to_string(*dirFd) + "/shim.sock";
    }
    std::memcpy(address->sun_path, path.c_str(), path.size() + 1);
    *length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    return {};
}

Outcome connectShim(const std::string &bundle, int timeoutMs, int *fd)
{
    const std::string what = "connect to `" + shimSocketPath(bundle) + "`";
    sockaddr_un address;
    socklen_t length = 0;
    int dirFd = -1;
    if (Outcome outcome = shimSocketAddress(bundle, &address, &length, &dirFd))
        return outcome;
    const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (sock < 0) {
        Failure failure = sysFailure(what);
        if (dirFd >= 0)
            ::close(dirFd);
        return failure;
    }
    const auto deadline = deadlineAfter(timeoutMs);
    // A Unix socket connects at once or fails; EAGAIN only means the shim's
    // backlog is full for the moment, so retry until the deadline.
    int result;
    while ((result = ::connect(sock, reinterpret_cast<sockaddr *>(&address), length)) != 0 &&
           (errno == EAGAIN || errno == EINTR) && remainingMs(deadline) != 0)
        usleep(1000);
    const int savedErrno = errno;
    if (dirFd >= 0)
        ::close(dirFd);
    if (result != 0) {
        ::close(sock);
        return Failure{savedErrno, what};
    }
    *fd = sock;
    return {};
}

Outcome shimRequest(const std::string &bundle, const std::string &request, int timeoutMs,
                    std::string *reply)
{
    const auto deadline = deadlineAfter(timeoutMs);
    int fd = -1;
    if (Outcome outcome = connectShim(bundle, timeoutMs, &fd))
        return outcome;
    std::string name = request;
    while (!name.empty() && name.back() == '\n')
        name.pop_back();
    const std::string what = "request `" + name + "` from the shim of `" + bundle + "`";
    Outcome outcome = sendLine(fd, request, what);
    reply->clear();
    if (!outcome)
        outcome = readReply(fd, deadline, false, what, reply);
    ::close(fd);
    return outcome;
}

Outcome sendSignal(const std::string &bundle, int signal)
{
    return simpleRequest(bundle, "signal " + std::to_string(signal));
}

Outcome requestStop(const std::string &bundle)
{
    return simpleRequest(bundle, "stop");
}

Outcome resizeTerminal(const std::string &bundle, int rows, int columns)
{
    return simpleRequest(bundle, "resize " + std::to_string(rows) + " " + std::to_string(columns));
}

Outcome setRestartPolicy(const std::string &bundle, const std::string &policy, int maxRetries)
{
    return simpleRequest(bundle, "restart-policy " + policy + " " + std::to_string(maxRetries));
}

Outcome queryState(const std::string &bundle, ShimState *state)
{
    std::string reply;
    if (Outcome outcome = shimRequest(bundle, "state\n", 10000, &reply))
        return outcome;
    if (Outcome outcome = parseState(reply, state)) {
        outcome->what = "shim of `" + bundle + "`: " + outcome->what;
        return outcome;
    }
    return {};
}

Outcome waitExit(const std::string &bundle, int *exitCode)
{
    std::string reply;
    const Outcome outcome = shimRequest(bundle, "wait\n", -1, &reply);
    const std::string_view text(reply);
    if (!outcome && text.rfind("exit ", 0) == 0 && text.size() > 6 && text.back() == '\n') {
        const auto [end, ec] =
            std::from_chars(text.data() + 5, text.data() + text.size() - 1, *exitCode);
        if (ec == std::errc() && end == text.data() + text.size() - 1)
            return {};
    }
    // A shim that finished meanwhile (it removes its socket after writing the
    // final state, and drops connections it has not answered) left the answer
    // in the state file.
    ShimState state;
    if (!readStateFile(bundle + "/state", &state) && state.status == "exited") {
        *exitCode = state.exitCode;
        return {};
    }
    if (outcome)
        return outcome;
    return Failure{0, "wait for the shim of `" + bundle + "`: unexpected answer `" + reply + "`"};
}

Outcome attachShim(const std::string &bundle, bool stdinStream, bool stdoutStream,
                   bool stderrStream, int *fd)
{
    int sock = -1;
    if (Outcome outcome = connectShim(bundle, 10000, &sock))
        return outcome;
    std::string request = "attach";
    if (stdinStream)
        request += " stdin";
    if (stdoutStream)
        request += " stdout";
    if (stderrStream)
        request += " stderr";
    if (Outcome outcome =
            sendLine(sock, request + "\n", "attach to the shim of `" + bundle + "`")) {
        ::close(sock);
        return outcome;
    }
    // The caller reads and writes frames with plain blocking calls.
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) & ~O_NONBLOCK);
    *fd = sock;
    return {};
}

Outcome startShim(const std::string &shimBinary, const std::string &bundle, int attachFd,
                  ShimStart *start, int timeoutMs)
{
    start->exitCode = 125;
    const std::string what = "start `" + shimBinary + "` for `" + bundle + "`";
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0)
        return sysFailure(what + ": ready pipe");

    // Both descriptors keep their numbers in the shim: adddup2 of a descriptor
    // onto itself clears its close-on-exec flag in the child only (POSIX 2024,
    // glibc >= 2.29), so nothing leaks into processes other threads spawn.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ready[1], ready[1]);
    if (attachFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, attachFd, attachFd);
    // The caller may block or ignore signals (a GUI thread, SIGPIPE): the shim
    // starts from defaults.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t signals;
    sigemptyset(&signals);
    posix_spawnattr_setsigmask(&attributes, &signals);
    sigfillset(&signals);
    posix_spawnattr_setsigdefault(&attributes, &signals);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    const std::string readyText = std::to_string(ready[1]);
    const std::string attachText = std::to_string(attachFd);
    std::vector<char *> argv = {const_cast<char *>(shimBinary.c_str()),
                                const_cast<char *>("--bundle"), const_cast<char *>(bundle.c_str()),
                                const_cast<char *>("--ready-fd"),
                                const_cast<char *>(readyText.c_str())};
    if (attachFd >= 0) {
        argv.push_back(const_cast<char *>("--attach-fd"));
        argv.push_back(const_cast<char *>(attachText.c_str()));
    }
    argv.push_back(nullptr);
    // The shim needs no environment (the spec carries the container's) and an
    // empty one keeps every resident shim a little smaller.
    char *environment[] = {nullptr};
    pid_t child = 0;
    const int spawnError =
        posix_spawn(&child, shimBinary.c_str(), &actions, &attributes, argv.data(), environment);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(ready[1]);
    if (spawnError != 0) {
        ::close(ready[0]);
        return Failure{spawnError, what};
    }

    std::string line;
    Outcome outcome = readReply(ready[0], deadlineAfter(timeoutMs), true,
                                what + ": wait for the container to start", &line);
    ::close(ready[0]);
    // The spawned process exits right after forking the resident shim.
    int status = 0;
    if (outcome && outcome->err == ETIMEDOUT)
        kill(child, SIGKILL);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (outcome)
        return outcome;

    const size_t newline = line.find('\n');
    if (newline == std::string::npos) {
        std::string reason = WIFEXITED(status)
                                 ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                 : "was killed by signal " + std::to_string(WTERMSIG(status));
        return Failure{0, what + ": the shim " + reason + " before reporting"};
    }
    line.resize(newline);
    const auto field = [&](size_t from, size_t *end) {
        const size_t space = line.find(' ', from);
        *end = space == std::string::npos ? line.size() : space;
        return std::string_view(line).substr(from, *end - from);
    };
    const auto number = [](std::string_view text, auto *value) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
        return ec == std::errc() && end == text.data() + text.size() && !text.empty();
    };
    size_t end = 0;
    const std::string_view verb = field(0, &end);
    if (verb == "ok" && end < line.size()) {
        pid_t shimPid = 0;
        pid_t initPid = 0;
        const bool ok = number(field(end + 1, &end), &shimPid) && end < line.size() &&
                        number(field(end + 1, &end), &initPid) && end == line.size();
        if (ok) {
            start->shimPid = shimPid;
            start->initPid = initPid;
            start->exitCode = 0;
            return {};
        }
    } else if (verb == "error" && end < line.size()) {
        int code = 0;
        if (number(field(end + 1, &end), &code)) {
            start->exitCode = code;
            return Failure{0, end < line.size() ? line.substr(end + 1) : what};
        }
    }
    return Failure{0, what + ": unexpected ready line `" + line + "`"};
}

} // namespace berth::runtime
