// The ordered JSON value: parser, Go-compatible serializer and conversions (see Json.h).
#include "util/Json.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QVariant>

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace berth::json {

struct Value::Data : QSharedData
{
    Type type = Type::Null;
    bool boolean = false;
    QByteArray number;
    QString string;
    QList<Value> elements;
    QList<std::pair<QString, Value>> members;
    // Key -> index in members, so parsing and lookups in big objects stay linear.
    QHash<QString, qsizetype> index;
};

namespace {

const Value &nullValue()
{
    static const Value null;
    return null;
}

// Go's encoding/json float encoding: 'f' unless the magnitude needs an exponent,
// and "e-07" shortened to "e-7".
QByteArray goJsonFloat(double d)
{
    const double abs = std::fabs(d);
    const char format = (abs != 0 && (abs < 1e-6 || abs >= 1e21)) ? 'e' : 'f';
    QByteArray text = formatShortestFloat(d, format);
    const qsizetype n = text.size();
    if (format == 'e' && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0')
        text.remove(n - 2, 1);
    return text;
}

void appendUtf16Escape(QByteArray &out, uint code)
{
    static const char hex[] = "0123456789abcdef";
    out += "\\u";
    out += hex[(code >> 12) & 0xf];
    out += hex[(code >> 8) & 0xf];
    out += hex[(code >> 4) & 0xf];
    out += hex[code & 0xf];
}

// Go's encodeState.string: the escapes json.Marshal writes, byte for byte.
void appendString(QByteArray &out, const QString &s, bool escapeHtml)
{
    out += '"';
    for (qsizetype i = 0; i < s.size(); ++i) {
        char32_t c = s[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(s[i].unicode(), s[i + 1].unicode());
            ++i;
        } else if (QChar::isSurrogate(c)) {
            // A lone surrogate is not valid UTF-8; Go writes such bytes as U+FFFD.
            appendUtf16Escape(out, 0xfffd);
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\b':
            out += "\\b";
            continue;
        case '\f':
            out += "\\f";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x2028 || c == 0x2029 ||
            (escapeHtml && (c == '<' || c == '>' || c == '&'))) {
            appendUtf16Escape(out, c);
            continue;
        }
        if (c < 0x80) {
            out += char(c);
        } else {
            const char32_t one[1] = {c};
            out += QString::fromUcs4(one, 1).toUtf8();
        }
    }
    out += '"';
}

void appendNewline(QByteArray &out, const Style &style, int depth)
{
    out += '\n';
    out += style.prefix;
    for (int i = 0; i < depth; ++i)
        out += style.indent;
}

void serializeValue(QByteArray &out, const Value &v, const Style &style, int depth)
{
    switch (v.type()) {
    case Type::Null:
        out += "null";
        return;
    case Type::Bool:
        out += v.toBool() ? "true" : "false";
        return;
    case Type::Number:
        out += v.numberText();
        return;
    case Type::String:
        appendString(out, v.toString(), style.escapeHtml);
        return;
    case Type::Array: {
        out += '[';
        if (v.isEmpty()) {
            out += ']';
            return;
        }
        for (qsizetype i = 0; i < v.size(); ++i) {
            if (i > 0)
                out += ',';
            if (style.indented)
                appendNewline(out, style, depth + 1);
            serializeValue(out, v.at(i), style, depth + 1);
        }
        if (style.indented)
            appendNewline(out, style, depth);
        out += ']';
        return;
    }
    case Type::Object: {
        out += '{';
        if (v.isEmpty()) {
            out += '}';
            return;
        }
        const QStringList keys = v.keys();
        for (qsizetype i = 0; i < keys.size(); ++i) {
            if (i > 0)
                out += ',';
            if (style.indented)
                appendNewline(out, style, depth + 1);
            appendString(out, keys[i], style.escapeHtml);
            out += style.indented ? ": " : ":";
            serializeValue(out, v.value(keys[i]), style, depth + 1);
        }
        if (style.indented)
            appendNewline(out, style, depth);
        out += '}';
        return;
    }
    }
}

class Parser
{
public:
    explicit Parser(const QByteArray &text) : m_text(text) {}

    Result<Value> parseDocument()
    {
        skipSpace();
        Value v;
        if (!parseValue(v, 0))
            return fail();
        skipSpace();
        if (m_pos < m_text.size()) {
            m_error = describe(tr("after top-level value"));
            return fail();
        }
        return v;
    }

private:
    Error fail() const
    {
        return makeError(ErrorCode::InvalidArgument,
                         tr("parse JSON: %1 at offset %2").arg(m_error).arg(m_pos));
    }

    QString describe(const QString &context) const
    {
        if (m_pos >= m_text.size())
            return tr("unexpected end of input");
        const uchar c = uchar(m_text[m_pos]);
        const QString shown = c >= 0x20 && c < 0x7f
                                  ? QString(QLatin1Char(char(c)))
                                  : QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
        return tr("invalid character '%1' %2").arg(shown, context);
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }

    bool literal(const char *word)
    {
        for (const char *p = word; *p; ++p) {
            if (m_pos >= m_text.size() || m_text[m_pos] != *p) {
                m_error = describe(tr("in literal %1").arg(QLatin1String(word)));
                return false;
            }
            ++m_pos;
        }
        return true;
    }

    bool parseValue(Value &out, int depth)
    {
        if (m_pos >= m_text.size()) {
            m_error = tr("unexpected end of input");
            return false;
        }
        switch (m_text[m_pos]) {
        case '{':
            return parseObject(out, depth + 1);
        case '[':
            return parseArray(out, depth + 1);
        case '"': {
            QString s;
            if (!parseString(s))
                return false;
            out = Value(s);
            return true;
        }
        case 't':
            out = Value(true);
            return literal("true");
        case 'f':
            out = Value(false);
            return literal("false");
        case 'n':
            out = Value();
            return literal("null");
        default:
            return parseNumber(out);
        }
    }

    bool checkDepth(int depth)
    {
        if (depth <= Value::maxDepth)
            return true;
        m_error = tr("nesting deeper than %1 levels").arg(Value::maxDepth);
        return false;
    }

    bool parseArray(Value &out, int depth)
    {
        if (!checkDepth(depth))
            return false;
        ++m_pos;
        out = Value::array();
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipSpace();
            Value element;
            if (!parseValue(element, depth))
                return false;
            out.append(element);
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                return true;
            }
            m_error = describe(tr("after array element"));
            return false;
        }
    }

    bool parseObject(Value &out, int depth)
    {
        if (!checkDepth(depth))
            return false;
        ++m_pos;
        out = Value::object();
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') {
                m_error = describe(tr("looking for beginning of object key string"));
                return false;
            }
            QString key;
            if (!parseString(key))
                return false;
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') {
                m_error = describe(tr("after object key"));
                return false;
            }
            ++m_pos;
            skipSpace();
            Value member;
            if (!parseValue(member, depth))
                return false;
            out.insert(key, member);
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                return true;
            }
            m_error = describe(tr("after object key:value pair"));
            return false;
        }
    }

    bool isDigit(qsizetype at) const
    {
        return at < m_text.size() && m_text[at] >= '0' && m_text[at] <= '9';
    }

    bool parseNumber(Value &out)
    {
        const qsizetype start = m_pos;
        if (m_text[m_pos] == '-')
            ++m_pos;
        if (!isDigit(m_pos)) {
            m_error = describe(tr("looking for beginning of value"));
            return false;
        }
        if (m_text[m_pos] == '0') {
            ++m_pos;
        } else {
            while (isDigit(m_pos))
                ++m_pos;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            if (!isDigit(m_pos)) {
                m_error = describe(tr("after decimal point in numeric literal"));
                return false;
            }
            while (isDigit(m_pos))
                ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (!isDigit(m_pos)) {
                m_error = describe(tr("in exponent of numeric literal"));
                return false;
            }
            while (isDigit(m_pos))
                ++m_pos;
        }
        out = Value::fromNumberText(m_text.mid(start, m_pos - start));
        return true;
    }

    int hex4(qsizetype at) const
    {
        if (at + 4 > m_text.size())
            return -1;
        int code = 0;
        for (qsizetype i = at; i < at + 4; ++i) {
            const char c = m_text[i];
            int digit;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            else
                return -1;
            code = code * 16 + digit;
        }
        return code;
    }

    // One UTF-8 sequence at m_pos as Go's utf8.DecodeRune reads it: an invalid or
    // truncated sequence is U+FFFD and consumes one byte.
    char32_t decodeUtf8()
    {
        const auto byte = [this](qsizetype at) { return uchar(m_text[at]); };
        const uchar b0 = byte(m_pos);
        int length = 0;
        uchar lo = 0x80, hi = 0xbf;
        char32_t code = 0;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
            code = b0 & 0x1f;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            code = b0 & 0x0f;
            if (b0 == 0xe0)
                lo = 0xa0;
            else if (b0 == 0xed)
                hi = 0x9f;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            code = b0 & 0x07;
            if (b0 == 0xf0)
                lo = 0x90;
            else if (b0 == 0xf4)
                hi = 0x8f;
        } else {
            ++m_pos;
            return 0xfffd;
        }
        if (m_pos + length > m_text.size()) {
            ++m_pos;
            return 0xfffd;
        }
        for (int i = 1; i < length; ++i) {
            const uchar b = byte(m_pos + i);
            if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) {
                ++m_pos;
                return 0xfffd;
            }
            code = (code << 6) | (b & 0x3f);
        }
        m_pos += length;
        return code;
    }

    bool parseString(QString &out)
    {
        ++m_pos;
        QString s;
        for (;;) {
            if (m_pos >= m_text.size()) {
                m_error = tr("unexpected end of input in string literal");
                return false;
            }
            const uchar c = uchar(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                out = s;
                return true;
            }
            if (c < 0x20) {
                m_error = describe(tr("in string literal"));
                return false;
            }
            if (c >= 0x80) {
                s.append(QString::fromUcs4(std::array<char32_t, 1>{decodeUtf8()}.data(), 1));
                continue;
            }
            if (c != '\\') {
                s.append(QLatin1Char(char(c)));
                ++m_pos;
                continue;
            }
            ++m_pos;
            if (m_pos >= m_text.size()) {
                m_error = tr("unexpected end of input in string escape code");
                return false;
            }
            switch (m_text[m_pos]) {
            case '"':
                s.append(QLatin1Char('"'));
                break;
            case '\\':
                s.append(QLatin1Char('\\'));
                break;
            case '/':
                s.append(QLatin1Char('/'));
                break;
            case 'b':
                s.append(QLatin1Char('\b'));
                break;
            case 'f':
                s.append(QLatin1Char('\f'));
                break;
            case 'n':
                s.append(QLatin1Char('\n'));
                break;
            case 'r':
                s.append(QLatin1Char('\r'));
                break;
            case 't':
                s.append(QLatin1Char('\t'));
                break;
            case 'u': {
                const int unit = hex4(m_pos + 1);
                if (unit < 0) {
                    ++m_pos;
                    m_error = describe(tr("in \\u hexadecimal character escape"));
                    return false;
                }
                m_pos += 4;
                if (QChar::isHighSurrogate(char32_t(unit)) && m_pos + 2 < m_text.size() &&
                    m_text[m_pos + 1] == '\\' && m_text[m_pos + 2] == 'u') {
                    const int low = hex4(m_pos + 3);
                    if (low >= 0 && QChar::isLowSurrogate(char32_t(low))) {
                        s.append(QChar(char16_t(unit)));
                        s.append(QChar(char16_t(low)));
                        m_pos += 6;
                        break;
                    }
                }
                s.append(QChar::isSurrogate(char32_t(unit)) ? QChar(QChar::ReplacementCharacter)
                                                            : QChar(char16_t(unit)));
                break;
            }
            default:
                m_error = describe(tr("in string escape code"));
                return false;
            }
            ++m_pos;
        }
    }

    const QByteArray &m_text;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

