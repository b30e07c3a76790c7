// Reading a seccomp profile file in docker's format (--security-opt
// seccomp=profile.json) into the runtime's Seccomp for one container.
//
// docker's format: defaultAction, defaultErrnoRet, architectures or archMap,
// and syscalls, each {names (or name), action, errnoRet, args [{index, value,
// valueTwo, op}], includes {caps, arches, minKernel}, excludes {caps, arches,
// minKernel}}. As docker does, the includes/excludes are decided here, for the
// container's capabilities, Berth's architecture and the running kernel, so
// the runtime gets only the rules that apply. A profile without defaultAction
// and syscalls means seccomp off (enabled = false), as in docker.
//
// Architectures are checked but not carried over: the runtime always filters
// the native architecture and those its kernel also runs (x86 and x32 on
// x86_64), which is what docker's own profile asks for.
#pragma once

#include "runtime/Spec.h"
#include "util/Result.h"

#include <QByteArray>

#include <cstdint>

namespace berth {

// Fails with docker's "Decoding seccomp profile failed: ..." naming the part of
// the profile that is wrong.
Result<runtime::Seccomp> parseSeccompProfile(const QByteArray &json, uint64_t capabilities);

} // namespace berth
