// The image folder: chainIDs, config and manifest parsing, import's --change
// instructions and the config an import writes.
#include "image/Image.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace berth;
using namespace berth::image;

namespace {

// The image spec's definition, computed with a second SHA-256 implementation.
QString specChain(const QString &parent, const QString &diffId)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(
               QCryptographicHash::hash((parent + QLatin1Char(' ') + diffId).toUtf8(),
                                        QCryptographicHash::Sha256)
                   .toHex());
}

QJsonObject changed(const QStringList &changes, QString *error = nullptr)
{
    QJsonObject cfg;
    for (const QString &c : changes) {
        Status s = applyChange(cfg, c);
        if (!s.ok() && error)
            *error = s.error().message;
    }
    return cfg;
}

const QString d1 = QStringLiteral("sha256:") + QString(64, QLatin1Char('a'));
const QString d2 = QStringLiteral("sha256:") + QString(64, QLatin1Char('b'));
const QString d3 = QStringLiteral("sha256:") + QString(64, QLatin1Char('c'));

} // namespace

class TestImage : public QObject
{
    Q_OBJECT

private slots:
    void chainIdsFollowTheSpec()
    {
        const QStringList chains = chainIds({d1, d2, d3});
        QCOMPARE(chains.size(), 3);
        QCOMPARE(chains.at(0), d1); // the bottom layer's chainID is its diffID
        QCOMPARE(chains.at(1), specChain(d1, d2));
        QCOMPARE(chains.at(2), specChain(specChain(d1, d2), d3));
        QCOMPARE(chainId(chains.at(1), d3), chains.at(2));
        QVERIFY(chainIds({}).isEmpty());
        // Order matters: the same layers stacked differently are other chains.
        QVERIFY(chainIds({d2, d1}).last() != chains.at(1));
    }

    void parsesAConfig()
    {
        // Built with QJsonDocument: moc cannot read raw string literals.
        const QJsonObject doc{
            {QStringLiteral("architecture"), QStringLiteral("amd64")},
            {QStringLiteral("os"), QStringLiteral("linux")},
            {QStringLiteral("created"), QStringLiteral("2024-01-02T03:04:05.123456789Z")},
            {QStringLiteral("author"), QStringLiteral("me")},
            {QStringLiteral("comment"), QStringLiteral("c")},
            {QStringLiteral("config"),
             QJsonObject{{QStringLiteral("Labels"),
                          QJsonObject{{QStringLiteral("a"), QStringLiteral("1")},
                                      {QStringLiteral("b"), QStringLiteral("2")}}}}},
            {QStringLiteral("rootfs"),
             QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                         {QStringLiteral("diff_ids"), QJsonArray{d1, d2}}}},
            {QStringLiteral("history"),
             QJsonArray{
                 QJsonObject{
                     {QStringLiteral("created"), QStringLiteral("2024-01-01T00:00:00Z")},
                     {QStringLiteral("created_by"), QStringLiteral("/bin/sh -c #(nop) ADD x")}},
                 QJsonObject{{QStringLiteral("created"), QStringLiteral("2024-01-02T00:00:00Z")},
                             {QStringLiteral("created_by"), QStringLiteral("ENV a=1")},
                             {QStringLiteral("empty_layer"), true}}}}};
        const QByteArray raw = QJsonDocument(doc).toJson();
        auto cfg = ImageConfig::parse(raw, QStringLiteral("config"));
        QVERIFY2(cfg.ok(), qPrintable(cfg.ok() ? QString() : cfg.error().message));
        QCOMPARE(cfg->id(),
                 QStringLiteral("sha256:") +
                     QString::fromLatin1(
                         QCryptographicHash::hash(raw, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(cfg->diffIds(), (QStringList{d1, d2}));
        QCOMPARE(cfg->architecture(), QStringLiteral("amd64"));
        QCOMPARE(cfg->os(), QStringLiteral("linux"));
        QCOMPARE(cfg->author(), QStringLiteral("me"));
        QCOMPARE(cfg->created(), QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 123), Qt::UTC));
        QCOMPARE(cfg->labels().value(QStringLiteral("b")), QStringLiteral("2"));
        const auto history = cfg->history();
        QCOMPARE(history.size(), 2);
        QCOMPARE(history.at(0).createdBy, QStringLiteral("/bin/sh -c #(nop) ADD x"));
        QVERIFY(!history.at(0).emptyLayer);
        QVERIFY(history.at(1).emptyLayer);
    }

