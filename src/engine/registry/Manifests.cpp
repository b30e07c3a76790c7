// Telling manifest responses apart (see Manifests.h).
#include "registry/Manifests.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace berth::registry {

namespace {

const char Schema1[] = "application/vnd.docker.distribution.manifest.v1+json";
const char Schema1Signed[] = "application/vnd.docker.distribution.manifest.v1+prettyjws";

ManifestKind kindOfType(const QString &type)
{
    using namespace image::mediatype;
    if (type == QLatin1String(OciManifest) || type == QLatin1String(DockerManifest))
        return ManifestKind::Image;
    if (type == QLatin1String(OciIndex) || type == QLatin1String(DockerManifestList))
        return ManifestKind::Index;
    if (type == QLatin1String(Schema1) || type == QLatin1String(Schema1Signed))
        return ManifestKind::Schema1;
    return ManifestKind::Unknown;
}

} // namespace

QByteArray manifestAccept()
{
    using namespace image::mediatype;
    return QByteArray(OciIndex) + ", " + DockerManifestList + ", " + OciManifest + ", " +
           DockerManifest;
}

ManifestKind manifestKind(const QString &contentType, const QByteArray &raw, QString *mediaType)
{
    // "application/vnd.oci.image.manifest.v1+json; charset=utf-8" names the same type.
    const QString type = contentType.section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    ManifestKind kind = kindOfType(type);
    if (kind != ManifestKind::Unknown) {
        *mediaType = type;
        return kind;
    }
    const QJsonObject doc = QJsonDocument::fromJson(raw).object();
    const QString own = doc.value(QLatin1String("mediaType")).toString();
    kind = kindOfType(own);
    if (kind != ManifestKind::Unknown) {
        *mediaType = own;
        return kind;
    }
    const int schemaVersion = doc.value(QLatin1String("schemaVersion")).toInt();
    if (schemaVersion == 1) {
        *mediaType = QLatin1String(Schema1);
        return ManifestKind::Schema1;
    }
    if (schemaVersion != 2)
        return ManifestKind::Unknown;
    // OCI documents may leave mediaType out; their shape tells them apart.
    if (doc.value(QLatin1String("manifests")).isArray()) {
        *mediaType = QLatin1String(image::mediatype::OciIndex);
        return ManifestKind::Index;
    }
    if (doc.value(QLatin1String("config")).isObject() &&
        doc.value(QLatin1String("layers")).isArray()) {
        *mediaType = QLatin1String(image::mediatype::OciManifest);
        return ManifestKind::Image;
    }
    return ManifestKind::Unknown;
}

Result<QList<IndexEntry>> parseIndex(const QByteArray &raw, const QString &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{ErrorCode::Corrupt,
                     tr("%1: the index is not a JSON object: %2").arg(what, err.errorString())};
    const QJsonValue manifests = doc.object().value(QLatin1String("manifests"));
    if (!manifests.isArray())
        return Error{ErrorCode::Corrupt, tr("%1: the index has no \"manifests\" list").arg(what)};
    QList<IndexEntry> entries;
    for (const QJsonValue &v : manifests.toArray()) {
        const QJsonObject o = v.toObject();
        IndexEntry e;
        e.descriptor.mediaType = o.value(QLatin1String("mediaType")).toString();
        e.descriptor.digest = o.value(QLatin1String("digest")).toString();
        e.descriptor.size = o.value(QLatin1String("size")).toInteger();
        if (!isValidDigest(e.descriptor.digest))
            return Error{ErrorCode::Corrupt,
                         tr("%1: manifest entry %2 has an invalid digest \"%3\"")
                             .arg(what)
                             .arg(entries.size() + 1)
                             .arg(e.descriptor.digest)};
        const QJsonObject p = o.value(QLatin1String("platform")).toObject();
        e.platform.os = p.value(QLatin1String("os")).toString();
        e.platform.architecture = p.value(QLatin1String("architecture")).toString();
        e.platform.variant = p.value(QLatin1String("variant")).toString();
        entries << e;
    }
    return entries;
}

} // namespace berth::registry
