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
//
// Copy-up (docker's "populate a volume using a container"): when a container
// is created with a volume that is still empty at a path where its image has
// a directory, that directory's content, owners and modes are copied into the
// volume; a volume that holds anything is left as it is, and `nocopy` /
// `volume-nocopy` turn the copy off.
#pragma once

#include "Engine.h"

#include <QDateTime>
#include <QMap>

#include <functional>

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
    // The copy-up for a container mounting the volume at path: nothing unless
    // the volume is empty; imageLayers gives the image's layer directories,
    // topmost first (asked for only then: it may have to unpack them).
    Status copyImageContent(const QString &name, const QString &path,
                            const std::function<Result<QStringList>()> &imageLayers);

private:
    QString dir(const QString &name) const;
    Result<QMap<QString, QStringList>> usage() const; // volume name -> container ids

    Engine &m_engine;
};

} // namespace berth
