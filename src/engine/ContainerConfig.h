// A container's stored configuration: docker's Config and HostConfig objects
// (the shapes `docker inspect` shows), made from ContainerOptions at create,
// checked there with docker's messages, and read back at start and inspect.
// The parsers for docker's option syntaxes (-p, -v, --mount, --ulimit,
// --restart, --log-opt sizes, signal names) live here so the CLI and the GUI
// read them the same way.
#pragma once

#include "Containers.h"

#include <QJsonObject>

#include <optional>

namespace berth::ContainerConfig {

// Checks options against the image and returns {"Path", "Args", "Config",
// "HostConfig", "ImageName"} as stored in the container record.
Result<QJsonObject> make(const ContainerOptions &options, const QString &id,
                         const image::ImageConfig &image);
QJsonObject fromRecord(const QByteArray &stored);

QStringList strings(const QJsonObject &o, const char *key);

// "-p [ip:][hostPort:]containerPort[/proto]" (ranges "8000-8001:80-81").
Result<QList<PortMapping>> parsePublish(const QString &spec);
// "-v SRC:DST[:ro|rw]" (SRC a path: bind; a name: volume; "-v DST": anonymous).
Result<VolumeMount> parseVolume(const QString &spec);
// "--mount type=bind,source=..,target=..,readonly".
Result<VolumeMount> parseMount(const QString &spec);
// "--tmpfs /path[:options]".
VolumeMount parseTmpfs(const QString &spec);
// "--ulimit nofile=1024:2048" -> name, soft, hard.
Status parseUlimit(const QString &spec, QString *name, qint64 *soft, qint64 *hard);
Result<int> rlimitResource(const QString &name);
// "on-failure:3" -> ("on-failure", 3).
Status parseRestart(const QString &spec, QString *name, int *maxRetries);
// "SIGTERM", "TERM", "15" -> 15.
std::optional<int> signalNumber(const QString &name);
// --log-opt max-size ("10m") in bytes, 0 when unset.
qint64 logMaxSize(const QJsonObject &logConfig);
// Go's time.ParseDuration, as docker's duration flags read it: "1m30s",
// "1.5s", "500ms", "0"; in nanoseconds.
Result<qint64> parseDuration(const QString &text);
// The checks docker's CLI makes of --health-* and --no-healthcheck.
Status checkHealthOptions(const HealthOptions &health);

} // namespace berth::ContainerConfig
