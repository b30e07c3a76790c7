// Instructions: nodes -> typed instructions -> stages -> build plan (see Instructions.h).
// Argument rules and messages follow BuildKit's instructions package.
#include "build/Instructions.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>

namespace berth::build {

namespace {

Error invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

Error atLeastOne(const QString &keyword)
{
    return invalid(tr("%1 requires at least one argument").arg(keyword));
}

Error exactlyOne(const QString &keyword)
{
    return invalid(tr("%1 requires exactly one argument").arg(keyword));
}

int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean RUN?)" when a known word is within two edits of a mistyped one, as
// BuildKit suggests; without case sensitivity the suggestion takes the word's case.
QString suggestion(const QString &word, const QStringList &known, bool caseSensitive)
{
    const QString value = caseSensitive ? word : word.toLower();
    QString best;
    int bestDistance = 3;
    for (const QString &candidate : known) {
        const QString option = caseSensitive ? candidate : candidate.toLower();
        if (option == value)
            return QString();
        const int distance = editDistance(value, option);
        if (distance < bestDistance) {
            best = option;
            bestDistance = distance;
        }
    }
    if (best.isEmpty())
        return QString();
    if (!caseSensitive && word == word.toUpper() && word != word.toLower())
        best = best.toUpper();
    return tr(" (did you mean %1?)").arg(best);
}

// BuildKit's flag set: --name=value strings, --name[=true|false] booleans, and string lists
// (--exclude may repeat).
class FlagSet
{
public:
    enum class Kind { String, Bool, Strings };

    void add(const QString &name, Kind kind) { m_kinds.insert(name, kind); }

    Status parse(const QStringList &flags)
    {
        for (const QString &flag : flags) {
            if (!flag.startsWith(QStringLiteral("--")))
                return invalid(tr("arg should start with -- : %1").arg(flag));
            if (flag == u"--")
                return {};
            QString name = flag.mid(2);
            QString value;
            const qsizetype eq = name.indexOf(u'=');
            if (eq >= 0) {
                value = name.mid(eq + 1);
                name.truncate(eq);
            }
            if (!m_kinds.contains(name))
                return invalid(tr("unknown flag: %1").arg(name) +
                               suggestion(name, m_kinds.keys(), true));
            const Kind kind = m_kinds.value(name);
            if (m_seen.contains(name) && kind != Kind::Strings)
                return invalid(tr("duplicate flag specified: %1").arg(name));
            m_seen << name;
            switch (kind) {
            case Kind::Bool: {
                if (eq >= 0 && value.isEmpty())
                    return invalid(tr("missing a value on flag: %1").arg(name));
                const QString lower = value.toLower();
                if (lower.isEmpty() || lower == u"true")
                    m_values.insert(name, {QStringLiteral("true")});
                else if (lower == u"false")
                    m_values.insert(name, {QStringLiteral("false")});
                else
                    return invalid(
                        tr("expecting boolean value for flag %1, not: %2").arg(name, value));
                break;
            }
            case Kind::String:
                if (eq < 0)
                    return invalid(tr("missing a value on flag: %1").arg(name));
                m_values.insert(name, {value});
                break;
            case Kind::Strings:
                if (eq < 0)
                    return invalid(tr("missing a value on flag: %1").arg(name));
                m_values[name] << value;
                break;
            }
        }
        return {};
    }

