// docker's per-layer progress display (see LayerProgress.h).
#include "LayerProgress.h"

#include "util/Units.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace berth::cli {

QString progressText(qint64 current, qint64 total, int columns)
{
    if (total <= 0)
        return units::humanSize(current).rightJustified(8);
    const int percent = int(std::min<qint64>(50, current * 100 / total / 2));
    QString bar;
    if (columns > 110)
        bar = QStringLiteral("[%1>%2] ")
                  .arg(QString(percent, QLatin1Char('=')), QString(50 - percent, QLatin1Char(' ')));
    return bar + units::humanSize(current).rightJustified(8) + QLatin1Char('/') +
           units::humanSize(total);
}

LayerDisplay::LayerDisplay(QTextStream *out, int fd) : m_out(out), m_tty(out && ::isatty(fd))
{
    struct winsize ws = {};
    if (m_tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0)
        m_columns = ws.ws_col;
}

void LayerDisplay::message(const QString &text)
{
    if (!m_out)
        return;
    *m_out << text << '\n';
    m_out->flush();
}

void LayerDisplay::layer(const QString &id, const QString &step, bool progress, qint64 current,
                         qint64 total)
{
    if (!m_out)
        return;
    QString text = id + QStringLiteral(": ") + step;
    if (progress) {
        if (!m_tty)
            return;
        text += QLatin1Char(' ') + progressText(current, total, m_columns);
    }
    const qsizetype line = m_ids.indexOf(id);
    if (!m_tty || line < 0) {
        if (m_tty)
            m_ids << id;
        *m_out << text << '\n';
    } else {
        const qsizetype up = m_ids.size() - line;
        *m_out << "\x1b[" << up << "A\r\x1b[2K" << text << "\x1b[" << up << "B\r";
    }
    m_out->flush();
}

} // namespace berth::cli
