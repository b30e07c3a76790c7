// Word expansion tests: BuildKit's envVarTest and wordsTest tables (from the shared
// conformance folder when present) and the project's own cases.
#include "build/ShellLex.h"

#include <QFile>
#include <QtTest>

using namespace berth;
using namespace berth::build;

namespace {

QString shellDir()
{
    return QStringLiteral(BERTH_CONFORMANCE "/buildkit/shell");
}

Environment baseEnv()
{
    Environment env;
    env.set(QStringLiteral("PWD"), QStringLiteral("/home"));
    env.set(QStringLiteral("SHELL"), QStringLiteral("bash"));
    env.set(QStringLiteral("KOREAN"), QStringLiteral("\ud55c\uad6d\uc5b4"));
    env.set(QStringLiteral("NULL"), QString());
    return env;
}

} // namespace

class TestBuildShellLex : public QObject
{
    Q_OBJECT

private slots:
    void envVarTest_data();
    void envVarTest();
    void wordsTest();
    void word_data();
    void word();
    void words_data();
    void words();
    void backtickEscape();
    void errors_data();
    void errors();
    void rawModes();
    void environment();
};

void TestBuildShellLex::envVarTest_data()
{
    QTest::addColumn<QString>("platform");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QFile file(shellDir() + QStringLiteral("/envVarTest"));
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("BuildKit conformance data not found (../shared/conformance is absent)");
    int number = 0;
    for (const QByteArray &raw : file.readAll().split('\n')) {
        ++number;
        const QString line = QString::fromUtf8(raw);
        if (line.trimmed().isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList fields = line.split(u'|');
        QCOMPARE(fields.size(), 3);
        QTest::addRow("line %d: %s", number, qPrintable(fields[1].trimmed()))
            << fields[0].trimmed() << fields[1].trimmed() << fields[2].trimmed();
    }
}

void TestBuildShellLex::envVarTest()
{
    QFETCH(QString, platform);
    QFETCH(QString, input);
    QFETCH(QString, expected);
    ShellLex lex(u'\\');
    // W lines are the Windows behaviour: variable names are not case-sensitive.
    lex.setCaseInsensitiveEnv(platform == u"W");
    const auto result = lex.processWord(input, baseEnv());
    if (expected == u"error") {
        QVERIFY2(!result.ok(), qPrintable(result.ok() ? *result : QString()));
        QVERIFY(!result.error().message.isEmpty());
    } else {
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(*result, expected);
    }
}

void TestBuildShellLex::wordsTest()
{
    QFile file(shellDir() + QStringLiteral("/wordsTest"));
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("BuildKit conformance data not found (../shared/conformance is absent)");
    ShellLex lex(u'\\');
    Environment env;
    int checked = 0;
    for (const QByteArray &raw : file.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (line.startsWith(QStringLiteral("ENV "))) {
            const QString assignment = line.mid(4);
            const qsizetype eq = assignment.indexOf(u'=');
            env.set(assignment.left(eq), assignment.mid(eq + 1));
            continue;
        }
        const QStringList fields = line.split(u'|');
        QCOMPARE(fields.size(), 2);
        const QString input = fields[0].trimmed();
        // The expected side keeps its trailing spaces: they are part of the last word.
        const QString expected = fields[1].mid(fields[1].startsWith(u' ') ? 1 : 0);
        const auto words = lex.processWords(input, env);
        if (expected == u"error") {
            QVERIFY2(!words.ok(), qPrintable(input));
        } else {
            QVERIFY2(words.ok(), qPrintable(input));
            QCOMPARE(words->join(u','), expected);
        }
        ++checked;
    }
    QCOMPARE(checked, 24);
}

void TestBuildShellLex::word_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << "hello world"
                           << "hello world";
    QTest::newRow("var") << "$FOO/bin"
                         << "foo value/bin";
    QTest::newRow("braces") << "${FOO}x"
                            << "foo valuex";
    QTest::newRow("default unset") << "${NOPE:-def}"
                                   << "def";
    QTest::newRow("default empty colon") << "${EMPTY:-def}"
                                         << "def";
    QTest::newRow("default empty no colon") << "${EMPTY-def}"
                                            << "";
    QTest::newRow("default unset no colon") << "${NOPE-def}"
                                            << "def";
    QTest::newRow("alt set") << "${FOO:+alt}"
                             << "alt";
    QTest::newRow("alt empty colon") << "${EMPTY:+alt}"
                                     << "";
    QTest::newRow("alt empty no colon") << "${EMPTY+alt}"
                                        << "alt";
    QTest::newRow("alt unset") << "${NOPE+alt}"
                               << "";
    QTest::newRow("required set") << "${FOO?oops}"
                                  << "foo value";
    QTest::newRow("single quotes") << "'$FOO'"
                                   << "$FOO";
    QTest::newRow("double quotes") << "\"$FOO\""
                                   << "foo value";
    QTest::newRow("escaped dollar") << "\\$FOO"
                                    << "$FOO";
    QTest::newRow("prefix short") << "${PATHV#*/}"
                                  << "usr/local/bin";
    QTest::newRow("prefix long") << "${PATHV##*/}"
                                 << "bin";
    QTest::newRow("suffix short") << "${PATHV%/*}"
                                  << "/usr/local";
    QTest::newRow("suffix long") << "${PATHV%%/l*}"
                                 << "/usr";
    QTest::newRow("replace first") << "${PATHV/l/L}"
                                   << "/usr/Local/bin";
    QTest::newRow("replace all") << "${DOTS//./-}"
                                 << "a-b-c";
    QTest::newRow("replace delete") << "${DOTS/./}"
                                    << "ab.c";
    QTest::newRow("replace class") << "${DOTS//[ab]/X}"
                                   << "X.X.c";
    QTest::newRow("prefix no match") << "${PATHV#nomatch}"
                                     << "/usr/local/bin";
    QTest::newRow("nested default") << "${NOPE:-${FOO}}"
                                    << "foo value";
    QTest::newRow("unicode name") << "$KOREAN_x"
                                  << "";
}

