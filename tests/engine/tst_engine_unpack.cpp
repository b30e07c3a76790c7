// Tests for lazy unpacking: load and import store a layer's blob and check its
// tar (layer/Scan) without making its directory; Engine::ensureUnpacked makes
// it the first time it is needed. Sizes from the scan equal an eager apply's,
// hostile tars fail as apply would, and a failed unpack leaves nothing.
#include "Engine.h"
#include "layer/Apply.h"
#include "layer/Scan.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>
#include <thread>

using namespace berth;

namespace {

// Builds a tar in memory entry by entry, so tests can write what no
// well-behaved tool would.
class TarBuilder
{
public:
    TarBuilder()
    {
        m_archive = archive_write_new();
        archive_write_set_format_pax_restricted(m_archive);
        archive_write_open(m_archive, this, nullptr, &TarBuilder::append, nullptr);
    }
    ~TarBuilder() { archive_write_free(m_archive); }

    TarBuilder &file(const char *path, const QByteArray &data, int mode = 0644)
    {
        archive_entry *e = entry(path, AE_IFREG, mode);
        archive_entry_set_size(e, data.size());
        write(e, data);
        return *this;
    }
    TarBuilder &dir(const char *path, int mode = 0755)
    {
        write(entry(path, AE_IFDIR, mode));
        return *this;
    }
    TarBuilder &symlink(const char *path, const char *target)
    {
        archive_entry *e = entry(path, AE_IFLNK, 0777);
        archive_entry_set_symlink(e, target);
        write(e);
        return *this;
    }
    TarBuilder &hardlink(const char *path, const char *target)
    {
        archive_entry *e = entry(path, AE_IFREG, 0644);
        archive_entry_set_hardlink(e, target);
        archive_entry_set_size(e, 0);
        write(e);
        return *this;
    }

    QByteArray finish()
    {
        archive_write_close(m_archive);
        return m_data;
    }

private:
    static la_ssize_t append(struct archive *, void *client, const void *buffer, size_t size)
    {
        static_cast<TarBuilder *>(client)->m_data.append(static_cast<const char *>(buffer),
                                                         qsizetype(size));
        return la_ssize_t(size);
    }

    archive_entry *entry(const char *path, unsigned type, int mode)
    {
        archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, path);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, mode);
        archive_entry_set_mtime(e, 1600000000, 0);
        return e;
    }

    void write(archive_entry *e, const QByteArray &data = {})
    {
        QVERIFY(archive_write_header(m_archive, e) >= ARCHIVE_WARN);
        if (!data.isEmpty())
            QCOMPARE(archive_write_data(m_archive, data.constData(), size_t(data.size())),
                     la_ssize_t(data.size()));
        archive_entry_free(e);
    }

    struct archive *m_archive;
    QByteArray m_data;
};

// A `docker save` (20.10) archive of one image made of the given layer tars.
QByteArray dockerSave(const QList<QByteArray> &layers, const QString &tag)
{
    QStringList diffIds;
    QJsonArray layerPaths;
    TarBuilder outer;
    for (const QByteArray &tar : layers) {
        const Digest diffId = Sha256::of(tar);
        diffIds << diffId;
        const QByteArray dir = digestHex(diffId).toLatin1();
        outer.dir(dir.constData());
        outer.file((dir + "/layer.tar").constData(), tar);
        layerPaths.append(QString::fromLatin1(dir + "/layer.tar"));
    }
    QJsonObject config{
        {QStringLiteral("architecture"), image::hostArchitecture()},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("config"), QJsonObject{}},
        {QStringLiteral("rootfs"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                     {QStringLiteral("diff_ids"), QJsonArray::fromStringList(diffIds)}}}};
    const QByteArray configRaw = QJsonDocument(config).toJson(QJsonDocument::Compact);
    const QByteArray configName = digestHex(Sha256::of(configRaw)).toLatin1() + ".json";
    outer.file(configName.constData(), configRaw);
    const QJsonArray manifest{
        QJsonObject{{QStringLiteral("Config"), QString::fromLatin1(configName)},
                    {QStringLiteral("RepoTags"), QJsonArray{tag}},
                    {QStringLiteral("Layers"), layerPaths}}};
    outer.file("manifest.json", QJsonDocument(manifest).toJson(QJsonDocument::Compact));
    return outer.finish();
}

