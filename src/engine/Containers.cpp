// The container lifecycle over the store, the bundles and berth-shim.
#include "Containers.h"

#include "ContainerConfig.h"
#include "ContainerNetwork.h"
#include "Volumes.h"
#include "runtime/Cgroup.h"
#include "runtime/ShimProtocol.h"
#include "runtime/ShimState.h"
#include "util/Fs.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace berth {

namespace {

QString newContainerId()
{
    // docker's rule: 32 random bytes, and never an id whose 12-character short
    // form is all digits (it would read as a number).
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    while (true) {
        QByteArray bytes(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                             reinterpret_cast<quint32 *>(bytes.data() + 32));
        const QString id = QString::fromLatin1(bytes.toHex());
        if (!digits.match(id.left(12)).hasMatch())
            return id;
    }
}

QDateTime parseTime(const std::string &text)
{
    if (text.empty())
        return {};
    return QDateTime::fromString(QString::fromStdString(text), Qt::ISODateWithMs);
}

QString shimBinary()
{
    const QByteArray fromEnv = qgetenv("BERTH_SHIM");
    if (!fromEnv.isEmpty())
        return QString::fromLocal8Bit(fromEnv);
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &candidate :
         {dir + QStringLiteral("/berth-shim"), dir + QStringLiteral("/../libexec/berth/berth-shim"),
          QString::fromUtf8(BERTH_SHIM_BUILD_PATH)}) {
        if (QFileInfo(candidate).isExecutable())
            return candidate;
    }
    return dir + QStringLiteral("/berth-shim");
}

} // namespace

QString ContainerState::statusName() const
{
    switch (status) {
    case Created:
        return QStringLiteral("created");
    case Running:
        return QStringLiteral("running");
    case Paused:
        return QStringLiteral("paused");
    case Restarting:
        return QStringLiteral("restarting");
    case Exited:
        return QStringLiteral("exited");
    case Dead:
        return QStringLiteral("dead");
    }
    return QString();
}

Containers::Containers(Engine &engine) : m_engine(engine) {}

// A shim pid is trusted only while that pid is still a berth-shim: pids are reused.
bool Containers::shimAlive(pid_t pid)
{
    if (pid <= 0 || ::kill(pid, 0) != 0)
        return false;
    // A zombie still answers kill(0) and keeps its name until its parent reaps it.
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype open = text.indexOf('('), close = text.lastIndexOf(')');
    return open >= 0 && close > open && text.mid(open + 1, close - open - 1) == "berth-shim" &&
           text.mid(close + 2, 1) != "Z";
}

QString Containers::bundle(const QString &id) const
{
    return m_engine.root() + QStringLiteral("/containers/") + id;
}

QString Containers::shimSocket(const QString &id) const
{
    return bundle(id) + QStringLiteral("/shim.sock");
}

Result<QString> Containers::resolve(const QString &nameOrId) const
{
    QString key = nameOrId;
    if (key.startsWith(QLatin1Char('/')))
        key = key.mid(1);
    store::MetadataStore &meta = m_engine.metadata();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{1,64}$"));
    if (key.size() == 64 && hex.match(key).hasMatch()) {
        BERTH_TRY_ASSIGN(const auto rec, meta.container(key));
        if (rec)
            return key;
    }
    BERTH_TRY_ASSIGN(const auto byName, meta.containerByName(key));
    if (byName)
        return *byName;
    if (!key.isEmpty() && hex.match(key).hasMatch()) {
        BERTH_TRY_ASSIGN(const QStringList ids, meta.containerIdsWithPrefix(key));
        if (ids.size() == 1)
            return ids.first();
        if (ids.size() > 1)
            return Error{ErrorCode::Conflict,
                         tr("multiple IDs found with provided prefix: %1").arg(key)};
    }
    return Error{ErrorCode::NotFound, tr("No such container: %1").arg(nameOrId)};
}

