// berth image analyze / berth image compare: the layer explorer on the command
// line. analyze prints an image's layers, dive's wasted-space figures and the
// bytes no container can see; --layer N shows one layer's changes (--tree) or
// the union up to it (--union); --json dumps everything in dive's export
// layout plus Berth's own fields; --ci applies dive's CI rules (same names,
// defaults and .dive-ci file) and exits 1 when one fails.
#include "Command.h"
#include "Format.h"
#include "util/Units.h"

#include <QFile>

#include <cmath>

namespace berth::cli {

namespace {

QString bytesText(qint64 bytes)
{
    return QStringLiteral("%1 (%2)").arg(bytes).arg(units::humanSize(bytes));
}

QString percentText(double fraction)
{
    return QString::number(fraction * 100, 'f', 4) + QStringLiteral(" %");
}

// Go's %v of a float64: the shortest text that reads back the same.
QString goFloat(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

QString commandOf(const image::HistoryEntry &h)
{
    QString c = h.createdBy;
    c.replace(QLatin1Char('\t'), QLatin1Char(' '));
    return c;
}

QString layerName(const ImageAnalysis &a, int index)
{
    const QString cmd = commandOf(a.image.layers.at(index).step);
    return cmd.isEmpty() ? tr("layer %1").arg(index)
                         : tr("layer %1 (%2)").arg(index).arg(ellipsis(cmd, 40));
}

QString modeString(layer::EntryType type, quint32 mode)
{
    QString s;
    switch (type) {
    case layer::EntryType::Directory:
        s = QStringLiteral("d");
        break;
    case layer::EntryType::Symlink:
        s = QStringLiteral("l");
        break;
    case layer::EntryType::CharDevice:
        s = QStringLiteral("c");
        break;
    case layer::EntryType::BlockDevice:
        s = QStringLiteral("b");
        break;
    case layer::EntryType::Fifo:
        s = QStringLiteral("p");
        break;
    case layer::EntryType::File:
    case layer::EntryType::HardLink:
        s = QStringLiteral("-");
        break;
    }
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        s += (mode & (0400u >> i)) ? QLatin1Char(rwx[i]) : QLatin1Char('-');
    auto special = [&](int at, quint32 bit, char set, char unset) {
        if (mode & bit)
            s[at] = QLatin1Char(s[at] == QLatin1Char('-') ? unset : set);
    };
    special(3, 04000, 's', 'S');
    special(6, 02000, 's', 'S');
    special(9, 01000, 't', 'T');
    return s;
}

QChar changeMarker(layer::Change c)
{
    switch (c) {
    case layer::Change::Added:
        return QLatin1Char('A');
    case layer::Change::Modified:
        return QLatin1Char('M');
    case layer::Change::Deleted:
        return QLatin1Char('D');
    case layer::Change::None:
        break;
    }
    return QLatin1Char(' ');
}

QString reasonText(layer::HiddenFile::Reason r)
{
    switch (r) {
    case layer::HiddenFile::Deleted:
        return tr("deleted");
    case layer::HiddenFile::Overwritten:
        return tr("overwritten");
    case layer::HiddenFile::OpaqueDir:
        return tr("opaque directory");
    }
    return {};
}

QString reasonKey(layer::HiddenFile::Reason r)
{
    switch (r) {
    case layer::HiddenFile::Deleted:
        return QStringLiteral("deleted");
    case layer::HiddenFile::Overwritten:
        return QStringLiteral("overwritten");
    case layer::HiddenFile::OpaqueDir:
        return QStringLiteral("opaque");
    }
    return {};
}

// A tree with dive's columns: marker, permissions, owner, size, name.
void printTree(QTextStream &out, const layer::FileTree &tree, bool unionView)
{
    QStringList lines;
    std::function<void(int, const QString &)> walk = [&](int index, const QString &indent) {
        const QList<int> &children = tree.nodes.at(index).children;
        for (qsizetype i = 0; i < children.size(); ++i) {
            const layer::FileNode &n = tree.nodes.at(children.at(i));
            const bool last = i == children.size() - 1;
            QString marker = unionView ? QString::number(n.layer) : QString(changeMarker(n.change));
            QString name = QString::fromUtf8(n.name);
            if (!n.linkTarget.isEmpty())
                name += (n.type == layer::EntryType::HardLink ? QStringLiteral(" link to ")
                                                              : QStringLiteral(" → ")) +
                        QString::fromUtf8(n.linkTarget);
            if (n.opaque)
                name += QLatin1Char(' ') + tr("(opaque: hides the layers beneath)");
            const bool showOwner = !(n.implied || n.change == layer::Change::Deleted);
            lines << QStringLiteral("%1\t%2\t%3\t%4\t%5%6")
                         .arg(marker, showOwner ? modeString(n.type, n.mode) : QStringLiteral("-"),
                              showOwner ? QStringLiteral("%1:%2").arg(n.uid).arg(n.gid)
                                        : QStringLiteral("-"),
                              units::humanSize(n.totalSize), indent,
                              (last ? QStringLiteral("└── ") : QStringLiteral("├── ")) + name);
            walk(children.at(i), indent + (last ? QStringLiteral("    ") : QStringLiteral("│   ")));
        }
    };
    lines << (unionView ? tr("LAYER") : tr("CHANGE")) + QLatin1Char('\t') + tr("PERMISSION") +
                 QLatin1Char('\t') + tr("UID:GID") + QLatin1Char('\t') + tr("SIZE") +
                 QLatin1Char('\t') + tr("FILE TREE");
    walk(0, QString());
    out << alignColumns(lines);
}

void printLayerHeader(QTextStream &out, const ImageAnalysis &a, int index)
{
    const AnalyzedLayer &l = a.image.layers.at(index);
    const layer::ChangeCounts c = a.stack.counts(index);
    out << tr("Layer %1 of %2").arg(index).arg(a.image.layers.size()) << '\n';
    out << tr("  Command:    %1").arg(commandOf(l.step)) << '\n';
    for (const image::HistoryEntry &h : l.metadataSteps)
        out << tr("  Metadata:   %1").arg(commandOf(h)) << '\n';
    out << tr("  Size:       %1").arg(bytesText(l.size)) << '\n';
    out << tr("  DiffID:     %1").arg(l.diffId) << '\n';
    out << tr("  ChainID:    %1").arg(l.chainId) << '\n';
    out << tr("  Blob:       %1 (%2, %3)")
               .arg(l.blobPath, l.blobMediaType, units::humanSize(l.blobSize))
        << '\n';
    out << tr("  Unpacked:   %1")
               .arg(l.unpackedDir.isEmpty() ? tr("no (only the blob is stored)") : l.unpackedDir)
        << '\n';
    out << tr("  Shared with: %1")
               .arg(l.sharedWith.isEmpty() ? tr("no other image")
                                           : l.sharedWith.join(QLatin1String(", ")))
        << '\n';
    out << tr("  Changes:    %1 added (%2), %3 modified (%4), %5 deleted (%6 hidden)")
               .arg(c.added)
               .arg(units::humanSize(c.addedBytes))
               .arg(c.modified)
               .arg(units::humanSize(c.modifiedBytes))
               .arg(c.deleted)
               .arg(units::humanSize(c.deletedBytes))
        << '\n';
}

void printInefficientFiles(QTextStream &out, const QList<layer::InefficientFile> &files, int max)
{
    out << QStringLiteral("%1  %2  %3\n")
               .arg(tr("Count"), 5)
               .arg(tr("Wasted Space"), 12)
               .arg(tr("File Path"));
    if (files.isEmpty())
        out << tr("None") << '\n';
    for (qsizetype i = 0; i < files.size() && (max < 0 || i < max); ++i)
        out << QStringLiteral("%1  %2  %3\n")
                   .arg(files.at(i).count, 5)
                   .arg(units::humanSize(files.at(i).sizeBytes), 12)
                   .arg(QString::fromUtf8(files.at(i).path));
    if (max >= 0 && files.size() > max)
        out << tr("... and %1 more (--json lists them all)").arg(files.size() - max) << '\n';
}

void printReport(QTextStream &out, const ImageAnalysis &a)
{
    const layer::Efficiency e = a.stack.efficiency();
    const QString name =
        a.image.repoTags.isEmpty() ? shortId(a.image.imageId) : a.image.repoTags.first();
    out << tr("Image: %1 (%2)").arg(name, a.image.imageId) << "\n\n";
    out << tr("Layers (base first):") << '\n';
    QStringList rows;
    rows << tr("INDEX") + QLatin1Char('\t') + tr("SIZE") + QLatin1Char('\t') + tr("ID") +
                QLatin1Char('\t') + tr("COMMAND");
    for (const image::HistoryEntry &h : a.image.leadingSteps)
        rows << QStringLiteral("\t\t\t") + ellipsis(commandOf(h), 80);
    for (const AnalyzedLayer &l : a.image.layers) {
        rows << QStringLiteral("%1\t%2\t%3\t%4")
                    .arg(l.index)
                    .arg(units::humanSizeWithPrecision(l.size, 3), shortId(l.diffId),
                         ellipsis(commandOf(l.step), 80));
        for (const image::HistoryEntry &h : l.metadataSteps)
            rows << QStringLiteral("\t\t\t") + ellipsis(commandOf(h), 80);
    }
    out << alignColumns(rows) << '\n';

    out << tr("Image size (dive): %1").arg(bytesText(e.sizeBytes)) << '\n';
    out << tr("Efficiency: %1").arg(percentText(e.score)) << '\n';
    out << tr("Wasted bytes: %1").arg(bytesText(e.wastedBytes)) << '\n';
    out << tr("User wasted percent: %1").arg(percentText(e.userWastedPercent)) << "\n\n";
    out << tr("Inefficient files (paths in more than one layer):") << '\n';
    printInefficientFiles(out, e.files, 20);
    out << '\n';

    QList<layer::HiddenFile> hidden = a.stack.hidden();
    std::stable_sort(
        hidden.begin(), hidden.end(),
        [](const layer::HiddenFile &x, const layer::HiddenFile &y) { return x.size > y.size; });
    out << tr("Hidden bytes: %1 in %2 files ship in the image but no container can see them.")
               .arg(bytesText(a.stack.hiddenBytes()))
               .arg(hidden.size())
        << '\n';
    out << tr("Deleting or overwriting a file in a later layer does not shrink the image: the "
              "layer that added it is an immutable tar that every pull, save and container "
              "still carries; the later layer only hides it. Remove files in the same step "
              "that creates them.")
        << '\n';
    if (!hidden.isEmpty()) {
        QStringList lines;
        lines << tr("SIZE") + QLatin1Char('\t') + tr("PATH") + QLatin1Char('\t') + tr("ADDED BY") +
                     QLatin1Char('\t') + tr("HIDDEN BY") + QLatin1Char('\t') + tr("HOW");
        const qsizetype shown = std::min<qsizetype>(hidden.size(), 20);
        for (qsizetype i = 0; i < shown; ++i) {
            const layer::HiddenFile &h = hidden.at(i);
            lines << QStringLiteral("%1\t/%2\t%3\t%4\t%5")
                         .arg(units::humanSize(h.size), QString::fromUtf8(h.path),
                              layerName(a, h.addedBy), layerName(a, h.hiddenBy),
                              reasonText(h.reason));
        }
        out << alignColumns(lines);
        if (hidden.size() > shown)
            out << tr("... and %1 more (--json lists them all)").arg(hidden.size() - shown) << '\n';
    }
}

json::Value analysisJson(const ImageAnalysis &a)
{
    const layer::Efficiency e = a.stack.efficiency();
    json::Value layers = json::Value::array();
    for (const AnalyzedLayer &l : a.image.layers) {
        const layer::ChangeCounts c = a.stack.counts(l.index);
        json::Value o = json::Value::object();
        o.insert(QStringLiteral("index"), json::Value(l.index));
        o.insert(QStringLiteral("id"), json::Value(l.blobDigest));
        o.insert(QStringLiteral("digestId"), json::Value(l.diffId));
        o.insert(QStringLiteral("sizeBytes"), json::Value(a.stack.contentBytes(l.index)));
        o.insert(QStringLiteral("command"), json::Value(l.step.createdBy));
        o.insert(QStringLiteral("chainId"), json::Value(l.chainId));
        o.insert(QStringLiteral("size"), json::Value(l.size));
        o.insert(QStringLiteral("tarSize"), json::Value(l.tarSize));
        o.insert(QStringLiteral("blobMediaType"), json::Value(l.blobMediaType));
        o.insert(QStringLiteral("blobSize"), json::Value(l.blobSize));
        o.insert(QStringLiteral("blobPath"), json::Value(l.blobPath));
        o.insert(QStringLiteral("unpackedDir"), json::Value(l.unpackedDir));
        o.insert(QStringLiteral("sharedWith"), json::Value::fromStringList(l.sharedWith));
        QStringList steps;
        for (const image::HistoryEntry &h : l.metadataSteps)
            steps << h.createdBy;
        o.insert(QStringLiteral("metadataSteps"), json::Value::fromStringList(steps));
        json::Value changes = json::Value::object();
        changes.insert(QStringLiteral("added"), json::Value(c.added));
        changes.insert(QStringLiteral("addedBytes"), json::Value(c.addedBytes));
        changes.insert(QStringLiteral("modified"), json::Value(c.modified));
        changes.insert(QStringLiteral("modifiedBytes"), json::Value(c.modifiedBytes));
        changes.insert(QStringLiteral("deleted"), json::Value(c.deleted));
        changes.insert(QStringLiteral("deletedBytes"), json::Value(c.deletedBytes));
        o.insert(QStringLiteral("changes"), changes);
        layers.append(o);
    }
    json::Value refs = json::Value::array();
    for (const layer::InefficientFile &f : e.files) {
        json::Value o = json::Value::object();
        o.insert(QStringLiteral("count"), json::Value(f.count));
        o.insert(QStringLiteral("sizeBytes"), json::Value(f.sizeBytes));
        o.insert(QStringLiteral("file"), json::Value(QString::fromUtf8(f.path)));
        refs.append(o);
    }
    json::Value img = json::Value::object();
    img.insert(QStringLiteral("id"), json::Value(a.image.imageId));
    img.insert(QStringLiteral("repoTags"), json::Value::fromStringList(a.image.repoTags));
    img.insert(QStringLiteral("sizeBytes"), json::Value(e.sizeBytes));
    img.insert(QStringLiteral("inefficientBytes"), json::Value(e.wastedBytes));
    img.insert(QStringLiteral("efficiencyScore"), json::Value(e.score));
    img.insert(QStringLiteral("userSizeBytes"), json::Value(e.userSizeBytes));
    img.insert(QStringLiteral("userWastedPercent"), json::Value(e.userWastedPercent));
    img.insert(QStringLiteral("fileReference"), refs);

    json::Value files = json::Value::array();
    for (const layer::HiddenFile &h : a.stack.hidden()) {
        json::Value o = json::Value::object();
        o.insert(QStringLiteral("path"), json::Value(QLatin1Char('/') + QString::fromUtf8(h.path)));
        o.insert(QStringLiteral("sizeBytes"), json::Value(h.size));
        o.insert(QStringLiteral("addedBy"), json::Value(h.addedBy));
        o.insert(QStringLiteral("hiddenBy"), json::Value(h.hiddenBy));
        o.insert(QStringLiteral("reason"), json::Value(reasonKey(h.reason)));
        files.append(o);
    }
    json::Value hidden = json::Value::object();
    hidden.insert(QStringLiteral("totalBytes"), json::Value(a.stack.hiddenBytes()));
    hidden.insert(QStringLiteral("files"), files);

    json::Value root = json::Value::object();
    root.insert(QStringLiteral("layer"), layers);
    root.insert(QStringLiteral("image"), img);
    root.insert(QStringLiteral("hiddenBytes"), hidden);
    return root;
}

// go-humanize's ParseBytes: "20MB" is decimal, "20MiB" binary, case ignored.
std::optional<quint64> parseBytes(QString text)
{
    text = text.trimmed().remove(QLatin1Char(','));
    qsizetype i = 0;
    while (i < text.size() && (text.at(i).isDigit() || text.at(i) == QLatin1Char('.')))
        ++i;
    bool ok = false;
    const double number = text.left(i).toDouble(&ok);
    if (!ok)
        return std::nullopt;
    const QString unit = text.mid(i).trimmed().toLower();
    static const char *const prefixes = "kmgtpe";
    double multiplier = 1;
    if (!unit.isEmpty() && unit != QLatin1String("b")) {
        const qsizetype p = QByteArray(prefixes).indexOf(unit.at(0).toLatin1());
        const QString rest = unit.mid(1);
        if (p < 0)
            return std::nullopt;
        if (rest.isEmpty() || rest == QLatin1String("b"))
            multiplier = std::pow(1000.0, double(p + 1));
        else if (rest == QLatin1String("i") || rest == QLatin1String("ib"))
            multiplier = std::pow(1024.0, double(p + 1));
        else
            return std::nullopt;
    }
    const double bytes = number * multiplier;
    if (bytes >= 18446744073709551615.0)
        return std::nullopt;
    return quint64(bytes);
}

// dive's three CI rules, by their config names.
struct CiRules
{
    QString lowestEfficiency = QStringLiteral("0.9");
    QString highestWastedBytes = QStringLiteral("disabled");
    QString highestUserWastedPercent = QStringLiteral("0.1");
};

// The .dive-ci subset: a `rules:` mapping of the three keys, `#` comments,
// optional quotes.
Status readCiConfig(const QString &path, CiRules *rules)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::NotFound, tr("read CI config %1: %2").arg(path, f.errorString())};
    QString section;
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        QString line = QString::fromUtf8(f.readLine());
        const qsizetype hash = line.indexOf(QLatin1Char('#'));
        if (hash >= 0 && (hash == 0 || line.at(hash - 1).isSpace()))
            line.truncate(hash);
        if (line.trimmed().isEmpty())
            continue;
        const bool indented = line.at(0).isSpace();
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0)
            return Error{
                ErrorCode::InvalidArgument,
                tr("read CI config %1: line %2: expected \"key: value\"").arg(path).arg(lineNo)};
        const QString key = line.left(colon).trimmed();
        QString value = line.mid(colon + 1).trimmed();
        if (value.size() >= 2 &&
            (value.startsWith(QLatin1Char('"')) || value.startsWith(QLatin1Char('\''))) &&
            value.endsWith(value.at(0)))
            value = value.mid(1, value.size() - 2);
        if (!indented) {
            section = key;
            continue;
        }
        if (section != QLatin1String("rules"))
            continue;
        if (key == QLatin1String("lowestEfficiency"))
            rules->lowestEfficiency = value;
        else if (key == QLatin1String("highestWastedBytes"))
            rules->highestWastedBytes = value;
        else if (key == QLatin1String("highestUserWastedPercent"))
            rules->highestUserWastedPercent = value;
    }
    return {};
}

