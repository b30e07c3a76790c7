// Tests for GoTemplate: the output Go's text/template gives for docker-style
// --format strings over JSON data.
#include "util/GoTemplate.h"

#include <QTest>

using namespace berth;

namespace {

json::Value image()
{
    auto v = json::Value::parse(
        "{\"Id\":\"sha256:abc\",\"RepoTags\":[\"alpine:3.19\",\"alpine:latest\"],"
        "\"Size\":7376376,\"State\":\"running\",\"Ratio\":1.50,\"Name\":\"hello world\","
        "\"Config\":{\"Labels\":{\"b\":\"2\",\"a\":\"<1>\"},\"Env\":[\"A=1\",\"B=2\"]},"
        "\"Labels\":{\"a\":\"x\"},\"Nil\":null,\"Empty\":[],\"Mixed\":[1,\"s\",null,true,{}]}");
    return v.value();
}

} // namespace

class TestGoTemplate : public QObject
{
    Q_OBJECT

private slots:
    void execute_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        // Fields, dot and Go's printing of values.
        QTest::newRow("text only") << "plain text"
                                   << "plain text";
        QTest::newRow("field") << "{{.Size}}"
                               << "7376376";
        QTest::newRow("number text kept") << "{{.Ratio}}"
                                          << "1.50";
        QTest::newRow("nested") << "{{.Config.Env}}"
                                << "[A=1 B=2]";
        QTest::newRow("map sorted") << "{{.Config.Labels}}"
                                    << "map[a:<1> b:2]";
        QTest::newRow("slice with nil") << "{{.Mixed}}"
                                        << "[1 s <nil> true map[]]";
        QTest::newRow("missing") << "{{.Missing}}"
                                 << "<no value>";
        QTest::newRow("missing chain") << "{{.Missing.Sub}}"
                                       << "<no value>";
        QTest::newRow("null") << "{{.Nil}}"
                              << "<no value>";
        QTest::newRow("root var") << "{{$.State}}"
                                  << "running";
        QTest::newRow("spaces") << "{{ .State }}"
                                << "running";
        // Functions.
        QTest::newRow("range") << "{{range .RepoTags}}{{.}} {{end}}"
                               << "alpine:3.19 alpine:latest ";
        QTest::newRow("json") << "{{json .Config.Labels}}"
                              << "{\"b\":\"2\",\"a\":\"<1>\"}";
        QTest::newRow("json string") << "{{json .State}}"
                                     << "\"running\"";
        QTest::newRow("json missing") << "{{json .Missing}}"
                                      << "null";
        QTest::newRow("index map") << "{{index .Labels \"a\"}}"
                                   << "x";
        QTest::newRow("index missing") << "{{index .Labels \"zz\"}}"
                                       << "<no value>";
        QTest::newRow("index array") << "{{index .RepoTags 1}}"
                                     << "alpine:latest";
        QTest::newRow("index nested") << "{{index .Config \"Labels\" \"a\"}}"
                                      << "<1>";
        QTest::newRow("join") << "{{join .Config.Env \",\"}}"
                              << "A=1,B=2";
        QTest::newRow("len array") << "{{len .RepoTags}}"
                                   << "2";
        QTest::newRow("len string bytes") << "{{len \"h\xc3\xa9\"}}"
                                          << "3";
        QTest::newRow("len map") << "{{len .Config.Labels}}"
                                 << "2";
        QTest::newRow("upper") << "{{upper .State}}"
                               << "RUNNING";
        QTest::newRow("pipe") << "{{.State | upper}}"
                              << "RUNNING";
        QTest::newRow("lower") << "{{lower \"ABC\"}}"
                               << "abc";
        QTest::newRow("title") << "{{title .Name}}"
                               << "Hello World";
        QTest::newRow("split") << "{{split \"a:b:c\" \":\"}}"
                               << "[a b c]";
        QTest::newRow("paren") << "{{index (split .Id \":\") 1}}"
                               << "abc";
        QTest::newRow("paren field") << "{{(index .Config \"Labels\").a}}"
                                     << "<1>";
        QTest::newRow("truncate") << "{{truncate .Id 6}}"
                                  << "sha256";
        QTest::newRow("pad") << "[{{pad .State 1 2}}]"
                             << "[ running  ]";
        QTest::newRow("printf") << "{{printf \"%s %d %v %q\" .State .Size .Ratio .Name}}"
                                << "running 7376376 1.50 \"hello world\"";
        QTest::newRow("printf width") << "{{printf \"%-8s|%5d|%05d|%.2f\" \"ab\" 42 7 .Ratio}}"
                                      << "ab      |   42|00007|1.50";
        QTest::newRow("printf missing") << "{{printf \"%s-%s\" \"a\"}}"
                                        << "a-%!s(MISSING)";
        QTest::newRow("printf extra") << "{{printf \"%s\" \"a\" \"b\"}}"
                                      << "a%!(EXTRA string=b)";
        QTest::newRow("printf percent") << "{{printf \"100%%\"}}"
                                        << "100%";
        QTest::newRow("print") << "{{print 1 2 \"a\" \"b\"}}"
                               << "1 2ab";
        QTest::newRow("println") << "{{println .State .Size}}"
                                 << "running 7376376\n";
        // Comparisons and logic.
        QTest::newRow("eq if") << "{{if eq .State \"running\"}}up{{else}}down{{end}}"
                               << "up";
        QTest::newRow("eq else") << "{{if eq .State \"exited\"}}up{{else}}down{{end}}"
                                 << "down";
        QTest::newRow("eq any") << "{{eq .State \"a\" \"running\"}}"
                                << "true";
        QTest::newRow("eq number") << "{{eq .Size 7376376}}"
                                   << "true";
        QTest::newRow("ne") << "{{ne .Size 1}}"
                            << "true";
        QTest::newRow("lt") << "{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}}"
                            << "true true true false";
        QTest::newRow("else if")
            << "{{if lt .Size 10}}small{{else if gt .Size 1000}}big{{else}}mid{{end}}"
            << "big";
        QTest::newRow("else if last") << "{{if .Nil}}a{{else if .Missing}}b{{else}}c{{end}}"
                                      << "c";
        QTest::newRow("and not") << "{{if and .State (not .Nil)}}yes{{end}}"
                                 << "yes";
        QTest::newRow("or") << "{{or .Nil \"dflt\"}}"
                            << "dflt";
        QTest::newRow("and") << "{{and 1 0 2}}"
                             << "0";
        QTest::newRow("and all") << "{{and 1 2}}"
                                 << "2";
        QTest::newRow("not") << "{{not .Empty}}"
                             << "true";
        // Range, with and variables.
        QTest::newRow("range index") << "{{range $i, $e := .RepoTags}}{{$i}}={{$e}};{{end}}"
                                     << "0=alpine:3.19;1=alpine:latest;";
        QTest::newRow("range map sorted")
            << "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}}"
            << "a=<1>,b=2,";
        QTest::newRow("range map values") << "{{range .Config.Labels}}{{.}} {{end}}"
                                          << "<1> 2 ";
        QTest::newRow("range one var") << "{{range $t := .RepoTags}}{{$t}},{{end}}"
                                       << "alpine:3.19,alpine:latest,";
        QTest::newRow("range else") << "{{range .Empty}}x{{else}}none{{end}}"
                                    << "none";
        QTest::newRow("range missing") << "{{range .Missing}}x{{else}}none{{end}}"
                                       << "none";
        QTest::newRow("range root") << "{{range .RepoTags}}{{$.State}} {{end}}"
                                    << "running running ";
        QTest::newRow("with") << "{{with .Config}}{{.Env}}{{end}}"
                              << "[A=1 B=2]";
        QTest::newRow("with else") << "{{with .Missing}}x{{else}}y{{end}}"
                                   << "y";
        QTest::newRow("variable") << "{{$x := .State}}{{$x}}-{{$.Size}}"
                                  << "running-7376376";
        QTest::newRow("assign") << "{{$n := 0}}{{range .RepoTags}}{{$n = .}}{{end}}{{$n}}"
                                << "alpine:latest";
        QTest::newRow("variable field") << "{{$c := .Config}}{{$c.Labels.b}}"
                                        << "2";
        // Lexical details.
        QTest::newRow("trim") << "a  {{- .State -}}  \n b"
                              << "arunningb";
        QTest::newRow("trim multiline") << "{{range .RepoTags -}}\n  {{.}}\n{{- end}}"
                                        << "alpine:3.19alpine:latest";
        QTest::newRow("minus number") << "{{-3}}"
                                      << "-3";
        QTest::newRow("literals") << "{{\"x\"}} {{`raw\\n`}} {{3}} {{true}} {{1.5}} {{\"a\\tb\"}}"
                                  << "x raw\\n 3 true 1.5 a\tb";
        QTest::newRow("comment") << "a{{/* hi */}}b{{- /* x */ -}} c"
                                 << "abc";
    }

    void execute()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto t = GoTemplate::parse(text);
        QVERIFY2(t.ok(), qPrintable(t.ok() ? QString() : t.error().message));
        auto out = t->execute(image());
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
        QCOMPARE(*out, expected);
    }

    void dotCanBeAnyValue()
    {
        auto t = GoTemplate::parse("{{.}}");
        QVERIFY(t.ok());
        QCOMPARE(*t->execute(json::Value("hi")), QString("hi"));
        QCOMPARE(*t->execute(json::Value(12)), QString("12"));
        QCOMPARE(*t->execute(json::Value::fromStringList({"a", "b"})), QString("[a b]"));
        // A parsed template runs again with other data; copies share the tree.
        const GoTemplate copy = t.value();
        QCOMPARE(*copy.execute(json::Value(true)), QString("true"));
    }

    void parseErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unclosed") << "{{.Foo"
                                  << "template: :1:0: unclosed action";
        QTest::newRow("no end") << "{{if .X}}a"
                                << "template: :1:10: unexpected EOF";
        QTest::newRow("unknown function") << "x\n{{foo .}}"
                                          << "template: :2:2: function \"foo\" not defined";
        QTest::newRow("stray end") << "a{{end}}"
                                   << "template: :1:";
        QTest::newRow("empty action") << "{{}}"
                                      << "template: :1:2: missing value for command";
        QTest::newRow("unterminated string") << "{{\"abc}}"
                                             << "template: :1:2: unterminated";
        QTest::newRow("unclosed paren") << "{{(.X}}"
                                        << "template: :1:5: unexpected \"}}\"";
        QTest::newRow("define") << "{{define \"x\"}}{{end}}"
                                << "template: :1:2: {{define}}";
    }
    void parseErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto t = GoTemplate::parse(text);
        QVERIFY(!t.ok());
        QCOMPARE(t.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(t.error().message.startsWith(expected), qPrintable(t.error().message));
    }

    void executeErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("index range")
            << "{{index .RepoTags 5}}"
            << "template: :1:2: executing \"\" at <index .RepoTags 5>: error calling index: "
               "index out of range: 5";
        QTest::newRow("field of string")
            << "ab{{.Name.First}}"
            << "template: :1:4: executing \"\" at <.Name.First>: can't evaluate field First in "
               "type string";
        QTest::newRow("undefined variable") << "{{$y}}"
                                            << "template: :1:2: executing \"\" at "
                                               "<$y>: undefined variable \"$y\"";
        QTest::newRow("range string") << "{{range .State}}{{end}}"
                                      << "template: :1:2:";
        QTest::newRow("len number") << "{{len .Size}}"
                                    << "template: :1:2: executing \"\" at "
                                       "<len .Size>: error calling len:";
        QTest::newRow("lt mixed") << "{{lt .Size \"a\"}}"
                                  << "template: :1:2: executing \"\" at "
                                     "<lt .Size \"a\">: error calling lt: "
                                     "incompatible types for comparison";
    }
    void executeErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto t = GoTemplate::parse(text);
        QVERIFY2(t.ok(), qPrintable(t.ok() ? QString() : t.error().message));
        auto out = t->execute(image());
        QVERIFY(!out.ok());
        QVERIFY2(out.error().message.startsWith(expected), qPrintable(out.error().message));
    }
};

QTEST_GUILESS_MAIN(TestGoTemplate)
#include "tst_util_gotemplate.moc"
