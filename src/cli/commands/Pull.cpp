// berth pull: docker's flags, progress output and messages.
#include "commands/Pull.h"

#include "reference/Reference.h"
#include "util/Units.h"

#include <sys/ioctl.h>
#include <unistd.h>

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

// docker's progress text: "[=====>        ]  1.234MB/4.56MB", the bar only
// when the terminal is wider than 110 columns.
QString progressText(qint64 current, qint64 total, int columns)
{
    if (total <= 0)
        return units::humanSize(current).rightJustified(8);
    const int percent = int(std::min<qint64>(50, current * 100 / total / 2));
    QString bar;
    if (columns > 110)
        bar = QStringLiteral("[%1>%2] ")
                  .arg(QString(percent, QLatin1Char('=')), QString(50 - percent, QLatin1Char(' ')));
    return bar + units::humanSize(current).rightJustified(8) + QLatin1Char('/') +
           units::humanSize(total);
}

// The lines of one pull. On a terminal each layer keeps one line that its
// later steps overwrite (cursor moves, like docker's jsonmessage display);
// elsewhere every step is a line of its own and progress is left out.
class PullDisplay
{
public:
    PullDisplay(QTextStream *out, int fd) : m_out(out), m_tty(out && ::isatty(fd))
    {
        struct winsize ws = {};
        if (m_tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0)
            m_columns = ws.ws_col;
    }

    void message(const QString &text)
    {
        if (!m_out)
            return;
        *m_out << text << '\n';
        m_out->flush();
    }

    void layer(const PullLayerEvent &e)
    {
        if (!m_out)
            return;
        QString text = e.id + QStringLiteral(": ") + stateText(e.state);
        if (e.state == PullLayerEvent::Downloading) {
            if (!m_tty)
                return;
            text += QLatin1Char(' ') + progressText(e.current, e.total, m_columns);
        }
        const qsizetype line = m_ids.indexOf(e.id);
        if (!m_tty || line < 0) {
            if (m_tty)
                m_ids << e.id;
            *m_out << text << '\n';
        } else {
            const qsizetype up = m_ids.size() - line;
            *m_out << "\x1b[" << up << "A\r\x1b[2K" << text << "\x1b[" << up << "B\r";
        }
        m_out->flush();
    }

private:
    QTextStream *m_out;
    bool m_tty;
    int m_columns = 80;
    QStringList m_ids;
};

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
        options.credentials = registryCredentialsFromEnvironment();
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

std::optional<registry::Credentials> registryCredentialsFromEnvironment()
{
    const QString user = qEnvironmentVariable("BERTH_REGISTRY_USER");
    if (user.isEmpty())
        return std::nullopt;
    return registry::Credentials{user, qEnvironmentVariable("BERTH_REGISTRY_PASSWORD")};
}

Result<PullReport> pullWithProgress(Context &ctx, Engine &engine, const QString &name,
                                    const QString &platform, QTextStream *out, int outFd,
                                    bool printStatus)
{
    PullDisplay display(out, outFd);
    PullOptions options;
    options.platform = platform;
    options.credentials = registryCredentialsFromEnvironment();
    options.progress = ctx.progress();
    options.onPulling = [&](const QString &tagOrDigest, const QString &path) {
        display.message(QStringLiteral("%1: Pulling from %2").arg(tagOrDigest, path));
    };
    options.onLayer = [&](const PullLayerEvent &e) { display.layer(e); };
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
