// Parser: Dockerfile lines -> nodes (see Parser.h). The line rules (directives, comments,
// continuations, heredocs) and each instruction's argument splitting follow BuildKit's
// frontend, so that a Dockerfile means the same here as under docker build.
#include "build/Parser.h"

#include "build/ShellLex.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>

namespace berth::build {

namespace {

// Go's unicode.IsSpace over the characters a Dockerfile line can hold.
bool isSpace(QChar ch)
{
    return ch.isSpace();
}

// The separators between instruction words: BuildKit's [\t\v\f\r ]+.
bool isWordSeparator(QChar ch)
{
    return ch == u' ' || ch == u'\t' || ch == u'\v' || ch == u'\f' || ch == u'\r';
}

QString trimNewline(const QString &line)
{
    qsizetype end = line.size();
    while (end > 0 && (line[end - 1] == u'\n' || line[end - 1] == u'\r'))
        --end;
    return line.left(end);
}

QString trimLeadingWhitespace(const QString &line)
{
    qsizetype start = 0;
    while (start < line.size() && isSpace(line[start]))
        ++start;
    return line.mid(start);
}

QString trimLeadingTabs(const QString &line)
{
    qsizetype start = 0;
    while (start < line.size() && line[start] == u'\t')
        ++start;
    return line.mid(start);
}

bool isComment(const QString &line)
{
    const QString trimmed = trimLeadingWhitespace(line);
    return !trimmed.isEmpty() && trimmed[0] == u'#';
}

// Splits on runs of separators, as Go's regexp Split with n (-1 = no limit).
QStringList splitWhitespace(const QString &text, int limit = -1)
{
    QStringList parts;
    qsizetype start = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        if (!isWordSeparator(text[pos])) {
            ++pos;
            continue;
        }
        if (limit >= 0 && parts.size() + 1 == limit)
            break;
        parts << text.mid(start, pos - start);
        while (pos < text.size() && isWordSeparator(text[pos]))
            ++pos;
        start = pos;
    }
    parts << text.mid(start);
    return parts;
}

Error parseError(const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

// The parser directives at the top of the file. Any line that is not a directive (a
// comment, a blank line, an instruction) ends them for good.
class Directives
{
public:
    QChar escape = u'\\';
    QString syntax;
    QString check;

    // Returns whether the line was a directive.
    Result<bool> parseLine(const QString &line)
    {
        if (m_done)
            return false;
        static const QRegularExpression re(
            QStringLiteral("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$"));
        const auto match = re.match(line);
        if (!match.hasMatch()) {
            m_done = true;
            return false;
        }
        const QString key = match.captured(1).toLower();
        if (key != u"escape" && key != u"syntax" && key != u"check") {
            m_done = true;
            return false;
        }
        if (m_seen.contains(key))
            return parseError(tr("only one %1 parser directive can be used").arg(key));
        m_seen << key;
        const QString value = match.captured(2);
        if (key == u"escape") {
            if (value != u"`" && value != u"\\")
                return parseError(
                    tr("invalid escape token '%1' does not match ` or \\").arg(value));
            escape = value[0];
        } else if (key == u"syntax") {
            syntax = value;
        } else {
            check = value;
        }
        return true;
    }

    // BuildKit's continuation rule: the escape character, then only blanks, at the end of
    // the line, unless it is itself escaped. Returns whether the line continues.
    bool trimContinuation(QString &line) const
    {
        qsizetype end = line.size();
        while (end > 0 && (line[end - 1] == u' ' || line[end - 1] == u'\t'))
            --end;
        if (end == 0 || line[end - 1] != escape)
            return false;
        if (end >= 2 && line[end - 2] == escape)
            return false;
        line.truncate(end - 1);
        return true;
    }

private:
    bool m_done = false;
    QStringList m_seen;
};

// Splits the leading --flags off an instruction's arguments. Flag words may quote parts
// ('--label="a b"') and escape with \; a lone -- ends the flags.
QString extractFlags(const QString &line, QStringList &flags)
{
    enum { InSpaces, InWord, InQuote } phase = InSpaces;
    QString word;
    QChar quote;
    bool blankOk = false;
    for (qsizetype pos = 0; pos <= line.size(); ++pos) {
        const bool end = pos == line.size();
        QChar ch = end ? QChar() : line[pos];
        if (phase == InSpaces) {
            if (end)
                break;
            if (isSpace(ch))
                continue;
            if (ch != u'-' || pos + 1 == line.size() || line[pos + 1] != u'-')
                return line.mid(pos);
            phase = InWord;
        }
        if (end) {
            if (word != u"--" && (blankOk || !word.isEmpty()))
                flags << word;
            break;
        }
        if (phase == InWord) {
            if (isSpace(ch)) {
                phase = InSpaces;
                if (word == u"--")
                    return line.mid(pos);
                if (blankOk || !word.isEmpty())
                    flags << word;
                word.clear();
                blankOk = false;
                continue;
            }
            if (ch == u'\'' || ch == u'"') {
                quote = ch;
                blankOk = true;
                phase = InQuote;
                continue;
            }
            if (ch == u'\\') {
                if (pos + 1 == line.size())
                    continue;
                ch = line[++pos];
            }
            word += ch;
            continue;
        }
        if (ch == quote) {
            phase = InWord;
            continue;
        }
        if (ch == u'\\') {
            if (pos + 1 == line.size()) {
                phase = InWord;
                continue;
            }
            ch = line[++pos];
        }
        word += ch;
    }
    return QString();
}

// Words of ENV/LABEL/ARG: split at unquoted white space, quotes and escapes kept as
// written (they are removed when the instruction is expanded).
QStringList parseWords(const QString &rest, QChar escape)
{
    enum { InSpaces, InWord, InQuote } phase = InSpaces;
    QStringList words;
    QString word;
    QChar quote;
    bool blankOk = false;
    for (qsizetype pos = 0; pos <= rest.size(); ++pos) {
        const bool end = pos == rest.size();
        QChar ch = end ? QChar() : rest[pos];
        if (phase == InSpaces) {
            if (end)
                break;
            if (isSpace(ch))
                continue;
            phase = InWord;
        }
        if (phase == InWord && end) {
            if (blankOk || !word.isEmpty())
                words << word;
            break;
        }
        if (phase == InWord) {
            if (isSpace(ch)) {
                phase = InSpaces;
                if (blankOk || !word.isEmpty())
                    words << word;
                word.clear();
                blankOk = false;
                continue;
            }
            if (ch == u'\'' || ch == u'"') {
                quote = ch;
                blankOk = true;
                phase = InQuote;
            }
            if (ch == escape) {
                if (pos + 1 == rest.size())
                    continue; // an escape character at the end of the line is dropped
                // Outside quotes an escape keeps itself and the next character, quote or not.
                word += ch;
                ch = rest[++pos];
            }
            word += ch;
            continue;
        }
        if (end) {
            // An unterminated quote: what was read is the last word.
            if (blankOk || !word.isEmpty())
                words << word;
            break;
        }
        if (ch == quote)
            phase = InWord;
        // Nothing escapes inside single quotes.
        if (ch == escape && quote != u'\'') {
            if (pos + 1 == rest.size()) {
                phase = InWord;
                continue;
            }
            word += ch;
            ch = rest[++pos];
        }
        word += ch;
    }
    return words;
}

struct LineParse
{
    QStringList args;
    bool json = false;
    std::shared_ptr<Node> sub;
};

Result<LineParse> parseNameVal(const QString &rest, const QString &key, QChar escape)
{
    LineParse out;
    const QStringList words = parseWords(rest, escape);
    if (words.isEmpty())
        return out;
    // "KEY name value" (legacy) when the first word has no =, else "KEY a=b c=d".
    if (!words[0].contains(u'=')) {
        const QStringList parts = splitWhitespace(rest, 2);
        if (parts.size() < 2)
            return parseError(tr("%1 must have two arguments").arg(key));
        out.args << parts[0] << parts[1] << QString();
        return out;
    }
    for (const QString &word : words) {
        const qsizetype eq = word.indexOf(u'=');
        if (eq < 0)
            return parseError(
                tr("Syntax error - can't find = in %1. Must be of the form: name=value")
                    .arg(goQuote(word)));
        out.args << word.left(eq) << word.mid(eq + 1) << QStringLiteral("=");
    }
    return out;
}

// QJsonDocument accepts string literals Go's encoding/json refuses (unknown escapes such as
// \x, raw control characters); Go's verdict decides between exec and shell form.
bool hasStrictJsonStrings(const QString &text)
{
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        if (!inString) {
            inString = ch == u'"';
            continue;
        }
        if (ch == u'"') {
            inString = false;
        } else if (ch.unicode() < 0x20) {
            return false;
        } else if (ch == u'\\') {
            if (++i >= text.size())
                return false;
            const QChar escaped = text[i];
            if (escaped == u'u') {
                for (int k = 0; k < 4; ++k) {
                    if (++i >= text.size() ||
                        !QStringLiteral("0123456789abcdefABCDEF").contains(text[i]))
                        return false;
                }
            } else if (!QStringLiteral("\"\\/bfnrt").contains(escaped)) {
                return false;
            }
        }
    }
    return true;
}

// JSON arrays of strings are the exec form. Returns nullopt when the text is not a JSON
// array at all (the caller then treats it as shell form) and an error when it is a JSON
// array holding something other than strings.
Result<std::optional<QStringList>> parseJson(const QString &rest)
{
    const QString trimmed = trimLeadingWhitespace(rest);
    if (!trimmed.startsWith(u'['))
        return std::optional<QStringList>();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || !hasStrictJsonStrings(trimmed))
        return std::optional<QStringList>();
    QStringList values;
    for (const QJsonValue &value : doc.array()) {
        if (!value.isString())
            return parseError(
                tr("when using JSON array syntax, arrays must be comprised of strings only"));
        values << value.toString();
    }
    return std::optional<QStringList>(values);
}

