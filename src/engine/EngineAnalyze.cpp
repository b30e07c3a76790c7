// The layer explorer's facade: an image's layers with their history steps and
// places in the store, every layer tar read once from its blob into a
// layer::LayerStack (Analyze.h), and the comparison of two images' chains.
// Nothing is unpacked and nothing is written: the blobs are what ships, so
// they are what the figures describe.
#include "Engine.h"

#include <QFile>
#include <QScopeGuard>

#include <fcntl.h>
#include <unistd.h>

namespace berth {

namespace {

Result<layer::LayerEntries> readLayer(const AnalyzedLayer &l, const layer::ReadOptions &options)
{
    const QString operation = tr("analyze layer %1").arg(l.chainId);
    const int fd = ::open(QFile::encodeName(l.blobPath).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, tr("open layer blob"), l.blobPath).prefixed(operation);
    auto closeBlob = qScopeGuard([fd] { ::close(fd); });
    FdReader reader(fd, l.blobPath);
    auto entries = layer::readLayerEntries(reader, options);
    if (!entries.ok())
        return entries.error().prefixed(operation);
    if (entries->diffId != l.diffId)
        return Error{ErrorCode::Corrupt,
                     tr("%1: its blob %2 holds diffID %3, not %4")
                         .arg(operation, l.blobPath, entries->diffId, l.diffId)};
    return entries;
}

} // namespace

Result<ImageLayers> Engine::imageLayers(const QString &id) const
{
    BERTH_TRY_ASSIGN(const auto rec, m_meta->image(id));
    if (!rec)
        return Error{ErrorCode::NotFound, tr("No such image: %1").arg(id)};
    BERTH_TRY_ASSIGN(const image::ImageConfig cfg, imageConfig(id));
    BERTH_TRY_ASSIGN(const QStringList tags, m_meta->tagsOf(id));
    BERTH_TRY_ASSIGN(const auto all, m_meta->images());

    ImageLayers out;
    out.imageId = id;
    for (const QString &t : tags)
        out.repoTags << familiarReference(t);
    for (qsizetype i = 0; i < rec->chainIds.size(); ++i) {
        const QString &chainId = rec->chainIds.at(i);
        BERTH_TRY_ASSIGN(const auto l, m_meta->layer(chainId));
        if (!l)
            return Error{ErrorCode::Corrupt,
                         tr("analyze image %1: layer %2 has no record").arg(id, chainId)};
        AnalyzedLayer a;
        a.index = int(i);
        a.chainId = chainId;
        a.diffId = l->diffId;
        a.blobDigest = l->blobDigest;
        a.blobMediaType = l->blobMediaType;
        a.blobSize = l->blobSize;
        a.tarSize = l->tarSize;
        a.size = l->size;
        a.blobPath = m_content->blobPath(l->blobDigest);
        if (l->unpacked)
            a.unpackedDir = layerDir(chainId);
        for (const store::ImageRecord &other : all) {
            if (other.id != id && other.chainIds.contains(chainId))
                a.sharedWith << other.id;
        }
        out.layers << a;
    }
    // docker's history lists every step; the ones marked empty_layer made no
    // layer and belong with the layer below them.
    qsizetype next = 0;
    for (const image::HistoryEntry &h : cfg.history()) {
        if (!h.emptyLayer && next < out.layers.size())
            out.layers[next++].step = h;
        else if (next == 0)
            out.leadingSteps << h;
        else
            out.layers[next - 1].metadataSteps << h;
    }
    return out;
}

Result<ImageAnalysis> Engine::analyzeImage(const QString &id, const AnalyzeOptions &options) const
{
    ImageAnalysis out;
    BERTH_TRY_ASSIGN(out.image, imageLayers(id));
    layer::ReadOptions read;
    read.progress = options.progress;
    const int count = int(out.image.layers.size());
    for (const AnalyzedLayer &l : out.image.layers) {
        if (options.onLayer)
            options.onLayer(l.index, count);
        BERTH_TRY_ASSIGN(layer::LayerEntries entries, readLayer(l, read));
        out.stack.addLayer(std::move(entries.entries));
    }
    return out;
}

Result<ImageComparison> Engine::compareImages(const QString &firstId, const QString &secondId,
                                              const AnalyzeOptions &options) const
{
    ImageComparison out;
    BERTH_TRY_ASSIGN(out.first, imageLayers(firstId));
    BERTH_TRY_ASSIGN(out.second, imageLayers(secondId));
    const auto &a = out.first.layers;
    const auto &b = out.second.layers;
    while (out.sharedLayers < a.size() && out.sharedLayers < b.size() &&
           a.at(out.sharedLayers).chainId == b.at(out.sharedLayers).chainId)
        ++out.sharedLayers;
    const int k = out.sharedLayers;
    if (k == a.size() || k == b.size())
        return out;
    layer::ReadOptions read;
    read.hashContents = true;
    read.progress = options.progress;
    if (options.onLayer)
        options.onLayer(0, 2);
    BERTH_TRY_ASSIGN(const layer::LayerEntries left, readLayer(a.at(k), read));
    if (options.onLayer)
        options.onLayer(1, 2);
    BERTH_TRY_ASSIGN(const layer::LayerEntries right, readLayer(b.at(k), read));
    out.firstDifference = layer::diffLayers(left.entries, right.entries);
    return out;
}

} // namespace berth
