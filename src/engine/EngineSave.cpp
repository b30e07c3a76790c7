// `save`: one tar holding the named images in Docker 25's archive layout, an
// OCI image layout (oci-layout, index.json, blobs/sha256/...) plus the
// manifest.json that Docker 20.10's loader and skopeo's docker-archive read.
// Blobs are copied straight from the content store, so image IDs, diffIDs and
// digests survive a save/load round trip byte for byte.
#include "Engine.h"

#include "reference/Reference.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace berth {

namespace {

struct TarOut
{
    Writer *out = nullptr;
    std::optional<Error> error;

    static la_ssize_t writeCallback(struct archive *a, void *self, const void *buf, size_t n)
    {
        auto *t = static_cast<TarOut *>(self);
        Status st = t->out->write(static_cast<const char *>(buf), static_cast<qint64>(n));
        if (!st.ok()) {
            t->error = st.error();
            archive_set_error(a, EIO, "write failed");
            return -1;
        }
        return static_cast<la_ssize_t>(n);
    }
};

class TarWriter
{
public:
    explicit TarWriter(Writer &out)
    {
        m_sink.out = &out;
        m_a = archive_write_new();
        archive_write_set_format_pax_restricted(m_a);
        archive_write_set_bytes_per_block(m_a, 0);
        archive_write_open(m_a, &m_sink, nullptr, &TarOut::writeCallback, nullptr);
        m_entry = archive_entry_new();
    }
    ~TarWriter()
    {
        archive_entry_free(m_entry);
        archive_write_free(m_a);
    }

    Status dir(const QString &path)
    {
        header(path, AE_IFDIR | 0755, 0);
        return check(archive_write_header(m_a, m_entry), path);
    }

    Status file(const QString &path, const QByteArray &data)
    {
        header(path, AE_IFREG | 0644, data.size());
        BERTH_TRY(check(archive_write_header(m_a, m_entry), path));
        if (!data.isEmpty() && archive_write_data(m_a, data.constData(), data.size()) < 0)
            return fail(path);
        return {};
    }

