// Containers: the half of the facade that creates, starts, watches and removes
// containers.
//
// A container is an image plus a writable snapshot plus a process:
//   create  -> a record (docker's Config + HostConfig as JSON) and a bundle
//              <root>/containers/<id>/ holding upper/ and work/ for its snapshot
//   start   -> ensure the image's layers are unpacked, write the runtime spec
//              (runtime/Spec.h) into the bundle and launch berth-shim, which
//              supervises the process and keeps its state in the bundle
//   stop/kill/wait/attach -> talk to that shim over its socket
//   rm      -> the record and the bundle go; the layers stay with the image
// There is no daemon: the state a command shows is read from the bundle, and a
// bundle whose shim died is reconciled (exited, cgroup removed) by whoever
// looks first.
#pragma once

#include "Engine.h"
#include "runtime/ShimState.h"
#include "runtime/Spec.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QStringList>

#include <optional>

namespace berth {

struct PortMapping
{
    QString hostIp;
    int hostPort = 0; // 0: any free port
    int containerPort = 0;
    QString protocol = QStringLiteral("tcp");
};

struct VolumeMount
{
    QString type; // bind, volume, tmpfs
    QString source;
    QString target;
    bool readOnly = false;
    QString options;     // tmpfs options, e.g. "size=64m"
    bool noCopy = false; // volume: no copy of the image's content into it (nocopy)
};

// docker run's --health-cmd, --health-* and --no-healthcheck. Durations in
// nanoseconds; zero fields take the image's HEALTHCHECK, else docker's defaults.
struct HealthOptions
{
    QString cmd; // run with the container's shell (CMD-SHELL)
    qint64 interval = 0;
    qint64 timeout = 0;
    qint64 startPeriod = 0;
    qint64 startInterval = 0;
    int retries = 0;
    bool disable = false; // --no-healthcheck
};

// Everything `docker create` / `docker run` decide, after the CLI parsed it.
struct ContainerOptions
{
    QString name; // empty: a random adjective_surname
    QString image;
    QStringList cmd;                       // replaces the image's CMD when not empty
    std::optional<QStringList> entrypoint; // --entrypoint; an empty list resets it
    QStringList env;                       // KEY=value (KEY alone: take the caller's)
    QString workdir;
    QString user;
    QString hostname;
    QStringList groupAdd;
    QMap<QString, QString> labels;
    bool tty = false;
    bool openStdin = false;
    // docker's StdinOnce: the container's stdin closes when the first attached
    // client's input ends (run -i and create -i; run -d -i keeps it open).
    bool stdinOnce = false;
    bool autoRemove = false;
    bool init = false;
    bool privileged = false;
    bool readOnly = false;
    QString network = QStringLiteral("bridge"); // bridge (private), none, host
    QList<PortMapping> ports;
    bool publishAll = false;
    QList<VolumeMount> mounts;
    runtime::Resources resources;
    qint64 nanoCpus = 0; // --cpus, in billionths of a CPU (docker's NanoCpus)
    QStringList capAdd;
    QStringList capDrop;
    QStringList securityOpt;
    QString restart = QStringLiteral("no");
    QString stopSignal;
    int stopTimeout = -1;
    QMap<QString, QString> logOptions;
    QStringList ulimits; // name=soft[:hard]
    int oomScoreAdj = 0;
    HealthOptions health;
};

struct ContainerState
{
    enum Status { Created, Running, Paused, Restarting, Exited, Dead };
    Status status = Created;
    int pid = 0;
    int exitCode = 0;
    bool oomKilled = false;
    QString error;
    QDateTime startedAt;
    QDateTime finishedAt;
    int restartCount = 0;
    runtime::HealthState health; // as the shim recorded it; status empty without a check

    QString statusName() const; // docker's State.Status: created, running, ...
    bool isRunning() const { return status == Running || status == Paused; }
};

struct ContainerInfo
{
    QString id;
    QString name; // without docker's leading "/"
    QString imageId;
    QString imageName; // what the user asked for ("busybox")
    QStringList command;
    QDateTime created;
    QMap<QString, QString> labels;
    QList<PortMapping> ports;
    ContainerState state;
    qint64 sizeRw = -1; // filled only when asked for
    qint64 sizeRootFs = -1;
};

class Containers
{
public:
    explicit Containers(Engine &engine);

    // A name, a full id or a unique id prefix.
    Result<QString> resolve(const QString &nameOrId) const;

    Result<QString> create(const ContainerOptions &options);
    // Launches the container. attachFd, when >= 0, is a connected socket that
    // berth-shim attaches before the process starts (so `run` loses no output).
    Status start(const QString &id, int attachFd = -1);
    // SIGTERM (or the container's stop signal), SIGKILL after timeout seconds
    // (-1: the container's --stop-timeout, default 10).
    Status stop(const QString &id, int timeoutSeconds = -1);
    Status kill(const QString &id, int signal);
    Status pause(const QString &id);
    Status unpause(const QString &id);
    // Blocks until the container is not running; returns its exit code.
    Result<int> wait(const QString &id);
    Status remove(const QString &id, bool force, bool removeVolumes);
    Status rename(const QString &id, const QString &newName);