// A layer with every kind of entry whose size docker counts.
QByteArray sampleLayer()
{
    return TarBuilder()
        .dir("./")
        .dir("etc/")
        .file("etc/hello", "hello world\n", 0640)
        .dir("bin/")
        .file("bin/tool", "#!/bin/sh\necho tool\n", 0755)
        .symlink("bin/link", "tool")
        .hardlink("etc/hard", "etc/hello")
        .file("etc/replaced", "first version, longer")
        .file("etc/replaced", "second")
        .file(".wh.gone", {})
        .finish();
}

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QStringList entriesOf(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden |
                               QDir::System);
}

// What a directory under tmp/ holds besides lock files (ingests use them).
QStringList scratchOf(const QString &root)
{
    QStringList out;
    for (const QString &name : entriesOf(root + QStringLiteral("/tmp"))) {
        if (!name.endsWith(QLatin1String(".lock")))
            out << name;
    }
    return out;
}

Result<layer::ApplyResult> applyInto(const QByteArray &tar, const QString &dir)
{
    BufferReader in(tar);
    layer::ApplyOptions options;
    options.preserveOwners = ::geteuid() == 0;
    return layer::applyLayer(in, dir, options);
}

} // namespace

class TestEngineUnpack : public QObject
{
    Q_OBJECT

private slots:
    void scanReportsWhatApplyReports();
    void loadStoresBlobOnly();
    void ensureUnpackedMakesTheLayer();
    void symlinkWalkRejectedAtLoad();
    void failedUnpackLeavesNothing();
    void truncatedLayerFailsLoad();
    void crashLeftoverIsReplaced();
    void concurrentUnpacksShareOneLayer();
};

void TestEngineUnpack::scanReportsWhatApplyReports()
{
    const QList<QByteArray> tars{
        sampleLayer(),
        TarBuilder().finish(),
        // A directory replaced by a file, and a symlink replaced by a directory
        // that entries then go into: legal, and no symlink is walked.
        TarBuilder()
            .dir("d/")
            .file("d/x", "xx")
            .file("d", "now a file")
            .symlink("s", "/etc")
            .dir("s/")
            .file("s/passwd", "root")
            .symlink("long", "a/very/long/target/name/that/counts/in/the/size")
            .finish(),
    };
    for (const QByteArray &tar : tars) {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto applied = applyInto(tar, dir.path());
        QVERIFY2(applied.ok(), qPrintable(applied.ok() ? QString() : applied.error().message));
        BufferReader in(tar);
        const auto scanned = layer::scanLayer(in);
        QVERIFY2(scanned.ok(), qPrintable(scanned.ok() ? QString() : scanned.error().message));
        QCOMPARE(scanned->diffId, applied->diffId);
        QCOMPARE(scanned->diffId, Sha256::of(tar));
        QCOMPARE(scanned->tarSize, applied->tarSize);
        QCOMPARE(scanned->tarSize, qint64(tar.size()));
        QCOMPARE(scanned->fileBytes, applied->fileBytes);
    }
    // hello (12) + tool (20) + link target (4) + both versions of replaced (21 + 6).
    BufferReader in(tars[0]);
    QCOMPARE(layer::scanLayer(in)->fileBytes, qint64(12 + 20 + 4 + 21 + 6));

    // Names apply refuses, refused in its words.
    const QList<QPair<QByteArray, QString>> hostile{
        {TarBuilder().file("/etc/passwd", "x").finish(),
         QStringLiteral("entry \"/etc/passwd\": absolute path not allowed in a layer")},
        {TarBuilder().file("a/../../x", "x").finish(),
         QStringLiteral("entry \"a/../../x\": path escapes the layer root")},
        {TarBuilder().file("a", "x").hardlink("b", "../a").finish(),
         QStringLiteral("entry \"b\": hard link target \"../a\" escapes the layer root")},
        {TarBuilder().file("a", "x").hardlink("b", "/a").finish(),
         QStringLiteral("entry \"b\": hard link target \"/a\" is an absolute path")},
    };
    for (const auto &[tar, message] : hostile) {
        QTemporaryDir dir;
        const auto applied = applyInto(tar, dir.path());
        QVERIFY(!applied.ok());
        QVERIFY2(applied.error().message.contains(message), qPrintable(applied.error().message));
        BufferReader in(tar);
        const auto scanned = layer::scanLayer(in);
        QVERIFY(!scanned.ok());
        QCOMPARE(scanned.error().code, applied.error().code);
        QVERIFY2(scanned.error().message.contains(message), qPrintable(scanned.error().message));
    }
}

