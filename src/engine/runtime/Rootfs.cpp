// A container's root filesystem, step by step (see Rootfs.h for the order and why).
#include "runtime/Rootfs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <fstream>
#include <utility>

namespace berth::runtime {

std::vector<Mount> defaultMounts()
{
    return {
        {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
        {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
        {"/dev/pts",
         "devpts",
         "devpts",
         {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
        {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
        {"/sys/fs/cgroup", "cgroup", "cgroup", {"ro", "nosuid", "noexec", "nodev"}},
        {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
        {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
    };
}

std::vector<std::string> defaultMaskedPaths()
{
    return {"/proc/asound",
            "/proc/acpi",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/scsi",
            "/sys/firmware",
            "/sys/devices/virtual/powercap"};
}

std::vector<std::string> defaultReadonlyPaths()
{
    return {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
}

namespace {

// Owns a file descriptor; the steps below open many and must close each on every path.
class Fd
{
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd &operator=(Fd &&other) noexcept
    {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }

private:
    int m_fd = -1;
};

std::string quoted(const std::string &s)
{
    return "`" + s + "`";
}

// A mount made through /proc/self/fd/N lands exactly on the object the
// descriptor holds, whatever symlinks the path to it went through.
std::string fdPath(int fd)
{
    return "/proc/self/fd/" + std::to_string(fd);
}

// "/a//./b/" -> "/a/b"; ".." is left to the kernel, which keeps it inside the root.
std::string normalized(const std::string &path)
{
    std::string out;
    size_t i = 0;
    while (i < path.size()) {
        const size_t end = std::min(path.find('/', i), path.size());
        const std::string part = path.substr(i, end - i);
        if (!part.empty() && part != ".")
            out += "/" + part;
        i = end + 1;
    }
    return out.empty() ? "/" : out;
}

// Opens path with every symlink and ".." resolved as if rootFd were "/".
int openInRoot(int rootFd, const std::string &path, int flags)
{
    open_how how{};
    how.flags = uint64_t(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long rc;
    // EAGAIN: a rename elsewhere raced the lookup; the kernel asks for a retry.
    for (int attempt = 0; attempt < 16; ++attempt) {
        rc = syscall(SYS_openat2, rootFd, path.c_str(), &how, sizeof how);
        if (rc >= 0 || errno != EAGAIN)
            break;
    }
    return int(rc);
}

// Opens path inside the root, creating it (a directory, or an empty file when
// file) and its missing parents first. A dangling symlink on the way is
// followed inside the root, so the image's "/proc -> /somewhere" creates
// <root>/somewhere, never a directory on the host.
Outcome ensureInRoot(int rootFd, std::string path, bool file, Fd *out)
{
    for (int hops = 0; hops < 40; ++hops) {
        path = normalized(path);
        const int fd = openInRoot(rootFd, path, O_PATH);
        if (fd >= 0) {
            *out = Fd(fd);
            return {};
        }
        if (errno != ENOENT || path == "/")
            return sysFailure("open " + quoted(path) + " in the container's root");
        const size_t slash = path.rfind('/');
        const std::string parent = slash == 0 ? "/" : path.substr(0, slash);
        const std::string name = path.substr(slash + 1);
        Fd parentFd;
        if (auto failure = ensureInRoot(rootFd, parent, false, &parentFd))
            return failure;
        const int rc = file ? openat(parentFd.get(), name.c_str(),
                                     O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644)
                            : mkdirat(parentFd.get(), name.c_str(), 0755);
        if (rc >= 0) {
            if (file)
                ::close(rc);
            continue;
        }
        if (errno != EEXIST)
            return sysFailure((file ? "create " : "mkdir ") + quoted(path) +
                              " in the container's root");
        // Only a dangling symlink both exists and cannot be opened.
        char target[PATH_MAX];
        const ssize_t n = readlinkat(parentFd.get(), name.c_str(), target, sizeof target - 1);
        if (n < 0)
            return sysFailure("readlink " + quoted(path) + " in the container's root");
        target[n] = '\0';
        path = target[0] == '/' ? std::string(target) : parent + "/" + target;
    }
    return Failure{ELOOP, "resolve " + quoted(path) + " in the container's root"};
}

struct MountOptions
{
    unsigned long flags = 0;       // MS_* for mount(2)
    unsigned long propagation = 0; // MS_PRIVATE, MS_SLAVE... applied after the mount
    std::string data;              // what the filesystem parses: "mode=755,size=65536k"
};

MountOptions parseOptions(const std::vector<std::string> &options)
{
    struct Flag
    {
        const char *name;
        unsigned long flag;
        bool clear;
    };
    static const Flag flags[] = {
        {"ro", MS_RDONLY, false},          {"rw", MS_RDONLY, true},
        {"nosuid", MS_NOSUID, false},      {"suid", MS_NOSUID, true},
        {"nodev", MS_NODEV, false},        {"dev", MS_NODEV, true},
        {"noexec", MS_NOEXEC, false},      {"exec", MS_NOEXEC, true},
        {"sync", MS_SYNCHRONOUS, false},   {"async", MS_SYNCHRONOUS, true},
        {"dirsync", MS_DIRSYNC, false},    {"noatime", MS_NOATIME, false},
        {"atime", MS_NOATIME, true},       {"nodiratime", MS_NODIRATIME, false},
        {"diratime", MS_NODIRATIME, true}, {"relatime", MS_RELATIME, false},
        {"norelatime", MS_RELATIME, true}, {"strictatime", MS_STRICTATIME, false},
        {"bind", MS_BIND, false},          {"rbind", MS_BIND | MS_REC, false},
    };
    static const Flag propagations[] = {
        {"private", MS_PRIVATE, false},       {"rprivate", MS_PRIVATE | MS_REC, false},
        {"shared", MS_SHARED, false},         {"rshared", MS_SHARED | MS_REC, false},
        {"slave", MS_SLAVE, false},           {"rslave", MS_SLAVE | MS_REC, false},
        {"unbindable", MS_UNBINDABLE, false}, {"runbindable", MS_UNBINDABLE | MS_REC, false},
    };
    MountOptions out;
    for (const std::string &option : options) {
        const auto matches = [&](const Flag &f) { return option == f.name; };
        if (auto f = std::find_if(std::begin(flags), std::end(flags), matches);
            f != std::end(flags)) {
            out.flags = f->clear ? out.flags & ~f->flag : out.flags | f->flag;
        } else if (auto p = std::find_if(std::begin(propagations), std::end(propagations), matches);
                   p != std::end(propagations)) {
            out.propagation |= p->flag;
        } else {
            out.data += (out.data.empty() ? "" : ",") + option;
        }
    }
    return out;
}

// The per-mount flags a bind remount must repeat: a remount sets them all at once.
unsigned long mountFlagsOf(const std::string &path)
{
    struct statvfs st;
    if (statvfs(path.c_str(), &st) < 0)
        return 0;
    unsigned long flags = 0;
    const std::pair<unsigned long, unsigned long> map[] = {
        {ST_NOSUID, MS_NOSUID},           {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},           {ST_NOATIME, MS_NOATIME},
        {ST_NODIRATIME, MS_NODIRATIME},   {ST_RELATIME, MS_RELATIME},
        {ST_SYNCHRONOUS, MS_SYNCHRONOUS},
    };
    for (auto [st_flag, ms_flag] : map) {
        if (st.f_flag & st_flag)
            flags |= ms_flag;
    }
    return flags;
}

Outcome remountReadonly(const std::string &path, const std::string &name)
{
    if (mount(nullptr, path.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | mountFlagsOf(path),
              nullptr) < 0)
        return sysFailure("remount " + quoted(name) + " read-only");
    return {};
}

// Step 1.
Outcome makeRootSlave()
{
    if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
        return sysFailure("make `/` rslave");
    return {};
}

// The option string mount(2) takes is one page at most; beyond that (dozens of
// layers) the new mount API appends one lower layer per call (kernel 6.8+).
Outcome mountOverlayLayerByLayer(const Spec &spec)
{
    const std::string what = "mount overlay on " + quoted(spec.rootfsDir);
    Fd fs(fsopen("overlay", FSOPEN_CLOEXEC));
    if (fs.get() < 0)
        return sysFailure(what + ": fsopen");
    for (const std::string &dir : spec.lowerDirs) {
        if (fsconfig(fs.get(), FSCONFIG_SET_STRING, "lowerdir+", dir.c_str(), 0) < 0)
            return sysFailure(what + ": lower layer " + quoted(dir));
    }
    if (!spec.upperDir.empty()) {
        if (fsconfig(fs.get(), FSCONFIG_SET_STRING, "upperdir", spec.upperDir.c_str(), 0) < 0)
            return sysFailure(what + ": upper layer " + quoted(spec.upperDir));
        if (fsconfig(fs.get(), FSCONFIG_SET_STRING, "workdir", spec.workDir.c_str(), 0) < 0)
            return sysFailure(what + ": work directory " + quoted(spec.workDir));
    }
    if (fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        return sysFailure(what);
    Fd mnt(fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
    if (mnt.get() < 0)
        return sysFailure(what + ": fsmount");
    if (move_mount(mnt.get(), "", AT_FDCWD, spec.rootfsDir.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return sysFailure(what + ": move_mount");
    return {};
}

// Step 2.
Outcome mountRoot(const Spec &spec)
{
    if (spec.lowerDirs.empty()) {
        if (mount(spec.rootfsDir.c_str(), spec.rootfsDir.c_str(), nullptr, MS_BIND | MS_REC,
                  nullptr) < 0)
            return sysFailure("bind " + quoted(spec.rootfsDir) + " onto itself");
        return {};
    }
    std::string data = "lowerdir=";
    for (size_t i = 0; i < spec.lowerDirs.size(); ++i)
        data += (i ? ":" : "") + spec.lowerDirs[i];
    if (!spec.upperDir.empty())
        data += ",upperdir=" + spec.upperDir + ",workdir=" + spec.workDir;
    if (data.size() >= size_t(sysconf(_SC_PAGESIZE)))
        return mountOverlayLayerByLayer(spec);
    if (mount("overlay", spec.rootfsDir.c_str(), "overlay", 0, data.c_str()) < 0)
        return sysFailure("mount overlay on " + quoted(spec.rootfsDir));
    return {};
}

// The cgroup v1 hierarchies this process is in, as /proc/self/cgroup lists
// them ("4:memory:/" -> "memory", "1:name=systemd:/" -> "name=systemd").
std::vector<std::string> cgroupV1Hierarchies()
{
    std::vector<std::string> out;
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        const size_t first = line.find(':');
        const size_t second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        if (!controllers.empty())
            out.push_back(controllers);
    }
    return out;
}

// Type "cgroup" is docker's v1 layout: a tmpfs holding one cgroup mount per
// hierarchy, named after its controllers ("cpu,cpuacct" with symlinks "cpu"
// and "cpuacct"). In the container's cgroup namespace each shows the
// container's own group as its root.
Outcome mountCgroupV1(int rootFd, const Mount &m, const MountOptions &options, int targetFd)
{
    const unsigned long flags = options.flags & ~(MS_BIND | MS_REC);
    if (mount("tmpfs", fdPath(targetFd).c_str(), "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
        return sysFailure("mount `tmpfs` to " + quoted(m.destination));
    Fd dir(openInRoot(rootFd, m.destination, O_PATH | O_DIRECTORY));
    if (dir.get() < 0)
        return sysFailure("open " + quoted(m.destination) + " in the container's root");
    for (const std::string &controllers : cgroupV1Hierarchies()) {
        const std::string name =
            controllers.starts_with("name=") ? controllers.substr(5) : controllers;
        const std::string dest = m.destination + "/" + name;
        if (mkdirat(dir.get(), name.c_str(), 0755) < 0)
            return sysFailure("mkdir " + quoted(dest));
        Fd sub(openat(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.get() < 0)
            return sysFailure("open " + quoted(dest));
        if (mount("cgroup", fdPath(sub.get()).c_str(), "cgroup", flags, controllers.c_str()) < 0)
            return sysFailure("mount `cgroup` (" + controllers + ") to " + quoted(dest));
        if (name.find(',') == std::string::npos)
            continue;
        size_t start = 0;
        while (start <= name.size()) {
            const size_t end = std::min(name.find(',', start), name.size());
            const std::string single = name.substr(start, end - start);
            if (symlinkat(name.c_str(), dir.get(), single.c_str()) < 0 && errno != EEXIST)
                return sysFailure("symlink " + quoted(m.destination + "/" + single));
            start = end + 1;
        }
    }
    if (options.flags & MS_RDONLY)
        return remountReadonly(fdPath(dir.get()), m.destination);
    return {};
}

// Step 3, one mount.
Outcome mountOne(int rootFd, const Mount &m)
{
    const MountOptions options = parseOptions(m.options);
    const bool bind = m.type == "bind" || (options.flags & MS_BIND);
    bool sourceIsFile = false;
    if (bind) {
        struct stat st;
        if (stat(m.source.c_str(), &st) < 0)
            return sysFailure("stat bind source " + quoted(m.source));
        sourceIsFile = !S_ISDIR(st.st_mode);
    }
    Fd target;
    if (auto failure = ensureInRoot(rootFd, m.destination, sourceIsFile, &target))
        return failure;
    const std::string what = "mount " + quoted(m.source) + " to " + quoted(m.destination);

    if (m.type == "cgroup" && !bind) {
        if (auto failure = mountCgroupV1(rootFd, m, options, target.get()))
            return failure;
    } else if (bind) {
        if (mount(m.source.c_str(), fdPath(target.get()).c_str(), nullptr,
                  MS_BIND | (options.flags & MS_REC), nullptr) < 0)
            return sysFailure(what);
        // A bind takes its source's flags; its own (ro, nosuid...) need a remount,
        // made on the new mount, hence the path opened again.
        const unsigned long extra = options.flags & ~(MS_BIND | MS_REC);
        if (extra) {
            Fd mounted(openInRoot(rootFd, m.destination, O_PATH));
            if (mounted.get() < 0)
                return sysFailure("open " + quoted(m.destination) + " in the container's root");
            const std::string path = fdPath(mounted.get());
            if (mount(nullptr, path.c_str(), nullptr,
                      MS_REMOUNT | MS_BIND | extra | mountFlagsOf(path), nullptr) < 0)
                return sysFailure("remount " + quoted(m.destination));
        }
    } else {
        if (mount(m.source.c_str(), fdPath(target.get()).c_str(), m.type.c_str(), options.flags,
                  options.data.empty() ? nullptr : options.data.c_str()) < 0)
            return sysFailure(what);
    }

    if (options.propagation) {
        Fd mounted(openInRoot(rootFd, m.destination, O_PATH));
        if (mounted.get() < 0 || mount(nullptr, fdPath(mounted.get()).c_str(), nullptr,
                                       options.propagation, nullptr) < 0)
            return sysFailure("set the propagation of " + quoted(m.destination));
    }
    return {};
}

// Step 4. The nodes are binds of the host's rather than mknod'ed: mknod is
// refused in a user namespace and on a nodev tmpfs, while a bind keeps the
// host /dev's own mount flags, so the same code serves every container.
Outcome populateDev(int rootFd, const Spec &spec)
{
    const bool ownDev = std::any_of(spec.mounts.begin(), spec.mounts.end(), [](const Mount &m) {
        return normalized(m.destination) == "/dev";
    });
    if (!ownDev)
        return {};
    for (const char *node : {"null", "zero", "full", "random", "urandom", "tty"}) {
        const std::string path = std::string("/dev/") + node;
        Fd target;
        if (auto failure = ensureInRoot(rootFd, path, true, &target))
            return failure;
        if (mount(path.c_str(), fdPath(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
            return sysFailure("bind " + quoted(path) + " to " + quoted(path));
    }
    Fd dev(openInRoot(rootFd, "/dev", O_PATH | O_DIRECTORY));
    if (dev.get() < 0)
        return sysFailure("open `/dev` in the container's root");
    std::vector<std::pair<const char *, const char *>> links = {
        {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
    };
    // As runc: /dev/core only where the kernel has a /proc/kcore to point at.
    if (access("/proc/kcore", F_OK) == 0)
        links.emplace_back("core", "/proc/kcore");
    for (auto [name, target] : links) {
        if (symlinkat(target, dev.get(), name) < 0 && errno != EEXIST)
            return sysFailure("symlink " + quoted(std::string("/dev/") + name));
    }
    return {};
}

// Step 5: pivot_root(".", ".") stacks the old root on the new one; detaching
// it then leaves only the container's tree, with no directory needed for the
// old root.
Outcome pivotInto(const std::string &root)
{
    if (chdir(root.c_str()) < 0)
        return sysFailure("chdir to " + quoted(root));
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return sysFailure("pivot_root to " + quoted(root));
    if (umount2(".", MNT_DETACH) < 0)
        return sysFailure("detach the host's root");
    if (chdir("/") < 0)
        return sysFailure("chdir to `/`");
    return {};
}

// Step 6 (after the pivot, so every path is the container's).
Outcome maskPaths(const std::vector<std::string> &paths)
{
    for (const std::string &path : paths) {
        struct stat st;
        if (stat(path.c_str(), &st) < 0) {
            if (errno == ENOENT)
                continue;
            return sysFailure("stat masked path " + quoted(path));
        }
        const bool dir = S_ISDIR(st.st_mode);
        const int rc = dir ? mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY, nullptr)
                           : mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr);
        if (rc < 0)
            return sysFailure("mask " + quoted(path));
    }
    return {};
}

Outcome makeReadonly(const std::vector<std::string> &paths)
{
    for (const std::string &path : paths) {
        if (access(path.c_str(), F_OK) < 0) {
            if (errno == ENOENT)
                continue;
            return sysFailure("access read-only path " + quoted(path));
        }
        if (mount(path.c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
            return sysFailure("bind " + quoted(path) + " onto itself");
        if (auto failure = remountReadonly(path, path))
            return failure;
    }
    return {};
}

// Step 7: docker creates the working directory, as root, before the process starts.
Outcome createWorkingDirectory(const std::string &cwd)
{
    const std::string path = normalized(cwd);
    for (size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
        const std::string prefix = path.substr(0, end);
        if (mkdir(prefix.c_str(), 0755) < 0 && errno != EEXIST)
            return sysFailure("mkdir working directory " + quoted(prefix));
        if (end == std::string::npos)
            return {};
    }
}

} // namespace

Outcome setupRootfs(const Spec &spec)
{
    if (auto failure = makeRootSlave())
        return failure;
    if (auto failure = mountRoot(spec))
        return failure;
    Fd root(open(spec.rootfsDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (root.get() < 0)
        return sysFailure("open the container's root " + quoted(spec.rootfsDir));
    for (const Mount &m : spec.mounts) {
        if (auto failure = mountOne(root.get(), m))
            return failure;
    }
    if (auto failure = populateDev(root.get(), spec))
        return failure;
    if (auto failure = pivotInto(spec.rootfsDir))
        return failure;
    if (auto failure = maskPaths(spec.maskedPaths))
        return failure;
    if (auto failure = makeReadonly(spec.readonlyPaths))
        return failure;
    if (auto failure = createWorkingDirectory(spec.process.cwd))
        return failure;
    if (spec.readonlyRootfs)
        return remountReadonly("/", "/");
    return {};
}

} // namespace berth::runtime