    void rejectsBadConfigs()
    {
        auto notJson = ImageConfig::parse("{nope", QStringLiteral("config sha256:x"));
        QVERIFY(!notJson.ok());
        QCOMPARE(notJson.error().code, ErrorCode::Corrupt);
        QVERIFY(notJson.error().message.contains(QLatin1String("config sha256:x")));
        QVERIFY(!ImageConfig::parse("[1,2]", QStringLiteral("config")).ok());
    }

    void manifestsRoundTrip()
    {
        const Descriptor config{QLatin1String(mediatype::OciConfig), d1, 1234};
        const QList<Descriptor> layers{{QLatin1String(mediatype::OciLayerGzip), d2, 10},
                                       {QLatin1String(mediatype::OciLayer), d3, 20}};
        const Manifest made = Manifest::makeOci(config, layers);
        QCOMPARE(made.mediaType, QLatin1String(mediatype::OciManifest));
        const QJsonObject o = QJsonDocument::fromJson(made.raw).object();
        QCOMPARE(o.value(QLatin1String("schemaVersion")).toInt(), 2);
        QCOMPARE(o.value(QLatin1String("mediaType")).toString(),
                 QLatin1String(mediatype::OciManifest));

        auto parsed = Manifest::parse(made.raw, QStringLiteral("manifest"));
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->config.digest, d1);
        QCOMPARE(parsed->config.size, qint64(1234));
        QCOMPARE(parsed->layers.size(), 2);
        QCOMPARE(parsed->layers.at(0).mediaType, QLatin1String(mediatype::OciLayerGzip));
        QCOMPARE(parsed->layers.at(1).digest, d3);
        QCOMPARE(parsed->layers.at(1).size, qint64(20));

