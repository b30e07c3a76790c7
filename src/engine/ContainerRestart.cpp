// Restart policies across a reboot or a killed shim: with no daemon, nothing
// is left to apply a policy once a container's berth-shim is gone, so the
// engine does it the next time it is opened (Engine::open) and `berth system
// start` does it on demand.
//
// Each container started with a policy other than "no" has a small record
// <root>/restart/<id>, one "key value" line per field:
//   boot     the boot (/proc/sys/kernel/random/boot_id) it last ran in
//   shim     its berth-shim's pid in that boot
//   stopped  1 once the user stopped it (berth stop)
//   died     1 once its shim was found dead without having recorded the end
//   failed   1 once a restart was refused or failed in that boot: not retried
//            before the next boot
// so that opening the engine costs one small read and one liveness check per
// such container, and nothing at all without any.
//
// docker's rules ("Start containers automatically"), with a reboot standing
// in for the daemon's restart:
//   after a reboot  always: started, even when the user had stopped it;
//                   unless-stopped: started unless the user had stopped it;
//                   on-failure: not started ("It doesn't restart the container
//                   if the daemon restarts").
//   a shim killed   its container exited (137) without the shim applying the
//   in this boot    policy, so it is applied now: always and unless-stopped
//                   start it, on-failure while retries are left.
#include "Containers.h"

#include "ContainerConfig.h"
#include "runtime/ShimState.h"
#include "util/Fs.h"

#include <QFile>
#include <QJsonObject>

#include <dirent.h>

namespace berth {

namespace {

struct RestartRecord
{
    QByteArray boot;
    pid_t shim = 0;
    bool stopped = false;
    bool died = false;
    bool failed = false;
};

std::optional<RestartRecord> parseRecord(const QByteArray &text)
{
    RestartRecord r;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype space = line.indexOf(' ');
        if (space <= 0)
            continue;
        const QByteArray key = line.left(space);
        const QByteArray value = line.mid(space + 1);
        if (key == "boot")
            r.boot = value;
        else if (key == "shim")
            r.shim = value.toInt();
        else if (key == "stopped")
            r.stopped = value == "1";
        else if (key == "died")
            r.died = value == "1";
        else if (key == "failed")
            r.failed = value == "1";
    }
    if (r.boot.isEmpty())
        return std::nullopt;
    return r;
}

QByteArray serializeRecord(const RestartRecord &r)
{
    QByteArray out = "boot " + r.boot + "\nshim " + QByteArray::number(r.shim) + '\n';
    if (r.stopped)
        out += "stopped 1\n";
    if (r.died)
        out += "died 1\n";
    if (r.failed)
        out += "failed 1\n";
    return out;
}

// Entry names of a directory without a stat per entry (QDir stats each one).
QStringList fileNames(const QString &dir)
{
    QStringList out;
    DIR *d = ::opendir(QFile::encodeName(dir).constData());
    if (!d)
        return out;
    while (const dirent *e = ::readdir(d)) {
        if (e->d_name[0] != '.')
            out.append(QString::fromLatin1(e->d_name));
    }
    ::closedir(d);
    return out;
}

} // namespace

