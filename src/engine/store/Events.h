// The events journal: <root>/events.jsonl, one JSON object a line, appended with
// O_APPEND under a file lock so concurrent processes never interleave lines.
// Shape follows docker's events: {"Type":"image","Action":"pull","Actor":{"ID":..,
// "Attributes":{"name":..}},"time":<unix s>,"timeNano":<unix ns>}.
// The GUI watches the file; `berth events` prints and follows it.
#pragma once

#include "util/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace berth::store {

struct Event
{
    QString type;   // image, container, volume, network
    QString action; // pull, load, import, tag, untag, delete, save, push, ...
    QString id;     // the actor's id (image id, container id)
    QMap<QString, QString> attributes; // name=..., etc.
    qint64 timeNano = 0; // set by append() when 0

    QJsonObject toJson() const;
    static Event fromJson(const QJsonObject &o);
};

class EventJournal
{
public:
    explicit EventJournal(QString path);
    Status append(Event event);
    // Events with since <= time < until (nanoseconds since epoch; 0 = unbounded).
    Result<QList<Event>> read(qint64 sinceNano = 0, qint64 untilNano = 0) const;
    QString path() const { return m_path; }

private:
    QString m_path;
};

} // namespace berth::store
