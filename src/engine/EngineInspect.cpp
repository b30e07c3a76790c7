// Read-only views of the store: image inspect (docker's JSON shape and field
// order), history, system info and disk usage.
#include "Engine.h"

#include "util/Fs.h"

#include <QFile>
#include <QSet>
#include <QSysInfo>

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace berth {

namespace {

// Docker's container.Config fields in Go struct order, with the values docker
// prints when the image config leaves them out.
json::Value runtimeConfigJson(const QJsonObject &c)
{
    json::Value out = json::Value::object();
    auto str = [&](const char *key) {
        out.insert(QLatin1String(key), json::Value(c.value(QLatin1String(key)).toString()));
    };
    auto boolean = [&](const char *key) {
        out.insert(QLatin1String(key), json::Value(c.value(QLatin1String(key)).toBool()));
    };
    auto any = [&](const char *key) {
        const QJsonValue v = c.value(QLatin1String(key));
        out.insert(QLatin1String(key),
                   v.isUndefined() ? json::Value(nullptr) : json::Value::fromQJson(v));
    };
    auto optional = [&](const char *key) {
        if (c.contains(QLatin1String(key)))
            out.insert(QLatin1String(key), json::Value::fromQJson(c.value(QLatin1String(key))));
    };
    str("Hostname");
    str("Domainname");
    str("User");
    boolean("AttachStdin");
    boolean("AttachStdout");
    boolean("AttachStderr");
    optional("ExposedPorts");
    boolean("Tty");
    boolean("OpenStdin");
    boolean("StdinOnce");
    any("Env");
    any("Cmd");
    optional("Healthcheck");
    optional("ArgsEscaped");
    str("Image");
    any("Volumes");
    str("WorkingDir");
    any("Entrypoint");
    any("OnBuild");
    any("Labels");
    optional("StopSignal");
    optional("StopTimeout");
    optional("Shell");
    return out;
}

json::Value stringArray(const QStringList &list)
{
    json::Value a = json::Value::array();
    for (const QString &s : list)
        a.append(json::Value(s));
    return a;
}

QString goTime(const QDateTime &t)
{
    if (!t.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    QString s = t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
    while (s.endsWith(QLatin1Char('0')))
        s.chop(1);
    if (s.endsWith(QLatin1Char('.')))
        s.chop(1);
    return s + QLatin1Char('Z');
}

QString backingFilesystem(const QString &path)
{
    struct statfs st;
    if (::statfs(QFile::encodeName(path).constData(), &st) != 0)
        return QStringLiteral("unknown");
    switch (static_cast<unsigned long>(st.f_type)) {
    case EXT4_SUPER_MAGIC:
        return QStringLiteral("extfs");
    case 0x58465342UL:
        return QStringLiteral("xfs");
    case BTRFS_SUPER_MAGIC:
        return QStringLiteral("btrfs");
    case TMPFS_MAGIC:
        return QStringLiteral("tmpfs");
    case OVERLAYFS_SUPER_MAGIC:
        return QStringLiteral("overlayfs");
    default:
        return QStringLiteral("0x%1").arg(static_cast<unsigned long>(st.f_type), 0, 16);
    }
}

} // namespace

Result<json::Value> Engine::inspectImage(const QString &id) const
{
    BERTH_TRY_ASSIGN(const auto rec, m_meta->image(id));
    if (!rec)
        return Error{ErrorCode::NotFound, tr("No such image: %1").arg(id)};
    BERTH_TRY_ASSIGN(const image::ImageConfig cfg, imageConfig(id));
    BERTH_TRY_ASSIGN(const QStringList tags, m_meta->tagsOf(id));
    BERTH_TRY_ASSIGN(const QStringList digests, m_meta->repoDigestsOf(id));
    QStringList familiarTags;
    for (const QString &t : tags)
        familiarTags << familiarReference(t);
    QStringList familiarDigests;
    for (const QString &d : digests)
        familiarDigests << familiarReference(d);

    json::Value o = json::Value::object();
    o.insert(QStringLiteral("Id"), json::Value(id));
    o.insert(QStringLiteral("RepoTags"), stringArray(familiarTags));
    o.insert(QStringLiteral("RepoDigests"), stringArray(familiarDigests));
    o.insert(QStringLiteral("Parent"), json::Value(rec->parent));
    o.insert(QStringLiteral("Comment"), json::Value(cfg.comment()));
    o.insert(QStringLiteral("Created"),
             json::Value(cfg.json.value(QLatin1String("created")).toString()));
    o.insert(QStringLiteral("DockerVersion"),
             json::Value(cfg.json.value(QLatin1String("docker_version")).toString()));
    o.insert(QStringLiteral("Author"), json::Value(cfg.author()));
    o.insert(QStringLiteral("Config"), runtimeConfigJson(cfg.config()));
    o.insert(QStringLiteral("Architecture"), json::Value(cfg.architecture()));
    if (cfg.json.contains(QLatin1String("variant")))
        o.insert(QStringLiteral("Variant"),
                 json::Value(cfg.json.value(QLatin1String("variant")).toString()));
    o.insert(QStringLiteral("Os"), json::Value(cfg.os()));
    o.insert(QStringLiteral("Size"), json::Value(rec->size));

    json::Value data = json::Value::object();
    QStringList lowers;
    for (qsizetype i = rec->chainIds.size() - 2; i >= 0; --i)
        lowers << layerDir(rec->chainIds.at(i));
    if (!lowers.isEmpty())
        data.insert(QStringLiteral("LowerDir"), json::Value(lowers.join(QLatin1Char(':'))));
    if (!rec->chainIds.isEmpty())
        data.insert(QStringLiteral("UpperDir"), json::Value(layerDir(rec->chainIds.last())));
    json::Value driver = json::Value::object();
    driver.insert(QStringLiteral("Data"), data);
    driver.insert(QStringLiteral("Name"), json::Value(storageDriver()));
    o.insert(QStringLiteral("GraphDriver"), driver);

    json::Value rootfs = json::Value::object();
    rootfs.insert(QStringLiteral("Type"), json::Value(QStringLiteral("layers")));
    rootfs.insert(QStringLiteral("Layers"), stringArray(cfg.diffIds()));
    o.insert(QStringLiteral("RootFS"), rootfs);

    json::Value meta = json::Value::object();
    meta.insert(QStringLiteral("LastTagTime"),
                json::Value(tags.isEmpty() ? goTime({}) : goTime(rec->added)));
    o.insert(QStringLiteral("Metadata"), meta);
    return o;
}

Result<QList<HistoryRow>> Engine::history(const QString &id) const
{
    BERTH_TRY_ASSIGN(const auto rec, m_meta->image(id));
    if (!rec)
        return Error{ErrorCode::NotFound, tr("No such image: %1").arg(id)};
    BERTH_TRY_ASSIGN(const image::ImageConfig cfg, imageConfig(id));
    QList<qint64> layerSizes;
    for (const QString &c : rec->chainIds) {
        BERTH_TRY_ASSIGN(const auto l, m_meta->layer(c));
        layerSizes << (l ? l->size : 0);
    }
    QList<HistoryRow> rows;
    const QList<image::HistoryEntry> hist = cfg.history();
    qsizetype layer = 0;
    for (const image::HistoryEntry &h : hist) {
        HistoryRow r;
        r.created = h.created;
        r.createdBy = h.createdBy;
        r.comment = h.comment;
        if (!h.emptyLayer && layer < layerSizes.size())
            r.size = layerSizes.at(layer++);
        rows << r;
    }
    if (hist.isEmpty()) {
        for (qint64 size : layerSizes) {
            HistoryRow r;
            r.created = cfg.created();
            r.size = size;
            rows << r;
        }
    }
    // Images built here know their parents: the row where a parent's own
    // history ends carries the parent's ID, as docker shows.
    if (!rows.isEmpty())
        rows.last().id = id;
    QString parent = rec->parent;
    while (!parent.isEmpty()) {
        auto pcfg = imageConfig(parent);
        auto prec = m_meta->image(parent);
        if (!pcfg.ok() || !prec.ok() || !*prec)
            break;
        const qsizetype n = pcfg->history().size();
        if (n > 0 && n <= rows.size())
            rows[n - 1].id = parent;
        parent = (*prec)->parent;
    }
    std::reverse(rows.begin(), rows.end());
    return rows;
}

Result<SystemInfo> Engine::info() const
{
    SystemInfo i;
    i.root = m_root;
    i.storageDriver = storageDriver();
    i.backingFilesystem = backingFilesystem(m_root);
    struct statfs cg;
    i.cgroupVersion = (::statfs("/sys/fs/cgroup", &cg) == 0 &&
                       static_cast<unsigned long>(cg.f_type) == CGROUP2_SUPER_MAGIC)
                          ? QStringLiteral("2")
                          : QStringLiteral("1");
    i.cgroupDriver = QStringLiteral("cgroupfs");
    struct utsname u;
    if (::uname(&u) == 0)
        i.kernelVersion = QString::fromLocal8Bit(u.release);
    i.operatingSystem = QSysInfo::prettyProductName();
    i.architecture = QSysInfo::currentCpuArchitecture();
    i.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    i.memoryBytes = static_cast<qint64>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
    BERTH_TRY_ASSIGN(const auto imgs, m_meta->images());
    BERTH_TRY_ASSIGN(const auto layers, m_meta->layers());
    i.images = static_cast<int>(imgs.size());
    i.layers = static_cast<int>(layers.size());
    return i;
}

Result<DiskUsage> Engine::diskUsage() const
{
    DiskUsage d;
    BERTH_TRY_ASSIGN(const auto imgs, m_meta->images());
    BERTH_TRY_ASSIGN(const auto layers, m_meta->layers());
    QHash<QString, qint64> layerSize;
    for (const auto &l : layers)
        layerSize.insert(l.chainId, l.size);
    QSet<QString> all;
    QSet<QString> active;
    for (const auto &img : imgs) {
        BERTH_TRY_ASSIGN(const QStringList users, m_meta->containersUsingImage(img.id));
        d.containers += static_cast<int>(users.size());
        if (!users.isEmpty())
            ++d.activeImages;
        for (const QString &c : img.chainIds) {
            all.insert(c);
            if (!users.isEmpty())
                active.insert(c);
        }
    }
    d.images = static_cast<int>(imgs.size());
    for (const QString &c : all) {
        d.imagesSize += layerSize.value(c);
        if (!active.contains(c))
            d.reclaimableImages += layerSize.value(c);
    }
    return d;
}

} // namespace berth
