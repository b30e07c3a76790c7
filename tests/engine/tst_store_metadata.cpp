// MetadataStore: schema at open, layers and their parent chains, images with
// their tags and repo digests, containers, the listing speed the GUI and
// `berth images` rely on, and two processes writing one database at once.
#include "ChildProcesses.h"
#include "store/MetadataStore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace berth;
using namespace berth::store;

namespace {

Digest digestOf(const QString &seed)
{
    return Sha256::of(seed.toUtf8());
}

LayerRecord makeLayer(const QString &seed, const QString &parent = {})
{
    LayerRecord l;
    l.chainId = digestOf(QStringLiteral("chain-") + seed);
    l.diffId = digestOf(QStringLiteral("diff-") + seed);
    l.parent = parent;
    l.blobDigest = digestOf(QStringLiteral("blob-") + seed);
    l.blobMediaType = QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");
    l.blobSize = 1000 + seed.size();
    l.tarSize = 4000 + seed.size();
    l.size = 3000 + seed.size();
    return l;
}

ImageRecord makeImage(const QString &seed, const QStringList &chainIds)
{
    ImageRecord r;
    r.id = digestOf(QStringLiteral("config-") + seed);
    r.manifestDigest = digestOf(QStringLiteral("manifest-") + seed);
    r.manifestMediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    r.manifestSize = 512;
    r.created = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    r.added = QDateTime::fromMSecsSinceEpoch(1700000500456, Qt::UTC);
    r.size = 9000;
    r.chainIds = chainIds;
    return r;
}

std::unique_ptr<MetadataStore> openStore(const QString &path)
{
    auto s = MetadataStore::open(path);
    if (!s.ok())
        qFatal("open %s: %s", qPrintable(path), qPrintable(s.error().message));
    return std::move(s).value();
}

} // namespace

class TestMetadataStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_n = 0;
    QString m_db;