    QString string(const QString &name) const { return m_values.value(name).value(0); }
    QStringList strings(const QString &name) const { return m_values.value(name); }
    bool isSet(const QString &name) const { return m_values.contains(name); }
    bool boolean(const QString &name) const { return string(name) == u"true"; }

private:
    QMap<QString, Kind> m_kinds;
    QSet<QString> m_seen;
    QMap<QString, QStringList> m_values;
};

CommandLine commandLine(const Node &node)
{
    CommandLine command;
    command.shellForm = !node.json;
    command.files = node.heredocs;
    if (node.json)
        command.args = node.args;
    else if (!node.args.isEmpty())
        command.args << node.args.join(u' ');
    return command;
}

Result<QList<KeyValue>> keyValues(const Node &node, const QString &keyword)
{
    if (node.args.isEmpty())
        return atLeastOne(keyword);
    if (node.args.size() % 3 != 0)
        return invalid(tr("Bad input to %1, too many arguments").arg(keyword));
    QList<KeyValue> pairs;
    for (qsizetype i = 0; i < node.args.size(); i += 3) {
        if (node.args[i].isEmpty())
            return invalid(tr("%1 names can not be blank").arg(keyword));
        pairs << KeyValue{node.args[i], node.args[i + 1]};
    }
    return pairs;
}

QString chompTabs(const QString &content)
{
    static const QRegularExpression leadingTabs(QStringLiteral("(?m)^\\t+"));
    QString out = content;
    out.replace(leadingTabs, QString());
    return out;
}

// Splits ADD/COPY arguments into sources, inline (heredoc) files and the destination.
Status sourcesAndDest(const Node &node, const QString &keyword, QStringList &sources,
                      QList<InlineFile> &inlineFiles, QString &dest)
{
    if (node.args.size() < 2)
        return invalid(tr("%1 requires at least two arguments, but only one was provided. "
                          "Destination could not be determined.")
                           .arg(keyword));
    static const QRegularExpression marker(QStringLiteral("^(\\d*)<<(-?)([^<]*)$"));
    const auto isHeredoc = [&](const QString &word) {
        const auto match = marker.match(word);
        return !node.json && match.hasMatch() && !match.captured(3).isEmpty();
    };
    dest = node.args.last();
    if (isHeredoc(dest))
        return invalid(tr("dest cannot be a heredoc"));
    for (qsizetype i = 0; i + 1 < node.args.size(); ++i) {
        const QString &word = node.args[i];
        if (isHeredoc(word) && inlineFiles.size() < node.heredocs.size()) {
            const Heredoc &heredoc = node.heredocs[inlineFiles.size()];
            inlineFiles << InlineFile{heredoc.name,
                                      heredoc.chomp ? chompTabs(heredoc.content) : heredoc.content,
                                      heredoc.expand};
        } else {
            sources << word;
        }
    }
    return {};
}

Result<qint64> healthDuration(const FlagSet &flags, const QString &name)
{
    const QString text = flags.string(name);
    if (text.isEmpty())
        return qint64(0);
    BERTH_TRY_ASSIGN(const qint64 ns, parseGoDuration(text));
    if (ns == 0)
        return qint64(0);
    if (ns < 1000000)
        return invalid(tr("Interval \"%1\" cannot be less than 1ms").arg(name));
    return ns;
}

Result<InstructionData> parseHealthcheck(const Node &node)
{
    if (node.args.isEmpty())
        return atLeastOne(QStringLiteral("HEALTHCHECK"));
    HealthcheckInstruction health;
    const QString type = node.args[0].toUpper();
    const QStringList rest = node.args.mid(1);
    if (type == u"NONE") {
        if (!rest.isEmpty())
            return invalid(tr("HEALTHCHECK NONE takes no arguments"));
        health.test << type;
        return InstructionData(health);
    }
    if (type != u"CMD")
        return invalid(tr("Unknown type \"%1\" in HEALTHCHECK (try CMD)").arg(type));
    FlagSet flags;
    for (const char *name : {"interval", "timeout", "start-period", "start-interval", "retries"})
        flags.add(QString::fromLatin1(name), FlagSet::Kind::String);
    BERTH_TRY(flags.parse(node.flags));
    QStringList command = rest;
    if (!node.json && !rest.isEmpty())
        command = QStringList{rest.join(u' ')};
    if (command.isEmpty())
        return invalid(tr("Missing command after HEALTHCHECK CMD"));
    health.test << (node.json ? QStringLiteral("CMD") : QStringLiteral("CMD-SHELL")) << command;
    BERTH_TRY_ASSIGN(health.intervalNs, healthDuration(flags, QStringLiteral("interval")));
    BERTH_TRY_ASSIGN(health.timeoutNs, healthDuration(flags, QStringLiteral("timeout")));
    BERTH_TRY_ASSIGN(health.startPeriodNs, healthDuration(flags, QStringLiteral("start-period")));
    BERTH_TRY_ASSIGN(health.startIntervalNs,
                     healthDuration(flags, QStringLiteral("start-interval")));
    if (flags.isSet(QStringLiteral("retries"))) {
        bool ok = false;
        const QString text = flags.string(QStringLiteral("retries"));
        const qlonglong retries = text.toLongLong(&ok);
        if (!ok || retries > INT32_MAX || retries < INT32_MIN)
            return invalid(tr("strconv.ParseInt: parsing %1: invalid syntax").arg(goQuote(text)));
        if (retries < 0)
            return invalid(tr("--retries cannot be negative (%1)").arg(retries));
        health.retries = int(retries);
    }
    return InstructionData(health);
}

Result<InstructionData> parseFrom(const Node &node)
{
    FlagSet flags;
    flags.add(QStringLiteral("platform"), FlagSet::Kind::String);
    BERTH_TRY(flags.parse(node.flags));
    const QStringList &args = node.args;
    if (!(args.size() == 1 ||
          (args.size() == 3 && args[1].compare(u"as", Qt::CaseInsensitive) == 0)))
        return invalid(tr("FROM requires either one or three arguments"));
    FromInstruction from;
    from.image = args[0];
    from.platform = flags.string(QStringLiteral("platform"));
    if (args.size() == 3) {
        static const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9\\-_.]*$"));
        from.stageName = args[2].toLower();
        if (!valid.match(from.stageName).hasMatch())
            return invalid(tr("invalid name for build stage: %1, name can't start with a number "
                              "or contain symbols")
                               .arg(goQuote(args[2])));
    }
    return InstructionData(from);
}

