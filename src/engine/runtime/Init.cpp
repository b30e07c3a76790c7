// The container's init, from clone to execve (see Init.h for the handshake).
#include "runtime/Init.h"

#include "runtime/Capabilities.h"
#include "runtime/Rootfs.h"
#include "runtime/SeccompFilter.h"

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace berth::runtime {

namespace {

constexpr const char *DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// What the child sends back when it fails: the fixed part, then the text.
struct ReportHeader
{
    int32_t err;
    int32_t exitCode;
};

// Go's spelling of an errno, which docker's messages use: "no such file or directory".
std::string goError(int err)
{
    std::string s = std::strerror(err);
    if (!s.empty())
        s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

std::string quoted(const std::string &s)
{
    return "`" + s + "`";
}

std::string envValue(const std::vector<std::string> &env, const std::string &name)
{
    for (const std::string &entry : env) {
        if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
            entry[name.size()] == '=')
            return entry.substr(name.size() + 1);
    }
    return {};
}

} // namespace

[[noreturn]] void reportAndExit(int reportFd, const StartFailure &failure)
{
    // One write below PIPE_BUF reaches the parent whole or not at all.
    char buffer[4000];
    const ReportHeader header{failure.failure.err, failure.exitCode};
    const size_t length = std::min(failure.failure.what.size(), sizeof buffer - sizeof header);
    std::memcpy(buffer, &header, sizeof header);
    std::memcpy(buffer + sizeof header, failure.failure.what.data(), length);
    ssize_t rc;
    do
        rc = write(reportFd, buffer, sizeof header + length);
    while (rc < 0 && errno == EINTR);
    _exit(failure.exitCode);
}

// Step 1: nothing happens before the parent has put the child into its cgroup.
bool waitForGoAhead(int fd)
{
    char byte;
    ssize_t rc;
    do
        rc = read(fd, &byte, 1);
    while (rc < 0 && errno == EINTR);
    return rc == 1;
}

namespace {

// A new network namespace starts with `lo` down; docker's containers (even
// --network none) have it up.
Outcome bringLoopbackUp()
{
    const int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return sysFailure("open a socket to configure `lo`");
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    int rc = ioctl(sock, SIOCGIFFLAGS, &request);
    if (rc == 0) {
        request.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(sock, SIOCSIFFLAGS, &request);
    }
    const int saved = errno;
    close(sock);
    if (rc < 0)
        return Failure{saved, "set `lo` up"};
    return {};
}

Outcome rearmParentDeathSignal(int shimFd)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        return sysFailure("set the parent-death signal");
    pollfd p{shimFd, POLLRDHUP, 0};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP)))
        return Failure{0, "berth-shim exited while the container was starting"};
    return {};
}

pid_t g_reaped = 0;

void forwardSignal(int sig)
{
    if (g_reaped > 0)
        kill(g_reaped, sig);
}

// --init: this process stays as PID 1, forwards signals to the real process,
// reaps every orphan the container makes and ends with the process's status
// (128 + signal when it was killed), as docker's tini-based init does. The
// child goes on to exec the command and reports its own failures.
void becomeReaper(int reportFd)
{
    const pid_t child = fork();
    if (child <= 0)
        return; // the child (or, when fork failed, this process) runs the command
    close(reportFd);
    g_reaped = child;
    struct sigaction forward = {};
    forward.sa_handler = forwardSignal;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
            sigaction(sig, &forward, nullptr);
    }
    int status = 0;
    while (true) {
        int st = 0;
        const pid_t done = waitpid(-1, &st, 0);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            break;
        if (done == child) {
            status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            // Orphans still running die with the namespace when PID 1 exits.
            break;
        }
    }
    _exit(status);
}

Outcome joinNamespaces(const Spec &spec)
{
    if (!spec.netNsPath.empty() && !spec.hostNetwork) {
        const int fd = open(spec.netNsPath.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return sysFailure("open network namespace " + quoted(spec.netNsPath));
        const int rc = setns(fd, CLONE_NEWNET);
        const int saved = errno;
        close(fd);
        if (rc < 0)
            return Failure{saved, "join network namespace " + quoted(spec.netNsPath)};
    }
    if ((spec.namespaces & NsNet) && !spec.hostNetwork && spec.netNsPath.empty()) {
        if (auto failure = bringLoopbackUp())
            return failure;
    }
    if ((spec.namespaces & NsCgroup) && unshare(CLONE_NEWCGROUP) < 0)
        return sysFailure("unshare the cgroup namespace");
    if ((spec.namespaces & NsUts) && !spec.hostname.empty() &&
        sethostname(spec.hostname.data(), spec.hostname.size()) < 0)
        return sysFailure("set hostname " + quoted(spec.hostname));
    return {};
}

} // namespace

// Docker's processes start with default signal dispositions, none blocked,
// and umask 022, whatever the shim itself uses.
void resetProcessState()
{
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    umask(022);
}

