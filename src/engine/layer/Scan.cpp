// Checking a layer tar entry by entry: the names against apply's rules, the
// symbolic links the layer makes as it goes, and the sizes apply would count.
#include "layer/Scan.h"

#include "layer/LayerFs.h"
#include "layer/TarStream.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <set>

namespace berth::layer {

namespace {

using namespace detail;

class Scanner
{
public:
    explicit Scanner(const ScanOptions &options) : m_options(options) {}

    Status entry(archive_entry *e);
    qint64 fileBytes() const { return m_fileBytes; }

private:
    // Whether a directory on the way to the last component is a symlink this
    // layer made.
    bool throughSymlink(const std::vector<QByteArray> &components) const;
    // An entry replaced what was at path: apply removes it, and with it
    // everything below unless a directory merged into a directory.
    void replaced(const QByteArray &path, bool keepChildren);

    const ScanOptions &m_options;
    // Paths that are symbolic links at this point of the tar (apply walks
    // every directory of an entry's path without following one).
    std::set<QByteArray> m_symlinks;
    qint64 m_fileBytes = 0;
};

bool Scanner::throughSymlink(const std::vector<QByteArray> &components) const
{
    if (m_symlinks.empty())
        return false;
    QByteArray prefix;
    for (size_t i = 0; i + 1 < components.size(); ++i) {
        prefix = joinPath(prefix, components[i]);
        if (m_symlinks.count(prefix))
            return true;
    }
    return false;
}

void Scanner::replaced(const QByteArray &path, bool keepChildren)
{
    if (m_symlinks.empty())
        return;
    m_symlinks.erase(path);
    if (keepChildren)
        return;
    const QByteArray prefix = path + '/';
    for (auto it = m_symlinks.lower_bound(prefix);
         it != m_symlinks.end() && it->startsWith(prefix);)
        it = m_symlinks.erase(it);
}

Status Scanner::entry(archive_entry *e)
{
    const char *raw = archive_entry_pathname(e);
    const QString label = QString::fromUtf8(raw ? raw : "");
    BERTH_TRY_ASSIGN(const std::vector<QByteArray> components, splitEntryName(raw, label));
    const mode_t type = archive_entry_filetype(e);
    const char *linkName = archive_entry_hardlink(e);
    if (components.empty()) {
        if (linkName || type != AE_IFDIR)
            return entryError(label, ErrorCode::InvalidArgument,
                              tr("the layer root can only be a directory"));
        return {};
    }
    const QByteArray path = joinComponents(components, components.size());
    if (throughSymlink(components))
        return entryError(
            label, ErrorCode::InvalidArgument,
            tr("open directory %1: path goes through a symbolic link")
                .arg(QFile::decodeName(joinComponents(components, components.size() - 1))));

    const QByteArray &base = components.back();
    if (m_options.whiteouts == WhiteoutFormat::Overlay && base.startsWith(kWhiteoutPrefix)) {
        if (base == kOpaqueMarker || base.startsWith(kWhiteoutMetaPrefix))
            return {};
        const QByteArray hidden = base.mid(qsizetype(sizeof kWhiteoutPrefix) - 1);
        if (hidden.isEmpty() || hidden == "." || hidden == "..")
            return entryError(label, ErrorCode::InvalidArgument, tr("invalid whiteout name"));
        replaced(joinPath(joinComponents(components, components.size() - 1), hidden), false);
        return {};
    }

    if (linkName) {
        BERTH_TRY_ASSIGN(const std::vector<QByteArray> target, hardlinkTarget(linkName, label));
        const QByteArray targetPath = joinComponents(target, target.size());
        if (targetPath == path)
            return {};
        if (throughSymlink(target))
            return entryError(label, ErrorCode::InvalidArgument,
                              tr("hard link target \"%1\" goes through a symbolic link")
                                  .arg(QString::fromUtf8(linkName)));
        // A link to a symlink is a symlink too (linkat does not follow it).
        const bool toSymlink = m_symlinks.count(targetPath) > 0;
        replaced(path, false);
        if (toSymlink)
            m_symlinks.insert(path);
        return {};
    }

    switch (type) {
    case AE_IFREG:
        m_fileBytes += archive_entry_size(e);
        replaced(path, false);
        return {};
    case AE_IFDIR:
        replaced(path, true);
        return {};
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(e);
        // Docker counts a symlink's own size (its target's length) in a layer's size.
        m_fileBytes += target ? qint64(std::strlen(target)) : 0;
        replaced(path, false);
        m_symlinks.insert(path);
        return {};
    }
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
        replaced(path, false);
        return {};
    default:
        return entryError(label, ErrorCode::Unsupported,
                          tr("unsupported entry type %1").arg(quint32(type), 0, 8));
    }
}

} // namespace

Result<ApplyResult> scanLayer(Reader &in, const ScanOptions &options)
{
    const QString operation = tr("check layer");
    TarStream tar(in, options.progress, HashOn::Consumer, operation);
    BERTH_TRY(tar.open());
    Scanner scanner(options);
    for (;;) {
        BERTH_TRY_ASSIGN(archive_entry *const entry, tar.next());
        if (!entry)
            break;
        if (options.progress.cancelled())
            return cancelledError(operation);
        Status st = scanner.entry(entry);
        if (!st.ok())
            return tar.failed(st.error());
    }
    ApplyResult result;
    BERTH_TRY_ASSIGN(result.diffId, tar.finish(&result.tarSize));
    result.fileBytes = scanner.fileBytes();
    return result;
}

} // namespace berth::layer