    Status fileFrom(const QString &path, const QString &source, qint64 size,
                    const Progress &progress)
    {
        const int fd = ::open(QFile::encodeName(source).constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return Error::fromErrno(errno, tr("open"), source);
        auto closeFd = qScopeGuard([&] { ::close(fd); });
        header(path, AE_IFREG | 0644, size);
        BERTH_TRY(check(archive_write_header(m_a, m_entry), path));
        QByteArray buf(1 << 20, Qt::Uninitialized);
        qint64 left = size;
        while (left > 0) {
            if (progress.cancelled())
                return cancelledError(tr("save"));
            const ssize_t n =
                ::read(fd, buf.data(), static_cast<size_t>(std::min<qint64>(left, buf.size())));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return Error::fromErrno(errno, tr("read"), source);
            if (n == 0)
                return Error{ErrorCode::Corrupt,
                             tr("read %1: blob is shorter than recorded").arg(source)};
            if (archive_write_data(m_a, buf.constData(), static_cast<size_t>(n)) < 0)
                return fail(path);
            left -= n;
            m_done += n;
            if (progress.onBytes)
                progress.onBytes(m_done);
        }
        return {};
    }

    Status close()
    {
        if (archive_write_close(m_a) != ARCHIVE_OK)
            return fail(tr("end of archive"));
        return {};
    }

private:
    void header(const QString &path, unsigned mode, qint64 size)
    {
        archive_entry_clear(m_entry);
        archive_entry_set_pathname_utf8(m_entry, path.toUtf8().constData());
        archive_entry_set_filetype(m_entry, mode & AE_IFMT);
        archive_entry_set_perm(m_entry, mode & 07777);
        archive_entry_set_size(m_entry, size);
        archive_entry_set_mtime(m_entry, 0, 0);
    }
    Status check(int rc, const QString &what) { return rc < ARCHIVE_WARN ? fail(what) : Status{}; }
    Status fail(const QString &what)
    {
        if (m_sink.error)
            return m_sink.error->prefixed(tr("save"));
        return Error{
            ErrorCode::Io,
            tr("save: write %1: %2").arg(what, QString::fromLocal8Bit(archive_error_string(m_a)))};
    }

    TarOut m_sink;
    struct archive *m_a = nullptr;
    struct archive_entry *m_entry = nullptr;
    qint64 m_done = 0;
};

} // namespace

Status Engine::save(const QStringList &names, Writer &out, const Progress &progress)
{
    struct Item
    {
        QString id;
        store::ImageRecord record;
        QStringList tags; // full references
    };
    QList<Item> items;
    for (const QString &name : names) {
        BERTH_TRY_ASSIGN(const QString id, resolveImage(name));
        QString tag;
        auto ref = reference::Reference::parse(name);
        if (ref.ok() && ref->digest.isEmpty() && !name.startsWith(QLatin1String("sha256:"))) {
            const QString full = ref->withDefaultTag().string();
            BERTH_TRY_ASSIGN(const auto tagged, m_meta->imageForTag(full));
            if (tagged && *tagged == id)
                tag = full;
        }
        auto it =
            std::find_if(items.begin(), items.end(), [&](const Item &i) { return i.id == id; });
        if (it == items.end()) {
            BERTH_TRY_ASSIGN(const auto rec, m_meta->image(id));
            if (!rec)
                return Error{ErrorCode::NotFound, tr("No such image: %1").arg(name)};
            items << Item{id, *rec, {}};
            it = items.end() - 1;
        }
        if (!tag.isEmpty() && !it->tags.contains(tag))
            it->tags << tag;
    }

    TarWriter tar(out);
    BERTH_TRY(tar.dir(QStringLiteral("blobs/")));
    BERTH_TRY(tar.dir(QStringLiteral("blobs/sha256/")));
    QSet<QString> written;
    QJsonArray indexManifests;
    QJsonArray dockerManifest;
    for (const Item &item : items) {
        BERTH_TRY_ASSIGN(const QByteArray manifestRaw,
                         m_content->readBlob(item.record.manifestDigest));
        BERTH_TRY_ASSIGN(
            const image::Manifest manifest,
            image::Manifest::parse(manifestRaw, tr("image %1").arg(digestHex(item.id).left(12))));
        QJsonArray layerPaths;
        for (const image::Descriptor &d : manifest.layers) {
            const QString path = QStringLiteral("blobs/sha256/") + digestHex(d.digest);
            layerPaths.append(path);
            if (written.contains(d.digest))
                continue;
            BERTH_TRY_ASSIGN(const qint64 size, m_content->blobSize(d.digest));
            BERTH_TRY(tar.fileFrom(path, m_content->blobPath(d.digest), size, progress));
            written.insert(d.digest);
        }
        for (const Digest &d : {manifest.config.digest, item.record.manifestDigest}) {
            if (written.contains(d))
                continue;
            BERTH_TRY_ASSIGN(const QByteArray data, m_content->readBlob(d));
            BERTH_TRY(tar.file(QStringLiteral("blobs/sha256/") + digestHex(d), data));
            written.insert(d);
        }
        QJsonArray repoTags;
        const QJsonObject desc{{QStringLiteral("mediaType"), item.record.manifestMediaType},
                               {QStringLiteral("digest"), item.record.manifestDigest},
                               {QStringLiteral("size"), item.record.manifestSize}};
        for (const QString &t : item.tags) {
            const auto ref = reference::Reference::parse(t);
            QJsonObject d = desc;
            d.insert(QStringLiteral("annotations"),
                     QJsonObject{{QStringLiteral("io.containerd.image.name"), t},
                                 {QStringLiteral("org.opencontainers.image.ref.name"),
                                  ref.ok() ? ref->tag : t}});
            indexManifests.append(d);
            repoTags.append(familiarReference(t));
        }
        if (item.tags.isEmpty())
            indexManifests.append(desc);
        QJsonObject entry{{QStringLiteral("Config"),
                           QStringLiteral("blobs/sha256/") + digestHex(manifest.config.digest)},
                          {QStringLiteral("Layers"), layerPaths}};
        entry.insert(QStringLiteral("RepoTags"),
                     item.tags.isEmpty() ? QJsonValue() : QJsonValue(repoTags));
        dockerManifest.append(entry);
    }
    const QJsonObject index{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QLatin1String(image::mediatype::OciIndex)},
        {QStringLiteral("manifests"), indexManifests}};
    BERTH_TRY(tar.file(QStringLiteral("index.json"),
                       QJsonDocument(index).toJson(QJsonDocument::Compact) + '\n'));
    BERTH_TRY(tar.file(QStringLiteral("manifest.json"),
                       QJsonDocument(dockerManifest).toJson(QJsonDocument::Compact) + '\n'));
    BERTH_TRY(tar.file(QStringLiteral("oci-layout"),
                       QByteArrayLiteral("{\"imageLayoutVersion\":\"1.0.0\"}")));
    BERTH_TRY(tar.close());
    for (const Item &item : items)
        (void)recordEvent(QStringLiteral("save"), item.id,
                          item.tags.isEmpty() ? QString() : familiarReference(item.tags.first()));
    return {};
}

} // namespace berth
