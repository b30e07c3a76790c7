// The runtime spec: everything berth-shim needs to start one container, decided
// by the engine beforehand (image config + run options + host facts).
//
// The engine writes it to <root>/containers/<id>/spec and starts the shim; the
// shim reads it, creates the cgroup, clones the container's init into new
// namespaces and lets runtime/Init build the root filesystem and exec the
// process. The runtime folder is Qt-free (std and libc only) because
// berth-shim stays resident for every running container: a shim must cost
// well under 1 MiB, and loading QtCore alone costs several.
//
// The file format is text, one field per line, "key value", with the value
// escaped (\\ \n \t); list fields repeat their key, structured fields put
// tab-separated parts in the value. Unknown keys are an error so an engine
// and a shim of different versions never half-agree.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

// What went wrong, crun style: "mount `proc` to `/proc`" plus errno.
// err is an errno value (0 when the cause is not a system call).
struct Failure
{
    int err = 0;
    std::string what;

    std::string message() const; // "what: strerror(err)" or "what"
};

// A Status that is Qt-free: empty means success.
using Outcome = std::optional<Failure>;

Failure sysFailure(std::string what); // takes errno

struct Mount
{
    std::string destination; // inside the container, absolute
    std::string type;   // "bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2"
    std::string source; // host path for binds, the fs name otherwise
    std::vector<std::string>
        options; // "ro", "nosuid", "nodev", "noexec", "rbind", "mode=755", "size=65536k", ...
};

struct Rlimit
{
    int resource = 0; // RLIMIT_*
    uint64_t soft = 0;
    uint64_t hard = 0;
};

// Zero/negative values mean "not set" unless noted; units as docker's flags after parsing.
struct Resources
{
    int64_t memory = 0;     // bytes, -m
    int64_t memorySwap = 0; // bytes of memory+swap, --memory-swap; -1 unlimited
    int64_t cpuQuota = 0;   // microseconds per period, --cpu-quota / --cpus
    int64_t cpuPeriod = 0;  // microseconds, --cpu-period (default 100000 when quota set)
    int64_t cpuShares = 0;  // --cpu-shares (v1 weight 2..262144; v2 maps to cpu.weight)
    std::string cpusetCpus; // --cpuset-cpus "0-1"
    std::string cpusetMems; // --cpuset-mems
    int64_t pidsLimit = 0;  // --pids-limit; -1 unlimited
};

struct SeccompArg
{
    unsigned index = 0;
    uint64_t value = 0;
    uint64_t valueTwo = 0;
    std::string op; // "SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ", ... as docker's profile names them
};

struct SeccompRule
{
    std::vector<std::string> names; // syscall names
    std::string action;             // "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", ...
    int errnoRet = 0;               // for SCMP_ACT_ERRNO (default EPERM)
    std::vector<SeccompArg> args;
};

struct Seccomp
{
    bool enabled = false;
    std::string defaultAction = "SCMP_ACT_ERRNO";
    int defaultErrnoRet = 0; // EPERM when 0
    std::vector<SeccompRule> rules;
    // The engine compiles a profile once into a BPF program (its cache, linked
    // into the bundle as seccomp.bpf) because libseccomp needs milliseconds of
    // CPU for docker's profile: with programPath set the rules are left out and
    // loadSeccomp() installs the program that readSeccompProgram() read.
    std::string programPath;
    std::string program;
};

struct Process
{
    std::vector<std::string> args; // args[0] is looked up in PATH from env when not absolute
    std::vector<std::string> env;  // "KEY=value"
    std::string cwd = "/";         // created when missing, as docker does
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> additionalGids;
    bool terminal = false;
    bool noNewPrivileges = false;
    uint64_t capabilities = 0; // bit n = capability n; bounding = permitted = effective (root) set
    std::vector<Rlimit> rlimits;
    int oomScoreAdj = 0;
};

// One published port (-p): hostIp:hostPort on the host forwarded to
// containerPort inside the container's network namespace, by pasta.
struct PortForward
{
    std::string hostIp; // empty: every host address
    uint16_t hostPort = 0;
    uint16_t containerPort = 0;
    std::string protocol = "tcp"; // tcp | udp
};

// docker's HEALTHCHECK with the engine's defaults applied: berth-shim runs args
// inside the container (as exec does) on this schedule (runtime/Health.h).
// Durations in nanoseconds, as docker stores them. No args: no health check.
struct Healthcheck
{
    std::vector<std::string> args; // CMD-SHELL already turned into the shell's argv
    int64_t intervalNs = 0;
    int64_t timeoutNs = 0;
    int64_t startPeriodNs = 0;
    int64_t startIntervalNs = 0;
    int retries = 0;
};

enum Namespace : unsigned {
    NsPid = 1u << 0,
    NsMount = 1u << 1,
    NsUts = 1u << 2,
    NsIpc = 1u << 3,
    NsNet = 1u << 4,
    NsCgroup = 1u << 5,
};

struct Spec
{
    std::string id;     // 64 hex
    std::string bundle; // <root>/containers/<id>: state, log, socket live here
    std::string hostname;

    // Root filesystem. With lowerDirs set, init mounts overlayfs (lowerDirs top
    // first, upperDir, workDir) inside the container's own mount namespace, so no
    // mount outlives the container even when everything is killed. Without them
    // rootfsDir is an already-materialized directory (the copy driver) that is
    // bind-mounted. Either way the result is pivoted into.
    std::vector<std::string> lowerDirs;
    std::string upperDir;
    std::string workDir;
    std::string rootfsDir; // where the root is assembled (also the bind source for copy)
    bool readonlyRootfs = false;

    unsigned namespaces = NsPid | NsMount | NsUts | NsIpc | NsNet | NsCgroup;
    std::string netNsPath; // join this network namespace instead of creating one (pasta's)
    bool hostNetwork = false;
    // The default (bridge) network: the shim runs pasta on the container's own
    // network namespace for an address, a route out and the published ports.
    bool pasta = false;
    std::vector<PortForward> ports;

    std::vector<Mount> mounts; // after the root is assembled, in order
    std::vector<std::string> maskedPaths;
    std::vector<std::string> readonlyPaths;

    Process process;
    Resources resources;
    std::string cgroupName; // relative to each hierarchy's root, e.g. "berth/<id>"
    Seccomp seccomp;
    bool privileged = false;

    // Supervision, done by berth-shim.
    bool openStdin = false; // -i: stdin is a pipe fed by attached clients, else /dev/null
    bool stdinOnce = false; // close the container's stdin when the first attached client closes it
    bool init = false;      // --init: PID 1 is a forked reaper that runs the process as its child
    int stopSignal = 15;    // --stop-signal
    std::string logPath;    // docker json-file log
    int64_t logMaxSize = 0; // --log-opt max-size, bytes; 0 = unlimited
    int logMaxFiles = 1;    // --log-opt max-file
    std::string restartPolicy = "no"; // no | on-failure | always | unless-stopped
    int restartMaxRetries = 0;        // on-failure:N
    Healthcheck healthcheck;
};

std::string serializeSpec(const Spec &spec);
// The seccomp part of serializeSpec(): the identity of a profile for the
// engine's cache of compiled programs.
std::string serializeSeccomp(const Seccomp &seccomp);
// Fails naming the line that is wrong.
Outcome parseSpec(const std::string &text, Spec *spec);

} // namespace berth::runtime
