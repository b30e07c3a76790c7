// Command-line flags the way docker's CLI (cobra/pflag) reads them, so every
// docker invocation in a tutorial parses the same with berth:
//   -a -q  ==  -aq        --format X  ==  --format=X       -H=false
//   --filter a=b --filter c=d  (repeatable)    --  ends flags
// Flags may come before, between or after positional arguments, unless the
// command stops at its first positional (docker run, exec).
#pragma once

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace berth::cli {

class FlagSet
{
public:
    void addBool(const QString &name, QChar shorthand, bool *target, const QString &help);
    void addString(const QString &name, QChar shorthand, QString *target, const QString &help,
                   const QString &valueName = QStringLiteral("string"));
    void addList(const QString &name, QChar shorthand, QStringList *target, const QString &help,
                 const QString &valueName = QStringLiteral("list"));
    // Stop reading flags at the first positional argument.
    void setInterspersed(bool interspersed) { m_interspersed = interspersed; }

    // Returns false with errorMessage() set (docker's wording) on a bad flag.
    bool parse(const QStringList &args);
    const QStringList &positionals() const { return m_positionals; }
    bool helpRequested() const { return m_help; }
    // Whether the flag was given at all (an empty --entrypoint "" resets).
    bool isSet(const QString &name) const { return m_set.contains(name); }
    QString errorMessage() const { return m_error; }
    // The "Options:" block of --help.
    QString optionsHelp() const;

private:
    enum Kind { Bool, String, List };
    struct Flag
    {
        QString name;
        QChar shorthand;
        Kind kind;
        void *target;
        QString help;
        QString valueName;
    };
    const Flag *find(const QString &name) const;
    const Flag *findShort(QChar c) const;
    bool set(const Flag &f, const QString &value, bool hasValue);

    QList<Flag> m_flags;
    QStringList m_positionals;
    QSet<QString> m_set;
    QString m_error;
    bool m_help = false;
    bool m_interspersed = true;
};

} // namespace berth::cli
