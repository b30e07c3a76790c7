// Capabilities and seccomp as a container's init applies them: every case that
// changes the process runs in a forked child, so the test process itself stays
// unconfined, and checks what the kernel then allows (system call results,
// /proc/self/status), not only that the calls returned success.
#include "runtime/Capabilities.h"
#include "runtime/SeccompFilter.h"

#include <QtTest>

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

using namespace berth::runtime;

namespace {

constexpr uint64_t bit(int cap)
{
    return uint64_t(1) << cap;
}

struct ChildResult
{
    int status = 0;      // from waitpid
    std::string message; // what the child reported: empty when all its checks held
};

// Runs body in a forked child; its returned text comes back through a pipe.
ChildResult runChild(const std::function<std::string()> &body)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return {-1, "pipe failed"};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const std::string message = body();
        const char *p = message.data();
        size_t left = message.size();
        while (left > 0) {
            const ssize_t n = ::write(fds[1], p, left);
            if (n <= 0)
                break;
            p += n;
            left -= size_t(n);
        }
        ::_exit(message.empty() ? 0 : 1);
    }
    ::close(fds[1]);
    ChildResult result;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        result.message.append(buffer, size_t(n));
    ::close(fds[0]);
    if (pid < 0 || ::waitpid(pid, &result.status, 0) != pid)
        result.message = "fork or wait failed";
    return result;
}

#define QVERIFY_CHILD(r)                                                                           \
    do {                                                                                           \
        const ChildResult child_ = (r);                                                            \
        QVERIFY2(child_.message.empty(), child_.message.c_str());                                  \
        QVERIFY(WIFEXITED(child_.status) && WEXITSTATUS(child_.status) == 0);                      \
    } while (0)

// A failed check inside a child: what, and errno as it stands.
std::string failed(const std::string &what)
{
    return what + " (errno " + std::to_string(errno) + ": " + std::strerror(errno) + ")\n";
}

// "-1 EPERM" expected from a call; says what happened otherwise.
std::string expectErrno(const char *what, long rc, int wanted)
{
    if (rc == -1 && errno == wanted)
        return {};
    if (rc != -1)
        return std::string(what) + " succeeded, expected " + std::strerror(wanted) + "\n";
    return failed(std::string(what) + " failed with another error than " + std::strerror(wanted));
}

// The value of one "CapXxx:" line of /proc/self/status (or of a given status text).
uint64_t capLine(const std::string &status, const char *key)
{
    const size_t at = status.find(std::string(key) + ":\t");
    if (at == std::string::npos)
        return ~uint64_t(0);
    return std::stoull(status.substr(at + std::strlen(key) + 2, 16), nullptr, 16);
}

std::string readFile(const char *path)
{
    std::string out;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
        out.append(buffer, size_t(n));
    ::close(fd);
    return out;
}

std::string checkCaps(const char *key, uint64_t wanted)
{
    const uint64_t got = capLine(readFile("/proc/self/status"), key);
    if (got == wanted)
        return {};
    char line[128];
    std::snprintf(line, sizeof line, "%s is %016llx, expected %016llx\n", key,
                  static_cast<unsigned long long>(got), static_cast<unsigned long long>(wanted));
    return line;
}

// Forks, and runs `path` in the grandchild; its exit status, or -1.
int runProgram(const char *path)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        char *const argv[] = {const_cast<char *>(path), nullptr};
        ::execv(path, argv);
        ::_exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

bool hasRule(const Seccomp &profile, const std::string &name, const std::string &action)
{
    for (const SeccompRule &rule : profile.rules) {
        if (rule.action == action &&
            std::find(rule.names.begin(), rule.names.end(), name) != rule.names.end())
            return true;
    }
    return false;
}

// Makes later mounts of this child private to it, in case a filter that should
// refuse mount(2) does not.
std::string privateMountNamespace()
{
    if (::unshare(CLONE_NEWNS) != 0)
        return failed("unshare(CLONE_NEWNS) before the filter");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return failed("make / private");
    return {};
}

} // namespace

