// The cgroup v1 and v2 drivers (see Cgroup.h): plain reads and writes of cgroupfs
// files, in the order the kernel needs them.
#include "runtime/Cgroup.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <set>
#include <string_view>

namespace berth::runtime {

namespace {

using Clock = std::chrono::steady_clock;

// The v1 hierarchies a container joins, in the order paths() lists them.
const std::vector<std::string> V1Controllers = {"memory", "cpu",     "cpuacct", "cpuset",
                                                "pids",   "freezer", "blkio",   "devices"};
// The v2 controllers Berth's own intermediate groups pass down to containers.
const std::vector<std::string> V2Controllers = {"cpuset", "cpu", "io", "memory", "pids"};

// How long freeze/thaw and destroy wait for the kernel before giving up.
constexpr auto StateTimeout = std::chrono::seconds(2);
constexpr useconds_t PollInterval = 5000;

Outcome writeFile(const std::string &path, const std::string &value)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return sysFailure("write `" + path + "`");
    const ssize_t written = ::write(fd, value.data(), value.size());
    const int err = errno;
    ::close(fd);
    if (written < 0)
        return Failure{err, "write `" + path + "`"};
    // cgroupfs takes a value in one write or not at all.
    if (size_t(written) != value.size())
        return Failure{EIO, "write `" + path + "`"};
    return std::nullopt;
}

Outcome readFile(const std::string &path, std::string *text)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sysFailure("read `" + path + "`");
    text->clear();
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int err = errno;
            ::close(fd);
            return Failure{err, "read `" + path + "`"};
        }
        if (got == 0)
            break;
        text->append(buffer, size_t(got));
    }
    ::close(fd);
    return std::nullopt;
}

// For statistics: a file a controller does not offer (no swap accounting, an
// older kernel) reads as empty instead of failing.
Outcome readOptional(const std::string &path, std::string *text)
{
    Outcome failed = readFile(path, text);
    if (failed && failed->err == ENOENT) {
        text->clear();
        return std::nullopt;
    }
    return failed;
}

