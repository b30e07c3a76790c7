// Snapshots: a writable view of a layer chain, the root filesystem of a container
// (or of a build step). Layers stay immutable; each snapshot owns one fresh upper.
//
//   driver->prepare(lowers, stateDir, target)  // mount (overlay) or materialize (copy)
//   ... the container writes into target ...
//   driver->changes(...)                      // its diff, as a layer tar (commit)
//   driver->release(stateDir, target)          // unmount, remove upper
//
// `overlay` stacks the layer directories as overlayfs lowerdirs with
// stateDir/upper and stateDir/work mounted on target; `copy` copies the layers
// bottom first into target, carrying out their whiteouts and opaque markers
// (the fallback where overlayfs cannot be mounted). release() unmounts target
// (detaching it when busy) and removes target, upper and work; the rest of
// stateDir belongs to the caller.
#pragma once

#include "layer/Diff.h"
#include "util/Result.h"

#include <QStringList>

#include <memory>

namespace berth::layer {

class SnapshotDriver
{
public:
    virtual ~SnapshotDriver() = default;
    virtual QString name() const = 0;
    // lowers: layer diff directories, bottom (base) first. target is created.
    virtual Status prepare(const QStringList &lowersBottomFirst, const QString &stateDir,
                           const QString &target) = 0;
    virtual Status release(const QString &stateDir, const QString &target) = 0;
    // The snapshot's changes against its lowers as a layer tar.
    virtual Result<DiffResult> changes(const QStringList &lowersBottomFirst,
                                       const QString &stateDir, const QString &target,
                                       Writer &out) = 0;

    // "overlay" where a test mount under probeDir works, else "copy".
    static std::unique_ptr<SnapshotDriver> detect(const QString &probeDir);
    static std::unique_ptr<SnapshotDriver> create(const QString &name);
};

} // namespace berth::layer
