// The content-addressed blob store on an OCI image layout (see ContentStore.h).
#include "content/ContentStore.h"

#include "util/FileLock.h"
#include "util/Fs.h"
#include "util/Json.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::content {

namespace {

const QString refNameAnnotation = QStringLiteral("org.opencontainers.image.ref.name");
const QString indexMediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");

QByteArray native(const QString &path)
{
    return QFile::encodeName(path);
}

Error invalidDigestError(const QString &operation, const Digest &digest)
{
    return makeError(ErrorCode::InvalidArgument,
                     tr("%1 %2: not a valid sha256 digest").arg(operation, digest));
}

Result<QList<IndexEntry>> parseIndex(const QByteArray &data, const QString &path)
{
    auto doc = json::Value::parse(data);
    if (!doc.ok())
        return makeError(ErrorCode::Corrupt,
                         tr("read image index %1: %2").arg(path, doc.error().message));
    if (!doc->isObject() || !doc->value(QStringLiteral("manifests")).isArray()) {
        if (doc->isObject() && !doc->contains(QStringLiteral("manifests")))
            return QList<IndexEntry>{};
        return makeError(ErrorCode::Corrupt,
                         tr("read image index %1: \"manifests\" is not a list").arg(path));
    }
    QList<IndexEntry> entries;
    const json::Value &manifests = doc->value(QStringLiteral("manifests"));
    for (qsizetype i = 0; i < manifests.size(); ++i) {
        const json::Value &m = manifests.at(i);
        IndexEntry e;
        e.digest = m.value(QStringLiteral("digest")).toString();
        e.size = m.value(QStringLiteral("size")).toInt64();
        e.mediaType = m.value(QStringLiteral("mediaType")).toString();
        e.refName = m.value(QStringLiteral("annotations")).value(refNameAnnotation).toString();
        if (!isValidDigest(e.digest))
            return makeError(ErrorCode::Corrupt,
                             tr("read image index %1: manifest %2 has an invalid digest \"%3\"")
                                 .arg(path)
                                 .arg(i)
                                 .arg(e.digest));
        entries.append(e);
    }
    return entries;
}

QByteArray serializeIndex(const QList<IndexEntry> &entries)
{
    json::Value manifests = json::Value::array();
    for (const IndexEntry &e : entries) {
        json::Value m = json::Value::object();
        m.insert(QStringLiteral("mediaType"), e.mediaType);
        m.insert(QStringLiteral("digest"), e.digest);
        m.insert(QStringLiteral("size"), e.size);
        if (!e.refName.isEmpty()) {
            json::Value annotations = json::Value::object();
            annotations.insert(refNameAnnotation, e.refName);
            m.insert(QStringLiteral("annotations"), annotations);
        }
        manifests.append(m);
    }
    json::Value doc = json::Value::object();
    doc.insert(QStringLiteral("schemaVersion"), 2);
    doc.insert(QStringLiteral("mediaType"), indexMediaType);
    doc.insert(QStringLiteral("manifests"), manifests);
    return doc.serialize();
}

} // namespace

struct ContentStore::Ingest::Impl
{
    QString blobDir;
    QString tmpPath;
    int fd = -1;
    Sha256 hash;
    qint64 bytes = 0;
    bool finished = false;
};

ContentStore::ContentStore(QString ociDir, QString tmpDir)
    : m_ociDir(std::move(ociDir)), m_tmpDir(std::move(tmpDir))
{
}

QString ContentStore::indexPath() const
{
    return m_ociDir + QStringLiteral("/index.json");
}

QString ContentStore::indexLockPath() const
{
    return m_tmpDir + QStringLiteral("/index.json.lock");
}

