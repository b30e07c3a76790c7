// Registry authentication, the parts that are plain text: challenges and tokens.
//
// A registry that wants credentials answers 401 with a challenge:
//   WWW-Authenticate: Basic realm="Registry Realm"
//   WWW-Authenticate: Bearer realm="https://auth.docker.io/token",
//                     service="registry.docker.io",scope="repository:library/busybox:pull"
// Basic means: send the user name and password with every request. Bearer means:
// ask the token server at `realm` for a token good for `service` and one or more
// scopes (GET realm?service=...&scope=..., with Basic credentials when there are
// any, anonymously otherwise), then send "Authorization: Bearer <token>" until
// the token expires (expires_in seconds, 60 when unsaid) and fetch a new one.
// Scopes are per repository and action: "repository:library/busybox:pull".
#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

namespace berth::registry {

struct Challenge
{
    QString scheme;                // lower case: "basic", "bearer"
    QMap<QString, QString> params; // names lower case: realm, service, scope, error, ...

    QString param(const QString &name) const { return params.value(name); }
};

// The challenges of a WWW-Authenticate value (RFC 7235: several may share one
// header, separated by commas; values are tokens or quoted strings).
QList<Challenge> parseChallenges(const QByteArray &header);

struct Token
{
    QString value;
    QDateTime expires; // UTC
};

// The token server's answer: {"token": ...} or {"access_token": ...} (OAuth's
// name; both appear in the wild), "expires_in" seconds. Tokens are given at
// least 60 seconds, as the distribution spec says clients should assume.
// Expiry is counted from `now` on the local clock, not the server's issued_at,
// so a skewed clock cannot make every token look expired.
Result<Token> parseTokenResponse(const QByteArray &body, const QDateTime &now, const QString &what);

// "repository:<path>:pull".
QString pullScope(const QString &repositoryPath);

} // namespace berth::registry
