// Tests for platforms: parsing --platform, normalizing names, and choosing the
// manifest of an index the way containerd's matcher does.
#include "registry/Platform.h"

#include <QTest>

using namespace berth;
using namespace berth::registry;

namespace {

IndexEntry entry(const QString &hexDigit, const QString &os, const QString &arch,
                 const QString &variant = {})
{
    IndexEntry e;
    e.descriptor.mediaType = QLatin1String(image::mediatype::OciManifest);
    e.descriptor.digest = QStringLiteral("sha256:") + QString(64, hexDigit.at(0));
    e.descriptor.size = 500;
    e.platform = Platform{os, arch, variant};
    return e;
}

// A multi-platform index like the official images have, with an attestation.
QList<IndexEntry> officialIndex()
{
    return {entry(QStringLiteral("1"), QStringLiteral("linux"), QStringLiteral("amd64")),
            entry(QStringLiteral("2"), QStringLiteral("unknown"), QStringLiteral("unknown")),
            entry(QStringLiteral("3"), QStringLiteral("linux"), QStringLiteral("arm"),
                  QStringLiteral("v6")),
            entry(QStringLiteral("4"), QStringLiteral("linux"), QStringLiteral("arm"),
                  QStringLiteral("v7")),
            entry(QStringLiteral("5"), QStringLiteral("linux"), QStringLiteral("arm64"),
                  QStringLiteral("v8")),
            entry(QStringLiteral("6"), QStringLiteral("linux"), QStringLiteral("386"))};
}

QString chosen(const QList<IndexEntry> &entries, const QString &platform)
{
    auto p = Platform::parse(platform);
    if (!p.ok())
        return QStringLiteral("parse error");
    auto e = selectPlatform(entries, *p);
    return e.ok() ? e->descriptor.digest.mid(7, 1) : QStringLiteral("none");
}

} // namespace

class TestPlatform : public QObject
{
    Q_OBJECT

private slots:
    void parseAndNormalize_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "linux/amd64"
                               << "linux/amd64";
        QTest::newRow("x86_64") << "linux/x86_64"
                                << "linux/amd64";
        QTest::newRow("amd64 v1 is amd64") << "linux/amd64/v1"
                                           << "linux/amd64";
        QTest::newRow("arch only") << "arm64"
                                   << "linux/arm64/v8";
        QTest::newRow("aarch64") << "linux/aarch64"
                                 << "linux/arm64/v8";
        QTest::newRow("arm default v7") << "linux/arm"
                                        << "linux/arm/v7";
        QTest::newRow("arm variant digit") << "linux/arm/6"
                                           << "linux/arm/v6";
        QTest::newRow("armhf") << "linux/armhf"
                               << "linux/arm/v7";
        QTest::newRow("case") << "Linux/AMD64"
                              << "linux/amd64";
        QTest::newRow("i386") << "linux/i386"
                              << "linux/386";
    }
    void parseAndNormalize()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        auto p = Platform::parse(input);
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().message));
        QCOMPARE(p->toString(), expected);
    }

    void parseErrors()
    {
        for (const char *bad : {"linux/amd64/v2/x", "linux/", "/amd64", "linux/arm/"}) {
            auto p = Platform::parse(QString::fromLatin1(bad));
            QVERIFY2(!p.ok(), bad);
            QCOMPARE(p.error().code, ErrorCode::InvalidArgument);
            QVERIFY(p.error().message.contains(QString::fromLatin1(bad)));
        }
    }

    void hostIsLinux()
    {
        const Platform host = Platform::host();
        QCOMPARE(host.os, QStringLiteral("linux"));
        QCOMPARE(host.architecture, image::hostArchitecture());
    }

    void selection()
    {
        const auto index = officialIndex();
        QCOMPARE(chosen(index, QStringLiteral("linux/amd64")), QStringLiteral("1"));
        // arm64 without a variant is v8; the index says v8.
        QCOMPARE(chosen(index, QStringLiteral("linux/arm64")), QStringLiteral("5"));
        QCOMPARE(chosen(index, QStringLiteral("linux/arm/v7")), QStringLiteral("4"));
        QCOMPARE(chosen(index, QStringLiteral("linux/arm/v6")), QStringLiteral("3"));
        QCOMPARE(chosen(index, QStringLiteral("linux/386")), QStringLiteral("6"));
        // Never the attestation, never another OS.
        QCOMPARE(chosen(index, QStringLiteral("windows/amd64")), QStringLiteral("none"));
    }

    void olderArmVariantsRunOnNewerCores()
    {
        // Only v6 and v5 offered: a v7 host takes the closest, v6.
        const QList<IndexEntry> index{entry(QStringLiteral("a"), QStringLiteral("linux"),
                                            QStringLiteral("arm"), QStringLiteral("v5")),
                                      entry(QStringLiteral("b"), QStringLiteral("linux"),
                                            QStringLiteral("arm"), QStringLiteral("v6"))};
        QCOMPARE(chosen(index, QStringLiteral("linux/arm/v7")), QStringLiteral("b"));
        QCOMPARE(chosen(index, QStringLiteral("linux/arm/v5")), QStringLiteral("a"));
        // But not the other way round.
        const QList<IndexEntry> v7only{entry(QStringLiteral("c"), QStringLiteral("linux"),
                                             QStringLiteral("arm"), QStringLiteral("v7"))};
        QCOMPARE(chosen(v7only, QStringLiteral("linux/arm/v6")), QStringLiteral("none"));
    }

    void entriesNamedDifferentlyStillMatch()
    {
        // Publishers write aarch64, x86_64 or leave arm64's variant out.
        const QList<IndexEntry> index{
            entry(QStringLiteral("a"), QStringLiteral("linux"), QStringLiteral("x86_64")),
            entry(QStringLiteral("b"), QStringLiteral("linux"), QStringLiteral("aarch64"))};
        QCOMPARE(chosen(index, QStringLiteral("linux/amd64")), QStringLiteral("a"));
        QCOMPARE(chosen(index, QStringLiteral("linux/arm64/v8")), QStringLiteral("b"));
    }

    void firstOfEqualEntriesWins()
    {
        const QList<IndexEntry> index{
            entry(QStringLiteral("a"), QStringLiteral("linux"), QStringLiteral("amd64")),
            entry(QStringLiteral("b"), QStringLiteral("linux"), QStringLiteral("amd64"))};
        QCOMPARE(chosen(index, QStringLiteral("linux/amd64")), QStringLiteral("a"));
    }

    void entryWithoutPlatformIsTheLastResort()
    {
        QList<IndexEntry> index{entry(QStringLiteral("a"), QString(), QString())};
        QCOMPARE(chosen(index, QStringLiteral("linux/amd64")), QStringLiteral("a"));
        index << entry(QStringLiteral("b"), QStringLiteral("linux"), QStringLiteral("amd64"));
        QCOMPARE(chosen(index, QStringLiteral("linux/amd64")), QStringLiteral("b"));
    }

    void noMatchListsWhatThereIs()
    {
        auto e = selectPlatform(
            officialIndex(), Platform{QStringLiteral("linux"), QStringLiteral("s390x"), QString()});
        QVERIFY(!e.ok());
        QCOMPARE(e.error().code, ErrorCode::NotFound);
        QCOMPARE(e.error().message,
                 QStringLiteral("no matching manifest for linux/s390x in the manifest list "
                                "entries (available: linux/amd64, linux/arm/v6, linux/arm/v7, "
                                "linux/arm64/v8, linux/386)"));
    }
};

QTEST_GUILESS_MAIN(TestPlatform)
#include "tst_registry_platform.moc"
