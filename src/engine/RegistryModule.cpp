#include "RegistryModule.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <dlfcn.h>
#include <mutex>

namespace berth {

namespace {

struct Loaded
{
    const RegistryModule *module = nullptr;
    QString error;
};

Loaded load()
{
    const QString dir = QCoreApplication::applicationDirPath();
    QStringList tried;
    QString reason;
    for (const QString &candidate : {dir + QStringLiteral("/berth-registry.so"),
                                     dir + QStringLiteral("/../lib/berth/berth-registry.so"),
                                     QString::fromUtf8(BERTH_REGISTRY_MODULE_BUILD_PATH)}) {
        if (tried.contains(candidate) || !QFileInfo::exists(candidate))
            continue;
        tried << candidate;
        // RTLD_NOW: a missing symbol is reported here, not as a crash mid-pull.
        void *handle = dlopen(QFile::encodeName(candidate).constData(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            reason = QString::fromLocal8Bit(dlerror());
            continue;
        }
        auto entry = reinterpret_cast<RegistryModuleEntry>(dlsym(handle, kRegistryModuleEntry));
        const RegistryModule *module = entry ? entry(kRegistryModuleAbi, BERTH_VERSION) : nullptr;
        if (module)
            return {module, {}};
        reason = tr("%1 is from another build of Berth").arg(candidate);
        dlclose(handle);
    }
    if (tried.isEmpty())
        return {nullptr, tr("load the registry module: berth-registry.so is not installed next to "
                            "%1 or in %2")
                             .arg(dir, QDir::cleanPath(dir + QStringLiteral("/../lib/berth")))};
    return {nullptr,
            tr("load the registry module %1: %2").arg(tried.join(QStringLiteral(", ")), reason)};
}

} // namespace

Result<const RegistryModule *> registryModule()
{
    static std::once_flag once;
    static Loaded loaded;
    std::call_once(once, [] { loaded = load(); });
    if (!loaded.module)
        return Error(ErrorCode::Internal, loaded.error);
    return loaded.module;
}

Result<PullReport> Engine::pull(const QString &reference, const PullOptions &options)
{
    BERTH_TRY_ASSIGN(const RegistryModule *module, registryModule());
    return module->pull(*this, reference, options);
}

Result<PushReport> Engine::push(const QString &reference, const PushOptions &options)
{
    BERTH_TRY_ASSIGN(const RegistryModule *module, registryModule());
    return module->push(*this, reference, options);
}

Result<QStringList> Engine::remoteTags(const QString &repository, const PullOptions &options)
{
    BERTH_TRY_ASSIGN(const RegistryModule *module, registryModule());
    return module->remoteTags(*this, repository, options);
}

} // namespace berth
