// Where a registry named in a reference is reached, and how securely.
//
// "docker.io" is served at registry-1.docker.io; every other name is the host
// (and port) to connect to. The scheme is https with the certificate verified
// against the system's CAs plus those in docker's certs.d layout:
//   <dir>/<host:port>/*.crt   for each dir in ClientOptions::certsDirs
//                             (<config>/certs.d, then /etc/docker/certs.d)
// A registry is insecure when its name is listed as such or its address falls
// in an insecure CIDR; 127.0.0.0/8 always is, as docker treats it. For those,
// as docker does, https is tried without verifying the certificate and, when
// that fails to connect, plain http.
// A registry mirror is named by its URL ("https://host[:port]"): that scheme
// only, verified unless the host is insecure.
// Client certificates come from the same directories, as docker reads them:
//   <dir>/<host:port>/<name>.cert + <name>.key
#pragma once

#include "util/Result.h"

#include <QList>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace berth::registry {

struct Endpoint
{
    QString name;          // as references spell it: "docker.io", "[::1]:5000"
    QString host;          // what to connect to: "registry-1.docker.io", "[::1]:5000"
    bool insecure = false; // TLS unverified, then plain http
    QUrl base;             // a mirror's URL: the only base tried
    // https://host, then http://host when insecure: the order to try them in.
    QList<QUrl> bases() const;
};

// The configuration directory: $BERTH_CONFIG, else $XDG_CONFIG_HOME/berth,
// else ~/.config/berth (docker's DOCKER_CONFIG / ~/.docker).
QString configDir();
// <configDir>/certs.d and /etc/docker/certs.d.
QStringList defaultCertsDirs();
// What docker always treats as insecure.
QStringList defaultInsecureRegistries();

// The endpoint for a reference's domain, or for a mirror's URL. insecureRegistries holds names
// ("host:port") and CIDRs ("10.0.0.0/8"); a host name is resolved to find out
// whether one of its addresses is in such a range (docker's rule).
Endpoint resolveEndpoint(const QString &domain, const QStringList &insecureRegistries);

// TLS settings for connecting to host ("name" or "name:port"): the system's
// CAs plus every *.crt under <dir>/<host> of certsDirs; no verification when
// insecure; the first <name>.cert with its <name>.key there as the client
// certificate (insecure or not: a registry asking for one gets it). An
// unreadable or invalid certificate or key, or a .cert without its .key (or
// the reverse), is an error naming the file.
Result<QSslConfiguration> tlsConfiguration(const QString &host, bool insecure,
                                           const QStringList &certsDirs);

} // namespace berth::registry
