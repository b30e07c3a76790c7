// berth pull: docker's flags, progress output and messages.
#include "commands/Pull.h"

#include "LayerProgress.h"
#include "reference/Reference.h"

namespace berth::cli {

namespace {

QString stateText(PullLayerEvent::State state)
{
    switch (state) {
    case PullLayerEvent::PullingFsLayer:
        return QStringLiteral("Pulling fs layer");
    case PullLayerEvent::Waiting:
        return QStringLiteral("Waiting");
    case PullLayerEvent::Downloading:
        return QStringLiteral("Downloading");
    case PullLayerEvent::VerifyingChecksum:
        return QStringLiteral("Verifying Checksum");
    case PullLayerEvent::DownloadComplete:
        return QStringLiteral("Download complete");
    case PullLayerEvent::PullComplete:
        return QStringLiteral("Pull complete");
    case PullLayerEvent::AlreadyExists:
        return QStringLiteral("Already exists");
    }
    return {};
}

class Pull : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("pull"), QStringLiteral("image pull")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] NAME[:TAG|@DIGEST]"); }
    QString summary() const override { return QStringLiteral("Download an image from a registry"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool allTags = false, quiet = false;
        QString platform;
        FlagSet flags;
        flags.addBool(QStringLiteral("all-tags"), QLatin1Char('a'), &allTags,
                      QStringLiteral("Download all tagged images in the repository"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Suppress verbose output"));
        flags.addString(QStringLiteral("platform"), QChar(), &platform,
                        QStringLiteral("Set platform if server is multi-platform capable"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        const QString name = flags.positionals().first();
        auto ref = reference::Reference::parse(name);
        if (!ref.ok())
            return ctx.fail(ref.error());
        if (allTags && !ref->isNameOnly())
            return ctx.fail(QStringLiteral("tag can't be used with --all-tags/-a"));
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        QTextStream *out = quiet ? nullptr : &ctx.out;
        if (!allTags) {
            if (out && ref->isNameOnly())
                ctx.out << "Using default tag: latest\n";
            auto report = pullWithProgress(ctx, *engine, name, platform, out, 1, true);
            if (!report.ok())
                return ctx.daemonError(report.error().message);
            ctx.out << report->reference << '\n';
            ctx.out.flush();
            return ExitOk;
        }
        PullOptions options;
        options.progress = ctx.progress();
        auto tags = engine->remoteTags(name, options);
        if (!tags.ok())
            return ctx.daemonError(tags.error().message);
        bool downloaded = false;
        for (const QString &tag : *tags) {
            auto report = pullWithProgress(ctx, *engine, ref->name() + QLatin1Char(':') + tag,
                                           platform, out, 1, false);
            if (!report.ok())
                return ctx.daemonError(report.error().message);
            downloaded = downloaded || !report->upToDate;
        }
        if (out)
            ctx.out << (downloaded ? "Status: Downloaded newer image for "
                                   : "Status: Image is up to date for ")
                    << ref->familiarName() << '\n';
        ctx.out << ref->name() << '\n';
        ctx.out.flush();
        return ExitOk;
    }
};

} // namespace

Result<PullReport> pullWithProgress(Context &ctx, Engine &engine, const QString &name,
                                    const QString &platform, QTextStream *out, int outFd,
                                    bool printStatus)
{
    LayerDisplay display(out, outFd);
    PullOptions options;
    options.platform = platform;
    options.progress = ctx.progress();
    options.onPulling = [&](const QString &tagOrDigest, const QString &path) {
        display.message(QStringLiteral("%1: Pulling from %2").arg(tagOrDigest, path));
    };
    options.onLayer = [&](const PullLayerEvent &e) {
        display.layer(e.id, stateText(e.state), e.state == PullLayerEvent::Downloading, e.current,
                      e.total);
    };
    auto report = engine.pull(name, options);
    if (!report.ok())
        return report;
    display.message(QStringLiteral("Digest: ") + report->digest);
    if (printStatus)
        display.message((report->upToDate ? QStringLiteral("Status: Image is up to date for ")
                                          : QStringLiteral("Status: Downloaded newer image for ")) +
                        familiarReference(report->reference));
    return report;
}

std::shared_ptr<Command> makePullCommand()
{
    return std::make_shared<Pull>();
}

} // namespace berth::cli
