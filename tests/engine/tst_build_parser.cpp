// Dockerfile parser tests: the project's own cases under tests/data/dockerfile and
// BuildKit's parser expectations (read from the shared conformance folder when present).
//
// A case is a folder with a Dockerfile and what it must give:
//   result    the AST dump (BuildKit's format), when the file parses
//   error     the exact message of the first error of parsing then typing the instructions
//             (parseDockerfile, then parseStages); without it both must succeed
//   warnings  "LINE: message" per parser warning (without it: no warnings)
//   heredocs  "LINE NAME expand=0|1 chomp=0|1 fd=N CONTENT" per heredoc, CONTENT Go-quoted
#include "build/Instructions.h"
#include "build/Parser.h"

#include <QDir>
#include <QFile>
#include <QtTest>

using namespace berth;
using namespace berth::build;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QString conformanceDir()
{
    return QStringLiteral(BERTH_CONFORMANCE "/buildkit/parser");
}

} // namespace

class TestBuildParser : public QObject
{
    Q_OBJECT

private slots:
    void cases_data();
    void cases();
    void conformance_data();
    void conformance();
    void conformanceNegative_data();
    void conformanceNegative();
    void conformanceLines();
    void nodeFields();
    void goQuoting();
};

void TestBuildParser::cases_data()
{
    QTest::addColumn<QString>("dir");
    const QDir root(QStringLiteral(BERTH_TEST_DATA "/dockerfile"));
    const QStringList names = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(names.size() >= 100, qPrintable(QStringLiteral("%1 cases").arg(names.size())));
    for (const QString &name : names)
        QTest::newRow(qPrintable(name)) << root.filePath(name);
}

void TestBuildParser::cases()
{
    QFETCH(QString, dir);
    const QDir caseDir(dir);
    const QByteArray dockerfile = readFile(caseDir.filePath(QStringLiteral("Dockerfile")));
    const bool hasResult = caseDir.exists(QStringLiteral("result"));
    const bool hasError = caseDir.exists(QStringLiteral("error"));
    QVERIFY2(hasResult || hasError, "a case needs a result or an error file");

    const auto parsed = parseDockerfile(dockerfile);
    if (hasResult) {
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->dump(), QString::fromUtf8(readFile(caseDir.filePath("result"))));
    }

    QString firstError;
    if (!parsed.ok()) {
        firstError = parsed.error().message;
    } else {
        const auto stages = parseStages(*parsed);
        if (!stages.ok())
            firstError = stages.error().message;
    }
    if (hasError) {
        const QString expected = QString::fromUtf8(readFile(caseDir.filePath("error"))).trimmed();
        QCOMPARE(firstError, expected);
    } else {
        QVERIFY2(firstError.isEmpty(), qPrintable(firstError));
    }
    if (!parsed.ok())
        return;

    QStringList warnings;
    for (const ParseWarning &warning : parsed->warnings)
        warnings << QStringLiteral("%1: %2").arg(warning.line).arg(warning.message);
    const QString expectedWarnings =
        QString::fromUtf8(readFile(caseDir.filePath(QStringLiteral("warnings")))).trimmed();
    QCOMPARE(warnings.join(u'\n'), expectedWarnings);

    QStringList heredocs;
    for (const Node &node : parsed->nodes) {
        for (const Heredoc &heredoc : node.heredocs)
            heredocs << QStringLiteral("%1 %2 expand=%3 chomp=%4 fd=%5 %6")
                            .arg(node.startLine)
                            .arg(heredoc.name)
                            .arg(int(heredoc.expand))
                            .arg(int(heredoc.chomp))
                            .arg(heredoc.fileDescriptor)
                            .arg(goQuote(heredoc.content));
    }
    const QString expectedHeredocs =
        QString::fromUtf8(readFile(caseDir.filePath(QStringLiteral("heredocs")))).trimmed();
    QCOMPARE(heredocs.join(u'\n'), expectedHeredocs);
}

void TestBuildParser::conformance_data()
{
    QTest::addColumn<QString>("dir");
    const QDir root(conformanceDir() + QStringLiteral("/testfiles"));
    if (!root.exists())
        QSKIP("BuildKit conformance data not found (../shared/conformance is absent)");
    const QStringList names = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY(names.size() >= 33);
    for (const QString &name : names)
        QTest::newRow(qPrintable(name)) << root.filePath(name);
}

