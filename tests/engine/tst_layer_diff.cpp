// Tests for layer/Diff: a directory written as a layer tar and unpacked again
// gives the same tree, the tar is byte-for-byte reproducible, overlayfs
// markers become layer whiteouts, and the changes of a full tree against its
// lowers hold exactly what changed.
#include "layer/Apply.h"
#include "layer/Diff.h"
#include "layer/Snapshot.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace berth;
using namespace berth::layer;

namespace {

bool isRoot()
{
    return ::geteuid() == 0;
}

void writeFile(const QString &path, const QByteArray &data, int mode = 0644)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
    f.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode_t(mode)), 0);
}

void setMtime(const QString &path, time_t seconds)
{
    const timespec times[2] = {{seconds, 0}, {seconds, 0}};
    QCOMPARE(::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, AT_SYMLINK_NOFOLLOW),
             0);
}

QByteArray xattr(const QString &path, const char *key)
{
    char value[256];
    const ssize_t n = ::lgetxattr(QFile::encodeName(path).constData(), key, value, sizeof value);
    return n < 0 ? QByteArray() : QByteArray(value, n);
}

// Everything a layer records about each entry under root, one line per path,
// with hard links shown as links to the first path of the same inode.
QMap<QString, QString> describeTree(const QString &root)
{
    QMap<QString, QString> out;
    QMap<ino_t, QString> inodes;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    QStringList paths;
    while (it.hasNext())
        paths << it.next();
    paths.sort();
    for (const QString &path : paths) {
        struct stat st
        {
        };
        ::lstat(QFile::encodeName(path).constData(), &st);
        const QString rel = path.mid(root.size() + 1);
        QString d = QStringLiteral("mode=%1 uid=%2 gid=%3")
                        .arg(st.st_mode, 0, 8)
                        .arg(st.st_uid)
                        .arg(st.st_gid);
        if (!S_ISDIR(st.st_mode))
            d += QStringLiteral(" mtime=%1").arg(st.st_mtim.tv_sec);
        if (S_ISREG(st.st_mode)) {
            if (st.st_nlink > 1 && inodes.contains(st.st_ino)) {
                out.insert(rel, QStringLiteral("hardlink to ") + inodes.value(st.st_ino));
                continue;
            }
            inodes.insert(st.st_ino, rel);
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            d += QStringLiteral(" sha1=") +
                 QString::fromLatin1(
                     QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1).toHex());
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            const ssize_t n =
                ::readlink(QFile::encodeName(path).constData(), target, sizeof target);
            d += QStringLiteral(" -> ") + QString::fromUtf8(target, n < 0 ? 0 : n);
        } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            d += QStringLiteral(" dev=%1,%2").arg(major(st.st_rdev)).arg(minor(st.st_rdev));
        }
        const QByteArray user = xattr(path, "user.berth");
        if (!user.isEmpty())
            d += QStringLiteral(" user.berth=") + QString::fromUtf8(user);
        const QByteArray opaque = xattr(path, "trusted.overlay.opaque");
        if (!opaque.isEmpty())
            d += QStringLiteral(" opaque=") + QString::fromUtf8(opaque);
        out.insert(rel, d);
    }
    return out;
}

// Entry names and types as a tar lists them, in tar order.
QStringList listTar(const QByteArray &tar)
{
    QStringList out;
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_memory(a, tar.constData(), size_t(tar.size())) != ARCHIVE_OK) {
        archive_read_free(a);
        return {QStringLiteral("<unreadable>")};
    }
    archive_entry *e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        QString line = QString::fromUtf8(archive_entry_pathname(e));
        if (const char *link = archive_entry_hardlink(e))
            line += QStringLiteral(" => ") + QString::fromUtf8(link);
        out << line;
    }
    archive_read_free(a);
    return out;
}

