#include "Flags.h"

namespace berth::cli {

void FlagSet::addBool(const QString &name, QChar shorthand, bool *target, const QString &help)
{
    m_flags << Flag{name, shorthand, Bool, target, help, QString()};
}

void FlagSet::addString(const QString &name, QChar shorthand, QString *target, const QString &help,
                        const QString &valueName)
{
    m_flags << Flag{name, shorthand, String, target, help, valueName};
}

void FlagSet::addList(const QString &name, QChar shorthand, QStringList *target,
                      const QString &help, const QString &valueName)
{
    m_flags << Flag{name, shorthand, List, target, help, valueName};
}

const FlagSet::Flag *FlagSet::find(const QString &name) const
{
    for (const Flag &f : m_flags) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

const FlagSet::Flag *FlagSet::findShort(QChar c) const
{
    for (const Flag &f : m_flags) {
        if (!f.shorthand.isNull() && f.shorthand == c)
            return &f;
    }
    return nullptr;
}

bool FlagSet::set(const Flag &f, const QString &value, bool hasValue)
{
    m_set.insert(f.name);
    switch (f.kind) {
    case Bool: {
        bool v = true;
        if (hasValue) {
            const QString l = value.toLower();
            if (l == QLatin1String("true") || l == QLatin1String("1") || l == QLatin1String("t"))
                v = true;
            else if (l == QLatin1String("false") || l == QLatin1String("0") ||
                     l == QLatin1String("f"))
                v = false;
            else {
                m_error =
                    QStringLiteral("invalid argument \"%1\" for \"--%2\" flag: strconv.ParseBool: "
                                   "parsing \"%1\": invalid syntax")
                        .arg(value, f.name);
                return false;
            }
        }
        *static_cast<bool *>(f.target) = v;
        return true;
    }
    case String:
        *static_cast<QString *>(f.target) = value;
        return true;
    case List:
        static_cast<QStringList *>(f.target)->append(value);
        return true;
    }
    return false;
}

bool FlagSet::parse(const QStringList &args)
{
    m_positionals.clear();
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--")) {
            m_positionals << args.mid(i + 1);
            return true;
        }
        if (a.startsWith(QLatin1String("--")) && a.size() > 2) {
            const qsizetype eq = a.indexOf(QLatin1Char('='));
            const QString name = a.mid(2, eq < 0 ? -1 : eq - 2);
            if (name == QLatin1String("help")) {
                m_help = true;
                continue;
            }
            const Flag *f = find(name);
            if (!f) {
                m_error = QStringLiteral("unknown flag: --%1").arg(name);
                return false;
            }
            if (eq >= 0) {
                if (!set(*f, a.mid(eq + 1), true))
                    return false;
            } else if (f->kind == Bool) {
                set(*f, QString(), false);
            } else {
                if (i + 1 >= args.size()) {
                    m_error = QStringLiteral("flag needs an argument: --%1").arg(name);
                    return false;
                }
                set(*f, args.at(++i), true);
            }
            continue;
        }
        if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            for (qsizetype j = 1; j < a.size(); ++j) {
                const QChar c = a.at(j);
                if (c == QLatin1Char('h')) {
                    if (!findShort(c)) {
                        m_help = true;
                        continue;
                    }
                }
                const Flag *f = findShort(c);
                if (!f) {
                    m_error = QStringLiteral("unknown shorthand flag: '%1' in %2").arg(c).arg(a);
                    return false;
                }
                if (f->kind == Bool) {
                    if (j + 1 < a.size() && a.at(j + 1) == QLatin1Char('=')) {
                        if (!set(*f, a.mid(j + 2), true))
                            return false;
                        break;
                    }
                    set(*f, QString(), false);
                    continue;
                }
                QString value = a.mid(j + 1);
                if (value.startsWith(QLatin1Char('=')))
                    value = value.mid(1);
                if (value.isEmpty() && j + 1 >= a.size()) {
                    if (i + 1 >= args.size()) {
                        m_error = QStringLiteral("flag needs an argument: '%1' in -%1").arg(c);
                        return false;
                    }
                    value = args.at(++i);
                }
                set(*f, value, true);
                break;
            }
            continue;
        }
        m_positionals << a;
        if (!m_interspersed) {
            m_positionals << args.mid(i + 1);
            return true;
        }
    }
    return true;
}

QString FlagSet::optionsHelp() const
{
    QStringList left;
    for (const Flag &f : m_flags) {
        QString l = f.shorthand.isNull() ? QStringLiteral("      ")
                                         : QStringLiteral("  -%1, ").arg(f.shorthand);
        l += QStringLiteral("--") + f.name;
        if (f.kind != Bool)
            l += QLatin1Char(' ') + f.valueName;
        left << l;
    }
    qsizetype width = 0;
    for (const QString &l : left)
        width = std::max(width, l.size());
    QString out;
    for (qsizetype i = 0; i < m_flags.size(); ++i)
        out += left.at(i).leftJustified(width + 3) + m_flags.at(i).help + QLatin1Char('\n');
    return out;
}

} // namespace berth::cli