Result<InstructionData> parseRun(const Node &node)
{
    FlagSet flags;
    flags.add(QStringLiteral("mount"), FlagSet::Kind::Strings);
    flags.add(QStringLiteral("network"), FlagSet::Kind::String);
    flags.add(QStringLiteral("security"), FlagSet::Kind::String);
    BERTH_TRY(flags.parse(node.flags));
    if (node.args.isEmpty())
        return atLeastOne(QStringLiteral("RUN"));
    RunInstruction run;
    run.command = commandLine(node);
    for (const QString &value : flags.strings(QStringLiteral("mount"))) {
        BERTH_TRY_ASSIGN(RunMount mount, parseRunMount(value));
        run.mounts << mount;
    }
    run.network = flags.string(QStringLiteral("network"));
    if (!run.network.isEmpty() && run.network != u"default" && run.network != u"none" &&
        run.network != u"host")
        return invalid(tr("network mode %1 not supported").arg(goQuote(run.network)));
    run.security = flags.string(QStringLiteral("security"));
    if (!run.security.isEmpty() && run.security != u"sandbox" && run.security != u"insecure")
        return invalid(tr("security mode %1 not supported").arg(goQuote(run.security)));
    return InstructionData(run);
}

Result<InstructionData> parseAdd(const Node &node)
{
    FlagSet flags;
    for (const char *name : {"chown", "chmod", "checksum"})
        flags.add(QString::fromLatin1(name), FlagSet::Kind::String);
    for (const char *name : {"link", "keep-git-dir", "unpack"})
        flags.add(QString::fromLatin1(name), FlagSet::Kind::Bool);
    flags.add(QStringLiteral("exclude"), FlagSet::Kind::Strings);
    BERTH_TRY(flags.parse(node.flags));
    AddInstruction add;
    BERTH_TRY(sourcesAndDest(node, QStringLiteral("ADD"), add.sources, add.inlineFiles, add.dest));
    add.chown = flags.string(QStringLiteral("chown"));
    add.chmod = flags.string(QStringLiteral("chmod"));
    add.checksum = flags.string(QStringLiteral("checksum"));
    add.link = flags.boolean(QStringLiteral("link"));
    add.keepGitDir = flags.boolean(QStringLiteral("keep-git-dir"));
    if (flags.isSet(QStringLiteral("unpack")))
        add.unpack = flags.boolean(QStringLiteral("unpack"));
    add.excludes = flags.strings(QStringLiteral("exclude"));
    return InstructionData(add);
}

Result<InstructionData> parseCopy(const Node &node)
{
    FlagSet flags;
    for (const char *name : {"from", "chown", "chmod"})
        flags.add(QString::fromLatin1(name), FlagSet::Kind::String);
    for (const char *name : {"link", "parents"})
        flags.add(QString::fromLatin1(name), FlagSet::Kind::Bool);
    flags.add(QStringLiteral("exclude"), FlagSet::Kind::Strings);
    BERTH_TRY(flags.parse(node.flags));
    CopyInstruction copy;
    BERTH_TRY(
        sourcesAndDest(node, QStringLiteral("COPY"), copy.sources, copy.inlineFiles, copy.dest));
    copy.from = flags.string(QStringLiteral("from"));
    copy.chown = flags.string(QStringLiteral("chown"));
    copy.chmod = flags.string(QStringLiteral("chmod"));
    copy.link = flags.boolean(QStringLiteral("link"));
    copy.parents = flags.boolean(QStringLiteral("parents"));
    copy.excludes = flags.strings(QStringLiteral("exclude"));
    return InstructionData(copy);
}

