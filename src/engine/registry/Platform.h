// Platforms: which image of a multi-platform index (an OCI index or a Docker
// manifest list) a pull takes.
//
// An index lists one manifest per platform ("linux/amd64", "linux/arm/v7", ...),
// often with attestation manifests marked "unknown/unknown" beside them. A pull
// asks for one platform (`--platform`, else the host's) and takes the entry that
// matches it best, the way containerd's platform matcher does:
//   - names are normalized first (x86_64 -> amd64, aarch64 -> arm64, armhf -> arm/v7);
//   - arm64 without a variant is arm64/v8, arm without one is arm/v7;
//   - an arm/v7 host also runs arm/v6 and arm/v5 images, preferring the closest.
// When nothing matches, the error lists the platforms the index does offer.
#pragma once

#include "image/Image.h"
#include "util/Result.h"

#include <QList>
#include <QString>

namespace berth::registry {

struct Platform
{
    QString os;
    QString architecture;
    QString variant;

    // "os/arch[/variant]" or just "arch" (os linux), normalized; anything else
    // is an InvalidArgument error in docker's words.
    static Result<Platform> parse(const QString &text);
    // linux and the architecture this engine runs images for.
    static Platform host();
    // The same platform with normalized names and the default variant filled in.
    Platform normalized() const;
    // "linux/arm64/v8", "linux/amd64".
    QString toString() const;

    bool operator==(const Platform &other) const = default;
};

// One entry of an index: the manifest and the platform it is for (empty when
// the index does not say).
struct IndexEntry
{
    image::Descriptor descriptor;
    Platform platform;
};

// The entry of `entries` that serves `wanted` best; NotFound naming the
// platforms on offer when none can.
Result<IndexEntry> selectPlatform(const QList<IndexEntry> &entries, const Platform &wanted);

} // namespace berth::registry
