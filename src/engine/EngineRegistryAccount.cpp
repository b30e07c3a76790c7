// Registry accounts and search for the CLI and the GUI, in the registry module
// (RegistryModule.h): login checks credentials before the keychain keeps them.
#include "RegistryModule.h"

#include "registry/Client.h"
#include "registry/Credentials.h"
#include "registry/Settings.h"

namespace berth {

Status loginToRegistry(const QString &server, const registry::Credentials &credentials,
                       const Progress &progress)
{
    const QString domain = registry::registryOfServer(server);
    // A keychain that is not there (or cannot keep anything) is said plainly,
    // with the way to go without one.
    const auto noKeychain = [&](const Error &why) {
        return Error{ErrorCode::Unsupported,
                     tr("cannot keep the credentials for %1: %2. Berth does not write passwords "
                        "to disk; give them per command instead, e.g. "
                        "BERTH_REGISTRY_USER=<user> BERTH_REGISTRY_PASSWORD=\"$(cat <file>)\" "
                        "berth pull ...")
                         .arg(domain, why.message)};
    };
    // Asked first, so that the password is not sent anywhere when it could
    // not be kept.
    auto keychain = registry::readKeychainCredentials(domain);
    if (!keychain.ok() && keychain.error().code == ErrorCode::Unsupported)
        return noKeychain(keychain.error());
    BERTH_TRY_ASSIGN(const registry::Settings settings, registry::Settings::load());
    registry::ClientOptions options = settings.clientOptions();
    // The credentials being checked, not the ones a lookup would find.
    options.credentials = nullptr;
    registry::Client client(options);
    BERTH_TRY(client.login(domain, credentials, progress));
    const Status stored = registry::storeKeychainCredentials(domain, credentials);
    if (!stored.ok() && stored.error().code == ErrorCode::Unsupported)
        return noKeychain(stored.error());
    return stored;
}

Result<bool> logoutFromRegistry(const QString &server)
{
    return registry::eraseKeychainCredentials(registry::registryOfServer(server));
}

Result<QList<registry::SearchResult>> searchRegistries(const QString &term, int limit,
                                                       const Progress &progress)
{
    BERTH_TRY_ASSIGN(const registry::Settings settings, registry::Settings::load());
    return registry::search(settings, term, limit, progress);
}

} // namespace berth