// dive's CI report: inefficient files, one line per rule, the tally. Returns
// the exit status.
int runCi(QTextStream &out, const ImageAnalysis &a, const CiRules &rules, const QString &configUsed)
{
    const layer::Efficiency e = a.stack.efficiency();
    out << (configUsed.isEmpty() ? tr("  Using default CI config")
                                 : tr("  Using CI config: %1").arg(configUsed))
        << '\n';
    out << tr("  efficiency: %1").arg(percentText(e.score)) << '\n';
    out << tr("  wastedBytes: %1 bytes (%2)")
               .arg(e.wastedBytes)
               .arg(units::humanSize(e.wastedBytes))
        << '\n';
    out << tr("  userWastedPercent: %1").arg(percentText(e.userWastedPercent)) << '\n';
    out << tr("Inefficient Files:") << '\n';
    printInefficientFiles(out, e.files, -1);
    out << tr("Results:") << '\n';

    enum Status { Pass, Fail, Skip, Misconfigured };
    struct Outcome
    {
        QString name;
        Status status;
        QString message;
    };
    QList<Outcome> outcomes;
    auto fraction = [](const QString &v, bool *ok) {
        const double d = v.toDouble(ok);
        *ok = *ok && d >= 0 && d <= 1;
        return d;
    };
    // Sorted by name, as dive lists them.
    if (rules.highestUserWastedPercent == QLatin1String("disabled")) {
        outcomes.append({QStringLiteral("highestUserWastedPercent"), Skip, tr("rule disabled")});
    } else {
        bool ok = false;
        const double limit = fraction(rules.highestUserWastedPercent, &ok);
        if (!ok)
            outcomes.append({QStringLiteral("highestUserWastedPercent"), Misconfigured,
                             tr("invalid config value ('%1'): not a number from 0 to 1")
                                 .arg(rules.highestUserWastedPercent)});
        else if (limit < e.userWastedPercent)
            outcomes.append({QStringLiteral("highestUserWastedPercent"), Fail,
                             tr("too many bytes wasted, relative to the user bytes added "
                                "(%-user-wasted-bytes=%1 > threshold=%2)")
                                 .arg(goFloat(e.userWastedPercent), goFloat(limit))});
        else
            outcomes.append({QStringLiteral("highestUserWastedPercent"), Pass, {}});
    }
    if (rules.highestWastedBytes == QLatin1String("disabled")) {
        outcomes.append({QStringLiteral("highestWastedBytes"), Skip, tr("rule disabled")});
    } else if (const auto limit = parseBytes(rules.highestWastedBytes); !limit) {
        outcomes.append(
            {QStringLiteral("highestWastedBytes"), Misconfigured,
             tr("invalid config value ('%1'): not a size").arg(rules.highestWastedBytes)});
    } else if (quint64(e.wastedBytes) > *limit) {
        outcomes.append({QStringLiteral("highestWastedBytes"), Fail,
                         tr("too many bytes wasted (wasted-bytes=%1 > threshold=%2)")
                             .arg(e.wastedBytes)
                             .arg(*limit)});
    } else {
        outcomes.append({QStringLiteral("highestWastedBytes"), Pass, {}});
    }
    if (rules.lowestEfficiency == QLatin1String("disabled")) {
        outcomes.append({QStringLiteral("lowestEfficiency"), Skip, tr("rule disabled")});
    } else {
        bool ok = false;
        const double limit = fraction(rules.lowestEfficiency, &ok);
        if (!ok)
            outcomes.append({QStringLiteral("lowestEfficiency"), Misconfigured,
                             tr("invalid config value ('%1'): not a number from 0 to 1")
                                 .arg(rules.lowestEfficiency)});
        else if (limit > e.score)
            outcomes.append({QStringLiteral("lowestEfficiency"), Fail,
                             tr("image efficiency is too low (efficiency=%1 < threshold=%2)")
                                 .arg(goFloat(e.score), goFloat(limit))});
        else
            outcomes.append({QStringLiteral("lowestEfficiency"), Pass, {}});
    }

    int passed = 0, failed = 0, skipped = 0;
    bool misconfigured = false;
    for (const Outcome &o : outcomes) {
        const char *word = "PASS";
        switch (o.status) {
        case Pass:
            ++passed;
            break;
        case Fail:
            word = "FAIL";
            ++failed;
            break;
        case Skip:
            word = "SKIP";
            ++skipped;
            break;
        case Misconfigured:
            word = "MISCONFIGURED";
            misconfigured = true;
            break;
        }
        out << QStringLiteral("  %1: %2").arg(QLatin1String(word), o.name);
        if (!o.message.isEmpty())
            out << QStringLiteral(": ") << o.message;
        out << '\n';
    }
    if (misconfigured) {
        out << tr("CI Misconfigured") << '\n';
        return ExitError;
    }
    out << QStringLiteral("Result:%1 [Total:%2] [Passed:%3] [Failed:%4] [Warn:0] [Skipped:%5]")
               .arg(failed > 0 ? QStringLiteral("FAIL") : QStringLiteral("PASS"))
               .arg(outcomes.size())
               .arg(passed)
               .arg(failed)
               .arg(skipped)
        << '\n';
    return failed > 0 ? ExitError : ExitOk;
}

