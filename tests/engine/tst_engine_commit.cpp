// Tests for commit, diff, export and cp without running a process: a container
// is created from an imported image, its overlay upper is written by hand (a
// new file, a whiteout device, an opaque directory, copied-up directories), and
// the results are read back from the store: the layer blob's entries, the new
// config, docker diff's list, the exported tree, files copied in and out.
#include "Containers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace berth;

namespace {

QByteArray makeTar(const QList<std::pair<QByteArray, QByteArray>> &entries)
{
    QByteArray out;
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(
        a, &out, nullptr,
        [](struct archive *, void *client, const void *buffer, size_t size) -> la_ssize_t {
            static_cast<QByteArray *>(client)->append(static_cast<const char *>(buffer),
                                                      qsizetype(size));
            return la_ssize_t(size);
        },
        nullptr);
    for (const auto &[path, data] : entries) {
        archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, path.constData());
        const bool dir = path.endsWith('/');
        archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, dir ? 0755 : 0644);
        archive_entry_set_mtime(e, 1700000000, 0);
        archive_entry_set_size(e, data.size());
        archive_write_header(a, e);
        if (!dir)
            archive_write_data(a, data.constData(), size_t(data.size()));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

// path -> data (directories and others: empty) of every entry of a tar.
QMap<QString, QByteArray> readTar(const QByteArray &tar)
{
    QMap<QString, QByteArray> out;
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_open_memory(a, tar.constData(), size_t(tar.size()));
    archive_entry *e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        QString name = QString::fromUtf8(archive_entry_pathname(e));
        if (name.startsWith(QLatin1String("./")))
            name = name.mid(2);
        QByteArray data(qsizetype(archive_entry_size(e)), Qt::Uninitialized);
        if (!data.isEmpty())
            archive_read_data(a, data.data(), size_t(data.size()));
        out.insert(name, data);
    }
    archive_read_free(a);
    return out;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
}

} // namespace

