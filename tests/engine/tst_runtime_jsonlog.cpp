// Tests for runtime/JsonLog: docker's json-file escaping, time format, line
// splitting and rotation, checked byte for byte; the reader across rotations.
#include "runtime/JsonLog.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace berth::runtime;

namespace {

const timespec SomeTime{1795428000, 123456789}; // 2026-11-23T10:00:00.123456789Z

QList<QByteArray> logLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

QJsonObject parsed(const QByteArray &line)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << line << error.errorString();
    return document.object();
}

// The "log" fields of entries, newline dropped: "line 7".
QStringList logTexts(const std::vector<std::string> &entries)
{
    QStringList out;
    for (const std::string &entry : entries)
        out << parsed(QByteArray::fromStdString(entry)).value("log").toString().chopped(1);
    return out;
}

QStringList numbered(int from, int to)
{
    QStringList out;
    for (int i = from; i <= to; ++i)
        out << QString("line %1").arg(i);
    return out;
}

} // namespace

class TestJsonLog : public QObject
{
    Q_OBJECT

private slots:
    void timeFormat_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<qint64>("nanoseconds");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nanoseconds")
            << qint64(1795428000) << qint64(123456789) << "2026-11-23T10:00:00.123456789Z";
        QTest::newRow("trailing zeros dropped")
            << qint64(1795428000) << qint64(120000000) << "2026-11-23T10:00:00.12Z";
        QTest::newRow("leading zeros kept")
            << qint64(1795428000) << qint64(1000) << "2026-11-23T10:00:00.000001Z";
        QTest::newRow("whole second") << qint64(0) << qint64(0) << "1970-01-01T00:00:00Z";
    }

    void timeFormat()
    {
        QFETCH(qint64, seconds);
        QFETCH(qint64, nanoseconds);
        QFETCH(QString, expected);
        const timespec time{time_t(seconds), long(nanoseconds)};
        QCOMPARE(QString::fromStdString(rfc3339Nano(time)), expected);
    }

    void escaping_data()
    {
        QTest::addColumn<QByteArray>("log");
        QTest::addColumn<QByteArray>("escaped");
        QTest::newRow("plain") << QByteArray("hello\n") << QByteArray("hello\\n");
        QTest::newRow("quote backslash") << QByteArray("a\"b\\c") << QByteArray("a\\\"b\\\\c");
        QTest::newRow("cr tab other controls") << QByteArray("a\rb\tc\x01\x1f\x7f", 8)
                                               << QByteArray("a\\rb\\u0009c\\u0001\\u001f\x7f");
        QTest::newRow("html") << QByteArray("<a href=x&y>")
                              << QByteArray("\\u003ca href=x\\u0026y\\u003e");
        QTest::newRow("nul") << QByteArray("a\0b", 3) << QByteArray("a\\u0000b");
        QTest::newRow("utf-8 kept")
            << QByteArray("gr\xc3\xbc\xc3\x9f \xe4\xb8\xad \xf0\x9f\x90\xb3")
            << QByteArray("gr\xc3\xbc\xc3\x9f \xe4\xb8\xad \xf0\x9f\x90\xb3");
        QTest::newRow("replacement char kept")
            << QByteArray("\xef\xbf\xbd") << QByteArray("\xef\xbf\xbd");
        QTest::newRow("line separators")
            << QByteArray("a\xe2\x80\xa8z\xe2\x80\xa9") << QByteArray("a\\u2028z\\u2029");
        QTest::newRow("invalid bytes") << QByteArray("a\xff\xc3(\xed\xa0\x80z")
                                       << QByteArray("a\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffdz");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << QByteArray("\\ufffd\\ufffd");
        QTest::newRow("truncated at end")
            << QByteArray("x\xe4\xb8") << QByteArray("x\\ufffd\\ufffd");
        QTest::newRow("above U+10FFFF")
            << QByteArray("\xf4\x90\x80\x80") << QByteArray("\\ufffd\\ufffd\\ufffd\\ufffd");
    }

    void escaping()
    {
        QFETCH(QByteArray, log);
        QFETCH(QByteArray, escaped);
        std::string out;
        appendJsonLogEntry(&out, std::string_view(log.constData(), size_t(log.size())),
                           LogStream::Stderr, SomeTime);
        const QByteArray expected = "{\"log\":\"" + escaped +
                                    "\",\"stream\":\"stderr\",\"time\":\"2026-11-23T10:00:00."
                                    "123456789Z\"}";
        QCOMPARE(QByteArray::fromStdString(out), expected);
        // Whatever was escaped reads back as JSON.
        QVERIFY(!parsed(expected).isEmpty());
    }

    void splitsAtNewlines()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("log.json");
        JsonLog log;
        QVERIFY(!log.open(path.toStdString(), 0, 1));
        QVERIFY(!log.write(LogStream::Stdout, "one\ntw", SomeTime));
        QVERIFY(!log.write(LogStream::Stderr, "err", SomeTime));
        QVERIFY(!log.write(LogStream::Stdout, "o\nthree\n", SomeTime));
        QVERIFY(!log.write(LogStream::Stderr, "\n", SomeTime));
        QVERIFY(!log.write(LogStream::Stdout, "partial", SomeTime));
        QVERIFY(!log.flush(LogStream::Stdout, SomeTime));
        QVERIFY(!log.flush(LogStream::Stderr, SomeTime)); // nothing held: writes nothing
        log.close();

        const QList<QByteArray> lines = logLines(path);
        QCOMPARE(lines.size(), 5);
        const QByteArray time = ",\"time\":\"2026-11-23T10:00:00.123456789Z\"}";
        QCOMPARE(lines[0], "{\"log\":\"one\\n\",\"stream\":\"stdout\"" + time);
        QCOMPARE(lines[1], "{\"log\":\"two\\n\",\"stream\":\"stdout\"" + time);
        QCOMPARE(lines[2], "{\"log\":\"three\\n\",\"stream\":\"stdout\"" + time);
        QCOMPARE(lines[3], "{\"log\":\"err\\n\",\"stream\":\"stderr\"" + time);
        QCOMPARE(lines[4], "{\"log\":\"partial\",\"stream\":\"stdout\"" + time);
        QCOMPARE(QFileInfo(path).permissions() & QFileDevice::ReadOther,
                 QFileDevice::Permissions());
    }

    void longLinesSplitAt16KiB()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("log.json");
        JsonLog log;
        QVERIFY(!log.open(path.toStdString(), 0, 1));
        const std::string line = std::string(40000, 'x') + "\n";
        // In uneven chunks, as a pipe delivers them.
        for (size_t at = 0; at < line.size(); at += 7000)
            QVERIFY(
                !log.write(LogStream::Stdout, std::string_view(line).substr(at, 7000), SomeTime));
        log.close();
        const QList<QByteArray> lines = logLines(path);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(parsed(lines[0]).value("log").toString(), QString(16384, 'x'));
        QCOMPARE(parsed(lines[1]).value("log").toString(), QString(16384, 'x'));
        QCOMPARE(parsed(lines[2]).value("log").toString(), QString(40000 - 32768, 'x') + "\n");
    }

    void rotates()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("log.json");
        JsonLog log;
        QVERIFY(!log.open(path.toStdString(), 1024, 3));
        for (int i = 0; i < 100; ++i) {
            const std::string line = "line " + std::to_string(i) + "\n";
            QVERIFY(!log.write(LogStream::Stdout, line, SomeTime));
        }
        log.close();
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files, QDir::Name),
                 QStringList({"log.json", "log.json.1", "log.json.2"}));
        // Oldest first, the entries are consecutive and end with the last line.
        QList<QByteArray> all = logLines(path + ".2") + logLines(path + ".1") + logLines(path);
        const int first = parsed(all.first()).value("log").toString().mid(5).trimmed().toInt();
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(parsed(all[i]).value("log").toString(), QString("line %1\n").arg(first + i));
        QCOMPARE(first + all.size(), 100);
        // docker rotates once a file has reached max-size, before the next entry.
        const qint64 entry = logLines(path).first().size() + 1;
        for (const QString &name : {path + ".1", path + ".2"}) {
            const qint64 size = QFileInfo(name).size();
            QVERIFY2(size >= 1024 && size < 1024 + entry, qPrintable(QString::number(size)));
        }
    }

    void maxFileOneTruncates()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("log.json");
        JsonLog log;
        QVERIFY(!log.open(path.toStdString(), 200, 1));
        for (int i = 0; i < 10; ++i)
            QVERIFY(!log.write(LogStream::Stdout, "line " + std::to_string(i) + "\n", SomeTime));
        log.close();
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({"log.json"}));
        const QList<QByteArray> lines = logLines(path);
        QVERIFY(!lines.isEmpty() && lines.size() < 10);
        QCOMPARE(parsed(lines.last()).value("log").toString(), QString("line 9\n"));
    }

    void appendsToExistingLog()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("log.json");
        for (int run = 0; run < 2; ++run) {
            JsonLog log;
            QVERIFY(!log.open(path.toStdString(), 0, 1));
            QVERIFY(!log.write(LogStream::Stdout, "run " + std::to_string(run) + "\n", SomeTime));
        }
        const QList<QByteArray> lines = logLines(path);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(parsed(lines[1]).value("log").toString(), QString("run 1\n"));
    }

    void readerReadsRotatedFilesOldestFirst()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("log.json").toStdString();
        JsonLog log;
        QVERIFY(!log.open(path, 200, 3));
        for (int i = 1; i <= 30; ++i)
            QVERIFY(!log.write(LogStream::Stdout, "line " + std::to_string(i) + "\n", SomeTime));
        QVERIFY(QFile::exists(QString::fromStdString(path + ".2")));
        JsonLogReader reader(path);
        std::vector<std::string> entries;
        QVERIFY(!reader.read(&entries));
        // What the three files keep: a run ending at the last line.
        const QStringList texts = logTexts(entries);
        QVERIFY(texts.size() > 3 && texts.size() < 30);
        QCOMPARE(texts, numbered(31 - int(texts.size()), 30));
    }

    void readerFollowsAcrossRotations()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("log.json").toStdString();
        JsonLogReader reader(path);
        std::vector<std::string> entries;
        QVERIFY(!reader.read(&entries)); // no log yet
        QVERIFY(entries.empty());
        JsonLog log;
        // About two entries per file: every step below rotates zero, one or two times.
        QVERIFY(!log.open(path, 100, 3));
        int written = 0;
        for (int step : {1, 1, 3, 2, 4, 1, 4, 2, 3, 4}) {
            for (int i = 0; i < step; ++i) {
                ++written;
                QVERIFY(!log.write(LogStream::Stdout, "line " + std::to_string(written) + "\n",
                                   SomeTime));
            }
            QVERIFY(!reader.read(&entries));
        }
        QCOMPARE(logTexts(entries), numbered(1, written));
    }

    void readerLosesOnlyWhatRotationDropped()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("log.json").toStdString();
        JsonLog log;
        QVERIFY(!log.open(path, 100, 3));
        QVERIFY(!log.write(LogStream::Stdout, "line 1\n", SomeTime));
        JsonLogReader reader(path);
        std::vector<std::string> entries;
        QVERIFY(!reader.read(&entries));
        // Far more rotations than files kept: the file the reader holds is gone.
        for (int i = 2; i <= 40; ++i)
            QVERIFY(!log.write(LogStream::Stdout, "line " + std::to_string(i) + "\n", SomeTime));
        QVERIFY(!reader.read(&entries));
        // The held file is read to its end (lines 1 and 2), then what is left on disk.
        const QStringList texts = logTexts(entries);
        QVERIFY(texts.size() > 4 && texts.size() < 20);
        QCOMPARE(texts.mid(0, 2), numbered(1, 2));
        QCOMPARE(texts.mid(2), numbered(41 - int(texts.size() - 2), 40));
    }

    void readerStartsOverAfterTruncation()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("log.json").toStdString();
        JsonLog log;
        QVERIFY(!log.open(path, 150, 1));
        JsonLogReader reader(path);
        std::vector<std::string> entries;
        for (int i = 1; i <= 2; ++i)
            QVERIFY(!log.write(LogStream::Stdout, "line " + std::to_string(i) + "\n", SomeTime));
        QVERIFY(!reader.read(&entries));
        QCOMPARE(logTexts(entries), numbered(1, 2));
        // The third entry truncates the file (max-file 1) and starts it again.
        QVERIFY(!log.write(LogStream::Stdout, "line 3\n", SomeTime));
        QVERIFY(!reader.read(&entries));
        QCOMPARE(logTexts(entries), numbered(1, 3));
    }

    void openFailureNamesThePath()
    {
        JsonLog log;
        const Outcome outcome = log.open("/nonexistent-dir/log.json", 0, 1);
        QVERIFY(outcome);
        QCOMPARE(outcome->err, ENOENT);
        QVERIFY(outcome->message().find("/nonexistent-dir/log.json") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestJsonLog)
#include "tst_runtime_jsonlog.moc"
