// The metadata database behind MetadataStore.h: the schema (numbered
// migrations), the connection set-up and one short SQL statement per question.
//
// Times are stored as milliseconds since the epoch (UTC), empty strings as
// NULL where a foreign key needs "none" (a base layer's parent).
#include "store/MetadataStore.h"

#include <QAtomicInteger>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

#include <vector>

#include <sqlite3.h>

namespace berth::store {

namespace {

// Migration N (1-based) brings the schema from user_version N-1 to N. Each runs
// in one transaction; append new ones, never edit a released one.
const std::vector<std::vector<const char *>> &migrations()
{
    static const std::vector<std::vector<const char *>> all{
        {
            "CREATE TABLE layers ("
            " chain_id TEXT PRIMARY KEY,"
            " diff_id TEXT NOT NULL,"
            " parent TEXT REFERENCES layers(chain_id),"
            " blob_digest TEXT NOT NULL,"
            " blob_media_type TEXT NOT NULL,"
            " blob_size INTEGER NOT NULL,"
            " tar_size INTEGER NOT NULL,"
            " size INTEGER NOT NULL)",
            "CREATE INDEX layers_parent ON layers(parent)",
            "CREATE TABLE images ("
            " id TEXT PRIMARY KEY,"
            " manifest_digest TEXT NOT NULL,"
            " manifest_media_type TEXT NOT NULL,"
            " manifest_size INTEGER NOT NULL,"
            " created INTEGER,"
            " added INTEGER NOT NULL,"
            " size INTEGER NOT NULL,"
            " parent TEXT)",
            "CREATE TABLE image_layers ("
            " image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
            " position INTEGER NOT NULL,"
            " chain_id TEXT NOT NULL REFERENCES layers(chain_id),"
            " PRIMARY KEY (image_id, position))",
            "CREATE INDEX image_layers_chain ON image_layers(chain_id)",
            "CREATE TABLE tags ("
            " reference TEXT PRIMARY KEY,"
            " image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE)",
            "CREATE INDEX tags_image ON tags(image_id)",
            "CREATE TABLE repo_digests ("
            " image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
            " repo_digest TEXT NOT NULL,"
            " PRIMARY KEY (image_id, repo_digest))",
            // Containers outlive a forced image removal (docker keeps them), so
            // image_id is not a foreign key.
            "CREATE TABLE containers ("
            " id TEXT PRIMARY KEY,"
            " name TEXT NOT NULL UNIQUE,"
            " image_id TEXT NOT NULL,"
            " created INTEGER NOT NULL)",
            "CREATE INDEX containers_image ON containers(image_id)",
        },
        {
            // Load stores a layer's blob and checks its tar at once but unpacks
            // the layer the first time something needs its files (containerd's
            // split of content and snapshots). Layers stored before were unpacked.
            "ALTER TABLE layers ADD COLUMN unpacked INTEGER NOT NULL DEFAULT 1",
            // The container's docker-style configuration (Config + HostConfig as
            // JSON), so `ps` is one query; run-time state lives in the bundle.
            "ALTER TABLE containers ADD COLUMN config TEXT NOT NULL DEFAULT '{}'",
        },
        {
            // Push compresses a layer stored as a plain tar once: the gzip blob
            // it made is found again by the layer's diffID (docker's
            // v2 metadata service keeps the same mapping).
            "CREATE TABLE compressed_blobs ("
            " diff_id TEXT NOT NULL,"
            " media_type TEXT NOT NULL,"
            " digest TEXT NOT NULL,"
            " size INTEGER NOT NULL,"
            " PRIMARY KEY (diff_id, media_type))",
            // Which repositories of which registry a blob is known to be in
            // (pulled from, pushed to), so a push can ask for a mount.
            "CREATE TABLE blob_locations ("
            " digest TEXT NOT NULL,"
            " registry TEXT NOT NULL,"
            " repository TEXT NOT NULL,"
            " PRIMARY KEY (digest, registry, repository))",
        },
    };
    return all;
}

constexpr int BusyTimeoutMs = 10000;

QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QVariant fromTime(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QDateTime toTime(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

// Columns in the order layerFromRow() reads them.
const char *const LayerColumns =
    "chain_id, diff_id, parent, blob_digest, blob_media_type, blob_size, tar_size, size, unpacked";

LayerRecord layerFromRow(const QSqlQuery &q)
{
    LayerRecord l;
    l.chainId = q.value(0).toString();
    l.diffId = q.value(1).toString();
    l.parent = q.value(2).toString();
    l.blobDigest = q.value(3).toString();
    l.blobMediaType = q.value(4).toString();
    l.blobSize = q.value(5).toLongLong();
    l.tarSize = q.value(6).toLongLong();
    l.size = q.value(7).toLongLong();
    l.unpacked = q.value(8).toBool();
    return l;
}

// Columns (prefixed with the images table's alias) in the order imageFromRow() reads them.
const char *const ImageColumns = "i.id, i.manifest_digest, i.manifest_media_type, "
                                 "i.manifest_size, i.created, i.added, i.size, i.parent";

ImageRecord imageFromRow(const QSqlQuery &q)
{
    ImageRecord r;
    r.id = q.value(0).toString();
    r.manifestDigest = q.value(1).toString();
    r.manifestMediaType = q.value(2).toString();
    r.manifestSize = q.value(3).toLongLong();
    r.created = toTime(q.value(4));
    r.added = toTime(q.value(5));
    r.size = q.value(6).toLongLong();
    r.parent = q.value(7).toString();
    return r;
}

ErrorCode codeFor(const QSqlError &e)
{
    // Qt's SQLite driver reports SQLite's (extended) result code; the low byte
    // is the primary code.
    bool ok = false;
    const int native = e.nativeErrorCode().toInt(&ok);
    if (!ok)
        return ErrorCode::Io;
    switch (native & 0xff) {
    case 19: // SQLITE_CONSTRAINT
        return ErrorCode::Conflict;
    case 13: // SQLITE_FULL
        return ErrorCode::NoSpace;
    case 11: // SQLITE_CORRUPT
    case 26: // SQLITE_NOTADB
        return ErrorCode::Corrupt;
    case 3:  // SQLITE_PERM
    case 8:  // SQLITE_READONLY
    case 23: // SQLITE_AUTH
        return ErrorCode::Permission;
    default:
        return ErrorCode::Io;
    }
}

} // namespace

struct MetadataStore::Impl
{
    QString path;
    QString connection;
    QSqlDatabase db;
    int depth = 0; // nesting of transaction(): inner calls join the outer one
    bool imageWrites = false;

    ~Impl()
    {
        if (db.isValid())
            db.close();
        db = QSqlDatabase();
        if (!connection.isEmpty())
            QSqlDatabase::removeDatabase(connection);
    }

    Error sqlError(const QString &operation, const QSqlError &e) const
    {
        const QString cause = e.databaseText().isEmpty() ? e.driverText() : e.databaseText();
        return Error{codeFor(e), tr("%1 in database %2: %3").arg(operation, path, cause)};
    }

    // Runs reads that must agree with each other (several statements) in one
    // read transaction, so another process's commit cannot land between them.
    Status snapshot(const QString &operation, const std::function<Status()> &fn) const
    {
        if (depth > 0)
            return fn();
        BERTH_TRY(run(operation, QStringLiteral("BEGIN DEFERRED")));
        Status st = fn();
        auto end = run(operation, QStringLiteral("COMMIT"));
        if (st.ok() && !end.ok())
            return end.error();
        return st;
    }

    Result<QSqlQuery> run(const QString &operation, const QString &sql,
                          const QVariantList &binds = {}) const
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(sql))
            return sqlError(operation, q.lastError());
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (!q.exec())
            return sqlError(operation, q.lastError());
        return q;
    }

