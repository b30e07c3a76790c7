// Registry credentials: where they are kept and how a registry's are found.
//
// `berth login` keeps them in the system keychain (Secret Service or KWallet,
// through QtKeychain), never in a file: one entry per registry under the
// service "berth", keyed as docker keys them ("https://index.docker.io/v1/"
// for Docker Hub, else "host[:port]"), holding {"Username": ..., "Secret": ...}.
//
// A registry's credentials, first found wins:
//   1. BERTH_REGISTRY_USER / BERTH_REGISTRY_PASSWORD: for scripts and CI, used
//      for whichever registry is asked (no keychain needed);
//   2. Berth's keychain entry for the registry;
//   3. docker's config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json):
//      the helper credHelpers[key] names, else credsStore's, run as docker runs
//      them (`docker-credential-<name> get`, the key on stdin, JSON out); then
//      auths[key].auth (base64 "user:password"), with a warning on stderr that
//      docker keeps it in plain text.
// A keychain that is not there (no D-Bus session, no Secret Service) or a
// helper that fails is skipped, so a pull without credentials still works.
//
// Keychain jobs run on one thread of their own with its event loop, whatever
// thread asks: QtKeychain's jobs are asynchronous and its job queue belongs to
// the thread that first used it.
#pragma once

#include "util/Result.h"

#include <QString>

#include <optional>

namespace berth::registry {

struct Credentials
{
    QString username;
    QString password;
};

// Inline, like Credentials itself: the CLI names registries with them without
// linking the registry library (RegistryModule.h).

// "https://host:5000/v2/" -> "host:5000" (docker's ConvertToHostname).
inline QString serverHostname(QString server)
{
    for (const QLatin1String scheme : {QLatin1String("https://"), QLatin1String("http://")}) {
        if (server.startsWith(scheme))
            server.remove(0, scheme.size());
    }
    return server.section(QLatin1Char('/'), 0, 0);
}

// docker's key for a registry's credentials: "https://index.docker.io/v1/" for
// docker.io, else the registry as references name it ("host[:port]").
inline QString credentialsKey(const QString &registry)
{
    return registry == QLatin1String("docker.io") ? QStringLiteral("https://index.docker.io/v1/")
                                                  : registry;
}

// The registry a `login`/`logout` SERVER argument names, as references name it:
// empty, "docker.io", "index.docker.io", "https://index.docker.io/v1/" ->
// "docker.io"; "https://host:5000/v2/" -> "host:5000".
inline QString registryOfServer(const QString &server)
{
    const QString host = serverHostname(server.trimmed());
    if (host.isEmpty() || host == QLatin1String("docker.io") ||
        host == QLatin1String("index.docker.io") || host == QLatin1String("registry-1.docker.io"))
        return QStringLiteral("docker.io");
    return host;
}

// The full lookup above; nullopt when no source has any.
std::optional<Credentials> lookupCredentials(const QString &registry);

// The keychain alone. Errors name the keychain and why it failed; an absent
// keychain is ErrorCode::Unsupported.
Result<std::optional<Credentials>> readKeychainCredentials(const QString &registry);
Status storeKeychainCredentials(const QString &registry, const Credentials &credentials);
// False when the keychain held nothing for the registry.
Result<bool> eraseKeychainCredentials(const QString &registry);

// docker's config.json as this lookup reads it (step 3 alone).
QString dockerConfigPath();
std::optional<Credentials> dockerConfigCredentials(const QString &registry);

} // namespace berth::registry
