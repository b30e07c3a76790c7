// The entry point of berth-registry.so (see RegistryModule.h): the table of the
// facade functions that talk to registries, handed to the Engine that loaded it.
#include "RegistryModule.h"

#include <cstring>

namespace {

const berth::RegistryModule kModule{
    &berth::pullFromRegistry, &berth::remoteTagsFromRegistry, &berth::pushToRegistry,
    &berth::loginToRegistry,  &berth::logoutFromRegistry,     &berth::searchRegistries,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const berth::RegistryModule *
berth_registry_module(int abi, const char *version)
{
    if (abi != berth::kRegistryModuleAbi || std::strcmp(version, BERTH_VERSION) != 0)
        return nullptr;
    return &kModule;
}
