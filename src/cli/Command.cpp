#include "Command.h"

#include <cstdio>

namespace berth::cli {

std::atomic<bool> Context::interrupted{false};

Context::Context() : out(stdout), err(stderr) {}

Engine *Context::engine()
{
    if (!m_engine) {
        auto e = Engine::open(root);
        if (!e.ok()) {
            fail(e.error());
            return nullptr;
        }
        m_engine = std::move(e).value();
    }
    return m_engine.get();
}

Progress Context::progress() const
{
    Progress p;
    p.cancel = &interrupted;
    return p;
}

int Context::fail(const Error &error)
{
    return fail(error.message);
}

int Context::fail(const QString &message)
{
    out.flush();
    err << "Error: " << message << Qt::endl;
    return ExitError;
}

int Context::daemonError(const QString &message)
{
    err << "Error response from daemon: " << message << '\n';
    err.flush();
    return ExitError;
}

QString Command::helpText(const FlagSet &flags) const
{
    QString text =
        QStringLiteral("\nUsage:  berth %1 %2\n\n%3\n").arg(names().first(), usage(), summary());
    if (names().size() > 1) {
        QStringList aliases;
        for (const QString &n : names())
            aliases << QStringLiteral("berth ") + n;
        text += QStringLiteral("\nAliases:\n  %1\n").arg(aliases.join(QStringLiteral(", ")));
    }
    const QString opts = flags.optionsHelp();
    if (!opts.isEmpty())
        text += QStringLiteral("\nOptions:\n") + opts;
    return text;
}

int Command::parseArgs(Context &ctx, FlagSet &flags, const QStringList &args, int minArgs,
                       int maxArgs) const
{
    const QString name = names().first();
    if (!flags.parse(args)) {
        ctx.err << flags.errorMessage() << "\nSee 'berth " << name << " --help'." << Qt::endl;
        return ExitUsage;
    }
    if (flags.helpRequested()) {
        ctx.out << helpText(flags) << Qt::flush;
        return ExitOk;
    }
    const auto n = flags.positionals().size();
    QString problem;
    if (minArgs == maxArgs && n != minArgs)
        problem = minArgs == 0 ? QStringLiteral("accepts no arguments")
                               : QStringLiteral("requires exactly %1 argument%2")
                                     .arg(minArgs)
                                     .arg(minArgs == 1 ? "" : "s");
    else if (n < minArgs)
        problem = QStringLiteral("requires at least %1 argument%2")
                      .arg(minArgs)
                      .arg(minArgs == 1 ? "" : "s");
    else if (maxArgs >= 0 && n > maxArgs)
        problem = QStringLiteral("requires at most %1 argument%2")
                      .arg(maxArgs)
                      .arg(maxArgs == 1 ? "" : "s");
    if (!problem.isEmpty()) {
        ctx.err << "\"berth " << name << "\" " << problem << ".\nSee 'berth " << name
                << " --help'.\n\nUsage:  berth " << name << ' ' << usage() << "\n\n"
                << summary() << Qt::endl;
        return ExitError;
    }
    return -1;
}

} // namespace berth::cli
