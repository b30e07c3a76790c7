// A container's root filesystem, built by its init inside the init's own mount
// namespace, so every mount dies with the container and nothing is left on the
// host even when everything is SIGKILLed.
//
// setupRootfs() runs these steps, in the order the kernel needs them:
//   1. make / rslave, so no mount made here propagates back to the host;
//   2. the root: overlayfs of spec.lowerDirs + upperDir at rootfsDir, or a
//      recursive bind of rootfsDir onto itself (the copy driver);
//   3. spec.mounts in order, each destination resolved inside the root
//      (openat2 RESOLVE_IN_ROOT) so a hostile image symlink such as
//      /proc -> /etc cannot send a mount, or a created directory, to the host;
//   4. /dev: device nodes bound from the host's /dev plus docker's symlinks
//      (only when spec.mounts gives the container its own /dev);
//   5. pivot_root into the root, detaching the host's tree;
//   6. spec.maskedPaths and spec.readonlyPaths;
//   7. the working directory created (as root, like docker's WORKDIR), then
//      the root remounted read-only when spec.readonlyRootfs.
#pragma once

#include "runtime/Spec.h"

#include <string>
#include <vector>

namespace berth::runtime {

// docker's default mounts, parents before children:
//   proc /proc (nosuid,noexec,nodev), tmpfs /dev (nosuid,strictatime,mode=755,
//   size=65536k), devpts /dev/pts (newinstance,ptmxmode=0666,mode=0620,gid=5),
//   sysfs /sys (ro), cgroup /sys/fs/cgroup (ro), mqueue /dev/mqueue,
//   tmpfs /dev/shm (size=65536k).
// The cgroup entry has type "cgroup"; the engine changes it to "cgroup2" on a
// host whose /sys/fs/cgroup is cgroup v2. The engine appends the binds of
// /etc/hostname, /etc/hosts and /etc/resolv.conf and the user's volumes.
std::vector<Mount> defaultMounts();

// docker's lists for an unprivileged container (a privileged one has none):
// masked paths are hidden (a directory under an empty read-only tmpfs, a file
// under /dev/null), read-only paths are bound read-only onto themselves.
std::vector<std::string> defaultMaskedPaths();
std::vector<std::string> defaultReadonlyPaths();

// Runs in the container's init, in its new mount namespace (and after it has
// joined its pid, network and cgroup namespaces: proc, sysfs and cgroup mounts
// show the namespaces of the process that mounts them). On success the process
// is pivoted into the root with "/" as its working directory.
Outcome setupRootfs(const Spec &spec);

} // namespace berth::runtime
