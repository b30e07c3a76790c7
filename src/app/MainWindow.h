// Berth's main window. For now it shows the Images panel: every image in the store,
// refreshed when another berth process (the CLI, a second window) changes the store,
// which it learns from the events journal growing.
#pragma once

#include <QFileSystemWatcher>
#include <QMainWindow>
#include <QSortFilterProxyModel>
#include <QTimer>

namespace Ui {
class MainWindow;
}

namespace berth::app {

class ImagesModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &root, QWidget *parent = nullptr);
    ~MainWindow() override;

    ImagesModel *imagesModel() const { return m_images; }

private:
    void watchStore();
    void showImageCount(int images);
    void showError(const QString &message);

    Ui::MainWindow *m_ui;
    ImagesModel *m_images;
    QSortFilterProxyModel m_proxy;
    QFileSystemWatcher m_watcher;
    QTimer m_settle; // coalesces a burst of journal writes into one refresh
};

} // namespace berth::app