Outcome setupStdio(const Stdio &stdio, bool terminal)
{
    const int wanted[3] = {stdio.in, stdio.out, stdio.err};
    int sources[3];
    // Copies above 2 first, so that no dup2 below overwrites a later source.
    for (int i = 0; i < 3; ++i) {
        sources[i] = wanted[i] < 0 ? open("/dev/null", O_RDWR | O_CLOEXEC)
                                   : fcntl(wanted[i], F_DUPFD_CLOEXEC, 3);
        if (sources[i] < 0)
            return sysFailure("prepare the container's file descriptor " + std::to_string(i));
    }
    for (int i = 0; i < 3; ++i) {
        if (dup2(sources[i], i) < 0)
            return sysFailure("set the container's file descriptor " + std::to_string(i));
        close(sources[i]);
    }
    // Nothing else the shim has open may reach the container.
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return sysFailure("mark the shim's descriptors close-on-exec");
    if (terminal) {
        if (setsid() < 0)
            return sysFailure("start a new session");
        if (ioctl(0, TIOCSCTTY, 0) < 0)
            return sysFailure("make the terminal the controlling terminal");
    }
    return {};
}

// Before the rootfs: /proc/self here is the host's proc, which is always there.
Outcome setOomScoreAdj(int value)
{
    if (value == 0)
        return {};
    const int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return sysFailure("open `/proc/self/oom_score_adj`");
    const std::string text = std::to_string(value);
    const ssize_t rc = write(fd, text.data(), text.size());
    const int saved = errno;
    close(fd);
    if (rc < 0)
        return Failure{saved, "write " + text + " to `/proc/self/oom_score_adj`"};
    return {};
}

Outcome setRlimits(const std::vector<Rlimit> &limits)
{
    for (const Rlimit &limit : limits) {
        const rlimit value{rlim_t(limit.soft), rlim_t(limit.hard)};
        if (setrlimit(static_cast<__rlimit_resource_t>(limit.resource), &value) < 0)
            return sysFailure("set rlimit " + std::to_string(limit.resource));
    }
    return {};
}

Outcome becomeUser(const Process &process)
{
    if (auto failure = prepareCapabilitiesBeforeSetuid())
        return failure;
    if (setgroups(process.additionalGids.size(), process.additionalGids.data()) < 0)
        return sysFailure("setgroups");
    if (setresgid(process.gid, process.gid, process.gid) < 0)
        return sysFailure("setgid " + std::to_string(process.gid));
    if (setresuid(process.uid, process.uid, process.uid) < 0)
        return sysFailure("setuid " + std::to_string(process.uid));
    return {};
}

// Go's exec.LookPath, which gives docker its messages: a name with a slash is
// used as is, any other is searched in PATH for an executable regular file.
std::optional<StartFailure> findExecutable(const Process &process, std::string *path)
{
    const std::string &name = process.args[0];
    const std::string prefix = "exec: \"" + name + "\": ";
    struct stat st;
    if (name.find('/') != std::string::npos) {
        if (stat(name.c_str(), &st) < 0) {
            const int err = errno;
            return StartFailure{Failure{0, prefix + "stat " + name + ": " + goError(err)},
                                err == ENOENT ? 127 : 126};
        }
        if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
            return StartFailure{Failure{0, prefix + goError(EACCES)}, 126};
        *path = name;
        return {};
    }
    std::string search = envValue(process.env, "PATH");
    if (search.empty())
        search = DefaultPath;
    size_t start = 0;
    while (start <= search.size()) {
        const size_t end = std::min(search.find(':', start), search.size());
        std::string dir = search.substr(start, end - start);
        start = end + 1;
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (stat(candidate.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) && (st.st_mode & 0111)) {
            *path = candidate;
            return {};
        }
    }
    return StartFailure{Failure{0, prefix + "executable file not found in $PATH"}, 127};
}

