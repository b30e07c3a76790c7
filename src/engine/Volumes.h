// Volumes: named directories that outlive containers (docker's "local" driver).
//
//   <root>/volumes/<name>/_data        what containers see at the mount point
//   <root>/volumes/<name>/volume.json  name, labels, creation time, anonymous or not
//
// A volume is created by `volume create`, or on the fly when a container names
// one that does not exist (`-v data:/var/lib/x`), or anonymously (64 hex
// characters) for `-v /path` and the image's VOLUME entries. It is in use while
// any container record mounts it; `rm -v` of the container removes its anonymous
// volumes, `volume prune` the unused anonymous ones (all unused with -a).
#pragma once

#include "Engine.h"

#include <QDateTime>
#include <QMap>

namespace berth {

struct VolumeInfo
{
    QString name;
    QString mountpoint; // .../volumes/<name>/_data
    QDateTime created;
    QMap<QString, QString> labels;
    bool anonymous = false;
    QStringList usedBy; // container ids
};

class Volumes
{
public:
    explicit Volumes(Engine &engine);

    // Creates the volume (a random anonymous name when name is empty); an
    // existing volume of that name is returned as it is, as docker does.
    Result<VolumeInfo> create(const QString &name, const QMap<QString, QString> &labels = {},
                              bool anonymous = false);
    Result<VolumeInfo> info(const QString &name) const;
    Result<QList<VolumeInfo>> list() const; // by name
    // In use -> Conflict naming the containers, unless force (docker's -f only
    // skips "no such volume"; a volume in use is never removed).
    Status remove(const QString &name, bool force);
    // Unused volumes: anonymous ones, or all with `all`. Returns the names and bytes freed.
    Result<QStringList> prune(bool all, qint64 *reclaimed);
    static bool validName(const QString &name);

private:
    QString dir(const QString &name) const;
    Result<QMap<QString, QStringList>> usage() const; // volume name -> container ids

    Engine &m_engine;
};

} // namespace berth