Result<QString> Containers::create(const ContainerOptions &options)
{
    BERTH_TRY_ASSIGN(const QString imageId, m_engine.resolveImage(options.image));
    BERTH_TRY_ASSIGN(const image::ImageConfig image, m_engine.imageConfig(imageId));
    const QString id = newContainerId();
    BERTH_TRY_ASSIGN(QJsonObject config, ContainerConfig::make(options, id, image));
    BERTH_TRY(resolveNetworkContainer(&config));
    BERTH_TRY(attachVolumes(&config, imageId));
    {
        // The container holds its image's layers (docker's rule): a forced rmi
        // of the image leaves them for the container.
        BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().image(imageId));
        if (record)
            config.insert(QStringLiteral("Layers"), QJsonArray::fromStringList(record->chainIds));
    }
    QString name = options.name;
    if (name.startsWith(QLatin1Char('/')))
        name = name.mid(1);

    const QString dir = bundle(id);
    for (const char *sub : {"upper", "work", "rootfs"}) {
        if (!QDir().mkpath(dir + QLatin1Char('/') + QLatin1String(sub)))
            return Error{ErrorCode::Io,
                         tr("create container: make directory %1/%2").arg(dir, QLatin1String(sub))};
    }
    auto discard = [&] { (void)fs::removeTree(dir); };

    // The copy driver has no overlayfs to assemble the root at start, so the
    // container gets its own copy of the image now.
    if (m_engine.storageDriver() != QLatin1String("overlay")) {
        BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().image(imageId));
        if (!record) {
            discard();
            return Error{ErrorCode::NotFound, tr("No such image: %1").arg(imageId)};
        }
        QStringList lowers;
        for (const QString &chain : record->chainIds)
            lowers.append(m_engine.layerDir(chain));
        BERTH_TRY(m_engine.ensureUnpacked(record->chainIds));
        auto driver = layer::SnapshotDriver::create(QStringLiteral("copy"));
        if (Status st = driver->prepare(lowers, dir, dir + QStringLiteral("/rootfs")); !st.ok()) {
            discard();
            return st.error();
        }
    }

    const QByteArray stored = QJsonDocument(config).toJson(QJsonDocument::Compact);
    Status added = [&]() -> Status {
        BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
        // A random name may collide; docker draws again.
        for (int attempt = 0;; ++attempt) {
            const QString chosen = name.isEmpty() ? randomName() : name;
            Status st = m_engine.metadata().addContainer(id, chosen, imageId, stored);
            if (st.ok() || !name.isEmpty() || st.error().code != ErrorCode::Conflict ||
                attempt > 10) {
                if (!st.ok() && st.error().code == ErrorCode::Conflict && !name.isEmpty()) {
                    BERTH_TRY_ASSIGN(const auto holder, m_engine.metadata().containerByName(name));
                    return Error{ErrorCode::Conflict,
                                 tr("Conflict. The container name \"/%1\" is already in use by "
                                    "container \"%2\". You have to remove (or rename) that "
                                    "container to be able to reuse that name.")
                                     .arg(name, holder.value_or(QString()))};
                }
                return st;
            }
        }
    }();
    if (!added.ok()) {
        discard();
        return added.error();
    }
    (void)recordEvent(QStringLiteral("create"), id, {{QStringLiteral("image"), options.image}});
    return id;
}

Status Containers::start(const QString &id, int attachFd)
{
    // One start of a container at a time (two CLIs, or one and the restart pass
    // of Engine::open): both would see it stopped and launch two shims.
    BERTH_TRY_ASSIGN(FileLock startLock,
                     FileLock::acquire(bundle(id) + QStringLiteral("/start.lock")));
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (state.isRunning() || state.status == ContainerState::Restarting)
        return {};
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(id)};
    BERTH_TRY_ASSIGN(const QStringList chain, layerChain(*record));
    BERTH_TRY(m_engine.ensureUnpacked(chain));
    BERTH_TRY_ASSIGN(const runtime::Spec spec, buildSpec(*record));
    const QString dir = bundle(id);
    // A restart reuses the snapshot; its old state and socket go.
    QFile::remove(dir + QStringLiteral("/state"));
    QFile::remove(shimSocket(id));
    {
        // Not fsynced: the spec is rewritten at every start and means nothing after
        // a power cut, which ends the container; a flush here would sit on `run`'s
        // critical path.
        QFile f(dir + QStringLiteral("/spec"));
        const QByteArray text = QByteArray::fromStdString(runtime::serializeSpec(spec));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text) != text.size())
            return Error{
                ErrorCode::Io,
                tr("start container %1: write %2/spec: %3").arg(id.left(12), dir, f.errorString())};
    }
    runtime::ShimStart started;
    const runtime::Outcome failed =
        runtime::startShim(shimBinary().toStdString(), dir.toStdString(), attachFd, &started);
    if (failed) {
        const QString message = QString::fromStdString(failed->message());
        // The shim recorded the failure in the state (exit code 126/127 for a
        // command that cannot run); a shim that never started did not.
        if (!QFile::exists(dir + QStringLiteral("/state"))) {
            runtime::ShimState st;
            st.status = "exited";
            st.exitCode = started.exitCode ? started.exitCode : 125;
            st.error = failed->message();
            (void)runtime::writeStateFile((dir + QStringLiteral("/state")).toStdString(), st);
        }
        return Error{started.exitCode == 127   ? ErrorCode::NotFound
                     : started.exitCode == 126 ? ErrorCode::Permission
                                               : ErrorCode::Internal,
                     tr("failed to create task for container: %1").arg(message)};
    }
    recordRun(id, QString::fromStdString(spec.restartPolicy), started.shimPid);
    (void)recordEvent(QStringLiteral("start"), id, {});
    return {};
}

