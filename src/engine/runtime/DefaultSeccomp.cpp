// docker's default seccomp profile as data (the facts of moby's
// profiles/seccomp/default.json), and its resolution for one container.
#include "runtime/SeccompFilter.h"

#include <linux/capability.h>
#include <sched.h>

#include <cerrno>
#include <sstream>

namespace berth::runtime {

namespace {

// Allowed for every container. Names of other architectures (the *32 and *64
// variants) are here too: libseccomp skips what the native ABI lacks and
// places them in the x86/x32 parts of the filter.
constexpr const char *kAllowed = R"(
accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32
clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64
clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat
dup dup2 dup3
epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait
epoll_wait_old eventfd eventfd2 execve execveat exit exit_group
faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat
fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr
fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex
futex_time64 futex_waitv futimesat
getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32
getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority
getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage
getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr
inotify_add_watch inotify_init inotify_init1 inotify_rm_watch
io_cancel ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get
ioprio_set io_setup io_submit io_uring_enter io_uring_register io_uring_setup ipc
kill landlock_add_rule landlock_create_ruleset landlock_restrict_self
lchown lchown32 lgetxattr link linkat listen listxattr llistxattr _llseek lremovexattr lseek
lsetxattr lstat lstat64
madvise membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2
mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive
mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv
msgsnd msync munlock munlockall munmap
name_to_handle_at nanosleep newfstatat _newselect open openat openat2
pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll
ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64
pwrite64 pwritev pwritev2
read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg
remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq
rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo
sched_getaffinity sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min
sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity
sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop
semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto
setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer
setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid
setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid
setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4
sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statx symlink
symlinkat sync sync_file_range syncfs sysinfo
tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64
timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64
timerfd_settime timerfd_settime64 times tkill truncate truncate64
ugetrlimit umask uname unlink unlinkat utime utimensat utimensat_time64 utimes
vfork vmsplice wait4 waitid waitpid write writev
)";

// A rule of the profile that applies only under conditions, and at most one
// argument comparison (docker's default needs no more).
struct Entry
{
    const char *names; // space separated
    const char *action = "SCMP_ACT_ALLOW";
    int errnoRet = 0;
    int argIndex = -1; // no comparison when negative
    uint64_t argValue = 0;
    const char *argOp = nullptr;
    int includeCap = -1;            // only with this capability
    int excludeCap = -1;            // only without it
    const char *includeArches = ""; // only on these (docker's names), when not empty
    const char *excludeArches = ""; // never on these
    const char *minKernel = "";     // only from this kernel on
};

// The namespace flags of clone(2): creating namespaces is CAP_SYS_ADMIN's.
constexpr uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                     CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

// personality(2) values docker allows: PER_LINUX, PER_LINUX32, UNAME26,
// UNAME26|PER_LINUX32, and 0xffffffff (query the current one).
constexpr uint64_t kPerLinux32 = 0x0008;
constexpr uint64_t kUname26 = 0x0020000;

const Entry kConditional[] = {
    {.names = "process_vm_readv process_vm_writev ptrace", .minKernel = "4.8"},
    // AF_VSOCK (40) sockets reach the host: not for containers.
    {.names = "socket", .argIndex = 0, .argValue = 40, .argOp = "SCMP_CMP_NE"},
    {.names = "personality", .argIndex = 0, .argValue = 0, .argOp = "SCMP_CMP_EQ"},
    {.names = "personality", .argIndex = 0, .argValue = kPerLinux32, .argOp = "SCMP_CMP_EQ"},
    {.names = "personality", .argIndex = 0, .argValue = kUname26, .argOp = "SCMP_CMP_EQ"},
    {.names = "personality",
     .argIndex = 0,
     .argValue = kUname26 | kPerLinux32,
     .argOp = "SCMP_CMP_EQ"},
    {.names = "personality", .argIndex = 0, .argValue = 0xffffffff, .argOp = "SCMP_CMP_EQ"},
    {.names = "sync_file_range2 swapcontext", .includeArches = "ppc64le"},
    {.names = "arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls",
     .includeArches = "arm arm64"},
    {.names = "arch_prctl", .includeArches = "amd64 x32"},
    {.names = "modify_ldt", .includeArches = "amd64 x32 x86"},
    {.names = "s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr",
     .includeArches = "s390 s390x"},
    {.names = "riscv_flush_icache", .includeArches = "riscv64"},
    {.names = "open_by_handle_at", .includeCap = CAP_DAC_READ_SEARCH},
    {.names = "bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount "
              "mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd "
              "setdomainname sethostname setns syslog umount umount2 unshare",
     .includeCap = CAP_SYS_ADMIN},
    // Without CAP_SYS_ADMIN: clone only without namespace flags (the flags are
    // the second argument on s390), and clone3 fails as if the kernel lacked it,
    // since a filter cannot read its flags from memory; libc then uses clone.
    {.names = "clone",
     .argIndex = 0,
     .argValue = kNamespaceFlags,
     .argOp = "SCMP_CMP_MASKED_EQ",
     .excludeCap = CAP_SYS_ADMIN,
     .excludeArches = "s390 s390x"},
    {.names = "clone",
     .argIndex = 1,
     .argValue = kNamespaceFlags,
     .argOp = "SCMP_CMP_MASKED_EQ",
     .excludeCap = CAP_SYS_ADMIN,
     .includeArches = "s390 s390x"},
    {.names = "clone3",
     .action = "SCMP_ACT_ERRNO",
     .errnoRet = ENOSYS,
     .excludeCap = CAP_SYS_ADMIN},
    {.names = "reboot", .includeCap = CAP_SYS_BOOT},
    {.names = "chroot", .includeCap = CAP_SYS_CHROOT},
    {.names = "delete_module init_module finit_module", .includeCap = CAP_SYS_MODULE},
    {.names = "acct", .includeCap = CAP_SYS_PACCT},
    {.names = "kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace",
     .includeCap = CAP_SYS_PTRACE},
    {.names = "iopl ioperm", .includeCap = CAP_SYS_RAWIO},
    {.names = "settimeofday stime clock_settime clock_settime64", .includeCap = CAP_SYS_TIME},
    {.names = "vhangup", .includeCap = CAP_SYS_TTY_CONFIG},
    {.names = "get_mempolicy mbind set_mempolicy set_mempolicy_home_node",
     .includeCap = CAP_SYS_NICE},
    {.names = "syslog", .includeCap = CAP_SYSLOG},
    {.names = "bpf", .includeCap = CAP_BPF},
    {.names = "perf_event_open", .includeCap = CAP_PERFMON},
};

std::vector<std::string> words(const char *text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

bool listsNativeArch(const char *arches)
{
    for (const std::string &arch : words(arches)) {
        if (arch == seccompNativeArch())
            return true;
    }
    return false;
}

bool applies(const Entry &entry, uint64_t capabilities)
{
    const auto has = [&](int cap) { return (capabilities >> cap) & 1; };
    if (entry.includeCap >= 0 && !has(entry.includeCap))
        return false;
    if (entry.excludeCap >= 0 && has(entry.excludeCap))
        return false;
    if (*entry.includeArches && !listsNativeArch(entry.includeArches))
        return false;
    if (listsNativeArch(entry.excludeArches))
        return false;
    return !*entry.minKernel || kernelAtLeast(entry.minKernel).value_or(false);
}

} // namespace

Seccomp defaultSeccompProfile(uint64_t capabilities)
{
    Seccomp profile;
    profile.enabled = true;
    profile.defaultAction = "SCMP_ACT_ERRNO";
    profile.defaultErrnoRet = EPERM;
    profile.rules.push_back(SeccompRule{words(kAllowed), "SCMP_ACT_ALLOW", 0, {}});
    for (const Entry &entry : kConditional) {
        if (!applies(entry, capabilities))
            continue;
        SeccompRule rule{words(entry.names), entry.action, entry.errnoRet, {}};
        if (entry.argIndex >= 0)
            rule.args.push_back(
                SeccompArg{unsigned(entry.argIndex), entry.argValue, 0, entry.argOp});
        profile.rules.push_back(std::move(rule));
    }
    return profile;
}

} // namespace berth::runtime
