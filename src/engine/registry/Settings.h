// The registry settings file, docker's daemon.json keys in Berth's own file
// (docs/settings.md):
//   {
//     "registry-mirrors": ["https://mirror.example.com"],
//     "insecure-registries": ["myregistry:5000", "10.0.0.0/8"],
//     "max-concurrent-downloads": 3,
//     "max-concurrent-uploads": 5,
//     "proxies": {"http-proxy": "...", "https-proxy": "...", "no-proxy": "..."},
//     "search-index": "https://index.docker.io"
//   }
// Read from <configDir>/settings.json (Endpoint.h: $BERTH_CONFIG, else
// $XDG_CONFIG_HOME/berth, else ~/.config/berth), or, when the user has none,
// /etc/berth/settings.json, so an administrator can set mirrors and proxies
// for every user; no file means every default. Unknown keys are errors, as
// docker's daemon refuses them, so a typo does not silently do nothing.
#pragma once

#include "registry/Client.h"
#include "registry/Proxy.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <QUrl>

namespace berth::registry {

struct Settings
{
    QString path; // the file read; empty when there was none
    // Tried in order for docker.io before Docker Hub itself: "https://host[:port]".
    QStringList registryMirrors;
    // The file's entries after docker's defaults (127.0.0.0/8).
    QStringList insecureRegistries = defaultInsecureRegistries();
    int maxConcurrentDownloads = 3;
    int maxConcurrentUploads = 5;
    ProxySettings proxies; // the file's; clientOptions() adds the environment's
    // Where `search` asks Docker Hub's search API (GET <index>/v1/search).
    QUrl searchIndex = QUrl(QStringLiteral("https://index.docker.io"));

    static QString userPath();   // <configDir>/settings.json
    static QString systemPath(); // /etc/berth/settings.json
    // The user's file, else the system's, else the defaults. An unreadable or
    // invalid file is an error naming the file, the key and what is wrong.
    static Result<Settings> load();
    static Result<Settings> parse(const QByteArray &json, const QString &path);

    // A client that uses these settings and looks credentials up per
    // registry (Credentials.h).
    ClientOptions clientOptions() const;
};

} // namespace berth::registry
