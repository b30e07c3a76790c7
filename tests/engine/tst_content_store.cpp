// Tests for the content store: verified ingest, blob reads and removal, and the
// OCI index shared between threads and processes.
#include "ChildProcesses.h"
#include "content/ContentStore.h"

#include "util/Json.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

using namespace berth;
using namespace berth::content;

namespace {

const Digest otherDigest =
    QStringLiteral("sha256:0000000000000000000000000000000000000000000000000000000000000001");

QByteArray pattern(qsizetype size, char seed)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char((i * 31 + seed) & 0xff);
    return data;
}

// Names in the temp dir other than the index lock, which stays by design.
QStringList tempLeftovers(const QString &tmpDir)
{
    QStringList names =
        QDir(tmpDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    names.removeAll(QStringLiteral("index.json.lock"));
    return names;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

class TestContentStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ContentStore> m_store;
    QString m_oci;
    QString m_tmp;

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        const QString root =
            m_dir.path() + QLatin1Char('/') + QString::fromLatin1(QTest::currentTestFunction());
        m_oci = root + QStringLiteral("/oci");
        m_tmp = root + QStringLiteral("/tmp");
        m_store = std::make_unique<ContentStore>(m_oci, m_tmp);
        auto st = m_store->init();
        QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().message));
    }

    void layoutFiles()
    {
        auto layout = json::Value::parse(fileBytes(m_oci + QStringLiteral("/oci-layout")));
        QVERIFY(layout.ok());
        QCOMPARE(layout->value(QStringLiteral("imageLayoutVersion")).toString(),
                 QStringLiteral("1.0.0"));
        auto index = json::Value::parse(fileBytes(m_oci + QStringLiteral("/index.json")));
        QVERIFY(index.ok());
        QCOMPARE(index->value(QStringLiteral("schemaVersion")).toInt64(), 2);
        QVERIFY(index->value(QStringLiteral("manifests")).isArray());
        QCOMPARE(index->value(QStringLiteral("manifests")).size(), 0);
        QVERIFY(QFileInfo(m_oci + QStringLiteral("/blobs/sha256")).isDir());
        // A second init (another process starting) keeps what is there.
        QVERIFY(m_store
                    ->setIndex({{QStringLiteral("docker.io/library/a:1"), otherDigest, 7,
                                 QStringLiteral("application/vnd.oci.image.manifest.v1+json")}})
                    .ok());
        QVERIFY(m_store->init().ok());
        auto entries = m_store->index();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 1);
    }

    void ingestOk()
    {
        const QByteArray data = pattern(300000, 1);
        const Digest expected = Sha256::of(data);
        auto ingest = m_store->beginIngest();
        QVERIFY(ingest.ok());
        for (qsizetype off = 0; off < data.size(); off += 65536) {
            const qsizetype n = qMin<qsizetype>(65536, data.size() - off);
            QVERIFY((*ingest)->write(data.constData() + off, n).ok());
        }
        QCOMPARE((*ingest)->bytesWritten(), data.size());
        QVERIFY(!m_store->has(expected)); // not visible before commit
        auto digest = (*ingest)->commit(expected, data.size());
        QVERIFY2(digest.ok(), qPrintable(digest.ok() ? QString() : digest.error().message));
        QCOMPARE(*digest, expected);

        const QString path = m_oci + QStringLiteral("/blobs/sha256/") + digestHex(expected);
        QCOMPARE(m_store->blobPath(expected), path);
        QCOMPARE(fileBytes(path), data);
        struct stat st;
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0644));
        QVERIFY(m_store->has(expected));
        QCOMPARE(*m_store->blobSize(expected), data.size());
        QCOMPARE(m_store->allBlobs(), QList<Digest>{expected});
        QCOMPARE(tempLeftovers(m_tmp), QStringList());
        auto read = m_store->readBlob(expected);
        QVERIFY(read.ok());
        QCOMPARE(*read, data);
    }

    void ingestWithoutExpectation()
    {
        auto ingest = m_store->beginIngest();
        QVERIFY(ingest.ok());
        QVERIFY((*ingest)->write("hello", 5).ok());
        auto digest = (*ingest)->commit();
        QVERIFY(digest.ok());
        QCOMPARE(*digest,
                 QStringLiteral(
                     "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
        QCOMPARE(fileBytes(m_store->blobPath(*digest)), QByteArray("hello"));
    }

    void ingestMismatch()
    {
        const QByteArray data = pattern(1000, 2);
        const Digest actual = Sha256::of(data);
        auto ingest = m_store->beginIngest();
        QVERIFY(ingest.ok());
        QVERIFY((*ingest)->write(data.constData(), data.size()).ok());
        auto digest = (*ingest)->commit(otherDigest, data.size());
        QVERIFY(!digest.ok());
        QCOMPARE(digest.error().code, ErrorCode::Corrupt);
        QVERIFY2(digest.error().message.contains(otherDigest), qPrintable(digest.error().message));
        QVERIFY2(digest.error().message.contains(actual), qPrintable(digest.error().message));
        QVERIFY(!QFile::exists(m_store->blobPath(otherDigest)));
        QVERIFY(!QFile::exists(m_store->blobPath(actual)));
        QCOMPARE(m_store->allBlobs(), QList<Digest>());
        QCOMPARE(tempLeftovers(m_tmp), QStringList());
        // The ingest is finished: nothing more may be written to it.
        QVERIFY(!(*ingest)->write("x", 1).ok());
    }

    void ingestTruncated()
    {
        const QByteArray data = pattern(5000, 3);
        const Digest expected = Sha256::of(data);
        auto ingest = m_store->beginIngest();
        QVERIFY(ingest.ok());
        QVERIFY((*ingest)->write(data.constData(), 4000).ok());
        auto digest = (*ingest)->commit(expected, data.size());
        QVERIFY(!digest.ok());
        QCOMPARE(digest.error().code, ErrorCode::Corrupt);
        QVERIFY2(digest.error().message.contains(QStringLiteral("5000")),
                 qPrintable(digest.error().message));
        QVERIFY2(digest.error().message.contains(QStringLiteral("4000")),
                 qPrintable(digest.error().message));
        QVERIFY(!m_store->has(expected));
        QCOMPARE(m_store->allBlobs(), QList<Digest>());
        QCOMPARE(tempLeftovers(m_tmp), QStringList());
    }

    void abandonedIngestLeavesNothing()
    {
        {
            auto ingest = m_store->beginIngest();
            QVERIFY(ingest.ok());
            QVERIFY((*ingest)->write("partial", 7).ok());
            QCOMPARE(tempLeftovers(m_tmp).size(), 1);
            QVERIFY(tempLeftovers(m_tmp).first().startsWith(QString::number(::getpid()) +
                                                            QLatin1Char('-')));
        }
        QCOMPARE(tempLeftovers(m_tmp), QStringList());
        QCOMPARE(m_store->allBlobs(), QList<Digest>());
    }

    void readVerifies()
    {
        const QByteArray data("config bytes");
        auto digest = m_store->writeBlob(data);
        QVERIFY(digest.ok());
        QFile f(m_store->blobPath(*digest));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("config bytez");
        f.close();
        auto verified = m_store->readBlob(*digest);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code, ErrorCode::Corrupt);
        QVERIFY(verified.error().message.contains(*digest));
        QVERIFY(verified.error().message.contains(Sha256::of("config bytez")));
        auto unverified = m_store->readBlob(*digest, false);
        QVERIFY(unverified.ok());
        QCOMPARE(*unverified, QByteArray("config bytez"));
        auto missing = m_store->readBlob(otherDigest);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(!m_store->readBlob(QStringLiteral("sha256:zz")).ok());
    }

    void writeAndRemove()
    {
        const QByteArray data("{\"a\":1}");
        auto bad = m_store->writeBlob(data, otherDigest);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::Corrupt);
        QCOMPARE(m_store->allBlobs(), QList<Digest>());

        auto digest = m_store->writeBlob(data, Sha256::of(data));
        QVERIFY(digest.ok());
        QCOMPARE(*digest, Sha256::of(data));
        QCOMPARE(fileBytes(m_store->blobPath(*digest)), data);
        // Writing it again is a no-op; writing other bytes under its name is refused.
        QVERIFY(m_store->writeBlob(data, *digest).ok());
        QVERIFY(!m_store->writeBlob("other", *digest).ok());
        QCOMPARE(fileBytes(m_store->blobPath(*digest)), data);

        auto second = m_store->writeBlob("second");
        QVERIFY(second.ok());
        QList<Digest> expected{*digest, *second};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(m_store->allBlobs(), expected);

        QVERIFY(m_store->removeBlob(*digest).ok());
        QVERIFY(!m_store->has(*digest));
        QVERIFY(!QFile::exists(m_store->blobPath(*digest)));
        QCOMPARE(m_store->allBlobs(), QList<Digest>{*second});
        QVERIFY(m_store->removeBlob(*digest).ok()); // already gone
        QVERIFY(!m_store->blobSize(*digest).ok());
    }

    void concurrentIngestSameBlob()
    {
        const QByteArray data = pattern(4 * 1024 * 1024, 4);
        const Digest expected = Sha256::of(data);
        Result<Digest> results[2] = {Error{}, Error{}};
        QThread *threads[2];
        for (int t = 0; t < 2; ++t) {
            threads[t] = QThread::create([&, t] {
                auto ingest = m_store->beginIngest();
                if (!ingest.ok()) {
                    results[t] = ingest.error();
                    return;
                }
                for (qsizetype off = 0; off < data.size(); off += 32768) {
                    auto st = (*ingest)->write(data.constData() + off, 32768);
                    if (!st.ok()) {
                        results[t] = st.error();
                        return;
                    }
                }
                results[t] = (*ingest)->commit(expected, data.size());
            });
        }
        threads[0]->start();
        threads[1]->start();
        for (QThread *t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        for (const auto &r : results) {
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            QCOMPARE(*r, expected);
        }
        QCOMPARE(m_store->allBlobs(), QList<Digest>{expected});
        QCOMPARE(fileBytes(m_store->blobPath(expected)), data);
        QCOMPARE(tempLeftovers(m_tmp), QStringList());
    }

    void indexRoundTrip()
    {
        const QList<IndexEntry> entries{
            {QStringLiteral("docker.io/library/busybox:latest"), otherDigest, 528,
             QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
            {QStringLiteral("localhost:5000/x:1"), Sha256::of("m"), 1,
             QStringLiteral("application/vnd.docker.distribution.manifest.v2+json")},
        };
        QVERIFY(m_store->setIndex(entries).ok());
        auto doc = json::Value::parse(fileBytes(m_oci + QStringLiteral("/index.json")));
        QVERIFY(doc.ok());
        const json::Value &m0 = doc->value(QStringLiteral("manifests")).at(0);
        QCOMPARE(m0.value(QStringLiteral("digest")).toString(), otherDigest);
        QCOMPARE(m0.value(QStringLiteral("size")).toInt64(), 528);
        QCOMPARE(m0.value(QStringLiteral("annotations"))
                     .value(QStringLiteral("org.opencontainers.image.ref.name"))
                     .toString(),
                 QStringLiteral("docker.io/library/busybox:latest"));
        auto back = m_store->index();
        QVERIFY(back.ok());
        QCOMPARE(back->size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(back->at(i).refName, entries[i].refName);
            QCOMPARE(back->at(i).digest, entries[i].digest);
            QCOMPARE(back->at(i).size, entries[i].size);
            QCOMPARE(back->at(i).mediaType, entries[i].mediaType);
        }
        // No temp files of the atomic replace stay next to index.json.
        QCOMPARE(QDir(m_oci).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 (QStringList{QStringLiteral("blobs"), QStringLiteral("index.json"),
                              QStringLiteral("oci-layout")}));
    }

    void corruptIndex()
    {
        QFile f(m_oci + QStringLiteral("/index.json"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"manifests\": [");
        f.close();
        auto entries = m_store->index();
        QVERIFY(!entries.ok());
        QCOMPARE(entries.error().code, ErrorCode::Corrupt);
        QVERIFY(entries.error().message.contains(QStringLiteral("index.json")));
    }

    void indexUpdatesFromTwoProcesses()
    {
        QCOMPARE(
            runInChildren(
                2,
                [&](int c) {
                    ContentStore store(m_oci, m_tmp);
                    for (int i = 0; i < 50; ++i) {
                        const Digest d = Sha256::of(QByteArray::number(c * 1000 + i));
                        auto st = store.updateIndex([&](QList<IndexEntry> &entries) {
                            entries.append(
                                {QStringLiteral("localhost/child%1:%2").arg(c).arg(i), d, i,
                                 QStringLiteral("application/vnd.oci.image.manifest.v1+json")});
                        });
                        if (!st.ok())
                            return 1;
                    }
                    return 0;
                }),
            QString());
        auto entries = m_store->index();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 100);
        QSet<QString> names;
        for (const IndexEntry &e : *entries)
            names.insert(e.refName);
        QCOMPARE(names.size(), 100);
        for (int c = 0; c < 2; ++c)
            for (int i = 0; i < 50; ++i)
                QVERIFY(names.contains(QStringLiteral("localhost/child%1:%2").arg(c).arg(i)));
    }

    void layoutValidatesWithUmoci()
    {
        const QString umoci = QStandardPaths::findExecutable(QStringLiteral("umoci"));
        if (umoci.isEmpty())
            QSKIP("umoci is not installed");
        const QString tarTool = QStandardPaths::findExecutable(QStringLiteral("tar"));
        if (tarTool.isEmpty())
            QSKIP("tar is not installed");

        // One layer holding one file.
        QTemporaryDir src;
        QVERIFY(src.isValid());
        QFile hello(src.path() + QStringLiteral("/hello.txt"));
        QVERIFY(hello.open(QIODevice::WriteOnly));
        hello.write("hello from berth\n");
        hello.close();
        QProcess tar;
        tar.start(tarTool, {QStringLiteral("-C"), src.path(), QStringLiteral("-cf"),
                            QStringLiteral("-"), QStringLiteral("hello.txt")});
        QVERIFY(tar.waitForFinished(30000));
        QCOMPARE(tar.exitCode(), 0);
        const QByteArray layer = tar.readAllStandardOutput();
        QVERIFY(!layer.isEmpty());
        auto layerDigest = m_store->writeBlob(layer);
        QVERIFY(layerDigest.ok());

        const QByteArray config =
            QStringLiteral(R"({"architecture":"amd64","os":"linux","config":{"Cmd":["/hello"]},)"
                           R"("rootfs":{"type":"layers","diff_ids":["%1"]}})")
                .arg(*layerDigest)
                .toUtf8();
        auto configDigest = m_store->writeBlob(config);
        QVERIFY(configDigest.ok());
        const QByteArray manifest =
            QStringLiteral(
                R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%1","size":%2},)"
                R"("layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%3","size":%4}]})")
                .arg(*configDigest)
                .arg(config.size())
                .arg(*layerDigest)
                .arg(layer.size())
                .toUtf8();
        auto manifestDigest = m_store->writeBlob(manifest);
        QVERIFY(manifestDigest.ok());
        QVERIFY(m_store
                    ->updateIndex([&](QList<IndexEntry> &entries) {
                        // The engine's full reference next to a plain tag, as other tools write it.
                        for (const char *name : {"docker.io/library/tiny:latest", "tiny"})
                            entries.append(
                                {QString::fromLatin1(name), *manifestDigest, manifest.size(),
                                 QStringLiteral("application/vnd.oci.image.manifest.v1+json")});
                    })
                    .ok());

        QProcess ls;
        ls.start(umoci, {QStringLiteral("ls"), QStringLiteral("--layout"), m_oci});
        QVERIFY(ls.waitForFinished(30000));
        QVERIFY2(ls.exitCode() == 0, ls.readAllStandardError().constData());
        QList<QByteArray> listed = ls.readAllStandardOutput().trimmed().split('\n');
        std::sort(listed.begin(), listed.end());
        QCOMPARE(listed, (QList<QByteArray>{"docker.io/library/tiny:latest", "tiny"}));

        // umoci follows the index to the manifest and the layer and unpacks it.
        QTemporaryDir out;
        QVERIFY(out.isValid());
        const QString rootfs = out.path() + QStringLiteral("/rootfs");
        QProcess unpack;
        unpack.start(umoci,
                     {QStringLiteral("raw"), QStringLiteral("unpack"), QStringLiteral("--rootless"),
                      QStringLiteral("--image"), m_oci + QStringLiteral(":tiny"), rootfs});
        QVERIFY(unpack.waitForFinished(30000));
        QVERIFY2(unpack.exitCode() == 0, unpack.readAllStandardError().constData());
        QCOMPARE(fileBytes(rootfs + QStringLiteral("/hello.txt")),
                 QByteArray("hello from berth\n"));
    }
};

QTEST_GUILESS_MAIN(TestContentStore)
#include "tst_content_store.moc"
