// The facade's registry half (pull, and everything else that talks to a
// registry) is built as a module, berth-registry.so, loaded the first time a
// command needs it. QtNetwork and what it brings (Kerberos, libproxy, brotli,
// D-Bus for the keychain) then cost nothing to the commands that never reach a
// registry: `run`, `ps`, `images` load about fifteen fewer libraries at start.
// The executables export their symbols (ENABLE_EXPORTS), so the module's calls
// into the engine reach the executable's own copy of it.
#pragma once

#include "Engine.h"
#include "registry/Search.h"

namespace berth {

// What the module implements; the Engine's methods of the same names forward
// here. The module checks `abi` against its own and answers null on a mismatch.
struct RegistryModule
{
    Result<PullReport> (*pull)(Engine &, const QString &reference, const PullOptions &);
    Result<QStringList> (*remoteTags)(Engine &, const QString &repository, const PullOptions &);
    Result<PushReport> (*push)(Engine &, const QString &reference, const PushOptions &);
    // Accounts and search need no store (EngineRegistryAccount.cpp).
    Status (*login)(const QString &server, const registry::Credentials &, const Progress &);
    Result<bool> (*logout)(const QString &server);
    Result<QList<registry::SearchResult>> (*search)(const QString &term, int limit,
                                                    const Progress &);
};

// Changes whenever RegistryModule or the option/report types it passes change.
inline constexpr int kRegistryModuleAbi = 3;

// The module's entry point, `extern "C"` so dlsym finds it by this name.
inline constexpr const char kRegistryModuleEntry[] = "berth_registry_module";
using RegistryModuleEntry = const RegistryModule *(*)(int abi, const char *version);

// Loads the module once per process (next to the executable, in
// ../lib/berth, or in this build's tree) and returns its functions; an error
// names the paths tried and dlopen's reason.
Result<const RegistryModule *> registryModule();

// The module's side (EnginePull.cpp and the other Engine files built into it).
Result<PullReport> pullFromRegistry(Engine &engine, const QString &reference,
                                    const PullOptions &options);
Result<QStringList> remoteTagsFromRegistry(Engine &engine, const QString &repository,
                                           const PullOptions &options);
// EnginePush.cpp.
Result<PushReport> pushToRegistry(Engine &engine, const QString &reference,
                                  const PushOptions &options);
// `login`: checks the credentials against the registry SERVER names (empty:
// Docker Hub), then keeps them in the system keychain; nothing is kept when
// the registry refuses them or there is no keychain (ErrorCode::Unsupported,
// saying how to give credentials per command instead).
Status loginToRegistry(const QString &server, const registry::Credentials &credentials,
                       const Progress &progress);
// `logout`: false when the keychain held nothing for it.
Result<bool> logoutFromRegistry(const QString &server);
// `search` (registry/Search.h) with the settings file's index and proxies.
Result<QList<registry::SearchResult>> searchRegistries(const QString &term, int limit,
                                                       const Progress &progress);

} // namespace berth