class TestRuntimeSecurity : public QObject
{
    Q_OBJECT
private slots:
    void capabilityNamesRoundTrip()
    {
        QCOMPARE(capabilityFromName("NET_ADMIN"), std::optional<int>(CAP_NET_ADMIN));
        QCOMPARE(capabilityFromName("CAP_NET_ADMIN"), std::optional<int>(CAP_NET_ADMIN));
        QCOMPARE(capabilityFromName("cap_sys_admin"), std::optional<int>(CAP_SYS_ADMIN));
        QCOMPARE(capabilityFromName("Chown"), std::optional<int>(CAP_CHOWN));
        QCOMPARE(capabilityFromName("FOO"), std::optional<int>());
        QCOMPARE(capabilityFromName("CAP_"), std::optional<int>());
        QCOMPARE(capabilityName(CAP_NET_ADMIN), std::string("CAP_NET_ADMIN"));
        QCOMPARE(capabilityName(CAP_CHECKPOINT_RESTORE), std::string("CAP_CHECKPOINT_RESTORE"));
        QCOMPARE(capabilityName(64), std::string());

        const std::vector<std::string> defaults = capabilityNames(defaultCapabilities());
        const std::vector<std::string> expected = {
            "CAP_CHOWN",       "CAP_DAC_OVERRIDE", "CAP_FOWNER",
            "CAP_FSETID",      "CAP_KILL",         "CAP_SETGID",
            "CAP_SETUID",      "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE",
            "CAP_NET_RAW",     "CAP_SYS_CHROOT",   "CAP_MKNOD",
            "CAP_AUDIT_WRITE", "CAP_SETFCAP"};
        QCOMPARE(defaults, expected);

        const int last = std::stoi(readFile("/proc/sys/kernel/cap_last_cap"));
        QCOMPARE(lastCapability(), last);
        QCOMPARE(int(capabilityNames(allCapabilities()).size()), last + 1);
        QCOMPARE(allCapabilities(), (uint64_t(1) << (last + 1)) - 1);
    }

    void resolveLikeDocker()
    {
        uint64_t caps = 0;
        std::string error;
        QVERIFY(resolveCapabilities({}, {}, false, &caps, &error));
        QCOMPARE(caps, defaultCapabilities());

        QVERIFY(resolveCapabilities({"NET_ADMIN"}, {"chown"}, false, &caps, &error));
        QCOMPARE(caps, (defaultCapabilities() & ~bit(CAP_CHOWN)) | bit(CAP_NET_ADMIN));

        // Drop first, then add: the same name in both keeps it.
        QVERIFY(resolveCapabilities({"CAP_KILL"}, {"KILL"}, false, &caps, &error));
        QCOMPARE(caps, defaultCapabilities());

        QVERIFY(resolveCapabilities({"all"}, {"CHOWN", "SYS_ADMIN"}, false, &caps, &error));
        QCOMPARE(caps, allCapabilities() & ~bit(CAP_CHOWN) & ~bit(CAP_SYS_ADMIN));

        QVERIFY(resolveCapabilities({"NET_RAW"}, {"ALL"}, false, &caps, &error));
        QCOMPARE(caps, bit(CAP_NET_RAW));

        QVERIFY(resolveCapabilities({}, {"ALL"}, false, &caps, &error));
        QCOMPARE(caps, uint64_t(0));

        // --privileged wins over everything, even names it never looks at.
        QVERIFY(resolveCapabilities({"FOO"}, {"ALL"}, true, &caps, &error));
        QCOMPARE(caps, allCapabilities());

        caps = 42;
        QVERIFY(!resolveCapabilities({"NET_ADMIN", "foo"}, {}, false, &caps, &error));
        QCOMPARE(error, std::string("unknown capability: \"CAP_FOO\""));
        QCOMPARE(caps, uint64_t(42));
        QVERIFY(!resolveCapabilities({"BAR"}, {"CAP_BAZ"}, false, &caps, &error));
        QCOMPARE(error, std::string("unknown capability: \"CAP_BAZ\""));
    }

