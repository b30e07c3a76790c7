// Tests for the ISA-L gzip writer as push uses it (layer/Compression.h): what
// it writes is a gzip file gzip(1) reads back, our inflater reads back, and the
// same tar always compresses to the same bytes, so a layer compressed on two
// pushes (or two machines) has one digest.
#include "layer/Compression.h"
#include "util/Digest.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace berth;
using namespace berth::layer;

namespace {

// Half random bytes (incompressible), half text (compressible), as layers are.
QByteArray layerLikeData(qsizetype size)
{
    QByteArray data;
    data.reserve(size + 4096);
    QRandomGenerator rng(7);
    while (data.size() < size) {
        for (int i = 0; i < 1024; ++i)
            data += char(rng.bounded(256));
        for (int i = 0; i < 40; ++i)
            data += "usr/lib/x86_64-linux-gnu/libexample.so." + QByteArray::number(i) + '\n';
    }
    data.resize(size);
    return data;
}

QByteArray gzip(const QByteArray &data, qsizetype piece)
{
    BufferWriter sink;
    GzipWriter gz(sink);
    for (qsizetype pos = 0; pos < data.size(); pos += piece) {
        if (!gz.write(data.constData() + pos, std::min(piece, data.size() - pos)).ok())
            return {};
    }
    if (!gz.finish().ok())
        return {};
    return sink.data();
}

Result<QByteArray> inflate(const QByteArray &gz)
{
    BufferReader in(gz);
    auto reader = decompressingReader(in, QStringLiteral("test"));
    QByteArray out;
    char buffer[1 << 16];
    for (;;) {
        BERTH_TRY_ASSIGN(const qint64 n, reader->read(buffer, sizeof buffer));
        if (n == 0)
            return out;
        out.append(buffer, n);
    }
}

} // namespace

class TestLayerDeflate : public QObject
{
    Q_OBJECT

private slots:
    void gzipToolReadsIt()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("gzip")).isEmpty())
            QSKIP("gzip is not installed");
        const QByteArray data = layerLikeData(5 * 1024 * 1024 + 17);
        const QByteArray gz = gzip(data, 1 << 20);
        QVERIFY(!gz.isEmpty());
        // Fast level, but still a real compression of the text half.
        QVERIFY(gz.size() < data.size() * 3 / 4);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("layer.tar.gz")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(gz), gz.size());
        file.close();
        QProcess tool;
        tool.start(QStringLiteral("gzip"), {QStringLiteral("-dc"), file.fileName()});
        QVERIFY(tool.waitForFinished(60000));
        QCOMPARE(tool.exitCode(), 0);
        const QByteArray out = tool.readAllStandardOutput();
        QCOMPARE(out.size(), data.size());
        QCOMPARE(Sha256::of(out), Sha256::of(data));
    }

    void inflaterReadsIt()
    {
        const QByteArray data = layerLikeData(3 * 1024 * 1024 + 5);
        auto out = inflate(gzip(data, 1 << 20));
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
        QCOMPARE(Sha256::of(*out), Sha256::of(data));
    }

    // The digest of a compressed layer depends on the tar alone: no time or
    // name in the gzip header, nothing from the run.
    void sameInputSameDigest()
    {
        const QByteArray data = layerLikeData(4 * 1024 * 1024 + 99);
        const QByteArray first = gzip(data, 1 << 20);
        const QByteArray second = gzip(data, 1 << 20);
        QVERIFY(!first.isEmpty());
        QCOMPARE(Sha256::of(second), Sha256::of(first));
        // The header's MTIME field (bytes 4-7) is zero, as docker writes it.
        QCOMPARE(first.mid(4, 4), QByteArray(4, '\0'));
    }

    void emptyTarIsAValidGzip()
    {
        const QByteArray gz = gzip(QByteArray(), 1 << 20);
        QVERIFY(gz.size() >= 18); // header + empty deflate block + trailer
        auto out = inflate(gz);
        QVERIFY(out.ok());
        QVERIFY(out->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLayerDeflate)
#include "tst_layer_deflate.moc"
