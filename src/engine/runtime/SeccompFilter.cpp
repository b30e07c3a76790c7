// Compiles a resolved seccomp profile with libseccomp and loads it (see
// SeccompFilter.h for when the init calls it).
#include "runtime/SeccompFilter.h"

#include "runtime/Capabilities.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <memory>

namespace berth::runtime {

namespace {

struct ActionName
{
    std::string_view name;
    uint32_t action; // for ERRNO and TRACE the errno/message is filled in later
};

constexpr std::array<ActionName, 9> kActions = {{
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    // SCMP_ACT_NOTIFY is left out: it needs a listener that Berth does not run.
}};

struct OperatorName
{
    std::string_view name;
    scmp_compare op;
};

constexpr std::array<OperatorName, 7> kOperators = {{
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
}};

std::optional<uint32_t> toAction(std::string_view name, int errnoRet)
{
    for (const ActionName &entry : kActions) {
        if (entry.name != name)
            continue;
        if (name == "SCMP_ACT_ERRNO")
            return SCMP_ACT_ERRNO(uint32_t(errnoRet > 0 ? errnoRet : EPERM));
        if (name == "SCMP_ACT_TRACE")
            return SCMP_ACT_TRACE(uint32_t(errnoRet > 0 ? errnoRet : EPERM));
        return entry.action;
    }
    return std::nullopt;
}

// The architectures whose syscalls this machine's kernel also takes, besides the
// native one, as docker's archMap lists them.
std::vector<uint32_t> subArchitectures()
{
#if defined(__x86_64__)
    return {SCMP_ARCH_X86, SCMP_ARCH_X32};
#elif defined(__aarch64__)
    return {SCMP_ARCH_ARM};
#elif defined(__s390x__)
    return {SCMP_ARCH_S390};
#else
    return {};
#endif
}

struct FilterDeleter
{
    void operator()(void *ctx) const { seccomp_release(ctx); }
};
using Filter = std::unique_ptr<void, FilterDeleter>;

// Adds one rule for one syscall. Comparisons on different arguments are ANDed
// in one libseccomp rule; libseccomp cannot hold two on the same argument, so
// then each comparison becomes a rule of its own (ORed), as runc does.
int addRule(scmp_filter_ctx ctx, uint32_t action, int syscall,
            const std::vector<scmp_arg_cmp> &cmps)
{
    bool repeated = false;
    for (size_t i = 0; i < cmps.size() && !repeated; ++i) {
        for (size_t j = i + 1; j < cmps.size(); ++j)
            repeated = repeated || cmps[i].arg == cmps[j].arg;
    }
    if (!repeated)
        return seccomp_rule_add_array(ctx, action, syscall, unsigned(cmps.size()), cmps.data());
    for (const scmp_arg_cmp &cmp : cmps) {
        if (const int rc = seccomp_rule_add_array(ctx, action, syscall, 1, &cmp); rc != 0)
            return rc;
    }
    return 0;
}

Outcome ensureMayLoad()
{
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
        return {};
    if (Outcome raised = raiseCapability(CAP_SYS_ADMIN)) {
        raised->what = "load seccomp filter without no_new_privs: " + raised->what;
        return raised;
    }
    return {};
}

} // namespace

bool isSeccompAction(std::string_view action)
{
    return toAction(action, 0).has_value();
}

bool isSeccompOperator(std::string_view op)
{
    for (const OperatorName &entry : kOperators) {
        if (entry.name == op)
            return true;
    }
    return false;
}

std::string_view seccompNativeArch()
{
#if defined(__x86_64__)
    return "amd64";
#elif defined(__i386__)
    return "x86";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__arm__)
    return "arm";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#else
    return "unknown";
#endif
}

std::optional<bool> kernelAtLeast(std::string_view release)
{
    // "major.minor[.patch]" and anything after (a "-flavor"); a missing patch is 0.
    const auto parse = [](std::string_view text) -> std::optional<std::array<int, 3>> {
        std::array<int, 3> parts = {0, 0, 0};
        const char *p = text.data();
        const char *end = text.data() + text.size();
        for (size_t i = 0; i < parts.size(); ++i) {
            if (i > 0) {
                if (p == end || *p != '.')
                    return i == 2 ? std::optional(parts) : std::nullopt;
                ++p;
            }
            const auto [next, ec] = std::from_chars(p, end, parts[i]);
            if (ec != std::errc())
                return std::nullopt;
            p = next;
        }
        return parts;
    };
    const std::optional<std::array<int, 3>> wanted = parse(release);
    utsname name{};
    if (!wanted || ::uname(&name) != 0)
        return std::nullopt;
    const std::optional<std::array<int, 3>> running = parse(name.release);
    if (!running)
        return std::nullopt;
    return *running >= *wanted;
}