    void applyForRoot()
    {
        if (::geteuid() != 0)
            QSKIP("needs root");
        const uint64_t mask = defaultCapabilities();
        QVERIFY_CHILD(runChild([&]() -> std::string {
            // A new UTS namespace: if the drop did not work, the host's name stays.
            if (::unshare(CLONE_NEWUTS) != 0)
                return failed("unshare(CLONE_NEWUTS)");
            if (Outcome o = prepareCapabilitiesBeforeSetuid())
                return o->message();
            if (Outcome o = applyCapabilities(mask, 0))
                return o->message();
            std::string out = checkCaps("CapEff", mask) + checkCaps("CapPrm", mask) +
                              checkCaps("CapBnd", mask) + checkCaps("CapInh", 0) +
                              checkCaps("CapAmb", 0);
            out += expectErrno("sethostname without CAP_SYS_ADMIN", ::sethostname("x", 1), EPERM);
            // CAP_CHOWN is in the set: root may still give a file away.
            char path[] = "/tmp/berth-caps-XXXXXX";
            const int fd = ::mkstemp(path);
            if (fd < 0 || ::fchown(fd, 1234, 1234) != 0)
                out += failed("fchown with CAP_CHOWN");
            if (fd >= 0) {
                ::close(fd);
                ::unlink(path);
            }
            return out;
        }));
    }

    void rootKeepsTheSetAcrossExec()
    {
        if (::geteuid() != 0)
            QSKIP("needs root");
        const uint64_t mask = defaultCapabilities() | bit(CAP_NET_ADMIN);
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(fds[0]);
            if (prepareCapabilitiesBeforeSetuid() || applyCapabilities(mask, 0))
                ::_exit(3);
            ::dup2(fds[1], STDOUT_FILENO);
            ::execl("/bin/cat", "cat", "/proc/self/status", static_cast<char *>(nullptr));
            ::_exit(127);
        }
        ::close(fds[1]);
        std::string status;
        char buffer[4096];
        for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
            status.append(buffer, size_t(n));
        ::close(fds[0]);
        int wstatus = 0;
        QCOMPARE(::waitpid(pid, &wstatus, 0), pid);
        QVERIFY(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
        QCOMPARE(capLine(status, "CapEff"), mask);
        QCOMPARE(capLine(status, "CapPrm"), mask);
        QCOMPARE(capLine(status, "CapBnd"), mask);
        QCOMPARE(capLine(status, "CapInh"), uint64_t(0));
    }

