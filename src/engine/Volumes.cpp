// Named and anonymous volumes (see Volumes.h).
#include "Volumes.h"

#include "ContainerConfig.h"
#include "util/Fs.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace berth {

Volumes::Volumes(Engine &engine) : m_engine(engine) {}

bool Volumes::validName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$"));
    return valid.match(name).hasMatch();
}

QString Volumes::dir(const QString &name) const
{
    return m_engine.root() + QStringLiteral("/volumes/") + name;
}

Result<VolumeInfo> Volumes::create(const QString &requested, const QMap<QString, QString> &labels,
                                   bool anonymous)
{
    QString name = requested;
    if (name.isEmpty()) {
        QByteArray bytes(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                             reinterpret_cast<quint32 *>(bytes.data() + 32));
        name = QString::fromLatin1(bytes.toHex());
        anonymous = true;
    }
    if (!validName(name))
        return Error{ErrorCode::InvalidArgument,
                     tr("create %1: \"%1\" includes invalid characters for a local volume name, "
                        "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass "
                        "a host directory, use absolute path")
                         .arg(name)};
    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    if (QFileInfo::exists(dir(name) + QStringLiteral("/volume.json")))
        return info(name);
    BERTH_TRY(fs::makeDirs(dir(name) + QStringLiteral("/_data")));
    QJsonObject labelObject;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        labelObject.insert(it.key(), it.value());
    const QJsonObject meta{
        {QStringLiteral("Name"), name},
        {QStringLiteral("CreatedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("Labels"), labelObject},
        {QStringLiteral("Anonymous"), anonymous}};
    // Written last: a volume directory without it (a crash in between) is not listed.
    BERTH_TRY(fs::writeFileAtomic(dir(name) + QStringLiteral("/volume.json"),
                                  QJsonDocument(meta).toJson(QJsonDocument::Compact)));
    store::Event ev;
    ev.type = QStringLiteral("volume");
    ev.action = QStringLiteral("create");
    ev.id = name;
    ev.attributes.insert(QStringLiteral("driver"), QStringLiteral("local"));
    (void)m_engine.events().append(ev);
    return info(name);
}

Result<QMap<QString, QStringList>> Volumes::usage() const
{
    BERTH_TRY_ASSIGN(const auto records, m_engine.metadata().containers());
    QMap<QString, QStringList> out;
    for (const store::ContainerRecord &r : records) {
        const QJsonObject host =
            ContainerConfig::fromRecord(r.config).value(QLatin1String("HostConfig")).toObject();
        for (const QJsonValue &m : host.value(QLatin1String("Mounts")).toArray()) {
            const QJsonObject o = m.toObject();
            if (o.value(QLatin1String("Type")).toString() == QLatin1String("volume"))
                out[o.value(QLatin1String("Source")).toString()].append(r.id);
        }
    }
    return out;
}

Result<VolumeInfo> Volumes::info(const QString &name) const
{
    auto raw = fs::readFile(dir(name) + QStringLiteral("/volume.json"));
    if (!raw.ok())
        return Error{ErrorCode::NotFound, tr("get %1: no such volume").arg(name)};
    const QJsonObject o = QJsonDocument::fromJson(*raw).object();
    VolumeInfo v;
    v.name = name;
    v.mountpoint = dir(name) + QStringLiteral("/_data");
    v.created = QDateTime::fromString(o.value(QLatin1String("CreatedAt")).toString(), Qt::ISODate);
    v.anonymous = o.value(QLatin1String("Anonymous")).toBool();
    const QJsonObject labels = o.value(QLatin1String("Labels")).toObject();
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it)
        v.labels.insert(it.key(), it.value().toString());
    BERTH_TRY_ASSIGN(const auto used, usage());
    v.usedBy = used.value(name);
    return v;
}

Result<QList<VolumeInfo>> Volumes::list() const
{
    QList<VolumeInfo> out;
    const QStringList names = QDir(m_engine.root() + QStringLiteral("/volumes"))
                                  .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        auto v = info(name);
        if (v.ok())
            out.append(*v);
    }
    return out;
}

Status Volumes::remove(const QString &name, bool force)
{
    BERTH_TRY_ASSIGN(FileLock lock, m_engine.lockStore());
    auto v = info(name);
    if (!v.ok()) {
        if (force && v.error().code == ErrorCode::NotFound)
            return {};
        return v.error();
    }
    if (!v->usedBy.isEmpty())
        return Error{ErrorCode::Conflict, tr("remove %1: volume is in use - [%2]")
                                              .arg(name, v->usedBy.join(QStringLiteral(", ")))};
    // volume.json first: a crash midway leaves an unlisted directory, never a
    // listed volume with half its data.
    QFile::remove(dir(name) + QStringLiteral("/volume.json"));
    BERTH_TRY(fs::removeTree(dir(name)));
    store::Event ev;
    ev.type = QStringLiteral("volume");
    ev.action = QStringLiteral("destroy");
    ev.id = name;
    ev.attributes.insert(QStringLiteral("driver"), QStringLiteral("local"));
    (void)m_engine.events().append(ev);
    return {};
}

Result<QStringList> Volumes::prune(bool all, qint64 *reclaimed)
{
    *reclaimed = 0;
    BERTH_TRY_ASSIGN(const auto volumes, list());
    QStringList removed;
    for (const VolumeInfo &v : volumes) {
        if (!v.usedBy.isEmpty() || (!all && !v.anonymous))
            continue;
        const qint64 size = fs::treeSize(v.mountpoint);
        if (remove(v.name, false).ok()) {
            removed << v.name;
            *reclaimed += size;
        }
    }
    return removed;
}

} // namespace berth
