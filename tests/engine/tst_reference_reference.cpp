// Tests for image references: docker's grammar, normalization, familiar forms and
// the `docker images` pattern filter.
#include "reference/Reference.h"

#include <QTest>

using namespace berth;
using namespace berth::reference;

namespace {
const QString hex64 =
    QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
const QString dig = QStringLiteral("sha256:") + hex64;
} // namespace

class TestReference : public QObject
{
    Q_OBJECT

private slots:
    void valid_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("digest");
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("familiar");

        QTest::newRow("official") << "busybox"
                                  << "docker.io"
                                  << "library/busybox"
                                  << ""
                                  << ""
                                  << "docker.io/library/busybox"
                                  << "busybox";
        QTest::newRow("official tag") << "busybox:1.36"
                                      << "docker.io"
                                      << "library/busybox"
                                      << "1.36"
                                      << ""
                                      << "docker.io/library/busybox:1.36"
                                      << "busybox:1.36";
        QTest::newRow("library prefix") << "library/busybox"
                                        << "docker.io"
                                        << "library/busybox"
                                        << ""
                                        << ""
                                        << "docker.io/library/busybox"
                                        << "busybox";
        QTest::newRow("full hub") << "docker.io/library/busybox:latest"
                                  << "docker.io"
                                  << "library/busybox"
                                  << "latest"
                                  << ""
                                  << "docker.io/library/busybox:latest"
                                  << "busybox:latest";
        QTest::newRow("legacy hub") << "index.docker.io/busybox"
                                    << "docker.io"
                                    << "library/busybox"
                                    << ""
                                    << ""
                                    << "docker.io/library/busybox"
                                    << "busybox";
        QTest::newRow("user repo") << "user/x"
                                   << "docker.io"
                                   << "user/x"
                                   << ""
                                   << ""
                                   << "docker.io/user/x"
                                   << "user/x";
        QTest::newRow("hub user repo") << "docker.io/user/x:t"
                                       << "docker.io"
                                       << "user/x"
                                       << "t"
                                       << ""
                                       << "docker.io/user/x:t"
                                       << "user/x:t";
        QTest::newRow("library nested") << "library/a/b"
                                        << "docker.io"
                                        << "library/a/b"
                                        << ""
                                        << ""
                                        << "docker.io/library/a/b"
                                        << "library/a/b";
        QTest::newRow("localhost port") << "localhost:5000/a/b:t"
                                        << "localhost:5000"
                                        << "a/b"
                                        << "t"
                                        << ""
                                        << "localhost:5000/a/b:t"
                                        << "localhost:5000/a/b:t";
        QTest::newRow("localhost") << "localhost/x"
                                   << "localhost"
                                   << "x"
                                   << ""
                                   << ""
                                   << "localhost/x"
                                   << "localhost/x";
        QTest::newRow("registry") << "quay.io/coreos/etcd:v3.5.0"
                                  << "quay.io"
                                  << "coreos/etcd"
                                  << "v3.5.0"
                                  << ""
                                  << "quay.io/coreos/etcd:v3.5.0"
                                  << "quay.io/coreos/etcd:v3.5.0";
        QTest::newRow("ipv6") << "[::1]:5000/x:1"
                              << "[::1]:5000"
                              << "x"
                              << "1"
                              << ""
                              << "[::1]:5000/x:1"
                              << "[::1]:5000/x:1";
        QTest::newRow("uppercase domain") << "Example.COM/x"
                                          << "Example.COM"
                                          << "x"
                                          << ""
                                          << ""
                                          << "Example.COM/x"
                                          << "Example.COM/x";
        QTest::newRow("digest") << "a@" + dig << "docker.io"
                                << "library/a"
                                << "" << dig << "docker.io/library/a@" + dig << "a@" + dig;
        QTest::newRow("tag and digest")
            << "a:t@" + dig << "docker.io"
            << "library/a"
            << "t" << dig << "docker.io/library/a:t@" + dig << "a:t@" + dig;
        QTest::newRow("separators") << "a.b_c__d-e--f:W_1.x-y"
                                    << "docker.io"
                                    << "library/a.b_c__d-e--f"
                                    << "W_1.x-y"
                                    << ""
                                    << "docker.io/library/a.b_c__d-e--f:W_1.x-y"
                                    << "a.b_c__d-e--f:W_1.x-y";
        QTest::newRow("tag 128") << "a:" + QString(128, QLatin1Char('t')) << "docker.io"
                                 << "library/a" << QString(128, QLatin1Char('t')) << ""
                                 << "docker.io/library/a:" + QString(128, QLatin1Char('t'))
                                 << "a:" + QString(128, QLatin1Char('t'));
        QTest::newRow("63 hex is a name")
            << hex64.left(63) << "docker.io"
            << "library/" + hex64.left(63) << ""
            << ""
            << "docker.io/library/" + hex64.left(63) << hex64.left(63);
    }
    void valid()
    {
        QFETCH(QString, input);
        auto ref = Reference::parse(input);
        QVERIFY2(ref.ok(), qPrintable(ref.ok() ? QString() : ref.error().message));
        QTEST(ref->domain, "domain");
        QTEST(ref->path, "path");
        QTEST(ref->tag, "tag");
        QTEST(ref->digest, "digest");
        QTEST(ref->string(), "full");
        QTEST(ref->familiarString(), "familiar");
        // The full form parses back to the same reference.
        auto again = Reference::parse(ref->string());
        QVERIFY(again.ok());
        QCOMPARE(*again, *ref);
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty")
            << ""
            << "invalid reference format: repository name must have at least one component";
        QTest::newRow("uppercase") << "Busybox"
                                   << "invalid reference format: repository name "
                                      "(library/Busybox) must be lowercase";
        QTest::newRow("uppercase path") << "localhost:5000/Foo/bar:t"
                                        << "invalid reference format: repository name "
                                           "(Foo/bar) must be lowercase";
        QTest::newRow("64 hex") << hex64
                                << "invalid repository name (" + hex64 +
                                       "), cannot specify 64-byte hexadecimal strings";
        QTest::newRow("trailing colon") << "busybox:"
                                        << "invalid reference format";
        QTest::newRow("leading dash") << "-busybox"
                                      << "invalid reference format";
        QTest::newRow("double slash") << "a//b"
                                      << "invalid reference format";
        QTest::newRow("trailing separator") << "a_"
                                            << "invalid reference format";
        QTest::newRow("triple underscore") << "a___b"
                                           << "invalid reference format";
        QTest::newRow("tag too long")
            << "a:" + QString(129, QLatin1Char('t')) << "invalid reference format";
        QTest::newRow("tag starts with dot") << "a:.t"
                                             << "invalid reference format";
        QTest::newRow("short digest") << "a@sha256:abcd"
                                      << "invalid reference format";
        QTest::newRow("space") << "a b"
                               << "invalid reference format";
        QTest::newRow("name too long")
            << "x/" + QString(250, QLatin1Char('a'))
            << "invalid reference format: repository name must not be more than 255 characters";
        QTest::newRow("digest algorithm")
            << "a@md5:" + hex64.left(32)
            << "invalid reference format: unsupported digest algorithm md5";
    }
    void invalid()
    {
        QFETCH(QString, input);
        QFETCH(QString, message);
        auto ref = Reference::parse(input);
        QVERIFY2(!ref.ok(), qPrintable(ref.ok() ? ref->string() : QString()));
        QCOMPARE(ref.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(ref.error().message, message);
    }

    void names()
    {
        auto ref = Reference::parse(QStringLiteral("busybox:1"));
        QVERIFY(ref.ok());
        QCOMPARE(ref->name(), QStringLiteral("docker.io/library/busybox"));
        QCOMPARE(ref->familiarName(), QStringLiteral("busybox"));
        auto user = Reference::parse(QStringLiteral("docker.io/user/x"));
        QVERIFY(user.ok());
        QCOMPARE(user->familiarName(), QStringLiteral("user/x"));
        auto local = Reference::parse(QStringLiteral("localhost:5000/x"));
        QVERIFY(local.ok());
        QCOMPARE(local->familiarName(), QStringLiteral("localhost:5000/x"));
    }

    void defaultTag()
    {
        auto ref = Reference::parse(QStringLiteral("busybox"));
        QVERIFY(ref.ok());
        QVERIFY(ref->isNameOnly());
        const Reference tagged = ref->withDefaultTag();
        QCOMPARE(tagged.string(), QStringLiteral("docker.io/library/busybox:latest"));
        QVERIFY(!tagged.isNameOnly());
        auto withTag = Reference::parse(QStringLiteral("busybox:1"));
        QCOMPARE(withTag->withDefaultTag().tag, QStringLiteral("1"));
        auto withDigest = Reference::parse(QStringLiteral("busybox@") + dig);
        QVERIFY(withDigest.ok());
        QVERIFY(!withDigest->isNameOnly());
        QCOMPARE(withDigest->withDefaultTag().tag, QString());
        QCOMPARE(withDigest->withDefaultTag().string(), "docker.io/library/busybox@" + dig);
    }

    void pattern_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<bool>("matches");
        QTest::newRow("name") << "busybox:1.36"
                              << "busybox" << true;
        QTest::newRow("name tag") << "busybox:1.36"
                                  << "busybox:1.36" << true;
        QTest::newRow("other tag") << "busybox:1.36"
                                   << "busybox:1.35" << false;
        QTest::newRow("tag glob") << "busybox:1.36"
                                  << "busybox:1.*" << true;
        QTest::newRow("tag glob miss") << "busybox:1.36"
                                       << "busybox:2*" << false;
        QTest::newRow("name glob") << "busybox:1.36"
                                   << "busy*" << true;
        QTest::newRow("question") << "busybox:1.36"
                                  << "busybo?" << true;
        QTest::newRow("class") << "busybox:1.36"
                               << "[a-c]usybox" << true;
        QTest::newRow("negated class") << "busybox:1.36"
                                       << "[^b]usybox" << false;
        QTest::newRow("other name") << "busybox:1.36"
                                    << "alpine" << false;
        QTest::newRow("prefix only") << "busybox:1.36"
                                     << "busy" << false;
        QTest::newRow("full name") << "busybox:1.36"
                                   << "docker.io/library/busybox" << true;
        QTest::newRow("full string") << "busybox:1.36"
                                     << "docker.io/library/busybox:1.36" << true;
        QTest::newRow("star stops at slash") << "user/app:1"
                                             << "*" << false;
        QTest::newRow("star per component") << "user/app:1"
                                            << "*/*" << true;
        QTest::newRow("user glob") << "user/app:1"
                                   << "user/*:1" << true;
        QTest::newRow("registry") << "localhost:5000/x:t"
                                  << "localhost:5000/x" << true;
        QTest::newRow("registry glob") << "localhost:5000/x:t"
                                       << "localhost:*/*:t" << true;
        QTest::newRow("escape") << "busybox:1.36"
                                << "busybox:1\\.36" << true;
        QTest::newRow("malformed") << "busybox:1.36"
                                   << "busybox[" << false;
    }
    void pattern()
    {
        QFETCH(QString, reference);
        QFETCH(QString, pattern);
        QFETCH(bool, matches);
        auto ref = Reference::parse(reference);
        QVERIFY(ref.ok());
        QCOMPARE(matchesPattern(*ref, pattern), matches);
    }

    void glob()
    {
        QVERIFY(globMatch(QStringLiteral("a*b"), QStringLiteral("axxb")));
        QVERIFY(!globMatch(QStringLiteral("a*b"), QStringLiteral("ax/b")));
        QVERIFY(globMatch(QStringLiteral("a?c"), QStringLiteral("abc")));
        QVERIFY(!globMatch(QStringLiteral("a?c"), QStringLiteral("a/c")));
        QVERIFY(globMatch(QStringLiteral("[\\]a]"), QStringLiteral("]")));
        QVERIFY(!globMatch(QStringLiteral("[]a]"), QStringLiteral("]")));
        QVERIFY(globMatch(QStringLiteral(""), QString()));
        QVERIFY(!globMatch(QStringLiteral(""), QStringLiteral("a")));
    }
};

QTEST_GUILESS_MAIN(TestReference)
#include "tst_reference_reference.moc"
