// Sizes and durations in go-units' formats (see Units.h).
#include "util/Units.h"

#include <QRegularExpression>

#include <cstdio>
#include <iterator>

namespace berth::units {

namespace {

// go-units' CustomSize("%.<precision>g%s", size, base, units): divide while the size
// reaches the base and a larger unit exists, then print that many significant digits
// (C's %g and Go's %g agree for these values).
QString customSize(double size, double base, const char *const *names, int count, int precision = 4)
{
    int i = 0;
    while (size >= base && i < count - 1) {
        size /= base;
        ++i;
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g%s", precision, size, names[i]);
    return QString::fromLatin1(buffer);
}

Result<qint64> parseSize(const QString &text, qint64 base)
{
    // go-units' grammar: digits with an optional fraction, an optional space, an
    // optional k/m/g/t/p prefix, an optional "i" and an optional "b".
    static const QRegularExpression pattern(
        QStringLiteral("^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$"));
    const QRegularExpressionMatch match = pattern.match(text);
    bool ok = false;
    double size = match.hasMatch() ? match.captured(1).toDouble(&ok) : 0;
    if (!ok)
        return makeError(ErrorCode::InvalidArgument,
                         tr("parse size \"%1\": not a number with an optional unit such as "
                            "512m or 1.5GB")
                             .arg(text));
    const QString prefix = match.captured(2).toLower();
    static const QString prefixes = QStringLiteral("kmgtp");
    if (!prefix.isEmpty()) {
        const qsizetype power = prefixes.indexOf(prefix) + 1;
        for (qsizetype p = 0; p < power; ++p)
            size *= double(base);
    }
    if (size >= 9223372036854775808.0)
        return makeError(ErrorCode::InvalidArgument,
                         tr("parse size \"%1\": value out of range").arg(text));
    return qint64(size);
}

} // namespace

QString humanSize(qint64 bytes)
{
    return humanSizeWithPrecision(bytes, 4);
}

QString humanSizeWithPrecision(qint64 bytes, int precision)
{
    static const char *const names[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    return customSize(double(bytes), 1000.0, names, int(std::size(names)), precision);
}

QString bytesSize(double bytes)
{
    static const char *const names[] = {"B",   "KiB", "MiB", "GiB", "TiB",
                                        "PiB", "EiB", "ZiB", "YiB"};
    return customSize(bytes, 1024.0, names, int(std::size(names)));
}

QString humanDuration(qint64 seconds)
{
    if (seconds < 1)
        return tr("Less than a second");
    if (seconds == 1)
        return tr("1 second");
    if (seconds < 60)
        return tr("%1 seconds").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes == 1)
        return tr("About a minute");
    if (minutes < 60)
        return tr("%1 minutes").arg(minutes);
    // go-units rounds hours to the nearest one: int(d.Hours() + 0.5).
    const qint64 hours = qint64(double(seconds) / 3600.0 + 0.5);
    if (hours == 1)
        return tr("About an hour");
    if (hours < 48)
        return tr("%1 hours").arg(hours);
    if (hours < 24 * 7 * 2)
        return tr("%1 days").arg(hours / 24);
    if (hours < 24 * 30 * 2)
        return tr("%1 weeks").arg(hours / 24 / 7);
    if (hours < 24 * 365 * 2)
        return tr("%1 months").arg(hours / 24 / 30);
    return tr("%1 years").arg(seconds / 3600 / 24 / 365);
}

Result<qint64> fromHumanSize(const QString &text)
{
    return parseSize(text, 1000);
}

Result<qint64> ramInBytes(const QString &text)
{
    return parseSize(text, 1024);
}

} // namespace berth::units
