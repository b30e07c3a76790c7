// Dockerignore: which files of the build context are left out, as Docker decides it.
//
// A .dockerignore holds one pattern per line, read in order; the last pattern that matches
// a path decides, so a later "!pattern" brings back what an earlier one excluded:
//
//   # comment (only when # is the first character)
//   *.log           excludes top-level .log files
//   **/*.tmp        any .tmp at any depth (** matches any number of directories)
//   /build          a leading / or ./ is ignored: the root is the context
//   !build/keep     an exception
//
// Patterns are cleaned like Go's path.Clean. A pattern that matches a directory also
// excludes everything inside it (unless a later exception brings parts back).
#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace berth::build {

// The patterns of a .dockerignore file, cleaned, in order; exceptions keep their "!".
QStringList readDockerignore(const QByteArray &data);

// Go's path.Clean for slash-separated paths.
QString cleanPath(const QString &path);

class IgnoreMatcher
{
public:
    // Fails for a lone "!" or a malformed [ ] class.
    static Result<IgnoreMatcher> create(const QStringList &patterns);

    // Whether a context-relative path ("dir/file", no leading /) is excluded: the path
    // itself or one of its parent directories matches.
    bool matches(const QString &path) const;
    // Whether any pattern is an exception: then an excluded directory must still be walked,
    // since a file inside it may be brought back.
    bool hasExceptions() const { return m_hasExceptions; }

private:
    struct Pattern
    {
        QString text;
        bool exception = false;
        QRegularExpression regex;
    };
    QList<Pattern> m_patterns;
    bool m_hasExceptions = false;
};

} // namespace berth::build