Result<LineParse> parseMaybeJson(const QString &rest, bool toList)
{
    LineParse out;
    if (rest.isEmpty())
        return out;
    BERTH_TRY_ASSIGN(const auto json, parseJson(rest));
    if (json) {
        out.args = *json;
        out.json = true;
    } else if (toList) {
        out.args = splitWhitespace(rest);
    } else {
        out.args << rest;
    }
    return out;
}

Result<Node> nodeFromLine(const QString &line, const Directives &directives);

Result<LineParse> parseArguments(const QString &name, const QString &rest,
                                 const Directives &directives)
{
    LineParse out;
    const QChar escape = directives.escape;
    if (name == u"env")
        return parseNameVal(rest, QStringLiteral("ENV"), escape);
    if (name == u"label")
        return parseNameVal(rest, QStringLiteral("LABEL"), escape);
    if (name == u"arg") {
        out.args = parseWords(rest, escape);
        return out;
    }
    if (name == u"cmd" || name == u"entrypoint" || name == u"run" || name == u"shell")
        return parseMaybeJson(rest, false);
    if (name == u"add" || name == u"copy" || name == u"volume")
        return parseMaybeJson(rest, true);
    if (name == u"expose" || name == u"from") {
        if (!rest.isEmpty())
            out.args = splitWhitespace(rest);
        return out;
    }
    if (name == u"maintainer" || name == u"stopsignal" || name == u"user" || name == u"workdir") {
        if (!rest.isEmpty())
            out.args << rest;
        return out;
    }
    if (name == u"healthcheck") {
        // HEALTHCHECK <type> <command>: the type is one word, the rest may be JSON.
        qsizetype sep = 0;
        while (sep < rest.size() && !isSpace(rest[sep]))
            ++sep;
        if (sep == 0)
            return out;
        qsizetype next = sep;
        while (next < rest.size() && isSpace(rest[next]))
            ++next;
        BERTH_TRY_ASSIGN(LineParse command, parseMaybeJson(rest.mid(next), false));
        out.args << rest.left(sep) << command.args;
        out.json = command.json;
        return out;
    }
    if (name == u"onbuild") {
        if (rest.isEmpty())
            return out;
        BERTH_TRY_ASSIGN(Node child, nodeFromLine(rest, directives));
        out.sub = std::make_shared<Node>(std::move(child));
        return out;
    }
    // Unknown instructions keep one empty argument, as BuildKit's tree does; typing the
    // instructions reports them.
    out.args << QString();
    return out;
}