bool exists(const std::string &path)
{
    return ::access(path.c_str(), F_OK) == 0;
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

bool parseInt(std::string_view s, int64_t *out)
{
    s = trimmed(s);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> parts;
    while (!s.empty()) {
        const size_t at = s.find(sep);
        const std::string_view part = s.substr(0, at);
        if (!part.empty())
            parts.push_back(part);
        if (at == std::string_view::npos)
            break;
        s.remove_prefix(at + 1);
    }
    return parts;
}

// The number after key in "key value" lines (memory.stat, memory.events,
// memory.oom_control, cpu.stat, cgroup.events); 0 when the key is absent.
int64_t keyedValue(const std::string &text, std::string_view key)
{
    for (const std::string_view line : split(text, '\n')) {
        const size_t space = line.find(' ');
        int64_t value = 0;
        if (space != std::string_view::npos && line.substr(0, space) == key &&
            parseInt(line.substr(space + 1), &value))
            return value;
    }
    return 0;
}

std::set<std::string> words(const std::string &text)
{
    std::set<std::string> result;
    for (const std::string_view line : split(text, '\n'))
        for (const std::string_view word : split(line, ' '))
            result.emplace(word);
    return result;
}

std::string parentOf(const std::string &dir)
{
    return dir.substr(0, dir.rfind('/'));
}

// mountinfo escapes blanks and backslashes in paths as \ooo.
std::string unescapeMountPath(std::string_view s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            int value = 0;
            const auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 4, value, 8);
            if (ec == std::errc() && end == s.data() + i + 4) {
                out += char(value);
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

struct V1Mount
{
    std::string mountPoint;
    std::vector<std::string> controllers; // those of V1Controllers it carries
};

// The cgroup v1 hierarchies mounted directly under mountRoot, from mountinfo:
// "36 25 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,... - cgroup cgroup rw,cpu,cpuacct".
std::vector<V1Mount> v1Mounts(const std::string &mountRoot)
{
    std::vector<V1Mount> mounts;
    std::string text;
    if (readFile("/proc/self/mountinfo", &text))
        return mounts;
    for (const std::string_view line : split(text, '\n')) {
        const std::vector<std::string_view> fields = split(line, ' ');
        const auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || fields.end() - dash < 4 || dash[1] != "cgroup")
            continue;
        V1Mount mount{unescapeMountPath(fields[4]), {}};
        if (parentOf(mount.mountPoint) != mountRoot)
            continue;
        for (const std::string_view option : split(dash[3], ','))
            if (std::find(V1Controllers.begin(), V1Controllers.end(), option) !=
                V1Controllers.end())
                mount.controllers.emplace_back(option);
        if (!mount.controllers.empty())
            mounts.push_back(std::move(mount));
    }
    return mounts;
}

// mkdir -p of name below base, recording the directories it made so that a failed
// create can remove them. prepare runs on every level, parent first.
template <typename Prepare>
Outcome makeDirs(const std::string &base, const std::string &name,
                 std::vector<std::string> *created, Prepare prepare)
{
    const std::vector<std::string_view> parts = split(name, '/');
    // Another container's failed create may remove a parent it made between our
    // mkdir of that parent and of its child; starting over once recovers.
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string dir = base;
        bool vanished = false;
        for (size_t i = 0; i < parts.size() && !vanished; ++i) {
            const std::string parent = dir;
            dir += "/";
            dir += parts[i];
            if (::mkdir(dir.c_str(), 0755) == 0) {
                created->push_back(dir);
            } else if (errno == ENOENT && i > 0 && attempt == 0) {
                vanished = true;
                continue;
            } else if (errno != EEXIST) {
                return sysFailure("create cgroup `" + dir + "`");
            }
            if (Outcome failed = prepare(dir, parent, i + 1 == parts.size()))
                return failed;
        }
        if (!vanished)
            return std::nullopt;
    }
    return std::nullopt;
}

// v1 cpuset groups start with no CPUs and no memory nodes and refuse tasks until
// both are set; a new level inherits its parent's.
Outcome inheritCpuset(const std::string &dir, const std::string &parent)
{
    for (const char *file : {"/cpuset.cpus", "/cpuset.mems"}) {
        std::string value;
        if (Outcome failed = readFile(dir + file, &value))
            return failed;
        if (!trimmed(value).empty())
            continue;
        if (Outcome failed = readFile(parent + file, &value))
            return failed;
        if (Outcome failed = writeFile(dir + file, std::string(trimmed(value))))
            return failed;
    }
    return std::nullopt;
}

// The v2 controllers r cannot be applied without.
std::vector<std::string> controllersNeeded(const Resources &r)
{
    std::vector<std::string> needed;
    if (r.memory > 0 || r.memorySwap != 0)
        needed.emplace_back("memory");
    if (r.cpuQuota > 0 || r.cpuPeriod > 0 || r.cpuShares > 0)
        needed.emplace_back("cpu");
    if (!r.cpusetCpus.empty() || !r.cpusetMems.empty())
        needed.emplace_back("cpuset");
    if (r.pidsLimit != 0)
        needed.emplace_back("pids");
    return needed;
}

