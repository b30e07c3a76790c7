// ShellLex: the word expander (see ShellLex.h). One ShellWord walks one input; the rules
// follow BuildKit's lexer so that a Dockerfile expands the same here as under docker build.
#include "build/ShellLex.h"

namespace berth::build {

void Environment::set(const QString &name, const QString &value)
{
    for (auto &entry : m_entries) {
        if (entry.first == name) {
            entry.second = value;
            return;
        }
    }
    m_entries.append({name, value});
}

std::optional<QString> Environment::value(const QString &name, bool caseInsensitive) const
{
    // The last definition wins when several differ only by case (Windows lookups).
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it) {
        if (it->first.compare(name, caseInsensitive ? Qt::CaseInsensitive : Qt::CaseSensitive) == 0)
            return it->second;
    }
    return std::nullopt;
}

QStringList Environment::toList() const
{
    QStringList out;
    for (const auto &entry : m_entries)
        out << entry.first + u'=' + entry.second;
    return out;
}

namespace {

constexpr int kEof = -1;

// Fields of processWords: unquoted white space ends a word, quoted text never does.
struct Words
{
    QStringList words;
    QString word;
    bool inWord = false;

    void addChar(QChar ch)
    {
        if (ch.isSpace()) {
            if (inWord && !word.isEmpty()) {
                words << word;
                word.clear();
                inWord = false;
            }
            return;
        }
        addRawChar(ch);
    }
    void addRawChar(QChar ch)
    {
        word += ch;
        inWord = true;
    }
    void addString(const QString &text)
    {
        for (QChar ch : text)
            addChar(ch);
    }
    void addRawString(const QString &text)
    {
        word += text;
        inWord = true;
    }
    QStringList take()
    {
        if (!word.isEmpty())
            words << word;
        return words;
    }
};

bool isSpecialParameter(QChar ch)
{
    switch (ch.unicode()) {
    case '@':
    case '*':
    case '#':
    case '?':
    case '-':
    case '$':
    case '!':
    case '0':
        return true;
    default:
        return false;
    }
}

// Shell pattern matching over UTF-16 text: * (any run), ? (one character), [set] with
// ranges and ^ or ! negation, and the escape character quoting the next one.
bool globMatch(const QString &pattern, qsizetype p, const QString &text, qsizetype t, QChar escape)
{
    while (p < pattern.size()) {
        const QChar pc = pattern[p];
        if (pc == u'*') {
            while (p < pattern.size() && pattern[p] == u'*')
                ++p;
            if (p == pattern.size())
                return true;
            for (qsizetype k = t; k <= text.size(); ++k) {
                if (globMatch(pattern, p, text, k, escape))
                    return true;
            }
            return false;
        }
        if (t >= text.size())
            return false;
        if (pc == u'?') {
            ++p;
            ++t;
            continue;
        }
        if (pc == u'[') {
            qsizetype q = p + 1;
            bool negate = false;
            if (q < pattern.size() && (pattern[q] == u'^' || pattern[q] == u'!')) {
                negate = true;
                ++q;
            }
            bool matched = false;
            bool closed = false;
            bool first = true;
            while (q < pattern.size()) {
                if (pattern[q] == u']' && !first) {
                    closed = true;
                    break;
                }
                first = false;
                QChar lo = pattern[q];
                if (lo == escape && q + 1 < pattern.size())
                    lo = pattern[++q];
                QChar hi = lo;
                if (q + 2 < pattern.size() && pattern[q + 1] == u'-' && pattern[q + 2] != u']') {
                    hi = pattern[q + 2];
                    q += 2;
                }
                if (text[t] >= lo && text[t] <= hi)
                    matched = true;
                ++q;
            }
            if (!closed) {
                // An unclosed [ is an ordinary character.
                if (text[t] != u'[')
                    return false;
                ++p;
                ++t;
                continue;
            }
            if (matched == negate)
                return false;
            p = q + 1;
            ++t;
            continue;
        }
        QChar literal = pc;
        if (pc == escape && p + 1 < pattern.size())
            literal = pattern[++p];
        if (text[t] != literal)
            return false;
        ++p;
        ++t;
    }
    return t == text.size();
}

} // namespace

// One pass over one input string.
class ShellWord
{
public:
    ShellWord(const ShellLex &lex, const QString &input, const Environment &env)
        : m_lex(lex), m_input(input), m_env(env)
    {
    }

    Result<QPair<QString, QStringList>> process()
    {
        Words words;
        QString result;
        bool found = false;
        BERTH_TRY(processStopOn(kEof, m_lex.m_rawEscapes, result, words, found));
        return QPair<QString, QStringList>{result, words.take()};
    }

private:
    const ShellLex &m_lex;
    const QString &m_input;
    const Environment &m_env;
    qsizetype m_pos = 0;

