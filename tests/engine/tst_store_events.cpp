// EventJournal: docker's event JSON shape, whole lines from concurrent
// processes, torn lines, and reading a time window.
#include "ChildProcesses.h"
#include "store/Events.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace berth;
using namespace berth::store;

namespace {

Event makeEvent(const QString &action, const QString &id, qint64 timeNano = 0)
{
    Event e;
    e.type = QStringLiteral("image");
    e.action = action;
    e.id = id;
    e.attributes.insert(QStringLiteral("name"), QStringLiteral("busybox:latest"));
    e.timeNano = timeNano;
    return e;
}

QList<QByteArray> lines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> out = f.readAll().split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

} // namespace

class TestEvents : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_n = 0;
    QString m_path;

private slots:
    void init()
    {
        QVERIFY(m_tmp.isValid());
        m_path = m_tmp.filePath(QStringLiteral("events-%1.jsonl").arg(++m_n));
    }

    void missingJournalIsEmpty()
    {
        EventJournal j(m_path);
        auto events = j.read();
        QVERIFY(events.ok());
        QVERIFY(events->isEmpty());
    }

    void lineHasDockerShape()
    {
        EventJournal j(m_path);
        const qint64 t = 1700000000123456789;
        QVERIFY(j.append(makeEvent(QStringLiteral("pull"), QStringLiteral("sha256:abc"), t)).ok());
        const QList<QByteArray> raw = lines(m_path);
        QCOMPARE(raw.size(), 1);
        QVERIFY(!raw.first().contains('\n'));
        const QJsonObject o = QJsonDocument::fromJson(raw.first()).object();
        QCOMPARE(o.value("status").toString(), QStringLiteral("pull"));
        QCOMPARE(o.value("id").toString(), QStringLiteral("sha256:abc"));
        QCOMPARE(o.value("Type").toString(), QStringLiteral("image"));
        QCOMPARE(o.value("Action").toString(), QStringLiteral("pull"));
        QCOMPARE(o.value("scope").toString(), QStringLiteral("local"));
        const QJsonObject actor = o.value("Actor").toObject();
        QCOMPARE(actor.value("ID").toString(), QStringLiteral("sha256:abc"));
        QCOMPARE(actor.value("Attributes").toObject().value("name").toString(),
                 QStringLiteral("busybox:latest"));
        QCOMPARE(o.value("time").toInteger(), qint64(1700000000));
        // Nanoseconds survive exactly (a double would round them).
        QVERIFY(raw.first().contains("\"timeNano\":1700000000123456789"));
        QVERIFY(!o.contains("from"));

        auto events = j.read();
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 1);
        const Event &e = events->first();
        QCOMPARE(e.type, QStringLiteral("image"));
        QCOMPARE(e.action, QStringLiteral("pull"));
        QCOMPARE(e.id, QStringLiteral("sha256:abc"));
        QCOMPARE(e.attributes.value("name"), QStringLiteral("busybox:latest"));
        QCOMPARE(e.timeNano, t);
    }

    void containerEventsCarryFrom()
    {
        Event e;
        e.type = QStringLiteral("container");
        e.action = QStringLiteral("start");
        e.id = QStringLiteral("abc123");
        e.attributes.insert(QStringLiteral("image"), QStringLiteral("alpine"));
        e.timeNano = 5 * 1000000000LL;
        const QJsonObject o = e.toJson();
        QCOMPARE(o.value("from").toString(), QStringLiteral("alpine"));
        QCOMPARE(o.value("time").toInteger(), qint64(5));

        Event v;
        v.type = QStringLiteral("volume");
        v.action = QStringLiteral("create");
        v.id = QStringLiteral("data");
        const QJsonObject vo = v.toJson();
        QVERIFY(!vo.contains("status"));
        QVERIFY(!vo.contains("id"));
        QCOMPARE(Event::fromJson(vo).id, QStringLiteral("data"));
    }

    void appendStampsIncreasingTimes()
    {
        EventJournal j(m_path);
        for (int i = 0; i < 50; ++i)
            QVERIFY(j.append(makeEvent(QStringLiteral("tag"), QString::number(i))).ok());
        auto events = j.read();
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 50);
        const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000000;
        for (int i = 0; i < events->size(); ++i) {
            QCOMPARE(events->at(i).id, QString::number(i));
            QVERIFY(events->at(i).timeNano > now - 60LL * 1000000000);
            if (i > 0)
                QVERIFY(events->at(i).timeNano > events->at(i - 1).timeNano);
        }
    }

    void twoProcessesNeverInterleave()
    {
        QCOMPARE(runInChildren(2,
                               [&](int p) {
                                   EventJournal j(m_path);
                                   for (int i = 0; i < 200; ++i) {
                                       Event e = makeEvent(QStringLiteral("pull"),
                                                           QStringLiteral("p%1-%2").arg(p).arg(i));
                                       // Long attributes make torn writes likelier if locking
                                       // were broken.
                                       e.attributes.insert(QStringLiteral("pad"),
                                                           QString(2000, QLatin1Char('a' + p)));
                                       if (!j.append(e).ok())
                                           return 3;
                                   }
                                   return 0;
                               }),
                 QString());
        const QList<QByteArray> raw = lines(m_path);
        QCOMPARE(raw.size(), 400);
        QSet<QString> ids;
        qint64 last = 0;
        for (const QByteArray &line : raw) {
            QJsonParseError err{};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
            QCOMPARE(err.error, QJsonParseError::NoError);
            const Event e = Event::fromJson(doc.object());
            const QString pad = e.attributes.value(QStringLiteral("pad"));
            QCOMPARE(pad.size(), 2000);
            QCOMPARE(pad, QString(2000, pad.at(0)));
            QVERIFY(e.timeNano > last);
            last = e.timeNano;
            ids.insert(e.id);
        }
        QCOMPARE(ids.size(), 400);
        auto events = EventJournal(m_path).read();
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 400);
    }

    void tornLastLineIsSkippedThenMended()
    {
        EventJournal j(m_path);
        QVERIFY(j.append(makeEvent(QStringLiteral("pull"), QStringLiteral("one"), 100)).ok());
        QVERIFY(j.append(makeEvent(QStringLiteral("tag"), QStringLiteral("two"), 200)).ok());
        {
            QFile f(m_path);
            QVERIFY(f.open(QIODevice::Append));
            f.write("{\"Type\":\"image\",\"Action\":\"del");
        }
        auto events = j.read();
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 2);
        QCOMPARE(events->at(1).id, QStringLiteral("two"));

        // The next append ends the torn line first instead of gluing onto it.
        QVERIFY(j.append(makeEvent(QStringLiteral("untag"), QStringLiteral("three"))).ok());
        const QList<QByteArray> raw = lines(m_path);
        QCOMPARE(raw.size(), 4);
        QCOMPARE(raw.at(2), QByteArray("{\"Type\":\"image\",\"Action\":\"del"));
        events = j.read();
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 3);
        QCOMPARE(events->at(2).id, QStringLiteral("three"));
        QCOMPARE(events->at(2).action, QStringLiteral("untag"));
    }

    void readsTimeWindowAndFilter()
    {
        EventJournal j(m_path);
        QVERIFY(j.append(makeEvent(QStringLiteral("pull"), QStringLiteral("a"), 1000)).ok());
        QVERIFY(j.append(makeEvent(QStringLiteral("tag"), QStringLiteral("b"), 2000)).ok());
        QVERIFY(j.append(makeEvent(QStringLiteral("pull"), QStringLiteral("c"), 3000)).ok());

        auto ids = [&](qint64 since, qint64 until,
                       const std::function<bool(const Event &)> &filter = {}) {
            QStringList out;
            auto events = j.read(since, until, filter);
            if (events.ok()) {
                for (const Event &e : *events)
                    out << e.id;
            }
            return out;
        };
        QCOMPARE(ids(0, 0), (QStringList{"a", "b", "c"}));
        QCOMPARE(ids(2000, 0), (QStringList{"b", "c"}));
        QCOMPARE(ids(2001, 0), (QStringList{"c"}));
        QCOMPARE(ids(0, 2000), (QStringList{"a"}));
        QCOMPARE(ids(1000, 3000), (QStringList{"a", "b"}));
        QCOMPARE(ids(3001, 0), QStringList());
        QCOMPARE(ids(0, 0, [](const Event &e) { return e.action == QLatin1String("pull"); }),
                 (QStringList{"a", "c"}));

        // An event appended without a time lands after the stamped ones.
        QVERIFY(j.append(makeEvent(QStringLiteral("delete"), QStringLiteral("d"))).ok());
        QCOMPARE(ids(3001, 0), (QStringList{"d"}));
    }
};

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_store_events.moc"