private slots:
    void init()
    {
        QVERIFY(m_tmp.isValid());
        m_db = m_tmp.filePath(QStringLiteral("berth-%1.db").arg(++m_n));
    }

    void openConfiguresDatabase()
    {
        {
            auto s = openStore(m_db);
            QCOMPARE(s->schemaVersion(), 3);
            QVERIFY(s->addLayer(makeLayer(QStringLiteral("a"))).ok());
        }
        // A second connection sees WAL mode (persistent in the file) and the schema.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
            QVERIFY(q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "ORDER BY name")));
            QStringList tables;
            while (q.next())
                tables << q.value(0).toString();
            QCOMPARE(tables,
                     (QStringList{"blob_locations", "compressed_blobs", "containers",
                                  "image_layers", "images", "layers", "repo_digests", "tags"}));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));

        // Reopening keeps the data and does not migrate twice.
        auto again = openStore(m_db);
        QCOMPARE(again->schemaVersion(), 3);
        auto l = again->layer(makeLayer(QStringLiteral("a")).chainId);
        QVERIFY(l.ok() && l->has_value());
        QCOMPARE((*l)->size, makeLayer(QStringLiteral("a")).size);
    }

    // A store made before push existed (schema 2) gains the push tables and
    // keeps its records.
    void migratesVersionTwoStore()
    {
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(m_db);
            QVERIFY(db.open());
            QSqlQuery q(db);
            // Schema 2 as its two migrations left it, with one layer in it.
            for (const char *sql :
                 {"CREATE TABLE layers (chain_id TEXT PRIMARY KEY, diff_id TEXT NOT NULL, parent "
                  "TEXT REFERENCES layers(chain_id), blob_digest TEXT NOT NULL, blob_media_type "
                  "TEXT NOT NULL, blob_size INTEGER NOT NULL, tar_size INTEGER NOT NULL, size "
                  "INTEGER NOT NULL, unpacked INTEGER NOT NULL DEFAULT 1)",
                  "INSERT INTO layers VALUES ('sha256:c', 'sha256:d', NULL, 'sha256:b', 'x', 1, "
                  "2, 3, 0)",
                  "PRAGMA user_version = 2"})
                QVERIFY2(q.exec(QLatin1String(sql)), qPrintable(q.lastError().text()));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        auto s = openStore(m_db);
        QCOMPARE(s->schemaVersion(), 3);
        QVERIFY(s->putCompressedBlob({QStringLiteral("sha256:d"), QStringLiteral("gz"),
                                      QStringLiteral("sha256:z"), 7})
                    .ok());
        const auto inUse = s->compressedBlobsInUse();
        QVERIFY(inUse.ok());
        QCOMPARE(*inUse, QStringList{QStringLiteral("sha256:z")});
    }

    void compressedBlobs()
    {
        auto s = openStore(m_db);
        const QString gz = QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");
        const LayerRecord a = makeLayer(QStringLiteral("a"));
        QVERIFY(s->addLayer(a).ok());
        auto none = s->compressedBlob(a.diffId, gz);
        QVERIFY(none.ok());
        QVERIFY(!none->has_value());

        const CompressedBlob made{a.diffId, gz, digestOf(QStringLiteral("gz-a")), 1234};
        QVERIFY(s->putCompressedBlob(made).ok());
        auto found = s->compressedBlob(a.diffId, gz);
        QVERIFY(found.ok() && found->has_value());
        QCOMPARE((*found)->digest, made.digest);
        QCOMPARE((*found)->size, qint64(1234));
        // Another media type of the same layer is another entry.
        auto zstd = s->compressedBlob(a.diffId, QStringLiteral("zstd"));
        QVERIFY(zstd.ok() && !zstd->has_value());

        // Compressing again (the blob was lost) replaces the entry.
        const CompressedBlob again{a.diffId, gz, digestOf(QStringLiteral("gz-a2")), 99};
        QVERIFY(s->putCompressedBlob(again).ok());
        found = s->compressedBlob(a.diffId, gz);
        QCOMPARE((*found)->digest, again.digest);

        // Garbage collection keeps the blobs of stored layers only.
        const CompressedBlob orphan{digestOf(QStringLiteral("gone")), gz,
                                    digestOf(QStringLiteral("gz-gone")), 5};
        QVERIFY(s->putCompressedBlob(orphan).ok());
        auto inUse = s->compressedBlobsInUse();
        QVERIFY(inUse.ok());
        QCOMPARE(*inUse, QStringList{again.digest});
        QVERIFY(s->removeLayer(a.chainId).ok());
        inUse = s->compressedBlobsInUse();
        QVERIFY(inUse.ok() && inUse->isEmpty());
    }

    void blobLocations()
    {
        auto s = openStore(m_db);
        const Digest blob = digestOf(QStringLiteral("blob"));
        const QString reg = QStringLiteral("127.0.0.1:5000");
        QVERIFY(s->addBlobLocation(blob, reg, QStringLiteral("library/busybox")).ok());
        QVERIFY(s->addBlobLocation(blob, reg, QStringLiteral("app")).ok());
        QVERIFY(s->addBlobLocation(blob, reg, QStringLiteral("app")).ok()); // no duplicate
        QVERIFY(s->addBlobLocation(blob, QStringLiteral("docker.io"), QStringLiteral("x/y")).ok());
        auto here = s->blobRepositories(blob, reg);
        QVERIFY(here.ok());
        QCOMPARE(*here, (QStringList{QStringLiteral("app"), QStringLiteral("library/busybox")}));
        auto hub = s->blobRepositories(blob, QStringLiteral("docker.io"));
        QCOMPARE(*hub, QStringList{QStringLiteral("x/y")});
        auto other = s->blobRepositories(digestOf(QStringLiteral("other")), reg);
        QVERIFY(other.ok() && other->isEmpty());
    }

    void openFailsOnNonDatabase()
    {
        QFile f(m_db);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        auto s = MetadataStore::open(m_db);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(m_db), qPrintable(s.error().message));
    }

    void openRejectsNewerSchema()
    {
        openStore(m_db).reset();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
            db.setDatabaseName(m_db);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("bump"));
        auto s = MetadataStore::open(m_db);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Unsupported);
        QVERIFY2(s.error().message.contains(QStringLiteral("99")), qPrintable(s.error().message));
    }

    void twoProcessesCreateOneDatabase()
    {
        // Both race to create, switch to WAL and migrate the same new file.
        QCOMPARE(
            runInChildren(2,
                          [&](int p) {
                              auto s = MetadataStore::open(m_db);
                              if (!s.ok()) {
                                  qWarning("child %d: %s", p, qPrintable(s.error().message));
                                  return 2;
                              }
                              if (!(*s)->addLayer(makeLayer(QStringLiteral("p%1").arg(p))).ok())
                                  return 3;
                              s->reset();
                              return 0;
                          }),
            QString());
        auto s = openStore(m_db);
        QCOMPARE(s->schemaVersion(), 3);
        auto all = s->layers();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 2);
    }

    void layerRoundTrip()
    {
        auto s = openStore(m_db);
        const LayerRecord base = makeLayer(QStringLiteral("base"));
        const LayerRecord top = makeLayer(QStringLiteral("top"), base.chainId);
        QVERIFY(s->addLayer(base).ok());
        QVERIFY(s->addLayer(top).ok());
        QVERIFY(s->addLayer(top).ok()); // existing: no-op

        auto got = s->layer(top.chainId);
        QVERIFY(got.ok() && got->has_value());
        const LayerRecord &t = **got;
        QCOMPARE(t.chainId, top.chainId);
        QCOMPARE(t.diffId, top.diffId);
        QCOMPARE(t.parent, base.chainId);
        QCOMPARE(t.blobDigest, top.blobDigest);
        QCOMPARE(t.blobMediaType, top.blobMediaType);
        QCOMPARE(t.blobSize, top.blobSize);
        QCOMPARE(t.tarSize, top.tarSize);
        QCOMPARE(t.size, top.size);
        auto b = s->layer(base.chainId);
        QVERIFY(b.ok() && b->has_value());
        QVERIFY((*b)->parent.isEmpty());

        auto all = s->layers();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 2);

        auto missing = s->layer(digestOf(QStringLiteral("nothing")));
        QVERIFY(missing.ok() && !missing->has_value());

        const Status orphan = s->addLayer(makeLayer(QStringLiteral("orphan"), digestOf("none")));
        QVERIFY(!orphan.ok());
        QCOMPARE(orphan.error().code, ErrorCode::NotFound);
    }

    void removeLayerThatIsAParentConflicts()
    {
        auto s = openStore(m_db);
        const LayerRecord base = makeLayer(QStringLiteral("base"));
        const LayerRecord top = makeLayer(QStringLiteral("top"), base.chainId);
        QVERIFY(s->addLayer(base).ok());
        QVERIFY(s->addLayer(top).ok());

        // Both unreferenced; the one nobody builds on is listed first.
        auto dead = s->unreferencedLayers();
        QVERIFY(dead.ok());
        QCOMPARE(*dead, (QStringList{top.chainId, base.chainId}));

        const Status st = s->removeLayer(base.chainId);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().code, ErrorCode::Conflict);
        QVERIFY2(st.error().message.contains(base.chainId) &&
                     st.error().message.contains(top.chainId),
                 qPrintable(st.error().message));
        auto still = s->layer(base.chainId);
        QVERIFY(still.ok() && still->has_value());

        QVERIFY(s->removeLayer(top.chainId).ok());
        QVERIFY(s->removeLayer(base.chainId).ok());
        auto gone = s->layers();
        QVERIFY(gone.ok() && gone->isEmpty());

        const Status again = s->removeLayer(base.chainId);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::NotFound);
    }

    void removeLayerUsedByImageConflicts()
    {
        auto s = openStore(m_db);
        const LayerRecord base = makeLayer(QStringLiteral("base"));
        QVERIFY(s->addLayer(base).ok());
        const ImageRecord img = makeImage(QStringLiteral("one"), {base.chainId});
        QVERIFY(s->putImage(img).ok());
        auto dead = s->unreferencedLayers();
        QVERIFY(dead.ok() && dead->isEmpty());
        const Status st = s->removeLayer(base.chainId);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().code, ErrorCode::Conflict);
        QVERIFY2(st.error().message.contains(img.id), qPrintable(st.error().message));

        QVERIFY(s->removeImage(img.id).ok());
        dead = s->unreferencedLayers();
        QVERIFY(dead.ok());
        QCOMPARE(*dead, QStringList{base.chainId});
    }

    void imageRoundTrip()
    {
        auto s = openStore(m_db);
        const LayerRecord a = makeLayer(QStringLiteral("a"));
        const LayerRecord b = makeLayer(QStringLiteral("b"), a.chainId);
        QVERIFY(s->addLayer(a).ok());
        QVERIFY(s->addLayer(b).ok());
        ImageRecord img = makeImage(QStringLiteral("img"), {a.chainId, b.chainId});
        img.parent = digestOf(QStringLiteral("config-parent"));
        auto put = s->putImage(img, {QStringLiteral("docker.io/library/x:1")});
        QVERIFY(put.ok());
        QVERIFY(put->isEmpty());

        auto got = s->image(img.id);
        QVERIFY(got.ok() && got->has_value());
        const ImageRecord &r = **got;
        QCOMPARE(r.id, img.id);
        QCOMPARE(r.manifestDigest, img.manifestDigest);
        QCOMPARE(r.manifestMediaType, img.manifestMediaType);
        QCOMPARE(r.manifestSize, img.manifestSize);
        QCOMPARE(r.created, img.created);
        QCOMPARE(r.added, img.added);
        QCOMPARE(r.size, img.size);
        QCOMPARE(r.parent, img.parent);
        QCOMPARE(r.chainIds, (QStringList{a.chainId, b.chainId}));

        auto list = s->images();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->first().chainIds, r.chainIds);
        QCOMPARE(list->first().created, img.created);

        auto missing = s->image(digestOf(QStringLiteral("other")));
        QVERIFY(missing.ok() && !missing->has_value());

        // Layers must exist first.
        auto bad = s->putImage(makeImage(QStringLiteral("bad"), {digestOf("no-such-layer")}));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::NotFound);
        auto count = s->images();
        QVERIFY(count.ok());
        QCOMPARE(count->size(), 1);
    }

    void putImageReportsDisplacedImages()
    {
        auto s = openStore(m_db);
        const ImageRecord one = makeImage(QStringLiteral("one"), {});
        const ImageRecord two = makeImage(QStringLiteral("two"), {});
        const QString latest = QStringLiteral("docker.io/library/app:latest");
        const QString v1 = QStringLiteral("docker.io/library/app:v1");
        QVERIFY(s->putImage(one, {latest, v1}).ok());
        auto displaced = s->putImage(two, {latest});
        QVERIFY(displaced.ok());
        QCOMPARE(*displaced, QStringList{one.id});
        auto tagsOne = s->tagsOf(one.id);
        QVERIFY(tagsOne.ok());
        QCOMPARE(*tagsOne, QStringList{v1});
        // Re-putting an image with its own tag displaces nothing.
        displaced = s->putImage(two, {latest});
        QVERIFY(displaced.ok() && displaced->isEmpty());
    }

    void setTagReturnsPreviousImage()
    {
        auto s = openStore(m_db);
        const ImageRecord one = makeImage(QStringLiteral("one"), {});
        const ImageRecord two = makeImage(QStringLiteral("two"), {});
        QVERIFY(s->putImage(one).ok());
        QVERIFY(s->putImage(two).ok());
        const QString ref = QStringLiteral("docker.io/library/busybox:latest");

        auto first = s->setTag(ref, one.id);
        QVERIFY(first.ok());
        QCOMPARE(*first, QString());
        auto second = s->setTag(ref, two.id);
        QVERIFY(second.ok());
        QCOMPARE(*second, one.id);
        auto now = s->imageForTag(ref);
        QVERIFY(now.ok() && now->has_value());
        QCOMPARE(**now, two.id);
        auto tagsOne = s->tagsOf(one.id);
        QVERIFY(tagsOne.ok() && tagsOne->isEmpty());

        auto bad = s->setTag(ref, digestOf(QStringLiteral("absent")));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::NotFound);
        now = s->imageForTag(ref);
        QVERIFY(now.ok() && now->has_value());
        QCOMPARE(**now, two.id);

        QVERIFY(s->removeTag(ref).ok());
        now = s->imageForTag(ref);
        QVERIFY(now.ok() && !now->has_value());
        const Status again = s->removeTag(ref);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::NotFound);
    }

    void allTagsOrderedByReference()
    {
        auto s = openStore(m_db);
        const ImageRecord one = makeImage(QStringLiteral("one"), {});
        const ImageRecord two = makeImage(QStringLiteral("two"), {});
        QVERIFY(s->putImage(one, {QStringLiteral("docker.io/library/b:1")}).ok());
        QVERIFY(s->putImage(two, {QStringLiteral("docker.io/library/a:1")}).ok());
        auto tags = s->allTags();
        QVERIFY(tags.ok());
        QCOMPARE(tags->size(), 2);
        QCOMPARE(tags->at(0), qMakePair(QStringLiteral("docker.io/library/a:1"), two.id));
        QCOMPARE(tags->at(1), qMakePair(QStringLiteral("docker.io/library/b:1"), one.id));
    }

    void removeImageTakesTagsAndDigests()
    {
        auto s = openStore(m_db);
        const ImageRecord one = makeImage(QStringLiteral("one"), {});
        const ImageRecord two = makeImage(QStringLiteral("two"), {});
        QVERIFY(s->putImage(one, {QStringLiteral("docker.io/library/one:latest")}).ok());
        QVERIFY(s->putImage(two, {QStringLiteral("docker.io/library/two:latest")}).ok());
        const QString rd1 = QStringLiteral("docker.io/library/one@") + one.manifestDigest;
        const QString rd2 = QStringLiteral("docker.io/library/two@") + two.manifestDigest;
        QVERIFY(s->addRepoDigest(one.id, rd1).ok());
        QVERIFY(s->addRepoDigest(one.id, rd1).ok()); // duplicate ignored
        QVERIFY(s->addRepoDigest(two.id, rd2).ok());
        QVERIFY(!s->addRepoDigest(digestOf(QStringLiteral("none")), rd1).ok());
        auto digests = s->repoDigestsOf(one.id);
        QVERIFY(digests.ok());
        QCOMPARE(*digests, QStringList{rd1});

        QVERIFY(s->removeImage(one.id).ok());
        auto gone = s->image(one.id);
        QVERIFY(gone.ok() && !gone->has_value());
        auto tags = s->allTags();
        QVERIFY(tags.ok());
        QCOMPARE(tags->size(), 1);
        QCOMPARE(tags->first().second, two.id);
        auto all = s->allRepoDigests();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 1);
        QCOMPARE(all->first(), qMakePair(two.id, rd2));

        const Status again = s->removeImage(one.id);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::NotFound);
    }

    void imageIdPrefixes()
    {
        auto s = openStore(m_db);
        QStringList ids;
        for (int i = 0; i < 40; ++i) {
            const ImageRecord r = makeImage(QString::number(i), {});
            QVERIFY(s->putImage(r).ok());
            ids << r.id;
        }
        const QString id = ids.first();
        auto exact = s->imageIdsWithPrefix(digestHex(id).left(12));
        QVERIFY(exact.ok());
        QCOMPARE(*exact, QStringList{id});
        auto prefixed = s->imageIdsWithPrefix(id.left(20));
        QVERIFY(prefixed.ok());
        QCOMPARE(*prefixed, QStringList{id});

        // One hex digit matches every id that starts with it.
        const QString digit = digestHex(id).left(1);
        QStringList expected;
        for (const QString &i : ids) {
            if (digestHex(i).startsWith(digit))
                expected << i;
        }
        std::sort(expected.begin(), expected.end());
        auto many = s->imageIdsWithPrefix(digit);
        QVERIFY(many.ok());
        QCOMPARE(*many, expected);

        auto none = s->imageIdsWithPrefix(QStringLiteral("sha256:"));
        QVERIFY(none.ok() && none->isEmpty());
    }

    void containers()
    {
        auto s = openStore(m_db);
        const ImageRecord img = makeImage(QStringLiteral("img"), {});
        QVERIFY(s->putImage(img).ok());
        const QString c1 = digestHex(digestOf(QStringLiteral("c1")));
        const QString c2 = digestHex(digestOf(QStringLiteral("c2")));
        QVERIFY(s->addContainer(c1, QStringLiteral("web"), img.id).ok());
        const Status dup = s->addContainer(c2, QStringLiteral("web"), img.id);
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().code, ErrorCode::Conflict);
        QVERIFY2(dup.error().message.contains(c1), qPrintable(dup.error().message));
        QVERIFY(s->addContainer(c2, QStringLiteral("db"), img.id).ok());
        QVERIFY(!s->addContainer(c2, QStringLiteral("x"), digestOf(QStringLiteral("no"))).ok());

        QStringList both{c1, c2};
        std::sort(both.begin(), both.end());
        auto users = s->containersUsingImage(img.id);
        QVERIFY(users.ok());
        QCOMPARE(*users, both);
        QVERIFY(s->removeContainer(c1).ok());
        users = s->containersUsingImage(img.id);
        QVERIFY(users.ok());
        QCOMPARE(*users, QStringList{c2});
        QCOMPARE(s->removeContainer(c1).error().code, ErrorCode::NotFound);
    }

    // Every process opening the store rereads the whole write-ahead log, and
    // container commands write a little each: the log is checkpointed at 128
    // pages (512 KiB), not SQLite's 1000, so it never grows to 4 MiB.
    void logStaysSmall()
    {
        auto s = openStore(m_db);
        const ImageRecord img = makeImage(QStringLiteral("img"), {});
        QVERIFY(s->putImage(img).ok());
        qint64 largest = 0;
        for (int i = 0; i < 600; ++i) {
            const QString id = digestHex(digestOf(QStringLiteral("c%1").arg(i)));
            QVERIFY(s->addContainer(id, QStringLiteral("n%1").arg(i), img.id).ok());
            largest = std::max(largest, QFileInfo(m_db + QStringLiteral("-wal")).size());
        }
        QVERIFY2(largest > 100 * 1024, qPrintable(QString::number(largest)));
        QVERIFY2(largest < 1024 * 1024, qPrintable(QString::number(largest)));
    }

    void containerRecords()
    {
        auto s = openStore(m_db);
        const ImageRecord img = makeImage(QStringLiteral("img"), {});
        QVERIFY(s->putImage(img).ok());
        const QString a = QStringLiteral("ab") + QString(62, QLatin1Char('1'));
        const QString b = QStringLiteral("ac") + QString(62, QLatin1Char('2'));
        QVERIFY(s->addContainer(a, QStringLiteral("web"), img.id, R"({"Path":"sh"})").ok());
        QVERIFY(s->addContainer(b, QStringLiteral("db"), img.id).ok());

        auto one = s->container(a);
        QVERIFY(one.ok() && one->has_value());
        QCOMPARE((*one)->name, QStringLiteral("web"));
        QCOMPARE((*one)->imageId, img.id);
        QCOMPARE((*one)->config, QByteArray(R"({"Path":"sh"})"));
        QVERIFY(qAbs((*one)->created.secsTo(QDateTime::currentDateTime())) < 60);
        QCOMPARE((*s->container(b))->config, QByteArray("{}"));
        QVERIFY(!s->container(QStringLiteral("ff"))->has_value());

        auto all = s->containers();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).id, a); // oldest first

        QCOMPARE(*s->containerIdsWithPrefix(QStringLiteral("a")), (QStringList{a, b}));
        QCOMPARE(*s->containerIdsWithPrefix(QStringLiteral("ab")), QStringList{a});
        QVERIFY(s->containerIdsWithPrefix(QStringLiteral("b"))->isEmpty());
        QCOMPARE(**s->containerByName(QStringLiteral("db")), b);
        QVERIFY(!s->containerByName(QStringLiteral("nope"))->has_value());

        const Status taken = s->renameContainer(a, QStringLiteral("db"));
        QCOMPARE(taken.error().code, ErrorCode::Conflict);
        QVERIFY2(taken.error().message.contains(b), qPrintable(taken.error().message));
        QVERIFY(s->renameContainer(a, QStringLiteral("front")).ok());
        QCOMPARE(**s->containerByName(QStringLiteral("front")), a);
        QVERIFY(!s->containerByName(QStringLiteral("web"))->has_value());
        QCOMPARE(s->renameContainer(QStringLiteral("ff"), QStringLiteral("x")).error().code,
                 ErrorCode::NotFound);

        QVERIFY(s->setContainerConfig(b, R"({"Path":"db"})").ok());
        QCOMPARE((*s->container(b))->config, QByteArray(R"({"Path":"db"})"));
        QCOMPARE(s->setContainerConfig(QStringLiteral("ff"), "{}").error().code,
                 ErrorCode::NotFound);
    }

    void transactionRollsBackOnFailure()
    {
        auto s = openStore(m_db);
        const ImageRecord img = makeImage(QStringLiteral("img"), {});
        QVERIFY(s->putImage(img).ok());
        const Status st = s->transaction([&]() -> Status {
            BERTH_TRY(s->setTag(QStringLiteral("docker.io/library/a:1"), img.id));
            return Error{ErrorCode::Cancelled, QStringLiteral("stop")};
        });
        QVERIFY(!st.ok());
        QCOMPARE(st.error().code, ErrorCode::Cancelled);
        auto tags = s->allTags();
        QVERIFY(tags.ok() && tags->isEmpty());

        QVERIFY(s->transaction([&]() -> Status {
                     BERTH_TRY(s->setTag(QStringLiteral("docker.io/library/a:1"), img.id));
                     BERTH_TRY(s->setTag(QStringLiteral("docker.io/library/a:2"), img.id));
                     return {};
                 }).ok());
        tags = s->allTags();
        QVERIFY(tags.ok());
        QCOMPARE(tags->size(), 2);
    }

    void listingThousandImagesIsFast()
    {
        auto s = openStore(m_db);
        QVERIFY(s->transaction([&]() -> Status {
                     for (int i = 0; i < 1000; ++i) {
                         const QString seed = QString::number(i);
                         LayerRecord l0 = makeLayer(seed + QStringLiteral("-0"));
                         LayerRecord l1 = makeLayer(seed + QStringLiteral("-1"), l0.chainId);
                         LayerRecord l2 = makeLayer(seed + QStringLiteral("-2"), l1.chainId);
                         for (const LayerRecord &l : {l0, l1, l2})
                             BERTH_TRY(s->addLayer(l));
                         BERTH_TRY(
                             s->putImage(makeImage(seed, {l0.chainId, l1.chainId, l2.chainId}),
                                         {QStringLiteral("docker.io/library/img%1:latest").arg(i),
                                          QStringLiteral("docker.io/library/img%1:v1").arg(i)}));
                     }
                     return {};
                 }).ok());

        QElapsedTimer timer;
        timer.start();
        auto images = s->images();
        auto tags = s->allTags();
        const qint64 ms = timer.elapsed();
        QVERIFY(images.ok());
        QVERIFY(tags.ok());
        QCOMPARE(images->size(), 1000);
        QCOMPARE(tags->size(), 2000);
        for (const ImageRecord &r : *images)
            QCOMPARE(r.chainIds.size(), 3);
        const ImageRecord probe = makeImage(QStringLiteral("7"), {});
        const auto it = std::find_if(images->begin(), images->end(),
                                     [&](const ImageRecord &r) { return r.id == probe.id; });
        QVERIFY(it != images->end());
        QCOMPARE(it->chainIds, (QStringList{makeLayer(QStringLiteral("7-0")).chainId,
                                            makeLayer(QStringLiteral("7-1")).chainId,
                                            makeLayer(QStringLiteral("7-2")).chainId}));
        qInfo("images() + allTags() for 1000 images: %lld ms", ms);
        QVERIFY2(ms < 50, qPrintable(QStringLiteral("listing took %1 ms").arg(ms)));
    }

    void twoProcessesTaggingLoseNothing()
    {
        const ImageRecord img = makeImage(QStringLiteral("shared"), {});
        {
            auto s = openStore(m_db);
            QVERIFY(s->putImage(img).ok());
        }
        QCOMPARE(
            runInChildren(2,
                          [&](int p) {
                              // Each child has its own connection on the same file.
                              auto s = MetadataStore::open(m_db);
                              if (!s.ok()) {
                                  qWarning("child %d: %s", p, qPrintable(s.error().message));
                                  return 2;
                              }
                              for (int i = 0; i < 100; ++i) {
                                  const QString ref =
                                      QStringLiteral("docker.io/library/p%1:t%2").arg(p).arg(i);
                                  if (!(*s)->setTag(ref, img.id).ok())
                                      return 3;
                              }
                              s->reset();
                              return 0;
                          }),
            QString());
        auto s = openStore(m_db);
        auto tags = s->tagsOf(img.id);
        QVERIFY(tags.ok());
        QCOMPARE(tags->size(), 200);
        for (int p = 0; p < 2; ++p) {
            for (int i = 0; i < 100; ++i)
                QVERIFY(tags->contains(QStringLiteral("docker.io/library/p%1:t%2").arg(p).arg(i)));
        }
    }
};

QTEST_GUILESS_MAIN(TestMetadataStore)
#include "tst_store_metadata.moc"