Result<ContainerState> Containers::stateOf(const QString &id) const
{
    ContainerState out;
    const QString dir = bundle(id);
    const std::string statePath = (dir + QStringLiteral("/state")).toStdString();
    runtime::ShimState st;
    if (!QFile::exists(QString::fromStdString(statePath)))
        return out; // never started
    if (runtime::Outcome bad = runtime::readStateFile(statePath, &st))
        return Error{ErrorCode::Corrupt,
                     tr("read state of container %1: %2")
                         .arg(id.left(12), QString::fromStdString(bad->message()))};
    out.pid = st.pid;
    out.exitCode = st.exitCode;
    out.oomKilled = st.oomKilled;
    out.error = QString::fromStdString(st.error);
    out.startedAt = parseTime(st.startedAt);
    out.finishedAt = parseTime(st.finishedAt);
    out.restartCount = st.restartCount;
    out.health = st.health;
    if (st.status == "exited") {
        out.status = ContainerState::Exited;
        out.pid = 0;
        return out;
    }
    if (!shimAlive(st.shimPid)) {
        // The shim died without writing the end (SIGKILL, crash, reboot): its
        // container died with it (the init has PDEATHSIG), so record it exited
        // as killed and take its cgroup away. Its restart policy was not
        // applied: restartDue() will, seeing the mark.
        markRun(id, RestartMark::ShimDied);
        const runtime::Cgroup cgroup = runtime::Cgroup::open("berth/" + id.toStdString());
        runtime::CgroupStats stats;
        const bool oom = !cgroup.stats(&stats) && stats.oomKills > 0;
        (void)cgroup.destroy();
        st.status = "exited";
        st.pid = 0;
        st.exitCode = 137;
        st.oomKilled = st.oomKilled || oom;
        st.finishedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
        // As when the shim stops its health checks itself (runtime/Health.h).
        if (!st.health.status.empty())
            st.health.status = "unhealthy";
        (void)runtime::writeStateFile(statePath, st);
        out.status = ContainerState::Exited;
        out.exitCode = 137;
        out.oomKilled = st.oomKilled;
        out.pid = 0;
        out.finishedAt = QDateTime::currentDateTimeUtc();
        out.health = st.health;
        return out;
    }
    if (st.status == "restarting") {
        out.status = ContainerState::Restarting;
        return out;
    }
    out.status = runtime::Cgroup::open("berth/" + id.toStdString()).frozen()
                     ? ContainerState::Paused
                     : ContainerState::Running;
    return out;
}

Status Containers::stop(const QString &id, int timeoutSeconds)
{
    // docker's "manually stopped": unless-stopped stays down, always until the next boot.
    markRun(id, RestartMark::StoppedByUser);
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (!state.isRunning() && state.status != ContainerState::Restarting)
        return {};
    if (timeoutSeconds < 0) {
        BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
        const QJsonObject config = ContainerConfig::fromRecord(record ? record->config : "{}")
                                       .value(QLatin1String("Config"))
                                       .toObject();
        timeoutSeconds = config.value(QLatin1String("StopTimeout")).toInt(10);
    }
    const std::string dir = bundle(id).toStdString();
    if (state.status == ContainerState::Paused)
        (void)runtime::Cgroup::open("berth/" + id.toStdString()).thaw();
    (void)runtime::requestStop(dir);
    // Wait for the exit, then insist.
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < qint64(timeoutSeconds) * 1000) {
        BERTH_TRY_ASSIGN(const ContainerState now, stateOf(id));
        if (!now.isRunning() && now.status != ContainerState::Restarting)
            break;
        QThread::msleep(20);
    }
    BERTH_TRY_ASSIGN(const ContainerState after, stateOf(id));
    if (after.isRunning() || after.status == ContainerState::Restarting) {
        (void)runtime::sendSignal(dir, SIGKILL);
        int code = 0;
        (void)runtime::waitExit(dir, &code);
    }
    (void)recordEvent(QStringLiteral("stop"), id, {});
    return {};
}

