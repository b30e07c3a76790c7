// berth logs / container logs: prints a container's json-file log as docker
// does (each entry to stdout or stderr as it was written, the rotated files
// first), following it with -f across rotations.
#include "Command.h"

#include "Containers.h"
#include "runtime/JsonLog.h"
#include "util/Units.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>

#include <unistd.h>

namespace berth::cli {

namespace {

struct LogFilter
{
    QDateTime since;
    QDateTime until;
    bool timestamps = false;
};

// --since/--until: RFC 3339, a unix timestamp, or a duration back from now ("10m").
std::optional<QDateTime> parseTime(const QString &text)
{
    if (text.isEmpty())
        return QDateTime();
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (t.isValid())
        return t;
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok)
        return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000), Qt::UTC);
    static const QRegularExpression duration(QStringLiteral("^(\\d+)(ms|s|m|h)$"));
    const auto m = duration.match(text);
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2);
        const qint64 ms = unit == QLatin1String("ms")  ? n
                          : unit == QLatin1String("s") ? n * 1000
                          : unit == QLatin1String("m") ? n * 60000
                                                       : n * 3600000;
        return QDateTime::currentDateTimeUtc().addMSecs(-ms);
    }
    return std::nullopt;
}

// Writes one json-file line; false when it is not one.
void emitLine(const QByteArray &line, const LogFilter &filter)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    if (o.isEmpty())
        return;
    const QString time = o.value(QLatin1String("time")).toString();
    if (filter.since.isValid() || filter.until.isValid()) {
        const QDateTime t = QDateTime::fromString(time, Qt::ISODateWithMs);
        if ((filter.since.isValid() && t < filter.since) ||
            (filter.until.isValid() && t > filter.until))
            return;
    }
    QByteArray text = o.value(QLatin1String("log")).toString().toUtf8();
    if (filter.timestamps)
        text.prepend(time.toUtf8() + ' ');
    const int fd = o.value(QLatin1String("stream")).toString() == QLatin1String("stderr")
                       ? STDERR_FILENO
                       : STDOUT_FILENO;
    qint64 off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.constData() + off, size_t(text.size() - off));
        if (n <= 0)
            return;
        off += n;
    }
}

class Logs : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("logs"), QStringLiteral("container logs")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] CONTAINER"); }
    QString summary() const override { return QStringLiteral("Fetch the logs of a container"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool follow = false, timestamps = false, details = false;
        QString tail = QStringLiteral("all"), since, until;
        FlagSet flags;
        flags.addBool(QStringLiteral("follow"), QLatin1Char('f'), &follow,
                      QStringLiteral("Follow log output"));
        flags.addBool(QStringLiteral("timestamps"), QLatin1Char('t'), &timestamps,
                      QStringLiteral("Show timestamps"));
        flags.addBool(QStringLiteral("details"), QChar(), &details,
                      QStringLiteral("Show extra details provided to logs"));
        flags.addString(QStringLiteral("tail"), QLatin1Char('n'), &tail,
                        QStringLiteral("Number of lines to show from the end of the logs"));
        flags.addString(QStringLiteral("since"), QChar(), &since,
                        QStringLiteral("Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") "
                                       "or relative (e.g. \"42m\" for 42 minutes)"));
        flags.addString(QStringLiteral("until"), QChar(), &until,
                        QStringLiteral("Show logs before a timestamp (e.g. "
                                       "\"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for "
                                       "42 minutes)"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        LogFilter filter;
        filter.timestamps = timestamps;
        const auto sinceTime = parseTime(since);
        const auto untilTime = parseTime(until);
        if (!sinceTime || !untilTime)
            return ctx.fail(
                QStringLiteral("invalid value for \"%1\"")
                    .arg(!sinceTime ? QStringLiteral("since") : QStringLiteral("until")));
        filter.since = *sinceTime;
        filter.until = *untilTime;
        int tailN = -1;
        if (tail != QLatin1String("all")) {
            bool ok = false;
            tailN = tail.toInt(&ok);
            if (!ok)
                tailN = -1;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().first());
        if (!id.ok()) {
            ctx.err << "Error response from daemon: " << id.error().message << '\n';
            return ExitError;
        }
        runtime::JsonLogReader reader(containers.logPath(*id).toStdString());
        std::vector<std::string> entries;
        auto readFailed = [&](const runtime::Failure &failure) {
            return ctx.fail(berth::tr("read the log of container %1: %2")
                                .arg(id->left(12), QString::fromStdString(failure.message())));
        };
        if (runtime::Outcome failed = reader.read(&entries))
            return readFailed(*failed);
        const size_t skip =
            tailN >= 0 && entries.size() > size_t(tailN) ? entries.size() - size_t(tailN) : 0;
        for (size_t i = skip; i < entries.size(); ++i)
            emitLine(QByteArray::fromStdString(entries[i]), filter);
        if (!follow)
            return ExitOk;

        // Follow until the container has stopped and the log is drained. Whether
        // it runs is looked up before a read, so what it wrote before it ended is
        // read after; the lookup (a database query) runs at most every 100 ms
        // however fast the log wakes us.
        QElapsedTimer sinceLookup;
        bool running = true;
        while (!Context::interrupted) {
            if (!sinceLookup.isValid() || sinceLookup.elapsed() >= 100) {
                auto info = containers.info(*id);
                running = info.ok() && (info->state.isRunning() ||
                                        info->state.status == ContainerState::Restarting);
                sinceLookup.restart();
            }
            entries.clear();
            if (runtime::Outcome failed = reader.read(&entries))
                return readFailed(*failed);
            for (const std::string &entry : entries)
                emitLine(QByteArray::fromStdString(entry), filter);
            if (!running)
                break;
            reader.wait(100);
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeLogsCommand()
{
    return std::make_shared<Logs>();
}

} // namespace berth::cli
