// berth exec: docker's flags, output and exit codes (the process's own; 126
// when it cannot be started; 1 when the container is missing or not running).
// The process is this command's child: without -t it gets this process's
// descriptors directly; with -t it gets a pty of the container's own /dev/pts
// whose master this command relays to its terminal, in raw mode, passing
// window size changes on, until it ends or the detach keys (-it) are typed:
// then this command ends with docker's "read escape sequence" and status 1.
// Unlike docker's daemon, berth keeps no process that could hold the terminal
// of a detached exec, so detaching hangs the terminal up, which ends a shell as
// closing a terminal window does. exec -d hands its process to the container's
// init instead (runtime/Exec.h), so that nothing outside waits for it.
#include "Attach.h"
#include "Command.h"

#include "Containers.h"

#include <QFile>

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace berth::cli {

namespace {

enum ExecExit { ExitCannotStart = 126 };

volatile sig_atomic_t g_winch = 0;

void onWinch(int)
{
    g_winch = 1;
}

void copyWindowSize(int master)
{
    winsize ws{};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        (void)::ioctl(master, TIOCSWINSZ, &ws);
}

// Copies the pty's output to our stdout (and our stdin to it with -i) until
// every holder of the slave has closed it, or the detach keys are typed (then
// returns true).
bool relayPty(int master, bool input, const QByteArray &detachKeys)
{
    struct sigaction sa = {}, old = {};
    sa.sa_handler = onWinch;
    ::sigaction(SIGWINCH, &sa, &old);
    RawTerminal raw(input);
    DetachKeyFilter filter(detachKeys);
    std::string typed;
    bool stdinOpen = input;
    bool detached = false;
    char chunk[65536];
    while (!detached) {
        if (g_winch) {
            g_winch = 0;
            copyWindowSize(master);
        }
        pollfd fds[2] = {{master, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (::poll(fds, stdinOpen ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (stdinOpen && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
            if (got > 0) {
                typed.clear();
                detached = filter.feed(chunk, size_t(got), &typed);
                (void)writeAll(master, typed.data(), typed.size());
                continue;
            }
            if (got == 0 || errno != EINTR) {
                typed = filter.flush();
                (void)writeAll(master, typed.data(), typed.size());
                stdinOpen = false;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t got = ::read(master, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) // EIO: the last slave descriptor is closed
                break;
            (void)writeAll(STDOUT_FILENO, chunk, size_t(got));
        }
    }
    ::sigaction(SIGWINCH, &old, nullptr);
    return detached;
}

// After a detach: the process just lost its terminal and most likely goes; it
// is reaped here if it does, rather than left to whatever adopts berth's orphans.
void reapIfItEnds(pid_t pid)
{
    for (int i = 0; i < 40; ++i) {
        const pid_t done = ::waitpid(pid, nullptr, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR))
            return;
        ::usleep(50 * 1000);
    }
}

int waitExitCode(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return ExitCannotStart;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class ExecCommand : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("exec"), QStringLiteral("container exec")};
    }
    QString usage() const override
    {
        return QStringLiteral("[OPTIONS] CONTAINER COMMAND [ARG...]");
    }
    QString summary() const override
    {
        return QStringLiteral("Execute a command in a running container");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        bool detach = false, interactive = false, tty = false, privileged = false;
        QString user, workdir, detachKeys;
        QStringList env, envFiles;
        FlagSet flags;
        flags.setInterspersed(false);
        flags.addBool(QStringLiteral("detach"), QLatin1Char('d'), &detach,
                      QStringLiteral("Detached mode: run command in the background"));
        flags.addString(QStringLiteral("detach-keys"), QChar(), &detachKeys,
                        QStringLiteral("Override the key sequence for detaching a container"));
        flags.addList(QStringLiteral("env"), QLatin1Char('e'), &env,
                      QStringLiteral("Set environment variables"));
        flags.addList(QStringLiteral("env-file"), QChar(), &envFiles,
                      QStringLiteral("Read in a file of environment variables"));
        flags.addBool(QStringLiteral("interactive"), QLatin1Char('i'), &interactive,
                      QStringLiteral("Keep STDIN open even if not attached"));
        flags.addBool(QStringLiteral("privileged"), QChar(), &privileged,
                      QStringLiteral("Give extended privileges to the command"));
        flags.addBool(QStringLiteral("tty"), QLatin1Char('t'), &tty,
                      QStringLiteral("Allocate a pseudo-TTY"));
        flags.addString(QStringLiteral("user"), QLatin1Char('u'), &user,
                        QStringLiteral("Username or UID (format: \"<name|uid>[:<group|gid>]\")"));
        flags.addString(QStringLiteral("workdir"), QLatin1Char('w'), &workdir,
                        QStringLiteral("Working directory inside the container"));
        if (int rc = parseArgs(ctx, flags, args, 2); rc >= 0)
            return rc;

        QByteArray keys = DefaultDetachKeys;
        if (!detachKeys.isEmpty()) {
            const auto parsed = parseDetachKeys(detachKeys);
            if (!parsed)
                return daemonError(
                    ctx,
                    Error{ErrorCode::InvalidArgument,
                          QStringLiteral("Invalid escape keys (%1) provided").arg(detachKeys)});
            keys = *parsed;
        }

        Containers::ExecOptions o;
        o.cmd = flags.positionals().mid(1);
        o.user = user;
        o.workdir = workdir;
        o.tty = tty && !detach;
        o.privileged = privileged;
        o.detach = detach;
        for (const QString &file : envFiles) {
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly))
                return ctx.fail(QStringLiteral("open %1: no such file or directory").arg(file));
            for (const QByteArray &line : f.readAll().split('\n')) {
                const QString t = QString::fromUtf8(line).trimmed();
                if (!t.isEmpty() && !t.startsWith(QLatin1Char('#')))
                    o.env.append(t);
            }
        }
        o.env += env;

        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().first());
        if (!id.ok())
            return daemonError(ctx, id.error());

        if (!o.tty && !detach) {
            o.stdinFd = interactive ? STDIN_FILENO : -1;
            o.stdoutFd = STDOUT_FILENO;
            o.stderrFd = STDERR_FILENO;
        }
        ctx.out.flush();
        auto process = containers.exec(*id, o);
        if (!process.ok()) {
            const ErrorCode code = process.error().code;
            if (code != ErrorCode::NotFound && code != ErrorCode::Permission &&
                code != ErrorCode::Internal)
                return daemonError(ctx, process.error());
            ctx.err << "OCI runtime exec failed: " << process.error().message << ": unknown\n";
            ctx.err.flush();
            return ExitCannotStart;
        }
        if (detach)
            return ExitOk;
        if (process->ptyMaster >= 0) {
            copyWindowSize(process->ptyMaster);
            const bool detached = relayPty(process->ptyMaster, interactive, keys);
            ::close(process->ptyMaster);
            if (detached) {
                reapIfItEnds(process->pid);
                ctx.err << "read escape sequence\n";
                ctx.err.flush();
                return ExitError;
            }
        }
        return waitExitCode(process->pid);
    }

private:
    static int daemonError(Context &ctx, const Error &error)
    {
        ctx.err << "Error response from daemon: " << error.message << '\n';
        ctx.err.flush();
        return ExitError;
    }
};

} // namespace

std::shared_ptr<Command> makeExecCommand()
{
    return std::make_shared<ExecCommand>();
}

} // namespace berth::cli
