// The engine side of a container's network: from HostConfig.NetworkMode,
// PortBindings and PublishAllPorts (plus Config.ExposedPorts for -P) to the
// runtime spec's pasta flag and port forwards, and the published mapping
// that `berth port`, `ps` and `inspect` show.
//
// At each start, buildSpec calls setUpContainerNetwork: host port 0 and the
// ports -P publishes get a free host port then, every host port is checked
// to be free (docker's "port is already allocated" otherwise), and the result
// is written to <bundle>/ports, one "80/tcp 0.0.0.0 32768" line per mapping,
// which publishedPorts reads back. A port published without an address is
// one dual-stack socket and two lines, "0.0.0.0" and, when the host has
// IPv6, "::", as docker lists it.
//
// --network container:<name|id> is the Containers members defined here:
// resolveNetworkContainer at create, joinNetworkOf at start (Containers.h).
#pragma once

#include "Containers.h"
#include "runtime/Spec.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace berth {

// config and hostConfig are the container's Config and HostConfig objects.
Status setUpContainerNetwork(const QJsonObject &config, const QJsonObject &hostConfig,
                             const QString &bundleDir, runtime::Spec *spec);

// The mapping of the container's last start; empty when it publishes nothing.
Result<QList<PortMapping>> publishedPorts(const QString &bundleDir);

} // namespace berth
