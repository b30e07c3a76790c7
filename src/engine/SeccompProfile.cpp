// docker's seccomp profile format, read into runtime::Seccomp (see SeccompProfile.h).
#include "SeccompProfile.h"

#include "runtime/Capabilities.h"
#include "runtime/SeccompFilter.h"
#include "util/Json.h"

#include <cerrno>

namespace berth {

namespace {

Error decodingFailed(const QString &detail)
{
    return makeError(ErrorCode::InvalidArgument,
                     tr("Decoding seccomp profile failed: %1").arg(detail));
}

// A member by name. Go's encoding/json, which reads docker's profiles, matches
// member names case-insensitively when no exact match exists; null is as absent.
const json::Value &member(const json::Value &object, const QString &name)
{
    if (object.contains(name))
        return object.value(name);
    for (const QString &key : object.keys()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return object.value(key);
    }
    return object.value(name);
}

Result<QString> stringAt(const json::Value &value, const QString &where)
{
    if (value.isNull())
        return QString();
    if (!value.isString())
        return decodingFailed(tr("%1 is not a string").arg(where));
    return value.toString();
}

Result<QStringList> stringsAt(const json::Value &value, const QString &where)
{
    QStringList out;
    if (value.isNull())
        return out;
    if (!value.isArray())
        return decodingFailed(tr("%1 is not an array").arg(where));
    for (qsizetype i = 0; i < value.size(); ++i) {
        BERTH_TRY_ASSIGN(const QString s,
                         stringAt(value.at(i), QStringLiteral("%1[%2]").arg(where).arg(i)));
        out << s;
    }
    return out;
}

// An unsigned integer read from its source text, so values above 2^53 (masks)
// stay exact.
Result<quint64> unsignedAt(const json::Value &value, const QString &where)
{
    if (value.isNull())
        return quint64(0);
    bool ok = false;
    const quint64 n = value.isInteger() ? value.numberText().toULongLong(&ok) : 0;
    if (!ok)
        return decodingFailed(tr("%1 is not an unsigned integer").arg(where));
    return n;
}

Result<bool> kernelAtLeast(const QString &release, const QString &where)
{
    const std::optional<bool> atLeast = runtime::kernelAtLeast(release.toStdString());
    if (!atLeast)
        return decodingFailed(tr("%1: \"%2\" is not a kernel version").arg(where, release));
    return *atLeast;
}

bool hasCapability(uint64_t capabilities, const QString &name)
{
    const std::optional<int> cap = runtime::capabilityFromName(name.toStdString());
    return cap && ((capabilities >> *cap) & 1);
}

// Whether the rule's includes hold and none of its excludes does, in docker's
// order (excludes first).
Result<bool> ruleApplies(const json::Value &call, uint64_t capabilities, const QString &where)
{
    const QString native = QString::fromLatin1(runtime::seccompNativeArch());
    const json::Value &excludes = member(call, QStringLiteral("excludes"));
    const json::Value &includes = member(call, QStringLiteral("includes"));
    for (const json::Value *part : {&excludes, &includes}) {
        if (!part->isNull() && !part->isObject())
            return decodingFailed(
                tr("%1 is not an object")
                    .arg(where + (part == &excludes ? QStringLiteral(".excludes")
                                                    : QStringLiteral(".includes"))));
    }

    const QString ex = where + QStringLiteral(".excludes");
    BERTH_TRY_ASSIGN(
        const QStringList exArches,
        stringsAt(member(excludes, QStringLiteral("arches")), ex + QStringLiteral(".arches")));
    if (exArches.contains(native))
        return false;
    BERTH_TRY_ASSIGN(const QStringList exCaps, stringsAt(member(excludes, QStringLiteral("caps")),
                                                         ex + QStringLiteral(".caps")));
    for (const QString &cap : exCaps) {
        if (hasCapability(capabilities, cap))
            return false;
    }
    BERTH_TRY_ASSIGN(const QString exKernel, stringAt(member(excludes, QStringLiteral("minKernel")),
                                                      ex + QStringLiteral(".minKernel")));
    if (!exKernel.isEmpty()) {
        BERTH_TRY_ASSIGN(const bool newer,
                         kernelAtLeast(exKernel, ex + QStringLiteral(".minKernel")));
        if (newer)
            return false;
    }

    const QString in = where + QStringLiteral(".includes");
    BERTH_TRY_ASSIGN(
        const QStringList inArches,
        stringsAt(member(includes, QStringLiteral("arches")), in + QStringLiteral(".arches")));
    if (!inArches.isEmpty() && !inArches.contains(native))
        return false;
    BERTH_TRY_ASSIGN(const QStringList inCaps, stringsAt(member(includes, QStringLiteral("caps")),
                                                         in + QStringLiteral(".caps")));
    for (const QString &cap : inCaps) {
        if (!hasCapability(capabilities, cap))
            return false;
    }
    BERTH_TRY_ASSIGN(const QString inKernel, stringAt(member(includes, QStringLiteral("minKernel")),
                                                      in + QStringLiteral(".minKernel")));
    if (!inKernel.isEmpty())
        return kernelAtLeast(inKernel, in + QStringLiteral(".minKernel"));
    return true;
}

Result<std::string> actionAt(const json::Value &value, const QString &where)
{
    BERTH_TRY_ASSIGN(const QString action, stringAt(value, where));
    if (!runtime::isSeccompAction(action.toStdString()))
        return decodingFailed(tr("%1: unknown action \"%2\"").arg(where, action));
    return action.toStdString();
}

Result<std::vector<runtime::SeccompArg>> argsAt(const json::Value &value, const QString &where)
{
    std::vector<runtime::SeccompArg> args;
    if (value.isNull())
        return args;
    if (!value.isArray())
        return decodingFailed(tr("%1 is not an array").arg(where));
    for (qsizetype i = 0; i < value.size(); ++i) {
        const json::Value &arg = value.at(i);
        const QString at = QStringLiteral("%1[%2]").arg(where).arg(i);
        if (!arg.isObject())
            return decodingFailed(tr("%1 is not an object").arg(at));
        runtime::SeccompArg out;
        BERTH_TRY_ASSIGN(const quint64 index, unsignedAt(member(arg, QStringLiteral("index")),
                                                         at + QStringLiteral(".index")));
        // Syscalls take at most six arguments.
        if (index > 5)
            return decodingFailed(
                tr("%1: argument index %2 is out of range (0 to 5)").arg(at).arg(index));
        out.index = unsigned(index);
        BERTH_TRY_ASSIGN(out.value, unsignedAt(member(arg, QStringLiteral("value")),
                                               at + QStringLiteral(".value")));
        BERTH_TRY_ASSIGN(out.valueTwo, unsignedAt(member(arg, QStringLiteral("valueTwo")),
                                                  at + QStringLiteral(".valueTwo")));
        BERTH_TRY_ASSIGN(const QString op,
                         stringAt(member(arg, QStringLiteral("op")), at + QStringLiteral(".op")));
        if (!runtime::isSeccompOperator(op.toStdString()))
            return decodingFailed(
                tr("%1: unknown comparison \"%2\"").arg(at + QStringLiteral(".op"), op));
        out.op = op.toStdString();
        args.push_back(std::move(out));
    }
    return args;
}

} // namespace

Result<runtime::Seccomp> parseSeccompProfile(const QByteArray &json, uint64_t capabilities)
{
    const Result<json::Value> parsed = json::Value::parse(json);
    if (!parsed)
        return decodingFailed(parsed.error().message);
    const json::Value &root = *parsed;
    if (!root.isObject())
        return decodingFailed(tr("%1 is not an object").arg(QStringLiteral("profile")));

    runtime::Seccomp profile;
    BERTH_TRY_ASSIGN(
        const QString defaultAction,
        stringAt(member(root, QStringLiteral("defaultAction")), QStringLiteral("defaultAction")));
    const json::Value &syscalls = member(root, QStringLiteral("syscalls"));
    if (!syscalls.isNull() && !syscalls.isArray())
        return decodingFailed(tr("%1 is not an array").arg(QStringLiteral("syscalls")));
    if (defaultAction.isEmpty() && syscalls.isEmpty())
        return profile;

    BERTH_TRY_ASSIGN(profile.defaultAction, actionAt(member(root, QStringLiteral("defaultAction")),
                                                     QStringLiteral("defaultAction")));
    BERTH_TRY_ASSIGN(const quint64 defaultErrno,
                     unsignedAt(member(root, QStringLiteral("defaultErrnoRet")),
                                QStringLiteral("defaultErrnoRet")));
    profile.defaultErrnoRet = int(defaultErrno);

    BERTH_TRY_ASSIGN(
        const QStringList architectures,
        stringsAt(member(root, QStringLiteral("architectures")), QStringLiteral("architectures")));
    const json::Value &archMap = member(root, QStringLiteral("archMap"));
    if (!archMap.isNull() && !archMap.isArray())
        return decodingFailed(tr("%1 is not an array").arg(QStringLiteral("archMap")));
    if (!architectures.isEmpty() && !archMap.isEmpty())
        return decodingFailed(
            tr("'architectures' and 'archMap' were specified in the seccomp profile, "
               "use either 'architectures' or 'archMap'"));

    for (qsizetype i = 0; i < syscalls.size(); ++i) {
        const json::Value &call = syscalls.at(i);
        const QString at = QStringLiteral("syscalls[%1]").arg(i);
        if (!call.isObject())
            return decodingFailed(tr("%1 is not an object").arg(at));
        BERTH_TRY_ASSIGN(const bool applies, ruleApplies(call, capabilities, at));
        if (!applies)
            continue;

        BERTH_TRY_ASSIGN(const QString name, stringAt(member(call, QStringLiteral("name")),
                                                      at + QStringLiteral(".name")));
        BERTH_TRY_ASSIGN(const QStringList names, stringsAt(member(call, QStringLiteral("names")),
                                                            at + QStringLiteral(".names")));
        if (!name.isEmpty() && !names.isEmpty())
            return decodingFailed(tr("'name' and 'names' were specified in the seccomp profile, "
                                     "use either 'name' or 'names'"));
        runtime::SeccompRule rule;
        for (const QString &n : name.isEmpty() ? names : QStringList{name})
            rule.names.push_back(n.toStdString());
        BERTH_TRY_ASSIGN(rule.action, actionAt(member(call, QStringLiteral("action")),
                                               at + QStringLiteral(".action")));
        BERTH_TRY_ASSIGN(
            const quint64 errnoRet,
            unsignedAt(member(call, QStringLiteral("errnoRet")), at + QStringLiteral(".errnoRet")));
        rule.errnoRet = int(errnoRet);
        BERTH_TRY_ASSIGN(
            rule.args, argsAt(member(call, QStringLiteral("args")), at + QStringLiteral(".args")));
        profile.rules.push_back(std::move(rule));
    }
    profile.enabled = true;
    return profile;
}

} // namespace berth
