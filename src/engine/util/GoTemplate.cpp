// Go text/template subset for `--format` (see GoTemplate.h): a lexer, a parser to a
// small tree, and an evaluator over json::Value that prints values the way Go's fmt
// prints the maps and slices encoding/json decodes into.
#include "util/GoTemplate.h"

#include <QList>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace berth {

namespace {

enum class Tok {
    Text,
    Left,
    Right,
    Ident,
    Field,
    Dot,
    Var,
    Literal,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    Eof,
};

struct Token
{
    Tok kind = Tok::Eof;
    QString text;
    json::Value literal;
    qsizetype pos = 0;
    bool spaceBefore = false;
};

// Go's "template: :line:col: " prefix; the column counts bytes from the line start.
QString position(const QString &src, qsizetype pos)
{
    const QString before = src.left(pos);
    const qsizetype newline = before.lastIndexOf(QLatin1Char('\n'));
    const qsizetype line = before.count(QLatin1Char('\n')) + 1;
    const qsizetype col = before.mid(newline + 1).toUtf8().size();
    return QStringLiteral("template: :%1:%2: ").arg(line).arg(col);
}

Error templateError(const QString &src, qsizetype pos, const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, position(src, pos) + message);
}

bool isSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\r') ||
           c == QLatin1Char('\n');
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

class Lexer
{
public:
    explicit Lexer(const QString &src) : m_src(src) {}

    Result<QList<Token>> run()
    {
        bool trimNext = false;
        while (m_pos < m_src.size()) {
            const qsizetype open = m_src.indexOf(QStringLiteral("{{"), m_pos);
            QString text = m_src.mid(m_pos, open < 0 ? -1 : open - m_pos);
            const qsizetype textPos = m_pos;
            if (trimNext) {
                qsizetype skip = 0;
                while (skip < text.size() && isSpace(text[skip]))
                    ++skip;
                text.remove(0, skip);
            }
            qsizetype inner = open + 2;
            const bool trimLeft = open >= 0 && m_src.mid(open + 2, 1) == QLatin1String("-") &&
                                  open + 3 < m_src.size() && isSpace(m_src[open + 3]);
            if (trimLeft) {
                while (!text.isEmpty() && isSpace(text.back()))
                    text.chop(1);
                inner = open + 3;
            }
            if (!text.isEmpty())
                m_tokens.append(Token{Tok::Text, text, {}, textPos, false});
            if (open < 0)
                break;
            m_pos = inner;
            BERTH_TRY_ASSIGN(trimNext, lexAction(open));
        }
        m_tokens.append(Token{Tok::Eof, {}, {}, m_src.size(), false});
        return m_tokens;
    }

private:
    Error error(const QString &message) const { return templateError(m_src, m_pos, message); }

    bool at(const char *s) const { return m_src.mid(m_pos).startsWith(QLatin1String(s)); }

    // Lexes one action from after its "{{" through its "}}"; tells whether it ends
    // with "-}}", which trims the whitespace after it.
    Result<bool> lexAction(qsizetype open)
    {
        bool space = false;
        while (m_pos < m_src.size() && isSpace(m_src[m_pos])) {
            ++m_pos;
            space = true;
        }
        if (at("/*")) {
            const qsizetype end = m_src.indexOf(QStringLiteral("*/"), m_pos + 2);
            if (end < 0)
                return error(tr("unclosed comment"));
            m_pos = end + 2;
            if (at(" -}}")) {
                m_pos += 4;
                return true;
            }
            if (at("}}")) {
                m_pos += 2;
                return false;
            }
            return error(tr("comment ends before closing delimiter"));
        }
        m_tokens.append(Token{Tok::Left, {}, {}, open, false});
        for (;;) {
            if (m_pos >= m_src.size())
                return templateError(m_src, open, tr("unclosed action"));
            if (space && at("-}}")) {
                m_tokens.append(Token{Tok::Right, {}, {}, m_pos, space});
                m_pos += 3;
                return true;
            }
            if (at("}}")) {
                m_tokens.append(Token{Tok::Right, {}, {}, m_pos, space});
                m_pos += 2;
                return false;
            }
            if (isSpace(m_src[m_pos])) {
                ++m_pos;
                space = true;
                continue;
            }
            BERTH_TRY(lexToken(space));
            space = false;
        }
    }

