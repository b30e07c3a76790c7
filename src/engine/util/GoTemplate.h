// The subset of Go's text/template that `docker ... --format` uses, run over a
// json::Value, so every `--format` from a Docker tutorial works with Berth.
//
// Supported: text, {{.Field.Sub}}, {{.}}, {{$}}, variables ($x := …, $x = …),
// pipelines with |, parenthesised sub-pipelines, string/raw-string/number/bool
// literals, {{if}}/{{else if}}/{{else}}/{{end}}, {{range}} over arrays and objects
// (sorted keys, as Go ranges over maps) with {{range $i, $e := …}}, {{with}},
// {{- and -}} trimming, {{/* comments */}}, and the functions docker and Go
// provide: json, join, index, len, upper, lower, title, split, truncate, pad,
// printf, print, println, eq, ne, lt, le, gt, ge, and, or, not.
//
// Output follows Go: a missing or null value prints "<no value>", objects print as
// map[k:v …] with sorted keys, arrays as [a b c], numbers as written.
//
//   auto t = GoTemplate::parse("{{range .RepoTags}}{{.}} {{end}}");
//   QString line = t->execute(image).value();
#pragma once

#include "util/Json.h"
#include "util/Result.h"

#include <QString>

#include <memory>

namespace berth {

class GoTemplate
{
public:
    // Errors carry Go's "template: :line:col: …" prefix.
    static Result<GoTemplate> parse(const QString &text);
    Result<QString> execute(const json::Value &dot) const;

    struct Node;

private:
    GoTemplate() = default;

    QString m_source;
    std::shared_ptr<const Node> m_root; // immutable once parsed, so copies share it
};

} // namespace berth