Result<InstructionData> parseOnbuild(const Node &node)
{
    if (!node.sub)
        return atLeastOne(QStringLiteral("ONBUILD"));
    const QString trigger = node.sub->name.toUpper();
    if (trigger == u"ONBUILD")
        return invalid(tr("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
    if (trigger == u"FROM" || trigger == u"MAINTAINER")
        return invalid(tr("%1 isn't allowed as an ONBUILD trigger").arg(trigger));
    static const QRegularExpression prefix(QStringLiteral("^\\s*ONBUILD\\s*"),
                                           QRegularExpression::CaseInsensitiveOption);
    QString expression = node.original;
    expression.remove(prefix);
    // The child image re-parses the trigger, so its heredocs travel with it.
    for (const Heredoc &heredoc : node.heredocs)
        expression += u'\n' + heredoc.content + heredoc.name;
    return InstructionData(OnbuildInstruction{trigger, expression});
}

Result<InstructionData> parseData(const Node &node)
{
    const QString &name = node.name;
    const QString keyword = name.toUpper();
    if (name == u"from")
        return parseFrom(node);
    if (name == u"run")
        return parseRun(node);
    if (name == u"add")
        return parseAdd(node);
    if (name == u"copy")
        return parseCopy(node);
    if (name == u"healthcheck")
        return parseHealthcheck(node);

    // The remaining instructions take no flags.
    static const QStringList known{
        QStringLiteral("cmd"),        QStringLiteral("entrypoint"), QStringLiteral("label"),
        QStringLiteral("maintainer"), QStringLiteral("expose"),     QStringLiteral("env"),
        QStringLiteral("volume"),     QStringLiteral("user"),       QStringLiteral("workdir"),
        QStringLiteral("arg"),        QStringLiteral("onbuild"),    QStringLiteral("stopsignal"),
        QStringLiteral("shell")};
    if (!known.contains(name)) {
        static const QStringList all =
            known + QStringList{QStringLiteral("from"), QStringLiteral("run"),
                                QStringLiteral("add"), QStringLiteral("copy"),
                                QStringLiteral("healthcheck")};
        return invalid(tr("unknown instruction: %1").arg(node.typedName) +
                       suggestion(node.typedName, all, false));
    }
    FlagSet none;
    BERTH_TRY(none.parse(node.flags));
    const QStringList &args = node.args;
    if (name == u"cmd")
        return InstructionData(CmdInstruction{commandLine(node)});
    if (name == u"entrypoint")
        return InstructionData(EntrypointInstruction{commandLine(node)});
    if (name == u"shell") {
        if (args.isEmpty())
            return atLeastOne(keyword);
        if (!node.json)
            return invalid(tr("SHELL requires the arguments to be in JSON form"));
        return InstructionData(ShellInstruction{args});
    }
    if (name == u"label") {
        BERTH_TRY_ASSIGN(auto pairs, keyValues(node, keyword));
        return InstructionData(LabelInstruction{pairs});
    }
    if (name == u"env") {
        BERTH_TRY_ASSIGN(auto pairs, keyValues(node, keyword));
        return InstructionData(EnvInstruction{pairs});
    }
    if (name == u"maintainer" || name == u"user" || name == u"workdir" || name == u"stopsignal") {
        if (args.size() != 1)
            return exactlyOne(keyword);
        if (name == u"maintainer")
            return InstructionData(MaintainerInstruction{args[0]});
        if (name == u"user")
            return InstructionData(UserInstruction{args[0]});
        if (name == u"workdir")
            return InstructionData(WorkdirInstruction{args[0]});
        return InstructionData(StopSignalInstruction{args[0]});
    }
    if (name == u"expose") {
        if (args.isEmpty())
            return atLeastOne(keyword);
        return InstructionData(ExposeInstruction{args});
    }
    if (name == u"volume") {
        if (args.isEmpty())
            return atLeastOne(keyword);
        VolumeInstruction volume;
        for (const QString &path : args) {
            if (path.trimmed().isEmpty())
                return invalid(tr("VOLUME specified can not be an empty string"));
            volume.paths << path.trimmed();
        }
        return InstructionData(volume);
    }
    if (name == u"arg") {
        if (args.isEmpty())
            return atLeastOne(keyword);
        ArgInstruction arg;
        for (const QString &word : args) {
            const qsizetype eq = word.indexOf(u'=');
            if (eq == 0)
                return invalid(tr("%1 names can not be blank").arg(keyword));
            if (eq < 0)
                arg.args << ArgDeclaration{word, std::nullopt};
            else
                arg.args << ArgDeclaration{word.left(eq), word.mid(eq + 1)};
        }
        return InstructionData(arg);
    }
    return parseOnbuild(node);
}

QString locate(const QString &fileName, int line, const QString &message)
{
    return QStringLiteral("%1:%2: %3").arg(fileName).arg(line).arg(message);
}

bool parseBoolValue(const QString &value, bool &out)
{
    // Go's strconv.ParseBool.
    static const QStringList yes{QStringLiteral("1"),    QStringLiteral("t"),
                                 QStringLiteral("T"),    QStringLiteral("true"),
                                 QStringLiteral("TRUE"), QStringLiteral("True")};
    static const QStringList no{QStringLiteral("0"),     QStringLiteral("f"),
                                QStringLiteral("F"),     QStringLiteral("false"),
                                QStringLiteral("FALSE"), QStringLiteral("False")};
    if (yes.contains(value))
        out = true;
    else if (no.contains(value))
        out = false;
    else
        return false;
    return true;
}

Result<QString> expandWord(const ShellLex &lex, const Environment &env, const QString &word)
{
    return lex.processWord(word, env);
}

Status expandList(const ShellLex &lex, const Environment &env, QStringList &words)
{
    for (QString &word : words) {
        BERTH_TRY_ASSIGN(word, lex.processWord(word, env));
    }
    return {};
}

Status expandPairs(const ShellLex &lex, const Environment &env, QList<KeyValue> &pairs)
{
    for (KeyValue &pair : pairs) {
        BERTH_TRY_ASSIGN(pair.key, lex.processWord(pair.key, env));
        BERTH_TRY_ASSIGN(pair.value, lex.processWord(pair.value, env));
    }
    return {};
}

} // namespace

Result<qint64> parseGoDuration(const QString &text)
{
    const auto bad = [&] { return invalid(tr("time: invalid duration %1").arg(goQuote(text))); };
    QString s = text;
    bool negative = false;
    if (!s.isEmpty() && (s[0] == u'-' || s[0] == u'+')) {
        negative = s[0] == u'-';
        s.remove(0, 1);
    }
    if (s == u"0")
        return qint64(0);
    if (s.isEmpty())
        return bad();
    static const QMap<QString, double> units{
        {QStringLiteral("ns"), 1.0},      {QStringLiteral("us"), 1e3},
        {QStringLiteral("\u00b5s"), 1e3}, {QStringLiteral("\u03bcs"), 1e3},
        {QStringLiteral("ms"), 1e6},      {QStringLiteral("s"), 1e9},
        {QStringLiteral("m"), 60e9},      {QStringLiteral("h"), 3600e9}};
    double total = 0;
    qsizetype pos = 0;
    while (pos < s.size()) {
        const qsizetype numberStart = pos;
        while (pos < s.size() && (s[pos].isDigit() || s[pos] == u'.'))
            ++pos;
        const QString number = s.mid(numberStart, pos - numberStart);
        if (number.isEmpty() || number == u"." || number.count(u'.') > 1)
            return bad();
        const qsizetype unitStart = pos;
        while (pos < s.size() && !s[pos].isDigit() && s[pos] != u'.')
            ++pos;
        const QString unit = s.mid(unitStart, pos - unitStart);
        if (unit.isEmpty())
            return invalid(tr("time: missing unit in duration %1").arg(goQuote(text)));
        if (!units.contains(unit))
            return invalid(
                tr("time: unknown unit %1 in duration %2").arg(goQuote(unit), goQuote(text)));
        total += number.toDouble() * units.value(unit);
    }
    if (total > 9.2233720368547758e18)
        return bad();
    const qint64 ns = qint64(std::llround(total));
    return negative ? -ns : ns;
}

Result<RunMount> parseRunMount(const QString &value)
{
    RunMount mount;
    std::optional<bool> readOnly;
    QString typeName = QStringLiteral("bind");
    const auto fail = [&](const QString &message) {
        return invalid(tr("--mount=%1: %2").arg(value, message));
    };
    for (const QString &field : value.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype eq = field.indexOf(u'=');
        const QString key = (eq < 0 ? field : field.left(eq)).trimmed().toLower();
        const QString val = eq < 0 ? QString() : field.mid(eq + 1);
        if (eq < 0) {
            if (key == u"readonly" || key == u"ro")
                readOnly = true;
            else if (key == u"readwrite" || key == u"rw")
                readOnly = false;
            else if (key == u"required")
                mount.required = true;
            else
                return fail(tr("invalid field '%1' must be a key=value pair").arg(field));
            continue;
        }
        bool flag = false;
        if (key == u"type") {
            static const QMap<QString, RunMount::Type> types{
                {QStringLiteral("bind"), RunMount::Type::Bind},
                {QStringLiteral("cache"), RunMount::Type::Cache},
                {QStringLiteral("tmpfs"), RunMount::Type::Tmpfs},
                {QStringLiteral("secret"), RunMount::Type::Secret},
                {QStringLiteral("ssh"), RunMount::Type::Ssh}};
            if (!types.contains(val.toLower()))
                return fail(tr("unsupported mount type %1").arg(goQuote(val)));
            typeName = val.toLower();
            mount.type = types.value(typeName);
        } else if (key == u"id") {
            mount.id = val;
        } else if (key == u"source" || key == u"src") {
            mount.source = val;
        } else if (key == u"target" || key == u"dst" || key == u"destination") {
            mount.target = val;
        } else if (key == u"from") {
            mount.from = val;
        } else if (key == u"env") {
            mount.env = val;
        } else if (key == u"readonly" || key == u"ro" || key == u"readwrite" || key == u"rw" ||
                   key == u"required") {
            if (!parseBoolValue(val, flag))
                return fail(tr("invalid value for %1: %2").arg(key, val));
            if (key == u"required")
                mount.required = flag;
            else
                readOnly = (key == u"readonly" || key == u"ro") ? flag : !flag;
        } else if (key == u"sharing") {
            if (val != u"shared" && val != u"private" && val != u"locked")
                return fail(tr("unsupported sharing value %1").arg(goQuote(val)));
            mount.sharing = val;
        } else if (key == u"mode" || key == u"uid" || key == u"gid") {
            bool ok = false;
            const uint number = val.toUInt(&ok, key == u"mode" ? 8 : 10);
            if (!ok)
                return fail(tr("invalid value %1 for %2").arg(val, key));
            (key == u"mode" ? mount.mode : key == u"uid" ? mount.uid : mount.gid) = number;
        } else if (key == u"size") {
            bool ok = false;
            mount.sizeBytes = val.toLongLong(&ok);
            if (!ok || mount.sizeBytes < 0)
                return fail(tr("invalid value %1 for %2").arg(val, key));
        } else {
            return fail(tr("unexpected key '%1' in '%2'").arg(key, field));
        }
    }
    switch (mount.type) {
    case RunMount::Type::Secret:
        if (mount.id.isEmpty() && mount.target.isEmpty() && mount.env.isEmpty())
            return fail(tr("one of id, target or env is required for a secret mount"));
        if (mount.id.isEmpty())
            mount.id = mount.target.section(u'/', -1);
        if (mount.target.isEmpty() && mount.env.isEmpty())
            mount.target = QStringLiteral("/run/secrets/") + mount.id;
        break;
    case RunMount::Type::Ssh:
        if (mount.id.isEmpty())
            mount.id = QStringLiteral("default");
        if (mount.target.isEmpty())
            mount.target = QStringLiteral("/run/buildkit/ssh_agent.0");
        break;
    default:
        if (mount.target.isEmpty())
            return fail(tr("mount target is required"));
        break;
    }
    if (!mount.sharing.isEmpty() && mount.type != RunMount::Type::Cache)
        return fail(tr("sharing is only supported for cache mounts"));
    if (mount.type == RunMount::Type::Cache) {
        if (mount.sharing.isEmpty())
            mount.sharing = QStringLiteral("shared");
        if (mount.id.isEmpty())
            mount.id = mount.target;
    }
    if (!mount.from.isEmpty() && mount.type != RunMount::Type::Bind &&
        mount.type != RunMount::Type::Cache)
        return fail(tr("from is not supported for %1 mounts").arg(typeName));
    // Bind mounts are read-only unless asked otherwise; the others are writable.
    mount.readOnly = readOnly.value_or(mount.type == RunMount::Type::Bind);
    return mount;
}

Result<Instruction> parseInstruction(const Node &node, const QString &fileName)
{
    auto data = parseData(node);
    if (!data.ok())
        return Error{data.error().code, locate(fileName, node.startLine, data.error().message)};
    Instruction instruction;
    instruction.keyword = node.name.toUpper();
    instruction.original = node.original;
    instruction.startLine = node.startLine;
    instruction.endLine = node.endLine;
    instruction.data = std::move(data).value();
    return instruction;
}

Result<StageList> parseStages(const Dockerfile &file, const QString &fileName)
{
    StageList list;
    QSet<QString> names;
    for (const Node &node : file.nodes) {
        BERTH_TRY_ASSIGN(Instruction instruction, parseInstruction(node, fileName));
        if (const auto *from = instruction.as<FromInstruction>()) {
            Stage stage;
            stage.index = int(list.stages.size());
            stage.name = from->stageName;
            stage.from = *from;
            stage.startLine = instruction.startLine;
            if (!stage.name.isEmpty()) {
                if (names.contains(stage.name))
                    return invalid(locate(fileName, instruction.startLine,
                                          tr("duplicate stage name %1").arg(goQuote(stage.name))));
                names << stage.name;
            }
            list.stages << stage;
            continue;
        }
        if (list.stages.isEmpty()) {
            if (const auto *arg = instruction.as<ArgInstruction>()) {
                list.metaArgs << *arg;
                continue;
            }
            return invalid(
                locate(fileName, instruction.startLine, tr("no build stage in current context")));
        }
        list.stages.last().instructions << instruction;
    }
    if (list.stages.isEmpty())
        return invalid(tr("%1: dockerfile contains no stages to build").arg(fileName));
    return list;
}

Result<Instruction> expandInstruction(const Instruction &instruction, const ShellLex &lex,
                                      const Environment &env)
{
    Instruction out = instruction;
    auto expanded = std::visit(
        [&](auto &data) -> Status {
            using T = std::decay_t<decltype(data)>;
            if constexpr (std::is_same_v<T, EnvInstruction>) {
                return expandPairs(lex, env, data.vars);
            } else if constexpr (std::is_same_v<T, LabelInstruction>) {
                return expandPairs(lex, env, data.labels);
            } else if constexpr (std::is_same_v<T, AddInstruction> ||
                                 std::is_same_v<T, CopyInstruction>) {
                BERTH_TRY(expandList(lex, env, data.sources));
                BERTH_TRY(expandList(lex, env, data.excludes));
                BERTH_TRY_ASSIGN(data.dest, expandWord(lex, env, data.dest));
                BERTH_TRY_ASSIGN(data.chown, expandWord(lex, env, data.chown));
                BERTH_TRY_ASSIGN(data.chmod, expandWord(lex, env, data.chmod));
                if constexpr (std::is_same_v<T, CopyInstruction>) {
                    BERTH_TRY_ASSIGN(data.from, expandWord(lex, env, data.from));
                } else {
                    BERTH_TRY_ASSIGN(data.checksum, expandWord(lex, env, data.checksum));
                }
                return {};
            } else if constexpr (std::is_same_v<T, WorkdirInstruction>) {
                BERTH_TRY_ASSIGN(data.path, expandWord(lex, env, data.path));
                return {};
            } else if constexpr (std::is_same_v<T, UserInstruction>) {
                BERTH_TRY_ASSIGN(data.user, expandWord(lex, env, data.user));
                return {};
            } else if constexpr (std::is_same_v<T, StopSignalInstruction>) {
                BERTH_TRY_ASSIGN(data.signal, expandWord(lex, env, data.signal));
                return {};
            } else if constexpr (std::is_same_v<T, VolumeInstruction>) {
                return expandList(lex, env, data.paths);
            } else if constexpr (std::is_same_v<T, ExposeInstruction>) {
                return expandList(lex, env, data.ports);
            } else if constexpr (std::is_same_v<T, ArgInstruction>) {
                for (ArgDeclaration &arg : data.args) {
                    if (arg.value) {
                        BERTH_TRY_ASSIGN(arg.value, expandWord(lex, env, *arg.value));
                    }
                }
                return {};
            } else if constexpr (std::is_same_v<T, FromInstruction>) {
                BERTH_TRY_ASSIGN(data.image, expandWord(lex, env, data.image));
                BERTH_TRY_ASSIGN(data.platform, expandWord(lex, env, data.platform));
                return {};
            } else if constexpr (std::is_same_v<T, RunInstruction>) {
                for (RunMount &mount : data.mounts) {
                    for (QString *field :
                         {&mount.target, &mount.source, &mount.from, &mount.id, &mount.env}) {
                        BERTH_TRY_ASSIGN(*field, expandWord(lex, env, *field));
                    }
                }
                return {};
            } else {
                return {};
            }
        },
        out.data);
    if (!expanded.ok())
        return Error{expanded.error().code, QStringLiteral("Dockerfile:%1: %2")
                                                .arg(instruction.startLine)
                                                .arg(expanded.error().message)};
    return out;
}

Environment builtinArgs(const QString &targetPlatform, const QString &buildPlatform)
{
    Environment env;
    const auto addPlatform = [&](const QString &prefix, const QString &platform) {
        const QStringList parts = platform.split(u'/');
        env.set(prefix + QStringLiteral("PLATFORM"), platform);
        env.set(prefix + QStringLiteral("OS"), parts.value(0));
        env.set(prefix + QStringLiteral("ARCH"), parts.value(1));
        env.set(prefix + QStringLiteral("VARIANT"), parts.value(2));
    };
    addPlatform(QStringLiteral("BUILD"), buildPlatform);
    addPlatform(QStringLiteral("TARGET"), targetPlatform);
    return env;
}

bool isProxyArg(const QString &name)
{
    static const QStringList proxies{QStringLiteral("HTTP_PROXY"),  QStringLiteral("http_proxy"),
                                     QStringLiteral("HTTPS_PROXY"), QStringLiteral("https_proxy"),
                                     QStringLiteral("FTP_PROXY"),   QStringLiteral("ftp_proxy"),
                                     QStringLiteral("NO_PROXY"),    QStringLiteral("no_proxy"),
                                     QStringLiteral("ALL_PROXY"),   QStringLiteral("all_proxy")};
    return proxies.contains(name);
}

Result<std::optional<QString>> stageArgValue(const ArgDeclaration &declaration,
                                             const QMap<QString, QString> &buildArgs,
                                             const Environment &globalArgs,
                                             const Environment &stageEnv, const ShellLex &lex)
{
    if (buildArgs.contains(declaration.name))
        return std::optional<QString>(buildArgs.value(declaration.name));
    if (declaration.value) {
        BERTH_TRY_ASSIGN(const QString value, lex.processWord(*declaration.value, stageEnv));
        return std::optional<QString>(value);
    }
    return globalArgs.value(declaration.name);
}

Result<QString> expandInlineFile(const InlineFile &file, const Environment &env)
{
    if (!file.expand)
        return file.content;
    ShellLex lex(u'\\');
    lex.setRawQuotes(true);
    lex.setRawEscapes(true);
    return lex.processWord(file.content, env);
}

Result<BuildPlan> planBuild(const StageList &list, const PlanOptions &options)
{
    BuildPlan plan;
    ShellLex lex;
    QSet<QString> consumed;

    // Global scope: the built-ins, then each meta ARG (a --build-arg wins over its default;
    // defaults may use the args declared before them).
    plan.globalArgs = builtinArgs(options.targetPlatform, options.buildPlatform);
    for (const ArgInstruction &arg : list.metaArgs) {
        for (const ArgDeclaration &decl : arg.args) {
            consumed << decl.name;
            if (options.buildArgs.contains(decl.name)) {
                plan.globalArgs.set(decl.name, options.buildArgs.value(decl.name));
            } else if (decl.value) {
                BERTH_TRY_ASSIGN(const QString value,
                                 lex.processWord(*decl.value, plan.globalArgs));
                plan.globalArgs.set(decl.name, value);
            }
        }
    }

    QMap<QString, int> byName;
    for (const Stage &stage : list.stages) {
        if (!stage.name.isEmpty())
            byName.insert(stage.name, stage.index);
    }
    // A --from / from= value names a stage (by name or index) or else an image.
    const auto stageFor = [&](const QString &ref) -> int {
        bool isNumber = false;
        const int index = ref.toInt(&isNumber);
        if (isNumber)
            return index >= 0 && index < list.stages.size() ? index : -1;
        return byName.value(ref.toLower(), -1);
    };

    QList<Environment> stageEnvs;
    QList<QSet<QString>> stageConsumed;
    for (const Stage &stage : list.stages) {
        QSet<QString> declared;
        PlannedStage planned;
        planned.index = stage.index;
        planned.name = stage.name;
        const QString located = QStringLiteral("Dockerfile:%1: ").arg(stage.startLine);
        auto base = lex.processWord(stage.from.image, plan.globalArgs);
        if (!base.ok())
            return invalid(located + base.error().message);
        planned.base = *base;
        if (planned.base.isEmpty())
            return invalid(located +
                           tr("base name (%1) should not be blank").arg(stage.from.image));
        auto platform = lex.processWord(stage.from.platform, plan.globalArgs);
        if (!platform.ok())
            return invalid(located + platform.error().message);
        planned.platform = *platform;

        Environment env;
        const int baseIndex = byName.value(planned.base.toLower(), -1);
        if (baseIndex >= 0 && baseIndex < stage.index) {
            planned.baseStage = baseIndex;
            planned.dependencies << baseIndex;
            env = stageEnvs[baseIndex];
        }
        // Walk the stage as the executor will, so --from values see the ENV and ARG
        // values in force where they appear.
        const auto addSource = [&](const QString &ref, int line) -> Status {
            if (ref.isEmpty())
                return {};
            const int index = stageFor(ref);
            if (index == stage.index)
                return invalid(QStringLiteral("Dockerfile:%1: ").arg(line) +
                               tr("circular dependency detected on stage: %1").arg(ref));
            if (index >= 0) {
                if (!planned.dependencies.contains(index))
                    planned.dependencies << index;
            } else if (!planned.images.contains(ref)) {
                planned.images << ref;
            }
            return {};
        };
        for (const Instruction &instruction : stage.instructions) {
            if (const auto *arg = instruction.as<ArgInstruction>()) {
                for (const ArgDeclaration &decl : arg->args) {
                    declared << decl.name;
                    auto value = stageArgValue(decl, options.buildArgs, plan.globalArgs, env, lex);
                    if (!value.ok())
                        return invalid(QStringLiteral("Dockerfile:%1: %2")
                                           .arg(instruction.startLine)
                                           .arg(value.error().message));
                    if (*value)
                        env.set(decl.name, **value);
                }
                continue;
            }
            if (instruction.as<EnvInstruction>() || instruction.as<CopyInstruction>() ||
                instruction.as<RunInstruction>()) {
                BERTH_TRY_ASSIGN(const Instruction expanded,
                                 expandInstruction(instruction, lex, env));
                if (const auto *envs = expanded.as<EnvInstruction>()) {
                    for (const KeyValue &pair : envs->vars)
                        env.set(pair.key, pair.value);
                } else if (const auto *copy = expanded.as<CopyInstruction>()) {
                    BERTH_TRY(addSource(copy->from, instruction.startLine));
                } else if (const auto *run = expanded.as<RunInstruction>()) {
                    for (const RunMount &mount : run->mounts)
                        BERTH_TRY(addSource(mount.from, instruction.startLine));
                }
            }
        }
        stageEnvs << env;
        stageConsumed << declared;
        plan.stages << planned;
    }

    plan.target = int(list.stages.size()) - 1;
    if (!options.target.isEmpty()) {
        plan.target = byName.value(options.target.toLower(), -1);
        if (plan.target < 0)
            return makeError(ErrorCode::NotFound,
                             tr("target stage %1 could not be found").arg(goQuote(options.target)));
    }

    // Depth-first from the target: dependencies first, each stage once, cycles refused.
    QList<int> state(plan.stages.size(), 0); // 0 new, 1 in progress, 2 done
    std::function<Status(int)> visit = [&](int index) -> Status {
        if (state[index] == 2)
            return {};
        if (state[index] == 1) {
            const QString name = plan.stages[index].name.isEmpty() ? QString::number(index)
                                                                   : plan.stages[index].name;
            return invalid(tr("circular dependency detected on stage: %1").arg(name));
        }
        state[index] = 1;
        QList<int> deps = plan.stages[index].dependencies;
        std::sort(deps.begin(), deps.end());
        for (int dep : deps)
            BERTH_TRY(visit(dep));
        state[index] = 2;
        plan.order << index;
        return {};
    };
    BERTH_TRY(visit(plan.target));
    for (int index : plan.order)
        consumed += stageConsumed[index];

    for (auto it = options.buildArgs.cbegin(); it != options.buildArgs.cend(); ++it) {
        if (!consumed.contains(it.key()) && !isProxyArg(it.key()) &&
            !plan.globalArgs.contains(it.key()))
            plan.unusedBuildArgs << it.key();
    }
    return plan;
}

} // namespace berth::build
