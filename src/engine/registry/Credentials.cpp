// Registry credentials in the keychain, the environment and docker's config (see Credentials.h).
#include "registry/Credentials.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QSet>
#include <QThread>
#include <QUrl>

#include <qt6keychain/keychain.h>

#include <chrono>
#include <cstdio>
#include <future>

namespace berth::registry {

namespace {

const QString KeychainService = QStringLiteral("berth");
// A keychain that waits for a user to unlock it is given this long.
constexpr auto KeychainTimeout = std::chrono::seconds(120);
constexpr int HelperTimeoutMs = 30000;

// Once per message and process: a pull asks for every registry it meets.
void warnOnce(const QString &message)
{
    static QMutex mutex;
    static QSet<QString> said;
    QMutexLocker lock(&mutex);
    if (said.contains(message))
        return;
    said.insert(message);
    std::fputs(qPrintable(message + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

// Whether the session has a bus a keychain could answer on; without one,
// libsecret would try to start a bus for every lookup.
bool sessionBusReachable()
{
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus"));
}

struct JobOutcome
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QString text; // a read job's data
};

// The thread every keychain job runs on (see Credentials.h for why).
class KeychainThread
{
public:
    KeychainThread()
    {
        m_thread.setObjectName(QStringLiteral("berth-keychain"));
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
        m_thread.start();
    }
    ~KeychainThread()
    {
        m_thread.quit();
        m_thread.wait();
    }

    // Runs the job made by `make` (in the keychain thread) and waits for it.
    Result<JobOutcome> run(const std::function<QKeychain::Job *()> &make)
    {
        auto promise = std::make_shared<std::promise<JobOutcome>>();
        std::future<JobOutcome> outcome = promise->get_future();
        QMetaObject::invokeMethod(
            m_context,
            [make, promise] {
                QKeychain::Job *job = make();
                job->setAutoDelete(false);
                // Never a plain-text file instead of the keychain.
                job->setInsecureFallback(false);
                QObject::connect(job, &QKeychain::Job::finished, job, [job, promise] {
                    JobOutcome o{job->error(), job->errorString(), {}};
                    if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(job))
                        o.text = read->textData();
                    promise->set_value(o);
                    job->deleteLater();
                });
                job->start();
            },
            Qt::QueuedConnection);
        if (outcome.wait_for(KeychainTimeout) != std::future_status::ready)
            return Error{ErrorCode::Network,
                         tr("the system keychain did not answer within %1 seconds")
                             .arg(std::chrono::seconds(KeychainTimeout).count())};
        return outcome.get();
    }

private:
    QThread m_thread;
    QObject *m_context = nullptr;
};

Result<JobOutcome> runKeychainJob(const std::function<QKeychain::Job *()> &make)
{
    if (!sessionBusReachable())
        return Error{ErrorCode::Unsupported,
                     tr("no system keychain is available: there is no D-Bus session bus "
                        "(DBUS_SESSION_BUS_ADDRESS is not set)")};
    static KeychainThread thread;
    return thread.run(make);
}

Error keychainError(const QString &what, const JobOutcome &o)
{
    const bool absent = o.error == QKeychain::NoBackendAvailable ||
                        o.error == QKeychain::NotImplemented || o.error == QKeychain::OtherError;
    const ErrorCode code =
        o.error == QKeychain::AccessDenied || o.error == QKeychain::AccessDeniedByUser
            ? ErrorCode::Permission
        : absent ? ErrorCode::Unsupported
                 : ErrorCode::Io;
    return Error{code, QStringLiteral("%1: %2").arg(what, o.errorString)};
}

std::optional<Credentials> environmentCredentials()
{
    const QString user = qEnvironmentVariable("BERTH_REGISTRY_USER");
    if (user.isEmpty())
        return std::nullopt;
    return Credentials{user, qEnvironmentVariable("BERTH_REGISTRY_PASSWORD")};
}

// `docker-credential-<helper> get`: the server on stdin, JSON out; a helper
// that has nothing says so and exits non-zero.
std::optional<Credentials> helperCredentials(const QString &helper, const QString &key)
{
    const QString program = QStringLiteral("docker-credential-") + helper;
    QProcess p;
    p.start(program, {QStringLiteral("get")});
    if (!p.waitForStarted()) {
        warnOnce(tr("WARNING: cannot run the docker credential helper %1: %2")
                     .arg(program, p.errorString()));
        return std::nullopt;
    }
    p.write(key.toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(HelperTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        warnOnce(tr("WARNING: the docker credential helper %1 did not answer within %2 seconds")
                     .arg(program)
                     .arg(HelperTimeoutMs / 1000));
        return std::nullopt;
    }
    const QByteArray out = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (!out.contains("credentials not found"))
            warnOnce(tr("WARNING: the docker credential helper %1 failed for %2: %3")
                         .arg(program, key, QString::fromUtf8(out.trimmed())));
        return std::nullopt;
    }
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    const QString user = o.value(QLatin1String("Username")).toString();
    // "<token>" marks an identity token for Docker Hub's OAuth flow, which a
    // registry's Basic or token authentication does not take.
    if (user.isEmpty() || user == QLatin1String("<token>"))
        return std::nullopt;
    return Credentials{user, o.value(QLatin1String("Secret")).toString()};
}

// The entry of an object keyed by a server: the key itself, else one that
// names the same host ("https://host/v2/" for "host").
QJsonValue entryFor(const QJsonObject &object, const QString &key)
{
    if (object.contains(key))
        return object.value(key);
    const QString host = serverHostname(key);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (serverHostname(it.key()) == host)
            return it.value();
    }
    return {};
}

} // namespace

QString dockerConfigPath()
{
    const QString dir = qEnvironmentVariable("DOCKER_CONFIG");
    return (dir.isEmpty() ? QDir::homePath() + QStringLiteral("/.docker") : dir) +
           QStringLiteral("/config.json");
}

std::optional<Credentials> dockerConfigCredentials(const QString &registry)
{
    const QString path = dockerConfigPath();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        warnOnce(
            tr("WARNING: Error loading config file: %1: %2").arg(path, parseError.errorString()));
        return std::nullopt;
    }
    const QJsonObject config = doc.object();
    const QString key = credentialsKey(registry);
    QString helper =
        entryFor(config.value(QLatin1String("credHelpers")).toObject(), key).toString();
    if (helper.isEmpty())
        helper = config.value(QLatin1String("credsStore")).toString();
    if (!helper.isEmpty()) {
        if (auto found = helperCredentials(helper, key))
            return found;
    }
    const QJsonObject auth =
        entryFor(config.value(QLatin1String("auths")).toObject(), key).toObject();
    const QByteArray decoded =
        QByteArray::fromBase64(auth.value(QLatin1String("auth")).toString().toLatin1());
    const qsizetype colon = decoded.indexOf(':');
    if (colon <= 0)
        return std::nullopt;
    warnOnce(tr("WARNING: using the credentials for %1 that %2 keeps in plain text; "
                "`berth login %1` keeps them in the system keychain instead")
                 .arg(registry, path));
    return Credentials{QString::fromUtf8(decoded.left(colon)),
                       QString::fromUtf8(decoded.mid(colon + 1))};
}

