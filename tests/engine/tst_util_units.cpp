// Tests for units: sizes and durations read and written exactly as go-units does.
#include "util/Units.h"

#include <QTest>

using namespace berth;

class TestUnits : public QObject
{
    Q_OBJECT

private slots:
    void humanSize_data()
    {
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero") << qint64(0) << "0B";
        QTest::newRow("bytes") << qint64(999) << "999B";
        QTest::newRow("kilo") << qint64(1000) << "1kB";
        QTest::newRow("1024") << qint64(1024) << "1.024kB";
        QTest::newRow("rounds up") << qint64(999999) << "1000kB";
        QTest::newRow("mega") << qint64(1000000) << "1MB";
        QTest::newRow("mebi") << qint64(1048576) << "1.049MB";
        QTest::newRow("alpine") << qint64(7376376) << "7.376MB";
        QTest::newRow("giga") << qint64(3420000000) << "3.42GB";
        QTest::newRow("tera") << qint64(5372830000000) << "5.373TB";
        QTest::newRow("exa") << qint64(2000000000000000000) << "2EB";
    }
    void humanSize()
    {
        QFETCH(qint64, bytes);
        QFETCH(QString, expected);
        QCOMPARE(units::humanSize(bytes), expected);
    }

    void bytesSize_data()
    {
        QTest::addColumn<double>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero") << 0.0 << "0B";
        QTest::newRow("bytes") << 1023.0 << "1023B";
        QTest::newRow("kibi") << 1024.0 << "1KiB";
        QTest::newRow("mebi") << 1048576.0 << "1MiB";
        QTest::newRow("fraction") << 1.5 * 1048576 << "1.5MiB";
        QTest::newRow("gibi") << 3.42 * 1073741824 << "3.42GiB";
        QTest::newRow("tebi") << 5.372 * 1099511627776 << "5.372TiB";
        QTest::newRow("pebi") << 2.22 * 1125899906842624 << "2.22PiB";
    }
    void bytesSize()
    {
        QFETCH(double, bytes);
        QFETCH(QString, expected);
        QCOMPARE(units::bytesSize(bytes), expected);
    }

    void humanDuration_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("expected");
        const qint64 hour = 3600, day = 24 * hour;
        QTest::newRow("zero") << qint64(0) << "Less than a second";
        QTest::newRow("one") << qint64(1) << "1 second";
        QTest::newRow("seconds") << qint64(59) << "59 seconds";
        QTest::newRow("minute") << qint64(60) << "About a minute";
        QTest::newRow("almost two minutes") << qint64(119) << "About a minute";
        QTest::newRow("minutes") << qint64(120) << "2 minutes";
        QTest::newRow("59 minutes") << qint64(3599) << "59 minutes";
        QTest::newRow("hour") << hour << "About an hour";
        QTest::newRow("hour rounds down") << qint64(5399) << "About an hour";
        QTest::newRow("hour rounds up") << qint64(5400) << "2 hours";
        QTest::newRow("47 hours") << 47 * hour << "47 hours";
        QTest::newRow("two days") << 48 * hour << "2 days";
        QTest::newRow("13 days") << 13 * day << "13 days";
        QTest::newRow("two weeks") << 14 * day << "2 weeks";
        QTest::newRow("8 weeks") << 59 * day << "8 weeks";
        QTest::newRow("two months") << 60 * day << "2 months";
        QTest::newRow("a year in months") << 365 * day << "12 months";
        QTest::newRow("two years") << 730 * day << "2 years";
        QTest::newRow("ten years") << 3651 * day << "10 years";
    }
    void humanDuration()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, expected);
        QCOMPARE(units::humanDuration(seconds), expected);
    }

    void fromHumanSize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("plain") << "32" << qint64(32);
        QTest::newRow("b") << "32b" << qint64(32);
        QTest::newRow("B") << "32B" << qint64(32);
        QTest::newRow("k") << "32k" << qint64(32000);
        QTest::newRow("K") << "32K" << qint64(32000);
        QTest::newRow("kb") << "32kb" << qint64(32000);
        QTest::newRow("Kb") << "32Kb" << qint64(32000);
        QTest::newRow("kib stays decimal") << "32kib" << qint64(32000);
        QTest::newRow("Mb") << "32Mb" << qint64(32000000);
        QTest::newRow("Gb") << "32Gb" << qint64(32000000000);
        QTest::newRow("Tb") << "32Tb" << qint64(32000000000000);
        QTest::newRow("Pb") << "8Pb" << qint64(8000000000000000);
        QTest::newRow("fraction") << "32.5kB" << qint64(32500);
        QTest::newRow("space") << "32.5 kB" << qint64(32500);
        QTest::newRow("truncated") << "0.3k" << qint64(300);
    }
    void fromHumanSize()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        auto r = units::fromHumanSize(text);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(*r, expected);
    }

    void ramInBytes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("plain") << "32" << qint64(32);
        QTest::newRow("k") << "32kb" << qint64(32768);
        QTest::newRow("K") << "32K" << qint64(32768);
        QTest::newRow("KiB") << "32KiB" << qint64(32768);
        QTest::newRow("m") << "512m" << qint64(536870912);
        QTest::newRow("g") << "1g" << qint64(1073741824);
        QTest::newRow("GB") << "2GB" << qint64(2147483648);
        QTest::newRow("t") << "1t" << qint64(1099511627776);
        QTest::newRow("p") << "1p" << qint64(1125899906842624);
        QTest::newRow("fraction") << "32.3" << qint64(32);
        QTest::newRow("fraction k") << "32.3K" << qint64(33075);
        QTest::newRow("space") << "1.5 g" << qint64(1610612736);
    }
    void ramInBytes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        auto r = units::ramInBytes(text);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(*r, expected);
    }

    void invalidSizes_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *bad : {"", "hello", "-32", "32.", ".5k", "32  k", "32 k ", "32x", "32kbb",
                                "1.2.3", "99999999999p"})
            QTest::newRow(bad) << QString::fromLatin1(bad);
    }
    void invalidSizes()
    {
        QFETCH(QString, text);
        for (const auto &r : {units::fromHumanSize(text), units::ramInBytes(text)}) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(r.error().message.startsWith(QStringLiteral("parse size \"%1\": ").arg(text)),
                     qPrintable(r.error().message));
        }
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_util_units.moc"