StartFailure hardenAndExec(const Spec &spec, const std::function<void()> &beforeExec)
{
    const Process &process = spec.process;
    if (chdir(process.cwd.c_str()) < 0)
        return StartFailure{sysFailure("chdir to " + quoted(process.cwd))};
    std::string executable;
    if (auto failure = findExecutable(process, &executable))
        return *failure;
    if (process.noNewPrivileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return StartFailure{sysFailure("set no_new_privs")};
    if (auto failure = loadSeccomp(spec.seccomp))
        return StartFailure{*failure};
    if (auto failure = applyCapabilities(process.capabilities, process.uid))
        return StartFailure{*failure};
    if (beforeExec)
        beforeExec();

    std::vector<char *> argv;
    for (const std::string &arg : process.args)
        argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (const std::string &entry : process.env)
        envp.push_back(const_cast<char *>(entry.c_str()));
    envp.push_back(nullptr);
    execve(executable.c_str(), argv.data(), envp.data());
    const int err = errno;
    return StartFailure{Failure{0, "exec: \"" + process.args[0] + "\": " + goError(err)},
                        err == ENOENT ? 127 : 126};
}

namespace {

// Steps 2 to 9 in the child, in the order the kernel needs them. Returns only
// on failure: on success execve has replaced the process.
StartFailure initContainer(const Spec &spec, const Stdio &stdio, int reportFd)
{
    const Process &process = spec.process;
    if (process.args.empty())
        return StartFailure{Failure{0, "no command specified"}};
    if (auto failure = joinNamespaces(spec))
        return StartFailure{*failure};
    resetProcessState();
    if (auto failure = setupStdio(stdio, process.terminal))
        return StartFailure{*failure};
    if (auto failure = setOomScoreAdj(process.oomScoreAdj))
        return StartFailure{*failure};
    if (auto failure = setupRootfs(spec))
        return StartFailure{*failure};
    if (auto failure = setRlimits(process.rlimits))
        return StartFailure{*failure};
    if (auto failure = becomeUser(process))
        return StartFailure{*failure};
    // Changing credentials cleared the parent-death signal; set it again and
    // make sure the shim did not die in between (its end of the socket hangs up).
    if (auto failure = rearmParentDeathSignal(reportFd))
        return StartFailure{*failure};
    return hardenAndExec(spec, [&] {
        if (spec.init)
            becomeReaper(reportFd);
    });
}

[[noreturn]] void runInit(const Spec &spec, const Stdio &stdio, int fd)
{
    // The shim is the container's only supervisor: if it dies (even by
    // SIGKILL), the container goes with it instead of running unwatched.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (!waitForGoAhead(fd))
        _exit(125);
    reportAndExit(fd, initContainer(spec, stdio, fd));
}

unsigned long cloneFlags(const Spec &spec)
{
    unsigned long flags = CLONE_NEWNS;
    if (spec.namespaces & NsPid)
        flags |= CLONE_NEWPID;
    if (spec.namespaces & NsUts)
        flags |= CLONE_NEWUTS;
    if (spec.namespaces & NsIpc)
        flags |= CLONE_NEWIPC;
    if ((spec.namespaces & NsNet) && !spec.hostNetwork && spec.netNsPath.empty())
        flags |= CLONE_NEWNET;
    return flags;
}

void reap(pid_t pid)
{
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

} // namespace

std::optional<StartFailure> startContainer(const Spec &spec, const Stdio &stdio,
                                           const std::function<Outcome(pid_t)> &beforeSetup,
                                           pid_t *pid)
{
    // One socket pair carries the go-ahead down and a failure report up; the
    // child's end is close-on-exec, so a successful execve reads as EOF. A
    // socket rather than a pipe so that a child that died early costs the
    // parent an EPIPE (MSG_NOSIGNAL), not a SIGPIPE.
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return StartFailure{sysFailure("create the init's socket pair")};
    const pid_t child =
        pid_t(syscall(SYS_clone, cloneFlags(spec) | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
    if (child < 0) {
        const Failure failure = sysFailure("clone the container's init");
        close(fds[0]);
        close(fds[1]);
        return StartFailure{failure};
    }
    if (child == 0) {
        close(fds[0]);
        runInit(spec, stdio, fds[1]);
    }
    close(fds[1]);
    const int fd = fds[0];

    if (beforeSetup) {
        if (auto failure = beforeSetup(child)) {
            close(fd);
            kill(child, SIGKILL);
            reap(child);
            return StartFailure{*failure};
        }
    }
    return releaseChild(fd, child, pid);
}

std::optional<StartFailure> releaseChild(int fd, pid_t child, pid_t *pid)
{
    const char go = 1;
    if (send(fd, &go, 1, MSG_NOSIGNAL) != 1) {
        const Failure failure = sysFailure("signal the new process to start");
        close(fd);
        kill(child, SIGKILL);
        reap(child);
        return StartFailure{failure};
    }

    auto failure = readStartReport(fd);
    close(fd);
    if (!failure) {
        *pid = child;
        return {};
    }
    // It exited after its report (still ours to reap, so the kill cannot hit
    // another process), or the report could not be read and it has to go.
    kill(child, SIGKILL);
    reap(child);
    return failure;
}

std::optional<StartFailure> readStartReport(int fd)
{
    std::string report;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) != 0) {
        if (n > 0)
            report.append(buffer, size_t(n));
        else if (errno != EINTR)
            return StartFailure{sysFailure("read the new process's start report")};
    }
    if (report.empty())
        return {};
    if (report.size() < sizeof(ReportHeader))
        return StartFailure{Failure{EPROTO, "read the new process's start report"}};
    ReportHeader header;
    std::memcpy(&header, report.data(), sizeof header);
    return StartFailure{Failure{header.err, report.substr(sizeof header)}, header.exitCode};
}

} // namespace berth::runtime