Value::Value() : d(new Data) {}

Value::Value(std::nullptr_t) : Value() {}

Value::Value(bool b) : Value()
{
    d->type = Type::Bool;
    d->boolean = b;
}

Value::Value(double v) : Value()
{
    if (!std::isfinite(v))
        return;
    d->type = Type::Number;
    d->number = goJsonFloat(v);
}

Value::Value(const QString &s) : Value()
{
    d->type = Type::String;
    d->string = s;
}

Value::Value(const char *utf8) : Value(QString::fromUtf8(utf8)) {}

Value::Value(NumberText number) : Value()
{
    d->type = Type::Number;
    d->number = std::move(number.text);
}

Value::Value(const Value &other) = default;
Value::Value(Value &&other) noexcept = default;
Value &Value::operator=(const Value &other) = default;
Value &Value::operator=(Value &&other) noexcept = default;
Value::~Value() = default;

Value Value::array()
{
    Value v;
    v.makeArray();
    return v;
}

Value Value::object()
{
    Value v;
    v.makeObject();
    return v;
}

Value Value::fromStringList(const QStringList &list)
{
    Value v = array();
    for (const QString &s : list)
        v.append(Value(s));
    return v;
}

Value Value::fromNumberText(const QByteArray &text)
{
    return Value(NumberText{text});
}

