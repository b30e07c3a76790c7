// Tests for layer/Apply: what a layer tar becomes on disk (every entry type,
// owners, modes, times, xattrs, whiteouts), the diffID and sizes reported,
// tar replacement rules, and hostile tars that try to write outside the root.
#include "layer/Apply.h"
#include "layer/Compression.h"

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zstd.h>

using namespace berth;
using namespace berth::layer;

namespace {

// Entry metadata with the values most tests want.
struct Meta
{
    int mode = 0644;
    qint64 uid = 0;
    qint64 gid = 0;
    time_t mtime = 1600000000;
    QList<std::pair<QByteArray, QByteArray>> xattrs = {};
};

// Builds a tar in memory with libarchive's writer, entry by entry, so tests
// can write what no well-behaved tool would.
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

    TarBuilder &file(const char *path, const QByteArray &data, const Meta &meta = {})
    {
        archive_entry *e = entry(path, AE_IFREG, meta);
        archive_entry_set_size(e, data.size());
        write(e, data);
        return *this;
    }
    TarBuilder &dir(const char *path, const Meta &meta = {0755})
    {
        write(entry(path, AE_IFDIR, meta));
        return *this;
    }
    TarBuilder &symlink(const char *path, const char *target, const Meta &meta = {0777})
    {
        archive_entry *e = entry(path, AE_IFLNK, meta);
        archive_entry_set_symlink(e, target);
        write(e);
        return *this;
    }
    TarBuilder &hardlink(const char *path, const char *target)
    {
        archive_entry *e = entry(path, AE_IFREG, {});
        archive_entry_set_hardlink(e, target);
        archive_entry_set_size(e, 0);
        write(e);
        return *this;
    }
    TarBuilder &node(const char *path, unsigned type, unsigned major_, unsigned minor_,
                     const Meta &meta = {0600})
    {
        archive_entry *e = entry(path, type, meta);
        archive_entry_set_rdevmajor(e, major_);
        archive_entry_set_rdevminor(e, minor_);
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

    archive_entry *entry(const char *path, unsigned type, const Meta &meta)
    {
        archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, path);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, meta.mode);
        archive_entry_set_uid(e, meta.uid);
        archive_entry_set_gid(e, meta.gid);
        archive_entry_set_mtime(e, meta.mtime, 0);
        for (const auto &[key, value] : meta.xattrs)
            archive_entry_xattr_add_entry(e, key.constData(), value.constData(),
                                          size_t(value.size()));
        return e;
    }

    void write(archive_entry *e, const QByteArray &data = {})
    {
        // ARCHIVE_WARN: a name that is not UTF-8 is stored as raw bytes.
        QVERIFY(archive_write_header(m_archive, e) >= ARCHIVE_WARN);
        if (!data.isEmpty())
            QCOMPARE(archive_write_data(m_archive, data.constData(), size_t(data.size())),
                     la_ssize_t(data.size()));
        archive_entry_free(e);
    }

    struct archive *m_archive;
    QByteArray m_data;
};

QByteArray gzip(const QByteArray &data)
{
    BufferWriter sink;
    GzipWriter gz(sink);
    if (!gz.write(data.constData(), data.size()).ok() || !gz.finish().ok())
        return {};
    return sink.data();
}

Result<ApplyResult> apply(const QByteArray &tar, const QString &root, ApplyOptions options = {})
{
    BufferReader reader(tar);
    return applyLayer(reader, root, options);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

struct stat lstatOf(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        st.st_mode = 0;
    return st;
}

QByteArray xattrOf(const QString &path, const char *key)
{
    char value[256];
    const ssize_t n = ::lgetxattr(QFile::encodeName(path).constData(), key, value, sizeof value);
    return n < 0 ? QByteArray() : QByteArray(value, n);
}

} // namespace