Status Containers::kill(const QString &id, int signal)
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (!state.isRunning())
        return Error{ErrorCode::Conflict, tr("Container %1 is not running").arg(id)};
    if (signal == SIGKILL && state.status == ContainerState::Paused)
        (void)runtime::Cgroup::open("berth/" + id.toStdString()).thaw();
    if (runtime::Outcome failed = runtime::sendSignal(bundle(id).toStdString(), signal))
        return Error{ErrorCode::Internal,
                     tr("Cannot kill container: %1: %2")
                         .arg(id.left(12), QString::fromStdString(failed->message()))};
    (void)recordEvent(QStringLiteral("kill"), id,
                      {{QStringLiteral("signal"), QString::number(signal)}});
    return {};
}

Status Containers::pause(const QString &id)
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (state.status == ContainerState::Paused)
        return Error{ErrorCode::Conflict, tr("Container %1 is already paused").arg(id)};
    if (state.status != ContainerState::Running)
        return Error{ErrorCode::Conflict, tr("Container %1 is not running").arg(id)};
    if (runtime::Outcome failed = runtime::Cgroup::open("berth/" + id.toStdString()).freeze())
        return Error{ErrorCode::Internal,
                     tr("pause container %1: %2")
                         .arg(id.left(12), QString::fromStdString(failed->message()))};
    (void)recordEvent(QStringLiteral("pause"), id, {});
    return {};
}

Status Containers::unpause(const QString &id)
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    if (state.status != ContainerState::Paused)
        return Error{ErrorCode::Conflict, tr("Container %1 is not paused").arg(id)};
    if (runtime::Outcome failed = runtime::Cgroup::open("berth/" + id.toStdString()).thaw())
        return Error{ErrorCode::Internal,
                     tr("unpause container %1: %2")
                         .arg(id.left(12), QString::fromStdString(failed->message()))};
    (void)recordEvent(QStringLiteral("unpause"), id, {});
    return {};
}

Result<int> Containers::wait(const QString &id)
{
    BERTH_TRY_ASSIGN(ContainerState state, stateOf(id));
    if (state.isRunning() || state.status == ContainerState::Restarting) {
        int code = 0;
        if (!runtime::waitExit(bundle(id).toStdString(), &code))
            return code;
        // The shim went away without answering: the state says what happened.
        BERTH_TRY_ASSIGN(state, stateOf(id));
    }
    return state.exitCode;
}

Status Containers::remove(const QString &id, bool force, bool removeVolumes)
{
    BERTH_TRY_ASSIGN(const ContainerState state, stateOf(id));
    QStringList anonymous;
    if (removeVolumes) {
        BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
        const QJsonObject host = ContainerConfig::fromRecord(record ? record->config : "{}")
                                     .value(QLatin1String("HostConfig"))
                                     .toObject();
        for (const QJsonValue &m : host.value(QLatin1String("Mounts")).toArray()) {
            const QJsonObject o = m.toObject();
            if (o.value(QLatin1String("Anonymous")).toBool())
                anonymous << o.value(QLatin1String("Source")).toString();
        }
    }
    if (state.isRunning() || state.status == ContainerState::Restarting) {
        if (!force)
            return Error{ErrorCode::Conflict,
                         tr("You cannot remove a %1 container %2. Stop the container before "
                            "attempting removal or force remove")
                             .arg(state.statusName(), id)};
        // Nothing may bring it back once it is being removed.
        forgetRun(id);
        if (state.status == ContainerState::Paused)
            (void)runtime::Cgroup::open("berth/" + id.toStdString()).thaw();
        const std::string dir = bundle(id).toStdString();
        (void)runtime::requestStop(dir);
        (void)runtime::sendSignal(dir, SIGKILL);
        int code = 0;
        (void)runtime::waitExit(dir, &code);
    }
    {
        BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
        BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
        BERTH_TRY(m_engine.metadata().removeContainer(id));
        // The last container of a force-removed image lets its layers go.
        if (record) {
            BERTH_TRY_ASSIGN(const auto image, m_engine.metadata().image(record->imageId));
            if (!image)
                BERTH_TRY(m_engine.collectGarbageLocked(nullptr, nullptr));
        }
    }
    // The record is gone first: a crash now leaves a bundle without a record,
    // which nothing lists and removeOrphanBundles() (run by `ps`) takes away.
    forgetRun(id);
    (void)runtime::Cgroup::open("berth/" + id.toStdString()).destroy();
    if (Status st = fs::removeTree(bundle(id)); !st.ok())
        return st.error();
    (void)recordEvent(QStringLiteral("destroy"), id, {});
    // rm -v: the container's anonymous volumes go with it (named ones stay),
    // unless another container mounts them too.
    Volumes volumes(m_engine);
    for (const QString &name : anonymous) {
        if (Status st = volumes.remove(name, true);
            !st.ok() && st.error().code != ErrorCode::Conflict)
            return st.error();
    }
    return {};
}

