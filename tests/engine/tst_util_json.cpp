// Tests for json::Value: order and number text survive a round trip, and output
// matches Go's encoding/json byte for byte.
#include "util/Json.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace berth;
using berth::json::Style;
using berth::json::Value;

class TestJson : public QObject
{
    Q_OBJECT

private slots:
    void roundTripKeepsOrderAndNumberText()
    {
        const QByteArray text = "{\"b\":1,\"a\":[1.50,12345678901234567890,-0,1e+21,0.1],"
                                "\"c\":{\"z\":null,\"y\":true,\"x\":false},\"d\":\"s\"}";
        auto v = Value::parse(text);
        QVERIFY2(v.ok(), qPrintable(v.ok() ? QString() : v.error().message));
        QCOMPARE(v->serialize(), text);
        QCOMPARE(v->keys(), (QStringList{"b", "a", "c", "d"}));
        QCOMPARE(v->value("a").at(0).numberText(), QByteArray("1.50"));
        QCOMPARE(v->value("a").at(1).numberText(), QByteArray("12345678901234567890"));
        QCOMPARE(v->value("a").at(1).toInt64(-1), qint64(-1)); // does not fit
        QCOMPARE(v->value("a").at(0).toDouble(), 1.5);
        QCOMPARE(v->value("c").keys(), (QStringList{"z", "y", "x"}));
        QVERIFY(v->value("c").contains("z"));
        QVERIFY(!v->value("c").contains("w"));
        QVERIFY(v->value("c").value("z").isNull());
    }

    void whitespaceIsAccepted()
    {
        auto v = Value::parse(" \n\t{ \"a\" : [ 1 , 2 ] }\r\n");
        QVERIFY(v.ok());
        QCOMPARE(v->serialize(), QByteArray("{\"a\":[1,2]}"));
    }

    void editingKeepsOrder()
    {
        auto v = Value::parse("{\"config\":{\"Env\":[\"A=1\"],\"Cmd\":[\"sh\"]},\"os\":\"linux\"}");
        QVERIFY(v.ok());
        (*v)["config"]["Labels"].insert("a", "b");
        (*v)["config"].insert("Env", Value::fromStringList({"B=2"}));
        QCOMPARE(
            v->serialize(),
            QByteArray("{\"config\":{\"Env\":[\"B=2\"],\"Cmd\":[\"sh\"],\"Labels\":{\"a\":\"b\"}},"
                       "\"os\":\"linux\"}"));
        QVERIFY(v->operator[]("config").remove("Cmd"));
        QVERIFY(!v->operator[]("config").remove("Cmd"));
        QCOMPARE((*v)["config"].keys(), (QStringList{"Env", "Labels"}));
        QCOMPARE((*v)["config"]["Labels"]["a"].toString(), QString("b"));
    }

    void copiesDetach()
    {
        Value a = Value::object();
        a.insert("k", 1);
        Value b = a;
        b.insert("k", 2);
        b.insert("n", "x");
        QCOMPARE(a.serialize(), QByteArray("{\"k\":1}"));
        QCOMPARE(b.serialize(), QByteArray("{\"k\":2,\"n\":\"x\"}"));
    }

    void duplicateKeysKeepFirstPositionLastValue()
    {
        auto v = Value::parse("{\"a\":1,\"b\":2,\"a\":3}");
        QVERIFY(v.ok());
        QCOMPARE(v->serialize(), QByteArray("{\"a\":3,\"b\":2}"));
    }

    void goStringEscapes()
    {
        const QString s = QString::fromUtf8("<a&b>\xe2\x80\xa8\xe2\x80\xa9\x01\x1f\n\r\t\b\f\"\\/"
                                            " \x7f \xc3\xa9 \xf0\x9f\x98\x80");
        QCOMPARE(Value(s).serialize(),
                 QByteArray("\"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\u0001\\u001f\\n\\r\\t\\b\\f"
                            "\\\"\\\\/ \x7f \xc3\xa9 \xf0\x9f\x98\x80\""));
        QCOMPARE(Value(s).serialize(Style::compact().withoutHtmlEscaping()),
                 QByteArray("\"<a&b>\\u2028\\u2029\\u0001\\u001f\\n\\r\\t\\b\\f"
                            "\\\"\\\\/ \x7f \xc3\xa9 \xf0\x9f\x98\x80\""));
        // A lone surrogate cannot be written as UTF-8; Go writes U+FFFD.
        QCOMPARE(Value(QString(QChar(0xd800))).serialize(), QByteArray("\"\\ufffd\""));
        // Keys are escaped the same way.
        Value o = Value::object();
        o.insert("<k>", true);
        QCOMPARE(o.serialize(), QByteArray("{\"\\u003ck\\u003e\":true}"));
    }