void TestEngineUnpack::loadStoresBlobOnly()
{
    QTemporaryDir tmp;
    const QString root = tmp.path() + QStringLiteral("/root");
    auto engine = Engine::open(root);
    QVERIFY(engine.ok());
    Engine &e = **engine;
    const QByteArray tar = sampleLayer();
    BufferReader in(dockerSave({tar}, QStringLiteral("unpack/test:1")));
    const auto report = e.load(in);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
    QCOMPARE(report->tags, QStringList{QStringLiteral("unpack/test:1")});

    QCOMPARE(entriesOf(root + QStringLiteral("/layers")), QStringList());
    const QString chain = Sha256::of(tar); // a base layer's chainID is its diffID
    const auto rec = e.metadata().layer(chain);
    QVERIFY(rec.ok() && rec->has_value());
    QVERIFY(!(*rec)->unpacked);
    QTemporaryDir eager;
    const auto applied = applyInto(tar, eager.path());
    QVERIFY(applied.ok());
    QCOMPARE((*rec)->size, applied->fileBytes);
    QCOMPARE((*rec)->tarSize, applied->tarSize);
    QCOMPARE((*rec)->diffId, applied->diffId);
    // A plain tar is stored as it came: its blob is the tar.
    QCOMPARE((*rec)->blobDigest, Digest(Sha256::of(tar)));
    const auto blob = e.content().readBlob((*rec)->blobDigest);
    QVERIFY(blob.ok());
    QCOMPARE(*blob, tar);

    // What lists, inspects and saves images reads records and blobs only.
    const auto id = e.resolveImage(QStringLiteral("unpack/test:1"));
    QVERIFY(id.ok());
    const auto list = e.images();
    QVERIFY(list.ok());
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().size, applied->fileBytes);
    QVERIFY(e.inspectImage(*id).ok());
    const auto history = e.history(*id);
    QVERIFY(history.ok());
    const auto usage = e.diskUsage();
    QVERIFY(usage.ok());
    QCOMPARE(usage->imagesSize, applied->fileBytes);
    BufferWriter saved;
    QVERIFY(e.save({QStringLiteral("unpack/test:1")}, saved).ok());
    QCOMPARE(entriesOf(root + QStringLiteral("/layers")), QStringList());

    // The saved archive loads into another store as the same image.
    auto other = Engine::open(tmp.path() + QStringLiteral("/other"));
    QVERIFY(other.ok());
    BufferReader again(saved.data());
    QVERIFY((*other)->load(again).ok());
    QCOMPARE(*(*other)->resolveImage(QStringLiteral("unpack/test:1")), *id);

    // Removing a layer that was never unpacked takes its blob with it.
    QVERIFY(e.removeImage(QStringLiteral("unpack/test:1"), false).ok());
    QCOMPARE(e.metadata().layers()->size(), 0);
    QCOMPARE(e.content().allBlobs().size(), 0);
    QCOMPARE(entriesOf(root + QStringLiteral("/layers")), QStringList());
}