// Walks down from the root: a controller must be enabled in the root's
// cgroup.subtree_control (Berth never changes the root); the intermediate levels
// are Berth's own and pass down every controller they are given.
Outcome makeV2(const std::string &mountRoot, const std::string &name, const Resources &r,
               std::vector<std::string> *created)
{
    const std::vector<std::string> needed = controllersNeeded(r);
    return makeDirs(mountRoot, name, created,
                    [&](const std::string &dir, const std::string &parent, bool leaf) -> Outcome {
                        std::string text;
                        if (Outcome failed = readFile(parent + "/cgroup.subtree_control", &text))
                            return failed;
                        const std::set<std::string> offered = words(text);
                        for (const std::string &controller : needed)
                            if (!offered.count(controller))
                                return Failure{0, "create cgroup `" + dir + "`: the `" +
                                                      controller +
                                                      "` controller is not enabled in `" + parent +
                                                      "/cgroup.subtree_control`"};
                        if (leaf)
                            return std::nullopt;
                        if (Outcome failed = readFile(dir + "/cgroup.subtree_control", &text))
                            return failed;
                        const std::set<std::string> enabled = words(text);
                        std::string enable;
                        for (const std::string &controller : V2Controllers)
                            if (offered.count(controller) && !enabled.count(controller))
                                enable += (enable.empty() ? "+" : " +") + controller;
                        if (enable.empty())
                            return std::nullopt;
                        return writeFile(dir + "/cgroup.subtree_control", enable);
                    });
}

std::string pidsValue(int64_t limit)
{
    return limit < 0 ? std::string("max") : std::to_string(limit);
}

} // namespace

int64_t cpuQuotaForNanoCpus(int64_t nanoCpus)
{
    return nanoCpus * DefaultCpuPeriod / 1000000000;
}

int64_t cpuWeightForShares(int64_t shares)
{
    if (shares <= 0)
        return 0;
    // v1 clamps shares to 2..262144; the weight keeps that range's proportions.
    shares = std::clamp<int64_t>(shares, 2, 262144);
    return 1 + ((shares - 2) * 9999) / 262142;
}

std::string validateResources(const Resources &r, bool update)
{
    if (r.memory != 0 && r.memory < MinimumMemory)
        return "Minimum memory limit allowed is 6MB";
    if (r.memory > 0 && r.memorySwap > 0 && r.memorySwap < r.memory)
        return "Minimum memoryswap limit should be larger than memory limit, see usage";
    if (r.memory == 0 && r.memorySwap > 0 && !update)
        return "You should always set the Memory limit when using Memoryswap limit, see usage";
    if (r.cpuPeriod != 0 && (r.cpuPeriod < 1000 || r.cpuPeriod > 1000000))
        return "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s "
               "(i.e. 1000000)";
    if (r.cpuQuota > 0 && r.cpuQuota < 1000)
        return "CPU cfs quota can not be less than 1ms (i.e. 1000)";
    return {};
}