class TestEngineCommit : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        if (::geteuid() != 0)
            QSKIP("needs root (whiteout devices, trusted xattrs, overlay mounts)");
        QVERIFY(m_tmp.isValid());
        auto engine = Engine::open(m_tmp.path() + QStringLiteral("/root"));
        QVERIFY2(engine.ok(), qPrintable(engine.ok() ? QString() : engine.error().message));
        m_engine = std::move(engine).value();
        if (m_engine->storageDriver() != QLatin1String("overlay"))
            QSKIP("overlayfs cannot be mounted here");
        BufferReader tar(makeTar({{"bin/", {}},
                                  {"bin/sh", "shell"},
                                  {"bin/vi", "editor"},
                                  {"etc/", {}},
                                  {"etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"},
                                  {"keep/", {}},
                                  {"keep/a", "kept"},
                                  {"opq/", {}},
                                  {"opq/old", "old"}}));
        ImportOptions options;
        options.changes = {QStringLiteral("CMD [\"sh\"]")};
        auto image = m_engine->importImage(tar, options);
        QVERIFY2(image.ok(), qPrintable(image.ok() ? QString() : image.error().message));
        m_image = *image;
        m_containers = std::make_unique<Containers>(*m_engine);
        ContainerOptions create;
        create.image = m_image;
        create.cmd = {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo hi")};
        auto id = m_containers->create(create);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        m_id = *id;
    }

    void cleanup()
    {
        if (m_containers && !m_id.isEmpty())
            (void)m_containers->remove(m_id, true, false);
        m_containers.reset();
        m_engine.reset();
    }

    void diffListsTheUpperByDockerRules()
    {
        writeChanges();
        auto changes = m_containers->diff(m_id);
        QVERIFY2(changes.ok(), qPrintable(changes.ok() ? QString() : changes.error().message));
        QStringList lines;
        for (const Containers::Change &c : *changes)
            lines << QStringLiteral("%1 %2")
                         .arg(c.kind == Containers::Change::Added     ? QLatin1Char('A')
                              : c.kind == Containers::Change::Deleted ? QLatin1Char('D')
                                                                      : QLatin1Char('C'))
                         .arg(c.path);
        // /etc was only copied up (same mode and mtime) for the changed passwd, so
        // it is not listed; /bin is, as the parent of a deletion; the opaque /opq
        // lists what its upper holds and nothing of what it hides.
        QCOMPARE(lines, QStringList({"C /bin", "D /bin/vi", "C /etc/passwd", "A /hello", "C /opq",
                                     "A /opq/new"}));
    }

    void commitMakesALayerAndAConfig()
    {
        writeChanges();
        Containers::CommitOptions options;
        options.author = QStringLiteral("Ann <ann@example.com>");
        options.message = QStringLiteral("add hello");
        options.changes = {QStringLiteral("ENV X=1")};
        options.reference = QStringLiteral("committed:v1");
        auto id = m_containers->commit(m_id, options);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        QVERIFY(id->startsWith(QLatin1String("sha256:")));
        QCOMPARE(*m_engine->resolveImage(QStringLiteral("committed:v1")), *id);

        auto config = m_engine->imageConfig(*id);
        QVERIFY(config.ok());
        const auto base = m_engine->imageConfig(m_image);
        QCOMPARE(config->diffIds().size(), 2);
        QCOMPARE(config->diffIds().first(), base->diffIds().first());
        QCOMPARE(config->author(), options.author);
        QCOMPARE(config->json.value(QLatin1String("container")).toString(), m_id);
        const QJsonObject runtime = config->config();
        QCOMPARE(runtime.value(QLatin1String("Cmd")).toArray(),
                 QJsonArray({"sh", "-c", "echo hi"}));
        QVERIFY(runtime.value(QLatin1String("Env")).toArray().contains(QJsonValue("X=1")));
        const auto history = config->history();
        QCOMPARE(history.size(), 2);
        QCOMPARE(history.last().createdBy, QStringLiteral("sh -c echo hi"));
        QCOMPARE(history.last().comment, options.message);
        QCOMPARE(history.last().author, options.author);
        QVERIFY(!history.last().emptyLayer);

        auto record = m_engine->metadata().image(*id);
        QVERIFY(record.ok() && record->has_value());
        QCOMPARE((*record)->parent, m_image);
        auto layer = m_engine->metadata().layer((*record)->chainIds.last());
        QVERIFY(layer.ok() && layer->has_value());
        QCOMPARE((*layer)->diffId, config->diffIds().last());
        auto blob = m_engine->content().readBlob((*layer)->blobDigest);
        QVERIFY(blob.ok());
        QCOMPARE(Sha256::of(*blob), config->diffIds().last()); // stored as a plain tar
        const QMap<QString, QByteArray> entries = readTar(*blob);
        QCOMPARE(entries.value(QStringLiteral("hello")), QByteArray("hi\n"));
        QVERIFY(entries.contains(QStringLiteral("bin/.wh.vi")));
        QVERIFY(entries.contains(QStringLiteral("opq/.wh..wh..opq")));
        QCOMPARE(entries.value(QStringLiteral("opq/new")), QByteArray("new"));
        QCOMPARE(entries.value(QStringLiteral("etc/passwd")), QByteArray("changed\n"));
        QVERIFY(!entries.contains(QStringLiteral("bin/sh")));
        QVERIFY(!entries.contains(QStringLiteral("keep/a")));

        // The committed image runs the container's tree: its union as export sees it.
        ContainerOptions create;
        create.image = QStringLiteral("committed:v1");
        auto second = m_containers->create(create);
        QVERIFY(second.ok());
        BufferWriter out;
        QVERIFY(m_containers->exportFilesystem(*second, out).ok());
        const QMap<QString, QByteArray> tree = readTar(out.data());
        (void)m_containers->remove(*second, true, false);
        QCOMPARE(tree.value(QStringLiteral("hello")), QByteArray("hi\n"));
        QVERIFY(!tree.contains(QStringLiteral("bin/vi")));
        QVERIFY(!tree.contains(QStringLiteral("opq/old")));
    }

    void commitOfNothingAddsNoLayer()
    {
        auto id = m_containers->commit(m_id, {});
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        auto config = m_engine->imageConfig(*id);
        QCOMPARE(config->diffIds(), m_engine->imageConfig(m_image)->diffIds());
        QVERIFY(config->history().last().emptyLayer);
    }

    void commitRefusesABadReference()
    {
        Containers::CommitOptions options;
        options.reference = QStringLiteral("Bad:Name:x");
        auto id = m_containers->commit(m_id, options);
        QVERIFY(!id.ok());
        QVERIFY2(id.error().message.startsWith(QLatin1String("invalid reference format")),
                 qPrintable(id.error().message));
    }

    void exportHasTheUnionWithoutWhiteouts()
    {
        writeChanges();
        BufferWriter out;
        Status st = m_containers->exportFilesystem(m_id, out);
        QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().message));
        const QMap<QString, QByteArray> tree = readTar(out.data());
        QCOMPARE(tree.value(QStringLiteral("bin/sh")), QByteArray("shell"));
        QCOMPARE(tree.value(QStringLiteral("keep/a")), QByteArray("kept"));
        QCOMPARE(tree.value(QStringLiteral("etc/passwd")), QByteArray("changed\n"));
        QCOMPARE(tree.value(QStringLiteral("hello")), QByteArray("hi\n"));
        QCOMPARE(tree.value(QStringLiteral("opq/new")), QByteArray("new"));
        QVERIFY(!tree.contains(QStringLiteral("bin/vi")));
        QVERIFY(!tree.contains(QStringLiteral("opq/old")));
        for (const QString &name : tree.keys())
            QVERIFY2(!name.contains(QLatin1String(".wh.")), qPrintable(name));
        // Nothing of the export stays in the store's scratch.
        QCOMPARE(QDir(m_engine->root() + QStringLiteral("/tmp"))
                     .entryList({QString::number(::getpid()) + QStringLiteral("-*")},
                                QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList());
    }

    void cpIntoAStoppedContainerWritesItsUpper()
    {
        writeChanges();
        const QString host = m_tmp.path() + QStringLiteral("/host");
        QVERIFY(QDir().mkpath(host + QStringLiteral("/tree/sub")));
        writeFile(host + QStringLiteral("/file"), "copied in");
        writeFile(host + QStringLiteral("/tree/sub/x"), "deep");
        QVERIFY(::chown(QFile::encodeName(host + QStringLiteral("/file")).constData(), 1234,
                        1234) == 0);

        // A file into an existing directory of a lower layer: copied up with its parent.
        QVERIFY(
            m_containers
                ->copyToContainer(m_id, host + QStringLiteral("/file"), QStringLiteral("/keep/"))
                .ok());
        const QString upper = m_containers->bundle(m_id) + QStringLiteral("/upper");
        QCOMPARE(readFile(upper + QStringLiteral("/keep/file")), QByteArray("copied in"));
        struct stat st;
        QCOMPARE(::stat(QFile::encodeName(upper + QStringLiteral("/keep/file")).constData(), &st),
                 0);
        QCOMPARE(st.st_uid, uid_t(0)); // root owns what enters, without -a
        // A directory to a new name becomes that name.
        QVERIFY(
            m_containers
                ->copyToContainer(m_id, host + QStringLiteral("/tree"), QStringLiteral("/newtree"))
                .ok());
        QCOMPARE(readFile(upper + QStringLiteral("/newtree/sub/x")), QByteArray("deep"));
        // -a keeps the owner.
        QVERIFY(m_containers
                    ->copyToContainer(m_id, host + QStringLiteral("/file"),
                                      QStringLiteral("/owned"), true)
                    .ok());
        QCOMPARE(::stat(QFile::encodeName(upper + QStringLiteral("/owned")).constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(1234));
        // The copy's mount is gone again.
        QVERIFY(!readFile(QStringLiteral("/proc/self/mountinfo"))
                     .contains(QFile::encodeName(m_engine->root())));
    }

    void cpOutReadsTheUnionInsideTheRoot()
    {
        writeChanges();
        const QString host = m_tmp.path() + QStringLiteral("/out");
        QVERIFY(QDir().mkpath(host));
        // From a lower layer, from the upper, and a whole directory.
        QVERIFY(m_containers->copyFromContainer(m_id, QStringLiteral("/keep/a"), host).ok());
        QCOMPARE(readFile(host + QStringLiteral("/a")), QByteArray("kept"));
        QVERIFY(m_containers
                    ->copyFromContainer(m_id, QStringLiteral("/hello"),
                                        host + QStringLiteral("/renamed"))
                    .ok());
        QCOMPARE(readFile(host + QStringLiteral("/renamed")), QByteArray("hi\n"));
        QVERIFY(m_containers->copyFromContainer(m_id, QStringLiteral("/opq"), host).ok());
        QCOMPARE(readFile(host + QStringLiteral("/opq/new")), QByteArray("new"));
        QVERIFY(!QFile::exists(host + QStringLiteral("/opq/old")));
        // A deleted file is not there.
        auto missing = m_containers->copyFromContainer(m_id, QStringLiteral("/bin/vi"), host);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.startsWith(
                     QLatin1String("Could not find the file /bin/vi in container")),
                 qPrintable(missing.error().message));
        // An absolute symlink in the container resolves inside it, never on the host.
        const QString upper = m_containers->bundle(m_id) + QStringLiteral("/upper");
        QVERIFY(QFile::link(QStringLiteral("/"), upper + QStringLiteral("/escape")));
        QVERIFY(m_containers
                    ->copyFromContainer(m_id, QStringLiteral("/escape/etc/passwd"),
                                        host + QStringLiteral("/passwd"))
                    .ok());
        QCOMPARE(readFile(host + QStringLiteral("/passwd")), QByteArray("changed\n"));
    }