void TestEngineUnpack::ensureUnpackedMakesTheLayer()
{
    QTemporaryDir tmp;
    auto engine = Engine::open(tmp.path());
    QVERIFY(engine.ok());
    Engine &e = **engine;
    const QByteArray base = sampleLayer();
    const QByteArray top = TarBuilder().file("etc/hello", "changed\n", 0600).finish();
    BufferReader in(dockerSave({base, top}, QStringLiteral("unpack/two:1")));
    QVERIFY(e.load(in).ok());
    const QStringList chains = image::chainIds({Sha256::of(base), Sha256::of(top)});
    QCOMPARE(entriesOf(tmp.path() + QStringLiteral("/layers")), QStringList());

    const Status st = e.ensureUnpacked(chains);
    QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().message));
    const QString baseDir = e.layerDir(chains[0]);
    const QString topDir = e.layerDir(chains[1]);
    QCOMPARE(readText(baseDir + QStringLiteral("/etc/hello")), QStringLiteral("hello world\n"));
    QCOMPARE(readText(baseDir + QStringLiteral("/etc/replaced")), QStringLiteral("second"));
    QCOMPARE(readText(topDir + QStringLiteral("/etc/hello")), QStringLiteral("changed\n"));
    struct stat st1
    {
    };
    struct stat st2
    {
    };
    QCOMPARE(::lstat(QFile::encodeName(baseDir + QStringLiteral("/etc/hello")).constData(), &st1),
             0);
    QCOMPARE(st1.st_mode & 07777, mode_t(0640));
    QCOMPARE(::lstat(QFile::encodeName(baseDir + QStringLiteral("/etc/hard")).constData(), &st2),
             0);
    QCOMPARE(st2.st_ino, st1.st_ino);
    QCOMPARE(::lstat(QFile::encodeName(baseDir + QStringLiteral("/bin/tool")).constData(), &st1),
             0);
    QCOMPARE(st1.st_mode & 07777, mode_t(0755));
    QCOMPARE(QFile::symLinkTarget(baseDir + QStringLiteral("/bin/link")),
             baseDir + QStringLiteral("/bin/tool"));
    QCOMPARE(::lstat(QFile::encodeName(topDir + QStringLiteral("/etc/hello")).constData(), &st1),
             0);
    QCOMPARE(st1.st_mode & 07777, mode_t(0600));
    for (const QString &c : chains)
        QVERIFY((*e.metadata().layer(c))->unpacked);
    QCOMPARE(scratchOf(tmp.path()), QStringList());

    // Idempotent: the directories stay the ones made the first time.
    QCOMPARE(::stat(QFile::encodeName(baseDir).constData(), &st1), 0);
    QVERIFY(e.ensureUnpacked(chains).ok());
    QCOMPARE(::stat(QFile::encodeName(baseDir).constData(), &st2), 0);
    QCOMPARE(st2.st_ino, st1.st_ino);

    // Removal takes the directories too.
    QVERIFY(e.removeImage(QStringLiteral("unpack/two:1"), false).ok());
    QCOMPARE(entriesOf(tmp.path() + QStringLiteral("/layers")), QStringList());

    const Status missing = e.ensureUnpacked(chains);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
}

void TestEngineUnpack::symlinkWalkRejectedAtLoad()
{
    // "a -> /etc" then "a/passwd": apply refuses to walk the link; the scan
    // sees the same from the names, so the load fails with apply's words.
    const QByteArray tar = TarBuilder().symlink("a", "/etc").file("a/passwd", "evil").finish();
    const QString expected =
        QStringLiteral("entry \"a/passwd\": open directory a: path goes through a symbolic link");
    QTemporaryDir eager;
    const auto applied = applyInto(tar, eager.path());
    QVERIFY(!applied.ok());
    QVERIFY2(applied.error().message.contains(expected), qPrintable(applied.error().message));

    QTemporaryDir tmp;
    auto engine = Engine::open(tmp.path());
    QVERIFY(engine.ok());
    BufferReader in(dockerSave({tar}, QStringLiteral("unpack/evil:1")));
    const auto loaded = (*engine)->load(in);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.error().message.contains(expected), qPrintable(loaded.error().message));
    QCOMPARE((*engine)->images()->size(), 0);
    QCOMPARE((*engine)->content().allBlobs().size(), 0);
    QCOMPARE(entriesOf(tmp.path() + QStringLiteral("/layers")), QStringList());

    // The same through a hard link whose target goes through the link.
    const QByteArray viaLink = TarBuilder().symlink("a", "/etc").hardlink("b", "a/passwd").finish();
    BufferReader in2(viaLink);
    const auto scanned = layer::scanLayer(in2);
    QVERIFY(!scanned.ok());
    QVERIFY2(scanned.error().message.contains(QStringLiteral(
                 "entry \"b\": hard link target \"a/passwd\" goes through a symbolic link")),
             qPrintable(scanned.error().message));
}

