// Tests for layer/Snapshot: both drivers show the same merged view of a layer
// chain (whiteouts and opaque directories carried out), report a container's
// changes as a layer tar, and release leaves no mount and no upper behind.
#include "layer/Snapshot.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace berth;
using namespace berth::layer;

namespace {

bool isRoot()
{
    return ::geteuid() == 0;
}

bool kernelHasOverlay()
{
    QFile f("/proc/filesystems");
    return f.open(QIODevice::ReadOnly) && f.readAll().contains("\toverlay\n");
}

// Mount points as /proc/self/mountinfo lists them (field 5).
QStringList mountPoints()
{
    QFile f("/proc/self/mountinfo");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() > 4)
            out << QString::fromUtf8(fields[4]);
    }
    return out;
}

bool mountedUnder(const QString &dir)
{
    for (const QString &point : mountPoints()) {
        if (point == dir || point.startsWith(dir + u'/'))
            return true;
    }
    return false;
}

void writeFile(const QString &path, const QByteArray &data, int mode = 0644)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
    f.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode_t(mode)), 0);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

mode_t modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode : 0;
}

// Two layers in diff form: the upper one edits, deletes and makes a directory
// opaque, in overlay form (whiteout devices, xattr) or in plain form.
QStringList makeLayers(const QString &base, bool overlayForm)
{
    const QString bottom = base + "/layers/bottom";
    const QString top = base + "/layers/top";
    QDir().mkpath(bottom + "/etc");
    QDir().mkpath(bottom + "/opaque/sub");
    QDir().mkpath(bottom + "/bin");
    QDir().mkpath(top + "/etc");
    QDir().mkpath(top + "/opaque");
    writeFile(bottom + "/etc/os-release", "base\n");
    writeFile(bottom + "/etc/shadow", "secret\n", 0600);
    writeFile(bottom + "/etc/deleted", "bye\n");
    writeFile(bottom + "/opaque/old", "old\n");
    writeFile(bottom + "/opaque/sub/older", "older\n");
    writeFile(bottom + "/bin/sh", "#!\n", 0755);
    ::symlink("sh", QFile::encodeName(bottom + "/bin/bash").constData());

    writeFile(top + "/etc/os-release", "top\n");
    writeFile(top + "/opaque/new", "new\n");
    if (overlayForm) {
        ::mknod(QFile::encodeName(top + "/etc/deleted").constData(), S_IFCHR, makedev(0, 0));
        ::lsetxattr(QFile::encodeName(top + "/opaque").constData(), "trusted.overlay.opaque", "y",
                    1, 0);
    } else {
        writeFile(top + "/etc/.wh.deleted", "");
        writeFile(top + "/opaque/.wh..wh..opq", "");
    }
    return {bottom, top};
}

void checkMergedView(const QString &root)
{
    QCOMPARE(readFile(root + "/etc/os-release"), QByteArray("top\n"));
    QCOMPARE(readFile(root + "/etc/shadow"), QByteArray("secret\n"));
    QCOMPARE(modeOf(root + "/etc/shadow"), mode_t(S_IFREG | 0600));
    QCOMPARE(modeOf(root + "/bin/sh"), mode_t(S_IFREG | 0755));
    QVERIFY(S_ISLNK(modeOf(root + "/bin/bash")));
    QCOMPARE(QFile(root + "/bin/bash").symLinkTarget(), root + "/bin/sh");
    QCOMPARE(modeOf(root + "/etc/deleted"), mode_t(0));
    QCOMPARE(QDir(root + "/etc")
                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System),
             QStringList({"os-release", "shadow"}));
    QCOMPARE(QDir(root + "/opaque")
                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System),
             QStringList({"new"}));
}

QStringList listTar(const QByteArray &tar)
{
    QStringList out;
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_format_empty(a);
    if (archive_read_open_memory(a, tar.constData(), size_t(tar.size())) != ARCHIVE_OK) {
        archive_read_free(a);
        return {QStringLiteral("<unreadable>")};
    }
    archive_entry *e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK)
        out << QString::fromUtf8(archive_entry_pathname(e));
    archive_read_free(a);
    return out;
}

// Writes, edits and deletes in a prepared rootfs, as a container would.
void changeRootfs(const QString &root)
{
    writeFile(root + "/etc/os-release", "changed\n");
    QVERIFY(QFile::remove(root + "/etc/shadow"));
    QVERIFY(QDir(root).mkpath("home/user"));
    writeFile(root + "/home/user/notes", "n\n");
}

} // namespace

class TestLayerSnapshot : public QObject
{
    Q_OBJECT

private slots:
    void createKnowsTheDrivers()
    {
        QCOMPARE(SnapshotDriver::create("overlay")->name(), QStringLiteral("overlay"));
        QCOMPARE(SnapshotDriver::create("copy")->name(), QStringLiteral("copy"));
        QVERIFY(!SnapshotDriver::create("aufs"));
    }

