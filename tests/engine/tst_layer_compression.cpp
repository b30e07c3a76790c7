// Tests for layer/Compression: format detection, decompression of every
// supported format (compressed here by the reference libraries), the gzip
// writer, and the errors a damaged stream gives.
#include "layer/Compression.h"

#include <QRandomGenerator>
#include <QtTest>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

using namespace berth;
using namespace berth::layer;

namespace {

// Compressible but not trivial, and larger than the codecs' 1 MiB chunks.
QByteArray sampleData(qsizetype size = 3 * 1024 * 1024 + 123)
{
    QByteArray data;
    data.reserve(size);
    QRandomGenerator rng(42);
    while (data.size() < size) {
        data += "line " + QByteArray::number(rng.bounded(100000)) + " of the layer tar\n";
        if (rng.bounded(10) == 0)
            for (int i = 0; i < 64; ++i)
                data += char(rng.bounded(256));
    }
    data.truncate(size);
    return data;
}

Result<QByteArray> readAll(Reader &reader, qint64 chunk)
{
    QByteArray out;
    QByteArray buffer(chunk, Qt::Uninitialized);
    for (;;) {
        auto n = reader.read(buffer.data(), chunk);
        if (!n.ok())
            return n.error();
        if (*n == 0)
            return out;
        out.append(buffer.constData(), *n);
    }
}

Result<QByteArray> decompress(const QByteArray &compressed, qint64 chunk = 1 << 20)
{
    BufferReader source(compressed);
    auto reader = decompressingReader(source, QStringLiteral("test.blob"));
    return readAll(*reader, chunk);
}

QByteArray zlibGzip(const QByteArray &data)
{
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(qsizetype(deflateBound(&z, uLong(data.size()))) + 64, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray zlibGunzip(const QByteArray &gz)
{
    z_stream z{};
    inflateInit2(&z, 15 + 16);
    QByteArray out;
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.constData()));
    z.avail_in = uInt(gz.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef *>(buffer.data());
        z.avail_out = uInt(buffer.size());
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buffer.constData(), buffer.size() - qsizetype(z.avail_out));
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END ? out : QByteArray();
}

QByteArray zstdCompress(const QByteArray &data)
{
    QByteArray out(qsizetype(ZSTD_compressBound(size_t(data.size()))), Qt::Uninitialized);
    const size_t n =
        ZSTD_compress(out.data(), size_t(out.size()), data.constData(), size_t(data.size()), 3);
    out.resize(qsizetype(n));
    return out;
}

QByteArray xzCompress(const QByteArray &data)
{
    QByteArray out(data.size() + 4096, Qt::Uninitialized);
    size_t pos = 0;
    lzma_easy_buffer_encode(
        1, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t *>(data.constData()),
        size_t(data.size()), reinterpret_cast<uint8_t *>(out.data()), &pos, size_t(out.size()));
    out.resize(qsizetype(pos));
    return out;
}

QByteArray bzip2Compress(const QByteArray &data)
{
    QByteArray out(data.size() + data.size() / 100 + 1024, Qt::Uninitialized);
    auto len = unsigned(out.size());
    BZ2_bzBuffToBuffCompress(out.data(), &len, const_cast<char *>(data.constData()),
                             unsigned(data.size()), 1, 0, 0);
    out.resize(qsizetype(len));
    return out;
}

QByteArray gzipWithWriter(const QByteArray &data, int level)
{
    BufferWriter sink;
    GzipWriter gz(sink, level);
    // Uneven pieces exercise the writer's input handling.
    for (qsizetype pos = 0; pos < data.size(); pos += 77777) {
        const Status st =
            gz.write(data.constData() + pos, std::min<qsizetype>(77777, data.size() - pos));
        if (!st.ok())
            return {};
    }
    if (!gz.finish().ok())
        return {};
    return sink.data();
}

} // namespace

