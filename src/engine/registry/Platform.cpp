// Platform names and the choice of one manifest from an index (see Platform.h).
#include "registry/Platform.h"

#include <QStringList>

#include <optional>

namespace berth::registry {

namespace {

// The variant number of "v7" (7), or -1 for anything else.
int variantNumber(const QString &variant)
{
    if (!variant.startsWith(QLatin1Char('v')))
        return -1;
    bool ok = false;
    const int n = variant.mid(1).toInt(&ok);
    return ok ? n : -1;
}

// How well an entry's platform serves the wanted one: 0 is exact, larger is
// further away, nothing when it cannot run there.
std::optional<int> distance(const Platform &entry, const Platform &wanted)
{
    if (entry.os.isEmpty() && entry.architecture.isEmpty())
        return 100; // the index does not say; take it only when nothing names the platform
    const Platform e = entry.normalized();
    if (e.os != wanted.os || e.architecture != wanted.architecture)
        return std::nullopt;
    if (e.variant == wanted.variant)
        return 0;
    // Newer 32-bit arm cores run the older instruction sets too.
    if (wanted.architecture == QLatin1String("arm")) {
        const int have = variantNumber(e.variant);
        const int want = variantNumber(wanted.variant);
        if (have > 0 && want > 0 && have < want)
            return want - have;
    }
    return std::nullopt;
}

} // namespace

Result<Platform> Platform::parse(const QString &text)
{
    const QStringList parts = text.trimmed().toLower().split(QLatin1Char('/'));
    Platform p;
    if (parts.size() == 1) {
        p.os = QStringLiteral("linux");
        p.architecture = parts.at(0);
    } else if (parts.size() == 2 || parts.size() == 3) {
        p.os = parts.at(0);
        p.architecture = parts.at(1);
        if (parts.size() == 3)
            p.variant = parts.at(2);
    } else {
        return Error{
            ErrorCode::InvalidArgument,
            tr("\"%1\": invalid platform specifier, expected os/arch[/variant]").arg(text)};
    }
    if (p.os.isEmpty() || p.architecture.isEmpty() || (parts.size() == 3 && p.variant.isEmpty()))
        return Error{ErrorCode::InvalidArgument,
                     tr("\"%1\": unknown operating system or architecture").arg(text)};
    return p.normalized();
}

Platform Platform::host()
{
    return Platform{QStringLiteral("linux"), image::hostArchitecture(), QString()}.normalized();
}

Platform Platform::normalized() const
{
    Platform p{os.toLower(), architecture.toLower(), variant.toLower()};
    if (p.os == QLatin1String("macos"))
        p.os = QStringLiteral("darwin");
    const QString &a = p.architecture;
    if (a == QLatin1String("i386")) {
        p.architecture = QStringLiteral("386");
        p.variant.clear();
    } else if (a == QLatin1String("x86_64") || a == QLatin1String("x86-64") ||
               a == QLatin1String("amd64")) {
        p.architecture = QStringLiteral("amd64");
        if (p.variant == QLatin1String("v1"))
            p.variant.clear();
    } else if (a == QLatin1String("aarch64") || a == QLatin1String("arm64")) {
        p.architecture = QStringLiteral("arm64");
        if (p.variant.isEmpty() || p.variant == QLatin1String("8"))
            p.variant = QStringLiteral("v8");
    } else if (a == QLatin1String("armhf")) {
        p.architecture = QStringLiteral("arm");
        p.variant = QStringLiteral("v7");
    } else if (a == QLatin1String("armel")) {
        p.architecture = QStringLiteral("arm");
        p.variant = QStringLiteral("v6");
    } else if (a == QLatin1String("arm")) {
        if (p.variant.isEmpty())
            p.variant = QStringLiteral("v7");
        else if (!p.variant.startsWith(QLatin1Char('v')))
            p.variant.prepend(QLatin1Char('v'));
    }
    return p;
}

QString Platform::toString() const
{
    QString s = os + QLatin1Char('/') + architecture;
    if (!variant.isEmpty())
        s += QLatin1Char('/') + variant;
    return s;
}

Result<IndexEntry> selectPlatform(const QList<IndexEntry> &entries, const Platform &wanted)
{
    const Platform want = wanted.normalized();
    const IndexEntry *best = nullptr;
    int bestDistance = 0;
    for (const IndexEntry &e : entries) {
        const std::optional<int> d = distance(e.platform, want);
        // The first of equally good entries wins: index order is the publisher's preference.
        if (d && (!best || *d < bestDistance)) {
            best = &e;
            bestDistance = *d;
        }
    }
    if (best)
        return *best;
    QStringList offered;
    for (const IndexEntry &e : entries) {
        const Platform p = e.platform.normalized();
        // Attestations (build provenance, SBOMs) sit in indexes as unknown/unknown.
        if (p.os.isEmpty() || p.os == QLatin1String("unknown"))
            continue;
        if (!offered.contains(p.toString()))
            offered << p.toString();
    }
    return Error{ErrorCode::NotFound,
                 tr("no matching manifest for %1 in the manifest list entries (available: %2)")
                     .arg(want.toString(),
                          offered.isEmpty() ? tr("none") : offered.join(QStringLiteral(", ")))};
}

} // namespace berth::registry