    int peek() const { return m_pos < m_input.size() ? m_input[m_pos].unicode() : kEof; }
    int next() { return m_pos < m_input.size() ? m_input[m_pos++].unicode() : kEof; }
    int escape() const { return m_lex.m_escape.unicode(); }

    static Error syntaxError(const QString &message)
    {
        return makeError(ErrorCode::InvalidArgument, message);
    }

    std::optional<QString> lookup(const QString &name) const
    {
        return m_env.value(name, m_lex.m_caseInsensitive);
    }

    // Reads up to stop (any of stops), expanding quotes and variables. found tells whether
    // a stop character ended the text.
    Status processStopOn(int stop, bool rawEscapes, QString &result, Words &words, bool &found,
                         int otherStop = kEof)
    {
        found = false;
        while (peek() != kEof) {
            const int ch = peek();
            if (stop != kEof && (ch == stop || (otherStop != kEof && ch == otherStop))) {
                found = true;
                return {};
            }
            if (ch == u'\'' || ch == u'"' || ch == u'$') {
                QString part;
                if (ch == u'\'') {
                    BERTH_TRY_ASSIGN(part, processSingleQuote());
                } else if (ch == u'"') {
                    BERTH_TRY_ASSIGN(part, processDoubleQuote());
                } else {
                    BERTH_TRY_ASSIGN(part, processDollar());
                }
                result += part;
                if (ch == u'$')
                    words.addString(part);
                else
                    words.addRawString(part);
                continue;
            }
            int c = next();
            if (c == escape()) {
                if (rawEscapes) {
                    words.addRawChar(QChar(c));
                    result += QChar(c);
                }
                c = next();
                if (c == kEof)
                    break; // an escape character at the very end is dropped
                words.addRawChar(QChar(c));
            } else {
                words.addChar(QChar(c));
            }
            result += QChar(c);
        }
        if (stop != kEof)
            return syntaxError(tr("syntax error: missing '}'"));
        return {};
    }

    Result<QString> processSingleQuote()
    {
        // Everything up to the next ' is literal, the escape character included.
        QString result;
        next();
        if (m_lex.m_rawQuotes)
            result += u'\'';
        for (;;) {
            const int ch = next();
            if (ch == kEof)
                return syntaxError(tr("unexpected end of statement while looking for matching "
                                      "single-quote"));
            if (ch == u'\'') {
                if (m_lex.m_rawQuotes)
                    result += u'\'';
                return result;
            }
            result += QChar(ch);
        }
    }

    Result<QString> processDoubleQuote()
    {
        // Everything up to the next " is literal except $ and the escape character, which
        // only escapes ", $ and itself (other escapes stay as written).
        QString result;
        next();
        if (m_lex.m_rawQuotes)
            result += u'"';
        for (;;) {
            const int ch = peek();
            if (ch == kEof)
                return syntaxError(tr("unexpected end of statement while looking for matching "
                                      "double-quote"));
            if (ch == u'"') {
                next();
                if (m_lex.m_rawQuotes)
                    result += u'"';
                return result;
            }
            if (ch == u'$') {
                QString value;
                BERTH_TRY_ASSIGN(value, processDollar());
                result += value;
                continue;
            }
            int c = next();
            if (c == escape()) {
                if (m_lex.m_rawEscapes)
                    result += QChar(c);
                const int after = peek();
                if (after == u'"' || after == u'$' || after == escape())
                    c = next();
            }
            result += QChar(c);
        }
    }

    // A name after $: letters, digits and _; or all the digits of a positional parameter;
    // or one special parameter character.
    QString processName()
    {
        QString name;
        while (peek() != kEof) {
            const QChar ch(peek());
            if (name.isEmpty() && ch.isDigit()) {
                while (peek() != kEof && QChar(peek()).isDigit())
                    name += QChar(next());
                return name;
            }
            if (name.isEmpty() && isSpecialParameter(ch)) {
                next();
                return QString(ch);
            }
            if (!ch.isLetterOrNumber() && ch != u'_')
                break;
            name += QChar(next());
        }
        return name;
    }