CgroupVersion Cgroup::detect(const std::string &mountRoot)
{
    struct statfs fs = {};
    if (::statfs(mountRoot.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        return CgroupVersion::V2;
    return CgroupVersion::V1;
}

std::vector<Cgroup::Hierarchy> Cgroup::hierarchies(CgroupVersion version, const std::string &name,
                                                   const std::string &mountRoot)
{
    if (version == CgroupVersion::V2)
        return {Hierarchy{{}, mountRoot + "/" + name}};
    const std::vector<V1Mount> mounts = v1Mounts(mountRoot);
    std::vector<Hierarchy> result;
    for (const std::string &controller : V1Controllers) {
        const auto holds = [&](const std::vector<std::string> &controllers) {
            return std::find(controllers.begin(), controllers.end(), controller) !=
                   controllers.end();
        };
        // Co-mounted controllers (cpu,cpuacct) share one directory.
        if (std::any_of(result.begin(), result.end(),
                        [&](const Hierarchy &h) { return holds(h.controllers); }))
            continue;
        const auto mount = std::find_if(mounts.begin(), mounts.end(),
                                        [&](const V1Mount &m) { return holds(m.controllers); });
        if (mount != mounts.end())
            result.push_back(Hierarchy{mount->controllers, mount->mountPoint + "/" + name});
    }
    return result;
}

Cgroup Cgroup::open(const std::string &name, const std::string &mountRoot)
{
    Cgroup group;
    group.m_mountRoot = mountRoot;
    while (group.m_mountRoot.size() > 1 && group.m_mountRoot.back() == '/')
        group.m_mountRoot.pop_back();
    group.m_name = name;
    group.m_version = detect(group.m_mountRoot);
    group.m_hierarchies = hierarchies(group.m_version, name, group.m_mountRoot);
    return group;
}

Outcome Cgroup::create(const std::string &name, const Resources &r, Cgroup *out,
                       const std::string &mountRoot)
{
    const std::vector<std::string_view> parts = split(name, '/');
    if (name.empty() || name.front() == '/' ||
        std::find(parts.begin(), parts.end(), "..") != parts.end())
        return Failure{EINVAL, "create cgroup `" + name + "`: not a relative path"};
    Cgroup group = open(name, mountRoot);
    if (group.m_hierarchies.empty())
        return Failure{0, "create cgroup `" + name + "`: no cgroup hierarchy is mounted under `" +
                              group.m_mountRoot + "`"};

    std::vector<std::string> created;
    Outcome failed;
    if (group.m_version == CgroupVersion::V2) {
        failed = makeV2(group.m_mountRoot, name, r, &created);
    } else {
        for (const Hierarchy &h : group.m_hierarchies) {
            const bool cpuset = std::find(h.controllers.begin(), h.controllers.end(), "cpuset") !=
                                h.controllers.end();
            const std::string base = h.dir.substr(0, h.dir.size() - name.size() - 1);
            failed = makeDirs(
                base, name, &created,
                [cpuset](const std::string &dir, const std::string &parent, bool) -> Outcome {
                    return cpuset ? inheritCpuset(dir, parent) : std::nullopt;
                });
            if (failed)
                break;
        }
    }
    if (!failed)
        failed = group.apply(r);
    if (failed) {
        for (auto dir = created.rbegin(); dir != created.rend(); ++dir)
            ::rmdir(dir->c_str());
        return failed;
    }
    *out = std::move(group);
    return std::nullopt;
}

std::vector<std::string> Cgroup::paths() const
{
    std::vector<std::string> result;
    for (const Hierarchy &h : m_hierarchies)
        result.push_back(h.dir);
    return result;
}

std::string Cgroup::dirFor(const std::string &controller) const
{
    for (const Hierarchy &h : m_hierarchies)
        if (m_version == CgroupVersion::V2 || std::find(h.controllers.begin(), h.controllers.end(),
                                                        controller) != h.controllers.end())
            return h.dir;
    return {};
}

Outcome Cgroup::addProcess(pid_t pid) const
{
    for (const Hierarchy &h : m_hierarchies)
        if (Outcome failed = writeFile(h.dir + "/cgroup.procs", std::to_string(pid)))
            return failed;
    return std::nullopt;
}

Outcome Cgroup::update(const Resources &r) const
{
    return apply(r);
}

Outcome Cgroup::apply(const Resources &r) const
{
    for (const std::string &controller : controllersNeeded(r))
        if (dirFor(controller).empty())
            return Failure{0, "set cgroup `" + m_name + "`: the `" + controller +
                                  "` controller is not mounted under `" + m_mountRoot + "`"};
    return m_version == CgroupVersion::V2 ? applyV2(r) : applyV1(r);
}

Outcome Cgroup::applyV1(const Resources &r) const
{
    if (r.memory > 0 || r.memorySwap != 0) {
        const std::string dir = dirFor("memory");
        const std::string limitFile = dir + "/memory.limit_in_bytes";
        const std::string swapFile = dir + "/memory.memsw.limit_in_bytes";
        if (r.memorySwap != 0 && !exists(swapFile))
            return Failure{0,
                           "set memory+swap limit: swap accounting is off (no `" + swapFile + "`)"};
        // The kernel keeps memsw >= memory at every step, so the order depends on
        // whether the limits grow or shrink.
        bool swapFirst = r.memorySwap == -1;
        if (r.memorySwap > 0) {
            std::string text;
            int64_t current = 0;
            if (Outcome failed = readFile(limitFile, &text))
                return failed;
            swapFirst = parseInt(text, &current) && r.memorySwap >= current;
        }
        const std::string swapValue = std::to_string(r.memorySwap);
        if (swapFirst)
            if (Outcome failed = writeFile(swapFile, swapValue))
                return failed;
        if (r.memory > 0)
            if (Outcome failed = writeFile(limitFile, std::to_string(r.memory)))
                return failed;
        if (!swapFirst && r.memorySwap != 0)
            if (Outcome failed = writeFile(swapFile, swapValue))
                return failed;
    }
    const std::string cpu = dirFor("cpu");
    if (r.cpuShares > 0)
        if (Outcome failed = writeFile(cpu + "/cpu.shares", std::to_string(r.cpuShares)))
            return failed;
    if (r.cpuPeriod > 0)
        if (Outcome failed = writeFile(cpu + "/cpu.cfs_period_us", std::to_string(r.cpuPeriod)))
            return failed;
    if (r.cpuQuota > 0)
        if (Outcome failed = writeFile(cpu + "/cpu.cfs_quota_us", std::to_string(r.cpuQuota)))
            return failed;
    const std::string cpuset = dirFor("cpuset");
    if (!r.cpusetCpus.empty())
        if (Outcome failed = writeFile(cpuset + "/cpuset.cpus", r.cpusetCpus))
            return failed;
    if (!r.cpusetMems.empty())
        if (Outcome failed = writeFile(cpuset + "/cpuset.mems", r.cpusetMems))
            return failed;
    if (r.pidsLimit != 0)
        if (Outcome failed = writeFile(dirFor("pids") + "/pids.max", pidsValue(r.pidsLimit)))
            return failed;
    return std::nullopt;
}

Outcome Cgroup::applyV2(const Resources &r) const
{
    const std::string dir = dirFor("memory");
    if (r.memory > 0)
        if (Outcome failed = writeFile(dir + "/memory.max", std::to_string(r.memory)))
            return failed;
    if (r.memorySwap != 0) {
        // docker's --memory-swap counts memory plus swap; v2 limits swap alone.
        const std::string swapFile = dir + "/memory.swap.max";
        if (!exists(swapFile))
            return Failure{0,
                           "set memory+swap limit: swap accounting is off (no `" + swapFile + "`)"};
        std::string swap = "max";
        if (r.memorySwap > 0) {
            int64_t memory = r.memory;
            if (memory <= 0) {
                std::string text;
                if (Outcome failed = readFile(dir + "/memory.max", &text))
                    return failed;
                if (!parseInt(text, &memory))
                    return Failure{EINVAL, "set memory+swap limit on `" + dir +
                                               "`: the group has no memory limit"};
            }
            swap = std::to_string(std::max<int64_t>(r.memorySwap - memory, 0));
        }
        if (Outcome failed = writeFile(swapFile, swap))
            return failed;
    }
    if (r.cpuShares > 0)
        if (Outcome failed =
                writeFile(dir + "/cpu.weight", std::to_string(cpuWeightForShares(r.cpuShares))))
            return failed;
    if (r.cpuQuota > 0 || r.cpuPeriod > 0) {
        // cpu.max holds "quota period"; keep whichever half is not being set.
        std::string text;
        if (Outcome failed = readFile(dir + "/cpu.max", &text))
            return failed;
        const std::vector<std::string_view> current = split(trimmed(text), ' ');
        const std::string quota = r.cpuQuota > 0    ? std::to_string(r.cpuQuota)
                                  : current.empty() ? std::string("max")
                                                    : std::string(current[0]);
        const std::string period = r.cpuPeriod > 0      ? std::to_string(r.cpuPeriod)
                                   : current.size() < 2 ? std::to_string(DefaultCpuPeriod)
                                                        : std::string(current[1]);
        if (Outcome failed = writeFile(dir + "/cpu.max", quota + " " + period))
            return failed;
    }
    if (!r.cpusetCpus.empty())
        if (Outcome failed = writeFile(dir + "/cpuset.cpus", r.cpusetCpus))
            return failed;
    if (!r.cpusetMems.empty())
        if (Outcome failed = writeFile(dir + "/cpuset.mems", r.cpusetMems))
            return failed;
    if (r.pidsLimit != 0)
        if (Outcome failed = writeFile(dir + "/pids.max", pidsValue(r.pidsLimit)))
            return failed;
    return std::nullopt;
}

Outcome Cgroup::stats(CgroupStats *out) const
{
    *out = CgroupStats{};
    const bool v2 = m_version == CgroupVersion::V2;
    std::string text;
    int64_t value = 0;
    // Reads one controller file; "" when the controller is not mounted.
    const auto read = [&](const char *controller, const char *file) -> Outcome {
        const std::string dir = dirFor(controller);
        text.clear();
        return dir.empty() ? std::nullopt : readOptional(dir + "/" + file, &text);
    };
    // v1 reports "no limit" as the largest page-aligned int64, v2 as "max".
    const auto limit = [&]() {
        return parseInt(text, &value) && value < (int64_t(1) << 62) ? value : 0;
    };

    if (Outcome failed = read("memory", v2 ? "memory.current" : "memory.usage_in_bytes"))
        return failed;
    parseInt(text, &out->memoryUsage);
    if (Outcome failed = read("memory", "memory.stat"))
        return failed;
    const int64_t inactive = keyedValue(text, v2 ? "inactive_file" : "total_inactive_file");
    if (inactive < out->memoryUsage)
        out->memoryUsage -= inactive;
    if (Outcome failed = read("memory", v2 ? "memory.max" : "memory.limit_in_bytes"))
        return failed;
    out->memoryLimit = limit();
    if (Outcome failed = read("memory", v2 ? "memory.events" : "memory.oom_control"))
        return failed;
    out->oomKills = uint64_t(keyedValue(text, "oom_kill"));
    out->oomKilled = out->oomKills > 0;

    if (v2) {
        if (Outcome failed = read("cpu", "cpu.stat"))
            return failed;
        out->cpuUsageNs = keyedValue(text, "usage_usec") * 1000;
    } else {
        if (Outcome failed = read("cpuacct", "cpuacct.usage"))
            return failed;
        parseInt(text, &out->cpuUsageNs);
    }

    if (Outcome failed = read("pids", "pids.current"))
        return failed;
    parseInt(text, &out->pids);
    if (Outcome failed = read("pids", "pids.max"))
        return failed;
    out->pidsLimit = limit();

    if (v2) {
        // "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 ..." per device.
        if (Outcome failed = read("io", "io.stat"))
            return failed;
        for (const std::string_view line : split(text, '\n'))
            for (const std::string_view field : split(line, ' ')) {
                if (field.substr(0, 7) == "rbytes=" && parseInt(field.substr(7), &value))
                    out->blkioRead += value;
                if (field.substr(0, 7) == "wbytes=" && parseInt(field.substr(7), &value))
                    out->blkioWrite += value;
            }
    } else {
        // "8:0 Read 4096" per device and operation, then "Total N".
        if (Outcome failed = read("blkio", "blkio.throttle.io_service_bytes_recursive"))
            return failed;
        for (const std::string_view line : split(text, '\n')) {
            const std::vector<std::string_view> fields = split(line, ' ');
            if (fields.size() == 3 && parseInt(fields[2], &value)) {
                if (fields[1] == "Read")
                    out->blkioRead += value;
                else if (fields[1] == "Write")
                    out->blkioWrite += value;
            }
        }
    }
    return std::nullopt;
}

Outcome Cgroup::freeze() const
{
    return setFrozen(true);
}

Outcome Cgroup::thaw() const
{
    return setFrozen(false);
}

Outcome Cgroup::setFrozen(bool frozenState) const
{
    const bool v2 = m_version == CgroupVersion::V2;
    const std::string dir = dirFor("freezer");
    if (dir.empty())
        return Failure{0, "freeze cgroup `" + m_name +
                              "`: the `freezer` controller is not "
                              "mounted under `" +
                              m_mountRoot + "`"};
    const std::string control = dir + (v2 ? "/cgroup.freeze" : "/freezer.state");
    const std::string request =
        v2 ? (frozenState ? "1" : "0") : (frozenState ? "FROZEN" : "THAWED");
    const auto deadline = Clock::now() + StateTimeout;
    while (true) {
        // v1 may stop at FREEZING when a task was busy; writing again retries it.
        if (Outcome failed = writeFile(control, request))
            return failed;
        if (frozen() == frozenState)
            return std::nullopt;
        if (Clock::now() > deadline)
            break;
        ::usleep(PollInterval);
    }
    if (frozenState)
        writeFile(control, v2 ? "0" : "THAWED");
    return Failure{ETIMEDOUT, std::string(frozenState ? "freeze" : "thaw") + " `" + control +
                                  "`: the kernel did not finish within 2 s"};
}

bool Cgroup::frozen() const
{
    const std::string dir = dirFor("freezer");
    std::string text;
    if (dir.empty())
        return false;
    if (m_version == CgroupVersion::V2)
        return !readFile(dir + "/cgroup.events", &text) && keyedValue(text, "frozen") == 1;
    return !readFile(dir + "/freezer.state", &text) && trimmed(text) == "FROZEN";
}

std::vector<pid_t> Cgroup::processes() const
{
    std::set<pid_t> pids;
    for (const Hierarchy &h : m_hierarchies) {
        std::string text;
        if (readFile(h.dir + "/cgroup.procs", &text))
            continue;
        for (const std::string_view line : split(text, '\n')) {
            int64_t pid = 0;
            if (parseInt(line, &pid))
                pids.insert(pid_t(pid));
        }
    }
    return {pids.begin(), pids.end()};
}

Outcome Cgroup::killAll(int sig) const
{
    if (m_version == CgroupVersion::V2 && sig == SIGKILL) {
        const std::string kill = dirFor("freezer") + "/cgroup.kill";
        if (exists(kill))
            return writeFile(kill, "1");
    }
    // Frozen, no process can fork a child that the listing below would miss.
    const bool freezeHere = !frozen() && !freeze();
    Outcome failed;
    for (const pid_t pid : processes())
        if (pid != ::getpid() && ::kill(pid, sig) != 0 && errno != ESRCH && !failed)
            failed =
                sysFailure("kill process " + std::to_string(pid) + " of cgroup `" + m_name + "`");
    if (freezeHere)
        if (Outcome thawFailed = thaw(); thawFailed && !failed)
            failed = thawFailed;
    return failed;
}

Outcome Cgroup::destroy() const
{
    if (!processes().empty()) {
        killAll(SIGKILL);
        const auto deadline = Clock::now() + StateTimeout;
        for (std::vector<pid_t> left = processes(); !left.empty(); left = processes()) {
            if (Clock::now() > deadline)
                return Failure{EBUSY, "destroy cgroup `" + m_name +
                                          "`: " + std::to_string(left.size()) +
                                          " processes still running after SIGKILL"};
            // A v1-frozen task cannot act on SIGKILL until it is thawed.
            if (frozen())
                thaw();
            for (const pid_t pid : left)
                if (pid != ::getpid())
                    ::kill(pid, SIGKILL);
            ::usleep(PollInterval);
        }
    }
    Outcome failed;
    for (const Hierarchy &h : m_hierarchies) {
        // An exiting task leaves its groups a moment after cgroup.procs stops listing it.
        const auto deadline = Clock::now() + StateTimeout;
        while (::rmdir(h.dir.c_str()) != 0 && errno != ENOENT) {
            if (errno != EBUSY || Clock::now() > deadline) {
                if (!failed)
                    failed = sysFailure("remove cgroup `" + h.dir + "`");
                break;
            }
            ::usleep(PollInterval);
        }
    }
    return failed;
}

} // namespace berth::runtime