Result<std::optional<Credentials>> readKeychainCredentials(const QString &registry)
{
    const QString key = credentialsKey(registry);
    BERTH_TRY_ASSIGN(const JobOutcome o, runKeychainJob([key] {
                         auto *job = new QKeychain::ReadPasswordJob(KeychainService);
                         job->setKey(key);
                         return job;
                     }));
    if (o.error == QKeychain::EntryNotFound)
        return std::optional<Credentials>();
    if (o.error != QKeychain::NoError)
        return keychainError(
            tr("read the credentials for %1 from the system keychain").arg(registry), o);
    const QJsonObject entry = QJsonDocument::fromJson(o.text.toUtf8()).object();
    const QString user = entry.value(QLatin1String("Username")).toString();
    if (user.isEmpty())
        return Error{ErrorCode::Corrupt,
                     tr("read the credentials for %1 from the system keychain: the entry holds no "
                        "user name")
                         .arg(registry)};
    return std::optional<Credentials>(
        Credentials{user, entry.value(QLatin1String("Secret")).toString()});
}

Status storeKeychainCredentials(const QString &registry, const Credentials &credentials)
{
    const QString key = credentialsKey(registry);
    const QString text = QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("ServerURL"), key},
                                  {QStringLiteral("Username"), credentials.username},
                                  {QStringLiteral("Secret"), credentials.password}})
            .toJson(QJsonDocument::Compact));
    BERTH_TRY_ASSIGN(const JobOutcome o, runKeychainJob([key, text] {
                         auto *job = new QKeychain::WritePasswordJob(KeychainService);
                         job->setKey(key);
                         job->setTextData(text);
                         return job;
                     }));
    if (o.error != QKeychain::NoError)
        return keychainError(
            tr("store the credentials for %1 in the system keychain").arg(registry), o);
    return {};
}

Result<bool> eraseKeychainCredentials(const QString &registry)
{
    BERTH_TRY_ASSIGN(const std::optional<Credentials> existing, readKeychainCredentials(registry));
    if (!existing)
        return false;
    const QString key = credentialsKey(registry);
    BERTH_TRY_ASSIGN(const JobOutcome o, runKeychainJob([key] {
                         auto *job = new QKeychain::DeletePasswordJob(KeychainService);
                         job->setKey(key);
                         return job;
                     }));
    if (o.error != QKeychain::NoError && o.error != QKeychain::EntryNotFound)
        return keychainError(
            tr("remove the credentials for %1 from the system keychain").arg(registry), o);
    return true;
}

std::optional<Credentials> lookupCredentials(const QString &registry)
{
    if (auto fromEnvironment = environmentCredentials())
        return fromEnvironment;
    if (auto stored = readKeychainCredentials(registry); stored.ok() && *stored)
        return *stored;
    return dockerConfigCredentials(registry);
}

} // namespace berth::registry
