// Dockerignore: .dockerignore reading and matching (see Dockerignore.h), with the rules of
// moby's patternmatcher that docker build uses.
#include "build/Dockerignore.h"

namespace berth::build {

QString cleanPath(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral(".");
    const bool rooted = path.startsWith(u'/');
    QStringList out;
    for (const QString &part : path.split(u'/', Qt::SkipEmptyParts)) {
        if (part == u".")
            continue;
        if (part == u"..") {
            if (!out.isEmpty() && out.last() != u"..")
                out.removeLast();
            else if (!rooted)
                out << part;
            continue;
        }
        out << part;
    }
    const QString joined = out.join(u'/');
    if (rooted)
        return u'/' + joined;
    return joined.isEmpty() ? QStringLiteral(".") : joined;
}

QStringList readDockerignore(const QByteArray &data)
{
    QString text = QString::fromUtf8(data);
    if (text.startsWith(QChar(0xfeff)))
        text.remove(0, 1);
    QStringList patterns;
    for (QString line : text.split(u'\n')) {
        // Comments are recognised before trimming: " # x" is a pattern.
        if (line.startsWith(u'#'))
            continue;
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        const bool exception = line.startsWith(u'!');
        if (exception)
            line = line.mid(1).trimmed();
        if (!line.isEmpty()) {
            line = cleanPath(line);
            if (line.size() > 1 && line.startsWith(u'/'))
                line.remove(0, 1);
        }
        patterns << (exception ? u'!' + line : line);
    }
    return patterns;
}

namespace {

// The pattern as an anchored regular expression: * and ? stop at /, ** crosses
// directories, [classes] pass through, \ quotes the next character.
QString patternToRegex(const QString &pattern)
{
    QString regex = QStringLiteral("^");
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar ch = pattern[i];
        if (ch == u'*') {
            if (i + 1 < pattern.size() && pattern[i + 1] == u'*') {
                ++i;
                // "**/" is the same as "**".
                if (i + 1 < pattern.size() && pattern[i + 1] == u'/')
                    ++i;
                if (i + 1 == pattern.size())
                    regex += QStringLiteral(".*");
                else
                    regex += QStringLiteral("(.*/)?");
            } else {
                regex += QStringLiteral("[^/]*");
            }
        } else if (ch == u'?') {
            regex += QStringLiteral("[^/]");
        } else if (ch == u'\\') {
            if (i + 1 < pattern.size())
                regex += QRegularExpression::escape(QString(pattern[++i]));
            else
                regex += QStringLiteral("\\\\");
        } else if (ch == u'[' || ch == u']' || ch == u'^' || ch == u'-') {
            regex += ch;
        } else {
            regex += QRegularExpression::escape(QString(ch));
        }
    }
    regex += u'$';
    return regex;
}

} // namespace

Result<IgnoreMatcher> IgnoreMatcher::create(const QStringList &patterns)
{
    IgnoreMatcher matcher;
    for (QString text : patterns) {
        text = text.trimmed();
        if (text.isEmpty())
            continue;
        text = cleanPath(text);
        Pattern pattern;
        if (text.startsWith(u'!')) {
            if (text.size() == 1)
                return makeError(ErrorCode::InvalidArgument,
                                 tr(".dockerignore: illegal exclusion pattern: \"!\""));
            pattern.exception = true;
            matcher.m_hasExceptions = true;
            text = text.mid(1);
        }
        pattern.text = text;
        pattern.regex = QRegularExpression(patternToRegex(text),
                                           QRegularExpression::DotMatchesEverythingOption);
        if (!pattern.regex.isValid())
            return makeError(ErrorCode::InvalidArgument,
                             tr(".dockerignore: pattern %1: syntax error in pattern").arg(text));
        matcher.m_patterns << pattern;
    }
    return matcher;
}

bool IgnoreMatcher::matches(const QString &path) const
{
    const QString file = cleanPath(path);
    const qsizetype slash = file.lastIndexOf(u'/');
    const QStringList parents =
        slash < 0 ? QStringList() : file.left(slash).split(u'/', Qt::SkipEmptyParts);
    bool matched = false;
    for (const Pattern &pattern : m_patterns) {
        // Only a pattern that can change the answer is worth testing.
        if (pattern.exception != matched)
            continue;
        bool match = pattern.regex.match(file).hasMatch();
        for (qsizetype i = 0; !match && i < parents.size(); ++i)
            match = pattern.regex.match(parents.mid(0, i + 1).join(u'/')).hasMatch();
        if (match)
            matched = !pattern.exception;
    }
    return matched;
}

} // namespace berth::build