Result<Node> nodeFromLine(const QString &line, const Directives &directives)
{
    const QStringList command = splitWhitespace(line.trimmed(), 2);
    Node node;
    node.typedName = command[0];
    node.name = command[0].toLower();
    node.original = line;
    QString rest;
    if (command.size() == 2)
        rest = extractFlags(command[1], node.flags).trimmed();
    BERTH_TRY_ASSIGN(LineParse parsed, parseArguments(node.name, rest, directives));
    node.args = parsed.args;
    node.json = parsed.json;
    node.sub = parsed.sub;
    return node;
}

bool canContainHeredoc(const Node &node)
{
    const Node &target = node.name == u"onbuild" && node.sub ? *node.sub : node;
    if (target.name != u"run" && target.name != u"copy" && target.name != u"add")
        return false;
    return !target.json;
}

// A heredoc marker word: [digits]<<[-]word, where word has no <.
std::optional<Heredoc> heredocFromWord(const QString &word)
{
    static const QRegularExpression re(QStringLiteral("^(\\d*)<<(-?)([^<]*)$"));
    const auto match = re.match(word);
    if (!match.hasMatch() || match.captured(3).isEmpty())
        return std::nullopt;
    const QString rest = match.captured(3);
    // Lexing the marker with and without quotes kept tells whether any part was quoted,
    // and a quoted marker means the content is taken literally.
    ShellLex lex(u'\\');
    lex.setSkipUnsetEnv(true);
    const Environment none;
    const auto words = lex.processWords(rest, none);
    if (!words.ok() || words->size() != 1)
        return std::nullopt;
    lex.setRawQuotes(true);
    const auto rawWords = lex.processWords(rest, none);
    if (!rawWords.ok() || rawWords->size() != 1)
        return std::nullopt;
    const auto quotes = [](const QString &text) { return text.count(u'\'') + text.count(u'"'); };
    Heredoc heredoc;
    heredoc.name = words->first();
    heredoc.fileDescriptor = match.captured(1).toInt();
    heredoc.chomp = match.captured(2) == u"-";
    heredoc.expand = quotes(words->first()) == quotes(rawWords->first());
    return heredoc;
}