    Result<ContainerInfo> info(const QString &id, bool withSize = false) const;
    Result<QList<ContainerInfo>> list(bool withSize = false) const;
    Result<json::Value> inspect(const QString &id, bool withSize = false) const;
    // The docker json-file log of a container; rotated files add ".1" (newest) to ".N".
    // runtime::JsonLogReader reads them as one.
    QString logPath(const QString &id) const;
    QString bundle(const QString &id) const;
    QString shimSocket(const QString &id) const;

    // Docker-compatible random name: adjective_surname ("nostalgic_johnson").
    static QString randomName();

    // --- restart policies across a reboot or a killed shim (ContainerRestart.cpp) ---
    // Starts the containers whose restart policy asks for it now that their
    // shim is gone (docker's rules, a reboot standing in for the daemon's
    // restart) and returns their ids. Engine::open runs it; it costs one small
    // read per container that has a policy, nothing without any.
    Result<QStringList> restartDue();
    // This boot's /proc/sys/kernel/random/boot_id; $BERTH_BOOT_ID, when set,
    // replaces it (test-only: it simulates a reboot).
    static QString currentBootId();

    // --- exec, attach, top, stats, update (ContainerExec.cpp) ---
    struct ExecOptions
    {
        QStringList cmd;
        QStringList env;  // KEY=value, over the container's; KEY alone takes the caller's
        QString user;     // -u name|uid[:group|gid], looked up in the container; empty: its user
        QString workdir;  // empty: the container's
        bool tty = false; // a pty made in the container; the descriptors below are unused
        // docker exec --privileged: every capability (the container's seccomp
        // filter stays, as docker's exec keeps it).
        bool privileged = false;
        // docker exec -d: the process is not the caller's child but the
        // container's init's (runtime/Exec.h), with /dev/null for stdio and no
        // terminal; the caller need not wait and gets no pid.
        bool detach = false;
        // The process's 0, 1 and 2; -1 gives /dev/null. The caller keeps and closes them.
        int stdinFd = -1;
        int stdoutFd = -1;
        int stderrFd = -1;
    };
    struct ExecProcess
    {
        pid_t pid = 0;      // the caller's child; 0 with detach
        int ptyMaster = -1; // with tty: its terminal's master, for the caller to relay and close
    };
    // Starts options.cmd inside the running container (docker exec) as the
    // caller's child, unless options.detach. The caller must waitpid(2) it: the
    // container's init cannot finish exiting while it is an unreaped zombie. It
    // dies with the container. A command that cannot run fails with NotFound
    // (not in PATH) or Permission (not executable), in runc's words.
    Result<ExecProcess> exec(const QString &id, const ExecOptions &options);

    // A connection to a running container's streams (docker attach).
    struct AttachedStreams
    {
        int fd = -1;                // framed, ShimProtocol.h's attach; the caller closes it
        bool tty = false;           // the container has a terminal: all output comes as stdout
        bool stdinAttached = false; // the container's stdin too (it has -i, and it was asked for)
    };
    // Attaches stdout and stderr, and stdin when withStdin and the container was
    // created with -i. A container that is not running fails with docker's
    // Conflict messages ("You cannot attach to a stopped container, start it first").
    Result<AttachedStreams> attach(const QString &id, bool withStdin);

    // One process of a container, as `ps -ef` on the host shows it (docker top).
    struct ProcessRow
    {
        QString user; // the host's name for the uid, else the number
        int pid = 0;  // host pid namespace
        int ppid = 0;
        int cpuPercent = 0; // CPU time over lifetime, as ps's C column
        QString startTime;  // "11:38", "Nov22" or "2025"
        QString tty;        // "pts/0" or "?"
        QString cpuTime;    // "00:00:01", "1-02:03:04"
        QString command;    // the arguments, or "[name]" for a kernel-less cmdline
    };
    Result<QList<ProcessRow>> top(const QString &id) const;

    // One sample of a container's usage (docker stats); cpuPercent() needs two.
    struct StatsSample
    {
        bool running = false;   // a stopped container samples as zeros
        qint64 cpuUsageNs = 0;  // the cgroup's CPU time
        qint64 systemCpuNs = 0; // the host's CPU time (/proc/stat), docker's system_cpu_usage
        int onlineCpus = 1;
        qint64 memoryUsage = 0; // bytes, without the inactive page cache
        qint64 memoryLimit = 0; // the cgroup's limit, else the host's RAM
        qint64 netRx = 0;       // bytes over every interface but lo
        qint64 netTx = 0;
        qint64 blockRead = 0;
        qint64 blockWrite = 0;
        qint64 pids = 0;
    };
    Result<StatsSample> stats(const QString &id) const;
    // docker's formula: the container's share of the host's CPU time between two
    // samples, times the CPUs online (200% = two CPUs busy).
    static double cpuPercent(const StatsSample &before, const StatsSample &after);

