// The layer explorer's model on layer tars made here with libarchive: what
// each layer changes (added, modified, deleted, opaque), sizes rolled up per
// directory, the union a container would see, hard links, the bytes hidden by
// later layers, and dive's figures computed by hand for the same stack.
#include "layer/Analyze.h"

#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <cmath>

using namespace berth;
using namespace berth::layer;

namespace {

struct Spec
{
    QByteArray path;
    char type = 'f'; // f file, d dir, l symlink, h hard link
    qint64 size = 0;
    QByteArray link;
    int mode = 0644;
    int uid = 0;
    int gid = 0;
    char fill = 'x';
};

la_ssize_t appendTo(struct archive *, void *data, const void *buffer, size_t size)
{
    static_cast<QByteArray *>(data)->append(static_cast<const char *>(buffer), qsizetype(size));
    return la_ssize_t(size);
}

QByteArray makeTar(const QList<Spec> &specs, bool gzip = false)
{
    QByteArray out;
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip)
        archive_write_add_filter_gzip(a);
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(a, &out, nullptr, appendTo, nullptr);
    for (const Spec &s : specs) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, s.path.constData());
        archive_entry_set_uid(e, s.uid);
        archive_entry_set_gid(e, s.gid);
        archive_entry_set_perm(e, mode_t(s.mode));
        archive_entry_set_mtime(e, 1700000000, 0);
        QByteArray data;
        switch (s.type) {
        case 'd':
            archive_entry_set_filetype(e, AE_IFDIR);
            break;
        case 'l':
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, s.link.constData());
            break;
        case 'h':
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, s.link.constData());
            break;
        default:
            archive_entry_set_filetype(e, AE_IFREG);
            data = QByteArray(s.size, s.fill);
            archive_entry_set_size(e, s.size);
        }
        archive_write_header(a, e);
        if (!data.isEmpty())
            archive_write_data(a, data.constData(), size_t(data.size()));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

Spec dir(const QByteArray &path, int mode = 0755)
{
    return Spec{path, 'd', 0, {}, mode};
}
Spec file(const QByteArray &path, qint64 size, char fill = 'x')
{
    return Spec{path, 'f', size, {}, 0644, 0, 0, fill};
}
Spec whiteout(const QByteArray &path)
{
    const qsizetype slash = path.lastIndexOf('/');
    return file(path.left(slash + 1) + ".wh." + path.mid(slash + 1), 0);
}

QList<TarEntry> entriesOf(const QByteArray &tar)
{
    BufferReader in(tar);
    auto read = readLayerEntries(in);
    if (!read.ok())
        qFatal("%s", qPrintable(read.error().message));
    return read->entries;
}

// The three layers every case below analyzes (sizes chosen so each figure has
// one way to come out right).
QList<QByteArray> stackTars()
{
    const QList<Spec> base = {
        dir("bin"),
        file("bin/sh", 100),
        dir("etc"),
        file("etc/passwd", 50),
        file("etc/group", 30),
        dir("data"),
        file("data/a", 200),
        file("data/b", 300),
        dir("opq"),
        file("opq/old", 40),
        dir("hl"),
        file("hl/file", 70),
        Spec{"hl/link", 'h', 0, "hl/file"},
        dir("lib"),
        Spec{"lib/sym", 'l', 0, "../bin/sh", 0777},
    };
    const QList<Spec> second = {
        dir("etc"), file("etc/passwd", 60, 'y'), file("big", 1000),   whiteout("data/a"),
        dir("opq"), file("opq/.wh..wh..opq", 0), file("opq/new", 10),
    };
    const QList<Spec> third = {whiteout("big"), whiteout("data")};
    return {makeTar(base), makeTar(second, true), makeTar(third)};
}

LayerStack stack()
{
    LayerStack s;
    for (const QByteArray &tar : stackTars())
        s.addLayer(entriesOf(tar));
    return s;
}

} // namespace

