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
    void takeResult();

    QString m_root;
    QList<Row> m_rows;
    QFutureWatcher<Result<QList<ImageSummary>>> m_watcher;
    bool m_refreshAgain = false;
};

} // namespace berth::app