void TestEngineUnpack::failedUnpackLeavesNothing()
{
    // A name below a regular file: only the file system tells, so the load
    // takes it and the unpack fails, naming the entry.
    const QByteArray tar = TarBuilder().file("f", "x").file("f/x", "y").finish();
    QTemporaryDir tmp;
    auto engine = Engine::open(tmp.path());
    QVERIFY(engine.ok());
    Engine &e = **engine;
    BufferReader in(dockerSave({tar}, QStringLiteral("unpack/bad:1")));
    QVERIFY(e.load(in).ok());
    const QString chain = Sha256::of(tar);
    const Status st = e.ensureUnpacked({chain});
    QVERIFY(!st.ok());
    QVERIFY2(st.error().message.contains(QStringLiteral("entry \"f/x\"")),
             qPrintable(st.error().message));
    QCOMPARE(entriesOf(tmp.path() + QStringLiteral("/layers")), QStringList());
    QCOMPARE(scratchOf(tmp.path()), QStringList());
    QVERIFY(!(*e.metadata().layer(chain))->unpacked);
}

void TestEngineUnpack::truncatedLayerFailsLoad()
{
    const QByteArray big = QByteArray(300000, 'z');
    const QByteArray tar = TarBuilder().file("big", big).finish();
    // Cut inside the file's data: the headers that were read are fine, the rest is gone.
    const QByteArray cut = tar.left(150000);
    QTemporaryDir tmp;
    auto engine = Engine::open(tmp.path());
    QVERIFY(engine.ok());
    BufferReader in(dockerSave({cut}, QStringLiteral("unpack/cut:1")));
    const auto loaded = (*engine)->load(in);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().code, ErrorCode::Corrupt);
    QVERIFY2(loaded.error().message.contains(QStringLiteral("check layer")),
             qPrintable(loaded.error().message));
    QCOMPARE((*engine)->content().allBlobs().size(), 0);
    QCOMPARE((*engine)->metadata().layers()->size(), 0);
    QCOMPARE(scratchOf(tmp.path()), QStringList());
}

void TestEngineUnpack::crashLeftoverIsReplaced()
{
    // A crash between the rename and the mark leaves a directory of a layer
    // still recorded as packed: the next unpack makes it again.
    QTemporaryDir tmp;
    auto engine = Engine::open(tmp.path());
    QVERIFY(engine.ok());
    Engine &e = **engine;
    const QByteArray tar = sampleLayer();
    BufferReader in(dockerSave({tar}, QStringLiteral("unpack/crash:1")));
    QVERIFY(e.load(in).ok());
    const QString chain = Sha256::of(tar);
    const QString dir = e.layerDir(chain);
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/etc")));
    QFile junk(dir + QStringLiteral("/etc/hello"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("half");
    junk.close();
    QVERIFY(e.ensureUnpacked({chain}).ok());
    QCOMPARE(readText(dir + QStringLiteral("/etc/hello")), QStringLiteral("hello world\n"));
    QVERIFY((*e.metadata().layer(chain))->unpacked);
}

void TestEngineUnpack::concurrentUnpacksShareOneLayer()
{
    // Two engines (as two processes would) ask for the same layer at once:
    // one unpacks it, the other waits on the layer's lock and finds it done.
    QTemporaryDir tmp;
    const QByteArray tar = TarBuilder().file("data", QByteArray(4 << 20, 'q')).finish();
    {
        auto engine = Engine::open(tmp.path());
        QVERIFY(engine.ok());
        BufferReader in(dockerSave({tar}, QStringLiteral("unpack/race:1")));
        QVERIFY((*engine)->load(in).ok());
    }
    const QString chain = Sha256::of(tar);
    Status results[2];
    std::thread threads[2];
    for (int i = 0; i < 2; ++i) {
        threads[i] = std::thread([&, i] {
            auto engine = Engine::open(tmp.path());
            results[i] = engine.ok() ? (*engine)->ensureUnpacked({chain}) : engine.error();
        });
    }
    for (auto &t : threads)
        t.join();
    for (const Status &r : results)
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
    auto engine = Engine::open(tmp.path());
    QVERIFY(engine.ok());
    QCOMPARE(QFileInfo((*engine)->layerDir(chain) + QStringLiteral("/data")).size(),
             qint64(4 << 20));
    QCOMPARE(entriesOf(tmp.path() + QStringLiteral("/layers")), QStringList{digestHex(chain)});
    QCOMPARE(scratchOf(tmp.path()), QStringList());
}

QTEST_GUILESS_MAIN(TestEngineUnpack)
#include "tst_engine_unpack.moc"
