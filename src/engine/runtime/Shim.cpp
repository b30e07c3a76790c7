// berth-shim's supervisor loop; see Shim.h.
#include "runtime/Shim.h"

#include "runtime/Cgroup.h"
#include "runtime/Health.h"
#include "runtime/Init.h"
#include "runtime/JsonLog.h"
#include "runtime/Network.h"
#include "runtime/SeccompFilter.h"
#include "runtime/ShimProtocol.h"
#include "runtime/ShimState.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace berth::runtime {

namespace {

// Output of the container is read in chunks of this size; an attached client
// that falls this many chunks behind pauses the reading (the container then
// blocks on a full pipe) rather than making the shim grow.
constexpr size_t ReadChunk = 8192;
constexpr size_t ClientBacklogLimit = 32 * ReadChunk;
constexpr size_t StdinBacklogLimit = 64 * 1024;
constexpr size_t MaxRequestLine = 1024;
// How long output may still arrive after the init exited (processes of a
// container without its own pid namespace can hold the pipes).
constexpr int64_t DrainMs = 2000;
// How long final answers may take to reach slow clients.
constexpr int64_t GoodbyeMs = 1000;

char g_buffer[ReadChunk];
int g_signalPipe[2] = {-1, -1};
volatile sig_atomic_t g_terminate = 0;

void onSignal(int sig)
{
    const int savedErrno = errno;
    if (sig == SIGTERM)
        g_terminate = 1;
    const char byte = 0;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
    errno = savedErrno;
}

// A handler, not SIG_IGN: handlers are reset by execve, ignored signals would
// stay ignored in the container's process.
void ignoreSignal(int) {}

int64_t monotonicMs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return int64_t(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

timespec realtimeNow()
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return now;
}

void setNonBlocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void closeFd(int *fd)
{
    if (*fd >= 0)
        ::close(*fd);
    *fd = -1;
}

// The ready line is one line whatever the message holds.
std::string oneLine(std::string text)
{
    for (char &c : text) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    return text;
}

int exitCodeOf(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

struct Client
{
    enum class Mode { Request, Attached, Waiting };

    int fd = -1;
    Mode mode = Mode::Request;
    bool wantStdin = false;
    bool wantStdout = false;
    bool wantStderr = false;
    bool closeWhenFlushed = false;
    bool dead = false;
    std::string in;
    std::string out;
};

// The container's end and the shim's end of its standard streams for one run.
struct RunStdio
{
    Stdio child;
    int stdinFd = -1; // the shim writes the container's input here
    int outFd = -1;   // stdout, or the pty master
    int errFd = -1;

    void closeChild()
    {
        // With a terminal all three are the same slave descriptor.
        if (child.in >= 0 && child.in != child.out)
            ::close(child.in);
        if (child.err >= 0 && child.err != child.out)
            ::close(child.err);
        if (child.out >= 0)
            ::close(child.out);
        child = Stdio{};
    }
};

class Supervisor
{
public:
    explicit Supervisor(const ShimOptions &options) : m_options(options) {}
    int run();

private:
    Outcome setUp();
    Outcome listenSocket();
    Outcome openStdio(RunStdio *stdio);
    std::optional<StartFailure> startProcess();
    void report(const std::string &line);
    void writeState();

    void loop();
    void reap();
    void onTerminate();
    void readOutput(LogStream stream);
    void writeStdin();
    void closeStdin();
    void accept();
    void readClient(Client &client);
    void flushClient(Client &client);
    void handleRequest(Client &client, const std::string &line);
    void handleFrame(Client &client, const Frame &frame);
    void broadcast(FrameType type, std::string_view data);
    void endRun();
    void restart();
    void healthChanged();
    void finish(int exitCode, const std::string &error);

    ShimOptions m_options;
    Spec m_spec;
    HealthMonitor m_health{m_spec};
    ShimState m_state;
    Cgroup m_cgroup;
    bool m_haveCgroup = false;
    JsonLog m_log;
    Pasta m_pasta;
    int m_listenFd = -1;
    bool m_haveSocket = false;
    std::vector<Client> m_clients;

    RunStdio m_stdio;
    std::string m_stdinBuffer;
    bool m_stdinClosePending = false;

    pid_t m_initPid = 0;
    int m_exitStatus = 0;
    bool m_draining = false;
    int64_t m_drainDeadline = 0;
    int64_t m_runStartedMs = 0;
    uint64_t m_oomBaseline = 0;
    bool m_stoppedByUser = false;
    int64_t m_restartDelay = 0;
    std::optional<int64_t> m_restartAt;
    bool m_finished = false;
    int64_t m_goodbyeDeadline = 0;
};

int Supervisor::run()
{
    m_state.shimPid = getpid();
    if (Outcome failure = setUp()) {
        finish(125, failure->message());
        report("error 125 " + oneLine(failure->message()) + "\n");
        return 125;
    }
    if (auto failure = startProcess()) {
        finish(failure->exitCode, failure->failure.message());
        report("error " + std::to_string(failure->exitCode) + " " +
               oneLine(failure->failure.message()) + "\n");
        return failure->exitCode;
    }
    writeState();
    report("ok " + std::to_string(getpid()) + " " + std::to_string(m_initPid) + "\n");
    loop();
    return 0;
}

Outcome Supervisor::setUp()
{
    if (pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return sysFailure("create the shim's signal pipe");
    struct sigaction action
    {
    };
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    action.sa_handler = onSignal;
    sigaction(SIGCHLD, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    action.sa_handler = ignoreSignal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
    sigaction(SIGPIPE, &action, nullptr);

    if (m_options.attachFd >= 0) {
        Client client;
        client.fd = m_options.attachFd;
        client.mode = Client::Mode::Attached;
        client.wantStdout = client.wantStderr = true;
        client.wantStdin = m_spec.openStdin;
        fcntl(client.fd, F_SETFD, FD_CLOEXEC);
        setNonBlocking(client.fd);
        m_clients.push_back(std::move(client));
    }

    const std::string specPath = m_options.bundle + "/spec";
    const int fd = ::open(specPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sysFailure("open spec `" + specPath + "`");
    std::string text;
    ssize_t n;
    while ((n = ::read(fd, g_buffer, sizeof g_buffer)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            Failure failure = sysFailure("read spec `" + specPath + "`");
            ::close(fd);
            return failure;
        }
        text.append(g_buffer, size_t(n));
    }
    ::close(fd);
    if (Outcome failure = parseSpec(text, &m_spec)) {
        failure->what = "spec `" + specPath + "`: " + failure->what;
        return failure;
    }
    if (Outcome failure = readSeccompProgram(&m_spec.seccomp))
        return failure;
    if (m_options.attachFd >= 0)
        m_clients.front().wantStdin = m_spec.openStdin;

    if (!m_spec.logPath.empty()) {
        if (Outcome failure = m_log.open(m_spec.logPath, m_spec.logMaxSize, m_spec.logMaxFiles))
            return failure;
    }
    if (Outcome failure = Cgroup::create(m_spec.cgroupName, m_spec.resources, &m_cgroup))
        return failure;
    m_haveCgroup = true;
    return listenSocket();
}

Outcome Supervisor::listenSocket()
{
    const std::string path = shimSocketPath(m_options.bundle);
    sockaddr_un address;
    socklen_t length = 0;
    int dirFd = -1;
    if (Outcome failure = shimSocketAddress(m_options.bundle, &address, &length, &dirFd))
        return failure;
    m_listenFd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m_listenFd < 0) {
        if (dirFd >= 0)
            ::close(dirFd);
        return sysFailure("create socket `" + path + "`");
    }
    // A socket left by a shim that was killed would make bind fail.
    ::unlink(path.c_str());
    // Only root (the engine's user) may drive the container: the socket is
    // created 0600 rather than chmod-ed afterwards, so it is never open to others.
    const mode_t oldMask = umask(0177);
    const int bound = ::bind(m_listenFd, reinterpret_cast<sockaddr *>(&address), length);
    const int savedErrno = errno;
    umask(oldMask);
    if (dirFd >= 0)
        ::close(dirFd);
    if (bound != 0) {
        errno = savedErrno;
        return sysFailure("bind socket `" + path + "`");
    }
    m_haveSocket = true;
    if (::listen(m_listenFd, 16) != 0)
        return sysFailure("listen on socket `" + path + "`");
    return {};
}

Outcome Supervisor::openStdio(RunStdio *stdio)
{
    if (m_spec.process.terminal) {
        const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
            return sysFailure("open a pseudo-terminal");
        char name[64];
        if (grantpt(master) != 0 || unlockpt(master) != 0 ||
            ptsname_r(master, name, sizeof name) != 0) {
            Failure failure = sysFailure("unlock the pseudo-terminal");
            ::close(master);
            return failure;
        }
        const int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0) {
            Failure failure = sysFailure(std::string("open `") + name + "`");
            ::close(master);
            return failure;
        }
        setNonBlocking(master);
        stdio->child = Stdio{slave, slave, slave};
        stdio->outFd = master;
        // The stdin side is a second descriptor of the master so that closing
        // it (stdin-once) does not end the output.
        if (m_spec.openStdin)
            stdio->stdinFd = fcntl(master, F_DUPFD_CLOEXEC, 3);
        return {};
    }
    int out[2];
    int err[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return sysFailure("create the container's stdout pipe");
    if (pipe2(err, O_CLOEXEC) != 0) {
        Failure failure = sysFailure("create the container's stderr pipe");
        ::close(out[0]);
        ::close(out[1]);
        return failure;
    }
    stdio->child.out = out[1];
    stdio->child.err = err[1];
    stdio->outFd = out[0];
    stdio->errFd = err[0];
    setNonBlocking(out[0]);
    setNonBlocking(err[0]);
    if (m_spec.openStdin) {
        int in[2];
        if (pipe2(in, O_CLOEXEC) != 0) {
            Failure failure = sysFailure("create the container's stdin pipe");
            stdio->closeChild();
            closeFd(&stdio->outFd);
            closeFd(&stdio->errFd);
            return failure;
        }
        stdio->child.in = in[0];
        stdio->stdinFd = in[1];
        setNonBlocking(in[1]);
    }
    return {};
}

std::optional<StartFailure> Supervisor::startProcess()
{
    if (Outcome failure = openStdio(&m_stdio))
        return StartFailure{*failure, 125};
    m_stdinBuffer.clear();
    m_stdinClosePending = false;
    CgroupStats stats;
    m_oomBaseline = m_cgroup.stats(&stats) ? 0 : stats.oomKills;

    pid_t pid = 0;
    // The init exists (and so its network namespace) but waits: pasta must
    // have configured the namespace before the container's process runs.
    auto failure = startContainer(
        m_spec, m_stdio.child,
        [this](pid_t child) -> Outcome {
            if (Outcome failure = m_cgroup.addProcess(child))
                return failure;
            if (m_spec.pasta)
                return m_pasta.start(child, m_spec.ports);
            return {};
        },
        &pid);
    m_stdio.closeChild();
    if (failure) {
        m_pasta.stop();
        closeFd(&m_stdio.outFd);
        closeFd(&m_stdio.errFd);
        closeFd(&m_stdio.stdinFd);
        return failure;
    }
    m_initPid = pid;
    m_draining = false;
    m_runStartedMs = monotonicMs();
    // As docker's: a running container has no exit code or OOM kill yet.
    m_state.status = "running";
    m_state.pid = pid;
    m_state.exitCode = 0;
    m_state.oomKilled = false;
    m_state.startedAt = rfc3339Nano(realtimeNow());
    m_state.finishedAt.clear();
    m_state.error.clear();
    m_health.start(pid, m_runStartedMs);
    m_state.health = m_health.state();
    return std::nullopt;
}

void Supervisor::report(const std::string &line)
{
    if (m_options.readyFd < 0)
        return;
    size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(m_options.readyFd, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += size_t(n);
    }
    closeFd(&m_options.readyFd);
}

void Supervisor::writeState()
{
    // Nobody is left to tell: a shim whose state cannot be written still
    // supervises, and the engine sees the last state it could read.
    writeStateFile(m_options.bundle + "/state", m_state);
}

void Supervisor::loop()
{
    std::vector<pollfd> fds;
    while (!m_finished || m_goodbyeDeadline > monotonicMs()) {
        if (m_finished) {
            bool pending = false;
            for (const Client &client : m_clients)
                pending = pending || (!client.dead && !client.out.empty());
            if (!pending)
                break;
        }
        bool backlogged = false;
        for (const Client &client : m_clients)
            backlogged = backlogged || client.out.size() > ClientBacklogLimit;

        fds.clear();
        fds.push_back({g_signalPipe[0], POLLIN, 0});
        fds.push_back({m_listenFd, short(m_listenFd >= 0 ? POLLIN : 0), 0});
        fds.push_back({m_stdio.outFd, short(backlogged ? 0 : POLLIN), 0});
        fds.push_back({m_stdio.errFd, short(backlogged ? 0 : POLLIN), 0});
        fds.push_back({m_stdio.stdinFd, short(m_stdinBuffer.empty() ? 0 : POLLOUT), 0});
        fds.push_back({m_health.outputFd(), POLLIN, 0});
        const size_t firstClient = fds.size();
        const bool stdinFull = m_stdinBuffer.size() > StdinBacklogLimit;
        for (const Client &client : m_clients) {
            short events = client.out.empty() ? 0 : POLLOUT;
            if (!client.closeWhenFlushed && !stdinFull)
                events |= POLLIN;
            fds.push_back({client.fd, events, 0});
        }

        int64_t timeout = -1;
        const auto until = [&timeout](int64_t deadline) {
            const int64_t left = std::max<int64_t>(0, deadline - monotonicMs());
            timeout = timeout < 0 ? left : std::min(timeout, left);
        };
        if (m_draining)
            until(m_drainDeadline);
        if (m_restartAt)
            until(*m_restartAt);
        if (m_finished)
            until(m_goodbyeDeadline);
        if (const std::optional<int64_t> probe = m_health.deadlineMs())
            until(*probe);
        if (poll(fds.data(), fds.size(), int(timeout)) < 0 && errno != EINTR)
            return;

        if (fds[0].revents) {
            while (::read(g_signalPipe[0], g_buffer, sizeof g_buffer) > 0) {
            }
            if (g_terminate) {
                g_terminate = 0;
                onTerminate();
            }
            reap();
        }
        if (fds[2].revents)
            readOutput(LogStream::Stdout);
        if (fds[3].revents)
            readOutput(LogStream::Stderr);
        if (fds[4].revents)
            writeStdin();
        if (fds[5].revents)
            m_health.readOutput();
        for (size_t i = 0; i < m_clients.size() && firstClient + i < fds.size(); ++i) {
            Client &client = m_clients[i];
            const short revents = fds[firstClient + i].revents;
            if (client.dead)
                continue;
            if (revents & POLLOUT)
                flushClient(client);
            if (!client.dead && (revents & (POLLIN | POLLHUP | POLLERR)))
                readClient(client);
        }
        if (fds[1].revents)
            accept();

        if (m_draining &&
            ((m_stdio.outFd < 0 && m_stdio.errFd < 0) || monotonicMs() >= m_drainDeadline))
            endRun();
        if (m_restartAt && monotonicMs() >= *m_restartAt)
            restart();
        if (m_health.tick(monotonicMs(), m_cgroup))
            healthChanged();

        for (Client &client : m_clients) {
            if (!client.dead && client.closeWhenFlushed && client.out.empty())
                client.dead = true;
            if (client.dead)
                closeFd(&client.fd);
        }
        std::erase_if(m_clients, [](const Client &client) { return client.dead; });
    }
}

void Supervisor::reap()
{
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (m_health.reaped(pid, exitCodeOf(status), monotonicMs()))
            healthChanged();
        if (m_pasta.reaped(pid) || pid != m_initPid)
            continue;
        // The container's processes die with its init, a probe among them:
        // that is no failure of the check.
        m_health.stop();
        m_state.health = m_health.state();
        m_initPid = 0;
        m_exitStatus = status;
        m_draining = true;
        m_drainDeadline = monotonicMs() + DrainMs;
    }
}

void Supervisor::onTerminate()
{
    m_stoppedByUser = true;
    if (m_initPid > 0) {
        kill(m_initPid, SIGKILL);
        // Without its own pid namespace the container's other processes do
        // not die with its init.
        if (!(m_spec.namespaces & NsPid))
            m_cgroup.killAll(SIGKILL);
    } else if (m_restartAt) {
        m_restartAt.reset();
        finish(m_state.exitCode, "");
    }
}

void Supervisor::readOutput(LogStream stream)
{
    int *fd = stream == LogStream::Stdout ? &m_stdio.outFd : &m_stdio.errFd;
    for (;;) {
        const ssize_t n = ::read(*fd, g_buffer, sizeof g_buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            // EOF, or EIO from a pty master once no slave is left open.
            closeFd(fd);
            m_log.flush(stream, realtimeNow());
            return;
        }
        const std::string_view data(g_buffer, size_t(n));
        m_log.write(stream, data, realtimeNow());
        broadcast(stream == LogStream::Stdout ? FrameType::Stdout : FrameType::Stderr, data);
        // One chunk per wake-up keeps stdout and stderr interleaved fairly.
        return;
    }
}

void Supervisor::writeStdin()
{
    while (!m_stdinBuffer.empty() && m_stdio.stdinFd >= 0) {
        const ssize_t n = ::write(m_stdio.stdinFd, m_stdinBuffer.data(), m_stdinBuffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            // The container closed its stdin: what is left has no reader.
            m_stdinBuffer.clear();
            closeFd(&m_stdio.stdinFd);
            return;
        }
        m_stdinBuffer.erase(0, size_t(n));
    }
    if (m_stdinBuffer.empty() && m_stdinClosePending)
        closeStdin();
}

void Supervisor::closeStdin()
{
    // docker never closes a terminal's input: a pty has no end of file to pass
    // on, and a client attaching after a detach would be left without input.
    if (m_spec.process.terminal)
        return;
    if (!m_stdinBuffer.empty()) {
        m_stdinClosePending = true;
        return;
    }
    closeFd(&m_stdio.stdinFd);
    m_stdinClosePending = false;
}

void Supervisor::accept()
{
    for (;;) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        Client client;
        client.fd = fd;
        m_clients.push_back(std::move(client));
    }
}

void Supervisor::readClient(Client &client)
{
    const ssize_t n = ::recv(client.fd, g_buffer, sizeof g_buffer, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        if (client.mode == Client::Mode::Attached && client.wantStdin && m_spec.stdinOnce)
            closeStdin();
        client.dead = true;
        return;
    }
    if (client.mode == Client::Mode::Waiting || client.closeWhenFlushed)
        return;
    client.in.append(g_buffer, size_t(n));
    if (client.mode == Client::Mode::Request) {
        const size_t newline = client.in.find('\n');
        if (newline == std::string::npos) {
            if (client.in.size() > MaxRequestLine)
                client.dead = true;
            return;
        }
        const std::string line = client.in.substr(0, newline);
        client.in.erase(0, newline + 1);
        handleRequest(client, line);
    }
    if (client.mode != Client::Mode::Attached)
        return;
    Frame frame;
    for (;;) {
        const FrameDecode result = decodeFrame(&client.in, &frame);
        if (result == FrameDecode::NeedMore)
            return;
        if (result == FrameDecode::Invalid) {
            client.dead = true;
            return;
        }
        handleFrame(client, frame);
    }
}

void Supervisor::flushClient(Client &client)
{
    while (!client.out.empty()) {
        const ssize_t n = ::send(client.fd, client.out.data(), client.out.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            client.dead = true;
            return;
        }
        client.out.erase(0, size_t(n));
    }
    if (client.out.capacity() > ClientBacklogLimit)
        std::string().swap(client.out);
}

void Supervisor::handleRequest(Client &client, const std::string &line)
{
    std::vector<std::string_view> words;
    for (size_t start = 0; start < line.size();) {
        const size_t end = std::min(line.find(' ', start), line.size());
        if (end > start)
            words.push_back(std::string_view(line).substr(start, end - start));
        start = end + 1;
    }
    const auto number = [](std::string_view text, int *value) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
        return ec == std::errc() && end == text.data() + text.size();
    };
    const auto reply = [&client, this](const std::string &text) {
        client.out += text;
        client.closeWhenFlushed = true;
        flushClient(client);
    };
    const std::string_view verb = words.empty() ? std::string_view() : words.front();

    if (verb == "attach") {
        client.mode = Client::Mode::Attached;
        for (size_t i = 1; i < words.size(); ++i) {
            if (words[i] == "stdin")
                client.wantStdin = m_spec.openStdin;
            else if (words[i] == "stdout")
                client.wantStdout = true;
            else if (words[i] == "stderr")
                client.wantStderr = true;
            else
                return reply("error unknown stream `" + std::string(words[i]) + "`\n");
        }
        if (words.size() == 1) {
            client.wantStdin = m_spec.openStdin;
            client.wantStdout = client.wantStderr = true;
        }
    } else if (verb == "signal" && words.size() == 2) {
        int sig = 0;
        if (!number(words[1], &sig) || sig <= 0 || sig >= NSIG)
            return reply("error invalid signal `" + std::string(words[1]) + "`\n");
        if (m_initPid <= 0)
            return reply("error the container is not running\n");
        if (kill(m_initPid, sig) != 0)
            return reply("error " + sysFailure("kill " + std::to_string(m_initPid)).message() +
                         "\n");
        reply("ok\n");
    } else if (verb == "stop" && words.size() == 1) {
        m_stoppedByUser = true;
        reply("ok\n");
        if (m_initPid > 0) {
            kill(m_initPid, m_spec.stopSignal);
        } else if (m_restartAt) {
            m_restartAt.reset();
            finish(m_state.exitCode, "");
        }
    } else if (verb == "resize" && words.size() == 3) {
        int rows = 0;
        int columns = 0;
        if (!number(words[1], &rows) || !number(words[2], &columns) || rows <= 0 || columns <= 0 ||
            rows > 0xFFFF || columns > 0xFFFF)
            return reply("error invalid size `" + line.substr(7) + "`\n");
        if (!m_spec.process.terminal || m_stdio.outFd < 0)
            return reply("error the container has no terminal\n");
        winsize size{};
        size.ws_row = static_cast<unsigned short>(rows);
        size.ws_col = static_cast<unsigned short>(columns);
        if (ioctl(m_stdio.outFd, TIOCSWINSZ, &size) != 0)
            return reply("error " + sysFailure("resize the terminal").message() + "\n");
        reply("ok\n");
    } else if (verb == "restart-policy" && words.size() == 3) {
        // docker update --restart: the next exit follows the new policy.
        static constexpr std::string_view Policies[] = {"no", "always", "on-failure",
                                                        "unless-stopped"};
        int maxRetries = 0;
        if (std::find(std::begin(Policies), std::end(Policies), words[1]) == std::end(Policies) ||
            !number(words[2], &maxRetries) || maxRetries < 0)
            return reply("error invalid restart policy `" + line.substr(verb.size() + 1) + "`\n");
        m_spec.restartPolicy = std::string(words[1]);
        m_spec.restartMaxRetries = maxRetries;
        reply("ok\n");
    } else if (verb == "state" && words.size() == 1) {
        reply(serializeState(m_state));
    } else if (verb == "wait" && words.size() == 1) {
        client.mode = Client::Mode::Waiting;
    } else {
        reply("error unknown request `" + line + "`\n");
    }
}

void Supervisor::handleFrame(Client &client, const Frame &frame)
{
    switch (frame.type) {
    case FrameType::Stdin:
        if (client.wantStdin && m_stdio.stdinFd >= 0 && !m_stdinClosePending) {
            m_stdinBuffer += frame.payload;
            writeStdin();
        }
        break;
    case FrameType::StdinEof:
        // docker closes the container's stdin only for stdin-once containers
        // (run -i, attached); others keep it open for the next client.
        if (client.wantStdin && m_spec.stdinOnce)
            closeStdin();
        break;
    case FrameType::Resize: {
        const size_t space = frame.payload.find(' ');
        winsize size{};
        if (m_spec.process.terminal && m_stdio.outFd >= 0 && space != std::string::npos) {
            size.ws_row = static_cast<unsigned short>(std::atoi(frame.payload.c_str()));
            size.ws_col = static_cast<unsigned short>(std::atoi(frame.payload.c_str() + space));
            ioctl(m_stdio.outFd, TIOCSWINSZ, &size);
        }
        break;
    }
    default:
        // Output and exit frames only flow from the shim.
        client.dead = true;
    }
}

void Supervisor::broadcast(FrameType type, std::string_view data)
{
    for (Client &client : m_clients) {
        if (client.dead || client.mode != Client::Mode::Attached || client.closeWhenFlushed)
            continue;
        if ((type == FrameType::Stdout && !client.wantStdout) ||
            (type == FrameType::Stderr && !client.wantStderr))
            continue;
        appendFrame(&client.out, type, data);
        flushClient(client);
    }
}

void Supervisor::endRun()
{
    m_draining = false;
    // The network lives as long as one run: a restart gets a new namespace.
    m_pasta.stop();
    const timespec now = realtimeNow();
    closeFd(&m_stdio.outFd);
    closeFd(&m_stdio.errFd);
    m_log.flush(LogStream::Stdout, now);
    m_log.flush(LogStream::Stderr, now);
    m_stdinBuffer.clear();
    m_stdinClosePending = false;
    closeFd(&m_stdio.stdinFd);

    const int exitCode = exitCodeOf(m_exitStatus);
    CgroupStats stats;
    const bool oomKilled = !m_cgroup.stats(&stats) && stats.oomKills > m_oomBaseline;
    if (!shouldRestart(m_spec, exitCode, m_state.restartCount, m_stoppedByUser)) {
        m_state.oomKilled = oomKilled;
        finish(exitCode, "");
        return;
    }
    m_restartDelay = restartDelayMs(m_restartDelay, monotonicMs() - m_runStartedMs);
    m_restartAt = monotonicMs() + m_restartDelay;
    m_state.status = "restarting";
    m_state.pid = 0;
    m_state.exitCode = exitCode;
    m_state.oomKilled = oomKilled;
    m_state.finishedAt = rfc3339Nano(now);
    writeState();
}

void Supervisor::restart()
{
    m_restartAt.reset();
    ++m_state.restartCount;
    if (auto failure = startProcess()) {
        finish(failure->exitCode, failure->failure.message());
        return;
    }
    writeState();
}

void Supervisor::healthChanged()
{
    m_state.health = m_health.state();
    writeState();
}

void Supervisor::finish(int exitCode, const std::string &error)
{
    if (m_haveCgroup) {
        // The init is gone; destroy() kills and waits for whatever else is left.
        m_cgroup.destroy();
        m_haveCgroup = false;
    }
    m_state.status = "exited";
    m_state.pid = 0;
    m_state.exitCode = exitCode;
    m_state.finishedAt = rfc3339Nano(realtimeNow());
    m_state.error = error;
    writeState();
    closeFd(&m_listenFd);
    if (m_haveSocket)
        ::unlink(shimSocketPath(m_options.bundle).c_str());
    m_haveSocket = false;
    m_log.close();

    const std::string code = std::to_string(exitCode);
    for (Client &client : m_clients) {
        if (client.dead || client.closeWhenFlushed)
            continue;
        if (client.mode == Client::Mode::Attached)
            appendFrame(&client.out, FrameType::Exit, code);
        else if (client.mode == Client::Mode::Waiting)
            client.out += "exit " + code + "\n";
        client.closeWhenFlushed = true;
        flushClient(client);
    }
    m_finished = true;
    m_goodbyeDeadline = monotonicMs() + GoodbyeMs;
}

} // namespace

bool shouldRestart(const Spec &spec, int exitCode, int restartCount, bool stoppedByUser)
{
    if (stoppedByUser)
        return false;
    if (spec.restartPolicy == "always" || spec.restartPolicy == "unless-stopped")
        return true;
    if (spec.restartPolicy == "on-failure")
        return exitCode != 0 &&
               (spec.restartMaxRetries <= 0 || restartCount < spec.restartMaxRetries);
    return false;
}

int64_t restartDelayMs(int64_t previousDelayMs, int64_t ranForMs)
{
    constexpr int64_t First = 100;
    constexpr int64_t Max = 60 * 1000;
    if (previousDelayMs <= 0 || ranForMs >= 10 * 1000)
        return First;
    return std::min(previousDelayMs * 2, Max);
}

int runShim(const ShimOptions &options)
{
    Supervisor supervisor(options);
    return supervisor.run();
}

} // namespace berth::runtime