        const QJsonObject dockerDoc{
            {QStringLiteral("schemaVersion"), 2},
            {QStringLiteral("mediaType"), QLatin1String(mediatype::DockerManifest)},
            {QStringLiteral("config"),
             QJsonObject{{QStringLiteral("mediaType"), QLatin1String(mediatype::DockerConfig)},
                         {QStringLiteral("size"), 7},
                         {QStringLiteral("digest"), d1}}},
            {QStringLiteral("layers"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("mediaType"), QLatin1String(mediatype::DockerLayerGzip)},
                 {QStringLiteral("size"), 9},
                 {QStringLiteral("digest"), d2}}}}};
        const QByteArray docker = QJsonDocument(dockerDoc).toJson();
        auto dm = Manifest::parse(docker, QStringLiteral("manifest"));
        QVERIFY2(dm.ok(), qPrintable(dm.ok() ? QString() : dm.error().message));
        QCOMPARE(dm->mediaType, QLatin1String(mediatype::DockerManifest));
        QCOMPARE(dm->layers.at(0).digest, d2);
        QVERIFY(!Manifest::parse("{\"schemaVersion\":1}", QStringLiteral("manifest")).ok());
    }

    void appliesImportChanges()
    {
        QString error;
        const QJsonObject cfg = changed(
            {QStringLiteral("CMD [\"/bin/sh\", \"-c\", \"echo hi\"]"),
             QStringLiteral("ENTRYPOINT /entry.sh --flag"),
             QStringLiteral("ENV A=1 B=\"two words\""), QStringLiteral("ENV C 3"),
             QStringLiteral("EXPOSE 80 53/udp"), QStringLiteral("LABEL version=1.0 \"x y\"=z"),
             QStringLiteral("USER nobody"), QStringLiteral("WORKDIR /srv"),
             QStringLiteral("VOLUME [\"/data\"]"), QStringLiteral("STOPSIGNAL SIGTERM")},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(cfg.value(QLatin1String("Cmd")).toArray(),
                 (QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                             QStringLiteral("echo hi")}));
        QCOMPARE(cfg.value(QLatin1String("Entrypoint")).toArray(),
                 (QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                             QStringLiteral("/entry.sh --flag")}));
        QCOMPARE(cfg.value(QLatin1String("Env")).toArray(),
                 (QJsonArray{QStringLiteral("A=1"), QStringLiteral("B=two words"),
                             QStringLiteral("C=3")}));
        const QJsonObject ports = cfg.value(QLatin1String("ExposedPorts")).toObject();
        QCOMPARE(ports.keys(), (QStringList{QStringLiteral("53/udp"), QStringLiteral("80/tcp")}));
        const QJsonObject labels = cfg.value(QLatin1String("Labels")).toObject();
        QCOMPARE(labels.value(QLatin1String("version")).toString(), QStringLiteral("1.0"));
        QCOMPARE(labels.value(QLatin1String("x y")).toString(), QStringLiteral("z"));
        QCOMPARE(cfg.value(QLatin1String("User")).toString(), QStringLiteral("nobody"));
        QCOMPARE(cfg.value(QLatin1String("WorkingDir")).toString(), QStringLiteral("/srv"));
        QVERIFY(cfg.value(QLatin1String("Volumes")).toObject().contains(QLatin1String("/data")));
        QCOMPARE(cfg.value(QLatin1String("StopSignal")).toString(), QStringLiteral("SIGTERM"));

        // A later ENV of the same name replaces the value in place.
        const QJsonObject env = changed({QStringLiteral("ENV A=1 B=2"), QStringLiteral("ENV A=3")});
        QCOMPARE(env.value(QLatin1String("Env")).toArray(),
                 (QJsonArray{QStringLiteral("A=3"), QStringLiteral("B=2")}));
    }

    void rejectsUnsupportedChanges()
    {
        for (const QString &bad : {QStringLiteral("FROM busybox"), QStringLiteral("RUN true"),
                                   QStringLiteral("COPY a b")}) {
            QJsonObject cfg;
            Status s = applyChange(cfg, bad);
            QVERIFY2(!s.ok(), qPrintable(bad));
            QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(s.error().message.contains(bad.section(QLatin1Char(' '), 0, 0) +
                                                QStringLiteral(" is not a valid change command")),
                     qPrintable(s.error().message));
            QVERIFY(cfg.isEmpty());
        }
    }

    void importConfigDescribesOneLayer()
    {
        QJsonObject runtime{{QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/bin/sh")}}};
        const QDateTime when(QDate(2025, 5, 6), QTime(7, 8, 9), Qt::UTC);
        const QByteArray raw = makeImportConfig(d1, runtime, when, QStringLiteral("from a tar"));
        auto cfg = ImageConfig::parse(raw, QStringLiteral("config"));
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->diffIds(), QStringList{d1});
        QCOMPARE(cfg->created(), when);
        QCOMPARE(cfg->os(), QStringLiteral("linux"));
        QCOMPARE(cfg->architecture(), hostArchitecture());
        QCOMPARE(cfg->comment(), QStringLiteral("from a tar"));
        QCOMPARE(cfg->history().size(), 1);
        QCOMPARE(cfg->history().at(0).comment, QStringLiteral("from a tar"));
        const QJsonObject o = QJsonDocument::fromJson(raw).object();
        QCOMPARE(o.value(QLatin1String("config")).toObject(), runtime);
        QCOMPARE(
            o.value(QLatin1String("rootfs")).toObject().value(QLatin1String("type")).toString(),
            QStringLiteral("layers"));
    }
};

QTEST_GUILESS_MAIN(TestImage)
#include "tst_image_image.moc"
