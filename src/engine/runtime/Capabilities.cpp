// Capability sets: names, docker's resolution rules, and the system calls that
// apply a set to the container's init (see Capabilities.h for the order).
#include "runtime/Capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>

namespace berth::runtime {

namespace {

// Indexed by capability number, without the "CAP_" prefix (linux/capability.h).
constexpr std::array<std::string_view, 41> kNames = {
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
};

constexpr uint64_t bit(int cap)
{
    return uint64_t(1) << cap;
}

// The three sets as capget/capset see them (version 3: two 32-bit words each).
struct CapSets
{
    uint64_t effective = 0;
    uint64_t permitted = 0;
    uint64_t inheritable = 0;
};

bool capGet(CapSets *sets)
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    sets->effective = data[0].effective | uint64_t(data[1].effective) << 32;
    sets->permitted = data[0].permitted | uint64_t(data[1].permitted) << 32;
    sets->inheritable = data[0].inheritable | uint64_t(data[1].inheritable) << 32;
    return true;
}

bool capSet(const CapSets &sets)
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0] = {uint32_t(sets.effective), uint32_t(sets.permitted), uint32_t(sets.inheritable)};
    data[1] = {uint32_t(sets.effective >> 32), uint32_t(sets.permitted >> 32),
               uint32_t(sets.inheritable >> 32)};
    return ::syscall(SYS_capset, &header, data) == 0;
}

std::string upper(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

int lastCapability()
{
    // Read once: the kernel's value never changes while we run.
    static const int last = [] {
        int value = -1;
        if (FILE *file = std::fopen("/proc/sys/kernel/cap_last_cap", "re")) {
            if (std::fscanf(file, "%d", &value) != 1)
                value = -1;
            std::fclose(file);
        }
        // Without /proc (or for a kernel newer than our names) the headers' last
        // capability is the most that can be named.
        if (value < 0 || value >= int(kNames.size()))
            value = int(kNames.size()) - 1;
        return value;
    }();
    return last;
}

uint64_t allCapabilities()
{
    const int last = lastCapability();
    return last >= 63 ? ~uint64_t(0) : bit(last + 1) - 1;
}

uint64_t defaultCapabilities()
{
    return bit(CAP_CHOWN) | bit(CAP_DAC_OVERRIDE) | bit(CAP_FSETID) | bit(CAP_FOWNER) |
           bit(CAP_MKNOD) | bit(CAP_NET_RAW) | bit(CAP_SETGID) | bit(CAP_SETUID) |
           bit(CAP_SETFCAP) | bit(CAP_SETPCAP) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_SYS_CHROOT) |
           bit(CAP_KILL) | bit(CAP_AUDIT_WRITE);
}

std::optional<int> capabilityFromName(std::string_view name)
{
    std::string key = upper(name);
    if (key.starts_with("CAP_"))
        key.erase(0, 4);
    for (int cap = 0; cap <= lastCapability(); ++cap) {
        if (kNames[size_t(cap)] == key)
            return cap;
    }
    return std::nullopt;
}

std::string capabilityName(int cap)
{
    if (cap < 0 || cap >= int(kNames.size()))
        return {};
    return "CAP_" + std::string(kNames[size_t(cap)]);
}

std::vector<std::string> capabilityNames(uint64_t mask)
{
    std::vector<std::string> names;
    for (int cap = 0; cap < int(kNames.size()); ++cap) {
        if (mask & bit(cap))
            names.push_back(capabilityName(cap));
    }
    return names;
}

bool resolveCapabilities(const std::vector<std::string> &add, const std::vector<std::string> &drop,
                         bool privileged, uint64_t *out, std::string *error)
{
    if (privileged) {
        *out = allCapabilities();
        return true;
    }
    // docker checks the drops before the adds, so a bad name in both is reported
    // from the drops.
    bool dropAll = false;
    bool addAll = false;
    uint64_t dropMask = 0;
    uint64_t addMask = 0;
    const auto normalize = [&](const std::vector<std::string> &names, bool *all, uint64_t *mask) {
        for (const std::string &name : names) {
            if (upper(name) == "ALL") {
                *all = true;
                continue;
            }
            const std::optional<int> cap = capabilityFromName(name);
            if (!cap) {
                std::string shown = upper(name);
                if (!shown.starts_with("CAP_"))
                    shown.insert(0, "CAP_");
                *error = "unknown capability: \"" + shown + "\"";
                return false;
            }
            *mask |= bit(*cap);
        }
        return true;
    };
    if (!normalize(drop, &dropAll, &dropMask) || !normalize(add, &addAll, &addMask))
        return false;

    if (addAll)
        *out = allCapabilities() & ~dropMask;
    else if (dropAll)
        *out = addMask;
    else
        *out = (defaultCapabilities() & ~dropMask) | addMask;
    return true;
}

Outcome prepareCapabilitiesBeforeSetuid()
{
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
        return sysFailure("keep capabilities across setuid (PR_SET_KEEPCAPS)");
    return {};
}

Outcome applyCapabilities(uint64_t mask, uid_t uid)
{
    // A change to a non-zero uid emptied the effective set even with KEEPCAPS;
    // trimming the bounding set needs CAP_SETPCAP back in it.
    CapSets current;
    if (!capGet(&current))
        return sysFailure("read the process's capabilities (capget)");
    // What the init does not hold itself (Berth running inside a confined
    // environment) cannot be given: --privileged there means all that is left.
    mask &= allCapabilities() & current.permitted;
    current.effective = current.permitted;
    if (!capSet(current))
        return sysFailure("raise the permitted capabilities to effective (capset)");

    for (int cap = 0; cap <= lastCapability(); ++cap) {
        if (mask & bit(cap))
            continue;
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
            return sysFailure("drop `" + capabilityName(cap) + "` from the bounding set");
    }

    // Kernels before 4.3 have no ambient set: nothing to clear there.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return sysFailure("clear the ambient capabilities");

    CapSets wanted;
    if (uid == 0) {
        wanted.effective = mask;
        wanted.permitted = mask;
    }
    if (!capSet(wanted))
        return sysFailure("set the process's capabilities (capset)");
    return {};
}

Outcome raiseCapability(int cap)
{
    CapSets sets;
    if (!capGet(&sets))
        return sysFailure("read the process's capabilities (capget)");
    if (sets.effective & bit(cap))
        return {};
    if (!(sets.permitted & bit(cap)))
        return Failure{EPERM, "raise `" + capabilityName(cap) + "`: not in the permitted set"};
    sets.effective |= bit(cap);
    if (!capSet(sets))
        return sysFailure("raise `" + capabilityName(cap) + "` (capset)");
    return {};
}

} // namespace berth::runtime
