#include "image/Image.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSysInfo>

namespace berth::image {

QString chainId(const QString &parentChainId, const Digest &diffId)
{
    if (parentChainId.isEmpty())
        return diffId;
    return Sha256::of((parentChainId + QLatin1Char(' ') + diffId).toLatin1());
}

QStringList chainIds(const QStringList &diffIds)
{
    QStringList out;
    QString parent;
    for (const QString &d : diffIds) {
        parent = chainId(parent, d);
        out << parent;
    }
    return out;
}

namespace {

// Go writes RFC 3339 with up to nine fractional digits; Qt parses milliseconds.
QDateTime parseTime(const QString &text)
{
    static const QRegularExpression frac(QStringLiteral("\\.(\\d{3})\\d+"));
    QString t = text;
    t.replace(frac, QStringLiteral(".\\1"));
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    return dt.toUTC();
}

Error corrupt(const QString &what, const QString &why)
{
    return Error{ErrorCode::Corrupt, what + QStringLiteral(": ") + why};
}

} // namespace

QStringList ImageConfig::diffIds() const
{
    QStringList out;
    for (const QJsonValue &v :
         json.value(QLatin1String("rootfs")).toObject().value(QLatin1String("diff_ids")).toArray())
        out << v.toString();
    return out;
}

QDateTime ImageConfig::created() const
{
    return parseTime(json.value(QLatin1String("created")).toString());
}

QString ImageConfig::architecture() const
{
    return json.value(QLatin1String("architecture")).toString();
}

QString ImageConfig::os() const
{
    return json.value(QLatin1String("os")).toString();
}

QString ImageConfig::author() const
{
    return json.value(QLatin1String("author")).toString();
}

QString ImageConfig::comment() const
{
    return json.value(QLatin1String("comment")).toString();
}

QJsonObject ImageConfig::config() const
{
    return json.value(QLatin1String("config")).toObject();
}

QList<HistoryEntry> ImageConfig::history() const
{
    QList<HistoryEntry> out;
    for (const QJsonValue &v : json.value(QLatin1String("history")).toArray()) {
        const QJsonObject o = v.toObject();
        HistoryEntry h;
        h.created = parseTime(o.value(QLatin1String("created")).toString());
        h.createdBy = o.value(QLatin1String("created_by")).toString();
        h.comment = o.value(QLatin1String("comment")).toString();
        h.author = o.value(QLatin1String("author")).toString();
        h.emptyLayer = o.value(QLatin1String("empty_layer")).toBool();
        out << h;
    }
    return out;
}

QMap<QString, QString> ImageConfig::labels() const
{
    QMap<QString, QString> out;
    const QJsonObject l = config().value(QLatin1String("Labels")).toObject();
    for (auto it = l.begin(); it != l.end(); ++it)
        out.insert(it.key(), it.value().toString());
    return out;
}

Result<ImageConfig> ImageConfig::parse(const QByteArray &raw, const QString &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return corrupt(what, tr("invalid image config JSON: %1").arg(err.errorString()));
    ImageConfig c;
    c.raw = raw;
    c.json = doc.object();
    const QJsonObject rootfs = c.json.value(QLatin1String("rootfs")).toObject();
    if (rootfs.value(QLatin1String("type")).toString() != QLatin1String("layers"))
        return corrupt(what, tr("image config has no rootfs of type \"layers\""));
    for (const QString &d : c.diffIds()) {
        if (!isValidDigest(d))
            return corrupt(what, tr("invalid diff_id \"%1\" in image config").arg(d));
    }
    return c;
}

Result<Manifest> Manifest::parse(const QByteArray &raw, const QString &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return corrupt(what, tr("invalid manifest JSON: %1").arg(err.errorString()));
    const QJsonObject o = doc.object();
    if (o.value(QLatin1String("schemaVersion")).toInt() != 2)
        return Error{ErrorCode::Unsupported,
                     what + QStringLiteral(": ") +
                         tr("manifest schema version %1 is not supported (only schema 2)")
                             .arg(o.value(QLatin1String("schemaVersion")).toInt())};
    auto desc = [](const QJsonObject &d) {
        return Descriptor{d.value(QLatin1String("mediaType")).toString(),
                          d.value(QLatin1String("digest")).toString(),
                          static_cast<qint64>(d.value(QLatin1String("size")).toDouble())};
    };
    Manifest m;
    m.raw = raw;
    m.mediaType =
        o.value(QLatin1String("mediaType")).toString(QLatin1String(mediatype::OciManifest));
    m.config = desc(o.value(QLatin1String("config")).toObject());
    if (!isValidDigest(m.config.digest))
        return corrupt(what, tr("manifest has no valid config digest"));
    for (const QJsonValue &v : o.value(QLatin1String("layers")).toArray()) {
        Descriptor d = desc(v.toObject());
        if (!isValidDigest(d.digest))
            return corrupt(what, tr("manifest lists an invalid layer digest \"%1\"").arg(d.digest));
        m.layers << d;
    }
    return m;
}

Manifest Manifest::makeOci(const Descriptor &config, const QList<Descriptor> &layers)
{
    // Written by hand to keep the spec's field order (QJsonObject sorts keys).
    auto desc = [](const Descriptor &d) {
        return QStringLiteral("{\"mediaType\":\"%1\",\"digest\":\"%2\",\"size\":%3}")
            .arg(d.mediaType, d.digest)
            .arg(d.size);
    };
    QStringList ls;
    for (const Descriptor &d : layers)
        ls << desc(d);
    const QString text =
        QStringLiteral("{\"schemaVersion\":2,\"mediaType\":\"%1\",\"config\":%2,"
                       "\"layers\":[%3]}")
            .arg(QLatin1String(mediatype::OciManifest), desc(config), ls.join(QLatin1Char(',')));
    Manifest m;
    m.raw = text.toUtf8();
    m.mediaType = QLatin1String(mediatype::OciManifest);
    m.config = config;
    m.layers = layers;
    return m;
}

namespace {

// Splits a Dockerfile-style argument list: words separated by blanks, with
// single/double quotes and backslash escapes, as `ENV a="b c" d=e` needs.
QStringList splitWords(const QString &s)
{
    QStringList out;
    QString cur;
    bool inWord = false;
    QChar quote;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (!quote.isNull()) {
            if (c == quote) {
                quote = QChar();
            } else if (c == QLatin1Char('\\') && quote == QLatin1Char('"') && i + 1 < s.size()) {
                cur += s.at(++i);
            } else {
                cur += c;
            }
            continue;
        }
        if (c.isSpace()) {
            if (inWord)
                out << cur;
            cur.clear();
            inWord = false;
            continue;
        }
        inWord = true;
        if (c == QLatin1Char('"') || c == QLatin1Char('\''))
            quote = c;
        else if (c == QLatin1Char('\\') && i + 1 < s.size())
            cur += s.at(++i);
        else
            cur += c;
    }
    if (inWord)
        out << cur;
    return out;
}

// Exec form when the argument is a JSON array of strings, else shell form.
QJsonArray commandForm(const QString &arg)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(arg.trimmed().toUtf8(), &err);
    if (err.error == QJsonParseError::NoError && doc.isArray()) {
        bool allStrings = true;
        for (const QJsonValue &v : doc.array())
            allStrings = allStrings && v.isString();
        if (allStrings)
            return doc.array();
    }
    return QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"), arg.trimmed()};
}

