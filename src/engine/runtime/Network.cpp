// Starting and stopping pasta for a container's network namespace; see Network.h.
#include "runtime/Network.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace berth::runtime {

namespace {

// pasta needs some 0.2 s on an idle machine; a loaded one can take seconds.
constexpr int ReadyTimeoutMs = 30 * 1000;
// The descriptors the namespace and the readiness pipe have in pasta.
constexpr int ChildNetnsFd = 3;
constexpr int ChildReadyFd = 4;

int64_t monotonicMs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return int64_t(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void closeFd(int *fd)
{
    if (*fd >= 0)
        ::close(*fd);
    *fd = -1;
}

// pasta's own messages, without its complaints that there is no syslog.
std::string pastaMessage(const std::string &output)
{
    std::string message;
    size_t start = 0;
    while (start < output.size()) {
        size_t end = output.find('\n', start);
        if (end == std::string::npos)
            end = output.size();
        const std::string line = output.substr(start, end - start);
        start = end + 1;
        if (line.empty() || (line.starts_with("Failed to send ") && line.ends_with(" to syslog")))
            continue;
        if (!message.empty())
            message += "; ";
        message += line;
    }
    return message;
}

// In the forked child: the descriptors pasta expects, then exec. Never returns.
[[noreturn]] void execPasta(pid_t parent, int netnsFd, int readyFd, int errFd,
                            const std::vector<std::string> &args)
{
    // pasta must not outlive the shim; the shim may already be gone.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    // Moved above the target numbers first, so no dup2 below overwrites a
    // source; dup2 then clears close-on-exec on the targets.
    const int ns = fcntl(netnsFd, F_DUPFD_CLOEXEC, 10);
    const int ready = fcntl(readyFd, F_DUPFD_CLOEXEC, 10);
    const int err = fcntl(errFd, F_DUPFD_CLOEXEC, 10);
    const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (ns < 0 || ready < 0 || err < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
        dup2(err, 2) < 0 || dup2(ns, ChildNetnsFd) < 0 || dup2(ready, ChildReadyFd) < 0)
        _exit(127);
    std::vector<char *> argv;
    for (const std::string &arg : args)
        argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    const std::string message = "exec pasta: " + std::string(std::strerror(errno)) + "\n";
    [[maybe_unused]] const ssize_t n = ::write(2, message.data(), message.size());
    _exit(127);
}

} // namespace

std::vector<std::string> pastaArguments(const std::vector<PortForward> &ports, int netnsFd,
                                        int readyFd)
{
    std::vector<std::string> args{"pasta",   "--foreground",
                                  "--quiet", "--config-net",
                                  "--runas", "0",
                                  "--netns", "/proc/self/fd/" + std::to_string(netnsFd),
                                  "--pid",   "/proc/self/fd/" + std::to_string(readyFd)};
    bool tcp = false;
    bool udp = false;
    for (const PortForward &port : ports) {
        const bool isUdp = port.protocol == "udp";
        (isUdp ? udp : tcp) = true;
        // Without an address pasta binds one dual-stack socket (every IPv4 and
        // IPv6 address, docker's -p 8080:80); "0.0.0.0" binds IPv4 only and
        // "::" IPv6 only, as docker does for them.
        std::string spec = std::to_string(port.hostPort) + ":" + std::to_string(port.containerPort);
        if (!port.hostIp.empty())
            spec = port.hostIp + "/" + spec;
        args.push_back(isUdp ? "-u" : "-t");
        args.push_back(spec);
    }
    if (!tcp) {
        args.push_back("-t");
        args.push_back("none");
    }
    if (!udp) {
        args.push_back("-u");
        args.push_back("none");
    }
    for (const char *option : {"-T", "none", "-U", "none"})
        args.push_back(option);
    return args;
}

Pasta::~Pasta()
{
    stop();
}

Outcome Pasta::start(pid_t nsPid, const std::vector<PortForward> &ports)
{
    stop();
    const std::string nsPath = "/proc/" + std::to_string(nsPid) + "/ns/net";
    int netnsFd = ::open(nsPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (netnsFd < 0)
        return sysFailure("open network namespace `" + nsPath + "`");
    int ready[2] = {-1, -1};
    int err[2] = {-1, -1};
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        Failure failure = sysFailure("create pasta's pipes");
        for (int *fd : {&netnsFd, &ready[0], &ready[1], &err[0], &err[1]})
            closeFd(fd);
        return failure;
    }
    const std::vector<std::string> args = pastaArguments(ports, ChildNetnsFd, ChildReadyFd);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0)
        execPasta(parent, netnsFd, ready[1], err[1], args);
    const int forkErrno = errno;
    for (int *fd : {&netnsFd, &ready[1], &err[1]})
        closeFd(fd);
    if (pid < 0) {
        closeFd(&ready[0]);
        closeFd(&err[0]);
        return Failure{forkErrno, "fork pasta"};
    }
    m_pid = pid;
    m_pidFd = int(syscall(SYS_pidfd_open, pid, 0));
    if (m_pidFd < 0) {
        const Failure failure = sysFailure("open pasta's pidfd");
        kill(pid, SIGKILL);
        while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        m_pid = 0;
        closeFd(&ready[0]);
        closeFd(&err[0]);
        return failure;
    }