class ImageAnalyze : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("image analyze")}; }
    QString usage() const override { return QStringLiteral("[OPTIONS] IMAGE"); }
    QString summary() const override
    {
        return tr("Show an image's layers, what each one changes and the space they waste");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        bool json = false, ci = false, tree = false, unionView = false;
        QString layerText, ciConfig, lowest, wasted, userWasted;
        FlagSet flags;
        flags.addBool(QStringLiteral("json"), QChar(), &json,
                      tr("Print everything as JSON (dive's export layout plus Berth's fields)"));
        flags.addString(QStringLiteral("layer"), QChar(), &layerText,
                        tr("Show layer N (0 = the base): its changes (--tree) or what a "
                           "container started from it sees (--union)"),
                        QStringLiteral("N"));
        flags.addBool(QStringLiteral("tree"), QChar(), &tree,
                      tr("With --layer: the file tree of the layer's changes (default)"));
        flags.addBool(QStringLiteral("union"), QChar(), &unionView,
                      tr("With --layer: the union of the layers up to it"));
        flags.addBool(QStringLiteral("ci"), QChar(), &ci,
                      tr("Apply dive's CI rules; exit 1 when one fails"));
        flags.addString(QStringLiteral("ci-config"), QChar(), &ciConfig,
                        tr("Read the CI rules from this .dive-ci file (default ./.dive-ci)"),
                        QStringLiteral("file"));
        flags.addString(QStringLiteral("lowest-efficiency"), QChar(), &lowest,
                        tr("CI rule: lowest allowed efficiency (0-1, or \"disabled\")"),
                        QStringLiteral("value"));
        flags.addString(QStringLiteral("highest-wasted-bytes"), QChar(), &wasted,
                        tr("CI rule: highest allowed wasted bytes (\"20MB\", or \"disabled\")"),
                        QStringLiteral("value"));
        flags.addString(QStringLiteral("highest-user-wasted-percent"), QChar(), &userWasted,
                        tr("CI rule: highest allowed wasted share of the bytes above the "
                           "first layer (0-1, or \"disabled\")"),
                        QStringLiteral("value"));
        if (int rc = parseArgs(ctx, flags, args, 1, 1); rc >= 0)
            return rc;
        if ((tree || unionView) && layerText.isEmpty()) {
            ctx.err << tr("--tree and --union need --layer N") << '\n';
            return ExitUsage;
        }
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        auto id = engine->resolveImage(flags.positionals().first());
        if (!id.ok())
            return ctx.fail(id.error());
        AnalyzeOptions options;
        options.progress = ctx.progress();
        auto analysis = engine->analyzeImage(*id, options);
        if (!analysis.ok())
            return ctx.fail(analysis.error());

        if (!layerText.isEmpty()) {
            bool ok = false;
            const int index = layerText.toInt(&ok);
            if (!ok || index < 0 || index >= analysis->image.layers.size()) {
                ctx.err << tr("invalid --layer \"%1\": the image has layers 0 to %2")
                               .arg(layerText)
                               .arg(analysis->image.layers.size() - 1)
                        << '\n';
                return ExitUsage;
            }
            printLayerHeader(ctx.out, *analysis, index);
            ctx.out << '\n';
            if (unionView) {
                ctx.out << tr("What a container started from layer %1 sees (LAYER: the layer "
                              "each entry comes from):")
                               .arg(index)
                        << '\n';
                printTree(ctx.out, analysis->stack.unionTree(index), true);
            } else {
                ctx.out << tr("Changes (A added, M modified, D deleted; sizes include "
                              "everything below):")
                        << '\n';
                printTree(ctx.out, analysis->stack.changes(index), false);
            }
            return ExitOk;
        }
        if (json) {
            ctx.out << analysisJson(*analysis).serialize(json::Style::indentedWith("", "  "))
                    << '\n';
            return ExitOk;
        }
        if (ci) {
            CiRules rules;
            QString used = ciConfig;
            if (used.isEmpty() && QFile::exists(QStringLiteral(".dive-ci")))
                used = QStringLiteral(".dive-ci");
            if (!used.isEmpty()) {
                if (Status st = readCiConfig(used, &rules); !st.ok())
                    return ctx.fail(st.error());
            }
            if (!lowest.isEmpty())
                rules.lowestEfficiency = lowest;
            if (!wasted.isEmpty())
                rules.highestWastedBytes = wasted;
            if (!userWasted.isEmpty())
                rules.highestUserWastedPercent = userWasted;
            return runCi(ctx.out, *analysis, rules, used);
        }
        printReport(ctx.out, *analysis);
        return ExitOk;
    }
};