    // What docker update changes; unset fields (0, empty, nullopt) stay as they are.
    struct UpdateOptions
    {
        runtime::Resources resources; // cpusetMems is not updated
        qint64 nanoCpus = 0;          // --cpus
        std::optional<QString> restart;
    };
    // Changes the limits live (a running container's cgroup) and in the stored
    // HostConfig, so the next start uses them too.
    Status update(const QString &id, const UpdateOptions &options);
    // --- end exec, attach, top, stats, update ---

    // --- commit, diff, export, cp (ContainerCommit.cpp) ---
    struct CommitOptions
    {
        QString reference; // REPOSITORY[:TAG] to tag the new image with; empty: untagged
        QString author;
        QString message;
        QStringList changes; // Dockerfile instructions, see image::applyChange
        bool pause = true;   // freeze a running container while its changes are read
        Progress progress;
    };
    // The container's changes (its snapshot's upper) as a new layer over its
    // image's layers, and an image whose config is the container's (docker
    // commit). The diff streams from the upper straight into the store. An
    // unchanged container gives an image without a new layer, as docker's.
    // Returns the new image's id.
    Result<QString> commit(const QString &id, const CommitOptions &options);

    struct Change
    {
        enum Kind { Modified, Added, Deleted };
        Kind kind = Modified;
        QString path; // absolute, as docker diff prints it
    };
    // What the container changed against its image, sorted by path (docker diff):
    // each entry of its upper, a path being Added when no layer below has it.
    Result<QList<Change>> diff(const QString &id);
    // The container's whole file system as a tar, whiteouts carried out (docker export).
    Status exportFilesystem(const QString &id, Writer &out, const Progress &progress = {});

    // docker cp, both ways. Paths in the container are resolved inside its root
    // (a symlink there never leads to the host's files); a running container is
    // reached through its process's root, a stopped one through its snapshot
    // (writes land in its upper). `SRC/.` copies a directory's contents.
    // archive keeps owners as they are; otherwise what enters the container is
    // owned by root and what leaves it by the caller, as docker does.
    Status copyFromContainer(const QString &id, const QString &containerPath,
                             const QString &hostPath);
    Status copyToContainer(const QString &id, const QString &hostPath, const QString &containerPath,
                           bool archive = false);
    // docker cp CONTAINER:SRC -: SRC (a directory with all below it) as a tar
    // written to out, its names starting with SRC's last component ("./" for
    // `SRC/.`), owners and modes as in the container.
    Status copyFromContainerAsTar(const QString &id, const QString &containerPath, Writer &out);
    // docker cp - CONTAINER:DEST: the tar read from in unpacked into the
    // existing directory DEST, owners and modes as the tar says; an entry that
    // would land outside DEST (absolute, "..", through a symbolic link) fails
    // the copy, and nothing outside DEST is written.
    Status copyTarToContainer(const QString &id, Reader &in, const QString &containerPath);
    // Whether containerPath, followed inside the container's root, is a
    // directory (false when missing): docker cp's check of a `-` destination.
    Result<bool> isDirectoryInContainer(const QString &id, const QString &containerPath);
    // --- end commit, diff, export, cp ---

private:
    // Whether pid is still a live berth-shim (pids are reused).
    static bool shimAlive(pid_t pid);
    Result<ContainerState> stateOf(const QString &id) const;
    // The container's restart record (ContainerRestart.cpp): written at each
    // start (removed when the policy is "no"), marked by what happens next.
    enum class RestartMark { StoppedByUser, ShimDied, Failed };
    QString restartRecordPath(const QString &id) const;
    void recordRun(const QString &id, const QString &policy, pid_t shimPid) const;
    void markRun(const QString &id, RestartMark mark) const;
    void forgetRun(const QString &id) const;
    Result<runtime::Spec> buildSpec(const store::ContainerRecord &record) const;
    // --network container:<name|id> (ContainerNetwork.cpp): at create, the
    // name becomes the full id and the container takes that one's hostname,
    // as docker does; at start, the spec joins its network namespace, which
    // must be running.
    Status resolveNetworkContainer(QJsonObject *config) const;
    Status joinNetworkOf(const QString &targetId, runtime::Spec *spec) const;
    // The container's image layers, bottom first: the image's, or, after a forced
    // rmi removed the image, the chain the container recorded at create.
    Result<QStringList> layerChain(const store::ContainerRecord &record) const;
    // Creates the named volumes the container mounts and anonymous ones for
    // `-v /path` and the image's VOLUME entries, recording their names, and
    // copies the image's content into those still empty (Volumes.h).
    Status attachVolumes(QJsonObject *config, const QString &imageId);
    void removeOrphanBundles() const;
    Status recordEvent(const QString &action, const QString &id,
                       const QMap<QString, QString> &attributes);

    Engine &m_engine;
};

} // namespace berth