    // For the statements at open: switching a new file to WAL while another
    // process does the same can report "database is locked" at once instead of
    // waiting in SQLite's busy handler, so wait here instead.
    Result<QSqlQuery> runWaitingWhileBusy(const QString &operation, const QString &sql) const
    {
        QElapsedTimer waited;
        waited.start();
        for (;;) {
            QSqlQuery q(db);
            if (q.exec(sql))
                return q;
            const int primary = q.lastError().nativeErrorCode().toInt() & 0xff;
            const bool busy = primary == 5 /* SQLITE_BUSY */ || primary == 6 /* SQLITE_LOCKED */;
            if (!busy || waited.elapsed() > BusyTimeoutMs)
                return sqlError(operation, q.lastError());
            QThread::msleep(5);
        }
    }

    // The first column of the first row, or nullopt when there is no row.
    Result<std::optional<QVariant>> scalar(const QString &operation, const QString &sql,
                                           const QVariantList &binds = {}) const
    {
        BERTH_TRY_ASSIGN(QSqlQuery q, run(operation, sql, binds));
        if (!q.next())
            return std::optional<QVariant>();
        return std::optional<QVariant>(q.value(0));
    }

    Result<QStringList> column(const QString &operation, const QString &sql,
                               const QVariantList &binds = {}) const
    {
        BERTH_TRY_ASSIGN(QSqlQuery q, run(operation, sql, binds));
        QStringList out;
        while (q.next())
            out << q.value(0).toString();
        return out;
    }

