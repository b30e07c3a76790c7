#include "Format.h"

#include "util/GoTemplate.h"
#include "util/Units.h"

#include <QTimeZone>

namespace berth::cli {

namespace {

// docker's --format shorthand: "json" is {{json .}}.
QString expandJsonShorthand(const QString &format)
{
    return format == QLatin1String("json") ? QStringLiteral("{{json .}}") : format;
}

} // namespace

Result<GoTemplate> parseValueFormat(const QString &format)
{
    return GoTemplate::parse(expandJsonShorthand(format));
}

RowFormatter::RowFormatter(QString format, QMap<QString, QString> headers)
    : m_headers(std::move(headers))
{
    format = expandJsonShorthand(format);
    if (format.startsWith(QLatin1String("table"))) {
        m_table = true;
        format = format.mid(5);
    }
    format = format.trimmed();
    format.replace(QLatin1String("\\t"), QLatin1String("\t"));
    format.replace(QLatin1String("\\n"), QLatin1String("\n"));
    m_format = format;
}

Status RowFormatter::addRow(const json::Value &row)
{
    if (!m_template)
        m_template = GoTemplate::parse(m_format);
    if (!m_template->ok())
        return m_template->error();
    BERTH_TRY_ASSIGN(const QString text, m_template->value().execute(row));
    m_lines << text;
    return {};
}

Status RowFormatter::write(QTextStream &out)
{
    if (!m_table) {
        for (const QString &l : m_lines)
            out << l << '\n';
        out.flush();
        return {};
    }
    QStringList lines;
    if (!m_format.isEmpty()) {
        json::Value header = json::Value::object();
        for (auto it = m_headers.begin(); it != m_headers.end(); ++it)
            header.insert(it.key(), json::Value(it.value()));
        BERTH_TRY_ASSIGN(const GoTemplate tmpl, GoTemplate::parse(m_format));
        BERTH_TRY_ASSIGN(const QString text, tmpl.execute(header));
        lines << text;
    }
    lines << m_lines;
    out << alignColumns(lines);
    out.flush();
    return {};
}

QString alignColumns(const QStringList &lines)
{
    QList<QStringList> cells;
    QList<qsizetype> widths;
    for (const QString &l : lines) {
        for (const QString &sub : l.split(QLatin1Char('\n'))) {
            const QStringList c = sub.split(QLatin1Char('\t'));
            for (qsizetype i = 0; i + 1 < c.size(); ++i) {
                if (widths.size() <= i)
                    widths << 0;
                widths[i] = std::max(widths[i], c.at(i).size() + 3);
            }
            cells << c;
        }
    }
    for (qsizetype &w : widths)
        w = std::max<qsizetype>(w, 10);
    QString out;
    for (const QStringList &c : cells) {
        for (qsizetype i = 0; i < c.size(); ++i) {
            if (i + 1 < c.size())
                out += c.at(i).leftJustified(widths.at(i));
            else
                out += c.at(i);
        }
        out += QLatin1Char('\n');
    }
    return out;
}

QString createdSince(const QDateTime &t)
{
    if (!t.isValid())
        return QStringLiteral("N/A");
    const qint64 secs = std::max<qint64>(0, t.secsTo(QDateTime::currentDateTimeUtc()));
    return units::humanDuration(secs) + QStringLiteral(" ago");
}

QString createdAt(const QDateTime &t)
{
    // Looked up once: Qt reads /etc/TZ, /etc/timezone and /etc/localtime on every
    // lookup, which was most of `berth images` with 1,000 images.
    static const QTimeZone tz = QTimeZone::systemTimeZone();
    const QDateTime local = t.toTimeZone(tz);
    const int off = tz.offsetFromUtc(local);
    const QString offset = QStringLiteral("%1%2%3")
                               .arg(off < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                               .arg(std::abs(off) / 3600, 2, 10, QLatin1Char('0'))
                               .arg((std::abs(off) % 3600) / 60, 2, 10, QLatin1Char('0'));
    QString abbr = tz.abbreviation(local);
    if (abbr.isEmpty() || abbr.startsWith(QLatin1String("UTC")) ||
        abbr.startsWith(QLatin1String("GMT")))
        abbr = off == 0 ? QStringLiteral("UTC") : offset;
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + offset + QLatin1Char(' ') +
           abbr;
}

QString shortId(const QString &id)
{
    QString h = id;
    if (h.startsWith(QLatin1String("sha256:")))
        h = h.mid(7);
    return h.left(12);
}

QString ellipsis(const QString &s, int max)
{
    if (s.size() <= max)
        return s;
    return s.left(max - 1) + QChar(0x2026);
}

} // namespace berth::cli
