// berth rmi / image rm, and image prune.
#include "Command.h"
#include "util/Units.h"

#include <cstdio>
#include <unistd.h>

namespace berth::cli {

namespace {

void printRemoved(QTextStream &out, const QList<RemovedItem> &items, bool lower)
{
    for (const RemovedItem &i : items) {
        if (i.kind == RemovedItem::Untagged)
            out << (lower ? "untagged: " : "Untagged: ") << i.what << '\n';
        else
            out << (lower ? "deleted: " : "Deleted: ") << i.what << '\n';
    }
}

class Rmi : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("rmi"), QStringLiteral("image rm"), QStringLiteral("image remove")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] IMAGE [IMAGE...]"); }
    QString summary() const override { return QStringLiteral("Remove one or more images"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool force = false, noPrune = false;
        FlagSet flags;
        flags.addBool(QStringLiteral("force"), QLatin1Char('f'), &force,
                      QStringLiteral("Force removal of the image"));
        flags.addBool(QStringLiteral("no-prune"), QChar(), &noPrune,
                      QStringLiteral("Do not delete untagged parents"));
        if (int rc = parseArgs(ctx, flags, args, 1); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        QStringList errors;
        for (const QString &name : flags.positionals()) {
            auto removed = engine->removeImage(name, force);
            if (!removed.ok()) {
                errors << removed.error().message;
                continue;
            }
            printRemoved(ctx.out, *removed, false);
        }
        ctx.out.flush();
        for (const QString &e : errors)
            ctx.err << "Error: " << e << '\n';
        ctx.err.flush();
        return errors.isEmpty() ? ExitOk : ExitError;
    }
};

class ImagePrune : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("image prune")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override { return QStringLiteral("Remove unused images"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool all = false, force = false;
        QStringList filters;
        FlagSet flags;
        flags.addBool(QStringLiteral("all"), QLatin1Char('a'), &all,
                      QStringLiteral("Remove all unused images, not just dangling ones"));
        flags.addList(QStringLiteral("filter"), QChar(), &filters,
                      QStringLiteral("Provide filter values (e.g. \"until=<timestamp>\")"),
                      QStringLiteral("filter"));
        flags.addBool(QStringLiteral("force"), QLatin1Char('f'), &force,
                      QStringLiteral("Do not prompt for confirmation"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        if (!filters.isEmpty())
            return ctx.fail(QStringLiteral("image prune filters are not supported yet: %1")
                                .arg(filters.join(QStringLiteral(", "))));
        if (!force) {
            ctx.out << (all ? "WARNING! This will remove all images without at least one container "
                              "associated to them.\n"
                            : "WARNING! This will remove all dangling images.\n")
                    << "Are you sure you want to continue? [y/N] " << Qt::flush;
            char answer[16] = {};
            if (!std::fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
                return ExitOk;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        auto report = engine->pruneImages(all);
        if (!report.ok())
            return ctx.fail(report.error());
        if (!report->items.isEmpty()) {
            ctx.out << "Deleted Images:\n";
            printRemoved(ctx.out, report->items, true);
            ctx.out << '\n';
        }
        ctx.out << "Total reclaimed space: " << units::humanSize(report->reclaimedBytes)
                << Qt::endl;
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeRmiCommand()
{
    return std::make_shared<Rmi>();
}

std::shared_ptr<Command> makeImagePruneCommand()
{
    return std::make_shared<ImagePrune>();
}

} // namespace berth::cli