class TestLayerApply : public QObject
{
    Q_OBJECT

private slots:
    void unpacksEveryEntryType()
    {
        if (::geteuid() != 0)
            QSKIP("owners and device nodes need root");
        QTemporaryDir tmp;
        const QString root = tmp.path();
        TarBuilder b;
        b.dir("etc/", {0750, 1000, 1001, 1500000000})
            .file("etc/hosts", "127.0.0.1 localhost\n", {04755, 1000, 1001, 1400000000})
            .symlink("etc/hosts.link", "hosts", {0777, 1002, 1003, 1300000000})
            .hardlink("etc/hosts.hard", "etc/hosts")
            .dir("tmp/", {01777})
            .dir("ro/", {0555})
            .file("ro/inside", "x", {0444})
            .node("dev/null", AE_IFCHR, 1, 3, {0666})
            .node("dev/loop9", AE_IFBLK, 7, 9, {0660, 0, 6})
            .node("run/fifo", AE_IFIFO, 0, 0, {0620})
            .file("caps", "bin", {0755, 0, 0, 1600000000, {{"user.berth", "test-value"}}})
            .file("sgid", "", {02711});
        const QByteArray tar = b.finish();

        auto result = apply(gzip(tar), root);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->diffId, Sha256::of(tar));
        QCOMPARE(result->tarSize, qint64(tar.size()));
        // Regular files plus the symlink "hosts" (5 bytes), as docker counts.
        QCOMPARE(result->fileBytes, qint64(20 + 1 + 3 + 5));

        QCOMPARE(readFile(root + "/etc/hosts"), QByteArray("127.0.0.1 localhost\n"));
        const struct stat hosts = lstatOf(root + "/etc/hosts");
        QCOMPARE(hosts.st_mode, mode_t(S_IFREG | 04755));
        QCOMPARE(hosts.st_uid, uid_t(1000));
        QCOMPARE(hosts.st_gid, gid_t(1001));
        QCOMPARE(hosts.st_mtim.tv_sec, time_t(1400000000));
        QCOMPARE(hosts.st_nlink, nlink_t(2));
        QCOMPARE(lstatOf(root + "/etc/hosts.hard").st_ino, hosts.st_ino);

        const struct stat link = lstatOf(root + "/etc/hosts.link");
        QVERIFY(S_ISLNK(link.st_mode));
        QCOMPARE(link.st_uid, uid_t(1002));
        QCOMPARE(link.st_mtim.tv_sec, time_t(1300000000));
        QCOMPARE(QFile::symLinkTarget(root + "/etc/hosts.link"), root + "/etc/hosts");

        // Directory times survive the entries created in them afterwards.
        const struct stat etc = lstatOf(root + "/etc");
        QCOMPARE(etc.st_mode, mode_t(S_IFDIR | 0750));
        QCOMPARE(etc.st_uid, uid_t(1000));
        QCOMPARE(etc.st_mtim.tv_sec, time_t(1500000000));
        QCOMPARE(lstatOf(root + "/tmp").st_mode, mode_t(S_IFDIR | 01777));
        QCOMPARE(lstatOf(root + "/ro").st_mode, mode_t(S_IFDIR | 0555));
        QCOMPARE(readFile(root + "/ro/inside"), QByteArray("x"));
        // Parents the tar left out are made with the usual mode.
        QCOMPARE(lstatOf(root + "/dev").st_mode, mode_t(S_IFDIR | 0755));