    Result<QList<QPair<QString, QString>>> pairs(const QString &operation, const QString &sql) const
    {
        BERTH_TRY_ASSIGN(QSqlQuery q, run(operation, sql));
        QList<QPair<QString, QString>> out;
        while (q.next())
            out.append({q.value(0).toString(), q.value(1).toString()});
        return out;
    }

    Result<bool> exists(const QString &operation, const QString &sql, const QString &key) const
    {
        BERTH_TRY_ASSIGN(const auto row, scalar(operation, sql, {key}));
        return row.has_value();
    }

    Result<bool> imageExists(const QString &operation, const QString &id) const
    {
        return exists(operation, QStringLiteral("SELECT 1 FROM images WHERE id = ?"), id);
    }

    Result<QString> setTag(const QString &reference, const QString &imageId)
    {
        const QString op = tr("tag %1 as %2").arg(imageId, reference);
        BERTH_TRY_ASSIGN(const bool known, imageExists(op, imageId));
        if (!known)
            return Error{ErrorCode::NotFound, tr("%1: no such image").arg(op)};
        BERTH_TRY_ASSIGN(const auto before,
                         scalar(op, QStringLiteral("SELECT image_id FROM tags WHERE reference = ?"),
                                {reference}));
        BERTH_TRY(run(op,
                      QStringLiteral("INSERT OR REPLACE INTO tags (reference, image_id) "
                                     "VALUES (?, ?)"),
                      {reference, imageId}));
        return before ? before->toString() : QString();
    }

    Status migrate()
    {
        const int target = int(migrations().size());
        // A current database needs no write lock at open.
        BERTH_TRY_ASSIGN(const int have, userVersion(tr("read schema version")));
        BERTH_TRY(checkNotNewer(have, target));
        for (int version = have + 1; version <= target; ++version) {
            const QString op = tr("migrate schema to version %1").arg(version);
            BERTH_TRY(run(op, QStringLiteral("BEGIN IMMEDIATE")));
            Status st = applyMigration(op, version, target);
            if (!st.ok()) {
                (void)run(op, QStringLiteral("ROLLBACK"));
                return st;
            }
            BERTH_TRY(run(op, QStringLiteral("COMMIT")));
        }
        return {};
    }

    Result<int> userVersion(const QString &operation) const
    {
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         runWaitingWhileBusy(operation, QStringLiteral("PRAGMA user_version")));
        return q.next() ? q.value(0).toInt() : 0;
    }

    Status checkNotNewer(int have, int target) const
    {
        if (have > target)
            return Error{ErrorCode::Unsupported,
                         tr("open database %1: schema version %2 is newer than this berth "
                            "understands (%3)")
                             .arg(path)
                             .arg(have)
                             .arg(target)};
        return {};
    }

    Status applyMigration(const QString &op, int version, int target)
    {
        // Read again under the write lock: another process may have migrated meanwhile.
        BERTH_TRY_ASSIGN(const int have, userVersion(op));
        BERTH_TRY(checkNotNewer(have, target));
        if (have >= version)
            return {};
        for (const char *statement : migrations()[size_t(version - 1)])
            BERTH_TRY(run(op, QString::fromLatin1(statement)));
        // PRAGMA takes no bound parameters; version is our own integer.
        BERTH_TRY(run(op, QStringLiteral("PRAGMA user_version = %1").arg(version)));
        return {};
    }
};

// Image records must be on disk once a command says it is done (the blobs and
// layers they name already are). Commits in WAL mode with synchronous=NORMAL
// are not synced; a checkpoint syncs the log and the database, so a store
// that wrote image records checkpoints before it closes. Container records
// describe processes, which a power cut ends anyway: `run` pays no flush.
MetadataStore::~MetadataStore()
{
    if (m && m->db.isOpen() && m->imageWrites)
        (void)m->run(tr("checkpoint the database"), QStringLiteral("PRAGMA wal_checkpoint(FULL)"));
}