    Status lexToken(bool space)
    {
        const qsizetype start = m_pos;
        const QChar c = m_src[m_pos];
        const auto simple = [&](Tok kind, int length) {
            m_tokens.append(Token{kind, m_src.mid(start, length), {}, start, space});
            m_pos += length;
            return Status();
        };
        if (c == QLatin1Char('|'))
            return simple(Tok::Pipe, 1);
        if (c == QLatin1Char('('))
            return simple(Tok::LParen, 1);
        if (c == QLatin1Char(')'))
            return simple(Tok::RParen, 1);
        if (c == QLatin1Char(','))
            return simple(Tok::Comma, 1);
        if (at(":="))
            return simple(Tok::Declare, 2);
        if (c == QLatin1Char('='))
            return simple(Tok::Assign, 1);
        if (c == QLatin1Char('"'))
            return lexQuoted(space);
        if (c == QLatin1Char('`')) {
            const qsizetype end = m_src.indexOf(QLatin1Char('`'), m_pos + 1);
            if (end < 0)
                return error(tr("unterminated raw quoted string"));
            m_tokens.append(Token{Tok::Literal, m_src.mid(start, end + 1 - start),
                                  json::Value(m_src.mid(start + 1, end - start - 1)), start,
                                  space});
            m_pos = end + 1;
            return {};
        }
        if (c == QLatin1Char('$') || c == QLatin1Char('.')) {
            ++m_pos;
            if (c == QLatin1Char('.') && m_pos < m_src.size() && m_src[m_pos].isDigit()) {
                m_pos = start;
                return lexNumber(space);
            }
            while (m_pos < m_src.size() && isWordChar(m_src[m_pos]))
                ++m_pos;
            const QString text = m_src.mid(start, m_pos - start);
            const Tok kind = c == QLatin1Char('$') ? Tok::Var
                             : text.size() == 1    ? Tok::Dot
                                                   : Tok::Field;
            m_tokens.append(Token{kind, text, {}, start, space});
            return {};
        }
        if (c.isDigit() || ((c == QLatin1Char('-') || c == QLatin1Char('+')) &&
                            m_pos + 1 < m_src.size() && m_src[m_pos + 1].isDigit()))
            return lexNumber(space);
        if (isWordChar(c)) {
            while (m_pos < m_src.size() && isWordChar(m_src[m_pos]))
                ++m_pos;
            const QString word = m_src.mid(start, m_pos - start);
            if (word == QLatin1String("true") || word == QLatin1String("false")) {
                m_tokens.append(Token{Tok::Literal, word,
                                      json::Value(word == QLatin1String("true")), start, space});
            } else if (word == QLatin1String("nil")) {
                m_tokens.append(Token{Tok::Literal, word, json::Value(), start, space});
            } else {
                m_tokens.append(Token{Tok::Ident, word, {}, start, space});
            }
            return {};
        }
        return error(tr("unexpected %1 in command").arg(QString(c)));
    }

    Status lexNumber(bool space)
    {
        const qsizetype start = m_pos;
        if (m_src[m_pos] == QLatin1Char('-') || m_src[m_pos] == QLatin1Char('+'))
            ++m_pos;
        while (m_pos < m_src.size()) {
            const QChar c = m_src[m_pos];
            const bool sign =
                (c == QLatin1Char('-') || c == QLatin1Char('+')) &&
                (m_src[m_pos - 1] == QLatin1Char('e') || m_src[m_pos - 1] == QLatin1Char('E'));
            if (!c.isDigit() && c != QLatin1Char('.') && c != QLatin1Char('e') &&
                c != QLatin1Char('E') && !sign)
                break;
            ++m_pos;
        }
        QString text = m_src.mid(start, m_pos - start);
        if (text.startsWith(QLatin1Char('+')))
            text.remove(0, 1);
        // JSON's number grammar is stricter than Go's ("1." or ".5"); normalise
        // those through a double so the value prints the way Go would.
        auto parsed = json::Value::parse(text.toLatin1());
        bool ok = false;
        const double d = text.toDouble(&ok);
        if (!ok)
            return templateError(m_src, start, tr("bad number syntax: \"%1\"").arg(text));
        const json::Value value =
            parsed.ok() && parsed->isNumber() ? parsed.value() : json::Value(d);
        m_tokens.append(Token{Tok::Literal, text, value, start, space});
        return {};
    }

    Status lexQuoted(bool space)
    {
        const qsizetype start = m_pos;
        QString s;
        ++m_pos;
        for (;;) {
            if (m_pos >= m_src.size() || m_src[m_pos] == QLatin1Char('\n'))
                return templateError(m_src, start, tr("unterminated quoted string"));
            const QChar c = m_src[m_pos++];
            if (c == QLatin1Char('"'))
                break;
            if (c != QLatin1Char('\\')) {
                s.append(c);
                continue;
            }
            if (m_pos >= m_src.size())
                return templateError(m_src, start, tr("unterminated quoted string"));
            const QChar e = m_src[m_pos++];
            switch (e.unicode()) {
            case 'n':
                s.append(QLatin1Char('\n'));
                break;
            case 't':
                s.append(QLatin1Char('\t'));
                break;
            case 'r':
                s.append(QLatin1Char('\r'));
                break;
            case 'a':
                s.append(QLatin1Char('\a'));
                break;
            case 'b':
                s.append(QLatin1Char('\b'));
                break;
            case 'f':
                s.append(QLatin1Char('\f'));
                break;
            case 'v':
                s.append(QLatin1Char('\v'));
                break;
            case '\\':
                s.append(QLatin1Char('\\'));
                break;
            case '"':
                s.append(QLatin1Char('"'));
                break;
            case '\'':
                s.append(QLatin1Char('\''));
                break;
            case 'x':
            case 'u':
            case 'U': {
                const int digits = e == QLatin1Char('x') ? 2 : e == QLatin1Char('u') ? 4 : 8;
                bool ok = false;
                const uint code = m_src.mid(m_pos, digits).toUInt(&ok, 16);
                if (!ok || m_pos + digits > m_src.size())
                    return templateError(m_src, start, tr("invalid syntax in quoted string"));
                const char32_t one[1] = {code};
                s.append(QString::fromUcs4(one, 1));
                m_pos += digits;
                break;
            }
            default:
                return templateError(m_src, start, tr("invalid syntax in quoted string"));
            }
        }
        m_tokens.append(
            Token{Tok::Literal, m_src.mid(start, m_pos - start), json::Value(s), start, space});
        return {};
    }