class TestLayerCompression : public QObject
{
    Q_OBJECT

private slots:
    void detectsMagic_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("kind");
        QTest::newRow("gzip") << QByteArray("\x1f\x8b\x08\x00", 4) << int(Compression::Gzip);
        QTest::newRow("zstd") << QByteArray("\x28\xb5\x2f\xfd\x00", 5) << int(Compression::Zstd);
        QTest::newRow("xz") << QByteArray("\xfd\x37\x7a\x58\x5a\x00\x00", 7)
                            << int(Compression::Xz);
        QTest::newRow("bzip2") << QByteArray("BZh91AY") << int(Compression::Bzip2);
        QTest::newRow("tar") << QByteArray("etc/\0\0\0\0", 8) << int(Compression::None);
        QTest::newRow("short gzip") << QByteArray("\x1f", 1) << int(Compression::None);
        QTest::newRow("empty") << QByteArray() << int(Compression::None);
    }
    void detectsMagic()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, kind);
        QCOMPARE(int(detectCompression(head.constData(), head.size())), kind);
    }

    void names()
    {
        QCOMPARE(compressionName(Compression::Gzip), QStringLiteral("gzip"));
        QCOMPARE(compressionName(Compression::Zstd), QStringLiteral("zstd"));
        QCOMPARE(compressionName(Compression::None), QStringLiteral("none"));
    }

    void decompressesEveryFormat_data()
    {
        QTest::addColumn<QByteArray>("compressed");
        QTest::addColumn<int>("kind");
        const QByteArray data = sampleData();
        QTest::newRow("none") << data << int(Compression::None);
        QTest::newRow("gzip (zlib)") << zlibGzip(data) << int(Compression::Gzip);
        QTest::newRow("zstd") << zstdCompress(data) << int(Compression::Zstd);
        QTest::newRow("xz") << xzCompress(data) << int(Compression::Xz);
        QTest::newRow("bzip2") << bzip2Compress(data) << int(Compression::Bzip2);
    }
    void decompressesEveryFormat()
    {
        QFETCH(QByteArray, compressed);
        QFETCH(int, kind);
        const QByteArray data = sampleData();
        QCOMPARE(int(detectCompression(compressed.constData(), compressed.size())), kind);
        if (kind != int(Compression::None))
            QVERIFY(compressed.size() < data.size() / 2);
        for (const qint64 chunk : {qint64(4093), qint64(1 << 20), qint64(3 << 20)}) {
            auto out = decompress(compressed, chunk);
            QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
            QCOMPARE(out->size(), data.size());
            QVERIFY(*out == data);
        }
    }

    void emptyStreamIsEmpty()
    {
        auto out = decompress(QByteArray());
        QVERIFY(out.ok());
        QVERIFY(out->isEmpty());
    }

    void gzipWriterRoundTrips_data()
    {
        QTest::addColumn<int>("level");
        for (int level = 0; level <= 3; ++level)
            QTest::newRow(qPrintable(QStringLiteral("level %1").arg(level))) << level;
    }
    void gzipWriterRoundTrips()
    {
        QFETCH(int, level);
        const QByteArray data = sampleData();
        const QByteArray gz = gzipWithWriter(data, level);
        QCOMPARE(int(detectCompression(gz.constData(), gz.size())), int(Compression::Gzip));
        if (level > 0)
            QVERIFY(gz.size() < data.size() / 2);
        // zlib, the reference decoder, agrees with what ISA-L wrote ...
        QVERIFY(zlibGunzip(gz) == data);
        // ... and so does our reader.
        auto out = decompress(gz);
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
        QVERIFY(*out == data);
    }

    void gzipWriterEmptyInput()
    {
        const QByteArray gz = gzipWithWriter(QByteArray(), 1);
        QVERIFY(!gz.isEmpty());
        QCOMPARE(zlibGunzip(gz), QByteArray());
        auto out = decompress(gz);
        QVERIFY(out.ok());
        QVERIFY(out->isEmpty());
    }

    void readsConcatenatedGzipMembers()
    {
        const QByteArray a = sampleData(200000);
        const QByteArray b = "second member\n";
        auto out = decompress(zlibGzip(a) + gzipWithWriter(b, 1), 5000);
        QVERIFY(out.ok());
        QVERIFY(*out == a + b);
    }

    void corruptGzipNamesCause()
    {
        QByteArray gz = zlibGzip(sampleData());
        // Damage the deflate data in the middle of the stream.
        for (qsizetype i = gz.size() / 2; i < gz.size() / 2 + 64; ++i)
            gz[i] = char(gz[i] ^ 0x5a);
        auto out = decompress(gz);
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, ErrorCode::Corrupt);
        QVERIFY2(out.error().message.contains(QStringLiteral("decompress gzip stream test.blob")),
                 qPrintable(out.error().message));
        QVERIFY2(out.error().message.contains(QStringLiteral("invalid deflate data")) ||
                     out.error().message.contains(QStringLiteral("checksum mismatch")),
                 qPrintable(out.error().message));
    }

    void badChecksumIsCorrupt()
    {
        QByteArray gz = zlibGzip(sampleData(10000));
        // The trailer's CRC-32 is the 8th to 5th last byte.
        gz[gz.size() - 8] = char(gz[gz.size() - 8] ^ 0xff);
        auto out = decompress(gz);
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, ErrorCode::Corrupt);
        QVERIFY2(out.error().message.contains(QStringLiteral("checksum mismatch")),
                 qPrintable(out.error().message));
    }

    void truncatedStreamsAreCorrupt_data()
    {
        QTest::addColumn<QByteArray>("compressed");
        QTest::addColumn<QString>("format");
        const QByteArray data = sampleData(500000);
        const auto cut = [](const QByteArray &c) { return c.left(c.size() * 2 / 3); };
        QTest::newRow("gzip") << cut(zlibGzip(data)) << QStringLiteral("gzip");
        QTest::newRow("gzip without trailer")
            << zlibGzip(data).chopped(4) << QStringLiteral("gzip");
        QTest::newRow("zstd") << cut(zstdCompress(data)) << QStringLiteral("zstd");
        QTest::newRow("xz") << cut(xzCompress(data)) << QStringLiteral("xz");
        QTest::newRow("bzip2") << cut(bzip2Compress(data)) << QStringLiteral("bzip2");
    }
    void truncatedStreamsAreCorrupt()
    {
        QFETCH(QByteArray, compressed);
        QFETCH(QString, format);
        auto out = decompress(compressed);
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, ErrorCode::Corrupt);
        const QString &message = out.error().message;
        QVERIFY2(message.startsWith(QStringLiteral("decompress %1 stream test.blob: ").arg(format)),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("unexpected end of data")), qPrintable(message));
    }

    void garbageAfterGzipIsCorrupt()
    {
        auto out = decompress(zlibGzip("hello") + QByteArray("not gzip at all"));
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, ErrorCode::Corrupt);
        QVERIFY2(out.error().message.contains(QStringLiteral("invalid gzip header")),
                 qPrintable(out.error().message));
    }
};

QTEST_GUILESS_MAIN(TestLayerCompression)
#include "tst_layer_compression.moc"
