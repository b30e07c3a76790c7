// Linux capabilities of a container's process: docker's default set, the
// --cap-add/--cap-drop/--privileged resolution, and applying the result in the
// container's init.
//
// A capability set is a bit mask, bit n = capability n as numbered in
// linux/capability.h (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40). Only the
// capabilities the running kernel knows (up to /proc/sys/kernel/cap_last_cap)
// are ever part of a set, as docker does.
//
// Order in the init (the kernel's rules force it):
//   prepareCapabilitiesBeforeSetuid();   // PR_SET_KEEPCAPS: setuid keeps permitted
//   setgroups / setresgid / setresuid;   // the caller's
//   prctl(PR_SET_NO_NEW_PRIVS) when asked for;
//   loadSeccomp(profile);                // SeccompFilter.h: needs CAP_SYS_ADMIN or no_new_privs
//   applyCapabilities(mask, uid);        // the last step before execve
// Without KEEPCAPS a change to a non-zero uid empties the permitted set, and
// then the bounding set can no longer be trimmed (PR_CAPBSET_DROP needs
// CAP_SETPCAP).
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::runtime {

// The highest capability number of the running kernel.
int lastCapability();

// docker's default: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID
// SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE.
uint64_t defaultCapabilities();
// Every capability of the running kernel (--privileged).
uint64_t allCapabilities();

// "NET_ADMIN", "CAP_NET_ADMIN", "cap_net_admin" -> 12; nothing for names the
// running kernel does not know.
std::optional<int> capabilityFromName(std::string_view name);
// 12 -> "CAP_NET_ADMIN"; empty for a number no kernel header names.
std::string capabilityName(int cap);
// The names of the set's capabilities, lowest number first.
std::vector<std::string> capabilityNames(uint64_t mask);

// docker's resolution of --cap-add/--cap-drop/--privileged: privileged gives
// every capability; otherwise ALL in add gives every capability but the dropped
// ones, ALL in drop gives only the added ones, and else the default set minus
// drop plus add (drop first, so "--cap-drop X --cap-add X" keeps X). An unknown
// name fails with docker's words: `unknown capability: "CAP_FOO"`.
bool resolveCapabilities(const std::vector<std::string> &add, const std::vector<std::string> &drop,
                         bool privileged, uint64_t *out, std::string *error);

// Before the init changes uid: keeps the permitted set across setuid.
Outcome prepareCapabilitiesBeforeSetuid();

// After setuid/setgid: trims the bounding set to mask, clears the ambient set,
// and sets permitted = effective = mask for uid 0, empty for any other uid (as
// docker does: a non-root process gets capabilities only through a setuid or
// file-capability binary, up to the bounding set). The inheritable set is left
// empty for every uid, as docker does since CVE-2022-24769, so that an execve of
// a binary with inheritable file capabilities gains nothing beyond the bounding
// set's rules. Capabilities the process does not hold itself are left out.
Outcome applyCapabilities(uint64_t mask, uid_t uid);

// Puts one capability of the permitted set into the effective set (a change of
// uid empties the effective set); fails with EPERM when it is not permitted.
Outcome raiseCapability(int cap);

} // namespace berth::runtime