    const QString &m_src;
    qsizetype m_pos = 0;
    QList<Token> m_tokens;
};

struct Pipeline;

struct Operand
{
    enum Kind { Dot, Field, Var, Func, Literal, Sub } kind = Dot;
    QString name;        // variable or function name
    QStringList chain;   // field names applied after the operand
    json::Value literal; // Literal
    std::shared_ptr<Pipeline> sub;
    qsizetype pos = 0;
};

struct Command
{
    QList<Operand> args;
    qsizetype pos = 0;
    QString source;
};

struct Pipeline
{
    QStringList decl;
    bool assign = false; // "=" rather than ":="
    QList<Command> commands;
    qsizetype pos = 0;
};

const QStringList &functionNames()
{
    static const QStringList names = {
        QStringLiteral("json"),    QStringLiteral("join"),   QStringLiteral("index"),
        QStringLiteral("len"),     QStringLiteral("upper"),  QStringLiteral("lower"),
        QStringLiteral("title"),   QStringLiteral("split"),  QStringLiteral("truncate"),
        QStringLiteral("pad"),     QStringLiteral("printf"), QStringLiteral("print"),
        QStringLiteral("println"), QStringLiteral("eq"),     QStringLiteral("ne"),
        QStringLiteral("lt"),      QStringLiteral("le"),     QStringLiteral("gt"),
        QStringLiteral("ge"),      QStringLiteral("and"),    QStringLiteral("or"),
        QStringLiteral("not"),
    };
    return names;
}

} // namespace

struct GoTemplate::Node
{
    enum Kind { List, Text, Action, If, Range, With } kind = List;
    QString text;
    Pipeline pipe;
    std::vector<Node> list; // List
    std::shared_ptr<Node> body, elseBody;
    qsizetype pos = 0;
};

namespace {

using Node = GoTemplate::Node;

class Parser
{
public:
    Parser(const QString &src, QList<Token> tokens) : m_src(src), m_tokens(std::move(tokens)) {}

    Result<Node> parseTemplate()
    {
        Node root;
        BERTH_TRY_ASSIGN(const QString end, parseList(root));
        if (!end.isEmpty())
            return templateError(m_src, m_tokens[m_at].pos, tr("unexpected {{%1}}").arg(end));
        return root;
    }

private:
    const Token &peek(int ahead = 0) const
    {
        return m_tokens[std::min<qsizetype>(m_at + ahead, m_tokens.size() - 1)];
    }
    const Token &next() { return m_tokens[std::min<qsizetype>(m_at++, m_tokens.size() - 1)]; }
    Error error(const Token &t, const QString &message) const
    {
        return templateError(m_src, t.pos, message);
    }

    Status expectRight(const char *context)
    {
        const Token &t = next();
        if (t.kind != Tok::Right)
            return error(t, tr("unexpected \"%1\" in %2").arg(t.text, QLatin1String(context)));
        return {};
    }

    // Parses nodes until {{end}}, {{else}} or the end of input; returns "end",
    // "else" (with the tokens after it still to read) or "" at the end of input.
    Result<QString> parseList(Node &list)
    {
        for (;;) {
            const Token &t = next();
            if (t.kind == Tok::Eof)
                return QString();
            if (t.kind == Tok::Text) {
                Node text;
                text.kind = Node::Text;
                text.text = t.text;
                list.list.push_back(std::move(text));
                continue;
            }
            const Token &word = peek();
            if (word.kind == Tok::Ident) {
                if (word.text == QLatin1String("end")) {
                    ++m_at;
                    BERTH_TRY(expectRight("end"));
                    return QStringLiteral("end");
                }
                if (word.text == QLatin1String("else")) {
                    ++m_at;
                    return QStringLiteral("else");
                }
                if (word.text == QLatin1String("if") || word.text == QLatin1String("range") ||
                    word.text == QLatin1String("with")) {
                    ++m_at;
                    BERTH_TRY_ASSIGN(Node control, parseControl(word.text, word.pos));
                    list.list.push_back(std::move(control));
                    continue;
                }
                if (word.text == QLatin1String("define") ||
                    word.text == QLatin1String("template") || word.text == QLatin1String("block") ||
                    word.text == QLatin1String("break") || word.text == QLatin1String("continue"))
                    return error(word, tr("{{%1}} is not supported").arg(word.text));
            }
            Node action;
            action.kind = Node::Action;
            action.pos = word.pos;
            BERTH_TRY_ASSIGN(action.pipe, parsePipeline(Tok::Right, false));
            list.list.push_back(std::move(action));
        }
    }

