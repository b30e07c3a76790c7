// The table behind the Images panel: one row per (image, tag), like `docker images`.
//
// The model never touches the store itself. A refresh runs Engine::images() on the
// thread pool (each run opens its own Engine: a SQLite connection belongs to the
// thread that opened it) and the rows come back to the GUI thread through a
// QFutureWatcher, so a slow disk never freezes the window.
#pragma once

#include "Engine.h"

#include <QAbstractTableModel>
#include <QFutureWatcher>

namespace berth::app {

class ImagesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Repository, Tag, ImageId, Created, Size, ColumnCount };

    explicit ImagesModel(QString root, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    QString root() const { return m_root; }
    bool isLoading() const { return m_watcher.isRunning(); }
    // As of the last successful refresh: the store exists, and whether its events
    // journal does (it appears with the first event), so the window can watch them
    // without looking at the disk itself.
    bool storeExists() const { return m_storeExists; }
    bool journalExists() const { return m_journalExists; }

public slots:
    void refresh();

signals:
    // After each refresh: the image count, or the engine's error message.
    void refreshed(int images);
    void refreshFailed(const QString &message);

private:
    struct Row
    {
        QString repository;
        QString tag;
        QString id;
        QDateTime created;
        qint64 size = 0;
    };
    struct Listing
    {
        QList<ImageSummary> images;
        bool journalExists = false;
    };
    void takeResult();

    QString m_root;
    QList<Row> m_rows;
    bool m_storeExists = false;
    bool m_journalExists = false;
    QFutureWatcher<Result<Listing>> m_watcher;
    bool m_refreshAgain = false;
};

} // namespace berth::app