    // pasta writes its pid to the readiness pipe once the namespace is
    // configured and the ports are bound; end of file first means it exited.
    std::string output;
    bool isReady = false;
    bool exited = false;
    const int64_t deadline = monotonicMs() + ReadyTimeoutMs;
    char buffer[1024];
    while (!isReady && !exited) {
        const int64_t left = deadline - monotonicMs();
        if (left <= 0)
            break;
        pollfd fds[2] = {{ready[0], POLLIN, 0}, {err[0], short(err[0] >= 0 ? POLLIN : 0), 0}};
        if (poll(fds, 2, int(left)) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents) {
            const ssize_t n = ::read(err[0], buffer, sizeof buffer);
            if (n > 0)
                output.append(buffer, size_t(n));
            else if (n == 0 || errno != EINTR)
                closeFd(&err[0]);
        }
        if (fds[0].revents) {
            const ssize_t n = ::read(ready[0], buffer, sizeof buffer);
            if (n > 0)
                isReady = true;
            else if (n == 0 || errno != EINTR)
                exited = true;
        }
    }
    closeFd(&ready[0]);
    if (isReady) {
        // pasta ignores SIGPIPE: its later messages just have no reader.
        closeFd(&err[0]);
        return {};
    }
    stop();
    // What pasta said before exiting is all in the pipe now.
    while (err[0] >= 0) {
        const ssize_t n = ::read(err[0], buffer, sizeof buffer);
        if (n > 0)
            output.append(buffer, size_t(n));
        else if (n == 0 || errno != EINTR)
            closeFd(&err[0]);
    }
    const std::string message = pastaMessage(output);
    if (!exited)
        return Failure{ETIMEDOUT, "start pasta for network namespace `" + nsPath + "`"};
    return Failure{0, "start pasta for network namespace `" + nsPath +
                          "`: " + (message.empty() ? "pasta exited" : message)};
}

void Pasta::stop()
{
    if (m_pidFd < 0)
        return;
    syscall(SYS_pidfd_send_signal, m_pidFd, SIGKILL, nullptr, 0);
    siginfo_t info{};
    while (waitid(P_PIDFD, id_t(m_pidFd), &info, WEXITED) < 0 && errno == EINTR) {
    }
    closeFd(&m_pidFd);
    m_pid = 0;
}

bool Pasta::reaped(pid_t pid)
{
    if (m_pid == 0 || pid != m_pid)
        return false;
    closeFd(&m_pidFd);
    m_pid = 0;
    return true;
}

} // namespace berth::runtime