    Result<Node> parseControl(const QString &keyword, qsizetype pos)
    {
        Node node;
        node.kind = keyword == QLatin1String("if")      ? Node::If
                    : keyword == QLatin1String("range") ? Node::Range
                                                        : Node::With;
        node.pos = pos;
        BERTH_TRY_ASSIGN(node.pipe, parsePipeline(Tok::Right, node.kind == Node::Range));
        node.body = std::make_shared<Node>();
        BERTH_TRY_ASSIGN(const QString end, parseList(*node.body));
        if (end.isEmpty())
            return error(peek(), tr("unexpected EOF: {{%1}} without {{end}}").arg(keyword));
        if (end == QLatin1String("else")) {
            node.elseBody = std::make_shared<Node>();
            const Token &chained = peek();
            // {{else if …}} and {{else with …}} nest a control that shares our {{end}}.
            if (chained.kind == Tok::Ident &&
                (chained.text == QLatin1String("if") || chained.text == QLatin1String("with"))) {
                ++m_at;
                BERTH_TRY_ASSIGN(Node nested, parseControl(chained.text, chained.pos));
                node.elseBody->list.push_back(std::move(nested));
                return node;
            }
            BERTH_TRY(expectRight("else"));
            BERTH_TRY_ASSIGN(const QString elseEnd, parseList(*node.elseBody));
            if (elseEnd != QLatin1String("end"))
                return error(peek(), tr("expected {{end}} after {{else}} of {{%1}}").arg(keyword));
        }
        return node;
    }

    Result<Pipeline> parsePipeline(Tok end, bool allowTwoVars)
    {
        Pipeline pipe;
        pipe.pos = peek().pos;
        if (peek().kind == Tok::Var) {
            if (peek(1).kind == Tok::Declare || peek(1).kind == Tok::Assign) {
                pipe.decl.append(next().text);
                pipe.assign = next().kind == Tok::Assign;
            } else if (allowTwoVars && peek(1).kind == Tok::Comma && peek(2).kind == Tok::Var &&
                       peek(3).kind == Tok::Declare) {
                pipe.decl.append(next().text);
                ++m_at;
                pipe.decl.append(next().text);
                ++m_at;
            }
        }
        for (;;) {
            Command cmd;
            cmd.pos = peek().pos;
            while (peek().kind != end && peek().kind != Tok::Pipe) {
                if (peek().kind == Tok::Eof || peek().kind == Tok::Right ||
                    peek().kind == Tok::RParen)
                    return error(peek(),
                                 peek().kind == Tok::Eof
                                     ? tr("unclosed action")
                                     : tr("unexpected \"%1\" in operand")
                                           .arg(peek().kind == Tok::Right ? QStringLiteral("}}")
                                                                          : peek().text));
                BERTH_TRY_ASSIGN(Operand operand, parseOperand());
                cmd.args.append(std::move(operand));
            }
            if (cmd.args.isEmpty())
                return error(peek(), tr("missing value for command"));
            cmd.source = m_src.mid(cmd.pos, peek().pos - cmd.pos).trimmed();
            pipe.commands.append(std::move(cmd));
            if (next().kind != Tok::Pipe)
                return pipe;
        }
    }

    Result<Operand> parseOperand()
    {
        const Token &t = next();
        Operand op;
        op.pos = t.pos;
        switch (t.kind) {
        case Tok::Dot:
            op.kind = Operand::Dot;
            break;
        case Tok::Field:
            op.kind = Operand::Field;
            op.chain.append(t.text.mid(1));
            break;
        case Tok::Var:
            op.kind = Operand::Var;
            op.name = t.text;
            break;
        case Tok::Literal:
            op.kind = Operand::Literal;
            op.literal = t.literal;
            break;
        case Tok::Ident:
            if (!functionNames().contains(t.text))
                return error(t, tr("function \"%1\" not defined").arg(t.text));
            op.kind = Operand::Func;
            op.name = t.text;
            break;
        case Tok::LParen: {
            op.kind = Operand::Sub;
            BERTH_TRY_ASSIGN(Pipeline sub, parsePipeline(Tok::RParen, false));
            op.sub = std::make_shared<Pipeline>(std::move(sub));
            break;
        }
        default:
            return error(t, tr("unexpected \"%1\" in operand").arg(t.text));
        }
        while (peek().kind == Tok::Field && !peek().spaceBefore) {
            if (op.kind == Operand::Literal || op.kind == Operand::Func)
                return error(peek(), tr("unexpected . after term \"%1\"").arg(t.text));
            op.chain.append(next().text.mid(1));
        }
        return op;
    }

