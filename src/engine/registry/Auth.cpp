// Challenge and token parsing (see Auth.h).
#include "registry/Auth.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace berth::registry {

namespace {

// RFC 7230 tchar: what a scheme, a parameter name or an unquoted value is made of.
bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           QByteArray("!#$%&'*+-.^_`|~/:").contains(c);
}

class Scanner
{
public:
    explicit Scanner(const QByteArray &text) : m_text(text) {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    void skipSpaces()
    {
        while (!atEnd() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    void skipSpacesAndCommas()
    {
        while (!atEnd() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == ','))
            ++m_pos;
    }
    bool accept(char c)
    {
        skipSpaces();
        if (atEnd() || m_text[m_pos] != c)
            return false;
        ++m_pos;
        return true;
    }
    QByteArray token()
    {
        skipSpaces();
        const qsizetype start = m_pos;
        while (!atEnd() && isTokenChar(m_text[m_pos]))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }
    // A token or a quoted string (with its backslash escapes undone).
    QByteArray value()
    {
        skipSpaces();
        if (atEnd() || m_text[m_pos] != '"') {
            // token68 values (base64) may end in '='.
            QByteArray v = token();
            while (!atEnd() && m_text[m_pos] == '=')
                v += m_text[m_pos++];
            return v;
        }
        ++m_pos;
        QByteArray v;
        while (!atEnd() && m_text[m_pos] != '"') {
            if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size())
                ++m_pos;
            v += m_text[m_pos++];
        }
        ++m_pos; // the closing quote (or past the end of an unterminated string)
        return v;
    }
    // Whether a "name=" parameter comes next (and not the next challenge's scheme).
    bool paramAhead() const
    {
        qsizetype p = m_pos;
        while (p < m_text.size() && (m_text[p] == ' ' || m_text[p] == '\t'))
            ++p;
        const qsizetype start = p;
        while (p < m_text.size() && isTokenChar(m_text[p]))
            ++p;
        if (p == start)
            return false;
        while (p < m_text.size() && (m_text[p] == ' ' || m_text[p] == '\t'))
            ++p;
        return p < m_text.size() && m_text[p] == '=';
    }
    qsizetype position() const { return m_pos; }

private:
    const QByteArray &m_text;
    qsizetype m_pos = 0;
};

} // namespace

QList<Challenge> parseChallenges(const QByteArray &header)
{
    QList<Challenge> out;
    Scanner s(header);
    for (;;) {
        s.skipSpacesAndCommas();
        if (s.atEnd())
            break;
        const qsizetype before = s.position();
        Challenge c;
        c.scheme = QString::fromLatin1(s.token()).toLower();
        if (c.scheme.isEmpty()) {
            // Not a challenge: skip one character so a stray byte cannot loop forever.
            if (s.position() == before)
                (void)s.value();
            if (s.position() == before)
                break;
            continue;
        }
        while (s.paramAhead()) {
            const QString name = QString::fromLatin1(s.token()).toLower();
            s.accept('=');
            c.params.insert(name, QString::fromUtf8(s.value()));
            if (!s.accept(','))
                break;
        }
        out << c;
    }
    return out;
}

Result<Token> parseTokenResponse(const QByteArray &body, const QDateTime &now, const QString &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{
            ErrorCode::Unauthorized,
            tr("%1: the token server's answer is not JSON: %2").arg(what, err.errorString())};
    const QJsonObject o = doc.object();
    Token t;
    t.value = o.value(QLatin1String("token")).toString();
    if (t.value.isEmpty())
        t.value = o.value(QLatin1String("access_token")).toString();
    if (t.value.isEmpty())
        return Error{ErrorCode::Unauthorized,
                     tr("%1: the token server's answer holds no token").arg(what)};
    constexpr qint64 MinimumLifetime = 60;
    const qint64 lifetime =
        std::max<qint64>(MinimumLifetime, o.value(QLatin1String("expires_in")).toInteger());
    t.expires = now.toUTC().addSecs(lifetime);
    return t;
}

QString pullScope(const QString &repositoryPath)
{
    return QStringLiteral("repository:%1:pull").arg(repositoryPath);
}

} // namespace berth::registry