class TestLayerAnalyze : public QObject
{
    Q_OBJECT

private slots:
    void readsEntriesAndDiffId()
    {
        const QList<QByteArray> tars = stackTars();
        BufferReader in(tars.at(0));
        auto read = readLayerEntries(in);
        QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
        QCOMPARE(read->diffId, Sha256::of(tars.at(0)));
        QCOMPARE(read->tarSize, qint64(tars.at(0).size()));
        QCOMPARE(read->entries.size(), 15);
        const TarEntry &link = read->entries.at(12);
        QCOMPARE(link.path, QByteArray("hl/link"));
        QCOMPARE(link.type, EntryType::HardLink);
        QCOMPARE(link.linkTarget, QByteArray("hl/file"));
        QCOMPARE(link.size, 0);
        const TarEntry &sym = read->entries.at(14);
        QCOMPARE(sym.type, EntryType::Symlink);
        QCOMPARE(sym.linkTarget, QByteArray("../bin/sh"));
        QCOMPARE(sym.mode, 0777u);

        // The gzipped layer: whiteouts and the opaque marker as what they mean.
        BufferReader gz(tars.at(1));
        auto second = readLayerEntries(gz);
        QVERIFY2(second.ok(), second.ok() ? "" : qPrintable(second.error().message));
        QCOMPARE(second->entries.at(3).path, QByteArray("data/a"));
        QVERIFY(second->entries.at(3).whiteout);
        QCOMPARE(second->entries.at(5).path, QByteArray("opq"));
        QVERIFY(second->entries.at(5).opaque);
    }

    void hashesContentsWhenAsked()
    {
        BufferReader in(makeTar({file("a", 5, 'q')}));
        ReadOptions options;
        options.hashContents = true;
        auto read = readLayerEntries(in, options);
        QVERIFY(read.ok());
        QCOMPARE(read->entries.at(0).contentHash, Sha256::of("qqqqq").toLatin1());
    }

    void refusesEscapingNames()
    {
        BufferReader in(makeTar({file("../evil", 1)}));
        auto read = readLayerEntries(in);
        QVERIFY(!read.ok());
        QVERIFY2(read.error().message.contains(QLatin1String("../evil")),
                 qPrintable(read.error().message));
    }

    void marksChangesPerLayer()
    {
        const LayerStack s = stack();
        QCOMPARE(s.layerCount(), 3);

        const FileTree &base = s.changes(0);
        QCOMPARE(base.nodes.at(base.find("bin/sh")).change, Change::Added);
        QCOMPARE(base.nodes.at(0).totalSize, 790);
        QCOMPARE(base.nodes.at(base.find("data")).totalSize, 500);

        const FileTree &t = s.changes(1);
        const FileNode &passwd = t.nodes.at(t.find("etc/passwd"));
        QCOMPARE(passwd.change, Change::Modified);
        QCOMPARE(passwd.size, 60);
        // Same mode and owner as beneath: listed as a parent, not a change.
        QCOMPARE(t.nodes.at(t.find("etc")).change, Change::None);
        QCOMPARE(t.nodes.at(t.find("big")).change, Change::Added);
        const FileNode &a = t.nodes.at(t.find("data/a"));
        QCOMPARE(a.change, Change::Deleted);
        QCOMPARE(a.size, 200); // what the deletion hides
        const FileNode &data = t.nodes.at(t.find("data"));
        QVERIFY(data.implied);
        QCOMPARE(data.totalSize, 0); // a deleted child does not count
        const FileNode &opq = t.nodes.at(t.find("opq"));
        QVERIFY(opq.opaque);
        QCOMPARE(t.nodes.at(t.find("opq/new")).change, Change::Added);
        QCOMPARE(t.find("opq/old"), -1);
        QCOMPARE(t.nodes.at(0).totalSize, 1070);
        QCOMPARE(t.path(t.find("opq/new")), QByteArray("opq/new"));

        const ChangeCounts c = s.counts(1);
        QCOMPARE(c.added, 2);
        QCOMPARE(c.addedBytes, 1010);
        QCOMPARE(c.modified, 1);
        QCOMPARE(c.modifiedBytes, 60);
        QCOMPARE(c.deleted, 1);
        QCOMPARE(c.deletedBytes, 200);

        const ChangeCounts top = s.counts(2);
        QCOMPARE(top.deleted, 2);
        QCOMPARE(top.deletedBytes, 1300); // big, and what was left of data
        QCOMPARE(s.changes(2).nodes.at(s.changes(2).find("data")).size, 300);
    }