class ImageCompare : public Command
{
public:
    QStringList names() const override { return {QStringLiteral("image compare")}; }
    QString usage() const override { return QStringLiteral("IMAGE1 IMAGE2"); }
    QString summary() const override
    {
        return tr("Show the layers two images share and where they diverge");
    }

    int run(Context &ctx, const QStringList &args) override
    {
        FlagSet flags;
        if (int rc = parseArgs(ctx, flags, args, 2, 2); rc >= 0)
            return rc;
        Engine *engine = ctx.engine();
        if (!engine)
            return ExitError;
        QStringList ids;
        for (const QString &name : flags.positionals()) {
            auto id = engine->resolveImage(name);
            if (!id.ok())
                return ctx.fail(id.error());
            ids << *id;
        }
        AnalyzeOptions options;
        options.progress = ctx.progress();
        auto cmp = engine->compareImages(ids.at(0), ids.at(1), options);
        if (!cmp.ok())
            return ctx.fail(cmp.error());
        const QStringList names = flags.positionals();
        const ImageLayers *images[2] = {&cmp->first, &cmp->second};
        for (int i = 0; i < 2; ++i)
            ctx.out << tr("Image %1: %2 (%3), %4 layers")
                           .arg(i + 1)
                           .arg(names.at(i), images[i]->imageId)
                           .arg(images[i]->layers.size())
                    << '\n';
        ctx.out << '\n' << tr("Shared layers (same chainID): %1").arg(cmp->sharedLayers) << '\n';
        QStringList rows;
        rows << tr("INDEX") + QLatin1Char('\t') + tr("CHAIN ID") + QLatin1Char('\t') + tr("SIZE") +
                    QLatin1Char('\t') + tr("COMMAND");
        for (int i = 0; i < cmp->sharedLayers; ++i) {
            const AnalyzedLayer &l = cmp->first.layers.at(i);
            rows << QStringLiteral("%1\t%2\t%3\t%4")
                        .arg(i)
                        .arg(shortId(l.chainId), units::humanSizeWithPrecision(l.size, 3),
                             ellipsis(commandOf(l.step), 70));
        }
        if (cmp->sharedLayers > 0)
            ctx.out << alignColumns(rows);
        ctx.out << '\n';
        for (int i = 0; i < 2; ++i) {
            const QList<AnalyzedLayer> &layers = images[i]->layers;
            if (layers.size() == cmp->sharedLayers) {
                ctx.out << tr("Image %1 has no layers of its own.").arg(i + 1) << '\n';
                continue;
            }
            ctx.out << tr("Only in image %1:").arg(i + 1) << '\n';
            QStringList own;
            for (qsizetype k = cmp->sharedLayers; k < layers.size(); ++k)
                own << QStringLiteral("%1\t%2\t%3\t%4")
                           .arg(k)
                           .arg(shortId(layers.at(k).chainId),
                                units::humanSizeWithPrecision(layers.at(k).size, 3),
                                ellipsis(commandOf(layers.at(k).step), 70));
            ctx.out << alignColumns(own);
        }
        if (cmp->sharedLayers < cmp->first.layers.size() &&
            cmp->sharedLayers < cmp->second.layers.size()) {
            ctx.out << '\n'
                    << tr("Layer %1 differs (A only in image 2, D only in image 1, M in both "
                          "but different):")
                           .arg(cmp->sharedLayers)
                    << '\n';
            QStringList lines;
            for (const layer::FileDifference &d : cmp->firstDifference)
                lines << QStringLiteral("%1\t%2\t%3\t/%4")
                             .arg(changeMarker(d.change))
                             .arg(units::humanSize(d.firstSize), units::humanSize(d.secondSize),
                                  QString::fromUtf8(d.path));
            if (lines.isEmpty())
                ctx.out << tr("No file differences (the layers differ only in tar details such as "
                              "times or order).")
                        << '\n';
            else
                ctx.out << alignColumns(QStringList{tr("CHANGE") + QLatin1Char('\t') +
                                                    tr("SIZE 1") + QLatin1Char('\t') +
                                                    tr("SIZE 2") + QLatin1Char('\t') + tr("PATH")} +
                                        lines);
        }
        return ExitOk;
    }
};

} // namespace

std::shared_ptr<Command> makeImageAnalyzeCommand()
{
    return std::make_shared<ImageAnalyze>();
}

std::shared_ptr<Command> makeImageCompareCommand()
{
    return std::make_shared<ImageCompare>();
}

} // namespace berth::cli
