// An ordered JSON value: how Berth reads, edits and writes every JSON document.
//
// QJsonObject sorts its keys and turns every number into a double, which breaks two
// things Berth must do exactly like Docker:
//  - print `inspect` output in Go struct field order, byte for byte as Go's
//    encoding/json writes it (json.Marshal / json.MarshalIndent);
//  - read an image config, change one field and write it back without reordering
//    keys or rewriting numbers (12345678901234567890 and 1.50 stay as written).
// So a Value keeps object members in insertion order and numbers as their source
// text. Values are implicitly shared: copying one is cheap and a copy detaches on
// its first change, like Qt containers.
//
//   auto config = json::Value::parse(bytes);          // Result<Value>
//   config->operator[]("config")["Labels"].insert("a", "b");
//   QByteArray out = config->serialize(json::Style::indentedWith("", "    "));
#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QSharedDataPointer>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <type_traits>

class QJsonValue;

namespace berth::json {

enum class Type { Null, Bool, Number, String, Array, Object };

// How serialize() lays the text out; the defaults are Go's json.Marshal.
struct Style
{
    bool indented = false;
    QByteArray prefix;
    QByteArray indent;
    // json.Marshal writes <, > and & as \u003c, \u003e, \u0026 so the text can sit
    // inside HTML; an Encoder with SetEscapeHTML(false), which docker's `json`
    // template function uses, writes them as they are.
    bool escapeHtml = true;

    static Style compact() { return {}; }
    // json.MarshalIndent(v, prefix, indent); docker inspect uses ("", "    ").
    static Style indentedWith(const QByteArray &prefix, const QByteArray &indent)
    {
        return Style{true, prefix, indent, true};
    }
    Style withoutHtmlEscaping() const
    {
        Style s = *this;
        s.escapeHtml = false;
        return s;
    }
};

class Value
{
public:
    Value();
    Value(std::nullptr_t);
    Value(bool b);
    // Every integer type, so Value(qsizetype) or Value(quint64) is never ambiguous.
    template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Value(T n) : Value(integerText(n))
    {
    }
    // JSON has no NaN or infinity: a non-finite double becomes null, where Go's
    // json.Marshal would fail.
    Value(double d);
    Value(const QString &s);
    Value(const char *utf8);
    Value(const Value &other);
    Value(Value &&other) noexcept;
    Value &operator=(const Value &other);
    Value &operator=(Value &&other) noexcept;
    ~Value();

    static Value array();
    static Value object();
    static Value fromStringList(const QStringList &list);
    // A number kept exactly as written; text must be a valid JSON number.
    static Value fromNumberText(const QByteArray &text);

    // Strict RFC 8259 (one value, optionally surrounded by whitespace). Strings are
    // decoded the way Go decodes them: invalid UTF-8 and unpaired surrogate escapes
    // become U+FFFD. Nesting deeper than maxDepth is refused so hostile input cannot
    // exhaust the stack. Duplicate keys keep their first position and last value.
    static constexpr int maxDepth = 1000;
    static Result<Value> parse(const QByteArray &text);

    QByteArray serialize(const Style &style = Style::compact()) const;

    // QJsonValue has no key order or number text; integers that fit qint64 stay exact.
    static Value fromQJson(const QJsonValue &value);
    QJsonValue toQJson() const;

    Type type() const;
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isNumber() const { return type() == Type::Number; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    bool toBool(bool defaultValue = false) const;
    // A number in range (a fraction is truncated); defaultValue for anything else.
    qint64 toInt64(qint64 defaultValue = 0) const;
    double toDouble(double defaultValue = 0) const;
    QString toString(const QString &defaultValue = {}) const;
    // The number as it is written out ("1.50", "1e+21"); empty unless a number.
    QByteArray numberText() const;
    // A number written as an integer: no fraction, no exponent.
    bool isInteger() const;

    // Elements of an array or members of an object; 0 for anything else.
    qsizetype size() const;
    bool isEmpty() const { return size() == 0; }

    // Arrays. at() returns a null Value out of range; append() turns null into an array.
    const Value &at(qsizetype i) const;
    const Value &operator[](qsizetype i) const { return at(i); }
    Value &operator[](qsizetype i); // i must be in range
    void append(const Value &value);

    // Objects. keys() are in insertion order; value() is a null Value for a missing
    // key (contains() tells missing from null); insert() replaces a member in place
    // or appends it and turns null into an object.
    QStringList keys() const;
    bool contains(const QString &key) const;
    const Value &value(const QString &key) const;
    const Value &operator[](const QString &key) const { return value(key); }
    // Inserts a null member when the key is missing. The reference stays valid until
    // this Value (or the one holding it) is next copied or changed.
    Value &operator[](const QString &key);
    void insert(const QString &key, const Value &value);
    bool remove(const QString &key);

    // Structural equality: numbers compare by value (1 == 1.0), objects ignore order.
    bool operator==(const Value &other) const;
    bool operator!=(const Value &other) const { return !(*this == other); }

private:
    struct Data;
    struct NumberText
    {
        QByteArray text;
    };
    explicit Value(NumberText number);
    template <typename T> static NumberText integerText(T n)
    {
        return NumberText{QByteArray::number(n)};
    }
    void makeArray();
    void makeObject();

    QSharedDataPointer<Data> d;
};

// Go's strconv.FormatFloat(v, format, -1, 64) for format 'e', 'f' or 'g': the
// shortest text that reads back as v ("1e+21", "0.1", "1.2345678901234567e+19").
// Shared with the template engine, whose %v prints floats this way.
QByteArray formatShortestFloat(double v, char format);

} // namespace berth::json
