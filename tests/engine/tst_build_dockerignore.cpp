// .dockerignore tests: reading (comments, cleaning, exceptions) and matching (*, ?, **,
// classes, parent directories, the last matching pattern deciding).
#include "build/Dockerignore.h"

#include <QtTest>

using namespace berth;
using namespace berth::build;

class TestBuildDockerignore : public QObject
{
    Q_OBJECT

private slots:
    void read();
    void clean_data();
    void clean();
    void match_data();
    void match();
    void exceptions();
    void errors();
};

void TestBuildDockerignore::read()
{
    const QByteArray text = "\xef\xbb\xbf# comment\n"
                            "\n"
                            "  *.log  \n"
                            " # not a comment\n"
                            "/abs/path\n"
                            "./rel//dir/\n"
                            "a/../b\n"
                            "! keep.log\n"
                            "!/root-exception\n"
                            "\r\n"
                            "last\r\n";
    QCOMPARE(readDockerignore(text), (QStringList{"*.log", "# not a comment", "abs/path", "rel/dir",
                                                  "b", "!keep.log", "!root-exception", "last"}));
    QVERIFY(readDockerignore("").isEmpty());
}

void TestBuildDockerignore::clean_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << ""
                           << ".";
    QTest::newRow("dot") << "./"
                         << ".";
    QTest::newRow("slashes") << "a//b///c/"
                             << "a/b/c";
    QTest::newRow("dotdot") << "a/b/../c"
                            << "a/c";
    QTest::newRow("leading dotdot") << "../a"
                                    << "../a";
    QTest::newRow("rooted dotdot") << "/../a"
                                   << "/a";
    QTest::newRow("all gone") << "a/.."
                              << ".";
}

void TestBuildDockerignore::clean()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(cleanPath(input), expected);
}

void TestBuildDockerignore::match_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("excluded");
    const auto row = [](const char *name, QStringList patterns, const char *path, bool excluded) {
        QTest::newRow(name) << patterns << QString::fromUtf8(path) << excluded;
    };
    row("exact", {"README.md"}, "README.md", true);
    row("exact other", {"README.md"}, "README.txt", false);
    row("star top", {"*.log"}, "a.log", true);
    row("star not nested", {"*.log"}, "dir/a.log", false);
    row("star whole", {"*"}, "dir/a.log", true);
    row("question", {"a?c"}, "abc", true);
    row("question not slash", {"a?c"}, "a/c", false);
    row("class", {"[a-c]x"}, "bx", true);
    row("class miss", {"[a-c]x"}, "dx", false);
    row("negated class", {"[^a-c]x"}, "dx", true);
    row("dot literal", {"a.b"}, "axb", false);
    row("dollar literal", {"a$"}, "a$", true);
    row("plus literal", {"a+b"}, "a+b", true);
    row("double star any depth", {"**/*.tmp"}, "x/y/a.tmp", true);
    row("double star zero depth", {"**/*.tmp"}, "a.tmp", true);
    row("double star suffix", {"dir/**"}, "dir/a/b/c", true);
    row("double star middle", {"a/**/z"}, "a/b/c/z", true);
    row("double star middle none", {"a/**/z"}, "a/z", true);
    row("double star alone", {"**"}, "any/thing", true);
    row("directory excludes contents", {"docs"}, "docs/guide/a.md", true);
    row("directory prefix only", {"docs"}, "docsx/a.md", false);
    row("nested directory", {"a/b"}, "a/b/c/d", true);
    row("git", {".git"}, ".git/config", true);
    row("leading slash cleaned", {"/build"}, "build/out", true);
    row("dot slash cleaned", {"./build"}, "build/out", true);
    row("path cleaned", {"src"}, "./src//main.c", true);
    row("escaped star", {"a\\*"}, "a*", true);
    row("escaped star literal", {"a\\*"}, "ab", false);
    row("exception after", {"*.md", "!README.md"}, "README.md", false);
    row("exception other", {"*.md", "!README.md"}, "CHANGES.md", true);
    row("order matters", {"!README.md", "*.md"}, "README.md", true);
    row("re-exclude", {"docs", "!docs/keep", "docs/keep/secret"}, "docs/keep/secret", true);
    row("exception keeps file", {"docs", "!docs/keep"}, "docs/keep/a.txt", false);
    row("exception in excluded dir", {"docs", "!docs/keep"}, "docs/other.txt", true);
    row("no patterns", {}, "anything", false);
    row("unicode", {"caf\u00e9*"}, "caf\u00e9.txt", true);
}

void TestBuildDockerignore::match()
{
    QFETCH(QStringList, patterns);
    QFETCH(QString, path);
    QFETCH(bool, excluded);
    // Through the file reader, as a build reads them.
    const auto matcher = IgnoreMatcher::create(readDockerignore(patterns.join(u'\n').toUtf8()));
    QVERIFY(matcher.ok());
    QCOMPARE(matcher->matches(path), excluded);
}

void TestBuildDockerignore::exceptions()
{
    const auto none = IgnoreMatcher::create({QStringLiteral("*.o")});
    QVERIFY(none.ok());
    QVERIFY(!none->hasExceptions());
    const auto some = IgnoreMatcher::create(readDockerignore("build\n!build/keep\n"));
    QVERIFY(some.ok());
    QVERIFY(some->hasExceptions());
    QVERIFY(some->matches(QStringLiteral("build")));
    QVERIFY(!some->matches(QStringLiteral("build/keep")));
}

void TestBuildDockerignore::errors()
{
    const auto bang = IgnoreMatcher::create(readDockerignore("!\n"));
    QVERIFY(!bang.ok());
    QCOMPARE(bang.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(bang.error().message,
             QStringLiteral(".dockerignore: illegal exclusion pattern: \"!\""));
    const auto bracket = IgnoreMatcher::create({QStringLiteral("a[b")});
    QVERIFY(!bracket.ok());
    QCOMPARE(bracket.error().message,
             QStringLiteral(".dockerignore: pattern a[b: syntax error in pattern"));
}

QTEST_GUILESS_MAIN(TestBuildDockerignore)
#include "tst_build_dockerignore.moc"