Status ContentStore::init()
{
    BERTH_TRY(fs::makeDirs(m_ociDir + QStringLiteral("/blobs/sha256")));
    BERTH_TRY(fs::makeDirs(m_tmpDir, 0700));
    const QString layoutPath = m_ociDir + QStringLiteral("/oci-layout");
    if (!fs::exists(layoutPath))
        BERTH_TRY(fs::writeFileAtomic(layoutPath,
                                      QByteArrayLiteral(R"({"imageLayoutVersion":"1.0.0"})")));
    if (fs::exists(indexPath()))
        return {};
    // Another process may be creating the index too; the lock makes one of them do it.
    BERTH_TRY_ASSIGN(FileLock lock, FileLock::acquire(indexLockPath()));
    if (fs::exists(indexPath()))
        return {};
    return writeIndexLocked({});
}

QString ContentStore::blobPath(const Digest &digest) const
{
    return m_ociDir + QStringLiteral("/blobs/sha256/") + digestHex(digest);
}

bool ContentStore::has(const Digest &digest) const
{
    return isValidDigest(digest) && fs::exists(blobPath(digest));
}

Result<qint64> ContentStore::blobSize(const Digest &digest) const
{
    if (!isValidDigest(digest))
        return invalidDigestError(tr("stat blob"), digest);
    struct stat st;
    if (::stat(native(blobPath(digest)).constData(), &st) != 0)
        return Error::fromErrno(errno, tr("stat blob"), digest);
    return qint64(st.st_size);
}

Result<QByteArray> ContentStore::readBlob(const Digest &digest, bool verify) const
{
    if (!isValidDigest(digest))
        return invalidDigestError(tr("read blob"), digest);
    auto data = fs::readFile(blobPath(digest));
    if (!data.ok())
        return data.error().prefixed(tr("read blob %1").arg(digest));
    if (verify) {
        const Digest actual = Sha256::of(*data);
        if (actual != digest)
            return makeError(
                ErrorCode::Corrupt,
                tr("read blob %1: content is corrupt, its digest is %2").arg(digest, actual));
    }
    return data;
}

Result<Digest> ContentStore::writeBlob(const QByteArray &data, const Digest &expected)
{
    if (!expected.isEmpty() && has(expected)) {
        // Already stored; still refuse bytes that are not the blob the caller named.
        const Digest actual = Sha256::of(data);
        if (actual != expected)
            return makeError(ErrorCode::Corrupt,
                             tr("write blob %1: digest mismatch, the content has digest %2")
                                 .arg(expected, actual));
        return actual;
    }
    BERTH_TRY_ASSIGN(auto ingest, beginIngest());
    BERTH_TRY(ingest->write(data.constData(), data.size()));
    return ingest->commit(expected, data.size());
}

Status ContentStore::removeBlob(const Digest &digest)
{
    if (!isValidDigest(digest))
        return invalidDigestError(tr("remove blob"), digest);
    const QString path = blobPath(digest);
    // A blob already gone is what the caller wants; GC runs may race.
    if (::unlink(native(path).constData()) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, tr("remove blob"), path);
    return fs::syncDir(m_ociDir + QStringLiteral("/blobs/sha256"));
}

QList<Digest> ContentStore::allBlobs() const
{
    QList<Digest> out;
    const QStringList names =
        QDir(m_ociDir + QStringLiteral("/blobs/sha256")).entryList(QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const Digest d = QStringLiteral("sha256:") + name;
        if (isValidDigest(d))
            out.append(d);
    }
    return out;
}

Result<std::unique_ptr<ContentStore::Ingest>> ContentStore::beginIngest()
{
    std::unique_ptr<Ingest> ingest(new Ingest);
    ingest->m = std::make_unique<Ingest::Impl>();
    ingest->m->blobDir = m_ociDir + QStringLiteral("/blobs/sha256");
    // "<pid>-" lets a later process remove temp files of one that died mid-ingest.
    QByteArray templ = native(m_tmpDir + QLatin1Char('/') + QString::number(::getpid()) +
                              QStringLiteral("-ingest-XXXXXX"));
    const int fd = ::mkostemp(templ.data(), O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("create ingest file in"), m_tmpDir);
    ingest->m->fd = fd;
    ingest->m->tmpPath = QFile::decodeName(templ);
    // Blobs are read by other users' tools (skopeo, umoci); mkostemp makes 0600.
    if (::fchmod(fd, 0644) != 0)
        return Error::fromErrno(errno, tr("chmod ingest file"), ingest->m->tmpPath);
    return ingest;
}

