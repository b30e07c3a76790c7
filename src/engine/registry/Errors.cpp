// Registry error bodies (see Errors.h).
#include "registry/Errors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace berth::registry {

QList<RegistryError> parseRegistryErrors(const QByteArray &body)
{
    QList<RegistryError> out;
    const QJsonObject doc = QJsonDocument::fromJson(body).object();
    for (const QJsonValue &v : doc.value(QLatin1String("errors")).toArray()) {
        const QJsonObject o = v.toObject();
        RegistryError e{o.value(QLatin1String("code")).toString(),
                        o.value(QLatin1String("message")).toString()};
        if (!e.code.isEmpty() || !e.message.isEmpty())
            out << e;
    }
    return out;
}

QString describeRegistryErrors(const QList<RegistryError> &errors)
{
    QStringList parts;
    for (const RegistryError &e : errors) {
        const QString code = e.code.toLower().replace(QLatin1Char('_'), QLatin1Char(' '));
        if (code.isEmpty())
            parts << e.message;
        else if (e.message.isEmpty())
            parts << code;
        else
            parts << code + QStringLiteral(": ") + e.message;
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace berth::registry
