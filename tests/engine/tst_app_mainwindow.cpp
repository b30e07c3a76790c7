// Drives the real main window offscreen: it lists the store's images without blocking
// the GUI thread, follows changes another berth process makes, filters, and speaks
// Chinese when asked. Set BERTH_SCREENSHOT_DIR to keep PNGs of the window.
#include "ImagesModel.h"
#include "MainWindow.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace berth::app;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString root() const { return m_tmp.filePath(QStringLiteral("store")); }

    int berth(const QStringList &args)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(QStringLiteral(BERTH_BIN "/berth"),
                QStringList{QStringLiteral("--root"), root()} + args);
        p.waitForFinished(60000);
        return p.exitCode();
    }

    static QStringList column(QTableView *view, int col)
    {
        QStringList out;
        for (int r = 0; r < view->model()->rowCount(); ++r)
            out << view->model()->index(r, col).data().toString();
        out.sort();
        return out;
    }

    static void screenshot(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("BERTH_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            w->grab().save(dir + QLatin1Char('/') + name);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(QFile::exists(QStringLiteral("/bin/busybox")), "busybox-static is needed");
        const QString rootfs = m_tmp.filePath(QStringLiteral("rootfs"));
        QVERIFY(QDir().mkpath(rootfs + QStringLiteral("/bin")));
        QVERIFY(
            QFile::copy(QStringLiteral("/bin/busybox"), rootfs + QStringLiteral("/bin/busybox")));
        QCOMPARE(
            QProcess::execute(QStringLiteral("tar"),
                              {QStringLiteral("-C"), rootfs, QStringLiteral("-cf"),
                               m_tmp.filePath(QStringLiteral("rootfs.tar")), QStringLiteral(".")}),
            0);
        QCOMPARE(berth({QStringLiteral("import"), m_tmp.filePath(QStringLiteral("rootfs.tar")),
                        QStringLiteral("learn/busybox:1")}),
                 0);
    }

    void listsImagesAndFollowsOtherProcesses()
    {
        MainWindow w(root());
        w.resize(900, 400);
        w.show();
        auto *view = w.findChild<QTableView *>(QStringLiteral("imagesView"));
        QVERIFY(view);
        // The first load runs on the thread pool; the window is live meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 10000);
        QCOMPARE(column(view, ImagesModel::Repository),
                 QStringList{QStringLiteral("learn/busybox")});
        QCOMPARE(column(view, ImagesModel::Tag), QStringList{QStringLiteral("1")});
        QCOMPARE(
            view->model()->index(0, ImagesModel::ImageId).data(Qt::ToolTipRole).toString().size(),
            71);
        QVERIFY(view->model()
                    ->index(0, ImagesModel::Size)
                    .data()
                    .toString()
                    .endsWith(QLatin1String("MB")));
        QVERIFY2(w.statusBar()->currentMessage().endsWith(QLatin1String(": 1")),
                 qPrintable(w.statusBar()->currentMessage()));

        // Another process tags the image: the window sees the journal grow and refreshes.
        QCOMPARE(berth({QStringLiteral("tag"), QStringLiteral("learn/busybox:1"),
                        QStringLiteral("learn/other:2")}),
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, 10000);
        QCOMPARE(column(view, ImagesModel::Repository),
                 (QStringList{QStringLiteral("learn/busybox"), QStringLiteral("learn/other")}));
        screenshot(&w, QStringLiteral("mainwindow-en.png"));

        auto *filter = w.findChild<QLineEdit *>(QStringLiteral("filterEdit"));
        QTest::keyClicks(filter, QStringLiteral("OTHER"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, ImagesModel::Repository).data().toString(),
                 QStringLiteral("learn/other"));
        filter->clear();
        QCOMPARE(view->model()->rowCount(), 2);

        QCOMPARE(berth({QStringLiteral("rmi"), QStringLiteral("learn/other:2")}), 0);
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 10000);
    }

    void emptyStoreShowsHint()
    {
        MainWindow w(m_tmp.filePath(QStringLiteral("empty-store")));
        w.show();
        QSignalSpy done(w.imagesModel(), &ImagesModel::refreshed);
        QVERIFY(done.wait(10000));
        QCOMPARE(done.first().first().toInt(), 0);
        QVERIFY(w.findChild<QLabel *>(QStringLiteral("emptyHint"))->isVisible());

        // The first image (and the journal it creates) shows up without a click.
        QProcess p;
        p.start(QStringLiteral(BERTH_BIN "/berth"),
                {QStringLiteral("--root"), m_tmp.filePath(QStringLiteral("empty-store")),
                 QStringLiteral("import"), m_tmp.filePath(QStringLiteral("rootfs.tar")),
                 QStringLiteral("first:1")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        auto *view = w.findChild<QTableView *>(QStringLiteral("imagesView"));
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 10000);
        QCOMPARE(view->model()->index(0, ImagesModel::Repository).data().toString(),
                 QStringLiteral("first"));
        QVERIFY(!w.findChild<QLabel *>(QStringLiteral("emptyHint"))->isVisible());
    }

    void unreadableStoreReportsError()
    {
        const QString file = m_tmp.filePath(QStringLiteral("not-a-dir"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        MainWindow w(file);
        QSignalSpy failed(w.imagesModel(), &ImagesModel::refreshFailed);
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(file));
        QVERIFY(w.statusBar()->currentMessage().contains(file));
    }

    void speaksChinese()
    {
        QTranslator zh;
        QVERIFY(zh.load(QStringLiteral(":/i18n/berth_zh_CN.qm")));
        QCoreApplication::installTranslator(&zh);
        MainWindow w(root());
        w.resize(900, 400);
        w.show();
        auto *view = w.findChild<QTableView *>(QStringLiteral("imagesView"));
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 10000);
        QCOMPARE(w.findChild<QLabel *>(QStringLiteral("heading"))->text(), QStringLiteral("镜像"));
        QCOMPARE(view->model()->headerData(ImagesModel::Repository, Qt::Horizontal).toString(),
                 QStringLiteral("仓库"));
        screenshot(&w, QStringLiteral("mainwindow-zh_CN.png"));
        QCoreApplication::removeTranslator(&zh);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_app_mainwindow.moc"
