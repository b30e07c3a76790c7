// Tests for the registry settings file (docker's daemon.json keys and its
// errors), proxy choice (Go's rules: loopback never, no-proxy entries) and
// credentials read from docker's config.json and a docker-credential helper.
#include "registry/Credentials.h"
#include "registry/Proxy.h"
#include "registry/Settings.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <thread>
#include <unistd.h>

using namespace berth;
using namespace berth::registry;

class TestSettings : public QObject
{
    Q_OBJECT

private:
    static QString write(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
    {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private slots:
    void init()
    {
        for (const char *v : {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY",
                              "no_proxy", "BERTH_REGISTRY_USER", "DOCKER_CONFIG"})
            qunsetenv(v);
    }

    void defaults()
    {
        QTemporaryDir dir;
        qputenv("BERTH_CONFIG", dir.path().toUtf8());
        auto s = Settings::load();
        QVERIFY(s.ok());
        QVERIFY(s->path.isEmpty() || s->path == Settings::systemPath());
        QCOMPARE(Settings::userPath(), dir.filePath(QStringLiteral("settings.json")));
        QCOMPARE(Settings().maxConcurrentDownloads, 3);
        QCOMPARE(Settings().maxConcurrentUploads, 5);
        QCOMPARE(Settings().insecureRegistries, QStringList{QStringLiteral("127.0.0.0/8")});
        QCOMPARE(Settings().searchIndex, QUrl(QStringLiteral("https://index.docker.io")));
        qunsetenv("BERTH_CONFIG");
    }

    void everyKey()
    {
        QTemporaryDir dir;
        qputenv("BERTH_CONFIG", dir.path().toUtf8());
        const QString path =
            write(dir, QStringLiteral("settings.json"),
                  "{\n"
                  "            \"registry-mirrors\": [\"https://mirror.example.com/\", "
                  "\"http://10.1.2.3:5000\"],\n"
                  "            \"insecure-registries\": [\"myregistry:5000\", \"10.0.0.0/8\"],\n"
                  "            \"max-concurrent-downloads\": 7,\n"
                  "            \"max-concurrent-uploads\": 2,\n"
                  "            \"proxies\": {\"http-proxy\": \"http://proxy:3128\", "
                  "\"https-proxy\": \"proxy:3129\",\n"
                  "                        \"no-proxy\": \"internal.example.com\"},\n"
                  "            \"search-index\": \"http://127.0.0.1:8080\"\n"
                  "        }");
        auto s = Settings::load();
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->path, path);
        QCOMPARE(s->registryMirrors, (QStringList{QStringLiteral("https://mirror.example.com"),
                                                  QStringLiteral("http://10.1.2.3:5000")}));
        QCOMPARE(s->insecureRegistries,
                 (QStringList{QStringLiteral("127.0.0.0/8"), QStringLiteral("myregistry:5000"),
                              QStringLiteral("10.0.0.0/8")}));
        QCOMPARE(s->maxConcurrentDownloads, 7);
        QCOMPARE(s->maxConcurrentUploads, 2);
        QCOMPARE(s->proxies.httpProxy, QStringLiteral("http://proxy:3128"));
        QCOMPARE(s->searchIndex, QUrl(QStringLiteral("http://127.0.0.1:8080")));
        const ClientOptions options = s->clientOptions();
        QCOMPARE(options.insecureRegistries, s->insecureRegistries);
        QCOMPARE(options.proxies.noProxy, QStringLiteral("internal.example.com"));
        QVERIFY(bool(options.credentials));
        qunsetenv("BERTH_CONFIG");
    }

    void errorsNameFileKeyAndCause_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{\"registry-mirrors\": [")
                                  << QStringLiteral("settings file F: not valid JSON at byte");
        QTest::newRow("not an object")
            << QByteArray("[1]") << QStringLiteral("settings file F: must hold a JSON object");
        QTest::newRow("unknown key")
            << QByteArray("{\"registry-mirror\": []}")
            << QStringLiteral("settings file F: \"registry-mirror\": is not a known setting");
        QTest::newRow("mirror scheme")
            << QByteArray("{\"registry-mirrors\": [\"ftp://m.example.com\"]}")
            << QStringLiteral("settings file F: \"registry-mirrors\": \"ftp://m.example.com\" is "
                              "not an http:// or https:// URL of a registry");
        QTest::newRow("mirror path")
            << QByteArray("{\"registry-mirrors\": [\"https://m.example.com/v2/x\"]}")
            << QStringLiteral("settings file F: \"registry-mirrors\": "
                              "\"https://m.example.com/v2/x\": a mirror is a registry's address "
                              "alone, without a path, query or user");
        QTest::newRow("mirrors not a list")
            << QByteArray("{\"registry-mirrors\": \"https://m.example.com\"}")
            << QStringLiteral("settings file F: \"registry-mirrors\": must be a list of strings");
        QTest::newRow("insecure scheme")
            << QByteArray("{\"insecure-registries\": [\"http://r:5000\"]}")
            << QStringLiteral("settings file F: \"insecure-registries\": \"http://r:5000\": an "
                              "insecure registry is \"host[:port]\" or a CIDR, without a scheme");
        QTest::newRow("insecure cidr")
            << QByteArray("{\"insecure-registries\": [\"10.0.0.0/99\"]}")
            << QStringLiteral(
                   "settings file F: \"insecure-registries\": \"10.0.0.0/99\" is not a valid CIDR");
        QTest::newRow("downloads zero")
            << QByteArray("{\"max-concurrent-downloads\": 0}")
            << QStringLiteral("settings file F: \"max-concurrent-downloads\": must be a whole "
                              "number of at least 1");
        QTest::newRow("uploads text")
            << QByteArray("{\"max-concurrent-uploads\": \"5\"}")
            << QStringLiteral("settings file F: \"max-concurrent-uploads\": must be a whole "
                              "number of at least 1");
        QTest::newRow("proxy url")
            << QByteArray("{\"proxies\": {\"https-proxy\": \"ftp://p:1\"}}")
            << QStringLiteral("settings file F: \"proxies.https-proxy\": \"ftp://p:1\" is not a "
                              "proxy URL");
        QTest::newRow("proxy key")
            << QByteArray("{\"proxies\": {\"ftp-proxy\": \"http://p:1\"}}")
            << QStringLiteral("settings file F: \"proxies.ftp-proxy\": is not a known setting");
    }

