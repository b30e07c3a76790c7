#include "MainWindow.h"

#include "ImagesModel.h"
#include "ui_MainWindow.h"

#include <QDir>
#include <QHeaderView>
#include <QStatusBar>

namespace berth::app {

MainWindow::MainWindow(const QString &root, QWidget *parent)
    : QMainWindow(parent), m_ui(new Ui::MainWindow), m_images(new ImagesModel(root, this))
{
    m_ui->setupUi(this);
    m_proxy.setSourceModel(m_images);
    m_proxy.setSortRole(Qt::UserRole);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1);
    m_ui->imagesView->setModel(&m_proxy);
    QHeaderView *header = m_ui->imagesView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ImagesModel::Repository, QHeaderView::Stretch);
    m_ui->imagesView->setWordWrap(false);
    m_ui->imagesView->verticalHeader()->hide();
    m_ui->imagesView->sortByColumn(ImagesModel::Created, Qt::DescendingOrder);
    m_ui->emptyHint->hide();

    connect(m_ui->filterEdit, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_ui->actionRefresh, &QAction::triggered, m_images, &ImagesModel::refresh);
    connect(m_images, &ImagesModel::refreshed, this, &MainWindow::showImageCount);
    connect(m_images, &ImagesModel::refreshFailed, this, &MainWindow::showError);

    m_settle.setSingleShot(true);
    m_settle.setInterval(150);
    connect(&m_settle, &QTimer::timeout, m_images, &ImagesModel::refresh);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] {
        m_settle.start();
        watchStore(); // a replaced file drops out of the watch list
    });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] {
        m_settle.start();
        watchStore();
    });

    statusBar()->showMessage(tr("Loading images from %1…").arg(QDir::toNativeSeparators(root)));
    m_images->refresh(); // its result says what there is to watch
}

MainWindow::~MainWindow()
{
    delete m_ui;
}

void MainWindow::watchStore()
{
    // What exists comes from the last refresh (run off this thread). The journal
    // appears with the first event; the root's directory change tells us when.
    const QString root = m_images->root();
    if (m_images->storeExists() && !m_watcher.directories().contains(root))
        m_watcher.addPath(root);
    const QString journal = root + QStringLiteral("/events.jsonl");
    if (m_images->journalExists() && !m_watcher.files().contains(journal))
        m_watcher.addPath(journal);
}

void MainWindow::showImageCount(int images)
{
    m_ui->emptyHint->setVisible(images == 0);
    statusBar()->showMessage(
        tr("Images in %1: %2").arg(QDir::toNativeSeparators(m_images->root())).arg(images));
    watchStore();
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(tr("Cannot read the image list: %1").arg(message));
}

} // namespace berth::app