    const QString &m_src;
    QList<Token> m_tokens;
    qsizetype m_at = 0;
};

// Go's fmt %v for what encoding/json decodes into: maps print sorted, nil as <nil>.
QString formatValue(const json::Value &v, bool top = true)
{
    switch (v.type()) {
    case json::Type::Null:
        return top ? QStringLiteral("<no value>") : QStringLiteral("<nil>");
    case json::Type::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case json::Type::Number:
        return QString::fromLatin1(v.numberText());
    case json::Type::String:
        return v.toString();
    case json::Type::Array: {
        QStringList parts;
        for (qsizetype i = 0; i < v.size(); ++i)
            parts.append(formatValue(v.at(i), false));
        return QLatin1Char('[') + parts.join(QLatin1Char(' ')) + QLatin1Char(']');
    }
    case json::Type::Object: {
        QStringList keys = v.keys();
        keys.sort();
        QStringList parts;
        for (const QString &k : keys)
            parts.append(k + QLatin1Char(':') + formatValue(v.value(k), false));
        return QStringLiteral("map[") + parts.join(QLatin1Char(' ')) + QLatin1Char(']');
    }
    }
    return {};
}

// Go's type names for %!verb(type=value) and EXTRA diagnostics.
QString goTypeName(const json::Value &v)
{
    switch (v.type()) {
    case json::Type::Null:
        return QStringLiteral("<nil>");
    case json::Type::Bool:
        return QStringLiteral("bool");
    case json::Type::Number:
        return QStringLiteral("float64");
    case json::Type::String:
        return QStringLiteral("string");
    case json::Type::Array:
        return QStringLiteral("[]interface {}");
    case json::Type::Object:
        return QStringLiteral("map[string]interface {}");
    }
    return {};
}

bool truth(const json::Value &v)
{
    switch (v.type()) {
    case json::Type::Null:
        return false;
    case json::Type::Bool:
        return v.toBool();
    case json::Type::Number:
        return v.toDouble() != 0;
    case json::Type::String:
        return !v.toString().isEmpty();
    case json::Type::Array:
    case json::Type::Object:
        return !v.isEmpty();
    }
    return false;
}

// strconv.Quote: Go's double-quoted string literal.
QString goQuote(const QString &s)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : s) {
        switch (c.unicode()) {
        case '"':
            out += QLatin1String("\\\"");
            continue;
        case '\\':
            out += QLatin1String("\\\\");
            continue;
        case '\a':
            out += QLatin1String("\\a");
            continue;
        case '\b':
            out += QLatin1String("\\b");
            continue;
        case '\f':
            out += QLatin1String("\\f");
            continue;
        case '\n':
            out += QLatin1String("\\n");
            continue;
        case '\r':
            out += QLatin1String("\\r");
            continue;
        case '\t':
            out += QLatin1String("\\t");
            continue;
        case '\v':
            out += QLatin1String("\\v");
            continue;
        default:
            break;
        }
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

QString pad(const QString &s, int width, bool left)
{
    if (s.size() >= width)
        return s;
    const QString spaces(width - s.size(), QLatin1Char(' '));
    return left ? s + spaces : spaces + s;
}

// fmt.Sprintf for the verbs --format strings use: %s %v %d %q %f %x %X %t %%,
// with flags "-", "0", "+", width and precision.
QString goSprintf(const QString &format, const QList<json::Value> &args)
{
    QString out;
    qsizetype argi = 0;
    for (qsizetype i = 0; i < format.size(); ++i) {
        if (format[i] != QLatin1Char('%') || i + 1 >= format.size()) {
            out += format[i];
            continue;
        }
        ++i;
        bool minus = false, zero = false, plus = false;
        for (; i < format.size(); ++i) {
            if (format[i] == QLatin1Char('-'))
                minus = true;
            else if (format[i] == QLatin1Char('0'))
                zero = true;
            else if (format[i] == QLatin1Char('+'))
                plus = true;
            else
                break;
        }
        int width = 0, precision = -1;
        while (i < format.size() && format[i].isDigit())
            width = width * 10 + format[i++].digitValue();
        if (i < format.size() && format[i] == QLatin1Char('.')) {
            precision = 0;
            ++i;
            while (i < format.size() && format[i].isDigit())
                precision = precision * 10 + format[i++].digitValue();
        }
        if (i >= format.size()) {
            out += QLatin1String("%!(NOVERB)");
            break;
        }
        const QChar verb = format[i];
        if (verb == QLatin1Char('%')) {
            out += QLatin1Char('%');
            continue;
        }
        if (argi >= args.size()) {
            out += QStringLiteral("%!%1(MISSING)").arg(verb);
            continue;
        }
        const json::Value &arg = args[argi++];
        QString text;
        bool numeric = false;
        switch (verb.unicode()) {
        case 'v':
        case 's':
            text = arg.isNull() ? QStringLiteral("<nil>") : formatValue(arg);
            if (precision >= 0)
                text = text.left(precision);
            break;
        case 'q':
            text = goQuote(arg.isString() ? arg.toString() : formatValue(arg));
            break;
        case 't':
            text = formatValue(arg);
            break;
        case 'd':
            if (!arg.isNumber()) {
                text = QStringLiteral("%!d(%1=%2)").arg(goTypeName(arg), formatValue(arg, false));
                break;
            }
            numeric = true;
            text = arg.isInteger() ? QString::fromLatin1(arg.numberText())
                                   : QString::number(arg.toInt64());
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'g':
            if (!arg.isNumber()) {
                text = QStringLiteral("%!%1(%2=%3)")
                           .arg(verb)
                           .arg(goTypeName(arg), formatValue(arg, false));
                break;
            }
            numeric = true;
            if (verb == QLatin1Char('g') && precision < 0)
                text = QString::fromLatin1(json::formatShortestFloat(arg.toDouble(), 'g'));
            else
                text = QString::number(arg.toDouble(),
                                       verb == QLatin1Char('F') ? 'f' : verb.toLatin1(),
                                       precision < 0 ? 6 : precision);
            break;
        case 'x':
        case 'X': {
            if (arg.isNumber()) {
                numeric = true;
                text = QString::number(arg.toInt64(), 16);
            } else {
                text = QString::fromLatin1(formatValue(arg).toUtf8().toHex());
            }
            if (verb == QLatin1Char('X'))
                text = text.toUpper();
            break;
        }
        default:
            text = QStringLiteral("%!%1(%2=%3)")
                       .arg(verb)
                       .arg(goTypeName(arg), formatValue(arg, false));
        }
        if (numeric && plus && !text.startsWith(QLatin1Char('-')))
            text.prepend(QLatin1Char('+'));
        if (numeric && zero && !minus && text.size() < width) {
            const bool sign =
                text.startsWith(QLatin1Char('-')) || text.startsWith(QLatin1Char('+'));
            text.insert(sign ? 1 : 0, QString(width - text.size(), QLatin1Char('0')));
        }
        out += pad(text, width, minus);
    }
    if (argi < args.size()) {
        QStringList extra;
        for (qsizetype a = argi; a < args.size(); ++a)
            extra.append(goTypeName(args[a]) + QLatin1Char('=') + formatValue(args[a], false));
        out += QStringLiteral("%!(EXTRA ") + extra.join(QStringLiteral(", ")) + QLatin1Char(')');
    }
    return out;
}

// fmt.Sprint: a space between operands when neither side is a string.
QString goSprint(const QList<json::Value> &args)
{
    QString out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (i > 0 && !args[i].isString() && !args[i - 1].isString())
            out += QLatin1Char(' ');
        out += args[i].isNull() ? QStringLiteral("<nil>") : formatValue(args[i]);
    }
    return out;
}

