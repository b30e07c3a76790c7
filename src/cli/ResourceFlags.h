// The resource-limit flags `run`/`create` and `update` share: one declaration
// with docker's names and help, and one parser with docker's messages for a
// bad value, so the two commands cannot drift apart.
#pragma once

#include "Flags.h"
#include "runtime/Spec.h"

#include <QString>

#include <optional>

namespace berth::cli {

struct ResourceFlags
{
    QString memory, memorySwap, cpus, cpuShares, cpuQuota, cpuPeriod, cpusetCpus, pidsLimit;

    void declare(FlagSet &flags);
    // Fills the limits that were given and *nanoCpus (from --cpus); on a bad value
    // returns the usage message naming the flag, as docker's flag parser words it.
    std::optional<QString> parse(runtime::Resources *resources, qint64 *nanoCpus) const;
};

// docker's strconv.ParseInt message for a flag whose value is not an integer.
QString invalidIntegerMessage(const QString &text, const QString &flag);

// One integer flag's value into *out (unchanged when text is empty); on bad
// syntax the message above.
template <typename T>
std::optional<QString> parseIntegerFlag(const QString &text, T *out, const QString &flag)
{
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok)
        return invalidIntegerMessage(text, flag);
    *out = T(v);
    return std::nullopt;
}

} // namespace berth::cli
