#include "ImagesModel.h"

#include "util/Units.h"

#include <QFile>
#include <QLocale>
#include <QtConcurrent>

namespace berth::app {

ImagesModel::ImagesModel(QString root, QObject *parent)
    : QAbstractTableModel(parent), m_root(std::move(root))
{
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &ImagesModel::takeResult);
}

int ImagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ImagesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ImagesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Repository:
            return r.repository;
        case Tag:
            return r.tag;
        case ImageId:
            return r.id.mid(7, 12);
        case Created:
            return QLocale().toString(r.created.toLocalTime(), QLocale::ShortFormat);
        case Size:
            return units::humanSizeWithPrecision(r.size, 3);
        }
    } else if (role == Qt::UserRole) {
        // Sort keys: real times and sizes, not their text.
        switch (index.column()) {
        case Created:
            return r.created;
        case Size:
            return r.size;
        default:
            return data(index, Qt::DisplayRole);
        }
    } else if (role == Qt::ToolTipRole && index.column() == ImageId) {
        return r.id;
    } else if (role == Qt::TextAlignmentRole && index.column() == Size) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant ImagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Repository:
        return tr("Repository");
    case Tag:
        return tr("Tag");
    case ImageId:
        return tr("Image ID");
    case Created:
        return tr("Created");
    case Size:
        return tr("Size");
    }
    return {};
}

void ImagesModel::refresh()
{
    if (m_watcher.isRunning()) {
        m_refreshAgain = true;
        return;
    }
    const QString root = m_root;
    m_watcher.setFuture(QtConcurrent::run([root]() -> Result<Listing> {
        auto engine = Engine::open(root);
        if (!engine.ok())
            return engine.error();
        auto images = (*engine)->images();
        if (!images.ok())
            return images.error();
        return Listing{*images, QFile::exists(root + QStringLiteral("/events.jsonl"))};
    }));
}

void ImagesModel::takeResult()
{
    const Result<Listing> result = m_watcher.result();
    if (!result.ok()) {
        emit refreshFailed(result.error().message);
    } else {
        QList<Row> rows;
        m_storeExists = true;
        m_journalExists = result->journalExists;
        for (const ImageSummary &img : result->images) {
            if (img.repoTags.isEmpty()) {
                rows.append({QStringLiteral("<none>"), QStringLiteral("<none>"), img.id,
                             img.created, img.size});
                continue;
            }
            for (const QString &t : img.repoTags) {
                const qsizetype colon = t.lastIndexOf(QLatin1Char(':'));
                rows.append({t.left(colon), t.mid(colon + 1), img.id, img.created, img.size});
            }
        }
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        emit refreshed(int(result->images.size()));
    }
    if (m_refreshAgain) {
        m_refreshAgain = false;
        refresh();
    }
}

} // namespace berth::app