Result<std::unique_ptr<MetadataStore>> MetadataStore::open(const QString &dbPath)
{
    static QAtomicInteger<quint64> counter;
    std::unique_ptr<MetadataStore> store(new MetadataStore);
    store->m = std::make_unique<Impl>();
    Impl &d = *store->m;
    d.path = dbPath;
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return Error{
            ErrorCode::Unsupported,
            tr("open database %1: the Qt SQLite driver (QSQLITE) is not installed").arg(dbPath)};
    d.connection = QStringLiteral("berth-metadata-%1").arg(counter.fetchAndAddRelaxed(1));
    d.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d.connection);
    d.db.setDatabaseName(dbPath);
    d.db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs));
    if (!d.db.open())
        return Error{codeFor(d.db.lastError()),
                     tr("open database %1: %2").arg(dbPath, d.db.lastError().text())};

    const QString op = tr("configure the connection");
    BERTH_TRY(
        d.runWaitingWhileBusy(op, QStringLiteral("PRAGMA busy_timeout = %1").arg(BusyTimeoutMs)));
    BERTH_TRY_ASSIGN(QSqlQuery mode,
                     d.runWaitingWhileBusy(op, QStringLiteral("PRAGMA journal_mode = WAL")));
    const QString got = mode.next() ? mode.value(0).toString() : QString();
    mode.finish();
    if (got.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        return Error{ErrorCode::Unsupported,
                     tr("configure database %1: cannot switch to WAL journal mode (got \"%2\")")
                         .arg(dbPath, got)};
    BERTH_TRY(d.runWaitingWhileBusy(op, QStringLiteral("PRAGMA synchronous = NORMAL")));
    // Every process that opens the store first rereads the whole log to rebuild
    // its index (the log outlives the processes, see below); checkpointing at 128
    // pages instead of SQLite's 1000 keeps that under half a megabyte.
    BERTH_TRY(d.runWaitingWhileBusy(op, QStringLiteral("PRAGMA wal_autocheckpoint = 128")));
    // The log stays between processes and closing does not checkpoint: each
    // berth command would otherwise recreate the log (a directory sync) and
    // flush it at exit. The destructor checkpoints when it matters.
    const QVariant handle = d.db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0) {
        sqlite3 *sqlite = *static_cast<sqlite3 *const *>(handle.constData());
        int on = 1;
        sqlite3_db_config(sqlite, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        sqlite3_file_control(sqlite, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
    }
    BERTH_TRY(d.runWaitingWhileBusy(op, QStringLiteral("PRAGMA foreign_keys = ON")));
    BERTH_TRY(d.migrate());
    return store;
}

int MetadataStore::schemaVersion() const
{
    auto v = m->userVersion(tr("read schema version"));
    return v.ok() ? *v : 0;
}

Status MetadataStore::transaction(const std::function<Status()> &fn)
{
    if (m->depth > 0)
        return fn();
    const QString op = tr("write transaction");
    BERTH_TRY(m->run(op, QStringLiteral("BEGIN IMMEDIATE")));
    ++m->depth;
    Status st = fn();
    --m->depth;
    if (st.ok()) {
        auto commit = m->run(op, QStringLiteral("COMMIT"));
        if (commit.ok())
            return {};
        st = commit.error();
    }
    (void)m->run(op, QStringLiteral("ROLLBACK"));
    return st;
}

// Layers

Status MetadataStore::addLayer(const LayerRecord &layer)
{
    m->imageWrites = true;
    return transaction([&]() -> Status {
        const QString op = tr("add layer %1").arg(layer.chainId);
        BERTH_TRY_ASSIGN(const bool known,
                         m->exists(op, QStringLiteral("SELECT 1 FROM layers WHERE chain_id = ?"),
                                   layer.chainId));
        if (known)
            return {};
        if (!layer.parent.isEmpty()) {
            BERTH_TRY_ASSIGN(const bool parentKnown,
                             m->exists(op,
                                       QStringLiteral("SELECT 1 FROM layers WHERE chain_id = ?"),
                                       layer.parent));
            if (!parentKnown)
                return Error{ErrorCode::NotFound,
                             tr("%1: parent layer %2 is not in the store").arg(op, layer.parent)};
        }
        BERTH_TRY(
            m->run(op,
                   QStringLiteral("INSERT INTO layers (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                       .arg(QLatin1String(LayerColumns)),
                   {layer.chainId, layer.diffId, nullIfEmpty(layer.parent), layer.blobDigest,
                    layer.blobMediaType, layer.blobSize, layer.tarSize, layer.size,
                    layer.unpacked ? 1 : 0}));
        return {};
    });
}

Status MetadataStore::setLayerUnpacked(const QString &chainId)
{
    m->imageWrites = true;
    return transaction([&]() -> Status {
        const QString op = tr("mark layer %1 unpacked").arg(chainId);
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op,
                                QStringLiteral("UPDATE layers SET unpacked = 1 WHERE chain_id = ?"),
                                {chainId}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such layer").arg(op)};
        return {};
    });
}

Result<std::optional<LayerRecord>> MetadataStore::layer(const QString &chainId) const
{
    BERTH_TRY_ASSIGN(QSqlQuery q, m->run(tr("read layer %1").arg(chainId),
                                         QStringLiteral("SELECT %1 FROM layers WHERE chain_id = ?")
                                             .arg(QLatin1String(LayerColumns)),
                                         {chainId}));
    if (!q.next())
        return std::optional<LayerRecord>();
    return std::optional<LayerRecord>(layerFromRow(q));
}

Result<QList<LayerRecord>> MetadataStore::layers() const
{
    BERTH_TRY_ASSIGN(QSqlQuery q, m->run(tr("list layers"),
                                         QStringLiteral("SELECT %1 FROM layers ORDER BY chain_id")
                                             .arg(QLatin1String(LayerColumns))));
    QList<LayerRecord> out;
    while (q.next())
        out << layerFromRow(q);
    return out;
}

Result<QStringList> MetadataStore::unreferencedLayers() const
{
    // Layers that are nobody's parent come first so a caller removing them in
    // order meets fewer conflicts.
    return m->column(
        tr("list unreferenced layers"),
        QStringLiteral("SELECT l.chain_id FROM layers l WHERE NOT EXISTS "
                       "(SELECT 1 FROM image_layers il WHERE il.chain_id = l.chain_id) "
                       "ORDER BY EXISTS (SELECT 1 FROM layers c WHERE c.parent = "
                       "l.chain_id), l.chain_id"));
}

Status MetadataStore::removeLayer(const QString &chainId)
{
    m->imageWrites = true;
    return transaction([&]() -> Status {
        const QString op = tr("remove layer %1").arg(chainId);
        BERTH_TRY_ASSIGN(const auto child,
                         m->scalar(op,
                                   QStringLiteral("SELECT chain_id FROM layers WHERE parent = ? "
                                                  "ORDER BY chain_id LIMIT 1"),
                                   {chainId}));
        if (child)
            return Error{ErrorCode::Conflict,
                         tr("%1: it is the parent of layer %2").arg(op, child->toString())};
        BERTH_TRY_ASSIGN(const auto user,
                         m->scalar(op,
                                   QStringLiteral("SELECT image_id FROM image_layers WHERE "
                                                  "chain_id = ? ORDER BY image_id LIMIT 1"),
                                   {chainId}));
        if (user)
            return Error{ErrorCode::Conflict, tr("%1: image %2 uses it").arg(op, user->toString())};
        BERTH_TRY_ASSIGN(QSqlQuery q, m->run(op,
                                             QStringLiteral("DELETE FROM layers WHERE "
                                                            "chain_id = ?"),
                                             {chainId}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such layer").arg(op)};
        return {};
    });
}

// Images

Result<QStringList> MetadataStore::putImage(const ImageRecord &image, const QStringList &tags)
{
    m->imageWrites = true;
    QStringList displaced;
    BERTH_TRY(transaction([&]() -> Status {
        const QString op = tr("add image %1").arg(image.id);
        if (!isValidDigest(image.id))
            return Error{ErrorCode::InvalidArgument, tr("%1: not a sha256 digest").arg(op)};
        BERTH_TRY_ASSIGN(const bool known, m->imageExists(op, image.id));
        if (!known) {
            for (const QString &chain : image.chainIds) {
                BERTH_TRY_ASSIGN(
                    const bool layerKnown,
                    m->exists(op, QStringLiteral("SELECT 1 FROM layers WHERE chain_id = ?"),
                              chain));
                if (!layerKnown)
                    return Error{ErrorCode::NotFound,
                                 tr("%1: layer %2 is not in the store").arg(op, chain)};
            }
            const QDateTime added =
                image.added.isValid() ? image.added : QDateTime::currentDateTimeUtc();
            BERTH_TRY(m->run(op,
                             QStringLiteral("INSERT INTO images (id, manifest_digest, "
                                            "manifest_media_type, manifest_size, created, added, "
                                            "size, parent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                             {image.id, image.manifestDigest, image.manifestMediaType,
                              image.manifestSize, fromTime(image.created), fromTime(added),
                              image.size, nullIfEmpty(image.parent)}));
            for (qsizetype i = 0; i < image.chainIds.size(); ++i)
                BERTH_TRY(m->run(op,
                                 QStringLiteral("INSERT INTO image_layers (image_id, position, "
                                                "chain_id) VALUES (?, ?, ?)"),
                                 {image.id, qint64(i), image.chainIds.at(i)}));
        }
        for (const QString &tag : tags) {
            BERTH_TRY_ASSIGN(const QString previous, m->setTag(tag, image.id));
            if (!previous.isEmpty() && previous != image.id && !displaced.contains(previous))
                displaced << previous;
        }
        return {};
    }));
    return displaced;
}

Result<std::optional<ImageRecord>> MetadataStore::image(const QString &id) const
{
    const QString op = tr("read image %1").arg(id);
    std::optional<ImageRecord> found;
    BERTH_TRY(m->snapshot(op, [&]() -> Status {
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op,
                                QStringLiteral("SELECT %1 FROM images i WHERE i.id = ?")
                                    .arg(QLatin1String(ImageColumns)),
                                {id}));
        if (!q.next())
            return {};
        ImageRecord r = imageFromRow(q);
        q.finish();
        BERTH_TRY_ASSIGN(r.chainIds,
                         m->column(op,
                                   QStringLiteral("SELECT chain_id FROM image_layers WHERE "
                                                  "image_id = ? ORDER BY position"),
                                   {id}));
        found = std::move(r);
        return {};
    }));
    return found;
}

Result<QList<ImageRecord>> MetadataStore::images(Layers layers) const
{
    // Two ordered scans (images, then every image's layers) merged in one pass:
    // cheaper than a join that repeats each image's columns once per layer.
    const QString op = tr("list images");
    QList<ImageRecord> out;
    BERTH_TRY(m->snapshot(op, [&]() -> Status {
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op, QStringLiteral("SELECT %1 FROM images i ORDER BY i.id")
                                        .arg(QLatin1String(ImageColumns))));
        while (q.next())
            out << imageFromRow(q);
        q.finish();
        if (layers == Layers::Skip)
            return {};
        BERTH_TRY_ASSIGN(QSqlQuery l, m->run(op, QStringLiteral("SELECT image_id, chain_id FROM "
                                                                "image_layers ORDER BY image_id, "
                                                                "position")));
        qsizetype i = 0;
        while (l.next()) {
            const QString id = l.value(0).toString();
            while (i < out.size() && out.at(i).id < id)
                ++i;
            if (i == out.size())
                break;
            if (out.at(i).id == id)
                out[i].chainIds << l.value(1).toString();
        }
        return {};
    }));
    return out;
}