    void unionViewUpToEachLayer()
    {
        const LayerStack s = stack();
        const FileTree u1 = s.unionTree(1);
        QCOMPARE(u1.nodes.at(0).totalSize, 100 + 60 + 30 + 1000 + 300 + 10 + 70);
        QCOMPARE(u1.find("data/a"), -1);
        QVERIFY(u1.find("data/b") >= 0);
        QCOMPARE(u1.find("opq/old"), -1);
        QCOMPARE(u1.nodes.at(u1.find("etc/passwd")).layer, 1);
        QCOMPARE(u1.nodes.at(u1.find("etc/group")).layer, 0);

        const FileTree u2 = s.unionTree(2);
        QCOMPARE(u2.nodes.at(0).totalSize, 270);
        QCOMPARE(u2.find("big"), -1);
        QCOMPARE(u2.find("data"), -1);
        QCOMPARE(u2.nodes.at(u2.find("opq")).children.size(), 1);
        // A hard link's bytes count once, under the name that carries them.
        const FileNode &link = u2.nodes.at(u2.find("hl/link"));
        QCOMPARE(link.type, EntryType::HardLink);
        QCOMPARE(link.linkTarget, QByteArray("hl/file"));
        QCOMPARE(u2.nodes.at(u2.find("hl")).totalSize, 70);
        QCOMPARE(u2.nodes.at(u2.find("lib/sym")).linkTarget, QByteArray("../bin/sh"));

        const FileTree u0 = s.unionTree(0);
        QCOMPARE(u0.nodes.at(0).totalSize, 790);
        QCOMPARE(u0.nodes.at(u0.find("opq/old")).size, 40);
    }

    void hiddenBytesNameBothLayers()
    {
        const LayerStack s = stack();
        QCOMPARE(s.hiddenBytes(), 50 + 200 + 40 + 1000 + 300);
        const QList<HiddenFile> &h = s.hidden();
        QCOMPARE(h.size(), 5);
        auto check = [&](int i, const char *path, qint64 size, int added, int hidden,
                         HiddenFile::Reason reason) {
            QCOMPARE(h.at(i).path, QByteArray(path));
            QCOMPARE(h.at(i).size, size);
            QCOMPARE(h.at(i).addedBy, added);
            QCOMPARE(h.at(i).hiddenBy, hidden);
            QCOMPARE(h.at(i).reason, reason);
        };
        check(0, "etc/passwd", 50, 0, 1, HiddenFile::Overwritten);
        check(1, "data/a", 200, 0, 1, HiddenFile::Deleted);
        check(2, "opq/old", 40, 0, 1, HiddenFile::OpaqueDir);
        check(3, "big", 1000, 1, 2, HiddenFile::Deleted);
        check(4, "data/b", 300, 0, 2, HiddenFile::Deleted);
    }

    void hardLinkKeepsBytesVisible()
    {
        LayerStack s;
        s.addLayer(entriesOf(makeTar({file("f", 50), Spec{"g", 'h', 0, "f"}})));
        s.addLayer(entriesOf(makeTar({whiteout("f")})));
        // g still shows the bytes: deleting f hides nothing.
        QVERIFY(s.hidden().isEmpty());
        QCOMPARE(s.changes(1).nodes.at(s.changes(1).find("f")).size, 0);
        const FileTree u1 = s.unionTree(1);
        QCOMPARE(u1.find("f"), -1);
        QCOMPARE(u1.nodes.at(u1.find("g")).size, 50);
        QCOMPARE(u1.nodes.at(0).totalSize, 50);
        s.addLayer(entriesOf(makeTar({whiteout("g")})));
        QCOMPARE(s.hidden().size(), 1);
        QCOMPARE(s.hidden().at(0).path, QByteArray("g"));
        QCOMPARE(s.hidden().at(0).size, 50);
        QCOMPARE(s.hidden().at(0).addedBy, 0);
        QCOMPARE(s.hidden().at(0).hiddenBy, 2);
        QCOMPARE(s.unionTree(2).nodes.at(0).totalSize, 0);
    }

