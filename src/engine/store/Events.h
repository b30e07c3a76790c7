// The events journal: <root>/events.jsonl, one JSON object a line, appended with
// O_APPEND under a file lock so concurrent processes never interleave lines.
// Shape follows docker's events: {"status":"pull","id":..,"Type":"image",
// "Action":"pull","Actor":{"ID":..,"Attributes":{"name":..}},"scope":"local",
// "time":<unix s>,"timeNano":<unix ns>} ("status", "id" and "from" only for
// image and container events, as docker writes them).
// Lines are in time order: append() gives an event stamped by it a timeNano
// above the last line's, so a reader can resume after the last time it saw.
// A line cut short by a crash is skipped by read() and ended by the next append().
// The GUI watches the file; `berth events` prints and follows it.
#pragma once

#include "util/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>

namespace berth::store {

struct Event
{
    QString type;                      // image, container, volume, network
    QString action;                    // pull, load, import, tag, untag, delete, save, push, ...
    QString id;                        // the actor's id (image id, container id)
    QMap<QString, QString> attributes; // name=..., etc.
    qint64 timeNano = 0;               // set by append() when 0

    QJsonObject toJson() const;
    static Event fromJson(const QJsonObject &o);
};

class EventJournal
{
public:
    explicit EventJournal(QString path);
    Status append(Event event);
    // Events with since <= time < until (nanoseconds since epoch; 0 = unbounded)
    // for which filter (when given) returns true, oldest first. A missing
    // journal has no events.
    Result<QList<Event>> read(qint64 sinceNano = 0, qint64 untilNano = 0,
                              const std::function<bool(const Event &)> &filter = {}) const;
    QString path() const { return m_path; }

private:
    QString m_path;
};

} // namespace berth::store
