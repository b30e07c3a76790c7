// A process started inside a running container (see Exec.h for the handshake).
#include "runtime/Exec.h"

#include "runtime/Cgroup.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace berth::runtime {

namespace {

struct NamespaceKind
{
    const char *name; // under /proc/<pid>/ns
    int flag;
};

// The order they are joined in: the mount namespace last, because joining it
// moves the process's root and working directory into the container.
constexpr NamespaceKind Joined[] = {{"cgroup", CLONE_NEWCGROUP},
                                    {"ipc", CLONE_NEWIPC},
                                    {"uts", CLONE_NEWUTS},
                                    {"net", CLONE_NEWNET},
                                    {"mnt", CLONE_NEWNS}};

std::string nsPath(pid_t pid, const char *name)
{
    return "/proc/" + std::to_string(pid) + "/ns/" + name;
}

bool sharedWithCaller(pid_t pid, const char *name)
{
    struct stat theirs, ours;
    return stat(nsPath(pid, name).c_str(), &theirs) == 0 &&
           stat((std::string("/proc/self/ns/") + name).c_str(), &ours) == 0 &&
           theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev;
}

// Descriptors of the init's namespaces the caller is not already in.
class NamespaceFds
{
public:
    NamespaceFds() = default;
    NamespaceFds(const NamespaceFds &) = delete;
    NamespaceFds &operator=(const NamespaceFds &) = delete;
    ~NamespaceFds()
    {
        for (const auto &[fd, kind] : m_fds)
            close(fd);
    }

    Outcome open(pid_t pid)
    {
        for (const NamespaceKind &kind : Joined) {
            if (sharedWithCaller(pid, kind.name))
                continue;
            const std::string path = nsPath(pid, kind.name);
            const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                return sysFailure("open `" + path + "`");
            m_fds.emplace_back(fd, kind);
        }
        return {};
    }

    Outcome join() const
    {
        for (const auto &[fd, kind] : m_fds) {
            if (setns(fd, kind.flag) < 0)
                return sysFailure(std::string("join the container's ") + kind.name + " namespace");
        }
        return {};
    }

private:
    std::vector<std::pair<int, NamespaceKind>> m_fds;
};

// In the container's mount namespace: a new pty of its devpts, whose master
// goes to the caller over ptyFd and whose slave becomes *stdio.
Outcome openContainerPty(int ptyFd, Stdio *stdio)
{
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return sysFailure("open `/dev/ptmx` in the container");
    char name[64];
    if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0)
        return sysFailure("unlock the container's pty");
    const int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return sysFailure(std::string("open `") + name + "`");
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message = {};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &master, sizeof master);
    if (sendmsg(ptyFd, &message, MSG_NOSIGNAL) != 1)
        return sysFailure("pass the container's pty to the caller");
    close(master);
    *stdio = Stdio{slave, slave, slave};
    return {};
}

int receivePtyMaster(int fd)
{
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message = {};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (recvmsg(fd, &message, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) != 1)
        return -1;
    const cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (!header || header->cmsg_type != SCM_RIGHTS)
        return -1;
    int master = -1;
    std::memcpy(&master, CMSG_DATA(header), sizeof master);
    return master;
}

// In the child, once it is in the cgroup. Returns only on failure.
StartFailure execInContainer(const Spec &spec, Stdio stdio, const NamespaceFds &namespaces,
                             int ptyFd)
{
    const Process &process = spec.process;
    if (auto failure = namespaces.join())
        return StartFailure{*failure};
    if (ptyFd >= 0) {
        if (auto failure = openContainerPty(ptyFd, &stdio))
            return StartFailure{*failure};
    }
    resetProcessState();
    if (auto failure = setupStdio(stdio, process.terminal))
        return StartFailure{*failure};
    if (auto failure = setOomScoreAdj(process.oomScoreAdj))
        return StartFailure{*failure};
    if (auto failure = setRlimits(process.rlimits))
        return StartFailure{*failure};
    if (auto failure = becomeUser(process))
        return StartFailure{*failure};
    return hardenAndExec(spec);
}

void reap(pid_t pid)
{
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

} // namespace

