// A container's control group: the resource limits docker's run/update flags ask
// for, the statistics `docker stats` shows, pause/unpause and killing everything
// in the container.
//
// Lifecycle: the shim calls Cgroup::create("berth/<id>", spec.resources) before it
// clones the container's init, adds the init with addProcess(), and calls
// destroy() once the container has exited; the engine and exec use
// Cgroup::open() on the same name for update, stats, pause and kill.
//
// Two drivers behind one class, chosen when the group is made or opened:
//  - cgroup v1: one directory per mounted hierarchy (memory, cpu, cpuacct,
//    cpuset, pids, freezer, blkio, devices), each under <mountRoot>/<hierarchy>.
//  - cgroup v2: one directory under <mountRoot>; the controllers are enabled in
//    the intermediate groups Berth owns ("berth"), never in the root.
// Everything is plain reads and writes of cgroupfs files, and every failure
// names the file ("write `/sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes`:
// Device or resource busy").
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace berth::runtime {

enum class CgroupVersion { V1, V2 };

struct CgroupStats
{
    int64_t memoryUsage = 0; // bytes, without the inactive page cache, as docker stats shows
    int64_t memoryLimit = 0; // bytes; 0 = none
    int64_t cpuUsageNs = 0;  // total CPU time of the group
    int64_t pids = 0;
    int64_t pidsLimit = 0; // 0 = none
    int64_t blkioRead = 0; // bytes
    int64_t blkioWrite = 0;
    bool oomKilled = false; // the kernel's OOM killer killed something in the group
    uint64_t oomKills = 0;
};

// docker refuses memory limits below this ("Minimum memory limit allowed is 6MB").
constexpr int64_t MinimumMemory = 6 * 1024 * 1024;
// The CFS period docker uses when only a quota or --cpus is given.
constexpr int64_t DefaultCpuPeriod = 100000;

// The values docker derives from its flags, so the CLI, the shim and the tests agree.
// --cpus is parsed to nano-CPUs (1.5 -> 1500000000), which become a quota per
// DefaultCpuPeriod: 1500000000 -> 150000.
int64_t cpuQuotaForNanoCpus(int64_t nanoCpus);
// --cpu-shares (2..262144) to cgroup v2 cpu.weight (1..10000), the mapping runc and
// crun use: 1024 -> 39, 512 -> 20.
int64_t cpuWeightForShares(int64_t shares);

// docker's message for resource values it refuses, or "" when they are acceptable.
// update is docker update, where --memory-swap alone keeps the existing memory limit.
std::string validateResources(const Resources &r, bool update = false);

class Cgroup
{
public:
    Cgroup() = default;

    // V2 when mountRoot itself is a cgroup2 mount, else V1. On hybrid hosts the
    // cgroup2 at <mountRoot>/unified carries no controllers and is ignored.
    static CgroupVersion detect(const std::string &mountRoot = "/sys/fs/cgroup");

    // Creates name (relative to every hierarchy's root, e.g. "berth/<id>") with
    // its parents and applies r. On failure removes the directories it made.
    static Outcome create(const std::string &name, const Resources &r, Cgroup *out,
                          const std::string &mountRoot = "/sys/fs/cgroup");
    // An existing group; nothing is checked until it is used.
    static Cgroup open(const std::string &name, const std::string &mountRoot = "/sys/fs/cgroup");

    CgroupVersion version() const { return m_version; }
    std::string name() const { return m_name; }
    // The group's directory in every hierarchy (v2: one); exec joins them and the
    // container's init mounts them.
    std::vector<std::string> paths() const;

    Outcome addProcess(pid_t pid) const;
    // docker update: applies only the fields of r that are set.
    Outcome update(const Resources &r) const;
    Outcome stats(CgroupStats *out) const;

    // docker pause/unpause; both return once the kernel reports the new state.
    Outcome freeze() const;
    Outcome thaw() const;
    bool frozen() const;

    std::vector<pid_t> processes() const;
    // Signals every process in the group, frozen first so that none can fork past it.
    Outcome killAll(int sig) const;
    // SIGKILLs what is left, waits (about 2 s at most) until the group is empty and
    // removes the group's directories. Parents ("berth") stay: other containers use them.
    Outcome destroy() const;

private:
    struct Hierarchy
    {
        std::vector<std::string> controllers; // v1: what is mounted there; v2: empty
        std::string dir;                      // this group's directory in it
    };

    static std::vector<Hierarchy> hierarchies(CgroupVersion version, const std::string &name,
                                              const std::string &mountRoot);
    // The group's directory holding controller's files, or "" when it is not mounted.
    std::string dirFor(const std::string &controller) const;
    Outcome apply(const Resources &r) const;
    Outcome applyV1(const Resources &r) const;
    Outcome applyV2(const Resources &r) const;
    Outcome setFrozen(bool frozen) const;

    CgroupVersion m_version = CgroupVersion::V1;
    std::string m_name;
    std::string m_mountRoot;
    std::vector<Hierarchy> m_hierarchies;
};

} // namespace berth::runtime