// strings.Title: upper-cases the first letter of every word.
QString goTitle(const QString &s)
{
    QString out = s;
    QChar previous = QLatin1Char(' ');
    for (QChar &c : out) {
        if (!isWordChar(previous) && previous != QLatin1Char('\''))
            c = c.toUpper();
        previous = c;
    }
    return out;
}

class Executor
{
public:
    Executor(const QString &src, const json::Value &root) : m_src(src)
    {
        m_vars.append({QStringLiteral("$"), root});
    }

    Status run(const Node &node, const json::Value &dot)
    {
        switch (node.kind) {
        case Node::List:
            for (const Node &child : node.list)
                BERTH_TRY(run(child, dot));
            return {};
        case Node::Text:
            m_out += node.text;
            return {};
        case Node::Action: {
            BERTH_TRY_ASSIGN(const json::Value v, evalPipeline(node.pipe, dot));
            if (node.pipe.decl.isEmpty())
                m_out += formatValue(v);
            return {};
        }
        case Node::If:
        case Node::With: {
            const qsizetype mark = m_vars.size();
            BERTH_TRY_ASSIGN(const json::Value v, evalPipeline(node.pipe, dot));
            Status status;
            if (truth(v))
                status = run(*node.body, node.kind == Node::With ? v : dot);
            else if (node.elseBody)
                status = run(*node.elseBody, dot);
            m_vars.resize(mark);
            return status;
        }
        case Node::Range:
            return runRange(node, dot);
        }
        return {};
    }

    QString output() const { return m_out; }

private:
    Error error(qsizetype pos, const QString &source, const QString &message) const
    {
        return templateError(m_src, pos, tr("executing \"\" at <%1>: %2").arg(source, message));
    }

    Status runRange(const Node &node, const json::Value &dot)
    {
        const qsizetype mark = m_vars.size();
        Pipeline pipe = node.pipe;
        const QStringList decl = pipe.decl;
        pipe.decl.clear();
        BERTH_TRY_ASSIGN(const json::Value v, evalPipeline(pipe, dot));
        if (!v.isNull() && !v.isArray() && !v.isObject())
            return error(node.pos, pipe.commands.first().source,
                         tr("range can't iterate over %1").arg(formatValue(v)));
        QStringList keys;
        if (v.isObject()) {
            keys = v.keys();
            keys.sort();
        }
        const qsizetype count = v.isObject() ? keys.size() : v.size();
        for (qsizetype i = 0; i < count; ++i) {
            const json::Value element = v.isObject() ? v.value(keys[i]) : v.at(i);
            const json::Value key = v.isObject() ? json::Value(keys[i]) : json::Value(i);
            if (decl.size() == 1)
                m_vars.append({decl[0], element});
            else if (decl.size() == 2)
                m_vars.append({{decl[0], key}, {decl[1], element}});
            const Status status = run(*node.body, element);
            m_vars.resize(mark);
            BERTH_TRY(status);
        }
        if (count == 0 && node.elseBody)
            return run(*node.elseBody, dot);
        return {};
    }

    Result<json::Value> evalPipeline(const Pipeline &pipe, const json::Value &dot)
    {
        std::optional<json::Value> value;
        for (const Command &cmd : pipe.commands) {
            BERTH_TRY_ASSIGN(json::Value v, evalCommand(cmd, dot, value));
            value = std::move(v);
        }
        const json::Value result = value.value_or(json::Value());
        if (pipe.decl.size() == 1) {
            if (pipe.assign) {
                auto it = std::find_if(m_vars.rbegin(), m_vars.rend(),
                                       [&](const auto &var) { return var.first == pipe.decl[0]; });
                if (it == m_vars.rend())
                    return error(pipe.pos, pipe.decl[0],
                                 tr("undefined variable \"%1\"").arg(pipe.decl[0]));
                it->second = result;
            } else {
                m_vars.append({pipe.decl[0], result});
            }
        }
        return result;
    }