QList<Heredoc> heredocsFromLine(const QString &line)
{
    ShellLex lex(u'\\');
    lex.setRawQuotes(true);
    lex.setRawEscapes(true);
    lex.setSkipUnsetEnv(true);
    const auto words = lex.processWords(line, Environment());
    QList<Heredoc> heredocs;
    if (!words.ok())
        return heredocs;
    for (const QString &word : *words) {
        if (auto heredoc = heredocFromWord(word))
            heredocs << *heredoc;
    }
    return heredocs;
}

// Lines with their endings kept: heredoc content is taken byte for byte.
QStringList splitLines(const QString &text)
{
    QStringList lines;
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype nl = text.indexOf(u'\n', start);
        if (nl < 0) {
            lines << text.mid(start);
            break;
        }
        lines << text.mid(start, nl - start + 1);
        start = nl + 1;
    }
    return lines;
}

QString located(const QString &fileName, int line, const QString &message)
{
    if (line <= 0)
        return QStringLiteral("%1: %2").arg(fileName, message);
    return QStringLiteral("%1:%2: %3").arg(fileName).arg(line).arg(message);
}

bool isGoPrint(char32_t ch)
{
    if (ch == U' ')
        return true;
    switch (QChar::category(ch)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
    case QChar::Punctuation_Connector:
    case QChar::Punctuation_Dash:
    case QChar::Punctuation_Open:
    case QChar::Punctuation_Close:
    case QChar::Punctuation_InitialQuote:
    case QChar::Punctuation_FinalQuote:
    case QChar::Punctuation_Other:
    case QChar::Symbol_Math:
    case QChar::Symbol_Currency:
    case QChar::Symbol_Modifier:
    case QChar::Symbol_Other:
        return true;
    default:
        return false;
    }
}

} // namespace

QString goQuote(const QString &text)
{
    QString out = QStringLiteral("\"");
    const QList<uint> runes = text.toUcs4();
    for (const uint r : runes) {
        switch (r) {
        case '"':
            out += QStringLiteral("\\\"");
            continue;
        case '\\':
            out += QStringLiteral("\\\\");
            continue;
        case '\a':
            out += QStringLiteral("\\a");
            continue;
        case '\b':
            out += QStringLiteral("\\b");
            continue;
        case '\f':
            out += QStringLiteral("\\f");
            continue;
        case '\n':
            out += QStringLiteral("\\n");
            continue;
        case '\r':
            out += QStringLiteral("\\r");
            continue;
        case '\t':
            out += QStringLiteral("\\t");
            continue;
        case '\v':
            out += QStringLiteral("\\v");
            continue;
        default:
            break;
        }
        if (isGoPrint(r)) {
            out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&r), 1);
        } else if (r < 0x20 || r == 0x7f) {
            out += QStringLiteral("\\x%1").arg(r, 2, 16, QChar(u'0'));
        } else if (r < 0x10000) {
            out += QStringLiteral("\\u%1").arg(r, 4, 16, QChar(u'0'));
        } else {
            out += QStringLiteral("\\U%1").arg(r, 8, 16, QChar(u'0'));
        }
    }
    out += u'"';
    return out;
}

