// Per-layer progress lines as docker draws them, shared by pull and push:
//   a3ed95caeb02: Downloading [=====>          ]  1.234MB/4.56MB
//   5f70bf18a086: Pushed
// On a terminal each layer keeps one line that its later steps overwrite
// (cursor moves, like docker's jsonmessage display); into a pipe every step is
// a line of its own and progress steps are left out.
#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace berth::cli {

// docker's progress text: "[=====>        ]  1.234MB/4.56MB", the bar only
// when the terminal is wider than 110 columns.
QString progressText(qint64 current, qint64 total, int columns);

class LayerDisplay
{
public:
    // Nothing is printed when out is null; fd tells whether out is a terminal.
    LayerDisplay(QTextStream *out, int fd);

    // A line of its own ("Digest: ...").
    void message(const QString &text);
    // "<id>: <step>"; with progress, the bar and byte counts follow (terminal only).
    void layer(const QString &id, const QString &step, bool progress = false, qint64 current = 0,
               qint64 total = 0);

private:
    QTextStream *m_out;
    bool m_tty;
    int m_columns = 80;
    QStringList m_ids;
};

} // namespace berth::cli
