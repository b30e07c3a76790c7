// `inspect` for containers: docker's container JSON, from the record, the
// bundle and the shim's state.
#include "ContainerConfig.h"
#include "Containers.h"

#include <QJsonArray>

namespace berth {

namespace {

QString dockerTime(const QDateTime &t)
{
    if (!t.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000000Z"));
}

} // namespace

Result<json::Value> Containers::inspect(const QString &id, bool withSize) const
{
    BERTH_TRY_ASSIGN(const ContainerInfo info, this->info(id, withSize));
    BERTH_TRY_ASSIGN(const auto record, m_engine.metadata().container(id));
    const QJsonObject all = ContainerConfig::fromRecord(record ? record->config : "{}");
    const QString dir = bundle(id);

    json::Value out = json::Value::object();
    out.insert(QStringLiteral("Id"), id);
    out.insert(QStringLiteral("Created"), dockerTime(info.created));
    out.insert(QStringLiteral("Path"), info.command.value(0));
    out.insert(QStringLiteral("Args"), json::Value::fromStringList(info.command.mid(1)));
    const ContainerState &s = info.state;
    json::Value state = json::Value::object();
    state.insert(QStringLiteral("Status"), s.statusName());
    state.insert(QStringLiteral("Running"),
                 s.status == ContainerState::Running || s.status == ContainerState::Paused);
    state.insert(QStringLiteral("Paused"), s.status == ContainerState::Paused);
    state.insert(QStringLiteral("Restarting"), s.status == ContainerState::Restarting);
    state.insert(QStringLiteral("OOMKilled"), s.oomKilled);
    state.insert(QStringLiteral("Dead"), s.status == ContainerState::Dead);
    state.insert(QStringLiteral("Pid"), s.pid);
    state.insert(QStringLiteral("ExitCode"), s.exitCode);
    state.insert(QStringLiteral("Error"), s.error);
    state.insert(QStringLiteral("StartedAt"), dockerTime(s.startedAt));
    state.insert(QStringLiteral("FinishedAt"), dockerTime(s.finishedAt));
    if (!s.health.status.empty()) {
        json::Value health = json::Value::object();
        health.insert(QStringLiteral("Status"), QString::fromStdString(s.health.status));
        health.insert(QStringLiteral("FailingStreak"), s.health.failingStreak);
        json::Value log = json::Value::array();
        for (const runtime::HealthResult &r : s.health.log) {
            json::Value entry = json::Value::object();
            entry.insert(QStringLiteral("Start"), QString::fromStdString(r.start));
            entry.insert(QStringLiteral("End"), QString::fromStdString(r.end));
            entry.insert(QStringLiteral("ExitCode"), r.exitCode);
            entry.insert(QStringLiteral("Output"), QString::fromStdString(r.output));
            log.append(entry);
        }
        health.insert(QStringLiteral("Log"), log);
        state.insert(QStringLiteral("Health"), health);
    }
    out.insert(QStringLiteral("State"), state);
    out.insert(QStringLiteral("Image"), info.imageId);
    out.insert(QStringLiteral("ResolvConfPath"), dir + QStringLiteral("/resolv.conf"));
    out.insert(QStringLiteral("HostnamePath"), dir + QStringLiteral("/hostname"));
    out.insert(QStringLiteral("HostsPath"), dir + QStringLiteral("/hosts"));
    out.insert(QStringLiteral("LogPath"), logPath(id));
    out.insert(QStringLiteral("Name"), QLatin1Char('/') + info.name);
    out.insert(QStringLiteral("RestartCount"), s.restartCount);
    out.insert(QStringLiteral("Driver"), m_engine.storageDriver());
    out.insert(QStringLiteral("Platform"), QStringLiteral("linux"));
    out.insert(QStringLiteral("MountLabel"), QString());
    out.insert(QStringLiteral("ProcessLabel"), QString());
    out.insert(QStringLiteral("AppArmorProfile"), QString());
    out.insert(QStringLiteral("ExecIDs"), json::Value());
    out.insert(QStringLiteral("HostConfig"),
               json::Value::fromQJson(all.value(QLatin1String("HostConfig"))));
    if (withSize) {
        out.insert(QStringLiteral("SizeRw"), info.sizeRw);
        out.insert(QStringLiteral("SizeRootFs"), info.sizeRootFs);
    }
    json::Value data = json::Value::object();
    QStringList lowers;
    if (auto chain = record ? layerChain(*record) : Result<QStringList>(QStringList());
        chain.ok()) {
        for (auto it = chain->crbegin(); it != chain->crend(); ++it)
            lowers.append(m_engine.layerDir(*it));
    }
    data.insert(QStringLiteral("LowerDir"), lowers.join(QLatin1Char(':')));
    data.insert(QStringLiteral("MergedDir"), dir + QStringLiteral("/rootfs"));
    data.insert(QStringLiteral("UpperDir"), dir + QStringLiteral("/upper"));
    data.insert(QStringLiteral("WorkDir"), dir + QStringLiteral("/work"));
    json::Value graph = json::Value::object();
    graph.insert(QStringLiteral("Data"), data);
    graph.insert(QStringLiteral("Name"), m_engine.storageDriver());
    out.insert(QStringLiteral("GraphDriver"), graph);
    json::Value mounts = json::Value::array();
    for (const QJsonValue &v : all.value(QLatin1String("HostConfig"))
                                   .toObject()
                                   .value(QLatin1String("Mounts"))
                                   .toArray()) {
        const QJsonObject m = v.toObject();
        json::Value mount = json::Value::object();
        mount.insert(QStringLiteral("Type"), m.value(QLatin1String("Type")).toString());
        mount.insert(QStringLiteral("Source"), m.value(QLatin1String("Source")).toString());
        mount.insert(QStringLiteral("Destination"), m.value(QLatin1String("Target")).toString());
        mount.insert(QStringLiteral("Mode"), QString());
        mount.insert(QStringLiteral("RW"), !m.value(QLatin1String("ReadOnly")).toBool());
        mount.insert(QStringLiteral("Propagation"), QStringLiteral("rprivate"));
        mounts.append(mount);
    }
    out.insert(QStringLiteral("Mounts"), mounts);
    out.insert(QStringLiteral("Config"),
               json::Value::fromQJson(all.value(QLatin1String("Config"))));
    json::Value network = json::Value::object();
    json::Value ports = json::Value::object();
    for (const PortMapping &p : info.ports) {
        const QString key = QStringLiteral("%1/%2").arg(p.containerPort).arg(p.protocol);
        json::Value list = ports.value(key).isArray() ? ports.value(key) : json::Value::array();
        json::Value binding = json::Value::object();
        binding.insert(QStringLiteral("HostIp"),
                       p.hostIp.isEmpty() ? QStringLiteral("0.0.0.0") : p.hostIp);
        binding.insert(QStringLiteral("HostPort"), QString::number(p.hostPort));
        list.append(binding);
        ports.insert(key, list);
    }
    network.insert(QStringLiteral("Ports"), ports);
    out.insert(QStringLiteral("NetworkSettings"), network);
    return out;
}

} // namespace berth
