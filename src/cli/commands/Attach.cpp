// berth attach / container attach: this terminal's stdin, stdout and stderr
// joined to a running container's, as docker attach does. It ends with the
// container's exit code; after the detach keys (a container with a terminal
// only) with docker's "read escape sequence" and status 1, the container
// still running.
#include "Attach.h"
#include "Command.h"

#include "Containers.h"
#include "runtime/ShimProtocol.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace berth::cli {

namespace {

class AttachCommand : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("attach"), QStringLiteral("container attach")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] CONTAINER"); }
    QString summary() const override
    {
        return QStringLiteral(
            "Attach local standard input, output, and error streams to a running container");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        bool noStdin = false, sigProxy = true;
        QString detachKeys;
        FlagSet flags;
        flags.addString(QStringLiteral("detach-keys"), QChar(), &detachKeys,
                        QStringLiteral("Override the key sequence for detaching a container"));
        flags.addBool(QStringLiteral("no-stdin"), QChar(), &noStdin,
                      QStringLiteral("Do not attach STDIN"));
        flags.addBool(QStringLiteral("sig-proxy"), QChar(), &sigProxy,
                      QStringLiteral("Proxy all received signals to the process (default true)"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;

        AttachOptions options;
        options.sigProxy = sigProxy;
        if (!detachKeys.isEmpty()) {
            const auto keys = parseDetachKeys(detachKeys);
            if (!keys)
                return ctx.daemonError(invalidDetachKeysMessage(detachKeys));
            options.detachKeys = *keys;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().first());
        if (!id.ok())
            return ctx.daemonError(id.error().message);
        auto streams = containers.attach(*id, !noStdin);
        if (!streams.ok()) {
            // docker's CLI checks the state itself and prints its message bare.
            if (streams.error().code != ErrorCode::Conflict)
                return ctx.daemonError(streams.error().message);
            ctx.err << streams.error().message << '\n';
            ctx.err.flush();
            return ExitError;
        }
        const int fd = streams->fd;
        if (streams->tty && streams->stdinAttached && !::isatty(STDIN_FILENO)) {
            ::close(fd);
            ctx.err << "the input device is not a TTY\n";
            ctx.err.flush();
            return ExitError;
        }
        options.stdinStream = streams->stdinAttached;
        options.tty = streams->tty;
        options.bundle = containers.bundle(*id);
        if (options.tty)
            nudgeRedraw(fd);
        ctx.out.flush();
        const int code = relayAttached(fd, options);
        ::close(fd);
        if (code == RelayDetached) {
            ctx.err << "read escape sequence\n";
            ctx.err.flush();
            return ExitError;
        }
        if (code >= 0)
            return code;
        // The connection ended without an exit frame: the container's own record says.
        auto waited = containers.wait(*id);
        return waited.ok() ? *waited : ExitError;
    }

private:
    // As docker does: a size one larger first (relayAttached() then sends the
    // real one), so that a program that already drew its screen, or a shell
    // waiting at its prompt, gets a SIGWINCH and draws it again for us.
    static void nudgeRedraw(int fd)
    {
        winsize ws{};
        if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0)
            return;
        const std::string frame =
            runtime::encodeFrame(runtime::FrameType::Resize, std::to_string(ws.ws_row + 1) + ' ' +
                                                                 std::to_string(ws.ws_col + 1));
        if (::write(fd, frame.data(), frame.size()) < 0)
            return; // the relay finds the connection broken and says so
    }
};

} // namespace

std::shared_ptr<Command> makeAttachCommand()
{
    return std::make_shared<AttachCommand>();
}

} // namespace berth::cli
