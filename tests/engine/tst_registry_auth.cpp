// Tests for registry authentication text: WWW-Authenticate challenges as
// registries send them, token server answers, scopes.
#include "registry/Auth.h"

#include <QTest>

using namespace berth;
using namespace berth::registry;

class TestAuth : public QObject
{
    Q_OBJECT

private slots:
    void dockerHubBearer()
    {
        const auto cs = parseChallenges(
            R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
            R"(scope="repository:library/busybox:pull")");
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].scheme, QStringLiteral("bearer"));
        QCOMPARE(cs[0].param(QStringLiteral("realm")),
                 QStringLiteral("https://auth.docker.io/token"));
        QCOMPARE(cs[0].param(QStringLiteral("service")), QStringLiteral("registry.docker.io"));
        QCOMPARE(cs[0].param(QStringLiteral("scope")),
                 QStringLiteral("repository:library/busybox:pull"));
    }

    void scopeWithSeveralActionsKeepsItsCommas()
    {
        // A quoted value may hold commas; they do not start a new parameter.
        const auto cs =
            parseChallenges(R"(Bearer realm="https://r/token", )"
                            R"(scope="repository:a/b:pull,push", error="insufficient_scope")");
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].param(QStringLiteral("scope")), QStringLiteral("repository:a/b:pull,push"));
        QCOMPARE(cs[0].param(QStringLiteral("error")), QStringLiteral("insufficient_scope"));
    }

    void basicAndCaseInsensitiveNames()
    {
        const auto cs = parseChallenges(R"(BASIC Realm="Registry Realm")");
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].scheme, QStringLiteral("basic"));
        QCOMPARE(cs[0].param(QStringLiteral("realm")), QStringLiteral("Registry Realm"));
    }

    void severalChallengesInOneHeader()
    {
        // Qt joins repeated WWW-Authenticate headers with ", ".
        const auto cs = parseChallenges(
            "Basic realm=\"basic realm\", Bearer realm=\"https://t/token\",service=\"svc\"");
        QCOMPARE(cs.size(), 2);
        QCOMPARE(cs[0].scheme, QStringLiteral("basic"));
        QCOMPARE(cs[0].param(QStringLiteral("realm")), QStringLiteral("basic realm"));
        QCOMPARE(cs[1].scheme, QStringLiteral("bearer"));
        QCOMPARE(cs[1].param(QStringLiteral("service")), QStringLiteral("svc"));
    }

    void escapesAndUnquotedValues()
    {
        const auto cs =
            parseChallenges("Bearer realm=https://host:5001/auth,service=\"say \\\"hi\\\"\"");
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].param(QStringLiteral("realm")), QStringLiteral("https://host:5001/auth"));
        QCOMPARE(cs[0].param(QStringLiteral("service")), QStringLiteral("say \"hi\""));
    }

    void garbageDoesNotHang()
    {
        QVERIFY(parseChallenges("").isEmpty());
        QVERIFY(parseChallenges(",,, ").isEmpty());
        const auto cs = parseChallenges("Bearer realm=\"unterminated");
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].param(QStringLiteral("realm")), QStringLiteral("unterminated"));
        // A challenge that starts with a character no scheme has ends the parse.
        QVERIFY(parseChallenges("(x)").isEmpty());
    }

    void tokenField()
    {
        const QDateTime now =
            QDateTime::fromString(QStringLiteral("2024-01-01T00:00:00Z"), Qt::ISODate);
        auto t = parseTokenResponse(R"({"token":"abc","expires_in":300,"issued_at":"x"})", now,
                                    QStringLiteral("token"));
        QVERIFY(t.ok());
        QCOMPARE(t->value, QStringLiteral("abc"));
        QCOMPARE(t->expires, now.addSecs(300));
    }

    void accessTokenFieldAndMinimumLifetime()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto t = parseTokenResponse(R"({"access_token":"oauth","expires_in":10})", now,
                                    QStringLiteral("token"));
        QVERIFY(t.ok());
        QCOMPARE(t->value, QStringLiteral("oauth"));
        // Shorter lifetimes are raised to the 60 s the distribution spec promises.
        QCOMPARE(t->expires, now.addSecs(60));
        auto unsaid = parseTokenResponse(R"({"token":"t"})", now, QStringLiteral("token"));
        QVERIFY(unsaid.ok());
        QCOMPARE(unsaid->expires, now.addSecs(60));
    }

    void tokenErrors()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto none = parseTokenResponse(R"({"expires_in":300})", now, QStringLiteral("GET x"));
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::Unauthorized);
        QVERIFY(none.error().message.startsWith(QStringLiteral("GET x: ")));
        auto html = parseTokenResponse("<html>", now, QStringLiteral("GET x"));
        QVERIFY(!html.ok());
        QVERIFY(html.error().message.contains(QStringLiteral("not JSON")));
    }

    void scopes()
    {
        QCOMPARE(pullScope(QStringLiteral("library/busybox")),
                 QStringLiteral("repository:library/busybox:pull"));
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_registry_auth.moc"
