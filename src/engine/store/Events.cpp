// The events journal behind Events.h: docker-shaped JSON lines, appended under
// an exclusive lock on the journal itself, read back with torn lines skipped.
#include "store/Events.h"

#include "util/FileLock.h"
#include "util/Fs.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::store {

namespace {

constexpr qint64 NanoPerSecond = 1000000000;
// Enough to hold the last line of any event we write.
constexpr qint64 TailBytes = 64 * 1024;

qint64 nowNano()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * NanoPerSecond + ts.tv_nsec;
}

bool hasLegacyFields(const QString &type)
{
    return type == QLatin1String("image") || type == QLatin1String("container");
}

// The journal's last bytes, to learn whether it ends in a newline and what time
// its last complete line carries.
Result<QByteArray> readTail(int fd, const QString &path)
{
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0)
        return Error::fromErrno(errno, tr("stat events journal"), path);
    const qint64 size = st.st_size;
    const qint64 start = size > TailBytes ? size - TailBytes : 0;
    QByteArray tail(size - start, Qt::Uninitialized);
    qint64 done = 0;
    while (done < tail.size()) {
        const ssize_t n = ::pread(fd, tail.data() + done, size_t(tail.size() - done), start + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error::fromErrno(errno, tr("read events journal"), path);
        if (n == 0)
            break;
        done += n;
    }
    tail.truncate(done);
    return tail;
}

// The timeNano of the last complete, parsable line in tail, or 0.
qint64 lastTime(const QByteArray &tail)
{
    qsizetype end = tail.lastIndexOf('\n');
    while (end > 0) {
        const qsizetype begin = tail.lastIndexOf('\n', end - 1) + 1;
        const QJsonDocument doc = QJsonDocument::fromJson(tail.mid(begin, end - begin));
        if (doc.isObject())
            return Event::fromJson(doc.object()).timeNano;
        end = begin - 1;
    }
    return 0;
}

} // namespace

QJsonObject Event::toJson() const
{
    QJsonObject attrs;
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
        attrs.insert(it.key(), it.value());
    QJsonObject o;
    if (hasLegacyFields(type)) {
        o.insert(QStringLiteral("status"), action);
        o.insert(QStringLiteral("id"), id);
        const QString from = attributes.value(QStringLiteral("image"));
        if (type == QLatin1String("container") && !from.isEmpty())
            o.insert(QStringLiteral("from"), from);
    }
    o.insert(QStringLiteral("Type"), type);
    o.insert(QStringLiteral("Action"), action);
    o.insert(QStringLiteral("Actor"),
             QJsonObject{{QStringLiteral("ID"), id}, {QStringLiteral("Attributes"), attrs}});
    o.insert(QStringLiteral("scope"), QStringLiteral("local"));
    o.insert(QStringLiteral("time"), timeNano / NanoPerSecond);
    o.insert(QStringLiteral("timeNano"), timeNano);
    return o;
}

Event Event::fromJson(const QJsonObject &o)
{
    Event e;
    e.type = o.value(QLatin1String("Type")).toString();
    e.action = o.value(QLatin1String("Action")).toString();
    if (e.action.isEmpty())
        e.action = o.value(QLatin1String("status")).toString();
    const QJsonObject actor = o.value(QLatin1String("Actor")).toObject();
    e.id = actor.value(QLatin1String("ID")).toString();
    if (e.id.isEmpty())
        e.id = o.value(QLatin1String("id")).toString();
    const QJsonObject attrs = actor.value(QLatin1String("Attributes")).toObject();
    for (auto it = attrs.begin(); it != attrs.end(); ++it)
        e.attributes.insert(it.key(), it.value().toString());
    e.timeNano = o.value(QLatin1String("timeNano")).toInteger();
    if (e.timeNano == 0)
        e.timeNano = o.value(QLatin1String("time")).toInteger() * NanoPerSecond;
    return e;
}

EventJournal::EventJournal(QString path) : m_path(std::move(path)) {}

Status EventJournal::append(Event event)
{
    // The lock orders whole appends between processes; O_APPEND alone would not
    // keep the time order or mend a torn last line.
    BERTH_TRY_ASSIGN(FileLock lock, FileLock::acquire(m_path));
    const int fd = ::open(QFile::encodeName(m_path).constData(),
                          O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open events journal"), m_path);
    auto tail = readTail(fd, m_path);
    if (!tail.ok()) {
        ::close(fd);
        return tail.error();
    }
    QByteArray line;
    // A line cut short by a crash must not swallow this event.
    if (!tail->isEmpty() && !tail->endsWith('\n'))
        line += '\n';
    if (event.timeNano == 0)
        event.timeNano = std::max(nowNano(), lastTime(*tail) + 1);
    line += QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
    line += '\n';
    Status written = fs::writeAll(fd, line.constData(), line.size(), m_path);
    ::close(fd);
    return written;
}

Result<QList<Event>> EventJournal::read(qint64 sinceNano, qint64 untilNano,
                                        const std::function<bool(const Event &)> &filter) const
{
    QFile file(m_path);
    if (!file.exists())
        return QList<Event>();
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Io,
                     tr("open events journal %1: %2").arg(m_path, file.errorString())};
    const QByteArray data = file.readAll();
    QList<Event> out;
    qsizetype begin = 0;
    for (;;) {
        const qsizetype end = data.indexOf('\n', begin);
        // No newline after the last bytes: an append in progress or cut short.
        if (end < 0)
            break;
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(
            QByteArray::fromRawData(data.constData() + begin, end - begin), &err);
        begin = end + 1;
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            continue; // a line torn by a crash, since ended by a later append
        Event e = Event::fromJson(doc.object());
        if (e.timeNano < sinceNano || (untilNano > 0 && e.timeNano >= untilNano))
            continue;
        if (filter && !filter(e))
            continue;
        out << std::move(e);
    }
    return out;
}

} // namespace berth::store