    void indentedOutputMatchesMarshalIndent()
    {
        auto v = Value::parse("{\"a\":[],\"b\":{},\"c\":[1,{\"d\":\"x\",\"e\":null}],\"f\":\"<\"}");
        QVERIFY(v.ok());
        QCOMPARE(v->serialize(Style::indentedWith("", "    ")),
                 QByteArray("{\n"
                            "    \"a\": [],\n"
                            "    \"b\": {},\n"
                            "    \"c\": [\n"
                            "        1,\n"
                            "        {\n"
                            "            \"d\": \"x\",\n"
                            "            \"e\": null\n"
                            "        }\n"
                            "    ],\n"
                            "    \"f\": \"\\u003c\"\n"
                            "}"));
        QCOMPARE(v->value("c").serialize(Style::indentedWith(">", "\t")),
                 QByteArray("[\n>\t1,\n>\t{\n>\t\t\"d\": \"x\",\n>\t\t\"e\": null\n>\t}\n>]"));
        QCOMPARE(Value::array().serialize(Style::indentedWith("", "  ")), QByteArray("[]"));
        QCOMPARE(Value::object().serialize(Style::indentedWith("", "  ")), QByteArray("{}"));
        QCOMPARE(Value("s").serialize(Style::indentedWith("", "  ")), QByteArray("\"s\""));
    }

