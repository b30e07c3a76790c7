// Tests for what registries answer: manifest kinds by Content-Type or by the
// document itself, index entries, and registry error bodies as docker shows them.
#include "registry/Errors.h"
#include "registry/Manifests.h"

#include <QTest>

using namespace berth;
using namespace berth::registry;

namespace {

const QByteArray ociManifest =
    R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json",)"
    R"("digest":"sha256:b3a08c2447d7c38139a0f36386e7d558bcd3a4c64e1daf2bda2b2a794be43e0a",)"
    R"("size":401},"layers":[]})";

const QByteArray dockerList =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",)"
    R"("manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
    R"("digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111",)"
    R"("size":528,"platform":{"architecture":"arm","os":"linux","variant":"v7"}},)"
    R"({"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
    R"("digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222",)"
    R"("size":527,"platform":{"architecture":"amd64","os":"linux"}}]})";

const QByteArray schema1 = R"({"schemaVersion":1,"name":"library/x","tag":"1","fsLayers":[]})";

} // namespace

class TestManifests : public QObject
{
    Q_OBJECT

private slots:
    void acceptNamesTheFourKinds()
    {
        const QByteArray accept = manifestAccept();
        for (const char *type :
             {image::mediatype::OciManifest, image::mediatype::OciIndex,
              image::mediatype::DockerManifest, image::mediatype::DockerManifestList})
            QVERIFY2(accept.contains(type), type);
        QVERIFY(!accept.contains("distribution.manifest.v1"));
    }

    void kindFromContentType()
    {
        QString type;
        QCOMPARE(manifestKind(QStringLiteral("application/vnd.oci.image.manifest.v1+json"),
                              ociManifest, &type),
                 ManifestKind::Image);
        QCOMPARE(type, QStringLiteral("application/vnd.oci.image.manifest.v1+json"));
        // Parameters and case do not change the type.
        QCOMPARE(manifestKind(
                     QStringLiteral("Application/vnd.docker.distribution.manifest.list.v2+json; "
                                    "charset=utf-8"),
                     dockerList, &type),
                 ManifestKind::Index);
        QCOMPARE(type, QLatin1String(image::mediatype::DockerManifestList));
        QCOMPARE(manifestKind(
                     QStringLiteral("application/vnd.docker.distribution.manifest.v1+prettyjws"),
                     schema1, &type),
                 ManifestKind::Schema1);
    }

    void kindFromDocumentWhenTheTypeIsGeneric()
    {
        QString type;
        QCOMPARE(manifestKind(QStringLiteral("application/json"), dockerList, &type),
                 ManifestKind::Index);
        QCOMPARE(type, QLatin1String(image::mediatype::DockerManifestList));
        // OCI documents without a mediaType field: their shape says which they are.
        QCOMPARE(manifestKind(QStringLiteral("text/plain"), ociManifest, &type),
                 ManifestKind::Image);
        QCOMPARE(type, QLatin1String(image::mediatype::OciManifest));
        QCOMPARE(manifestKind(QString(), R"({"schemaVersion":2,"manifests":[]})", &type),
                 ManifestKind::Index);
        QCOMPARE(type, QLatin1String(image::mediatype::OciIndex));
        QCOMPARE(manifestKind(QStringLiteral("application/json"), schema1, &type),
                 ManifestKind::Schema1);
        QCOMPARE(manifestKind(QStringLiteral("application/json"), R"({"hello":1})", &type),
                 ManifestKind::Unknown);
        QCOMPARE(manifestKind(QStringLiteral("application/vnd.cncf.helm.chart"), "x", &type),
                 ManifestKind::Unknown);
    }

    void indexEntries()
    {
        auto entries = parseIndex(dockerList, QStringLiteral("index"));
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 2);
        QCOMPARE(entries->at(0).platform.toString(), QStringLiteral("linux/arm/v7"));
        QCOMPARE(entries->at(0).descriptor.size, 528);
        QCOMPARE(entries->at(1).platform.toString(), QStringLiteral("linux/amd64"));
        QCOMPARE(entries->at(1).descriptor.digest,
                 QStringLiteral("sha256:") + QString(64, QLatin1Char('2')));
        QCOMPARE(entries->at(1).descriptor.mediaType,
                 QLatin1String(image::mediatype::DockerManifest));
    }

    void badIndexes()
    {
        auto notJson = parseIndex("{", QStringLiteral("index sha256:x"));
        QVERIFY(!notJson.ok());
        QCOMPARE(notJson.error().code, ErrorCode::Corrupt);
        QVERIFY(notJson.error().message.startsWith(QStringLiteral("index sha256:x: ")));
        QVERIFY(!parseIndex(ociManifest, QStringLiteral("i")).ok());
        auto badDigest =
            parseIndex(R"({"manifests":[{"digest":"md5:00","size":1}]})", QStringLiteral("i"));
        QVERIFY(!badDigest.ok());
        QVERIFY(badDigest.error().message.contains(QStringLiteral("md5:00")));
    }

    void registryErrorsReadLikeDockers()
    {
        const auto errors = parseRegistryErrors(
            R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown",)"
            R"("detail":{"Tag":"nosuch"}}]})");
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors[0].code, QStringLiteral("MANIFEST_UNKNOWN"));
        QCOMPARE(describeRegistryErrors(errors),
                 QStringLiteral("manifest unknown: manifest unknown"));
        const auto two = parseRegistryErrors(
            R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"},)"
            R"({"code":"DENIED"}]})");
        QCOMPARE(describeRegistryErrors(two),
                 QStringLiteral("unauthorized: authentication required; denied"));
        QVERIFY(parseRegistryErrors(R"({"details":"incorrect username or password"})").isEmpty());
        QVERIFY(parseRegistryErrors("404 page not found").isEmpty());
        QCOMPARE(describeRegistryErrors({}), QString());
    }
};

QTEST_GUILESS_MAIN(TestManifests)
#include "tst_registry_manifests.moc"
