// Seccomp for a container's process: docker's default profile, and compiling a
// profile (runtime/Spec.h's Seccomp) with libseccomp into a filter on the
// calling process.
//
// A profile here is already resolved for one container: the engine has dropped
// the rules whose includes/excludes (capabilities, architectures, kernel
// version) do not hold, as docker does before handing the profile to runc.
// What is left is a default action and rules of syscall names, an action and
// argument conditions.
//
// When to load (see Capabilities.h for the whole order): loading a filter needs
// no_new_privs or CAP_SYS_ADMIN. Setting no_new_privs for every container
// would change what setuid binaries inside it do (docker sets it only for
// --security-opt no-new-privileges), so the init loads the filter after
// setuid but before applyCapabilities() drops CAP_SYS_ADMIN; loadSeccomp()
// raises CAP_SYS_ADMIN from the permitted set into the effective one when a
// change of uid cleared it. The filter then already covers what the init does
// last (prctl, capset, execve), so a profile must allow those, as docker's does.
// With no_new_privs set the filter can be loaded at any point.
#pragma once

#include "runtime/Spec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::runtime {

// docker's default profile (moby profiles/seccomp/default.json) resolved for a
// process with these capabilities on this machine: EPERM for every syscall but
// an allowlist, more syscalls for some capabilities (CAP_SYS_ADMIN: mount,
// unshare, setns, clone with namespace flags...), clone without namespace
// flags and clone3 failing with ENOSYS (so libc falls back to clone, whose
// flags a filter can see) unless CAP_SYS_ADMIN is held.
Seccomp defaultSeccompProfile(uint64_t capabilities);

// Compiles the profile for the native architecture and the ones its kernel also
// runs (x86 and x32 on x86_64, arm on aarch64, as docker's archMap) into a
// classic BPF program (the bytes of a sock_filter array). Syscall names this
// libseccomp does not know are skipped, as docker does.
Outcome compileSeccomp(const Seccomp &profile, std::string *program);

// Reads profile->programPath into profile->program; nothing to do without a
// path. The shim calls it before the init pivots away from the host's files.
Outcome readSeccompProgram(Seccomp *profile);

// The version of libseccomp compiling here, part of what identifies a
// compiled program in the engine's cache.
std::string seccompLibraryVersion();

// Loads the profile into the calling process: its compiled program when it has
// one (see Seccomp::programPath), else compiles it first. A disabled profile
// loads nothing.
Outcome loadSeccomp(const Seccomp &profile);

// Whether loadSeccomp() knows an action ("SCMP_ACT_ERRNO") or a comparison
// ("SCMP_CMP_MASKED_EQ"), for checking a profile where it is written.
bool isSeccompAction(std::string_view action);
bool isSeccompOperator(std::string_view op);

// docker's name of the architecture Berth was built for ("amd64", "arm64",
// ...), the one a profile's includes/excludes "arches" are matched against.
std::string_view seccompNativeArch();

// Whether the running kernel is at least `release` ("4.8", "5.10.1"); nothing
// when `release` is not a kernel version.
std::optional<bool> kernelAtLeast(std::string_view release);

} // namespace berth::runtime
