// Human-readable sizes and durations, written and read exactly as Docker's
// github.com/docker/go-units does, so `berth images`, `ps` and `run -m 512m` print
// and accept the same text as `docker`.
#pragma once

#include "util/Result.h"

#include <QString>

namespace berth::units {

// Decimal units (1000), four significant digits: 1234567 -> "1.235MB" (HumanSize).
QString humanSize(qint64 bytes);
// The same with `precision` significant digits (HumanSizeWithPrecision); the docker
// CLI's tables (images, history, system df) use 3: 1982361 -> "1.98MB".
QString humanSizeWithPrecision(qint64 bytes, int precision);
// Binary units (1024), four significant digits: 1048576 -> "1MiB" (BytesSize).
QString bytesSize(double bytes);
// "Less than a second", "About a minute", "3 hours", "2 weeks" (HumanDuration).
QString humanDuration(qint64 seconds);
// "10", "1.5kB", "32 MB" with decimal multipliers (FromHumanSize).
Result<qint64> fromHumanSize(const QString &text);
// "512m", "1g", "64KiB" with binary multipliers, as `docker run -m` reads them (RAMInBytes).
Result<qint64> ramInBytes(const QString &text);

} // namespace berth::units