private:
    // What a container that ran `echo hi > /hello; rm /bin/vi; rm -rf /opq;
    // mkdir /opq; echo -n new > /opq/new; echo changed > /etc/passwd` leaves in its upper.
    void writeChanges()
    {
        auto record = m_engine->metadata().image(m_image);
        QVERIFY(record.ok() && record->has_value());
        QVERIFY(m_engine->ensureUnpacked((*record)->chainIds).ok());
        const QString lower = m_engine->layerDir((*record)->chainIds.first());
        const QString upper = m_containers->bundle(m_id) + QStringLiteral("/upper");
        writeFile(upper + QStringLiteral("/hello"), "hi\n");
        for (const char *dir : {"bin", "etc"})
            QCOMPARE(
                ::mkdir(QFile::encodeName(upper + u'/' + QLatin1String(dir)).constData(), 0755), 0);
        writeFile(upper + QStringLiteral("/etc/passwd"), "changed\n");
        // overlayfs gives a copied-up directory the times it has below, also
        // after copying a file up into it.
        struct stat below;
        QCOMPARE(::stat(QFile::encodeName(lower + QStringLiteral("/etc")).constData(), &below), 0);
        const struct timespec times[2] = {below.st_atim, below.st_mtim};
        QCOMPARE(::utimensat(AT_FDCWD,
                             QFile::encodeName(upper + QStringLiteral("/etc")).constData(), times,
                             0),
                 0);
        QCOMPARE(::mknod(QFile::encodeName(upper + QStringLiteral("/bin/vi")).constData(),
                         S_IFCHR | 0000, makedev(0, 0)),
                 0);
        const QByteArray opq = QFile::encodeName(upper + QStringLiteral("/opq"));
        QCOMPARE(::mkdir(opq.constData(), 0700), 0);
        QCOMPARE(::setxattr(opq.constData(), "trusted.overlay.opaque", "y", 1, 0), 0);
        writeFile(upper + QStringLiteral("/opq/new"), "new");
    }

    QTemporaryDir m_tmp;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Containers> m_containers;
    QString m_image;
    QString m_id;
};

QTEST_GUILESS_MAIN(TestEngineCommit)
#include "tst_engine_commit.moc"