    void detectProbesAndCleansUp()
    {
        QTemporaryDir tmp;
        const QString probe = tmp.path() + "/store/tmp";
        auto driver = SnapshotDriver::detect(probe);
        QVERIFY(driver);
        if (isRoot() && kernelHasOverlay())
            QCOMPARE(driver->name(), QStringLiteral("overlay"));
        else
            QCOMPARE(driver->name(), QStringLiteral("copy"));
        // The probe mount is gone and so is its directory.
        QVERIFY(!mountedUnder(tmp.path()));
        QVERIFY(QDir(probe).isEmpty());
    }

    void copyDriver()
    {
        QTemporaryDir tmp;
        const QStringList lowers = makeLayers(tmp.path(), isRoot());
        const QString state = tmp.path() + "/containers/c1";
        const QString rootfs = state + "/rootfs";
        auto copy = SnapshotDriver::create("copy");
        Status prepared = copy->prepare(lowers, state, rootfs);
        QVERIFY2(prepared.ok(), qPrintable(prepared.ok() ? QString() : prepared.error().message));
        checkMergedView(rootfs);

        changeRootfs(rootfs);
        // The layers themselves are untouched.
        QCOMPARE(readFile(lowers[1] + "/etc/os-release"), QByteArray("top\n"));
        QCOMPARE(readFile(lowers[0] + "/etc/shadow"), QByteArray("secret\n"));

        BufferWriter out;
        auto changes = copy->changes(lowers, state, rootfs, out);
        QVERIFY2(changes.ok(), qPrintable(changes.ok() ? QString() : changes.error().message));
        QCOMPARE(changes->diffId, Sha256::of(out.data()));
        QCOMPARE(listTar(out.data()), QStringList({"etc/", "etc/os-release", "etc/.wh.shadow",
                                                   "home/", "home/user/", "home/user/notes"}));

        QVERIFY(copy->release(state, rootfs).ok());
        QVERIFY(!QFile::exists(rootfs));
    }

    void copyDriverAppliesLayersInOrder()
    {
        QTemporaryDir tmp;
        const QString a = tmp.path() + "/a";
        const QString b = tmp.path() + "/b";
        const QString c = tmp.path() + "/c";
        QDir().mkpath(a + "/x");
        QDir().mkpath(b);
        QDir().mkpath(c + "/x");
        writeFile(a + "/x/file", "a");
        writeFile(b + "/x", "b is a file now");
        writeFile(c + "/x/file", "c");
        auto copy = SnapshotDriver::create("copy");
        const QString rootfs = tmp.path() + "/rootfs";
        QVERIFY(copy->prepare({a, b}, tmp.path(), rootfs).ok());
        QCOMPARE(readFile(rootfs + "/x"), QByteArray("b is a file now"));
        QVERIFY(copy->release(tmp.path(), rootfs).ok());
        QVERIFY(copy->prepare({a, b, c}, tmp.path(), rootfs).ok());
        QVERIFY(S_ISDIR(modeOf(rootfs + "/x")));
        QCOMPARE(readFile(rootfs + "/x/file"), QByteArray("c"));
    }

    void overlayDriver()
    {
        if (!isRoot())
            QSKIP("mounting overlayfs needs root");
        if (!kernelHasOverlay())
            QSKIP("the kernel has no overlayfs");
        QTemporaryDir tmp;
        const QStringList lowers = makeLayers(tmp.path(), true);
        const QString state = tmp.path() + "/containers/c1";
        const QString rootfs = state + "/rootfs";
        auto overlay = SnapshotDriver::create("overlay");
        Status prepared = overlay->prepare(lowers, state, rootfs);
        QVERIFY2(prepared.ok(), qPrintable(prepared.ok() ? QString() : prepared.error().message));
        QVERIFY(mountPoints().contains(rootfs));
        checkMergedView(rootfs);

        changeRootfs(rootfs);
        QCOMPARE(readFile(lowers[1] + "/etc/os-release"), QByteArray("top\n"));
        QCOMPARE(readFile(lowers[0] + "/etc/shadow"), QByteArray("secret\n"));
        QCOMPARE(readFile(state + "/upper/etc/os-release"), QByteArray("changed\n"));

        BufferWriter out;
        auto changes = overlay->changes(lowers, state, rootfs, out);
        QVERIFY2(changes.ok(), qPrintable(changes.ok() ? QString() : changes.error().message));
        QCOMPARE(listTar(out.data()), QStringList({"etc/", "etc/os-release", "etc/.wh.shadow",
                                                   "home/", "home/user/", "home/user/notes"}));

        Status released = overlay->release(state, rootfs);
        QVERIFY2(released.ok(), qPrintable(released.ok() ? QString() : released.error().message));
        QVERIFY(!mountedUnder(tmp.path()));
        QVERIFY(!QFile::exists(state + "/upper"));
        QVERIFY(!QFile::exists(state + "/work"));
        QVERIFY(!QFile::exists(rootfs));
        QCOMPARE(readFile(lowers[1] + "/etc/os-release"), QByteArray("top\n"));
    }