    void invalidUtf8BecomesReplacementCharacter()
    {
        auto v = Value::parse("[\"a\xff"
                              "b\",\"\xe2\x82\",\"\\ud800x\",\"\\ud83d\\ude00\","
                              "\"\xed\xa0\x80\",\"\xc3\xa9\"]");
        QVERIFY(v.ok());
        QCOMPARE(v->at(0).toString(), QString::fromUtf8("a\xef\xbf\xbd"
                                                        "b"));
        QCOMPARE(v->at(1).toString(), QString::fromUtf8("\xef\xbf\xbd\xef\xbf\xbd"));
        QCOMPARE(v->at(2).toString(), QString::fromUtf8("\xef\xbf\xbdx"));
        QCOMPARE(v->at(3).toString(), QString::fromUtf8("\xf0\x9f\x98\x80"));
        // An encoded surrogate is invalid UTF-8: one U+FFFD per byte, like Go.
        QCOMPARE(v->at(4).toString(), QString::fromUtf8("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
        QCOMPARE(v->at(5).toString(), QString::fromUtf8("\xc3\xa9"));
    }

    void errorsNameTheOffset_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("trailing comma") << QByteArray("{\"a\":1,}") << "at offset 7";
        QTest::newRow("missing comma") << QByteArray("[1 2]") << "at offset 3";
        QTest::newRow("leading zero") << QByteArray("01") << "at offset 1";
        QTest::newRow("bare word") << QByteArray("[tru]") << "at offset 4";
        QTest::newRow("control char") << QByteArray("\"a\nb\"") << "at offset 2";
        QTest::newRow("bad escape") << QByteArray("\"\\x\"") << "at offset 2";
        QTest::newRow("empty") << QByteArray("") << "unexpected end of input at offset 0";
        QTest::newRow("unterminated") << QByteArray("{\"a\":\"b") << "at offset 7";
        QTest::newRow("two values") << QByteArray("1 2") << "at offset 2";
        QTest::newRow("fraction") << QByteArray("1.") << "at offset 2";
        QTest::newRow("exponent") << QByteArray("1e+") << "at offset 3";
        QTest::newRow("plus") << QByteArray("+1") << "at offset 0";
    }

    void errorsNameTheOffset()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto v = Value::parse(text);
        QVERIFY(!v.ok());
        QCOMPARE(v.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(v.error().message.startsWith("parse JSON: "), qPrintable(v.error().message));
        QVERIFY2(v.error().message.endsWith(expected), qPrintable(v.error().message));
    }

    void depthIsLimited()
    {
        const int max = Value::maxDepth;
        auto ok = Value::parse(QByteArray(max, '[') + QByteArray(max, ']'));
        QVERIFY(ok.ok());
        auto deep = Value::parse(QByteArray(max + 1, '[') + QByteArray(max + 1, ']'));
        QVERIFY(!deep.ok());
        QVERIFY2(deep.error().message.contains("nesting deeper than 1000 levels"),
                 qPrintable(deep.error().message));
    }

    void numbers()
    {
        QCOMPARE(Value(1.5).numberText(), QByteArray("1.5"));
        QCOMPARE(Value(100.0).numberText(), QByteArray("100"));
        QCOMPARE(Value(1e21).numberText(), QByteArray("1e+21"));
        QCOMPARE(Value(1e20).numberText(), QByteArray("100000000000000000000"));
        QCOMPARE(Value(1e-7).numberText(), QByteArray("1e-7"));
        QCOMPARE(Value(0.000001).numberText(), QByteArray("0.000001"));
        QCOMPARE(Value(std::numeric_limits<double>::infinity()).type(), json::Type::Null);
        QCOMPARE(Value(std::numeric_limits<qint64>::min()).numberText(),
                 QByteArray("-9223372036854775808"));
        QCOMPARE(Value(quint64(18446744073709551615ULL)).numberText(),
                 QByteArray("18446744073709551615"));
        QVERIFY(Value(3).isInteger());
        QVERIFY(!Value(3.5).isInteger());
        QCOMPARE(Value(3.9).toInt64(), qint64(3));
        QCOMPARE(Value("3").toInt64(7), qint64(7));
        QCOMPARE(json::formatShortestFloat(1e6, 'g'), QByteArray("1e+06"));
        QCOMPARE(json::formatShortestFloat(123456, 'g'), QByteArray("123456"));
        QCOMPARE(json::formatShortestFloat(0.0001, 'g'), QByteArray("0.0001"));
        QCOMPARE(json::formatShortestFloat(0.00001, 'g'), QByteArray("1e-05"));
        QCOMPARE(json::formatShortestFloat(12345678901234567890.0, 'g'),
                 QByteArray("1.2345678901234567e+19"));
        QCOMPARE(json::formatShortestFloat(0.1, 'f'), QByteArray("0.1"));
    }

    void equality()
    {
        QCOMPARE(*Value::parse("1"), *Value::parse("1.0"));
        QCOMPARE(*Value::parse("{\"a\":1,\"b\":[true]}"), *Value::parse("{\"b\":[true],\"a\":1}"));
        QVERIFY(*Value::parse("{\"a\":1}") != *Value::parse("{\"a\":2}"));
        QVERIFY(*Value::parse("[1,2]") != *Value::parse("[2,1]"));
        QVERIFY(Value("1") != Value(1));
        QVERIFY(Value() == Value(nullptr));
    }

    void accessorsOnWrongTypes()
    {
        const Value s("x");
        QCOMPARE(s.size(), 0);
        QVERIFY(s.at(0).isNull());
        QVERIFY(s.value("k").isNull());
        QVERIFY(s.keys().isEmpty());
        QCOMPARE(s.toBool(true), true);
        Value n;
        n.append(1);
        QCOMPARE(n.serialize(), QByteArray("[1]"));
        Value m;
        m["k"] = Value(false);
        QCOMPARE(m.serialize(), QByteArray("{\"k\":false}"));
    }

    void qjsonConversion()
    {
        const auto doc =
            QJsonDocument::fromJson("{\"n\":5,\"f\":1.5,\"s\":\"x\",\"a\":[null,true]}");
        const Value v = Value::fromQJson(doc.object());
        QCOMPARE(v.value("n").numberText(), QByteArray("5"));
        QCOMPARE(v.value("f").numberText(), QByteArray("1.5"));
        QCOMPARE(v.value("a").serialize(), QByteArray("[null,true]"));
        QCOMPARE(v.toQJson().toObject(), doc.object());
    }
};

QTEST_GUILESS_MAIN(TestJson)
#include "tst_util_json.moc"