        const struct stat null = lstatOf(root + "/dev/null");
        QCOMPARE(null.st_mode, mode_t(S_IFCHR | 0666));
        QCOMPARE(null.st_rdev, makedev(1, 3));
        const struct stat loop = lstatOf(root + "/dev/loop9");
        QCOMPARE(loop.st_mode, mode_t(S_IFBLK | 0660));
        QCOMPARE(loop.st_rdev, makedev(7, 9));
        QCOMPARE(loop.st_gid, gid_t(6));
        QCOMPARE(lstatOf(root + "/run/fifo").st_mode, mode_t(S_IFIFO | 0620));
        QCOMPARE(xattrOf(root + "/caps", "user.berth"), QByteArray("test-value"));
        QCOMPARE(lstatOf(root + "/sgid").st_mode, mode_t(S_IFREG | 02711));
    }

    void withoutOwnersFilesAreOurs()
    {
        QTemporaryDir tmp;
        ApplyOptions options;
        options.preserveOwners = false;
        const QByteArray tar = TarBuilder()
                                   .dir("d/", {0750, 1234, 5678})
                                   .file("d/f", "x", {0640, 1234, 5678})
                                   .finish();
        QVERIFY(apply(tar, tmp.path(), options).ok());
        for (const char *name : {"/d", "/d/f"}) {
            const struct stat st = lstatOf(tmp.path() + name);
            QCOMPARE(st.st_uid, ::geteuid());
            QCOMPARE(st.st_gid, ::getegid());
        }
        QCOMPARE(lstatOf(tmp.path() + "/d/f").st_mode, mode_t(S_IFREG | 0640));
    }

    void diffIdCoversUncompressedStream()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        const QByteArray tar = TarBuilder().file("f", QByteArray(3 << 20, 'z')).finish();
        auto plain = apply(tar, a.path());
        auto packed = apply(gzip(tar), b.path());
        QVERIFY(plain.ok());
        QVERIFY(packed.ok());
        QCOMPARE(plain->diffId, Sha256::of(tar));
        QCOMPARE(packed->diffId, plain->diffId);
        QCOMPARE(packed->tarSize, qint64(tar.size()));
        QCOMPARE(plain->fileBytes, qint64(3 << 20));
        QCOMPARE(readFile(b.path() + "/f"), QByteArray(3 << 20, 'z'));

        QTemporaryDir c;
        QByteArray zst(qsizetype(ZSTD_compressBound(size_t(tar.size()))), Qt::Uninitialized);
        zst.resize(qsizetype(
            ZSTD_compress(zst.data(), size_t(zst.size()), tar.constData(), size_t(tar.size()), 1)));
        auto zstd = apply(zst, c.path());
        QVERIFY(zstd.ok());
        QCOMPARE(zstd->diffId, plain->diffId);
        QCOMPARE(readFile(c.path() + "/f"), QByteArray(3 << 20, 'z'));
    }

    void reportsProgressInInputBytes()
    {
        QTemporaryDir tmp;
        const QByteArray packed = gzip(TarBuilder().file("f", QByteArray(1 << 20, 'p')).finish());
        qint64 last = 0;
        ApplyOptions options;
        options.progress.onBytes = [&](qint64 done) { last = done; };
        QVERIFY(apply(packed, tmp.path(), options).ok());
        QCOMPARE(last, qint64(packed.size()));
    }

    void stopsWhenCancelled()
    {
        QTemporaryDir tmp;
        std::atomic<bool> cancel{true};
        ApplyOptions options;
        options.progress.cancel = &cancel;
        auto result = apply(TarBuilder().file("f", "x").finish(), tmp.path(), options);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
    }

    void overlayWhiteouts()
    {
        if (::geteuid() != 0)
            QSKIP("whiteout devices and trusted.* xattrs need root");
        QTemporaryDir tmp;
        const QByteArray tar = TarBuilder()
                                   .file("gone", "first")
                                   .file(".wh.gone", "")
                                   .file(".wh.never-there", "")
                                   .dir("opaque/")
                                   .file("opaque/.wh..wh..opq", "")
                                   .file("opaque/kept", "k")
                                   .file(".wh..wh.plnk", "")
                                   .finish();
        auto result = apply(tar, tmp.path());
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        for (const char *name : {"/gone", "/never-there"}) {
            const struct stat st = lstatOf(tmp.path() + name);
            QVERIFY(S_ISCHR(st.st_mode));
            QCOMPARE(st.st_rdev, makedev(0, 0));
        }
        QVERIFY(!QFile::exists(tmp.path() + "/.wh.gone"));
        QVERIFY(!QFile::exists(tmp.path() + "/.wh..wh.plnk"));
        QVERIFY(!QFile::exists(tmp.path() + "/opaque/.wh..wh..opq"));
        QCOMPARE(xattrOf(tmp.path() + "/opaque", "trusted.overlay.opaque"), QByteArray("y"));
        QCOMPARE(readFile(tmp.path() + "/opaque/kept"), QByteArray("k"));
    }

    void plainWhiteoutsStayFiles()
    {
        QTemporaryDir tmp;
        const QByteArray tar = TarBuilder()
                                   .file(".wh.gone", "")
                                   .dir("opaque/")
                                   .file("opaque/.wh..wh..opq", "")
                                   .finish();
        ApplyOptions options;
        options.whiteouts = WhiteoutFormat::Plain;
        QVERIFY(apply(tar, tmp.path(), options).ok());
        QVERIFY(S_ISREG(lstatOf(tmp.path() + "/.wh.gone").st_mode));
        QVERIFY(S_ISREG(lstatOf(tmp.path() + "/opaque/.wh..wh..opq").st_mode));
        QCOMPARE(xattrOf(tmp.path() + "/opaque", "trusted.overlay.opaque"), QByteArray());
    }

    void laterEntriesReplaceEarlierOnes()
    {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        const QByteArray tar = TarBuilder()
                                   .file("dup", "first", {0600})
                                   .file("dup", "second", {0640})
                                   .dir("was-dir/")
                                   .file("was-dir/child", "c")
                                   .dir("was-dir/sub/")
                                   .file("was-dir", "now a file")
                                   .file("was-file", "f")
                                   .dir("was-file/")
                                   .file("was-file/inside", "i")
                                   .symlink("was-link", "dup")
                                   .file("was-link", "not a link")
                                   .dir("merged/")
                                   .file("merged/a", "a")
                                   .dir("merged/", {0700})
                                   .file("merged/b", "b")
                                   .dir("again/sub/")
                                   .file("again/sub/old", "o")
                                   .symlink("again", "merged")
                                   .dir("again/")
                                   .dir("again/sub/")
                                   .file("again/sub/new", "n")
                                   .finish();
        auto result = apply(tar, root);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(readFile(root + "/dup"), QByteArray("second"));
        QCOMPARE(lstatOf(root + "/dup").st_mode, mode_t(S_IFREG | 0640));
        QVERIFY(S_ISREG(lstatOf(root + "/was-dir").st_mode));
        QCOMPARE(readFile(root + "/was-dir"), QByteArray("now a file"));
        QVERIFY(S_ISDIR(lstatOf(root + "/was-file").st_mode));
        QCOMPARE(readFile(root + "/was-file/inside"), QByteArray("i"));
        QVERIFY(S_ISREG(lstatOf(root + "/was-link").st_mode));
        QCOMPARE(readFile(root + "/was-link"), QByteArray("not a link"));
        QCOMPARE(readFile(root + "/dup"), QByteArray("second"));
        QCOMPARE(readFile(root + "/merged/a"), QByteArray("a"));
        QCOMPARE(readFile(root + "/merged/b"), QByteArray("b"));
        QCOMPARE(lstatOf(root + "/merged").st_mode, mode_t(S_IFDIR | 0700));
        QCOMPARE(QDir(root + "/again/sub").entryList(QDir::Files), QStringList({"new"}));
        QVERIFY(S_ISDIR(lstatOf(root + "/again").st_mode));
        QCOMPARE(QDir(root + "/merged").entryList(QDir::Files), QStringList({"a", "b"}));
    }

    void hostileTarsStayInsideRoot_data()
    {
        QTest::addColumn<QByteArray>("tar");
        QTest::addColumn<QString>("entry");
        QTest::newRow("absolute path")
            << TarBuilder().file("/etc/x", "pwned").finish() << QStringLiteral("/etc/x");
        QTest::newRow("dot-dot") << TarBuilder().file("../../x", "pwned").finish()
                                 << QStringLiteral("../../x");
        QTest::newRow("dot-dot inside") << TarBuilder().dir("a/").file("a/../../../x", "p").finish()
                                        << QStringLiteral("a/../../../x");
        QTest::newRow("symlink to /")
            << TarBuilder().symlink("evil", "/").file("evil/etc/passwd", "pwned").finish()
            << QStringLiteral("evil/etc/passwd");
        QTest::newRow("symlink climbing out")
            << TarBuilder().symlink("evil", "../../..").file("evil/x", "pwned").finish()
            << QStringLiteral("evil/x");
        QTest::newRow("symlink dir then dir entry")
            << TarBuilder().symlink("evil", "/etc").dir("evil/sub/").finish()
            << QStringLiteral("evil/sub/");
        QTest::newRow("hard link out")
            << TarBuilder().hardlink("link", "../../outside").finish() << QStringLiteral("link");
        QTest::newRow("hard link absolute")
            << TarBuilder().hardlink("link", "/etc/passwd").finish() << QStringLiteral("link");
        QTest::newRow("hard link through symlink")
            << TarBuilder().symlink("evil", "/").hardlink("link", "evil/outside").finish()
            << QStringLiteral("link");
    }
    void hostileTarsStayInsideRoot()
    {
        QFETCH(QByteArray, tar);
        QFETCH(QString, entry);
        QTemporaryDir tmp;
        // base/outside is the sentinel; the root sits two levels below base,
        // so "../../x" would land beside it.
        const QString base = tmp.path();
        const QString root = base + "/a/root";
        QVERIFY(QDir().mkpath(root));
        QFile sentinel(base + "/outside");
        QVERIFY(sentinel.open(QIODevice::WriteOnly));
        sentinel.write("sentinel");
        sentinel.close();
        const struct stat before = lstatOf(base + "/outside");

        auto result = apply(tar, root);
        QVERIFY(!result.ok());
        const QString &message = result.error().message;
        QVERIFY2(message.contains(QStringLiteral("entry \"%1\"").arg(entry)), qPrintable(message));
        QVERIFY2(message.startsWith(QStringLiteral("unpack layer into ")), qPrintable(message));

        QCOMPARE(readFile(base + "/outside"), QByteArray("sentinel"));
        const struct stat after = lstatOf(base + "/outside");
        QCOMPARE(after.st_nlink, nlink_t(1));
        QCOMPARE(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
        QCOMPARE(QDir(base).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System),
                 QStringList({"a", "outside"}));
        QCOMPARE(QDir(base + "/a").entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList({"root"}));
        QVERIFY(!QFile::exists("/x"));
        QVERIFY(readFile("/etc/passwd") != "pwned");
    }

    void keepsNameBytes()
    {
        // Names are bytes on disk as in the tar, whatever the locale: UTF-8
        // ones (stored in PAX records when long) and ones that are not UTF-8.
        QTemporaryDir tmp;
        const QByteArray longName = "caf\xc3\xa9/" + QByteArray(120, 'n') + "-na\xc3\xafve";
        const QByteArray tar = TarBuilder()
                                   .file("caf\xc3\xa9/short-\xc3\xa9", "u")
                                   .file(longName.constData(), "l")
                                   .file("latin1-\xe9", "b")
                                   .finish();
        auto result = apply(tar, tmp.path());
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const QByteArray root = QFile::encodeName(tmp.path());
        struct stat st
        {
        };
        QCOMPARE(::lstat(root + "/caf\xc3\xa9/short-\xc3\xa9", &st), 0);
        QCOMPARE(::lstat(root + "/" + longName, &st), 0);
        QCOMPARE(::lstat(root + "/latin1-\xe9", &st), 0);
        // QTemporaryDir cannot remove a name that is not UTF-8.
        QCOMPARE(::unlink(root + "/latin1-\xe9"), 0);
    }

    void absoluteSymlinkTargetsAreKept()
    {
        // A link may point anywhere: only walking through it is refused.
        QTemporaryDir tmp;
        QVERIFY(apply(TarBuilder().symlink("bin/sh", "/usr/bin/dash").finish(), tmp.path()).ok());
        QCOMPARE(QFile(tmp.path() + "/bin/sh").symLinkTarget(), QStringLiteral("/usr/bin/dash"));
    }

    void corruptInputFails()
    {
        QTemporaryDir tmp;
        QByteArray tar = TarBuilder().file("f", QByteArray(100000, 'a')).finish();
        auto truncated = apply(gzip(tar).left(200), tmp.path());
        QVERIFY(!truncated.ok());
        QCOMPARE(truncated.error().code, ErrorCode::Corrupt);
        QVERIFY2(truncated.error().message.contains(QStringLiteral("gzip")),
                 qPrintable(truncated.error().message));

        QTemporaryDir tmp2;
        tar[100] = char(tar[100] ^ 0x55); // header checksum no longer matches
        auto garbled = apply(tar, tmp2.path());
        QVERIFY(!garbled.ok());
        QVERIFY2(garbled.error().message.startsWith(QStringLiteral("unpack layer into ")),
                 qPrintable(garbled.error().message));
    }

    void sourceErrorsArePassedOn()
    {
        // The first 100 KiB arrive, then the connection drops.
        class Dropping : public Reader
        {
        public:
            explicit Dropping(QByteArray data) : m_data(std::move(data)) {}
            Result<qint64> read(char *buffer, qint64 max) override
            {
                if (m_pos >= 100 * 1024)
                    return makeError(ErrorCode::Network, "read blob: connection reset");
                const qint64 n = std::min<qint64>({max, 100 * 1024 - m_pos, m_data.size() - m_pos});
                std::memcpy(buffer, m_data.constData() + m_pos, size_t(n));
                m_pos += n;
                return n;
            }

        private:
            QByteArray m_data;
            qint64 m_pos = 0;
        };
        QTemporaryDir tmp;
        QByteArray noise(1 << 20, Qt::Uninitialized);
        QRandomGenerator(7).fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        const QByteArray packed = gzip(TarBuilder().file("f", noise).finish());
        QVERIFY(packed.size() > 200 * 1024);
        Dropping reader(packed);
        auto result = applyLayer(reader, tmp.path());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Network);
        QCOMPARE(
            result.error().message,
            QStringLiteral("unpack layer into %1: read blob: connection reset").arg(tmp.path()));
    }

    // Archives as GNU tar writes them: GNU long names and sparse files (--format=gnu),
    // and file capabilities in PAX xattr records (security.capability).
    void gnuTarLongNamesSparseFilesAndCapabilities()
    {
        if (::geteuid() != 0)
            QSKIP("setting security.capability needs root");
        QTemporaryDir src;
        QTemporaryDir tmp;
        const QString longDir = src.path() + QStringLiteral("/") + QString(120, QLatin1Char('d'));
        QVERIFY(QDir().mkpath(longDir));
        const QString longName = QString(150, QLatin1Char('n'));
        {
            QFile f(longDir + QLatin1Char('/') + longName);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("long");
        }
        {
            QFile f(src.filePath(QStringLiteral("sparse")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(64 << 20));
            QVERIFY(f.seek(32 << 20));
            f.write("middle");
        }
        {
            QFile f(src.filePath(QStringLiteral("ping")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("#!/bin/sh\n");
        }
        // VFS_CAP_REVISION_2 with CAP_NET_RAW (bit 13) permitted and effective.
        const QByteArray cap = QByteArray::fromHex("0100000200200000000000000000000000000000");
        QCOMPARE(::setxattr(QFile::encodeName(src.filePath(QStringLiteral("ping"))).constData(),
                            "security.capability", cap.constData(), size_t(cap.size()), 0),
                 0);

        const QString gnuTar = tmp.filePath(QStringLiteral("gnu.tar"));
        QCOMPARE(QProcess::execute(QStringLiteral("tar"),
                                   {QStringLiteral("--format=gnu"), QStringLiteral("--sparse"),
                                    QStringLiteral("-C"), src.path(), QStringLiteral("-cf"), gnuTar,
                                    QString(120, QLatin1Char('d')), QStringLiteral("sparse")}),
                 0);
        const QString paxTar = tmp.filePath(QStringLiteral("pax.tar"));
        QCOMPARE(
            QProcess::execute(QStringLiteral("tar"),
                              {QStringLiteral("--format=posix"), QStringLiteral("--xattrs"),
                               QStringLiteral("--xattrs-include=*"), QStringLiteral("-C"),
                               src.path(), QStringLiteral("-cf"), paxTar, QStringLiteral("ping")}),
            0);

        const QString root = tmp.filePath(QStringLiteral("root"));
        QVERIFY(QDir().mkpath(root));
        auto result = apply(readFile(gnuTar), root);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(readFile(root + QLatin1Char('/') + QString(120, QLatin1Char('d')) +
                          QLatin1Char('/') + longName),
                 QByteArray("long"));
        const QString sparse = root + QStringLiteral("/sparse");
        QCOMPARE(lstatOf(sparse).st_size, qint64(64 << 20));
        QFile f(sparse);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.seek(32 << 20));
        QCOMPARE(f.read(6), QByteArray("middle"));
        QVERIFY(f.seek(1 << 20));
        QCOMPARE(f.read(4), QByteArray(4, '\0'));
        // Holes stay holes: far fewer than 64 MiB of blocks are allocated.
        QVERIFY2(lstatOf(sparse).st_blocks * 512 < (1 << 20),
                 qPrintable(QString::number(lstatOf(sparse).st_blocks)));

        const QString capRoot = tmp.filePath(QStringLiteral("caproot"));
        QVERIFY(QDir().mkpath(capRoot));
        auto capResult = apply(readFile(paxTar), capRoot);
        QVERIFY2(capResult.ok(),
                 qPrintable(capResult.ok() ? QString() : capResult.error().message));
        QCOMPARE(xattrOf(capRoot + QStringLiteral("/ping"), "security.capability"), cap);
    }

    void emptyStreamIsEmptyLayer()
    {
        QTemporaryDir tmp;
        auto result = apply(QByteArray(), tmp.path());
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->diffId, Sha256::of(QByteArray()));
        QVERIFY(QDir(tmp.path()).isEmpty());
    }

    // docker cp - CONTAINER:DIR: into a directory that has contents and a mode
    // of its own, whose "./" entry is passed over, and whose sibling outside
    // stays untouched by a "../" entry.
    void applyTarAtKeepsTheDirectoryAndItsContents()
    {
        QTemporaryDir tmp;
        const QString dest = tmp.filePath(QStringLiteral("dest"));
        QVERIFY(QDir().mkpath(dest + QStringLiteral("/keep")));
        QVERIFY(QFile(dest + QStringLiteral("/keep/old")).open(QIODevice::WriteOnly));
        QFile replaced(dest + QStringLiteral("/a"));
        QVERIFY(replaced.open(QIODevice::WriteOnly) && replaced.write("old") == 3);
        replaced.close();
        QVERIFY(::chmod(QFile::encodeName(dest).constData(), 01777) == 0);
        const QByteArray tar = TarBuilder()
                                   .dir("./", {0700})
                                   .file("./a", "new", {0640})
                                   .file("./.wh.b", "")
                                   .dir("./keep", {0750})
                                   .file("./keep/new", "n", {0600})
                                   .finish();
        const int fd = ::open(QFile::encodeName(dest).constData(), O_PATH | O_DIRECTORY);
        QVERIFY(fd >= 0);
        auto closeFd = qScopeGuard([fd] { ::close(fd); });
        BufferReader reader(tar);
        ApplyOptions options;
        options.whiteouts = WhiteoutFormat::Plain;
        options.applyRootEntry = false;
        auto result = applyTarAt(reader, fd, QStringLiteral("copy"), options);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(lstatOf(dest).st_mode & 07777, mode_t(01777));
        QCOMPARE(readFile(dest + QStringLiteral("/a")), QByteArray("new"));
        QCOMPARE(lstatOf(dest + QStringLiteral("/a")).st_mode & 07777, mode_t(0640));
        QVERIFY(S_ISREG(lstatOf(dest + QStringLiteral("/.wh.b")).st_mode));
        QVERIFY(S_ISREG(lstatOf(dest + QStringLiteral("/keep/old")).st_mode));
        QCOMPARE(readFile(dest + QStringLiteral("/keep/new")), QByteArray("n"));
        QCOMPARE(lstatOf(dest + QStringLiteral("/keep")).st_mode & 07777, mode_t(0750));

        BufferReader hostile(TarBuilder().file("../outside", "x").finish());
        auto refused = applyTarAt(hostile, fd, QStringLiteral("copy"), options);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.startsWith(QStringLiteral("copy: ")),
                 qPrintable(refused.error().message));
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("outside"))));
    }
};

QTEST_GUILESS_MAIN(TestLayerApply)
#include "tst_layer_apply.moc"
