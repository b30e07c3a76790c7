// berth push: docker's flags, progress output and messages.
#include "Command.h"
#include "LayerProgress.h"
#include "commands/Pull.h"
#include "reference/Reference.h"

namespace berth::cli {

namespace {

QString stateText(const PushLayerEvent &e)
{
    switch (e.state) {
    case PushLayerEvent::Preparing:
        return QStringLiteral("Preparing");
    case PushLayerEvent::Waiting:
        return QStringLiteral("Waiting");
    case PushLayerEvent::Pushing:
        return QStringLiteral("Pushing");
    case PushLayerEvent::Pushed:
        return QStringLiteral("Pushed");
    case PushLayerEvent::AlreadyExists:
        return QStringLiteral("Layer already exists");
    case PushLayerEvent::Mounted:
        return QStringLiteral("Mounted from ") + e.from;
    }
    return {};
}

// Bytes per PATCH when BERTH_PUSH_CHUNK_SIZE asks for chunked uploads (for
// registries that refuse large requests, and for the tests).
qint64 chunkSizeFromEnvironment()
{
    return qEnvironmentVariable("BERTH_PUSH_CHUNK_SIZE").toLongLong();
}

class Push : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("push"), QStringLiteral("image push")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS] NAME[:TAG]"); }
    QString summary() const override { return QStringLiteral("Upload an image to a registry"); }

    int run(Context &ctx, const QStringList &args) override
    {
        bool allTags = false, quiet = false;
        FlagSet flags;
        flags.addBool(QStringLiteral("all-tags"), QLatin1Char('a'), &allTags,
                      QStringLiteral("Push all tags of an image to the repository"));
        flags.addBool(QStringLiteral("quiet"), QLatin1Char('q'), &quiet,
                      QStringLiteral("Suppress verbose output"));
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

        LayerDisplay display(quiet ? nullptr : &ctx.out, 1);
        if (!quiet && !allTags && ref->isNameOnly())
            display.message(QStringLiteral("Using default tag: latest"));
        PushOptions options;
        options.allTags = allTags;
        options.chunkSize = chunkSizeFromEnvironment();
        options.progress = ctx.progress();
        bool announced = false;
        options.onTag = [&](const QString &) {
            if (!announced)
                display.message(
                    QStringLiteral("The push refers to repository [%1]").arg(ref->name()));
            announced = true;
        };
        options.onLayer = [&](const PushLayerEvent &e) {
            display.layer(e.id, stateText(e), e.state == PushLayerEvent::Pushing, e.current,
                          e.total);
        };
        options.onPushed = [&](const QString &tag, const Digest &digest, qint64 size) {
            display.message(QStringLiteral("%1: digest: %2 size: %3").arg(tag, digest).arg(size));
        };
        auto report = engine->push(name, options);
        if (!report.ok())
            return ctx.daemonError(report.error().message);
        if (quiet) {
            // docker -q prints the reference as given, normalized.
            ctx.out << ref->string() << '\n';
            ctx.out.flush();
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makePushCommand()
{
    return std::make_shared<Push>();
}

} // namespace berth::cli
