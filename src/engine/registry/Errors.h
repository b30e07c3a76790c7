// The errors a registry returns in the body of a failed request, and how they
// read: the distribution spec's
//   {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown", "detail": ...}]}
// is shown as docker shows it, "manifest unknown: manifest unknown" (the code in
// lower case with spaces, then the message), several joined with "; ".
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace berth::registry {

struct RegistryError
{
    QString code;    // "MANIFEST_UNKNOWN", "UNAUTHORIZED", "DENIED", ...
    QString message; // "manifest unknown"
};

// The errors of a response body; empty when the body holds none (not JSON, or
// another shape such as a token server's {"details": "..."}).
QList<RegistryError> parseRegistryErrors(const QByteArray &body);

// "manifest unknown: manifest unknown"; empty for no errors.
QString describeRegistryErrors(const QList<RegistryError> &errors);

} // namespace berth::registry
