// See ResourceFlags.h.
#include "ResourceFlags.h"

#include "util/Units.h"

namespace berth::cli {

namespace {

// A size ("64m", "1g") or -1 for unlimited; unchanged when text is empty.
std::optional<QString> parseBytesFlag(const QString &text, int64_t *out, const QString &flag)
{
    if (text.isEmpty())
        return std::nullopt;
    if (text == QLatin1String("-1")) {
        *out = -1;
        return std::nullopt;
    }
    auto v = units::ramInBytes(text);
    if (!v.ok())
        return QStringLiteral("invalid argument \"%1\" for \"%2\" flag: %3")
            .arg(text, flag, v.error().message);
    *out = *v;
    return std::nullopt;
}

} // namespace

QString invalidIntegerMessage(const QString &text, const QString &flag)
{
    return QStringLiteral("invalid argument \"%1\" for \"%2\" flag: "
                          "strconv.ParseInt: parsing \"%1\": invalid syntax")
        .arg(text, flag);
}

void ResourceFlags::declare(FlagSet &flags)
{
    flags.addString(QStringLiteral("memory"), QLatin1Char('m'), &memory,
                    QStringLiteral("Memory limit"), QStringLiteral("bytes"));
    flags.addString(QStringLiteral("memory-swap"), QChar(), &memorySwap,
                    QStringLiteral("Swap limit equal to memory plus swap: '-1' to enable "
                                   "unlimited swap"),
                    QStringLiteral("bytes"));
    flags.addString(QStringLiteral("cpus"), QChar(), &cpus, QStringLiteral("Number of CPUs"),
                    QStringLiteral("decimal"));
    flags.addString(QStringLiteral("cpu-shares"), QLatin1Char('c'), &cpuShares,
                    QStringLiteral("CPU shares (relative weight)"), QStringLiteral("int"));
    flags.addString(QStringLiteral("cpu-quota"), QChar(), &cpuQuota,
                    QStringLiteral("Limit CPU CFS (Completely Fair Scheduler) quota"),
                    QStringLiteral("int"));
    flags.addString(QStringLiteral("cpu-period"), QChar(), &cpuPeriod,
                    QStringLiteral("Limit CPU CFS (Completely Fair Scheduler) period"),
                    QStringLiteral("int"));
    flags.addString(QStringLiteral("cpuset-cpus"), QChar(), &cpusetCpus,
                    QStringLiteral("CPUs in which to allow execution (0-3, 0,1)"));
    flags.addString(QStringLiteral("pids-limit"), QChar(), &pidsLimit,
                    QStringLiteral("Tune container pids limit (set -1 for unlimited)"),
                    QStringLiteral("int"));
}

std::optional<QString> ResourceFlags::parse(runtime::Resources *r, qint64 *nanoCpus) const
{
    if (auto bad = parseBytesFlag(memory, &r->memory, QStringLiteral("-m, --memory")))
        return bad;
    if (auto bad = parseBytesFlag(memorySwap, &r->memorySwap, QStringLiteral("--memory-swap")))
        return bad;
    const struct
    {
        const QString &text;
        int64_t *out;
        const char *flag;
    } integers[] = {
        {cpuShares, &r->cpuShares, "-c, --cpu-shares"},
        {cpuQuota, &r->cpuQuota, "--cpu-quota"},
        {cpuPeriod, &r->cpuPeriod, "--cpu-period"},
        {pidsLimit, &r->pidsLimit, "--pids-limit"},
    };
    for (const auto &i : integers) {
        if (auto bad = parseIntegerFlag(i.text, i.out, QLatin1String(i.flag)))
            return bad;
    }
    if (!cpus.isEmpty()) {
        bool ok = false;
        const double value = cpus.toDouble(&ok);
        if (!ok || value < 0)
            return QStringLiteral("invalid argument \"%1\" for \"--cpus\" flag: failed to parse "
                                  "%1 as a rational number")
                .arg(cpus);
        *nanoCpus = qint64(value * 1e9);
    }
    r->cpusetCpus = cpusetCpus.toStdString();
    return std::nullopt;
}

} // namespace berth::cli