ContentStore::Ingest::~Ingest()
{
    abort();
}

Status ContentStore::Ingest::write(const char *data, qint64 size)
{
    if (m->finished)
        return makeError(ErrorCode::Internal,
                         tr("write ingest %1: already committed or aborted").arg(m->tmpPath));
    BERTH_TRY(fs::writeAll(m->fd, data, size, m->tmpPath));
    m->hash.update(data, size);
    // Every 8 MiB, start writing back what came in (see commit(), which waits for
    // it): a big blob then reaches the disk while it streams, not all at the end.
    constexpr qint64 WritebackChunk = 8 << 20;
    if ((m->bytes + size) / WritebackChunk != m->bytes / WritebackChunk)
        (void)::sync_file_range(m->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    m->bytes += size;
    return {};
}

qint64 ContentStore::Ingest::bytesWritten() const
{
    return m->bytes;
}

void ContentStore::Ingest::abort()
{
    if (!m || m->finished)
        return;
    m->finished = true;
    ::close(m->fd);
    m->fd = -1;
    ::unlink(native(m->tmpPath).constData());
}

Result<Digest> ContentStore::Ingest::commit(const Digest &expected, qint64 expectedSize)
{
    if (m->finished)
        return makeError(ErrorCode::Internal,
                         tr("commit ingest %1: already committed or aborted").arg(m->tmpPath));
    if (!expected.isEmpty() && !isValidDigest(expected)) {
        abort();
        return invalidDigestError(tr("commit blob"), expected);
    }
    const Digest actual = m->hash.finish();
    const QString name = expected.isEmpty() ? actual : expected;
    if (expectedSize >= 0 && m->bytes != expectedSize) {
        abort();
        return makeError(ErrorCode::Corrupt,
                         tr("commit blob %1: size mismatch, expected %2 bytes, got %3 (digest %4)")
                             .arg(name)
                             .arg(expectedSize)
                             .arg(m->bytes)
                             .arg(actual));
    }
    if (!expected.isEmpty() && actual != expected) {
        abort();
        return makeError(
            ErrorCode::Corrupt,
            tr("commit blob %1: digest mismatch, expected %1, actual %2").arg(expected, actual));
    }
    Status st = fs::syncFile(m->fd, m->tmpPath);
    const QString target = m->blobDir + QLatin1Char('/') + digestHex(actual);
    // Renaming over a blob another ingest stored meanwhile is fine: the bytes are equal.
    if (st.ok() && ::rename(native(m->tmpPath).constData(), native(target).constData()) != 0)
        st = Error::fromErrno(errno, tr("commit blob %1: rename to").arg(actual), target);
    if (!st.ok()) {
        abort();
        return st.error();
    }
    m->finished = true;
    ::close(m->fd);
    m->fd = -1;
    BERTH_TRY(fs::syncDir(m->blobDir));
    return actual;
}

Result<QList<IndexEntry>> ContentStore::index() const
{
    auto data = fs::readFile(indexPath());
    if (!data.ok())
        return data.error().prefixed(tr("read image index"));
    return parseIndex(*data, indexPath());
}

Status ContentStore::writeIndexLocked(const QList<IndexEntry> &entries)
{
    return fs::writeFileAtomic(indexPath(), serializeIndex(entries));
}

Status ContentStore::setIndex(const QList<IndexEntry> &entries)
{
    BERTH_TRY_ASSIGN(FileLock lock, FileLock::acquire(indexLockPath()));
    return writeIndexLocked(entries);
}

Status ContentStore::updateIndex(const std::function<void(QList<IndexEntry> &entries)> &change)
{
    BERTH_TRY_ASSIGN(FileLock lock, FileLock::acquire(indexLockPath()));
    BERTH_TRY_ASSIGN(QList<IndexEntry> entries, index());
    change(entries);
    return writeIndexLocked(entries);
}

} // namespace berth::content
