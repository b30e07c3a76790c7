// berth port / container port: the host addresses a running container's
// ports are published on, as docker prints them ("80/tcp -> 0.0.0.0:8080").
#include "Command.h"

#include "ContainerNetwork.h"
#include "Containers.h"

namespace berth::cli {

namespace {

class Port : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("port"), QStringLiteral("container port")};
    }
    QString usage() const override { return QStringLiteral("CONTAINER [PRIVATE_PORT[/PROTO]]"); }
    QString summary() const override
    {
        return QStringLiteral("List port mappings or a specific mapping for the container");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 1, 2); rc >= 0)
            return rc;
        const QString name = flags.positionals().first();
        QString wantedPort;
        QString wantedProtocol = QStringLiteral("tcp");
        if (flags.positionals().size() == 2) {
            const QString filter = flags.positionals().at(1);
            wantedPort = filter.section(QLatin1Char('/'), 0, 0);
            if (filter.contains(QLatin1Char('/')))
                wantedProtocol = filter.section(QLatin1Char('/'), 1);
            bool ok = false;
            const int number = wantedPort.toInt(&ok);
            if (!ok || number <= 0 || number > 65535)
                return ctx.fail(
                    QStringLiteral("invalid port (%1): must be in range 1-65535").arg(wantedPort));
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(name);
        if (!id.ok()) {
            ctx.err << "Error response from daemon: " << id.error().message << '\n';
            return ExitError;
        }
        auto info = containers.info(*id);
        if (!info.ok())
            return ctx.fail(info.error());
        // A container that is not running publishes nothing, as in docker.
        QList<PortMapping> ports;
        if (info->state.isRunning()) {
            auto published = publishedPorts(containers.bundle(*id));
            if (!published.ok())
                return ctx.fail(published.error());
            ports = *published;
        }
        bool found = false;
        for (const PortMapping &p : ports) {
            // An IPv6 address in brackets ("[::]:8080"), as docker's net.JoinHostPort.
            const QString host = p.hostIp.contains(QLatin1Char(':'))
                                     ? QLatin1Char('[') + p.hostIp + QLatin1Char(']')
                                     : p.hostIp;
            const QString address = QStringLiteral("%1:%2").arg(host).arg(p.hostPort);
            if (wantedPort.isEmpty()) {
                ctx.out << p.containerPort << '/' << p.protocol << " -> " << address << '\n';
            } else if (QString::number(p.containerPort) == wantedPort &&
                       p.protocol == wantedProtocol) {
                ctx.out << address << '\n';
                found = true;
            }
        }
        if (!wantedPort.isEmpty() && !found) {
            ctx.err << "Error: No public port '" << wantedPort << '/' << wantedProtocol
                    << "' published for " << name << '\n';
            return ExitError;
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makePortCommand()
{
    return std::make_shared<Port>();
}

} // namespace berth::cli