std::optional<StartFailure> startExec(const Spec &spec, pid_t initPid, const Stdio &stdio,
                                      pid_t *pid, int *ptyMaster)
{
    if (spec.process.args.empty())
        return StartFailure{Failure{0, "no command specified"}};
    NamespaceFds namespaces;
    if (auto failure = namespaces.open(initPid))
        return StartFailure{*failure};

    // setns(CLONE_NEWPID) only decides where this thread's next child is born;
    // the thread itself stays where it is and goes back right after the fork.
    int targetPidNs = -1, ownPidNs = -1;
    if (!sharedWithCaller(initPid, "pid")) {
        targetPidNs = open(nsPath(initPid, "pid").c_str(), O_RDONLY | O_CLOEXEC);
        if (targetPidNs < 0)
            return StartFailure{sysFailure("open `" + nsPath(initPid, "pid") + "`")};
        ownPidNs = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (ownPidNs < 0) {
            const Failure failure = sysFailure("open `/proc/self/ns/pid`");
            close(targetPidNs);
            return StartFailure{failure};
        }
    }
    const auto closePidNs = [&] {
        if (targetPidNs >= 0) {
            close(targetPidNs);
            close(ownPidNs);
        }
    };

    // A second pair carries the pty's master, apart from the start report.
    int fds[2], pty[2] = {-1, -1};
    const bool wantPty = spec.process.terminal && ptyMaster;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        const Failure failure = sysFailure("create the exec process's socket pair");
        closePidNs();
        return StartFailure{failure};
    }
    if (wantPty && socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pty) < 0) {
        const Failure failure = sysFailure("create the exec process's socket pair");
        closePidNs();
        close(fds[0]);
        close(fds[1]);
        return StartFailure{failure};
    }
    const auto closePty = [&](int end) {
        if (pty[end] >= 0)
            close(pty[end]);
    };
    if (targetPidNs >= 0 && setns(targetPidNs, CLONE_NEWPID) < 0) {
        const Failure failure = sysFailure("join the container's pid namespace");
        closePidNs();
        close(fds[0]);
        close(fds[1]);
        closePty(0);
        closePty(1);
        return StartFailure{failure};
    }
    const pid_t child = fork();
    const int forkErrno = errno;
    const bool restored = targetPidNs < 0 || setns(ownPidNs, CLONE_NEWPID) == 0;
    const int restoreErrno = errno;
    closePidNs();
    if (child == 0) {
        close(fds[0]);
        closePty(0);
        if (!waitForGoAhead(fds[1]))
            _exit(125);
        reportAndExit(fds[1], execInContainer(spec, stdio, namespaces, pty[1]));
    }
    close(fds[1]);
    closePty(1);
    std::optional<Failure> failure;
    if (child < 0)
        failure = Failure{forkErrno, "fork the exec process"};
    else if (!restored)
        failure = Failure{restoreErrno, "return to the caller's pid namespace"};
    else if (!spec.cgroupName.empty())
        failure = Cgroup::open(spec.cgroupName).addProcess(child);
    if (failure) {
        close(fds[0]);
        closePty(0);
        if (child > 0) {
            kill(child, SIGKILL);
            reap(child);
        }
        return StartFailure{*failure};
    }
    auto failed = releaseChild(fds[0], child, pid);
    // The child sent the master before it exec'd, so it is waiting by now.
    if (!failed && wantPty) {
        *ptyMaster = receivePtyMaster(pty[0]);
        if (*ptyMaster < 0) {
            failed = StartFailure{Failure{EPROTO, "receive the exec process's pty"}};
            kill(*pid, SIGKILL);
            reap(*pid);
        }
    }
    closePty(0);
    return failed;
}

namespace {

// exec -d's keeper (startDetachedExec() says why there is one). It keeps
// nothing of the caller's open (its store lock, its database, its terminal)
// but the report, which it closes once the process has exec'd.
[[noreturn]] void keepDetached(const Spec &spec, pid_t initPid, int reportFd)
{
    setsid();
    // Whatever the caller did with SIGCHLD, the keeper waits for its child itself.
    signal(SIGCHLD, SIG_DFL);
    if (reportFd < 3)
        reportFd = fcntl(reportFd, F_DUPFD_CLOEXEC, 3);
    if (chdir("/") < 0)
        reportAndExit(reportFd, StartFailure{sysFailure("chdir to `/`")});
    if (reportFd > 3)
        close_range(3, unsigned(reportFd) - 1, 0);
    close_range(unsigned(reportFd) + 1, ~0U, 0);
    const int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        reportAndExit(reportFd, StartFailure{sysFailure("open `/dev/null` for the exec keeper")});
    if (null > 2)
        close(null);
    pid_t pid = 0;
    if (auto failed = startExec(spec, initPid, Stdio{}, &pid))
        reportAndExit(reportFd, *failed);
    close(reportFd);
    reap(pid);
    _exit(0);
}

} // namespace

// exec -d: the caller returns at once and may well exit before the process
// does, so the process must not be its child: orphaned, it would go to
// whatever reaps the caller's orphans on the host (the pid 1 of some sandboxes
// never does), and the container's init could not finish exiting until that
// reaped it (the kernel ends a pid namespace only once every process of it
// has been reaped). Handing it to the container's init instead (a fork inside
// its pid namespace that exits) would leave a zombie in the container for
// every detached process under the many inits that never wait for children
// (a `sleep`, most servers), counted by its pids limit and shown by top;
// docker's shim reaps exec processes, and berth's shim is no ancestor of the
// caller. So a keeper does what docker's shim does for this one process: the
// caller forks, that child forks the keeper and exits at once, and the keeper,
// orphaned right away and in a session of its own, starts the process as its
// child exactly as startExec() does, reports the start through a socket, waits
// for the process and exits. The keeper is a fork of the caller, whose pages
// it shares; it lives outside the container, so even unreaped it holds up
// nothing there, and the process sees its parent as pid 0, like docker's.
std::optional<StartFailure> startDetachedExec(const Spec &spec, pid_t initPid)
{
    if (spec.process.terminal)
        return StartFailure{Failure{EINVAL, "start a detached exec process with a terminal"}};
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return StartFailure{sysFailure("create the exec keeper's socket pair")};
    const pid_t child = fork();
    if (child < 0) {
        const Failure failure = sysFailure("fork the exec keeper");
        close(fds[0]);
        close(fds[1]);
        return StartFailure{failure};
    }
    if (child == 0) {
        close(fds[0]);
        const pid_t keeper = fork();
        if (keeper < 0)
            reportAndExit(fds[1], StartFailure{sysFailure("fork the exec keeper")});
        if (keeper > 0)
            _exit(0);
        keepDetached(spec, initPid, fds[1]);
    }
    close(fds[1]);
    reap(child);
    auto failed = readStartReport(fds[0]);
    close(fds[0]);
    return failed;
}

} // namespace berth::runtime