    void errorsNameFileKeyAndCause()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        auto s = Settings::parse(json, QStringLiteral("F"));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(s.error().message.startsWith(message), qPrintable(s.error().message));
    }

    void mirrorEndpoints()
    {
        // A mirror is reached at its URL's scheme only; verified unless insecure.
        Endpoint e =
            resolveEndpoint(QStringLiteral("http://127.0.0.1:5001"), defaultInsecureRegistries());
        QCOMPARE(e.host, QStringLiteral("127.0.0.1:5001"));
        QVERIFY(e.insecure);
        QCOMPARE(e.bases(), QList<QUrl>{QUrl(QStringLiteral("http://127.0.0.1:5001"))});
        e = resolveEndpoint(QStringLiteral("https://[::1]:5002"), defaultInsecureRegistries());
        QCOMPARE(e.host, QStringLiteral("[::1]:5002"));
        QVERIFY(!e.insecure);
        QCOMPARE(e.bases(), QList<QUrl>{QUrl(QStringLiteral("https://[::1]:5002"))});
        e = resolveEndpoint(QStringLiteral("https://[::1]:5002"), {QStringLiteral("[::1]:5002")});
        QVERIFY(e.insecure);
        QCOMPARE(e.bases().size(), 1);
    }

    void proxyChoice()
    {
        ProxySettings p;
        p.httpProxy = QStringLiteral("http://user:pw@proxy.example.com:3128");
        p.httpsProxy = QStringLiteral("proxy.example.com:3129");
        p.noProxy = QStringLiteral("internal.example.com, 10.0.0.0/8, .corp, other:5000");
        const auto via = [&](const char *url) {
            return p.proxyFor(QUrl(QString::fromLatin1(url)));
        };
        QNetworkProxy http = via("http://registry.example.com/v2/");
        QCOMPARE(http.type(), QNetworkProxy::HttpProxy);
        QCOMPARE(http.hostName(), QStringLiteral("proxy.example.com"));
        QCOMPARE(http.port(), quint16(3128));
        QCOMPARE(http.user(), QStringLiteral("user"));
        QCOMPARE(http.password(), QStringLiteral("pw"));
        QCOMPARE(via("https://registry.example.com/v2/").port(), quint16(3129));
        // Loopback is never proxied, as Go's net/http decides.
        for (const char *direct :
             {"http://127.0.0.1:5000/v2/", "https://localhost:5000/v2/", "https://[::1]:5000/v2/",
              "https://127.9.9.9/v2/", "https://internal.example.com/v2/",
              "https://a.internal.example.com/v2/", "http://10.2.3.4:5000/v2/",
              "https://x.corp/v2/", "http://other:5000/v2/"})
            QVERIFY2(via(direct).type() == QNetworkProxy::NoProxy, direct);
        QCOMPARE(via("http://other:5001/v2/").type(), QNetworkProxy::HttpProxy);
        QCOMPARE(via("http://notinternal.example.com/").type(), QNetworkProxy::HttpProxy);
        p.noProxy = QStringLiteral("*");
        QCOMPARE(via("https://registry.example.com/").type(), QNetworkProxy::NoProxy);
    }

    void proxyFromEnvironment()
    {
        qputenv("https_proxy", "http://lower:1");
        qputenv("HTTPS_PROXY", "http://upper:2");
        qputenv("no_proxy", "example.org");
        ProxySettings fromFile;
        fromFile.httpProxy = QStringLiteral("http://file:3");
        const ProxySettings p = fromFile.withEnvironment();
        QCOMPARE(p.httpProxy, QStringLiteral("http://file:3"));
        QCOMPARE(p.httpsProxy, QStringLiteral("http://upper:2"));
        QCOMPARE(p.noProxy, QStringLiteral("example.org"));
    }

    void credentialKeys()
    {
        QCOMPARE(credentialsKey(QStringLiteral("docker.io")),
                 QStringLiteral("https://index.docker.io/v1/"));
        QCOMPARE(credentialsKey(QStringLiteral("[::1]:5000")), QStringLiteral("[::1]:5000"));
        for (const char *hub : {"", "docker.io", "index.docker.io", "https://index.docker.io/v1/",
                                "registry-1.docker.io"})
            QCOMPARE(registryOfServer(QString::fromLatin1(hub)), QStringLiteral("docker.io"));
        QCOMPARE(registryOfServer(QStringLiteral("https://r.example.com:5000/v2/")),
                 QStringLiteral("r.example.com:5000"));
        QCOMPARE(registryOfServer(QStringLiteral("127.0.0.1:5000")),
                 QStringLiteral("127.0.0.1:5000"));
    }

    // Keychain jobs from threads that come and go (a GUI's pool threads): run
    // by tests/cli/test_login.sh's kind of session, skipped without a keychain.
    void keychainFromAnyThread()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("no D-Bus session: run in dbus-run-session with gnome-keyring-daemon --unlock");
        const QString registry = QStringLiteral("keychain-test.invalid:%1").arg(getpid());
        Status stored;
        std::thread([&] {
            stored = storeKeychainCredentials(
                registry, Credentials{QStringLiteral("u"), QStringLiteral("p w")});
        }).join();
        if (!stored.ok() && stored.error().code == ErrorCode::Unsupported)
            QSKIP(qPrintable(stored.error().message));
        QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
        Result<std::optional<Credentials>> read = std::optional<Credentials>();
        std::thread([&] { read = readKeychainCredentials(registry); }).join();
        QVERIFY(read.ok() && *read);
        QCOMPARE((*read)->username, QStringLiteral("u"));
        QCOMPARE((*read)->password, QStringLiteral("p w"));
        auto erased = eraseKeychainCredentials(registry);
        QVERIFY(erased.ok() && *erased);
        erased = eraseKeychainCredentials(registry);
        QVERIFY(erased.ok() && !*erased);
    }

    void dockerConfigAuths()
    {
        QTemporaryDir dir;
        qputenv("DOCKER_CONFIG", dir.path().toUtf8());
        QCOMPARE(dockerConfigPath(), dir.filePath(QStringLiteral("config.json")));
        QVERIFY(!dockerConfigCredentials(QStringLiteral("r.example.com")));
        write(dir, QStringLiteral("config.json"),
              "{\"auths\": {\"https://r.example.com/v1/\": {\"auth\": \"" +
                  QByteArray("alice:pa:ss").toBase64() +
                  "\"},\n"
                  "                            \"https://index.docker.io/v1/\": {\"auth\": \"" +
                  QByteArray("hubuser:hubpw").toBase64() + "\"}}}");
        // Keys name the same host in another spelling, as docker writes them.
        auto c = dockerConfigCredentials(QStringLiteral("r.example.com"));
        QVERIFY(c);
        QCOMPARE(c->username, QStringLiteral("alice"));
        QCOMPARE(c->password, QStringLiteral("pa:ss"));
        c = dockerConfigCredentials(QStringLiteral("docker.io"));
        QVERIFY(c);
        QCOMPARE(c->username, QStringLiteral("hubuser"));
        QVERIFY(!dockerConfigCredentials(QStringLiteral("other.example.com")));
        qunsetenv("DOCKER_CONFIG");
    }

    void credentialHelper()
    {
        QTemporaryDir dir;
        qputenv("DOCKER_CONFIG", dir.path().toUtf8());
        // A helper speaking docker's protocol: the server on stdin, JSON out,
        // "credentials not found" and a non-zero exit for the others.
        const QString helper =
            write(dir, QStringLiteral("docker-credential-unit"),
                  "#!/bin/sh\n"
                  "read -r server\n"
                  "echo \"$server\" >> \"$(dirname \"$0\")/asked\"\n"
                  "if [ \"$1\" = get ] && [ \"$server\" = \"r.example.com:5000\" ]; then\n"
                  "    printf '{\"ServerURL\":\"%s\",\"Username\":\"helped\",\"Secret\":\"s3\"}' "
                  "\"$server\"\n"
                  "else\n"
                  "    echo \"credentials not found in native keychain\"; exit 1\n"
                  "fi\n"
                  "");
        QFile::setPermissions(helper, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", dir.path().toUtf8() + ':' + path);
        write(dir, QStringLiteral("config.json"),
              "{\"credHelpers\": {\"r.example.com:5000\": \"unit\"},\n"
              "            \"auths\": {\"other.example.com\": {\"auth\": \"" +
                  QByteArray("plain:pw").toBase64() + "\"}}}");
        auto c = dockerConfigCredentials(QStringLiteral("r.example.com:5000"));
        QVERIFY(c);
        QCOMPARE(c->username, QStringLiteral("helped"));
        QCOMPARE(c->password, QStringLiteral("s3"));
        // No helper for this one: the plain auths entry.
        c = dockerConfigCredentials(QStringLiteral("other.example.com"));
        QVERIFY(c);
        QCOMPARE(c->username, QStringLiteral("plain"));
        // credsStore for every registry; the helper has nothing for this one.
        write(dir, QStringLiteral("config.json"), "{\"credsStore\": \"unit\"}");
        QVERIFY(!dockerConfigCredentials(QStringLiteral("third.example.com")));
        QFile asked(dir.filePath(QStringLiteral("asked")));
        QVERIFY(asked.open(QIODevice::ReadOnly));
        QCOMPARE(asked.readAll(), QByteArray("r.example.com:5000\nthird.example.com\n"));
        // The environment comes before everything else.
        qputenv("BERTH_REGISTRY_USER", "env");
        qputenv("BERTH_REGISTRY_PASSWORD", "envpw");
        c = lookupCredentials(QStringLiteral("r.example.com:5000"));
        QVERIFY(c);
        QCOMPARE(c->username, QStringLiteral("env"));
        QCOMPARE(c->password, QStringLiteral("envpw"));
        qunsetenv("BERTH_REGISTRY_USER");
        qunsetenv("BERTH_REGISTRY_PASSWORD");
        qputenv("PATH", path);
        qunsetenv("DOCKER_CONFIG");
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_registry_settings.moc"