    void diveFigures()
    {
        // Leaves per layer and what each costs there (dive's rules):
        //   0: bin/sh 100, etc/passwd 50, etc/group 30, data/a 200, data/b 300,
        //      opq/old 40, hl/file 70, hl/link 0, lib/sym 0
        //   1: etc/passwd 60, big 1000, data/a 0 (a file's whiteout), opq/new 10
        //   2: big 0, data 300 (a directory's whiteout: what it hides)
        // cumulative 2160, smallest per path 900; seen twice: big (1000),
        // data/a (200), etc/passwd (110).
        const Efficiency e = stack().efficiency();
        QCOMPARE(e.score, 900.0 / 2160.0);
        QCOMPARE(e.wastedBytes, 1310);
        QCOMPARE(e.sizeBytes, 790 + 1070);
        QCOMPARE(e.userSizeBytes, 1070);
        QCOMPARE(e.userWastedPercent, 1310.0 / 1070.0);
        QCOMPARE(e.files.size(), 3);
        QCOMPARE(e.files.at(0).path, QByteArray("/big"));
        QCOMPARE(e.files.at(0).count, 2);
        QCOMPARE(e.files.at(0).sizeBytes, 1000);
        QCOMPARE(e.files.at(1).path, QByteArray("/data/a"));
        QCOMPARE(e.files.at(1).sizeBytes, 200);
        QCOMPARE(e.files.at(2).path, QByteArray("/etc/passwd"));
        QCOMPARE(e.files.at(2).sizeBytes, 110);
    }

    void singleLayerIsEfficient()
    {
        LayerStack s;
        s.addLayer(entriesOf(makeTar({dir("a"), file("a/x", 10)})));
        const Efficiency e = s.efficiency();
        QCOMPARE(e.score, 1.0);
        QCOMPARE(e.wastedBytes, 0);
        QCOMPARE(e.userSizeBytes, 0);
        QVERIFY(std::isnan(e.userWastedPercent)); // 0/0, as dive's
    }

    void diffsTwoLayers()
    {
        const QList<Spec> left = {file("same", 3, 'a'), file("content", 3, 'a'), file("gone", 5),
                                  Spec{"mode", 'f', 1, {}, 0600}};
        const QList<Spec> right = {file("same", 3, 'a'), file("content", 3, 'b'), file("new", 7),
                                   Spec{"mode", 'f', 1, {}, 0644}};
        ReadOptions options;
        options.hashContents = true;
        BufferReader l(makeTar(left)), r(makeTar(right));
        auto a = readLayerEntries(l, options);
        auto b = readLayerEntries(r, options);
        QVERIFY(a.ok() && b.ok());
        const QList<FileDifference> d = diffLayers(a->entries, b->entries);
        QCOMPARE(d.size(), 4);
        QCOMPARE(d.at(0).path, QByteArray("content"));
        QCOMPARE(d.at(0).change, Change::Modified);
        QCOMPARE(d.at(1).path, QByteArray("gone"));
        QCOMPARE(d.at(1).change, Change::Deleted);
        QCOMPARE(d.at(1).firstSize, 5);
        QCOMPARE(d.at(2).path, QByteArray("mode"));
        QCOMPARE(d.at(2).change, Change::Modified);
        QCOMPARE(d.at(3).path, QByteArray("new"));
        QCOMPARE(d.at(3).change, Change::Added);
        QCOMPARE(d.at(3).secondSize, 7);
    }
};

QTEST_GUILESS_MAIN(TestLayerAnalyze)
#include "tst_layer_analyze.moc"