    void applyForNonRoot()
    {
        if (::geteuid() != 0)
            QSKIP("needs root");
        const uint64_t mask = defaultCapabilities();
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (Outcome o = prepareCapabilitiesBeforeSetuid())
                return o->message();
            if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
                ::setresuid(65534, 65534, 65534) != 0)
                return failed("become nobody");
            if (Outcome o = applyCapabilities(mask, 65534))
                return o->message();
            return checkCaps("CapEff", 0) + checkCaps("CapPrm", 0) + checkCaps("CapBnd", mask) +
                   checkCaps("CapInh", 0) + checkCaps("CapAmb", 0);
        }));
    }

    void defaultProfileShape()
    {
        const Seccomp plain = defaultSeccompProfile(defaultCapabilities());
        QVERIFY(plain.enabled);
        QCOMPARE(plain.defaultAction, std::string("SCMP_ACT_ERRNO"));
        QCOMPARE(plain.defaultErrnoRet, EPERM);
        QVERIFY(hasRule(plain, "read", "SCMP_ACT_ALLOW"));
        QVERIFY(hasRule(plain, "chroot", "SCMP_ACT_ALLOW")); // CAP_SYS_CHROOT is a default
        QVERIFY(!hasRule(plain, "mount", "SCMP_ACT_ALLOW"));
        QVERIFY(!hasRule(plain, "reboot", "SCMP_ACT_ALLOW"));
        QVERIFY(hasRule(plain, "clone3", "SCMP_ACT_ERRNO"));

        const Seccomp admin =
            defaultSeccompProfile(defaultCapabilities() | bit(CAP_SYS_ADMIN) | bit(CAP_SYS_BOOT));
        QVERIFY(hasRule(admin, "mount", "SCMP_ACT_ALLOW"));
        QVERIFY(hasRule(admin, "clone3", "SCMP_ACT_ALLOW"));
        QVERIFY(!hasRule(admin, "clone3", "SCMP_ACT_ERRNO"));
        QVERIFY(hasRule(admin, "reboot", "SCMP_ACT_ALLOW"));
        QVERIFY(!hasRule(defaultSeccompProfile(0), "chroot", "SCMP_ACT_ALLOW"));
    }

    void defaultProfileConfines()
    {
        if (::geteuid() != 0)
            QSKIP("needs root");
        // The child keeps all of root's capabilities, so every EPERM below is the filter's.
        const Seccomp profile = defaultSeccompProfile(defaultCapabilities());
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (std::string e = privateMountNamespace(); !e.empty())
                return e;
            if (Outcome o = loadSeccomp(profile))
                return o->message();
            std::string out;
            out += expectErrno("mount", ::mount("none", "/mnt", "tmpfs", 0, nullptr), EPERM);
            out += expectErrno("unshare(CLONE_NEWNS)", ::unshare(CLONE_NEWNS), EPERM);
            out += expectErrno("keyctl", ::syscall(SYS_keyctl, 0, -1, 0), EPERM);
            // Bad magic numbers: without the filter reboot(2) fails with EINVAL.
            out += expectErrno("reboot", ::syscall(SYS_reboot, 0, 0, 0, nullptr), EPERM);
            out += expectErrno("init_module", ::syscall(SYS_init_module, nullptr, 0, ""), EPERM);
            out += expectErrno("finit_module", ::syscall(SYS_finit_module, -1, "", 0), EPERM);
            out += expectErrno("kexec_load", ::syscall(SYS_kexec_load, 0, 0, nullptr, ~0ul), EPERM);
            out += expectErrno("socket(AF_VSOCK)", ::socket(40, SOCK_STREAM, 0), EPERM);
            out += expectErrno("personality(PER_BSD)", ::personality(PER_BSD), EPERM);
            const long cloned = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
            if (cloned == 0)
                ::_exit(0);
            out += expectErrno("clone(CLONE_NEWUSER)", cloned, EPERM);
            out += expectErrno("clone3", ::syscall(SYS_clone3, nullptr, 0), ENOSYS);

            if (::getpid() <= 1)
                out += failed("getpid");
            if (::personality(0xffffffff) == -1)
                out += failed("personality query");
            const int fd = ::openat(AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
            char c = 0;
            if (fd < 0 || ::read(fd, &c, 1) != 1 || c != 'N')
                out += failed("openat + read of /proc/self/status");
            if (fd >= 0)
                ::close(fd);
            if (::write(STDERR_FILENO, "", 0) != 0)
                out += failed("write");
            const int unixSocket = ::socket(AF_UNIX, SOCK_STREAM, 0);
            if (unixSocket < 0)
                out += failed("socket(AF_UNIX)");
            else
                ::close(unixSocket);
            // fork() is clone without namespace flags.
            const pid_t pid = ::fork();
            if (pid == 0)
                ::_exit(7);
            int status = 0;
            if (pid < 0 || ::waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != 7)
                out += failed("fork");
            if (runProgram("/bin/true") != 0)
                out += failed("fork + execve of /bin/true");
            return out;
        }));
    }

    void sysAdminOpensMount()
    {
        if (::geteuid() != 0)
            QSKIP("needs root");
        const Seccomp profile = defaultSeccompProfile(defaultCapabilities() | bit(CAP_SYS_ADMIN));
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (std::string e = privateMountNamespace(); !e.empty())
                return e;
            if (Outcome o = loadSeccomp(profile))
                return o->message();
            std::string out;
            // Past the filter, the kernel itself refuses a file system it does not have.
            if (::mount("none", "/mnt", "berth-no-such-fs", 0, nullptr) == 0 || errno == EPERM)
                out += failed("mount with CAP_SYS_ADMIN's rules");
            if (::unshare(CLONE_NEWUTS) != 0)
                out += failed("unshare(CLONE_NEWUTS) with CAP_SYS_ADMIN's rules");
            if (::syscall(SYS_clone3, nullptr, 0) == 0 || errno == ENOSYS || errno == EPERM)
                out += failed("clone3 with CAP_SYS_ADMIN's rules");
            return out;
        }));
    }

    void killActionSendsSigsys()
    {
        Seccomp profile;
        profile.enabled = true;
        profile.defaultAction = "SCMP_ACT_ALLOW";
        profile.rules.push_back({{"getppid"}, "SCMP_ACT_KILL", 0, {}});
        const ChildResult child = runChild([&]() -> std::string {
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                return failed("set no_new_privs");
            if (Outcome o = loadSeccomp(profile))
                return o->message();
            ::syscall(SYS_getppid);
            return "getppid came back\n";
        });
        QVERIFY2(child.message.empty(), child.message.c_str());
        QVERIFY(WIFSIGNALED(child.status));
        QCOMPARE(WTERMSIG(child.status), SIGSYS);
    }

    void rulesAndArguments()
    {
        Seccomp profile;
        profile.enabled = true;
        profile.defaultAction = "SCMP_ACT_ALLOW";
        // An unknown name is skipped, the rest of its rule still applies.
        profile.rules.push_back(
            {{"berth_no_such_syscall", "getppid"}, "SCMP_ACT_ERRNO", ENOSPC, {}});
        // Two comparisons on one argument are ORed: PER_BSD or PER_HPUX is refused.
        profile.rules.push_back(
            {{"personality"},
             "SCMP_ACT_ERRNO",
             0,
             {{0, PER_BSD, 0, "SCMP_CMP_EQ"}, {0, PER_HPUX, 0, "SCMP_CMP_EQ"}}});
        // Comparisons on different arguments are ANDed: only dup3(x, 100, 0) is refused.
        profile.rules.push_back({{"dup3"},
                                 "SCMP_ACT_ERRNO",
                                 EMFILE,
                                 {{1, 100, 0, "SCMP_CMP_EQ"}, {2, 0, 0, "SCMP_CMP_EQ"}}});
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                return failed("set no_new_privs");
            if (Outcome o = loadSeccomp(profile))
                return o->message();
            std::string out;
            out += expectErrno("getppid", ::syscall(SYS_getppid), ENOSPC);
            out += expectErrno("personality(PER_BSD)", ::personality(PER_BSD), EPERM);
            out += expectErrno("personality(PER_HPUX)", ::personality(PER_HPUX), EPERM);
            if (::personality(0xffffffff) == -1)
                out += failed("personality query");
            out += expectErrno("dup3 to 100", ::dup3(0, 100, 0), EMFILE);
            if (::dup3(0, 101, 0) != 101)
                out += failed("dup3 to 101");
            if (::dup3(0, 100, O_CLOEXEC) != 100)
                out += failed("dup3 to 100 with O_CLOEXEC");
            return out;
        }));
    }

    void loadNeedsSysAdminOrNoNewPrivs()
    {
        if (::geteuid() != 0)
            QSKIP("needs root");
        Seccomp profile;
        profile.enabled = true;
        profile.defaultAction = "SCMP_ACT_ALLOW";
        profile.rules.push_back({{"getppid"}, "SCMP_ACT_ERRNO", 0, {}});

        // The documented order for a non-root user: setuid, filter, capabilities.
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (Outcome o = prepareCapabilitiesBeforeSetuid())
                return o->message();
            if (::setresuid(65534, 65534, 65534) != 0)
                return failed("setresuid");
            if (Outcome o = loadSeccomp(profile))
                return o->message();
            if (Outcome o = applyCapabilities(defaultCapabilities(), 65534))
                return o->message();
            return expectErrno("getppid", ::syscall(SYS_getppid), EPERM) + checkCaps("CapEff", 0);
        }));

        // Once CAP_SYS_ADMIN is gone only no_new_privs makes loading possible.
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (Outcome o = applyCapabilities(defaultCapabilities(), 0))
                return o->message();
            const Outcome refused = loadSeccomp(profile);
            if (!refused || refused->err != EPERM ||
                refused->message().find("CAP_SYS_ADMIN") == std::string::npos)
                return "load without CAP_SYS_ADMIN nor no_new_privs: " +
                       (refused ? refused->message() : std::string("succeeded")) + "\n";
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                return failed("set no_new_privs");
            if (Outcome o = loadSeccomp(profile))
                return o->message();
            return expectErrno("getppid", ::syscall(SYS_getppid), EPERM);
        }));
    }

    // The engine's path: compile once, keep the program in a file, load it later
    // in another process. The loaded program must confine exactly as compiling
    // in place does.
    void compiledProgramLoadsFromFile()
    {
        Seccomp profile;
        profile.enabled = true;
        profile.defaultAction = "SCMP_ACT_ALLOW";
        profile.rules.push_back({{"getppid"}, "SCMP_ACT_ERRNO", ENOSPC, {}});
        std::string program;
        QVERIFY(!compileSeccomp(profile, &program));
        // A classic BPF program: whole sock_filter entries ending in a return.
        QVERIFY(program.size() >= 2 * 8);
        QCOMPARE(program.size() % 8, size_t(0));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("seccomp.bpf")).toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            out.write(program.data(), std::streamsize(program.size()));
        }
        Seccomp stored;
        stored.enabled = true;
        stored.programPath = path;
        // Not read yet: refused rather than running unconfined.
        const Outcome unread = loadSeccomp(stored);
        QVERIFY(unread.has_value());
        QCOMPARE(unread->err, ENOENT);
        QVERIFY(!readSeccompProgram(&stored));
        QVERIFY(stored.program == program);
        QVERIFY_CHILD(runChild([&]() -> std::string {
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                return failed("set no_new_privs");
            if (Outcome o = loadSeccomp(stored))
                return o->message();
            std::string out = expectErrno("getppid", ::syscall(SYS_getppid), ENOSPC);
            if (::getpid() <= 0)
                out += failed("getpid");
            return out;
        }));

        // A file that is not a program is refused with its size named.
        Seccomp torn = stored;
        torn.program.resize(program.size() - 3);
        const Outcome bad = loadSeccomp(torn);
        QVERIFY(bad.has_value());
        QCOMPARE(bad->err, EINVAL);
        QVERIFY(bad->what.find("not a BPF program") != std::string::npos);
        Seccomp missing;
        missing.enabled = true;
        missing.programPath = path + ".gone";
        const Outcome gone = readSeccompProgram(&missing);
        QVERIFY(gone.has_value());
        QCOMPARE(gone->err, ENOENT);
    }

    void badProfilesAreRefused()
    {
        Seccomp profile;
        profile.enabled = true;
        profile.defaultAction = "SCMP_ACT_NOTIFY";
        QVERIFY(!isSeccompAction("SCMP_ACT_NOTIFY"));
        QVERIFY(isSeccompAction("SCMP_ACT_KILL_PROCESS"));
        QVERIFY(isSeccompOperator("SCMP_CMP_MASKED_EQ"));
        QVERIFY(!isSeccompOperator("SCMP_CMP_LIKE"));
        // Refused before anything is loaded, so the test process may call it itself.
        const Outcome o = loadSeccomp(profile);
        QVERIFY(o.has_value());
        QCOMPARE(o->err, EINVAL);
        QVERIFY(o->what.find("SCMP_ACT_NOTIFY") != std::string::npos);

        profile.defaultAction = "SCMP_ACT_ALLOW";
        profile.rules.push_back({{"getppid"}, "SCMP_ACT_ERRNO", 0, {{0, 1, 0, "SCMP_CMP_LIKE"}}});
        const Outcome op = loadSeccomp(profile);
        QVERIFY(op.has_value());
        QVERIFY(op->what.find("SCMP_CMP_LIKE") != std::string::npos);
        QVERIFY(!loadSeccomp(Seccomp{}));
    }

    void kernelVersions()
    {
        QCOMPARE(kernelAtLeast("2.6"), std::optional<bool>(true));
        QCOMPARE(kernelAtLeast("4.8.0"), std::optional<bool>(true));
        QCOMPARE(kernelAtLeast("999.0"), std::optional<bool>(false));
        QCOMPARE(kernelAtLeast("4"), std::optional<bool>());
        QCOMPARE(kernelAtLeast("four.8"), std::optional<bool>());
        QCOMPARE(seccompNativeArch().empty(), false);
    }
};

QTEST_APPLESS_MAIN(TestRuntimeSecurity)
#include "tst_runtime_security.moc"