    Result<QString> processDollar()
    {
        next(); // $
        if (peek() != u'{') {
            const QString name = processName();
            if (name.isEmpty())
                return QStringLiteral("$");
            const auto value = lookup(name);
            if (!value && m_lex.m_skipUnsetEnv)
                return u'$' + name;
            return value.value_or(QString());
        }
        next(); // {
        const int first = peek();
        if (first == kEof)
            return syntaxError(tr("syntax error: missing '}'"));
        if (first == u'{' || first == u'}' || first == u':')
            return syntaxError(tr("syntax error: bad substitution"));
        const QString name = processName();
        int ch = next();
        QString modifier = ch == kEof ? QString() : QString(QChar(ch));
        switch (ch) {
        case kEof:
            return syntaxError(tr("syntax error: missing '}'"));
        case u'}': {
            const auto value = lookup(name);
            if (!value && m_lex.m_skipUnsetEnv)
                return QStringLiteral("${%1}").arg(name);
            return value.value_or(QString());
        }
        case u'/':
            return processReplace(name);
        case u':':
        case u'+':
        case u'-':
        case u'?':
        case u'#':
        case u'%':
            break;
        default:
            return syntaxError(tr("unsupported modifier (%1) in substitution").arg(modifier));
        }
        bool nullIsUnset = false;
        if (ch == u':') {
            nullIsUnset = true;
            ch = next();
            if (ch != kEof)
                modifier += QChar(ch);
            if (ch != u'-' && ch != u'+' && ch != u'?')
                return syntaxError(tr("unsupported modifier (%1) in substitution").arg(modifier));
        }
        const bool patternOp = ch == u'#' || ch == u'%';
        QString word;
        Words ignored;
        bool found = false;
        BERTH_TRY(processStopOn(u'}', patternOp, word, ignored, found));
        next(); // }
        const auto value = lookup(name);
        if (!value && m_lex.m_skipUnsetEnv)
            return QStringLiteral("${%1%2%3}").arg(name, modifier, word);
        const bool unset = !value || (nullIsUnset && value->isEmpty());
        switch (ch) {
        case u'-':
            return unset ? word : *value;
        case u'+':
            return unset ? QString() : word;
        case u'?':
            if (!value)
                return syntaxError(QStringLiteral("%1: %2").arg(
                    name, word.isEmpty() ? tr("is not allowed to be unset") : word));
            if (unset)
                return syntaxError(QStringLiteral("%1: %2").arg(
                    name, word.isEmpty() ? tr("is not allowed to be empty") : word));
            return *value;
        default: {
            // # trims the shortest matching prefix, ## the longest; % and %% the suffix.
            const QString text = value.value_or(QString());
            bool greedy = false;
            if (!word.isEmpty() && word[0] == QChar(ch)) {
                greedy = true;
                word.remove(0, 1);
            }
            return ch == u'#' ? trimPrefix(word, text, greedy) : trimSuffix(word, text, greedy);
        }
        }
    }

    QString trimPrefix(const QString &pattern, const QString &text, bool greedy) const
    {
        for (qsizetype n = 0; n <= text.size(); ++n) {
            const qsizetype len = greedy ? text.size() - n : n;
            if (m_lex.matchPattern(pattern, text.left(len)))
                return text.mid(len);
        }
        return text;
    }

    QString trimSuffix(const QString &pattern, const QString &text, bool greedy) const
    {
        for (qsizetype n = 0; n <= text.size(); ++n) {
            const qsizetype start = greedy ? n : text.size() - n;
            if (m_lex.matchPattern(pattern, text.mid(start)))
                return text.left(start);
        }
        return text;
    }

    // ${VAR/pattern/replacement} replaces the first (//: every) longest match.
    Result<QString> processReplace(const QString &name)
    {
        const bool all = peek() == u'/';
        if (all)
            next();
        QString pattern;
        Words ignored;
        bool found = false;
        BERTH_TRY(processStopOn(u'/', true, pattern, ignored, found, u'}'));
        QString replacement;
        if (next() == u'/') {
            BERTH_TRY(processStopOn(u'}', false, replacement, ignored, found));
            next(); // }
        }
        const auto value = lookup(name);
        if (!value && m_lex.m_skipUnsetEnv)
            return QStringLiteral("${%1/%2%3/%4}")
                .arg(name, all ? QStringLiteral("/") : QString(), pattern, replacement);
        const QString text = value.value_or(QString());
        if (pattern.isEmpty())
            return text;
        QString out;
        qsizetype pos = 0;
        bool replaced = false;
        while (pos <= text.size()) {
            qsizetype matchEnd = -1;
            if (!replaced || all) {
                for (qsizetype end = text.size(); end >= pos; --end) {
                    if (m_lex.matchPattern(pattern, text.mid(pos, end - pos))) {
                        matchEnd = end;
                        break;
                    }
                }
            }
            if (matchEnd < 0) {
                if (pos < text.size())
                    out += text[pos];
                ++pos;
                continue;
            }
            out += replacement;
            replaced = true;
            if (matchEnd == pos) {
                if (pos < text.size())
                    out += text[pos];
                ++pos;
            } else {
                pos = matchEnd;
            }
        }
        return out;
    }
};

ShellLex::ShellLex(QChar escape) : m_escape(escape) {}

Result<QString> ShellLex::processWord(const QString &word, const Environment &env) const
{
    ShellWord scanner(*this, word, env);
    BERTH_TRY_ASSIGN(auto processed, scanner.process());
    return processed.first;
}

Result<QStringList> ShellLex::processWords(const QString &word, const Environment &env) const
{
    ShellWord scanner(*this, word, env);
    BERTH_TRY_ASSIGN(auto processed, scanner.process());
    return processed.second;
}

bool ShellLex::matchPattern(const QString &pattern, const QString &text) const
{
    return globMatch(pattern, 0, text, 0, m_escape);
}

} // namespace berth::build