QString Node::dump() const
{
    QString out = name;
    if (!flags.isEmpty()) {
        QStringList quoted;
        for (const QString &flag : flags)
            quoted << goQuote(flag);
        out += QStringLiteral(" [%1]").arg(quoted.join(u' '));
    }
    if (sub)
        out += QStringLiteral(" (%1)").arg(sub->dump());
    for (const QString &arg : args)
        out += u' ' + goQuote(arg);
    return out.trimmed();
}

QString Dockerfile::dump() const
{
    QString out;
    for (const Node &node : nodes)
        out += QStringLiteral("(%1)\n").arg(node.dump());
    return out;
}

Result<Dockerfile> parseDockerfile(const QByteArray &data, const QString &fileName)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(data);
    if (decoder.hasError()) {
        const int bad = int(QString::fromUtf8(data).indexOf(QChar::ReplacementCharacter));
        const int line = bad < 0 ? 0 : int(QString::fromUtf8(data).left(bad).count(u'\n')) + 1;
        return parseError(located(fileName, line, tr("the file is not UTF-8 text")));
    }
    if (text.startsWith(QChar(0xfeff)))
        text.remove(0, 1);

    Directives directives;
    Dockerfile file;
    const QStringList lines = splitLines(text);
    QStringList comments;
    int current = 0; // lines consumed so far = 1-based number of the last one read
    qsizetype index = 0;

    // Strips the line ending (and leading blanks of an instruction's first line), lets the
    // directive parser look at it and blanks comment lines.
    const auto processLine = [&](const QString &raw, bool stripLeft,
                                 bool &directive) -> Result<QString> {
        QString token = trimNewline(raw);
        if (stripLeft)
            token = trimLeadingWhitespace(token);
        auto seen = directives.parseLine(token);
        if (!seen.ok())
            return Error{seen.error().code, located(fileName, current + 1, seen.error().message)};
        directive = *seen;
        return isComment(token) ? QString() : token;
    };

    while (index < lines.size()) {
        const QString raw = lines[index++];
        if (isComment(raw)) {
            const QString comment = trimNewline(trimLeadingWhitespace(raw)).mid(1).trimmed();
            if (comment.isEmpty())
                comments.clear();
            else
                comments << comment;
        }
        bool directive = false;
        BERTH_TRY_ASSIGN(QString line, processLine(raw, true, directive));
        if (directive && !comments.isEmpty())
            comments.removeLast();
        ++current;
        const int startLine = current;
        bool continues = directives.trimContinuation(line);
        if (!continues && line.isEmpty())
            continue;

        bool emptyContinuation = false;
        while (continues && index < lines.size()) {
            const QString next = lines[index++];
            BERTH_TRY_ASSIGN(QString part, processLine(next, false, directive));
            ++current;
            if (isComment(next))
                continue;
            if (trimLeadingWhitespace(part).isEmpty()) {
                emptyContinuation = true;
                continue;
            }
            continues = directives.trimContinuation(part);
            line += part;
        }
        if (emptyContinuation)
            file.warnings << ParseWarning{tr("Empty continuation line found in: %1").arg(line),
                                          current};

        auto parsed = nodeFromLine(line, directives);
        if (!parsed.ok())
            return Error{parsed.error().code, located(fileName, startLine, parsed.error().message)};
        Node node = std::move(parsed).value();

        if (canContainHeredoc(node) && line.contains(QStringLiteral("<<"))) {
            for (Heredoc heredoc : heredocsFromLine(line)) {
                bool terminated = false;
                while (index < lines.size()) {
                    const QString content = lines[index++];
                    ++current;
                    QString terminator = trimNewline(content);
                    if (heredoc.chomp)
                        terminator = trimLeadingTabs(terminator);
                    if (terminator == heredoc.name) {
                        terminated = true;
                        break;
                    }
                    heredoc.content += content;
                }
                if (!terminated)
                    return parseError(located(fileName, startLine, tr("unterminated heredoc")));
                node.heredocs << heredoc;
            }
        }
        node.startLine = startLine;
        node.endLine = current;
        node.comments = comments;
        comments.clear();
        file.nodes << std::move(node);
    }
    if (file.nodes.isEmpty())
        return parseError(located(fileName, current, tr("file with no instructions")));
    file.escapeToken = directives.escape;
    file.syntax = directives.syntax;
    file.check = directives.check;
    return file;
}

} // namespace berth::build
