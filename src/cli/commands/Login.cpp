// berth login / logout: docker's flags, prompts and messages; the registry
// module checks the credentials and the system keychain keeps them
// (registry/Credentials.h).
#include "Command.h"
#include "RegistryModule.h"

#include <QFile>

#include <termios.h>
#include <unistd.h>

namespace berth::cli {

namespace {

// One line from the terminal on stdin, without echoing it when `secret`.
QString promptLine(Context &ctx, const QString &prompt, bool secret)
{
    ctx.out << prompt;
    ctx.out.flush();
    termios saved = {};
    const bool quiet = secret && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (quiet) {
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    QByteArray line;
    char c = 0;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
        line += c;
    if (quiet) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        ctx.out << '\n';
        ctx.out.flush();
    }
    return QString::fromUtf8(line).trimmed();
}

class Login : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("login")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS] [SERVER]"); }
    QString summary() const override { return QStringLiteral("Log in to a registry"); }

    int run(Context &ctx, const QStringList &args) override
    {
        QString username, password;
        bool passwordStdin = false;
        FlagSet flags;
        flags.addString(QStringLiteral("username"), QLatin1Char('u'), &username,
                        QStringLiteral("Username"));
        flags.addString(QStringLiteral("password"), QLatin1Char('p'), &password,
                        QStringLiteral("Password"));
        flags.addBool(QStringLiteral("password-stdin"), QChar(), &passwordStdin,
                      QStringLiteral("Take the password from stdin"));
        if (int rc = parseArgs(ctx, flags, args, 0, 1); rc >= 0)
            return rc;
        const QString server = flags.positionals().value(0);
        if (!password.isEmpty()) {
            ctx.err << "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n";
            ctx.err.flush();
            if (passwordStdin)
                return ctx.fail(QStringLiteral("--password and --password-stdin are mutually "
                                               "exclusive"));
        }
        if (passwordStdin) {
            if (username.isEmpty())
                return ctx.fail(QStringLiteral("Must provide --username with --password-stdin"));
            QFile in;
            if (!in.open(STDIN_FILENO, QIODevice::ReadOnly))
                return ctx.fail(
                    QStringLiteral("read the password from stdin: %1").arg(in.errorString()));
            password = QString::fromUtf8(in.readAll());
            while (password.endsWith(QLatin1Char('\n')) || password.endsWith(QLatin1Char('\r')))
                password.chop(1);
        }
        if (username.isEmpty() || password.isEmpty()) {
            if (!::isatty(STDIN_FILENO))
                return ctx.fail(
                    QStringLiteral("Cannot perform an interactive login from a non TTY device"));
            if (username.isEmpty())
                username = promptLine(ctx, QStringLiteral("Username: "), false);
            if (username.isEmpty())
                return ctx.fail(QStringLiteral("Non-null Username Required"));
            if (password.isEmpty())
                password = promptLine(ctx, QStringLiteral("Password: "), true);
            if (password.isEmpty())
                return ctx.fail(QStringLiteral("Password Required"));
        }
        auto module = registryModule();
        if (!module.ok())
            return ctx.fail(module.error());
        const Status st =
            (*module)->login(server, registry::Credentials{username, password}, ctx.progress());
        if (!st.ok()) {
            // No keychain is this machine's matter, not the registry's answer.
            if (st.error().code == ErrorCode::Unsupported)
                return ctx.fail(st.error());
            return ctx.daemonError(st.error().message);
        }
        ctx.out << "Login Succeeded\n";
        ctx.out.flush();
        return ExitOk;
    }
};

class Logout : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("logout")}; }
    QString usage() const override { return QStringLiteral("[SERVER]"); }
    QString summary() const override { return QStringLiteral("Log out from a registry"); }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 0, 1); rc >= 0)
            return rc;
        const QString domain = registry::registryOfServer(flags.positionals().value(0));
        // docker names Docker Hub by its old index URL here.
        const QString shown = registry::credentialsKey(domain);
        auto module = registryModule();
        if (!module.ok())
            return ctx.fail(module.error());
        auto removed = (*module)->logout(domain);
        if (!removed.ok())
            return ctx.fail(removed.error());
        if (!*removed) {
            ctx.out << "Not logged in to " << shown << '\n';
            return ExitOk;
        }
        ctx.out << "Removing login credentials for " << shown << '\n';
        return ExitOk;
    }
};

} // namespace

QList<std::shared_ptr<Command>> makeLoginCommands()
{
    return {std::make_shared<Login>(), std::make_shared<Logout>()};
}

} // namespace berth::cli