Result<Value> Value::parse(const QByteArray &text)
{
    return Parser(text).parseDocument();
}

QByteArray Value::serialize(const Style &style) const
{
    QByteArray out;
    serializeValue(out, *this, style, 0);
    return out;
}

Value Value::fromQJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return Value(value.toBool());
    case QJsonValue::Double: {
        const QVariant v = value.toVariant();
        if (v.typeId() == QMetaType::LongLong)
            return Value(v.toLongLong());
        return Value(value.toDouble());
    }
    case QJsonValue::String:
        return Value(value.toString());
    case QJsonValue::Array: {
        Value out = array();
        const QJsonArray a = value.toArray();
        for (const QJsonValue &element : a)
            out.append(fromQJson(element));
        return out;
    }
    case QJsonValue::Object: {
        Value out = object();
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(it.key(), fromQJson(it.value()));
        return out;
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return Value();
}

QJsonValue Value::toQJson() const
{
    switch (d->type) {
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(d->boolean);
    case Type::Number: {
        bool ok = false;
        const qint64 n = isInteger() ? d->number.toLongLong(&ok) : 0;
        return ok ? QJsonValue(n) : QJsonValue(toDouble());
    }
    case Type::String:
        return QJsonValue(d->string);
    case Type::Array: {
        QJsonArray a;
        for (const Value &element : d->elements)
            a.append(element.toQJson());
        return a;
    }
    case Type::Object: {
        QJsonObject o;
        for (const auto &member : d->members)
            o.insert(member.first, member.second.toQJson());
        return o;
    }
    }
    return QJsonValue();
}

