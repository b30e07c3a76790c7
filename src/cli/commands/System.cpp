// berth info / system info, system df, system start, version.
#include "Command.h"
#include "Containers.h"
#include "Format.h"
#include "util/Units.h"

namespace berth::cli {

namespace {

// info and version with --format: the one value through the template.
int printFormatted(Context &ctx, const QString &format, const json::Value &value)
{
    auto t = parseValueFormat(format);
    if (!t.ok())
        return ctx.fail(t.error());
    auto text = t->execute(value);
    if (!text.ok())
        return ctx.fail(text.error());
    ctx.out << *text << Qt::endl;
    return ExitOk;
}

class Info : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("info"), QStringLiteral("system info")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("Display system-wide information"); }

    int run(Context &ctx, const QStringList &args) override
    {
        QString format;
        FlagSet flags;
        flags.addString(QStringLiteral("format"), QLatin1Char('f'), &format,
                        QStringLiteral("Format output using a custom template"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        auto info = engine->info();
        if (!info.ok())
            return ctx.fail(info.error());
        const SystemInfo &i = *info;
        json::Value v = json::Value::object();
        v.insert(QStringLiteral("Containers"), json::Value(i.containers));
        v.insert(QStringLiteral("ContainersRunning"), json::Value(0));
        v.insert(QStringLiteral("ContainersPaused"), json::Value(0));
        v.insert(QStringLiteral("ContainersStopped"), json::Value(i.containers));
        v.insert(QStringLiteral("Images"), json::Value(i.images));
        v.insert(QStringLiteral("Driver"), json::Value(i.storageDriver));
        json::Value status = json::Value::array();
        json::Value backing = json::Value::array();
        backing.append(json::Value(QStringLiteral("Backing Filesystem")));
        backing.append(json::Value(i.backingFilesystem));
        status.append(backing);
        v.insert(QStringLiteral("DriverStatus"), status);
        v.insert(QStringLiteral("CgroupDriver"), json::Value(i.cgroupDriver));
        v.insert(QStringLiteral("CgroupVersion"), json::Value(i.cgroupVersion));
        v.insert(QStringLiteral("KernelVersion"), json::Value(i.kernelVersion));
        v.insert(QStringLiteral("OperatingSystem"), json::Value(i.operatingSystem));
        v.insert(QStringLiteral("OSType"), json::Value(QStringLiteral("linux")));
        v.insert(QStringLiteral("Architecture"), json::Value(i.architecture));
        v.insert(QStringLiteral("NCPU"), json::Value(i.cpus));
        v.insert(QStringLiteral("MemTotal"), json::Value(i.memoryBytes));
        v.insert(QStringLiteral("DockerRootDir"), json::Value(i.root));
        v.insert(QStringLiteral("ServerVersion"), json::Value(QStringLiteral(BERTH_VERSION)));
        if (!format.isEmpty())
            return printFormatted(ctx, format, v);
        ctx.out << "Client:\n"
                << " Version:    " << BERTH_VERSION << "\n"
                << " Context:    default\n"
                << " Debug Mode: false\n\n"
                << "Server:\n"
                << " Containers: " << i.containers << "\n"
                << "  Running: 0\n"
                << "  Paused: 0\n"
                << "  Stopped: " << i.containers << "\n"
                << " Images: " << i.images << "\n"
                << " Server Version: " << BERTH_VERSION << "\n"
                << " Storage Driver: " << i.storageDriver << "\n"
                << "  Backing Filesystem: " << i.backingFilesystem << "\n"
                << "  Layers: " << i.layers << "\n"
                << " Cgroup Driver: " << i.cgroupDriver << "\n"
                << " Cgroup Version: " << i.cgroupVersion << "\n"
                << " Kernel Version: " << i.kernelVersion << "\n"
                << " Operating System: " << i.operatingSystem << "\n"
                << " OSType: linux\n"
                << " Architecture: " << i.architecture << "\n"
                << " CPUs: " << i.cpus << "\n"
                << " Total Memory: " << units::bytesSize(i.memoryBytes) << "\n"
                << " Berth Root Dir: " << i.root << "\n"
                << Qt::flush;
        return ExitOk;
    }
};

class Df : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("system df")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("Show docker disk usage"); }