Result<QStringList> Containers::layerChain(const store::ContainerRecord &record) const
{
    BERTH_TRY_ASSIGN(const auto image, m_engine.metadata().image(record.imageId));
    if (image)
        return image->chainIds;
    const QStringList stored =
        ContainerConfig::strings(ContainerConfig::fromRecord(record.config), "Layers");
    if (stored.isEmpty())
        return Error{
            ErrorCode::NotFound,
            tr("container %1: its image %2 was removed").arg(record.id.left(12), record.imageId)};
    return stored;
}

Status Containers::attachVolumes(QJsonObject *config, const QString &imageId)
{
    QJsonObject host = config->value(QLatin1String("HostConfig")).toObject();
    QJsonArray mounts = host.value(QLatin1String("Mounts")).toArray();
    QSet<QString> targets;
    for (const QJsonValue &m : mounts)
        targets.insert(m.toObject().value(QLatin1String("Target")).toString());
    // The image's VOLUME entries not covered by a mount get anonymous volumes.
    const QJsonObject declared = config->value(QLatin1String("Config"))
                                     .toObject()
                                     .value(QLatin1String("Volumes"))
                                     .toObject();
    for (auto it = declared.constBegin(); it != declared.constEnd(); ++it) {
        if (!targets.contains(it.key()))
            mounts.append(QJsonObject{{QStringLiteral("Type"), QStringLiteral("volume")},
                                      {QStringLiteral("Source"), QString()},
                                      {QStringLiteral("Target"), it.key()},
                                      {QStringLiteral("ReadOnly"), false},
                                      {QStringLiteral("Options"), QString()}});
    }
    Volumes volumes(m_engine);
    // The image's layers, unpacked only when a volume is to be filled from them.
    const auto imageLayers = [&]() -> Result<QStringList> {
        BERTH_TRY_ASSIGN(const auto image, m_engine.metadata().image(imageId));
        if (!image)
            return Error{ErrorCode::NotFound, tr("No such image: %1").arg(imageId)};
        BERTH_TRY(m_engine.ensureUnpacked(image->chainIds));
        QStringList topFirst;
        for (auto it = image->chainIds.crbegin(); it != image->chainIds.crend(); ++it)
            topFirst.append(m_engine.layerDir(*it));
        return topFirst;
    };
    for (int i = 0; i < mounts.size(); ++i) {
        QJsonObject m = mounts[i].toObject();
        if (m.value(QLatin1String("Type")).toString() != QLatin1String("volume"))
            continue;
        const QString name = m.value(QLatin1String("Source")).toString();
        BERTH_TRY_ASSIGN(const VolumeInfo volume, volumes.create(name));
        m.insert(QStringLiteral("Source"), volume.name);
        m.insert(QStringLiteral("Anonymous"), name.isEmpty());
        mounts[i] = m;
        if (!m.value(QLatin1String("VolumeOptions"))
                 .toObject()
                 .value(QLatin1String("NoCopy"))
                 .toBool())
            BERTH_TRY(volumes.copyImageContent(
                volume.name, m.value(QLatin1String("Target")).toString(), imageLayers));
    }
    host.insert(QStringLiteral("Mounts"), mounts);
    config->insert(QStringLiteral("HostConfig"), host);
    return {};
}

void Containers::removeOrphanBundles() const
{
    // create makes the bundle before the record, so only old orphans are a
    // crash's leftovers; a young one may be a create in progress.
    auto records = m_engine.metadata().containers();
    if (!records.ok())
        return;
    QSet<QString> known;
    for (const store::ContainerRecord &r : *records)
        known.insert(r.id);
    const QDir dir(m_engine.root() + QStringLiteral("/containers"));
    const QDateTime old = QDateTime::currentDateTimeUtc().addSecs(-600);
    for (const QFileInfo &entry : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!known.contains(entry.fileName()) && entry.lastModified() < old) {
            (void)runtime::Cgroup::open("berth/" + entry.fileName().toStdString()).destroy();
            (void)fs::removeTree(entry.filePath());
        }
    }
}

