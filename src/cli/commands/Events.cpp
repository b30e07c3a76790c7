// berth events / system events: the journal, filtered, then followed until
// interrupted (or until --until passes), as `docker events` streams.
#include "Command.h"
#include "Format.h"
#include "util/GoTemplate.h"

#include <QRegularExpression>
#include <QThread>

namespace berth::cli {

namespace {

// docker's time arguments: RFC 3339 / date, unix seconds[.frac], or a Go
// duration ("10m", "1h30m") counted back from now.
std::optional<qint64> parseTimeArg(const QString &s)
{
    static const QRegularExpression dur(QStringLiteral("^((\\d+(\\.\\d+)?)(ns|us|ms|s|m|h))+$"));
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)"));
    const qint64 nowNs = QDateTime::currentMSecsSinceEpoch() * 1000000;
    if (dur.match(s).hasMatch()) {
        double ns = 0;
        auto it = part.globalMatch(s);
        while (it.hasNext()) {
            const auto m = it.next();
            const double v = m.captured(1).toDouble();
            const QString u = m.captured(2);
            const double mult = u == QLatin1String("ns")   ? 1
                                : u == QLatin1String("us") ? 1e3
                                : u == QLatin1String("ms") ? 1e6
                                : u == QLatin1String("s")  ? 1e9
                                : u == QLatin1String("m")  ? 60e9
                                                           : 3600e9;
            ns += v * mult;
        }
        return nowNs - static_cast<qint64>(ns);
    }
    bool ok = false;
    const double secs = s.toDouble(&ok);
    if (ok)
        return static_cast<qint64>(secs * 1e9);
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(s, QStringLiteral("yyyy-MM-dd"));
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch() * 1000000;
}

QString nanoTime(qint64 ns)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ns / 1000000).toLocalTime();
    const int off = t.offsetFromUtc();
    const QString zone = off == 0 ? QStringLiteral("Z")
                                  : QStringLiteral("%1%2:%3")
                                        .arg(off < 0 ? '-' : '+')
                                        .arg(std::abs(off) / 3600, 2, 10, QLatin1Char('0'))
                                        .arg((std::abs(off) % 3600) / 60, 2, 10, QLatin1Char('0'));
    return t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.")) +
           QStringLiteral("%1").arg(ns % 1000000000, 9, 10, QLatin1Char('0')) + zone;
}

class Events : public Command
{
public:
    QStringList names() const override
    {
        return {QStringLiteral("events"), QStringLiteral("system events")};
    }
    QString usage() const override { return QStringLiteral("[OPTIONS]"); }
    QString summary() const override
    {
        return QStringLiteral("Get real time events from the server");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        QString since, until, format;
        QStringList filters;
        FlagSet flags;
        flags.addList(QStringLiteral("filter"), QLatin1Char('f'), &filters,
                      QStringLiteral("Filter output based on conditions provided"),
                      QStringLiteral("filter"));
        flags.addString(QStringLiteral("format"), QChar(), &format,
                        QStringLiteral("Format output using a custom template"));
        flags.addString(QStringLiteral("since"), QChar(), &since,
                        QStringLiteral("Show all events created since timestamp"));
        flags.addString(QStringLiteral("until"), QChar(), &until,
                        QStringLiteral("Stream events until this timestamp"));
        if (int rc = parseArgs(ctx, flags, args, 0, 0); rc >= 0)
            return rc;
        qint64 sinceNs = 0, untilNs = 0;
        if (!since.isEmpty()) {
            auto t = parseTimeArg(since);
            if (!t)
                return ctx.fail(QStringLiteral("invalid value for --since: %1").arg(since));
            sinceNs = *t;
        }
        if (!until.isEmpty()) {
            auto t = parseTimeArg(until);
            if (!t)
                return ctx.fail(QStringLiteral("invalid value for --until: %1").arg(until));
            untilNs = *t;
        }
        QMultiMap<QString, QString> filter;
        for (const QString &f : filters) {
            const qsizetype eq = f.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return ctx.fail(QStringLiteral("bad format of filter (expected name=value)"));
            const QString key = f.left(eq);
            static const QStringList known{QStringLiteral("type"),      QStringLiteral("event"),
                                           QStringLiteral("image"),     QStringLiteral("label"),
                                           QStringLiteral("container"), QStringLiteral("scope")};
            if (!known.contains(key))
                return ctx.fail(QStringLiteral("invalid filter '%1'").arg(key));
            filter.insert(key, f.mid(eq + 1));
        }
        std::optional<GoTemplate> tmpl;
        if (!format.isEmpty()) {
            auto t = parseValueFormat(format);
            if (!t.ok())
                return ctx.fail(t.error());
            tmpl = std::move(t).value();
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;

        auto matches = [&](const store::Event &e) {
            auto check = [&](const QString &key, const QStringList &candidates) {
                const QStringList wanted = filter.values(key);
                if (wanted.isEmpty())
                    return true;
                for (const QString &w : wanted) {
                    if (candidates.contains(w))
                        return true;
                }
                return false;
            };
            const QString name = e.attributes.value(QStringLiteral("name"));
            QStringList imageNames{e.id, name};
            if (name.endsWith(QLatin1String(":latest")))
                imageNames << name.chopped(7);
            if (e.id.startsWith(QLatin1String("sha256:")))
                imageNames << e.id.mid(7) << e.id.mid(7, 12);
            return check(QStringLiteral("type"), {e.type}) &&
                   check(QStringLiteral("event"), {e.action}) &&
                   check(QStringLiteral("image"),
                         e.type == QLatin1String("image") ? imageNames : QStringList()) &&
                   check(QStringLiteral("scope"), {QStringLiteral("local")});
        };

        qint64 lastNs = sinceNs > 0 ? sinceNs - 1 : 0;
        const bool follow = untilNs == 0 || untilNs > QDateTime::currentMSecsSinceEpoch() * 1000000;
        // Without --since, docker shows only what happens from now on.
        if (since.isEmpty())
            lastNs = QDateTime::currentMSecsSinceEpoch() * 1000000;
        for (;;) {
            auto events = engine->events().read(lastNs + 1, untilNs);
            if (!events.ok())
                return ctx.fail(events.error());
            for (const store::Event &e : *events) {
                lastNs = std::max(lastNs, e.timeNano);
                if (!matches(e))
                    continue;
                if (tmpl) {
                    auto text = tmpl->execute(json::Value::fromQJson(e.toJson()));
                    if (!text.ok())
                        return ctx.fail(text.error());
                    ctx.out << *text << '\n';
                } else {
                    QStringList attrs;
                    for (auto it = e.attributes.begin(); it != e.attributes.end(); ++it)
                        attrs << it.key() + QLatin1Char('=') + it.value();
                    ctx.out << nanoTime(e.timeNano) << ' ' << e.type << ' ' << e.action << ' '
                            << e.id;
                    if (!attrs.isEmpty())
                        ctx.out << " (" << attrs.join(QStringLiteral(", ")) << ')';
                    ctx.out << '\n';
                }
            }
            ctx.out.flush();
            if (!follow || Context::interrupted.load())
                break;
            if (untilNs > 0 && QDateTime::currentMSecsSinceEpoch() * 1000000 >= untilNs)
                break;
            QThread::msleep(200);
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeEventsCommand()
{
    return std::make_shared<Events>();
}

} // namespace berth::cli
