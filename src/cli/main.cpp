// berth: the docker-style command line over the Berth engine.
//   berth [--root DIR] COMMAND [ARG...]
// The store is --root, else $BERTH_ROOT, else Engine::defaultRoot(). Output is
// English like docker's, so scripts and tutorials written for docker match it.
#include "Command.h"

#include <QCoreApplication>

#include <csignal>

using namespace berth::cli;

namespace {

void onSignal(int sig)
{
    if (Context::interrupted.exchange(true)) {
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

QString topLevelHelp(const QList<std::shared_ptr<Command>> &commands)
{
    QString text =
        QStringLiteral(
            "\nUsage:  berth [OPTIONS] COMMAND\n\n"
            "A desktop container engine with a docker-compatible command line\n\n"
            "Options:\n"
            "      --root string   Root of the berth store (default \"%1\", or $BERTH_ROOT)\n"
            "  -v, --version       Print version information and quit\n\n"
            "Commands:\n")
            .arg(berth::Engine::defaultRoot());
    QStringList lines;
    for (const auto &c : commands) {
        for (const QString &n : c->names()) {
            if (!n.contains(QLatin1Char(' ')))
                lines << QStringLiteral("  %1%2").arg(n.leftJustified(12), c->summary());
        }
    }
    text += lines.join(QLatin1Char('\n')) + QStringLiteral("\n\nManagement commands:\n");
    QStringList mgmt;
    for (const auto &c : commands) {
        for (const QString &n : c->names()) {
            if (n.contains(QLatin1Char(' ')))
                mgmt << QStringLiteral("  %1%2").arg(n.leftJustified(16), c->summary());
        }
    }
    text += mgmt.join(QLatin1Char('\n')) +
            QStringLiteral("\n\nRun 'berth COMMAND --help' for more information on a command.\n");
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("berth"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BERTH_VERSION));
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Context ctx;
    ctx.root = qEnvironmentVariable("BERTH_ROOT");
    QStringList args = app.arguments().mid(1);
    while (!args.isEmpty() && args.first().startsWith(QLatin1Char('-'))) {
        const QString a = args.takeFirst();
        if (a == QLatin1String("--root") && !args.isEmpty()) {
            ctx.root = args.takeFirst();
        } else if (a.startsWith(QLatin1String("--root="))) {
            ctx.root = a.mid(7);
        } else if (a == QLatin1String("-v") || a == QLatin1String("--version")) {
            ctx.out << "Berth version " << BERTH_VERSION << Qt::endl;
            return ExitOk;
        } else if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            ctx.out << topLevelHelp(allCommands()) << Qt::flush;
            return ExitOk;
        } else if (a == QLatin1String("-D") || a == QLatin1String("--debug")) {
            continue;
        } else {
            ctx.err << "unknown flag: " << a << "\nSee 'berth --help'." << Qt::endl;
            return ExitUsage;
        }
    }
    if (ctx.root.isEmpty())
        ctx.root = berth::Engine::defaultRoot();
    const auto commands = allCommands();
    if (args.isEmpty()) {
        ctx.out << topLevelHelp(commands) << Qt::flush;
        return ExitOk;
    }
    // Two-word management commands ("image ls") first, then single words.
    for (int words : {2, 1}) {
        if (args.size() < words)
            continue;
        const QString name = args.mid(0, words).join(QLatin1Char(' '));
        for (const auto &c : commands) {
            if (c->names().contains(name))
                return c->run(ctx, args.mid(words));
        }
    }
    const QString first = args.first();
    if (first == QLatin1String("image") || first == QLatin1String("system")) {
        ctx.out << "\nUsage:  berth " << first << " COMMAND\n\nCommands:\n";
        for (const auto &c : commands) {
            for (const QString &n : c->names()) {
                if (n.startsWith(first + QLatin1Char(' ')))
                    ctx.out << "  " << n.mid(first.size() + 1).leftJustified(10) << c->summary()
                            << '\n';
            }
        }
        ctx.out.flush();
        return args.size() == 1 ? ExitOk : ExitUsage;
    }
    ctx.err << "berth: '" << first << "' is not a berth command.\nSee 'berth --help'" << Qt::endl;
    return ExitUsage;
}
