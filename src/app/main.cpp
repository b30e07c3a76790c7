// berth-desktop: the GUI. Same store as the `berth` CLI (--root / BERTH_ROOT), shown
// in the system's language when Berth has a translation for it.
#include "Engine.h"
#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QTranslator>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    // berth.qrc is compiled into the berth-app static library, whose resource
    // initializer the linker drops unless something refers to it.
    Q_INIT_RESOURCE(berth);
    QApplication::setApplicationName(QStringLiteral("Berth"));
    QApplication::setApplicationVersion(QStringLiteral(BERTH_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("berth-desktop"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/berth.svg")));

    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator berthTranslator;
    if (berthTranslator.load(QLocale(), QStringLiteral("berth"), QStringLiteral("_"),
                             QStringLiteral(":/i18n")))
        QApplication::installTranslator(&berthTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Berth desktop container engine"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption rootOption(
        QStringLiteral("root"),
        QApplication::translate("main", "Store directory (default %1).")
            .arg(berth::Engine::defaultRoot()),
        QApplication::translate("main", "DIR"));
    parser.addOption(rootOption);
    parser.process(app);

    QString root = parser.value(rootOption);
    if (root.isEmpty())
        root = qEnvironmentVariable("BERTH_ROOT", berth::Engine::defaultRoot());

    berth::app::MainWindow window(root);
    window.show();
    return app.exec();
}