    void overlayReleaseDetachesBusyMount()
    {
        if (!isRoot() || !kernelHasOverlay())
            QSKIP("mounting overlayfs needs root and kernel support");
        QTemporaryDir tmp;
        const QStringList lowers = makeLayers(tmp.path(), true);
        const QString state = tmp.path() + "/state";
        const QString rootfs = state + "/rootfs";
        auto overlay = SnapshotDriver::create("overlay");
        QVERIFY(overlay->prepare(lowers, state, rootfs).ok());
        QFile held(rootfs + "/etc/os-release");
        QVERIFY(held.open(QIODevice::ReadOnly)); // keeps the mount busy
        QVERIFY(overlay->release(state, rootfs).ok());
        QVERIFY(!mountPoints().contains(rootfs));
    }

    void overlayWithoutLayers()
    {
        if (!isRoot() || !kernelHasOverlay())
            QSKIP("mounting overlayfs needs root and kernel support");
        QTemporaryDir tmp;
        const QString rootfs = tmp.path() + "/rootfs";
        auto overlay = SnapshotDriver::create("overlay");
        QVERIFY(overlay->prepare({}, tmp.path(), rootfs).ok());
        writeFile(rootfs + "/hello", "scratch");
        QCOMPARE(readFile(tmp.path() + "/upper/hello"), QByteArray("scratch"));
        QVERIFY(overlay->release(tmp.path(), rootfs).ok());
        QVERIFY(!mountedUnder(tmp.path()));
    }

    void overlayWithManyLayers()
    {
        if (!isRoot() || !kernelHasOverlay())
            QSKIP("mounting overlayfs needs root and kernel support");
        // 60 layers with store-like path lengths: more than one page of
        // mount options.
        QTemporaryDir tmp;
        QStringList lowers;
        for (int i = 0; i < 60; ++i) {
            const QString layer =
                tmp.path() + QStringLiteral("/layers/%1/diff").arg(i, 64, 10, QLatin1Char('0'));
            QVERIFY(QDir().mkpath(layer));
            writeFile(layer + "/layer", QByteArray::number(i));
            writeFile(layer + QStringLiteral("/only-%1").arg(i), "x");
            lowers << layer;
        }
        const QString rootfs = tmp.path() + "/rootfs";
        auto overlay = SnapshotDriver::create("overlay");
        Status prepared = overlay->prepare(lowers, tmp.path(), rootfs);
        QVERIFY2(prepared.ok(), qPrintable(prepared.ok() ? QString() : prepared.error().message));
        QCOMPARE(readFile(rootfs + "/layer"), QByteArray("59"));
        QVERIFY(QFile::exists(rootfs + "/only-0"));
        QVERIFY(QFile::exists(rootfs + "/only-59"));
        QVERIFY(overlay->release(tmp.path(), rootfs).ok());
        QVERIFY(!mountedUnder(tmp.path()));
    }

    void bothDriversShowTheSameTree()
    {
        if (!isRoot() || !kernelHasOverlay())
            QSKIP("mounting overlayfs needs root and kernel support");
        QTemporaryDir tmp;
        const QStringList lowers = makeLayers(tmp.path(), true);
        auto overlay = SnapshotDriver::create("overlay");
        auto copy = SnapshotDriver::create("copy");
        QVERIFY(overlay->prepare(lowers, tmp.path() + "/o", tmp.path() + "/o/rootfs").ok());
        QVERIFY(copy->prepare(lowers, tmp.path() + "/c", tmp.path() + "/c/rootfs").ok());
        BufferWriter fromOverlay;
        BufferWriter fromCopy;
        // The whole view of each, as a tar against no lowers.
        QVERIFY(diffAgainstLowers({}, tmp.path() + "/o/rootfs", fromOverlay).ok());
        QVERIFY(diffAgainstLowers({}, tmp.path() + "/c/rootfs", fromCopy).ok());
        QVERIFY(overlay->release(tmp.path() + "/o", tmp.path() + "/o/rootfs").ok());
        QCOMPARE(listTar(fromCopy.data()), listTar(fromOverlay.data()));
        QCOMPARE(Sha256::of(fromCopy.data()), Sha256::of(fromOverlay.data()));
    }
};

QTEST_GUILESS_MAIN(TestLayerSnapshot)
#include "tst_layer_snapshot.moc"