QString Containers::currentBootId()
{
    // BERTH_BOOT_ID is for tests only: it lets them simulate a reboot.
    static const QString boot = [] {
        const QByteArray fromEnv = qgetenv("BERTH_BOOT_ID");
        if (!fromEnv.isEmpty())
            return QString::fromLatin1(fromEnv);
        auto read = fs::readFile(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        return read.ok() ? QString::fromLatin1(read->trimmed()) : QString();
    }();
    return boot;
}

QString Containers::restartRecordPath(const QString &id) const
{
    return m_engine.root() + QStringLiteral("/restart/") + id;
}

void Containers::recordRun(const QString &id, const QString &policy, pid_t shimPid) const
{
    const QString path = restartRecordPath(id);
    if (policy.isEmpty() || policy == QLatin1String("no")) {
        QFile::remove(path);
        return;
    }
    RestartRecord r;
    r.boot = currentBootId().toLatin1();
    r.shim = shimPid;
    // Durable: the record is what brings the container back after a power cut.
    if (fs::makeDirs(m_engine.root() + QStringLiteral("/restart"), 0700).ok())
        (void)fs::writeFileAtomic(path, serializeRecord(r), 0600);
}

void Containers::markRun(const QString &id, RestartMark mark) const
{
    const QString path = restartRecordPath(id);
    auto text = fs::readFile(path);
    if (!text.ok())
        return; // no policy to apply: nothing to remember
    std::optional<RestartRecord> r = parseRecord(*text);
    if (!r)
        return;
    switch (mark) {
    case RestartMark::StoppedByUser:
        r->stopped = true;
        break;
    case RestartMark::ShimDied:
        if (r->died)
            return;
        r->died = true;
        break;
    case RestartMark::Failed:
        r->boot = currentBootId().toLatin1();
        r->failed = true;
        break;
    }
    (void)fs::writeFileAtomic(path, serializeRecord(*r), 0600);
}

void Containers::forgetRun(const QString &id) const
{
    QFile::remove(restartRecordPath(id));
}

Result<QStringList> Containers::restartDue()
{
    const QString dir = m_engine.root() + QStringLiteral("/restart");
    const QStringList ids = fileNames(dir);
    if (ids.isEmpty())
        return QStringList();
    const QByteArray boot = currentBootId().toLatin1();
    // Whether the record asks for a look: a reboot since, or a shim gone in this boot.
    auto needsLook = [&](const std::optional<RestartRecord> &r) {
        if (!r || r->boot != boot)
            return true;
        if (r->stopped || r->failed)
            return false;
        return r->died || !shimAlive(r->shim);
    };
    QStringList due;
    for (const QString &id : ids) {
        auto text = fs::readFile(dir + QLatin1Char('/') + id);
        if (text.ok() && needsLook(parseRecord(*text)))
            due.append(id);
    }
    if (due.isEmpty())
        return QStringList();

    // One pass at a time: a second CLI opening the engine meanwhile finds the
    // records rewritten by the first pass's starts and leaves them alone.
    BERTH_TRY_ASSIGN(FileLock lock,
                     FileLock::acquire(m_engine.root() + QStringLiteral("/locks/restart.lock")));
    QStringList started;
    for (const QString &id : due) {
        auto text = fs::readFile(dir + QLatin1Char('/') + id);
        if (!text.ok())
            continue; // removed meanwhile
        const std::optional<RestartRecord> r = parseRecord(*text);
        if (!needsLook(r))
            continue;
        const auto record = m_engine.metadata().container(id);
        if (!record.ok()) {
            markRun(id, RestartMark::Failed); // one container's trouble is not the others'
            continue;
        }
        if (!*record || !r) {
            forgetRun(id);
            continue;
        }
        const QJsonObject policy = ContainerConfig::fromRecord((*record)->config)
                                       .value(QLatin1String("HostConfig"))
                                       .toObject()
                                       .value(QLatin1String("RestartPolicy"))
                                       .toObject();
        const QString name = policy.value(QLatin1String("Name")).toString();
        const int maxRetries = policy.value(QLatin1String("MaximumRetryCount")).toInt();

        // What the shim left: "running" means it died before recording the end.
        runtime::ShimState shim;
        const bool shimLeftRunning =
            !runtime::readStateFile((bundle(id) + QStringLiteral("/state")).toStdString(), &shim) &&
            shim.status != "exited";
        const auto state = stateOf(id);
        if (!state.ok()) {
            markRun(id, RestartMark::Failed);
            continue;
        }
        if (state->isRunning() || state->status == ContainerState::Restarting)
            continue; // started by someone else meanwhile
        bool restart = false;
        if (r->boot != boot) {
            restart = name == QLatin1String("always") ||
                      (name == QLatin1String("unless-stopped") && !r->stopped);
            if (!restart) {
                forgetRun(id); // nothing will bring it back but the user
                continue;
            }
        } else if (r->died || shimLeftRunning) {
            restart = name == QLatin1String("always") || name == QLatin1String("unless-stopped") ||
                      (name == QLatin1String("on-failure") &&
                       (maxRetries <= 0 || state->restartCount < maxRetries));
        }
        // Otherwise the shim ended the container itself, by its policy.
        if (!restart || !start(id).ok()) {
            markRun(id, RestartMark::Failed);
            continue;
        }
        started.append(id);
    }
    return started;
}

} // namespace berth
