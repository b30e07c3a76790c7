// HTTP for callers that block: one network thread runs a QNetworkAccessManager
// in its own event loop; any other thread sends a request and reads the answer
// as a Reader, waiting only for its own exchange.
//
//   Transport net;                                 // starts the network thread
//   auto r = net.send({"GET", url, headers, tls}, progress);   // status + headers
//   (*r)->status();  (*r)->read(buf, n) ...        // the body, as it arrives
//
// The body flows with back-pressure: the network thread takes bytes off the
// socket only while the reader keeps up (a few MiB per exchange at most), so a
// slow consumer (a layer being checked) slows the download instead of filling
// memory. Redirects and authentication are left to the caller (Client): they
// decide which headers may follow a redirect to another host. A failure to
// reach the server, a TLS failure or a connection dropped mid-body is an
// ErrorCode::Network error in Go's words, `Get "https://host/v2/": <why>`, with
// the certificate named for TLS failures; an HTTP error status is an ordinary
// response. Cancelling (progress.cancel) ends a wait within a tenth of a second.
// A Transport must outlive the Responses it gave out. Proxies (Proxy.h) are
// chosen per request URL.
#pragma once

#include "registry/Proxy.h"
#include "util/Stream.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>

class QThread;
class QObject;
class QNetworkAccessManager;

namespace berth::registry {

struct Request
{
    QByteArray method = "GET";
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    // The body of a POST, PUT or PATCH: `body`, or when bodyFile is set the
    // bodyLength bytes of that file from bodyOffset on, read as they are sent
    // (a layer is never held in memory). A request with a method other than
    // GET and HEAD always sends a Content-Length, 0 for no body.
    QByteArray body;
    QString bodyFile;
    qint64 bodyOffset = 0;
    qint64 bodyLength = 0;
    // Called on the network thread with the body bytes sent so far.
    std::function<void(qint64 sent)> onSent;
};

struct Exchange;

class Response : public Reader
{
public:
    ~Response() override; // stops the exchange if its body was not read to the end
    int status() const;
    // A header's value (case-insensitive name); repeated headers joined by ", ".
    QByteArray header(const QByteArray &name) const;
    // `Get "https://host/path"`: how errors about this exchange begin.
    QString describe() const;
    // Body bytes as they arrive; 0 at the end. A connection lost mid-body is an
    // ErrorCode::Network error after every byte that did arrive.
    Result<qint64> read(char *buffer, qint64 max) override;
    // The whole body; more than `limit` bytes is an ErrorCode::Corrupt error.
    Result<QByteArray> readAll(qint64 limit);

private:
    friend class Transport;
    explicit Response(std::shared_ptr<Exchange> exchange) : m(std::move(exchange)) {}
    std::shared_ptr<Exchange> m;
};

class Transport
{
public:
    explicit Transport(const ProxySettings &proxies = {});
    ~Transport();
    Transport(const Transport &) = delete;
    Transport &operator=(const Transport &) = delete;

    // Sends a request; returns when its status and headers are in.
    Result<std::unique_ptr<Response>> send(const Request &request, const Progress &progress);

private:
    void start(const std::shared_ptr<Exchange> &exchange, const Request &request);

    std::unique_ptr<QThread> m_thread;
    QObject *m_context = nullptr; // lives in m_thread: queued calls run there
    QNetworkAccessManager *m_network = nullptr;
};

} // namespace berth::registry
