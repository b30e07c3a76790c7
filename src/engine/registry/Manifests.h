// What a registry answers to GET /v2/<name>/manifests/<reference>, told apart.
//
// A pull asks for the four kinds it can use (Accept): an OCI image manifest or
// a Docker schema 2 manifest (one image: a config and layers), or an OCI index
// or a Docker manifest list (one image per platform, see Platform.h). The
// registry says which it sent in Content-Type; some answer with a generic type,
// so the document's own mediaType, schemaVersion and "manifests" list decide
// then. Docker's schema 1 (signed, with v1 compatibility history) is refused:
// Docker removed it and its images carry no config to name them by.
#pragma once

#include "registry/Platform.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace berth::registry {

enum class ManifestKind { Image, Index, Schema1, Unknown };

// The Accept header of a manifest request.
QByteArray manifestAccept();

// The kind of a manifest response; *mediaType gets the type it was recognized
// by (what the store records for an image manifest).
ManifestKind manifestKind(const QString &contentType, const QByteArray &raw, QString *mediaType);

// The entries of an index or manifest list. Corrupt naming `what` when the
// document is not one.
Result<QList<IndexEntry>> parseIndex(const QByteArray &raw, const QString &what);

} // namespace berth::registry