void TestBuildShellLex::word()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    Environment env;
    env.set(QStringLiteral("FOO"), QStringLiteral("foo value"));
    env.set(QStringLiteral("EMPTY"), QString());
    env.set(QStringLiteral("PATHV"), QStringLiteral("/usr/local/bin"));
    env.set(QStringLiteral("DOTS"), QStringLiteral("a.b.c"));
    const auto result = ShellLex().processWord(input, env);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(*result, expected);
}

void TestBuildShellLex::words_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("split") << "a  b\tc" << QStringList{"a", "b", "c"};
    QTest::newRow("quoted") << "a \"b c\" 'd e'" << QStringList{"a", "b c", "d e"};
    QTest::newRow("var splits") << "x$TWO" << QStringList{"xone", "two"};
    QTest::newRow("quoted var") << "\"$TWO\"" << QStringList{"one two"};
    QTest::newRow("escaped space") << "a\\ b" << QStringList{"a b"};
    QTest::newRow("empty quotes dropped") << "a \"\" b" << QStringList{"a", "b"};
}

void TestBuildShellLex::words()
{
    QFETCH(QString, input);
    QFETCH(QStringList, expected);
    Environment env;
    env.set(QStringLiteral("TWO"), QStringLiteral("one two"));
    const auto result = ShellLex().processWords(input, env);
    QVERIFY(result.ok());
    QCOMPARE(*result, expected);
}

void TestBuildShellLex::backtickEscape()
{
    // With `# escape=`` the backslash is an ordinary character (Windows paths).
    ShellLex lex(u'`');
    Environment env;
    env.set(QStringLiteral("DIR"), QStringLiteral("C:\\app"));
    QCOMPARE(*lex.processWord(QStringLiteral("c:\\foo\\$DIR"), env),
             QStringLiteral("c:\\foo\\C:\\app"));
    QCOMPARE(*lex.processWord(QStringLiteral("`$DIR"), env), QStringLiteral("$DIR"));
    QCOMPARE(*lex.processWord(QStringLiteral("\"a`\"b\""), env), QStringLiteral("a\"b"));
    QCOMPARE(*lex.processWords(QStringLiteral("a` b c"), env),
             (QStringList{QStringLiteral("a b"), QStringLiteral("c")}));
}

void TestBuildShellLex::errors_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");
    QTest::newRow("single")
        << "'abc"
        << "unexpected end of statement while looking for matching single-quote";
    QTest::newRow("double")
        << "\"abc"
        << "unexpected end of statement while looking for matching double-quote";
    QTest::newRow("missing brace") << "${FOO"
                                   << "syntax error: missing '}'";
    QTest::newRow("bad substitution") << "${}"
                                      << "syntax error: bad substitution";
    QTest::newRow("modifier") << "${FOO:=x}"
                              << "unsupported modifier (:=) in substitution";
    QTest::newRow("unset") << "${NOPE?}"
                           << "NOPE: is not allowed to be unset";
    QTest::newRow("empty") << "${EMPTY:?}"
                           << "EMPTY: is not allowed to be empty";
    QTest::newRow("custom message") << "${NOPE:?set NOPE please}"
                                    << "NOPE: set NOPE please";
}

void TestBuildShellLex::errors()
{
    QFETCH(QString, input);
    QFETCH(QString, message);
    Environment env;
    env.set(QStringLiteral("FOO"), QStringLiteral("x"));
    env.set(QStringLiteral("EMPTY"), QString());
    const auto result = ShellLex().processWord(input, env);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().message, message);
    QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
}

void TestBuildShellLex::rawModes()
{
    ShellLex lex;
    lex.setRawQuotes(true);
    lex.setSkipUnsetEnv(true);
    const Environment none;
    QCOMPARE(*lex.processWord(QStringLiteral("<<\"EOF\" $X ${Y:-z}"), none),
             QStringLiteral("<<\"EOF\" $X ${Y:-z}"));
    lex.setRawEscapes(true);
    QCOMPARE(*lex.processWord(QStringLiteral("a\\ b"), none), QStringLiteral("a\\ b"));
    QVERIFY(lex.matchPattern(QStringLiteral("*.t?t"), QStringLiteral("notes.txt")));
    QVERIFY(!lex.matchPattern(QStringLiteral("*.t?t"), QStringLiteral("notes.tx")));
    QVERIFY(lex.matchPattern(QStringLiteral("[!a]b"), QStringLiteral("cb")));
    QVERIFY(lex.matchPattern(QStringLiteral("\\*"), QStringLiteral("*")));
    QVERIFY(!lex.matchPattern(QStringLiteral("\\*"), QStringLiteral("x")));
}

void TestBuildShellLex::environment()
{
    Environment env;
    env.set(QStringLiteral("A"), QStringLiteral("1"));
    env.set(QStringLiteral("B"), QStringLiteral("2"));
    env.set(QStringLiteral("A"), QStringLiteral("3"));
    QCOMPARE(env.toList(), (QStringList{QStringLiteral("A=3"), QStringLiteral("B=2")}));
    QCOMPARE(env.value(QStringLiteral("a")), std::nullopt);
    QCOMPARE(env.value(QStringLiteral("a"), true), QStringLiteral("3"));
}

QTEST_GUILESS_MAIN(TestBuildShellLex)
#include "tst_build_shelllex.moc"