    int run(Context &ctx, const QStringList &args) override
    {
        QString format;
        bool verbose = false;
        FlagSet flags;
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Format output using a custom template"));
        flags.addBool(QStringLiteral("verbose"), QLatin1Char('v'), &verbose,
                      QStringLiteral("Show detailed information on space usage"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        auto du = engine->diskUsage();
        if (!du.ok())
            return ctx.fail(du.error());
        auto pct = [](qint64 part, qint64 whole) {
            return whole > 0 ? QStringLiteral(" (%1%)").arg(part * 100 / whole) : QString();
        };
        if (format.isEmpty())
            format = QStringLiteral(
                "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}");
        RowFormatter out(format, {{QStringLiteral("Type"), QStringLiteral("TYPE")},
                                  {QStringLiteral("TotalCount"), QStringLiteral("TOTAL")},
                                  {QStringLiteral("Active"), QStringLiteral("ACTIVE")},
                                  {QStringLiteral("Size"), QStringLiteral("SIZE")},
                                  {QStringLiteral("Reclaimable"), QStringLiteral("RECLAIMABLE")}});
        auto row = [&](const QString &type, int total, int active, qint64 size, qint64 reclaim) {
            json::Value v = json::Value::object();
            v.insert(QStringLiteral("Active"), json::Value(QString::number(active)));
            v.insert(QStringLiteral("Reclaimable"),
                     json::Value(units::humanSize(reclaim) + pct(reclaim, size)));
            v.insert(QStringLiteral("Size"), json::Value(units::humanSize(size)));
            v.insert(QStringLiteral("TotalCount"), json::Value(QString::number(total)));
            v.insert(QStringLiteral("Type"), json::Value(type));
            return out.addRow(v);
        };
        Status st = row(QStringLiteral("Images"), du->images, du->activeImages, du->imagesSize,
                        du->reclaimableImages);
        if (st.ok())
            st = row(QStringLiteral("Containers"), du->containers, 0, 0, 0);
        if (st.ok())
            st = row(QStringLiteral("Local Volumes"), du->volumes, 0, 0, 0);
        if (st.ok())
            st = row(QStringLiteral("Build Cache"), 0, 0, 0, 0);
        if (st.ok())
            st = out.write(ctx.out);
        if (!st.ok())
            return ctx.fail(st.error());
        return ExitOk;
    }
};

class Version : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("version")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override
    {
        return QStringLiteral("Show the berth version information");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QString format;
        FlagSet flags;
        flags.addString(QStringLiteral("format"), QLatin1Char('f'), &format,
                        QStringLiteral("Format output using a custom template"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        json::Value client = json::Value::object();
        client.insert(QStringLiteral("Version"), json::Value(QStringLiteral(BERTH_VERSION)));
        client.insert(QStringLiteral("ApiVersion"), json::Value(QStringLiteral("1.41")));
        client.insert(QStringLiteral("QtVersion"), json::Value(QString::fromLatin1(qVersion())));
        client.insert(QStringLiteral("Os"), json::Value(QStringLiteral("linux")));
        client.insert(QStringLiteral("Arch"), json::Value(image::hostArchitecture()));
        json::Value v = json::Value::object();
        v.insert(QStringLiteral("Client"), client);
        if (!format.isEmpty())
            return printFormatted(ctx, format, v);
        ctx.out << "Client: Berth\n"
                << " Version:           " << BERTH_VERSION << "\n"
                << " API version:       1.41 (docker-compatible command line)\n"
                << " Qt version:        " << qVersion() << "\n"
                << " OS/Arch:           linux/" << image::hostArchitecture() << "\n"
                << " Engine:            built in (no daemon)\n"
                << Qt::flush;
        return ExitOk;
    }
};

// What dockerd does when it starts, for a berth without a daemon: the
// containers whose restart policy asks for it after a reboot (or a killed
// shim) are started. Opening the engine already does it; this names them.
class SystemStart : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("system start")}; }
    QString usage() const override { return QString(); }
    QString summary() const override
    {
        return QStringLiteral("Start the containers their restart policy brings back after a "
                              "reboot");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto more = containers.restartDue();
        if (!more.ok())
            return ctx.fail(more.error());
        for (const QString &id : engine->restartedAtOpen() + *more) {
            auto info = containers.info(id);
            ctx.out << (info.ok() ? info->name : id) << '\n';
        }
        ctx.out.flush();
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeSystemStartCommand()
{
    return std::make_shared<SystemStart>();
}

std::shared_ptr<Command> makeInfoCommand()
{
    return std::make_shared<Info>();
}
std::shared_ptr<Command> makeDfCommand()
{
    return std::make_shared<Df>();
}
std::shared_ptr<Command> makeVersionCommand()
{
    return std::make_shared<Version>();
}

} // namespace berth::cli