    Result<json::Value> evalField(const json::Value &receiver, const QStringList &chain,
                                  const Operand &op, const Command &cmd)
    {
        json::Value v = receiver;
        for (const QString &name : chain) {
            if (v.isNull()) // a missing key or null: Go yields no value, not an error
                return json::Value();
            if (!v.isObject())
                return error(op.pos, cmd.source,
                             tr("can't evaluate field %1 in type %2").arg(name, goTypeName(v)));
            const json::Value next = v.value(name);
            v = next;
        }
        return v;
    }

    Result<json::Value> evalOperand(const Operand &op, const json::Value &dot, const Command &cmd)
    {
        switch (op.kind) {
        case Operand::Dot:
            return dot;
        case Operand::Field:
            return evalField(dot, op.chain, op, cmd);
        case Operand::Literal:
            return op.literal;
        case Operand::Var: {
            auto it = std::find_if(m_vars.rbegin(), m_vars.rend(),
                                   [&](const auto &var) { return var.first == op.name; });
            if (it == m_vars.rend())
                return error(op.pos, cmd.source, tr("undefined variable \"%1\"").arg(op.name));
            return evalField(it->second, op.chain, op, cmd);
        }
        case Operand::Sub: {
            BERTH_TRY_ASSIGN(const json::Value v, evalPipeline(*op.sub, dot));
            return evalField(v, op.chain, op, cmd);
        }
        case Operand::Func: {
            Command call;
            call.args.append(op);
            call.pos = op.pos;
            call.source = op.name;
            return evalCommand(call, dot, std::nullopt);
        }
        }
        return json::Value();
    }

    Result<json::Value> evalCommand(const Command &cmd, const json::Value &dot,
                                    const std::optional<json::Value> &final)
    {
        const Operand &first = cmd.args.first();
        if (first.kind != Operand::Func) {
            if (cmd.args.size() > 1 || final)
                return error(first.pos, cmd.source,
                             tr("can't give argument to non-function %1").arg(cmd.source));
            return evalOperand(first, dot, cmd);
        }
        QList<json::Value> args;
        const QString &name = first.name;
        // and/or stop at the first argument that decides the result, as Go does.
        const bool logical = name == QLatin1String("and") || name == QLatin1String("or");
        for (qsizetype i = 1; i < cmd.args.size(); ++i) {
            BERTH_TRY_ASSIGN(json::Value v, evalOperand(cmd.args[i], dot, cmd));
            if (logical && (truth(v) != (name == QLatin1String("and"))))
                return v;
            args.append(std::move(v));
        }
        if (final)
            args.append(*final);
        auto result = callFunction(name, args);
        if (!result.ok())
            return error(first.pos, cmd.source,
                         tr("error calling %1: %2").arg(name, result.error().message));
        return result;
    }

    static Error argError(const QString &message)
    {
        return makeError(ErrorCode::InvalidArgument, message);
    }

    static Result<int> compare(const json::Value &a, const json::Value &b)
    {
        if (a.isNumber() && b.isNumber()) {
            if (a == b)
                return 0;
            return a.toDouble() < b.toDouble() ? -1 : 1;
        }
        if (a.isString() && b.isString())
            return a.toString() < b.toString() ? -1 : (a.toString() == b.toString() ? 0 : 1);
        if (a.isBool() && b.isBool())
            return a.toBool() == b.toBool() ? 0 : 2;
        if (a.isNull() || b.isNull())
            return a.isNull() && b.isNull() ? 0 : 2;
        return argError(tr("incompatible types for comparison"));
    }

