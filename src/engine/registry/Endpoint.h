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

// The endpoint for a reference's domain. insecureRegistries holds names
// ("host:port") and CIDRs ("10.0.0.0/8"); a host name is resolved to find out
// whether one of its addresses is in such a range (docker's rule).
Endpoint resolveEndpoint(const QString &domain, const QStringList &insecureRegistries);

// TLS settings for connecting to host ("name" or "name:port"): the system's
// CAs plus every *.crt under <dir>/<host> of certsDirs; no verification when
// insecure. An unreadable or invalid certificate there is an error naming it.
Result<QSslConfiguration> tlsConfiguration(const QString &host, bool insecure,
                                           const QStringList &certsDirs);

} // namespace berth::registry