Type Value::type() const
{
    return d->type;
}

bool Value::toBool(bool defaultValue) const
{
    return d->type == Type::Bool ? d->boolean : defaultValue;
}

qint64 Value::toInt64(qint64 defaultValue) const
{
    if (d->type != Type::Number)
        return defaultValue;
    bool ok = false;
    if (isInteger()) {
        const qint64 n = d->number.toLongLong(&ok);
        return ok ? n : defaultValue;
    }
    const double v = std::trunc(d->number.toDouble(&ok));
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if (!ok || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
        return defaultValue;
    return qint64(v);
}

double Value::toDouble(double defaultValue) const
{
    if (d->type != Type::Number)
        return defaultValue;
    bool ok = false;
    const double v = d->number.toDouble(&ok);
    return ok ? v : defaultValue;
}

QString Value::toString(const QString &defaultValue) const
{
    return d->type == Type::String ? d->string : defaultValue;
}

QByteArray Value::numberText() const
{
    return d->type == Type::Number ? d->number : QByteArray();
}

bool Value::isInteger() const
{
    return d->type == Type::Number && !d->number.contains('.') && !d->number.contains('e') &&
           !d->number.contains('E');
}

qsizetype Value::size() const
{
    if (d->type == Type::Array)
        return d->elements.size();
    if (d->type == Type::Object)
        return d->members.size();
    return 0;
}

const Value &Value::at(qsizetype i) const
{
    if (d->type != Type::Array || i < 0 || i >= d->elements.size())
        return nullValue();
    return d->elements.at(i);
}

Value &Value::operator[](qsizetype i)
{
    Q_ASSERT(d->type == Type::Array && i >= 0 && i < d->elements.size());
    return d->elements[i];
}

void Value::append(const Value &value)
{
    if (d->type == Type::Null)
        makeArray();
    if (d->type == Type::Array)
        d->elements.append(value);
}

QStringList Value::keys() const
{
    QStringList out;
    if (d->type != Type::Object)
        return out;
    out.reserve(d->members.size());
    for (const auto &member : d->members)
        out.append(member.first);
    return out;
}

bool Value::contains(const QString &key) const
{
    return d->type == Type::Object && d->index.contains(key);
}

const Value &Value::value(const QString &key) const
{
    if (d->type != Type::Object)
        return nullValue();
    const auto it = d->index.constFind(key);
    return it == d->index.constEnd() ? nullValue() : d->members.at(*it).second;
}

Value &Value::operator[](const QString &key)
{
    if (d->type != Type::Object)
        makeObject();
    const auto it = d->index.constFind(key);
    if (it != d->index.constEnd())
        return d->members[*it].second;
    d->index.insert(key, d->members.size());
    d->members.append({key, Value()});
    return d->members.last().second;
}

void Value::insert(const QString &key, const Value &value)
{
    (*this)[key] = value;
}

bool Value::remove(const QString &key)
{
    if (d->type != Type::Object || !d->index.contains(key))
        return false;
    const qsizetype at = d->index.take(key);
    d->members.removeAt(at);
    for (auto it = d->index.begin(); it != d->index.end(); ++it) {
        if (*it > at)
            --*it;
    }
    return true;
}

bool Value::operator==(const Value &other) const
{
    if (d == other.d)
        return true;
    if (d->type != other.d->type)
        return false;
    switch (d->type) {
    case Type::Null:
        return true;
    case Type::Bool:
        return d->boolean == other.d->boolean;
    case Type::Number: {
        if (d->number == other.d->number)
            return true;
        bool ok = false, otherOk = false;
        const qint64 a = isInteger() ? d->number.toLongLong(&ok) : 0;
        const qint64 b = other.isInteger() ? other.d->number.toLongLong(&otherOk) : 0;
        if (ok && otherOk)
            return a == b;
        return toDouble() == other.toDouble();
    }
    case Type::String:
        return d->string == other.d->string;
    case Type::Array:
        return d->elements == other.d->elements;
    case Type::Object: {
        if (d->members.size() != other.d->members.size())
            return false;
        for (const auto &member : d->members) {
            if (!other.contains(member.first) || other.value(member.first) != member.second)
                return false;
        }
        return true;
    }
    }
    return false;
}

void Value::makeArray()
{
    d->type = Type::Array;
    d->boolean = false;
    d->number.clear();
    d->string.clear();
    d->members.clear();
    d->index.clear();
    d->elements.clear();
}

void Value::makeObject()
{
    d->type = Type::Object;
    d->boolean = false;
    d->number.clear();
    d->string.clear();
    d->elements.clear();
    d->members.clear();
    d->index.clear();
}

QByteArray formatShortestFloat(double v, char format)
{
    if (!std::isfinite(v))
        return std::isnan(v) ? QByteArrayLiteral("NaN")
                             : (v > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf"));
    char buffer[64];
    const auto write = [&](std::chars_format f) {
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, f);
        return QByteArray(buffer, result.ptr - buffer);
    };
    if (format == 'e')
        return write(std::chars_format::scientific);
    if (format == 'f')
        return write(std::chars_format::fixed);
    // strconv's shortest 'g' uses an exponent when it is below -4 or at least 6.
    const QByteArray scientific = write(std::chars_format::scientific);
    const qsizetype e = scientific.indexOf('e');
    const int exponent = scientific.mid(e + 1).toInt();
    if (exponent < -4 || exponent >= 6)
        return scientific;
    return write(std::chars_format::fixed);
}

} // namespace berth::json