// A tree with one of everything a layer can hold.
void makeSampleTree(const QString &root)
{
    QVERIFY(QDir(root).mkpath("etc/ssl"));
    QVERIFY(QDir(root).mkpath("bin"));
    QVERIFY(QDir(root).mkpath("tmp"));
    writeFile(root + "/etc/hostname", "berth\n");
    writeFile(root + "/etc/ssl/cert.pem", QByteArray(200000, 'c'), 0600);
    writeFile(root + "/bin/tool", "#!/bin/sh\n", 04755);
    QCOMPARE(::link(QFile::encodeName(root + "/bin/tool").constData(),
                    QFile::encodeName(root + "/bin/tool-alias").constData()),
             0);
    QCOMPARE(::symlink("tool", QFile::encodeName(root + "/bin/link").constData()), 0);
    QCOMPARE(::mkfifo(QFile::encodeName(root + "/tmp/fifo").constData(), 0640), 0);
    QCOMPARE(::chmod(QFile::encodeName(root + "/tmp").constData(), 01777), 0);
    QCOMPARE(::lsetxattr(QFile::encodeName(root + "/etc/hostname").constData(), "user.berth", "x1",
                         2, 0),
             0);
    // A long name needs a PAX header.
    writeFile(root + "/etc/" + QString(150, u'n'), "long");
    if (isRoot()) {
        QCOMPARE(::mknod(QFile::encodeName(root + "/tmp/null").constData(), S_IFCHR | 0666,
                         makedev(1, 3)),
                 0);
        QCOMPARE(::chown(QFile::encodeName(root + "/etc/ssl/cert.pem").constData(), 1000, 1001), 0);
    }
    setMtime(root + "/etc/" + QString(150, u'n'), 1500000000);
    for (const char *path : {"/etc/hostname", "/etc/ssl/cert.pem", "/bin/tool", "/bin/link",
                             "/tmp/fifo", "/etc/ssl", "/etc", "/bin", "/tmp"})
        setMtime(root + QLatin1String(path), 1500000000);
}

Result<QByteArray> tarOf(const QString &dir, DiffResult *info = nullptr)
{
    BufferWriter out;
    auto result = tarDiffDirectory(dir, out);
    if (!result.ok())
        return result.error();
    if (info)
        *info = *result;
    return out.data();
}

} // namespace

