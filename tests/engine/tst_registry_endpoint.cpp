// Tests for registry endpoints: Docker Hub's host, which registries are
// insecure (docker's rules), and CA certificates from certs.d.
#include "registry/Endpoint.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace berth;
using namespace berth::registry;

namespace {

// A self-signed certificate (CN "berth test"), as `openssl req -x509` makes one.
const QByteArray testCertificate = R"(-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUCqUVNaNK2xvDri9w+QGuUPwhckwwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKYmVydGggdGVzdDAgFw0yNjExMjMxNDMwMTRaGA8yMTI2MTAz
MDE0MzAxNFowFTETMBEGA1UEAwwKYmVydGggdGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABG9PDpP7BxvbNgFLLEROHaxCh7OWQP6FBWjP1At5FCtUSNwew3N6
o83CNpRqq4URZsqT2qD0+pW9ua+rlt8mr3ajUzBRMB0GA1UdDgQWBBSWFIAhnxEl
ekVYHoF4BaHp10GVBjAfBgNVHSMEGDAWgBSWFIAhnxElekVYHoF4BaHp10GVBjAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDOYneFYkAsVRb0b2mg
rSRbcmBuwPsVntYyMyQaj4abewIgTDZjb33/VcyzMnKQG1suWX7xRSQy0ZdlY9O6
kZp4Je4=
-----END CERTIFICATE-----
)";

} // namespace

class TestEndpoint : public QObject
{
    Q_OBJECT

private slots:
    void dockerHub()
    {
        const Endpoint e =
            resolveEndpoint(QStringLiteral("docker.io"), defaultInsecureRegistries());
        QCOMPARE(e.host, QStringLiteral("registry-1.docker.io"));
        QVERIFY(!e.insecure);
        QCOMPARE(e.bases(), QList<QUrl>{QUrl(QStringLiteral("https://registry-1.docker.io"))});
    }

    void loopbackIsInsecureByDefault()
    {
        const Endpoint e =
            resolveEndpoint(QStringLiteral("127.0.0.1:5000"), defaultInsecureRegistries());
        QCOMPARE(e.host, QStringLiteral("127.0.0.1:5000"));
        QVERIFY(e.insecure);
        // https first (unverified), then plain http, as docker tries them.
        QCOMPARE(e.bases(), (QList<QUrl>{QUrl(QStringLiteral("https://127.0.0.1:5000")),
                                         QUrl(QStringLiteral("http://127.0.0.1:5000"))}));
        QVERIFY(
            resolveEndpoint(QStringLiteral("127.8.9.10"), defaultInsecureRegistries()).insecure);
        // localhost is a name that resolves into 127.0.0.0/8.
        QVERIFY(resolveEndpoint(QStringLiteral("localhost:5000"), defaultInsecureRegistries())
                    .insecure);
    }

    void ipv6LoopbackIsNotInTheDefaultRange()
    {
        const Endpoint e =
            resolveEndpoint(QStringLiteral("[::1]:5000"), defaultInsecureRegistries());
        QCOMPARE(e.host, QStringLiteral("[::1]:5000"));
        QVERIFY(!e.insecure);
    }

    void configuredInsecureRegistries()
    {
        const QStringList list{QStringLiteral("registry.example:5000"),
                               QStringLiteral("10.1.0.0/16")};
        QVERIFY(resolveEndpoint(QStringLiteral("registry.example:5000"), list).insecure);
        QVERIFY(resolveEndpoint(QStringLiteral("10.1.2.3:443"), list).insecure);
        QVERIFY(!resolveEndpoint(QStringLiteral("10.2.0.1"), list).insecure);
        QVERIFY(!resolveEndpoint(QStringLiteral("127.0.0.1:5000"), list).insecure);
    }

    void configDirFromEnvironment()
    {
        qputenv("BERTH_CONFIG", "/tmp/some-config");
        QCOMPARE(configDir(), QStringLiteral("/tmp/some-config"));
        QCOMPARE(defaultCertsDirs(), (QStringList{QStringLiteral("/tmp/some-config/certs.d"),
                                                  QStringLiteral("/etc/docker/certs.d")}));
        qunsetenv("BERTH_CONFIG");
        qputenv("XDG_CONFIG_HOME", "/tmp/xdg");
        QCOMPARE(configDir(), QStringLiteral("/tmp/xdg/berth"));
        qunsetenv("XDG_CONFIG_HOME");
    }

    void certificatesFromCertsDir()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.path() + QStringLiteral("/[::1]:5001")));
        QFile ca(dir.path() + QStringLiteral("/[::1]:5001/ca.crt"));
        QVERIFY(ca.open(QIODevice::WriteOnly));
        ca.write(testCertificate);
        ca.close();
        const int systemCount = QSslConfiguration::defaultConfiguration().caCertificates().size();

        auto tls = tlsConfiguration(QStringLiteral("[::1]:5001"), false,
                                    {QStringLiteral("/nonexistent"), dir.path()});
        QVERIFY(tls.ok());
        QCOMPARE(tls->caCertificates().size(), systemCount + 1);
        QCOMPARE(tls->caCertificates().last().subjectInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("berth test")});
        QCOMPARE(tls->peerVerifyMode(), QSslConfiguration::defaultConfiguration().peerVerifyMode());

        // Another registry does not get this CA.
        auto other = tlsConfiguration(QStringLiteral("[::1]:5002"), false, {dir.path()});
        QVERIFY(other.ok());
        QCOMPARE(other->caCertificates().size(), systemCount);

        auto insecure = tlsConfiguration(QStringLiteral("[::1]:5001"), true, {dir.path()});
        QVERIFY(insecure.ok());
        QCOMPARE(insecure->peerVerifyMode(), QSslSocket::VerifyNone);
    }

    void badCertificateIsNamed()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.path() + QStringLiteral("/reg:5000")));
        QFile bad(dir.path() + QStringLiteral("/reg:5000/broken.crt"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a certificate");
        bad.close();
        auto tls = tlsConfiguration(QStringLiteral("reg:5000"), false, {dir.path()});
        QVERIFY(!tls.ok());
        QVERIFY(tls.error().message.contains(bad.fileName()));
        QVERIFY(tls.error().message.contains(QStringLiteral("reg:5000")));
    }
};

QTEST_GUILESS_MAIN(TestEndpoint)
#include "tst_registry_endpoint.moc"