void TestBuildParser::conformance()
{
    QFETCH(QString, dir);
    const auto parsed = parseDockerfile(readFile(dir + QStringLiteral("/Dockerfile")));
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->dump(), QString::fromUtf8(readFile(dir + QStringLiteral("/result"))));
}

void TestBuildParser::conformanceNegative_data()
{
    QTest::addColumn<QString>("dir");
    const QDir root(conformanceDir() + QStringLiteral("/testfiles-negative"));
    if (!root.exists())
        QSKIP("BuildKit conformance data not found (../shared/conformance is absent)");
    const QStringList names = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY(names.size() >= 4);
    for (const QString &name : names)
        QTest::newRow(qPrintable(name)) << root.filePath(name);
}

void TestBuildParser::conformanceNegative()
{
    QFETCH(QString, dir);
    const auto parsed = parseDockerfile(readFile(dir + QStringLiteral("/Dockerfile")));
    QVERIFY2(!parsed.ok(), qPrintable(parsed.ok() ? parsed->dump() : QString()));
    QVERIFY(parsed.error().message.startsWith(QStringLiteral("Dockerfile:")));
}

void TestBuildParser::conformanceLines()
{
    const QString path = conformanceDir() + QStringLiteral("/testfile-line/Dockerfile");
    if (!QFile::exists(path))
        QSKIP("BuildKit conformance data not found (../shared/conformance is absent)");
    const auto parsed = parseDockerfile(readFile(path));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->nodes.size(), 3);
    // BuildKit's expectations: the file's instructions span lines 5-31, the three of them
    // [5,5], [11,12] and [17,31].
    QCOMPARE(parsed->nodes.first().startLine, 5);
    QCOMPARE(parsed->nodes.last().endLine, 31);
    const QList<QPair<int, int>> expected{{5, 5}, {11, 12}, {17, 31}};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(parsed->nodes[i].startLine, expected[i].first);
        QCOMPARE(parsed->nodes[i].endLine, expected[i].second);
    }
}

void TestBuildParser::nodeFields()
{
    const QByteArray text = "# syntax=docker/dockerfile:1\n"
                            "# check=skip=all\n"
                            "\n"
                            "# the base\n"
                            "From --platform=$BUILDPLATFORM alpine AS Build\n"
                            "RUN --mount=type=cache,target=/c \\\n"
                            "    echo hi\n";
    const auto parsed = parseDockerfile(text);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->syntax, QStringLiteral("docker/dockerfile:1"));
    QCOMPARE(parsed->check, QStringLiteral("skip=all"));
    QCOMPARE(parsed->escapeToken, QChar(u'\\'));
    const Node &from = parsed->nodes[0];
    QCOMPARE(from.name, QStringLiteral("from"));
    QCOMPARE(from.typedName, QStringLiteral("From"));
    QCOMPARE(from.flags, QStringList{QStringLiteral("--platform=$BUILDPLATFORM")});
    QCOMPARE(from.args, (QStringList{QStringLiteral("alpine"), QStringLiteral("AS"),
                                     QStringLiteral("Build")}));
    QCOMPARE(from.comments, QStringList{QStringLiteral("the base")});
    QCOMPARE(from.startLine, 5);
    const Node &run = parsed->nodes[1];
    QCOMPARE(run.original, QStringLiteral("RUN --mount=type=cache,target=/c     echo hi"));
    QCOMPARE(run.startLine, 6);
    QCOMPARE(run.endLine, 7);
    QVERIFY(!run.json);

    const auto json = parseDockerfile("CMD [\"a\", \"b c\"]\n");
    QVERIFY(json.ok());
    QVERIFY(json->nodes[0].json);
    QCOMPARE(json->nodes[0].args, (QStringList{QStringLiteral("a"), QStringLiteral("b c")}));
}

void TestBuildParser::goQuoting()
{
    QCOMPARE(goQuote(QStringLiteral("a\"b\\c")), QStringLiteral("\"a\\\"b\\\\c\""));
    QCOMPARE(goQuote(QString(QChar(0)) + QStringLiteral("\t\n")),
             QStringLiteral("\"\\x00\\t\\n\""));
    QCOMPARE(goQuote(QStringLiteral("\u2665")), QStringLiteral("\"\u2665\""));
    QCOMPARE(goQuote(QStringLiteral("\u00a0")), QStringLiteral("\"\\u00a0\""));
    QCOMPARE(goQuote(QString(QChar(0x7f))), QStringLiteral("\"\\x7f\""));
}

QTEST_GUILESS_MAIN(TestBuildParser)
#include "tst_build_parser.moc"