Result<QStringList> MetadataStore::imageIdsWithPrefix(const QString &prefix) const
{
    const QString full =
        prefix.startsWith(QLatin1String("sha256:")) ? prefix : QStringLiteral("sha256:") + prefix;
    if (full.size() <= 7)
        return QStringList();
    return m->column(tr("find images with ID prefix %1").arg(prefix),
                     QStringLiteral("SELECT id FROM images WHERE substr(id, 1, ?) = ? ORDER BY id"),
                     {qint64(full.size()), full});
}

Status MetadataStore::removeImage(const QString &id)
{
    m->imageWrites = true;
    return transaction([&]() -> Status {
        const QString op = tr("remove image %1").arg(id);
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op, QStringLiteral("DELETE FROM images WHERE id = ?"), {id}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such image").arg(op)};
        return {};
    });
}

// Tags

Result<QString> MetadataStore::setTag(const QString &reference, const QString &imageId)
{
    m->imageWrites = true;
    QString previous;
    BERTH_TRY(transaction([&]() -> Status {
        BERTH_TRY_ASSIGN(previous, m->setTag(reference, imageId));
        return {};
    }));
    return previous;
}

Status MetadataStore::removeTag(const QString &reference)
{
    m->imageWrites = true;
    return transaction([&]() -> Status {
        const QString op = tr("remove tag %1").arg(reference);
        BERTH_TRY_ASSIGN(
            QSqlQuery q,
            m->run(op, QStringLiteral("DELETE FROM tags WHERE reference = ?"), {reference}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such tag").arg(op)};
        return {};
    });
}

Result<std::optional<QString>> MetadataStore::imageForTag(const QString &reference) const
{
    BERTH_TRY_ASSIGN(const auto row,
                     m->scalar(tr("look up tag %1").arg(reference),
                               QStringLiteral("SELECT image_id FROM tags WHERE reference = ?"),
                               {reference}));
    if (!row)
        return std::optional<QString>();
    return std::optional<QString>(row->toString());
}

Result<QStringList> MetadataStore::tagsOf(const QString &imageId) const
{
    return m->column(tr("list tags of image %1").arg(imageId),
                     QStringLiteral("SELECT reference FROM tags WHERE image_id = ? "
                                    "ORDER BY reference"),
                     {imageId});
}

Result<QList<QPair<QString, QString>>> MetadataStore::allTags() const
{
    return m->pairs(tr("list tags"),
                    QStringLiteral("SELECT reference, image_id FROM tags ORDER BY reference"));
}

// Repo digests

Status MetadataStore::addRepoDigest(const QString &imageId, const QString &repoDigest)
{
    m->imageWrites = true;
    return transaction([&]() -> Status {
        const QString op = tr("add repo digest %1 to image %2").arg(repoDigest, imageId);
        BERTH_TRY_ASSIGN(const bool known, m->imageExists(op, imageId));
        if (!known)
            return Error{ErrorCode::NotFound, tr("%1: no such image").arg(op)};
        BERTH_TRY(m->run(op,
                         QStringLiteral("INSERT OR IGNORE INTO repo_digests (image_id, "
                                        "repo_digest) VALUES (?, ?)"),
                         {imageId, repoDigest}));
        return {};
    });
}

Result<QStringList> MetadataStore::repoDigestsOf(const QString &imageId) const
{
    return m->column(tr("list repo digests of image %1").arg(imageId),
                     QStringLiteral("SELECT repo_digest FROM repo_digests WHERE image_id = ? "
                                    "ORDER BY repo_digest"),
                     {imageId});
}

Result<QList<QPair<QString, QString>>> MetadataStore::allRepoDigests() const
{
    return m->pairs(tr("list repo digests"),
                    QStringLiteral("SELECT image_id, repo_digest FROM repo_digests "
                                   "ORDER BY image_id, repo_digest"));
}

// Blobs made and seen by pushes and pulls

Status MetadataStore::putCompressedBlob(const CompressedBlob &blob)
{
    return transaction([&]() -> Status {
        BERTH_TRY(m->run(tr("record compressed blob %1 of layer %2").arg(blob.digest, blob.diffId),
                         QStringLiteral("INSERT OR REPLACE INTO compressed_blobs (diff_id, "
                                        "media_type, digest, size) VALUES (?, ?, ?, ?)"),
                         {blob.diffId, blob.mediaType, blob.digest, blob.size}));
        return {};
    });
}

Result<std::optional<CompressedBlob>> MetadataStore::compressedBlob(const Digest &diffId,
                                                                    const QString &mediaType) const
{
    BERTH_TRY_ASSIGN(QSqlQuery q, m->run(tr("look up the compressed blob of layer %1").arg(diffId),
                                         QStringLiteral("SELECT digest, size FROM compressed_blobs "
                                                        "WHERE diff_id = ? AND media_type = ?"),
                                         {diffId, mediaType}));
    if (!q.next())
        return std::optional<CompressedBlob>();
    return std::optional<CompressedBlob>(
        CompressedBlob{diffId, mediaType, q.value(0).toString(), q.value(1).toLongLong()});
}

Result<QStringList> MetadataStore::compressedBlobsInUse() const
{
    return m->column(tr("list compressed blobs of stored layers"),
                     QStringLiteral("SELECT DISTINCT c.digest FROM compressed_blobs c WHERE "
                                    "EXISTS (SELECT 1 FROM layers l WHERE l.diff_id = c.diff_id)"));
}

Status MetadataStore::addBlobLocation(const Digest &digest, const QString &registry,
                                      const QString &repository)
{
    return transaction([&]() -> Status {
        BERTH_TRY(m->run(tr("record that blob %1 is in %2/%3").arg(digest, registry, repository),
                         QStringLiteral("INSERT OR IGNORE INTO blob_locations (digest, registry, "
                                        "repository) VALUES (?, ?, ?)"),
                         {digest, registry, repository}));
        return {};
    });
}

Result<QStringList> MetadataStore::blobRepositories(const Digest &digest,
                                                    const QString &registry) const
{
    return m->column(tr("list the repositories of %1 holding blob %2").arg(registry, digest),
                     QStringLiteral("SELECT repository FROM blob_locations WHERE digest = ? AND "
                                    "registry = ? ORDER BY repository"),
                     {digest, registry});
}

// Containers

Status MetadataStore::addContainer(const QString &id, const QString &name, const QString &imageId,
                                   const QByteArray &config)
{
    return transaction([&]() -> Status {
        const QString op = tr("add container %1").arg(id);
        BERTH_TRY_ASSIGN(const bool known, m->imageExists(op, imageId));
        if (!known)
            return Error{ErrorCode::NotFound, tr("%1: no such image %2").arg(op, imageId)};
        BERTH_TRY_ASSIGN(
            const auto holder,
            m->scalar(op, QStringLiteral("SELECT id FROM containers WHERE name = ?"), {name}));
        if (holder)
            return Error{ErrorCode::Conflict,
                         tr("%1: the name \"%2\" is already in use by container %3")
                             .arg(op, name, holder->toString())};
        BERTH_TRY(m->run(
            op,
            QStringLiteral("INSERT INTO containers (id, name, image_id, created, "
                           "config) VALUES (?, ?, ?, ?, ?)"),
            {id, name, imageId, QDateTime::currentMSecsSinceEpoch(), QString::fromUtf8(config)}));
        return {};
    });
}

Status MetadataStore::removeContainer(const QString &id)
{
    return transaction([&]() -> Status {
        const QString op = tr("remove container %1").arg(id);
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op, QStringLiteral("DELETE FROM containers WHERE id = ?"), {id}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such container").arg(op)};
        return {};
    });
}

Result<QStringList> MetadataStore::containersUsingImage(const QString &imageId) const
{
    return m->column(tr("list containers of image %1").arg(imageId),
                     QStringLiteral("SELECT id FROM containers WHERE image_id = ? ORDER BY id"),
                     {imageId});
}

namespace {

ContainerRecord containerFrom(const QSqlQuery &q)
{
    return ContainerRecord{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                           QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong()),
                           q.value(4).toString().toUtf8()};
}

const char ContainerColumns[] = "SELECT id, name, image_id, created, config FROM containers ";

} // namespace

Result<QList<ContainerRecord>> MetadataStore::containers() const
{
    BERTH_TRY_ASSIGN(QSqlQuery q,
                     m->run(tr("list containers"), QLatin1String(ContainerColumns) +
                                                       QLatin1String("ORDER BY created, id")));
    QList<ContainerRecord> out;
    while (q.next())
        out.append(containerFrom(q));
    return out;
}

Result<std::optional<ContainerRecord>> MetadataStore::container(const QString &id) const
{
    BERTH_TRY_ASSIGN(QSqlQuery q,
                     m->run(tr("read container %1").arg(id),
                            QLatin1String(ContainerColumns) + QLatin1String("WHERE id = ?"), {id}));
    if (!q.next())
        return std::optional<ContainerRecord>();
    return std::optional<ContainerRecord>(containerFrom(q));
}

Result<QStringList> MetadataStore::containerIdsWithPrefix(const QString &prefix) const
{
    // Ids are lower-case hex, so a range scan on the primary key finds them.
    return m->column(
        tr("find containers with id %1").arg(prefix),
        QStringLiteral("SELECT id FROM containers WHERE id >= ? AND id < ? ORDER BY id"),
        {prefix, prefix + QChar(0x7f)});
}

Result<std::optional<QString>> MetadataStore::containerByName(const QString &name) const
{
    BERTH_TRY_ASSIGN(const auto id,
                     m->scalar(tr("find container %1").arg(name),
                               QStringLiteral("SELECT id FROM containers WHERE name = ?"), {name}));
    if (!id)
        return std::optional<QString>();
    return std::optional<QString>(id->toString());
}

Status MetadataStore::renameContainer(const QString &id, const QString &newName)
{
    return transaction([&]() -> Status {
        const QString op = tr("rename container %1").arg(id);
        BERTH_TRY_ASSIGN(
            const auto holder,
            m->scalar(op, QStringLiteral("SELECT id FROM containers WHERE name = ?"), {newName}));
        if (holder)
            return Error{ErrorCode::Conflict,
                         tr("%1: the name \"%2\" is already in use by container %3")
                             .arg(op, newName, holder->toString())};
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op, QStringLiteral("UPDATE containers SET name = ? WHERE id = ?"),
                                {newName, id}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such container").arg(op)};
        return {};
    });
}

Status MetadataStore::setContainerConfig(const QString &id, const QByteArray &config)
{
    return transaction([&]() -> Status {
        const QString op = tr("update container %1").arg(id);
        BERTH_TRY_ASSIGN(QSqlQuery q,
                         m->run(op, QStringLiteral("UPDATE containers SET config = ? WHERE id = ?"),
                                {QString::fromUtf8(config), id}));
        if (q.numRowsAffected() == 0)
            return Error{ErrorCode::NotFound, tr("%1: no such container").arg(op)};
        return {};
    });
}

} // namespace berth::store
