// docker's --format handling: a Go template per row, an optional "table"
// prefix that adds a header and aligns columns the way docker's tabwriter
// does (min width 10, padding 3), and `\t` / `\n` in the format read as
// tab and newline.
#pragma once

#include "util/GoTemplate.h"
#include "util/Json.h"
#include "util/Result.h"

#include <QList>
#include <QMap>
#include <QTextStream>

#include <optional>

namespace berth::cli {

class RowFormatter
{
public:
    // format: the user's --format ("json" meaning {{json .}}) or the command's
    // default table format.
    // headers: field name -> column header ("ID" -> "IMAGE ID").
    RowFormatter(QString format, QMap<QString, QString> headers);
    Status addRow(const json::Value &row);
    // Writes header (table formats) and rows.
    Status write(QTextStream &out);

private:
    QString m_format;
    std::optional<Result<GoTemplate>> m_template; // parsed on first use
    bool m_table = false;
    QMap<QString, QString> m_headers;
    QStringList m_lines;
};

// A --format for one value (info, version, each event): "json" is short for
// {{json .}}, as docker reads it.
Result<GoTemplate> parseValueFormat(const QString &format);

// Go's text/tabwriter as docker configures it (minwidth 10, tabwidth 1, padding 3).
QString alignColumns(const QStringList &lines);

// Times and sizes as docker prints them.
QString createdSince(const QDateTime &t);    // "2 weeks ago"
QString createdAt(const QDateTime &t);       // "2026-11-23 07:30:00 +0000 UTC"
QString shortId(const QString &id);          // 12 hex digits
QString ellipsis(const QString &s, int max); // "…" when cut, as docker's stringutils.Ellipsis

} // namespace berth::cli