// KEY=VALUE pairs, or the legacy single `KEY VALUE` form.
Result<QList<QPair<QString, QString>>> keyValues(const QString &instr, const QString &arg)
{
    QList<QPair<QString, QString>> out;
    const QStringList words = splitWords(arg);
    if (words.isEmpty())
        return Error{ErrorCode::InvalidArgument,
                     tr("%1 requires at least one argument").arg(instr)};
    if (!words.first().contains(QLatin1Char('='))) {
        const QString trimmed = arg.trimmed();
        const qsizetype sp = trimmed.indexOf(QRegularExpression(QStringLiteral("\\s")));
        if (sp < 0)
            return Error{ErrorCode::InvalidArgument, tr("%1 must have two arguments").arg(instr)};
        out.append({trimmed.left(sp), trimmed.mid(sp).trimmed()});
        return out;
    }
    for (const QString &w : words) {
        const qsizetype eq = w.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return Error{ErrorCode::InvalidArgument,
                         tr("%1 names can not be blank: \"%2\"").arg(instr, w)};
        out.append({w.left(eq), w.mid(eq + 1)});
    }
    return out;
}

} // namespace

Status applyChange(QJsonObject &rc, const QString &change)
{
    const QString line = change.trimmed();
    const qsizetype sp = line.indexOf(QRegularExpression(QStringLiteral("\\s")));
    const QString instr = (sp < 0 ? line : line.left(sp)).toUpper();
    const QString arg = sp < 0 ? QString() : line.mid(sp + 1).trimmed();
    if (instr == QLatin1String("CMD") || instr == QLatin1String("ENTRYPOINT")) {
        rc.insert(instr == QLatin1String("CMD") ? QStringLiteral("Cmd")
                                                : QStringLiteral("Entrypoint"),
                  commandForm(arg));
    } else if (instr == QLatin1String("ENV")) {
        BERTH_TRY_ASSIGN(auto kvs, keyValues(instr, arg));
        QJsonArray env = rc.value(QLatin1String("Env")).toArray();
        for (const auto &kv : kvs) {
            const QString prefix = kv.first + QLatin1Char('=');
            bool replaced = false;
            for (qsizetype i = 0; i < env.size(); ++i) {
                if (env.at(i).toString().startsWith(prefix)) {
                    env.replace(i, prefix + kv.second);
                    replaced = true;
                }
            }
            if (!replaced)
                env.append(prefix + kv.second);
        }
        rc.insert(QStringLiteral("Env"), env);
    } else if (instr == QLatin1String("LABEL")) {
        BERTH_TRY_ASSIGN(auto kvs, keyValues(instr, arg));
        QJsonObject labels = rc.value(QLatin1String("Labels")).toObject();
        for (const auto &kv : kvs)
            labels.insert(kv.first, kv.second);
        rc.insert(QStringLiteral("Labels"), labels);
    } else if (instr == QLatin1String("EXPOSE")) {
        QJsonObject ports = rc.value(QLatin1String("ExposedPorts")).toObject();
        static const QRegularExpression portRe(
            QStringLiteral("^(\\d{1,5})(?:-(\\d{1,5}))?(?:/(tcp|udp|sctp))?$"));
        for (const QString &p : splitWords(arg)) {
            const auto m = portRe.match(p.toLower());
            if (!m.hasMatch())
                return Error{ErrorCode::InvalidArgument,
                             tr("invalid port \"%1\" in EXPOSE").arg(p)};
            const QString proto = m.captured(3).isEmpty() ? QStringLiteral("tcp") : m.captured(3);
            const int lo = m.captured(1).toInt();
            const int hi = m.captured(2).isEmpty() ? lo : m.captured(2).toInt();
            if (lo < 1 || hi > 65535 || hi < lo)
                return Error{ErrorCode::InvalidArgument,
                             tr("invalid port \"%1\" in EXPOSE").arg(p)};
            for (int port = lo; port <= hi; ++port)
                ports.insert(QStringLiteral("%1/%2").arg(port).arg(proto), QJsonObject());
        }
        rc.insert(QStringLiteral("ExposedPorts"), ports);
    } else if (instr == QLatin1String("VOLUME")) {
        QJsonObject vols = rc.value(QLatin1String("Volumes")).toObject();
        const QJsonArray list = commandForm(arg);
        const bool json = !(list.size() == 3 && list.at(0) == QLatin1String("/bin/sh"));
        for (const QJsonValue &v : json ? list : QJsonArray::fromStringList(splitWords(arg)))
            vols.insert(v.toString(), QJsonObject());
        rc.insert(QStringLiteral("Volumes"), vols);
    } else if (instr == QLatin1String("USER") || instr == QLatin1String("WORKDIR") ||
               instr == QLatin1String("STOPSIGNAL")) {
        if (arg.isEmpty())
            return Error{ErrorCode::InvalidArgument,
                         tr("%1 requires exactly one argument").arg(instr)};
        const QString key = instr == QLatin1String("USER")      ? QStringLiteral("User")
                            : instr == QLatin1String("WORKDIR") ? QStringLiteral("WorkingDir")
                                                                : QStringLiteral("StopSignal");
        rc.insert(key, arg);
    } else if (instr == QLatin1String("ONBUILD")) {
        QJsonArray ob = rc.value(QLatin1String("OnBuild")).toArray();
        ob.append(arg);
        rc.insert(QStringLiteral("OnBuild"), ob);
    } else {
        return Error{ErrorCode::InvalidArgument,
                     tr("%1 is not a valid change command").arg(instr.isEmpty() ? change : instr)};
    }
    return {};
}

QString hostArchitecture()
{
    const QString cpu = QSysInfo::buildCpuArchitecture();
    if (cpu == QLatin1String("x86_64"))
        return QStringLiteral("amd64");
    if (cpu == QLatin1String("i386"))
        return QStringLiteral("386");
    return cpu;
}

QByteArray makeImportConfig(const Digest &diffId, const QJsonObject &runtimeConfig,
                            const QDateTime &created, const QString &comment)
{
    const QString when = created.toUTC().toString(Qt::ISODateWithMs);
    QJsonObject history{{QStringLiteral("created"), when}};
    if (!comment.isEmpty())
        history.insert(QStringLiteral("comment"), comment);
    QJsonObject cfg{
        {QStringLiteral("architecture"), hostArchitecture()},
        {QStringLiteral("config"), runtimeConfig},
        {QStringLiteral("created"), when},
        {QStringLiteral("history"), QJsonArray{history}},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                               {QStringLiteral("diff_ids"), QJsonArray{diffId}}}},
    };
    if (!comment.isEmpty())
        cfg.insert(QStringLiteral("comment"), comment);
    return QJsonDocument(cfg).toJson(QJsonDocument::Compact);
}

} // namespace berth::image
