#include "Command.h"

#include "util/Fs.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

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

int writeArchiveOutput(Context &ctx, const QString &output, const QString &openOperation,
                       const std::function<Status(Writer &)> &produce)
{
    if (output.isEmpty()) {
        FdWriter writer(1, QStringLiteral("stdout"));
        if (Status st = produce(writer); !st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
    const QFileInfo target(output);
    const QString tmp = target.absolutePath() + QStringLiteral("/.") + target.fileName() +
                        QStringLiteral(".berth-tmp-") + QString::number(::getpid());
    const int fd =
        ::open(QFile::encodeName(tmp).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return ctx.fail(Error::fromErrno(errno, openOperation, output));
    FdWriter writer(fd, output);
    Status st = produce(writer);
    if (st.ok())
        st = fs::syncFile(fd, output);
    ::close(fd);
    if (st.ok() &&
        ::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(output).constData()) != 0)
        st = Error::fromErrno(errno, QStringLiteral("rename"), output);
    if (!st.ok()) {
        ::unlink(QFile::encodeName(tmp).constData());
        return ctx.fail(st.error());
    }
    return ExitOk;
}

} // namespace berth::cli
