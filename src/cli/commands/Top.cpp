// berth top: the container's processes as docker shows them, the columns of
// the host's `ps -ef` for the processes in the container's cgroup.
#include "Command.h"

#include "Containers.h"

namespace berth::cli {

namespace {

// docker prints top through a tabwriter with minwidth 20 and padding 3; the
// last column (CMD) is not padded.
QString alignTop(const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i + 1 < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(20);
            widths[i] = qMax(widths[i], int(row[i].size()) + 3);
        }
    }
    QString text;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i)
            text += i + 1 < row.size() ? row[i].leftJustified(widths[i]) : row[i];
        text += QLatin1Char('\n');
    }
    return text;
}

class TopCommand : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("top"), QStringLiteral("container top")};
    }
    QString usage() const override { return QStringLiteral("CONTAINER [ps OPTIONS]"); }
    QString summary() const override
    {
        return QStringLiteral("Display the running processes of a container");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        // What follows the container is for ps; only the default (-ef) columns are shown.
        flags.setInterspersed(false);
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        Containers containers(*engine);
        auto id = containers.resolve(flags.positionals().first());
        auto rows =
            id.ok() ? containers.top(*id) : Result<QList<Containers::ProcessRow>>(id.error());
        if (!rows.ok()) {
            ctx.err << "Error response from daemon: " << rows.error().message << '\n';
            ctx.err.flush();
            return ExitError;
        }
        QList<QStringList> table{{QStringLiteral("UID"), QStringLiteral("PID"),
                                  QStringLiteral("PPID"), QStringLiteral("C"),
                                  QStringLiteral("STIME"), QStringLiteral("TTY"),
                                  QStringLiteral("TIME"), QStringLiteral("CMD")}};
        for (const Containers::ProcessRow &p : *rows)
            table.append({p.user, QString::number(p.pid), QString::number(p.ppid),
                          QString::number(p.cpuPercent), p.startTime, p.tty, p.cpuTime, p.command});
        ctx.out << alignTop(table) << Qt::flush;
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeTopCommand()
{
    return std::make_shared<TopCommand>();
}

} // namespace berth::cli
