// berth stats: docker's live usage table. Every row needs two samples about a
// second apart for its CPU %, so even --no-stream takes two, as docker does;
// streaming redraws the table every second until interrupted.
#include "Command.h"
#include "Format.h"

#include "Containers.h"
#include "util/Units.h"

#include <QThread>

namespace berth::cli {

namespace {

struct Watched
{
    QString id;
    QString name;
    Containers::StatsSample previous;
};

class StatsCommand : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("stats"), QStringLiteral("container stats")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] [CONTAINER...]"); }
    QString summary() const override
    {
        return QStringLiteral("Display a live stream of container(s) resource usage statistics");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        bool all = false, noStream = false, noTrunc = false;
        QString format;
        FlagSet flags;
        flags.addBool(QStringLiteral("all"), QLatin1Char('a'), &all,
                      QStringLiteral("Show all containers (default shows just running)"));
        flags.addBool(QStringLiteral("no-stream"), QChar(), &noStream,
                      QStringLiteral("Disable streaming stats and only pull the first result"));
        flags.addBool(QStringLiteral("no-trunc"), QChar(), &noTrunc,
                      QStringLiteral("Do not truncate output"));
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Format output using a custom template"));
        if (int rc = parseArgs(ctx, flags, args, 0); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        m_noTrunc = noTrunc;

        QList<Watched> watched;
        if (flags.positionals().isEmpty()) {
            auto list = containers.list();
            if (!list.ok())
                return ctx.fail(list.error());
            for (const ContainerInfo &c : *list) {
                if (all || c.state.isRunning())
                    watched.append({c.id, c.name, {}});
            }
        } else {
            for (const QString &arg : flags.positionals()) {
                auto id = containers.resolve(arg);
                auto info = id.ok() ? containers.info(*id) : Result<ContainerInfo>(id.error());
                if (!info.ok()) {
                    ctx.err << "Error response from daemon: " << info.error().message << '\n';
                    ctx.err.flush();
                    return ExitError;
                }
                watched.append({info->id, info->name, {}});
            }
        }
        if (format.isEmpty() || format == QLatin1String("table"))
            format = QStringLiteral("table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t"
                                    "{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}");

        if (Status st = sampleAll(containers, &watched, nullptr); !st.ok())
            return ctx.fail(st.error());
        while (true) {
            QThread::msleep(1000);
            if (Context::interrupted)
                return ExitOk;
            RowFormatter out(format, headers());
            if (Status st = sampleAll(containers, &watched, &out); !st.ok())
                return ctx.fail(st.error());
            if (!noStream)
                ctx.out << "\033[2J\033[H"; // docker clears the screen before each frame
            if (Status st = out.write(ctx.out); !st.ok())
                return ctx.fail(st.error());
            ctx.out.flush();
            if (noStream)
                return ExitOk;
        }
    }

private:
    static QMap<QString, QString> headers()
    {
        return {{QStringLiteral("ID"), QStringLiteral("CONTAINER ID")},
                {QStringLiteral("Container"), QStringLiteral("CONTAINER")},
                {QStringLiteral("Name"), QStringLiteral("NAME")},
                {QStringLiteral("CPUPerc"), QStringLiteral("CPU %")},
                {QStringLiteral("MemUsage"), QStringLiteral("MEM USAGE / LIMIT")},
                {QStringLiteral("MemPerc"), QStringLiteral("MEM %")},
                {QStringLiteral("NetIO"), QStringLiteral("NET I/O")},
                {QStringLiteral("BlockIO"), QStringLiteral("BLOCK I/O")},
                {QStringLiteral("PIDs"), QStringLiteral("PIDS")}};
    }

    // Takes a new sample of every container; with out, adds their rows
    // (the CPU % against the previous sample).
    Status sampleAll(Containers &containers, QList<Watched> *watched, RowFormatter *out)
    {
        for (Watched &w : *watched) {
            auto sample = containers.stats(w.id);
            if (!sample.ok() && sample.error().code == ErrorCode::NotFound)
                sample = Containers::StatsSample{}; // removed meanwhile: zeros, as docker
            if (!sample.ok())
                return sample.error();
            if (out) {
                const Containers::StatsSample &s = *sample;
                const auto percent = [](double value) {
                    return QString::number(value, 'f', 2) + QLatin1Char('%');
                };
                const auto pair = [](qint64 a, qint64 b) {
                    return units::humanSizeWithPrecision(a, 3) + QStringLiteral(" / ") +
                           units::humanSizeWithPrecision(b, 3);
                };
                json::Value row = json::Value::object();
                row.insert(QStringLiteral("ID"), m_noTrunc ? w.id : shortId(w.id));
                row.insert(QStringLiteral("Container"), m_noTrunc ? w.id : shortId(w.id));
                row.insert(QStringLiteral("Name"), w.name);
                row.insert(QStringLiteral("CPUPerc"),
                           percent(w.previous.running && s.running
                                       ? Containers::cpuPercent(w.previous, s)
                                       : 0.0));
                row.insert(QStringLiteral("MemUsage"), units::bytesSize(double(s.memoryUsage)) +
                                                           QStringLiteral(" / ") +
                                                           units::bytesSize(double(s.memoryLimit)));
                row.insert(QStringLiteral("MemPerc"),
                           percent(s.memoryLimit > 0
                                       ? 100.0 * double(s.memoryUsage) / double(s.memoryLimit)
                                       : 0.0));
                row.insert(QStringLiteral("NetIO"), pair(s.netRx, s.netTx));
                row.insert(QStringLiteral("BlockIO"), pair(s.blockRead, s.blockWrite));
                row.insert(QStringLiteral("PIDs"), QString::number(s.pids));
                if (Status st = out->addRow(row); !st.ok())
                    return st;
            }
            w.previous = *sample;
        }
        return {};
    }

    bool m_noTrunc = false;
};

} // namespace

std::shared_ptr<Command> makeStatsCommand()
{
    return std::make_shared<StatsCommand>();
}

} // namespace berth::cli
