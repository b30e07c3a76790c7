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
#include "runtime/Spec.h"

#include <QDateTime>
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
    QString options; // tmpfs options, e.g. "size=64m"
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
    // The docker json-file log of a container, as written (rotated files first).
    Result<QStringList> logFiles(const QString &id) const;
    QString bundle(const QString &id) const;
    QString shimSocket(const QString &id) const;

    // Docker-compatible random name: adjective_surname ("nostalgic_johnson").
    static QString randomName();

private:
    Result<ContainerState> stateOf(const QString &id) const;
    Result<runtime::Spec> buildSpec(const store::ContainerRecord &record) const;
    Status recordEvent(const QString &action, const QString &id,
                       const QMap<QString, QString> &attributes);

    Engine &m_engine;
};

} // namespace berth
