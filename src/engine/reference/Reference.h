// Image references: the `[registry[:port]/][namespace/]repo[:tag][@digest]` strings
// people type, parsed and normalized by docker's rules (distribution/reference) so
// that `busybox`, `library/busybox` and `docker.io/library/busybox` name one image.
//
//   auto ref = Reference::parse("busybox");          // docker.io / library/busybox
//   ref->withDefaultTag().string();                  // "docker.io/library/busybox:latest"
//   ref->familiarString();                           // "busybox"
//
// The store keeps full strings; the CLI and GUI show familiar ones.
#pragma once

#include "util/Result.h"

#include <QString>

namespace berth::reference {

struct Reference
{
    QString domain; // "docker.io", "localhost:5000", "[::1]:5000"
    QString path;   // "library/busybox"
    QString tag;    // empty when not given
    QString digest; // "sha256:<hex>", empty when not given

    // Parses and normalizes like docker's ParseNormalizedNamed. Errors are
    // ErrorCode::InvalidArgument with docker's wording ("invalid reference format...").
    static Result<Reference> parse(const QString &s);

    // domain/path: "docker.io/library/busybox".
    QString name() const;
    // The name as docker shows it: "busybox", "user/x", "localhost:5000/x".
    QString familiarName() const;
    // name()[:tag][@digest].
    QString string() const;
    // familiarName()[:tag][@digest].
    QString familiarString() const;
    // The same reference with tag "latest" when it has neither tag nor digest.
    Reference withDefaultTag() const;
    bool isNameOnly() const { return tag.isEmpty() && digest.isEmpty(); }

    bool operator==(const Reference &other) const = default;
};

// Whether ref matches a `docker images REPOSITORY[:TAG]` / `--filter reference=`
// pattern: a path.Match glob tried on the familiar string and name (docker's
// FamiliarMatch) and on the full string and name, so "busybox", "busy*",
// "busybox:1.*" and "docker.io/library/busybox" all select busybox:1.36.
bool matchesPattern(const Reference &ref, const QString &pattern);

// Go's path.Match: '*' and '?' never match '/', '[...]' classes with ranges and
// '^' negation, '\\' escapes. A malformed pattern matches nothing.
bool globMatch(const QString &pattern, const QString &name);

} // namespace berth::reference
