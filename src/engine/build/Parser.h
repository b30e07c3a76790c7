// Parser: Dockerfile text -> syntax tree, the first stage of a build.
//
// The tree is BuildKit's: one Node per instruction with its lower-case name, its --flags,
// its arguments as the instruction's line parser split them, the logical line it came from
// (continuations joined), its start and end lines and its heredocs. Nothing is expanded
// here ($VAR stays as written); Instructions.h turns nodes into typed instructions and
// expands them when a stage runs.
//
//   # syntax=docker/dockerfile:1     parser directives: only at the very top, each once
//   FROM alpine AS base              -> (from "alpine" "AS" "base")
//   RUN apk add \                    continuation lines are joined
//       curl                         -> (run "apk add     curl")
//   ENV A=1 B="2 3"                  -> (env "A" "1" "=" "B" "\"2 3\"" "=")
//   CMD ["sh", "-c", "x"]            exec form (JSON); invalid JSON falls back to shell form
//   COPY <<EOF /hello                heredoc: the lines up to EOF are the node's heredoc
//   hello
//   EOF
//
// dump() prints the tree in BuildKit's test format so it can be checked against BuildKit's
// own expectations.
#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace berth::build {

struct Heredoc
{
    QString name;           // the terminator word, quotes removed
    int fileDescriptor = 0; // the digits before << (RUN 3<<EOF); 0 when none
    bool expand = true;     // false when any part of the marker was quoted: content is literal
    bool chomp = false;     // <<-EOF: leading tabs are stripped from content and terminator
    QString content;        // the lines between marker and terminator, each ending in \n
};

struct Node
{
    QString name;              // instruction name in lower case: "run", "copy", ...
    QString typedName;         // the name as written ("Run"), for messages
    QStringList flags;         // --flags as written, in order ("--from=build")
    QStringList args;          // arguments; ENV/LABEL as key, value, separator triples
    bool json = false;         // arguments came from a JSON array (exec form)
    std::shared_ptr<Node> sub; // the instruction ONBUILD wraps
    QList<Heredoc> heredocs;   // in line order; an ONBUILD node holds its trigger's
    QString original;          // the logical line, continuations joined
    int startLine = 0;
    int endLine = 0;
    QStringList comments; // comment lines directly above the instruction

    // "(name [flags] "arg" ...)" as BuildKit's Node.Dump prints it, without the parentheses.
    QString dump() const;
};

struct ParseWarning
{
    QString message;
    int line = 0;
};

struct Dockerfile
{
    QList<Node> nodes;
    QChar escapeToken = u'\\';
    QString syntax; // the # syntax= directive, empty when absent
    QString check;  // the # check= directive
    QList<ParseWarning> warnings;

    // One "(instruction ...)" line per node, BuildKit's AST dump.
    QString dump() const;
};

// Parses a Dockerfile. fileName only prefixes errors: "Dockerfile:3: unterminated heredoc".
Result<Dockerfile> parseDockerfile(const QByteArray &data,
                                   const QString &fileName = QStringLiteral("Dockerfile"));

// Go's strconv.Quote, the quoting of the dump format.
QString goQuote(const QString &text);

} // namespace berth::build