Status Containers::rename(const QString &id, const QString &newName)
{
    QString name = newName;
    if (name.startsWith(QLatin1Char('/')))
        name = name.mid(1);
    static const QRegularExpression validName(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$"));
    if (!validName.match(name).hasMatch())
        return Error{ErrorCode::InvalidArgument,
                     tr("Invalid container name (%1), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
                         .arg(name)};
    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (record && record->name == name)
        return Error{ErrorCode::InvalidArgument,
                     tr("Renaming a container with the same name as its current name")};
    BERTH_TRY(m_engine.metadata().renameContainer(id, name));
    (void)recordEvent(QStringLiteral("rename"), id, {{QStringLiteral("name"), name}});
    return {};
}

Result<ContainerInfo> Containers::info(const QString &id, bool withSize) const
{
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    if (!record)
        return Error{ErrorCode::NotFound, tr("No such container: %1").arg(id)};
    const QJsonObject all = ContainerConfig::fromRecord(record->config);
    const QJsonObject config = all.value(QLatin1String("Config")).toObject();
    ContainerInfo out;
    out.id = record->id;
    out.name = record->name;
    out.imageId = record->imageId;
    out.imageName = all.value(QLatin1String("ImageName")).toString();
    out.command = QStringList{all.value(QLatin1String("Path")).toString()} +
                  ContainerConfig::strings(all, "Args");
    out.created = record->created;
    const QJsonObject labels = config.value(QLatin1String("Labels")).toObject();
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it)
        out.labels.insert(it.key(), it.value().toString());
    const QJsonObject bindings = all.value(QLatin1String("HostConfig"))
                                     .toObject()
                                     .value(QLatin1String("PortBindings"))
                                     .toObject();
    for (auto it = bindings.constBegin(); it != bindings.constEnd(); ++it) {
        for (const QJsonValue &b : it.value().toArray()) {
            PortMapping p;
            p.containerPort = it.key().section(QLatin1Char('/'), 0, 0).toInt();
            p.protocol = it.key().section(QLatin1Char('/'), 1);
            p.hostIp = b.toObject().value(QLatin1String("HostIp")).toString();
            p.hostPort = b.toObject().value(QLatin1String("HostPort")).toString().toInt();
            out.ports.append(p);
        }
    }
    BERTH_TRY_ASSIGN(out.state, stateOf(id));
    // While it runs, the ports actually published (-P and port 0 chose them at start).
    if (out.state.isRunning()) {
        auto published = publishedPorts(bundle(id));
        if (published.ok() && !published->isEmpty())
            out.ports = *published;
    }
    if (withSize) {
        out.sizeRw = fs::treeSize(bundle(id) + QStringLiteral("/upper"));
        BERTH_TRY_ASSIGN(const auto image, m_engine.metadata().image(record->imageId));
        out.sizeRootFs = out.sizeRw + (image ? image->size : 0);
    }
    return out;
}

Result<QList<ContainerInfo>> Containers::list(bool withSize) const
{
    removeOrphanBundles();
    BERTH_TRY_ASSIGN(const auto records, m_engine.metadata().containers());
    QList<ContainerInfo> out;
    for (const store::ContainerRecord &r : records) {
        auto one = info(r.id, withSize);
        if (!one.ok() && one.error().code == ErrorCode::NotFound)
            continue; // removed meanwhile
        if (!one.ok())
            return one.error();
        out.append(std::move(one).value());
    }
    return out;
}

QString Containers::logPath(const QString &id) const
{
    return bundle(id) + QLatin1Char('/') + id + QStringLiteral("-json.log");
}

Status Containers::recordEvent(const QString &action, const QString &id,
                               const QMap<QString, QString> &attributes)
{
    store::Event ev;
    ev.type = QStringLiteral("container");
    ev.action = action;
    ev.id = id;
    ev.attributes = attributes;
    if (auto record = m_engine.metadata().container(id); record.ok() && *record) {
        ev.attributes.insert(QStringLiteral("name"), (*record)->name);
        if (!ev.attributes.contains(QStringLiteral("image"))) {
            ev.attributes.insert(QStringLiteral("image"),
                                 ContainerConfig::fromRecord((*record)->config)
                                     .value(QLatin1String("ImageName"))
                                     .toString());
        }
    }
    return m_engine.events().append(ev);
}

} // namespace berth
