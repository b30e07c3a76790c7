// ShellLex: word expansion in Dockerfile instructions, as Docker's/BuildKit's shell lexer.
//
// A Dockerfile is not run by a shell, yet ENV, COPY, WORKDIR, FROM ... take words that are
// quoted and expanded the way a POSIX shell would: 'single quotes' are literal, "double
// quotes" expand $VAR, the escape character (\ or ` after `# escape=`) makes the next
// character literal, and ${VAR:-word} / ${VAR:+word} / ${VAR-word} / ${VAR+word} /
// ${VAR?msg} / ${VAR:?msg} / ${VAR#pat} / ${VAR%pat} / ${VAR/pat/repl} work on the build's
// variables (ENV and ARG), never on the host's. No command substitution, no globbing.
//
//   ShellLex lex;                        // escape character '\'
//   Environment env; env.set("PWD", "/home");
//   lex.processWord("he${PWD}", env)     -> "he/home"
//   lex.processWords("a \"b c\" $PWD", env) -> {"a", "b c", "/home"}
//
// processWord keeps white space (ENV values, WORKDIR); processWords splits unquoted text and
// unquoted expansions into fields (the words of EXPOSE, heredoc markers).
#pragma once

#include "util/Result.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace berth::build {

// Build-time variables in declaration order (ENV and ARG); a later set() of the same name
// replaces the value in place, as the image config's Env list does.
class Environment
{
public:
    void set(const QString &name, const QString &value);
    std::optional<QString> value(const QString &name, bool caseInsensitive = false) const;
    bool contains(const QString &name) const { return value(name).has_value(); }
    const QList<QPair<QString, QString>> &entries() const { return m_entries; }
    // "NAME=value" strings, the form of an image config's Env.
    QStringList toList() const;

private:
    QList<QPair<QString, QString>> m_entries;
};

class ShellLex
{
public:
    explicit ShellLex(QChar escape = u'\\');

    QChar escapeToken() const { return m_escape; }
    // Keep quote characters in the output (heredoc marker detection needs to see them).
    void setRawQuotes(bool on) { m_rawQuotes = on; }
    // Keep escape characters in the output.
    void setRawEscapes(bool on) { m_rawEscapes = on; }
    // Leave references to unset variables as written instead of expanding them to "".
    void setSkipUnsetEnv(bool on) { m_skipUnsetEnv = on; }
    // Windows images look variables up without regard to case.
    void setCaseInsensitiveEnv(bool on) { m_caseInsensitive = on; }

    Result<QString> processWord(const QString &word, const Environment &env) const;
    Result<QStringList> processWords(const QString &word, const Environment &env) const;

    // Whether text matches a shell pattern (* ? [...] and the escape character), the
    // matching ${VAR#pat}, ${VAR%pat} and ${VAR/pat/repl} use.
    bool matchPattern(const QString &pattern, const QString &text) const;

private:
    QChar m_escape;
    bool m_rawQuotes = false;
    bool m_rawEscapes = false;
    bool m_skipUnsetEnv = false;
    bool m_caseInsensitive = false;

    friend class ShellWord;
};

} // namespace berth::build