class TestLayerDiff : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsThroughApply()
    {
        QTemporaryDir src;
        QTemporaryDir dst;
        makeSampleTree(src.path());

        DiffResult info;
        auto tar = tarOf(src.path(), &info);
        QVERIFY2(tar.ok(), qPrintable(tar.ok() ? QString() : tar.error().message));
        QCOMPARE(info.diffId, Sha256::of(*tar));
        QCOMPARE(info.tarSize, qint64(tar->size()));
        // Regular files plus the symlink "tool" (4 bytes), as docker counts.
        QCOMPARE(info.fileBytes, qint64(6 + 200000 + 10 + 4 + 4));

        BufferReader reader(*tar);
        auto applied = applyLayer(reader, dst.path());
        QVERIFY2(applied.ok(), qPrintable(applied.ok() ? QString() : applied.error().message));
        QCOMPARE(applied->diffId, info.diffId);
        QCOMPARE(applied->fileBytes, info.fileBytes);

        const auto before = describeTree(src.path());
        QCOMPARE(describeTree(dst.path()), before);
        QVERIFY(before.value("bin/tool-alias").startsWith("hardlink to bin/tool"));
        QVERIFY(before.value("etc/hostname").contains("user.berth=x1"));
    }

    void sameTreeSameDigest()
    {
        QTemporaryDir a;
        makeSampleTree(a.path());
        auto first = tarOf(a.path());
        auto second = tarOf(a.path());
        QVERIFY(first.ok());
        QVERIFY(second.ok());
        QCOMPARE(Sha256::of(*first), Sha256::of(*second));

        // A copy made at another time (other inode numbers, ctimes and
        // atimes) gives the same bytes too.
        QTemporaryDir b;
        makeSampleTree(b.path());
        auto copy = tarOf(b.path());
        QVERIFY(copy.ok());
        QCOMPARE(Sha256::of(*copy), Sha256::of(*first));

        // And a real change does not.
        writeFile(b.path() + "/etc/hostname", "other\n");
        setMtime(b.path() + "/etc/hostname", 1500000000);
        auto changed = tarOf(b.path());
        QVERIFY(changed.ok());
        QVERIFY(Sha256::of(*changed) != Sha256::of(*first));
    }

    void entriesAreSortedParentsFirst()
    {
        QTemporaryDir a;
        makeSampleTree(a.path());
        auto tar = tarOf(a.path());
        QVERIFY(tar.ok());
        QStringList expected = {"bin/",
                                "bin/link",
                                "bin/tool",
                                "bin/tool-alias => bin/tool",
                                "etc/",
                                "etc/hostname",
                                "etc/" + QString(150, u'n'),
                                "etc/ssl/",
                                "etc/ssl/cert.pem",
                                "tmp/",
                                "tmp/fifo"};
        if (isRoot())
            expected << "tmp/null";
        QCOMPARE(listTar(*tar), expected);
    }

    void overlayMarkersBecomeWhiteouts()
    {
        if (!isRoot())
            QSKIP("whiteout devices and trusted.* xattrs need root");
        QTemporaryDir upper;
        QVERIFY(QDir(upper.path()).mkpath("opaque/inner"));
        writeFile(upper.path() + "/opaque/inner/f", "f");
        QCOMPARE(::mknod(QFile::encodeName(upper.path() + "/gone").constData(), S_IFCHR, 0), 0);
        QCOMPARE(::lsetxattr(QFile::encodeName(upper.path() + "/opaque").constData(),
                             "trusted.overlay.opaque", "y", 1, 0),
                 0);
        auto tar = tarOf(upper.path());
        QVERIFY(tar.ok());
        QCOMPARE(listTar(*tar), QStringList({".wh.gone", "opaque/", "opaque/.wh..wh..opq",
                                             "opaque/inner/", "opaque/inner/f"}));

        // Unpacked in overlay form, the markers are what they were.
        QTemporaryDir back;
        BufferReader reader(*tar);
        QVERIFY(applyLayer(reader, back.path()).ok());
        struct stat st
        {
        };
        QCOMPARE(::lstat(QFile::encodeName(back.path() + "/gone").constData(), &st), 0);
        QVERIFY(S_ISCHR(st.st_mode));
        QCOMPARE(st.st_rdev, makedev(0, 0));
        QCOMPARE(xattr(back.path() + "/opaque", "trusted.overlay.opaque"), QByteArray("y"));
    }

    void changesAgainstLowers()
    {
        QTemporaryDir tmp;
        const QString base = tmp.path() + "/base";
        const QString top = tmp.path() + "/top";
        const QString full = tmp.path() + "/full";
        QVERIFY(QDir().mkpath(base + "/keep"));
        QVERIFY(QDir().mkpath(base + "/gone-dir/sub"));
        QVERIFY(QDir().mkpath(base + "/mode"));
        QVERIFY(QDir().mkpath(top + "/keep"));
        writeFile(base + "/keep/same", "same");
        writeFile(base + "/keep/edit", "old");
        writeFile(base + "/keep/remove", "r");
        writeFile(base + "/gone-dir/sub/f", "f");
        writeFile(base + "/hidden-by-top", "h");
        // The upper lower layer removes a file in plain whiteout form.
        writeFile(top + "/.wh.hidden-by-top", "");
        writeFile(top + "/keep/from-top", "t");

        const QStringList lowers = {base, top};
        auto copy = SnapshotDriver::create("copy");
        QVERIFY(copy);
        Status prepared = copy->prepare(lowers, tmp.path() + "/state", full);
        QVERIFY2(prepared.ok(), qPrintable(prepared.ok() ? QString() : prepared.error().message));
        QVERIFY(!QFile::exists(full + "/hidden-by-top"));

        // Nothing changed yet: an empty layer.
        BufferWriter none;
        auto empty = diffAgainstLowers(lowers, full, none);
        QVERIFY(empty.ok());
        QCOMPARE(listTar(none.data()), QStringList());

        writeFile(full + "/keep/edit", "new content");
        QVERIFY(QFile::remove(full + "/keep/remove"));
        QVERIFY(QDir(full + "/gone-dir").removeRecursively());
        QCOMPARE(::chmod(QFile::encodeName(full + "/mode").constData(), 0700), 0);
        QVERIFY(QDir().mkpath(full + "/new/deeper"));
        writeFile(full + "/new/deeper/file", "n");

        BufferWriter out;
        auto diff = diffAgainstLowers(lowers, full, out);
        QVERIFY2(diff.ok(), qPrintable(diff.ok() ? QString() : diff.error().message));
        QCOMPARE(diff->diffId, Sha256::of(out.data()));
        QCOMPARE(listTar(out.data()),
                 QStringList({".wh.gone-dir", "keep/", "keep/edit", "keep/.wh.remove", "mode/",
                              "new/", "new/deeper/", "new/deeper/file"}));

        // The lowers plus the diff as a new layer give the full tree back.
        const QString layer = tmp.path() + "/layer";
        QVERIFY(QDir().mkpath(layer));
        BufferReader reader(out.data());
        ApplyOptions options;
        options.whiteouts = WhiteoutFormat::Plain;
        QVERIFY(applyLayer(reader, layer, options).ok());
        const QString rebuilt = tmp.path() + "/rebuilt";
        QVERIFY(copy->prepare({base, top, layer}, tmp.path() + "/state2", rebuilt).ok());
        QCOMPARE(describeTree(rebuilt), describeTree(full));

        // Reproducible as well.
        BufferWriter again;
        auto second = diffAgainstLowers(lowers, full, again);
        QVERIFY(second.ok());
        QCOMPARE(second->diffId, diff->diffId);
    }

    void stopsWhenCancelled()
    {
        QTemporaryDir a;
        makeSampleTree(a.path());
        std::atomic<bool> cancel{true};
        Progress progress;
        progress.cancel = &cancel;
        BufferWriter out;
        auto all = tarDiffDirectory(a.path(), out, progress);
        QVERIFY(!all.ok());
        QCOMPARE(all.error().code, ErrorCode::Cancelled);
        auto changes = diffAgainstLowers({a.path()}, a.path(), out, progress);
        QVERIFY(!changes.ok());
        QCOMPARE(changes.error().code, ErrorCode::Cancelled);
        // An abandoned tar gets no end blocks.
        QVERIFY(out.data().isEmpty());
    }

    void sinkErrorsArePassedOn()
    {
        class FullDisk : public Writer
        {
        public:
            Status write(const char *, qint64) override
            {
                return makeError(ErrorCode::NoSpace, "write blob: No space left on device");
            }
        };
        QTemporaryDir a;
        writeFile(a.path() + "/big", QByteArray(3 << 20, 'b'));
        FullDisk sink;
        auto result = tarDiffDirectory(a.path(), sink);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::NoSpace);
        QCOMPARE(result.error().message,
                 QStringLiteral("write layer tar of %1: write blob: No space left on device")
                     .arg(a.path()));
    }

    void missingDirectoryFails()
    {
        BufferWriter out;
        auto result = tarDiffDirectory("/nonexistent/berth-layer", out);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::NotFound);
        QVERIFY(result.error().message.contains("/nonexistent/berth-layer"));
    }

    // docker cp CONTAINER:SRC -: one path under its own name (or "." for a
    // directory's contents), a 0/0 device passed on as a device, a socket left out.
    void tarPathNamesEntriesAfterThePath()
    {
        QTemporaryDir a;
        makeSampleTree(a.path());
        const QByteArray root = QFile::encodeName(a.path());
        const int fd = ::open(root.constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        auto closeFd = qScopeGuard([fd] { ::close(fd); });
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray socketPath = root + "/bin/sock";
        QVERIFY(size_t(socketPath.size()) < sizeof address.sun_path);
        qstrcpy(address.sun_path, socketPath.constData());
        const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QCOMPARE(::bind(sock, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        ::close(sock);
        if (isRoot())
            QCOMPARE(::mknod(QFile::encodeName(a.path() + "/bin/gone").constData(), S_IFCHR,
                             makedev(0, 0)),
                     0);

        BufferWriter bin;
        auto written = tarPath(fd, "bin", "bin", bin);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
        QStringList expected = {"bin/", "bin/link", "bin/tool", "bin/tool-alias => bin/tool"};
        if (isRoot())
            expected.insert(1, "bin/gone");
        QCOMPARE(listTar(bin.data()), expected);

        BufferWriter file;
        QVERIFY(tarPath(fd, "etc/hostname", "hostname", file).ok());
        QCOMPARE(listTar(file.data()), QStringList{"hostname"});
        QTemporaryDir out;
        BufferReader reader(file.data());
        ApplyOptions options;
        options.preserveOwners = isRoot();
        QVERIFY(applyLayer(reader, out.path(), options).ok());
        QCOMPARE(describeTree(out.path()).value("hostname"),
                 describeTree(a.path()).value("etc/hostname"));

        BufferWriter contents;
        QVERIFY(tarPath(fd, ".", ".", contents).ok());
        const QStringList all = listTar(contents.data());
        QCOMPARE(all.value(0), QStringLiteral("./"));
        QVERIFY(all.contains("./bin/tool-alias => ./bin/tool"));
        QVERIFY(std::all_of(all.cbegin(), all.cend(),
                            [](const QString &name) { return name.startsWith("./"); }));
    }
};

QTEST_GUILESS_MAIN(TestLayerDiff)
#include "tst_layer_diff.moc"
