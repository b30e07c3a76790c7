// Named and anonymous volumes (see Volumes.h).
#include "Volumes.h"

#include "ContainerConfig.h"
#include "layer/LayerFs.h"
#include "layer/Snapshot.h"
#include "util/Fs.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth {

namespace {

using layer::detail::UniqueFd;

// The directories that make up path in the image's merged view, topmost
// first: each layer that has a directory there, down to the first one that
// hides the layers below it (a whiteout or a non-directory on the way, an
// opaque directory). Empty when the image has no directory at path.
QStringList mergedSources(const QStringList &layersTopFirst, const QString &path)
{
    const QStringList components = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QStringList sources;
    for (const QString &layer : layersTopFirst) {
        UniqueFd dir(
            ::open(QFile::encodeName(layer).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir.valid())
            return sources;
        bool lowerHidden = false;
        bool isDirectory = true;
        for (const QString &component : components) {
            const QByteArray name = QFile::encodeName(component);
            struct stat st;
            if (::fstatat(dir.get(), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                isDirectory = false; // this layer has nothing there; the ones below may
                break;
            }
            if (!S_ISDIR(st.st_mode)) {
                // A whiteout, a file or a symlink in the way hides what is below.
                isDirectory = false;
                lowerHidden = true;
                break;
            }
            lowerHidden = lowerHidden || layer::detail::isOpaqueDir(dir.get(), name);
            dir = UniqueFd(::openat(dir.get(), name.constData(),
                                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!dir.valid())
                return sources;
        }
        if (isDirectory)
            sources.append(layer + QLatin1Char('/') + components.join(QLatin1Char('/')));
        if (lowerHidden)
            break;
    }
    return sources;
}

} // namespace

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

Status Volumes::copyImageContent(const QString &name, const QString &path,
                                 const std::function<Result<QStringList>()> &imageLayers)
{
    const QString data = dir(name) + QStringLiteral("/_data");
    // Two containers created at once with a new volume copy it once.
    BERTH_TRY_ASSIGN(FileLock lock, FileLock::acquire(dir(name) + QStringLiteral("/copy.lock")));
    if (!QDir(data).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
        return {};
    BERTH_TRY_ASSIGN(const QStringList layers, imageLayers());
    const QStringList sources = mergedSources(layers, path);
    if (sources.isEmpty())
        return {};
    const QString what = tr("copy the image's %1 into volume %2").arg(path, name);
    QStringList bottomFirst(sources.crbegin(), sources.crend());
    if (Status st = layer::SnapshotDriver::create(QStringLiteral("copy"))
                        ->prepare(bottomFirst, QString(), data);
        !st.ok())
        return st.error().prefixed(what);
    // The volume's root takes the owner and mode of the image's directory too.
    struct stat top;
    const QByteArray dataPath = QFile::encodeName(data);
    if (::stat(QFile::encodeName(sources.first()).constData(), &top) != 0 ||
        ::chown(dataPath.constData(), top.st_uid, top.st_gid) != 0 ||
        ::chmod(dataPath.constData(), top.st_mode & 07777) != 0)
        return Error::fromErrno(errno, what, data);
    return {};
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