    Result<json::Value> callFunction(const QString &name, const QList<json::Value> &args)
    {
        const auto wantArgs = [&](qsizetype n) -> Status {
            if (args.size() != n)
                return argError(tr("wrong number of args for %1: want %2 got %3")
                                    .arg(name)
                                    .arg(n)
                                    .arg(args.size()));
            return {};
        };
        if (name == QLatin1String("json")) {
            BERTH_TRY(wantArgs(1));
            return json::Value(
                QString::fromUtf8(args[0].serialize(json::Style::compact().withoutHtmlEscaping())));
        }
        if (name == QLatin1String("join")) {
            BERTH_TRY(wantArgs(2));
            QStringList parts;
            for (qsizetype i = 0; i < args[0].size(); ++i)
                parts.append(formatValue(args[0].at(i), false));
            return json::Value(parts.join(args[1].toString()));
        }
        if (name == QLatin1String("index")) {
            if (args.isEmpty())
                return argError(tr("index of untyped nil"));
            json::Value v = args[0];
            for (qsizetype i = 1; i < args.size(); ++i) {
                if (v.isObject()) {
                    if (!args[i].isString())
                        return argError(
                            tr("value has type %1; should be string").arg(goTypeName(args[i])));
                    const json::Value next = v.value(args[i].toString());
                    v = next;
                } else if (v.isArray()) {
                    const qint64 at = args[i].toInt64(-1);
                    if (!args[i].isNumber() || at < 0 || at >= v.size())
                        return argError(tr("index out of range: %1").arg(formatValue(args[i])));
                    const json::Value next = v.at(at);
                    v = next;
                } else {
                    return argError(tr("can't index item of type %1").arg(goTypeName(v)));
                }
            }
            return v;
        }
        if (name == QLatin1String("len")) {
            BERTH_TRY(wantArgs(1));
            if (args[0].isString())
                return json::Value(args[0].toString().toUtf8().size());
            if (args[0].isArray() || args[0].isObject())
                return json::Value(args[0].size());
            return argError(tr("len of type %1").arg(goTypeName(args[0])));
        }
        if (name == QLatin1String("upper") || name == QLatin1String("lower") ||
            name == QLatin1String("title")) {
            BERTH_TRY(wantArgs(1));
            const QString s = formatValue(args[0], false);
            return json::Value(name == QLatin1String("upper")   ? s.toUpper()
                               : name == QLatin1String("lower") ? s.toLower()
                                                                : goTitle(s));
        }
        if (name == QLatin1String("split")) {
            BERTH_TRY(wantArgs(2));
            const QString s = args[0].toString(), sep = args[1].toString();
            if (sep.isEmpty()) {
                json::Value out = json::Value::array();
                for (const QChar c : s)
                    out.append(json::Value(QString(c)));
                return out;
            }
            return json::Value::fromStringList(s.split(sep));
        }
        if (name == QLatin1String("truncate")) {
            BERTH_TRY(wantArgs(2));
            const QString s = formatValue(args[0], false);
            return json::Value(s.left(std::max<qint64>(0, args[1].toInt64())));
        }
        if (name == QLatin1String("pad")) {
            BERTH_TRY(wantArgs(3));
            return json::Value(QString(std::max<qint64>(0, args[1].toInt64()), QLatin1Char(' ')) +
                               formatValue(args[0], false) +
                               QString(std::max<qint64>(0, args[2].toInt64()), QLatin1Char(' ')));
        }
        if (name == QLatin1String("printf")) {
            if (args.isEmpty() || !args[0].isString())
                return argError(tr("printf needs a format string"));
            return json::Value(goSprintf(args[0].toString(), args.mid(1)));
        }
        if (name == QLatin1String("print"))
            return json::Value(goSprint(args));
        if (name == QLatin1String("println")) {
            QStringList parts;
            for (const json::Value &a : args)
                parts.append(a.isNull() ? QStringLiteral("<nil>") : formatValue(a));
            return json::Value(parts.join(QLatin1Char(' ')) + QLatin1Char('\n'));
        }
        if (name == QLatin1String("eq") || name == QLatin1String("ne")) {
            if (args.size() < 2)
                return argError(tr("missing argument for comparison"));
            bool equal = false;
            for (qsizetype i = 1; i < args.size() && !equal; ++i) {
                BERTH_TRY_ASSIGN(const int c, compare(args[0], args[i]));
                equal = c == 0;
            }
            if (name == QLatin1String("ne") && args.size() != 2)
                return argError(tr("wrong number of args for ne: want 2 got %1").arg(args.size()));
            return json::Value(name == QLatin1String("eq") ? equal : !equal);
        }
        if (name == QLatin1String("lt") || name == QLatin1String("le") ||
            name == QLatin1String("gt") || name == QLatin1String("ge")) {
            BERTH_TRY(wantArgs(2));
            if (args[0].isBool() || args[0].isNull() || args[0].isArray() || args[0].isObject())
                return argError(tr("invalid type for comparison"));
            BERTH_TRY_ASSIGN(const int c, compare(args[0], args[1]));
            const bool r = name == QLatin1String("lt")   ? c < 0
                           : name == QLatin1String("le") ? c <= 0
                           : name == QLatin1String("gt") ? c > 0
                                                         : c >= 0;
            return json::Value(r);
        }
        if (name == QLatin1String("and") || name == QLatin1String("or")) {
            if (args.isEmpty())
                return argError(tr("wrong number of args for %1: want at least 1 got 0").arg(name));
            return args.last();
        }
        if (name == QLatin1String("not")) {
            BERTH_TRY(wantArgs(1));
            return json::Value(!truth(args[0]));
        }
        return argError(tr("function \"%1\" not defined").arg(name));
    }

    const QString &m_src;
    QList<std::pair<QString, json::Value>> m_vars;
    QString m_out;
};

} // namespace

Result<GoTemplate> GoTemplate::parse(const QString &text)
{
    BERTH_TRY_ASSIGN(QList<Token> tokens, Lexer(text).run());
    BERTH_TRY_ASSIGN(Node root, Parser(text, std::move(tokens)).parseTemplate());
    GoTemplate t;
    t.m_source = text;
    t.m_root = std::make_shared<const Node>(std::move(root));
    return t;
}

Result<QString> GoTemplate::execute(const json::Value &dot) const
{
    Executor executor(m_source, dot);
    BERTH_TRY(executor.run(*m_root, dot));
    return executor.output();
}

} // namespace berth