Outcome compileSeccomp(const Seccomp &profile, std::string *program)
{
    const std::optional<uint32_t> defaultAction =
        toAction(profile.defaultAction, profile.defaultErrnoRet);
    if (!defaultAction)
        return Failure{EINVAL, "seccomp default action `" + profile.defaultAction + "`: unknown"};
    Filter filter(seccomp_init(*defaultAction));
    if (!filter)
        return Failure{ENOMEM, "create seccomp filter"};
    scmp_filter_ctx ctx = filter.get();

    for (uint32_t arch : subArchitectures()) {
        if (const int rc = seccomp_arch_add(ctx, arch); rc != 0 && rc != -EEXIST)
            return Failure{-rc, "add architecture " + std::to_string(arch) + " to seccomp filter"};
    }

    for (const SeccompRule &rule : profile.rules) {
        const std::optional<uint32_t> action = toAction(rule.action, rule.errnoRet);
        if (!action)
            return Failure{EINVAL, "seccomp rule action `" + rule.action + "`: unknown"};
        // libseccomp refuses a rule that repeats the default action; it changes nothing.
        if (*action == *defaultAction)
            continue;
        std::vector<scmp_arg_cmp> cmps;
        for (const SeccompArg &arg : rule.args) {
            const auto op = std::find_if(kOperators.begin(), kOperators.end(),
                                         [&](const OperatorName &o) { return o.name == arg.op; });
            if (op == kOperators.end())
                return Failure{EINVAL, "seccomp argument comparison `" + arg.op + "`: unknown"};
            cmps.push_back(scmp_arg_cmp{arg.index, op->op, arg.value, arg.valueTwo});
        }
        for (const std::string &name : rule.names) {
            const int syscall = seccomp_syscall_resolve_name(name.c_str());
            if (syscall == __NR_SCMP_ERROR)
                continue; // a syscall newer than this libseccomp: docker skips it too
            if (const int rc = addRule(ctx, *action, syscall, cmps); rc != 0)
                return Failure{-rc, "add seccomp rule for `" + name + "`"};
        }
    }

    // libseccomp 2.5 exports only to a file descriptor.
    const int fd = ::memfd_create("seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return sysFailure("create memory file for the seccomp program");
    if (const int rc = seccomp_export_bpf(ctx, fd); rc != 0) {
        ::close(fd);
        return Failure{-rc, "export seccomp program"};
    }
    program->clear();
    char buffer[4096];
    ssize_t n;
    off_t offset = 0;
    while ((n = ::pread(fd, buffer, sizeof buffer, offset)) > 0) {
        program->append(buffer, size_t(n));
        offset += n;
    }
    Outcome failure = n < 0 ? sysFailure("read exported seccomp program") : Outcome{};
    ::close(fd);
    return failure;
}

Outcome readSeccompProgram(Seccomp *profile)
{
    if (!profile->enabled || profile->programPath.empty())
        return {};
    const int fd = ::open(profile->programPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sysFailure("open seccomp program `" + profile->programPath + "`");
    profile->program.clear();
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        profile->program.append(buffer, size_t(n));
    }
    Outcome failure =
        n < 0 ? sysFailure("read seccomp program `" + profile->programPath + "`") : Outcome{};
    ::close(fd);
    return failure;
}

std::string seccompLibraryVersion()
{
    const scmp_version *v = seccomp_version();
    return std::to_string(v->major) + '.' + std::to_string(v->minor) + '.' +
           std::to_string(v->micro);
}

Outcome loadSeccomp(const Seccomp &profile)
{
    if (!profile.enabled)
        return {};
    std::string compiled;
    if (profile.programPath.empty()) {
        if (Outcome failure = compileSeccomp(profile, &compiled))
            return failure;
    } else if (profile.program.empty()) {
        return Failure{ENOENT, "seccomp program `" + profile.programPath + "`: not read"};
    }
    const std::string &program = profile.programPath.empty() ? compiled : profile.program;
    if (program.size() % sizeof(sock_filter) != 0 ||
        program.size() / sizeof(sock_filter) > BPF_MAXINSNS)
        return Failure{EINVAL, "seccomp program of " + std::to_string(program.size()) +
                                   " bytes: not a BPF program"};

    if (Outcome denied = ensureMayLoad())
        return denied;
    // The kernel copies the program; the cast only satisfies the struct's type.
    sock_fprog fprog{static_cast<unsigned short>(program.size() / sizeof(sock_filter)),
                     reinterpret_cast<sock_filter *>(const_cast<char *>(program.data()))};
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
        return sysFailure("load seccomp filter");
    return {};
}

} // namespace berth::runtime
