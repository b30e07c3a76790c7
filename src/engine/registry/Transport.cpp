// The network thread and the hand-over of response bytes (see Transport.h).
#include "registry/Transport.h"

#include <QFile>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QSslError>
#include <QThread>
#include <QWaitCondition>

#include <cstring>
#include <deque>
#include <optional>

namespace berth::registry {

namespace {

// Bytes an exchange holds for its reader before the network thread stops taking
// more off the socket; the reply's own buffer adds ReplyBuffer on top.
constexpr qint64 BufferLimit = 4 << 20;
constexpr qint64 ReplyBuffer = 1 << 20;
constexpr qint64 ChunkSize = 256 << 10;
// A server that sends nothing for this long is given up on (connects included).
constexpr int IdleTimeoutMs = 30000;
constexpr unsigned long WaitSliceMs = 100;

// Go's spelling of the method in errors: `Get "https://..."`.
QString goMethod(const QByteArray &method)
{
    const QString m = QString::fromLatin1(method).toLower();
    return m.isEmpty() ? m : m.at(0).toUpper() + m.mid(1);
}

QString commonName(const QStringList &names)
{
    return names.isEmpty() ? tr("(no common name)") : names.join(QStringLiteral(", "));
}

// A window of a file as a random-access device: Qt streams such a device from
// disk as the socket takes it, where a sequential one would be read whole
// into memory before the request goes out.
class FileRange : public QIODevice
{
public:
    FileRange(const QString &path, qint64 offset, qint64 length)
        : m_file(path), m_offset(offset), m_length(length)
    {
    }
    bool openRange() { return m_file.open(QIODevice::ReadOnly) && open(ReadOnly | Unbuffered); }
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }

protected:
    qint64 readData(char *data, qint64 max) override
    {
        const qint64 n = std::min(max, m_length - pos());
        if (n <= 0)
            return n == 0 ? 0 : -1;
        if (!m_file.seek(m_offset + pos()))
            return -1;
        return m_file.read(data, n);
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QFile m_file;
    qint64 m_offset;
    qint64 m_length;
};

} // namespace

// One request and its answer, shared by the caller's Response and the network
// thread's handlers.
struct Exchange
{
    QMutex mutex;
    QWaitCondition changed;
    // Under mutex.
    bool headersIn = false;
    bool finished = false; // the reply ended and every byte it had is in chunks
    bool paused = false;   // bytes wait in the reply for room in chunks
    // send() gave up (cancelled): the request's onSent must not be called any more.
    bool callerGone = false;
    int status = 0;
    QList<QNetworkReply::RawHeaderPair> headers;
    std::deque<QByteArray> chunks;
    qint64 frontOffset = 0;
    qint64 buffered = 0;
    std::optional<Error> error;
    // Set before the request is sent, read-only after.
    QString described;
    const std::atomic<bool> *cancel = nullptr;
    QObject *context = nullptr;
    // Network thread only.
    QPointer<QNetworkReply> reply;
    QStringList tlsProblems;
    bool replyEnded = false;
    bool abandoned = false;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

namespace {

// Network thread: moves what the reply holds into the exchange, as far as there is room.
void pump(Exchange &ex)
{
    QNetworkReply *reply = ex.reply;
    if (!reply)
        return;
    QMutexLocker lock(&ex.mutex);
    while (ex.buffered < BufferLimit) {
        const qint64 available = reply->bytesAvailable();
        if (available <= 0)
            break;
        QByteArray chunk = reply->read(std::min(available, ChunkSize));
        if (chunk.isEmpty())
            break;
        ex.buffered += chunk.size();
        ex.chunks.push_back(std::move(chunk));
    }
    ex.paused = reply->bytesAvailable() > 0;
    if (ex.replyEnded && !ex.paused) {
        ex.finished = true;
        ex.reply = nullptr;
        reply->deleteLater();
    }
    ex.changed.wakeAll();
}

void noteHeaders(Exchange &ex)
{
    QNetworkReply *reply = ex.reply;
    if (!reply)
        return;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return;
    QMutexLocker lock(&ex.mutex);
    if (ex.headersIn)
        return;
    ex.status = status.toInt();
    ex.headers = reply->rawHeaderPairs();
    ex.headersIn = true;
    ex.changed.wakeAll();
}

// Network thread: what went wrong below HTTP, if anything. An HTTP error status
// (4xx, 5xx) is an answer, not a failure of the exchange.
std::optional<Error> transportFailure(const Exchange &ex, QNetworkReply *reply)
{
    const QNetworkReply::NetworkError code = reply->error();
    if (code == QNetworkReply::NoError)
        return std::nullopt;
    const bool answered = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid();
    const bool statusError =
        (code >= QNetworkReply::ContentAccessDenied &&
         code <= QNetworkReply::UnknownContentError) ||
        (code >= QNetworkReply::InternalServerError && code <= QNetworkReply::UnknownServerError);
    if (answered && statusError)
        return std::nullopt;
    QString why;
    if (code == QNetworkReply::SslHandshakeFailedError && !ex.tlsProblems.isEmpty())
        why = tr("TLS handshake failed: %1").arg(ex.tlsProblems.join(QStringLiteral("; ")));
    else if (code == QNetworkReply::OperationCanceledError)
        why = tr("no answer for %1 seconds").arg(IdleTimeoutMs / 1000);
    else
        why = reply->errorString();
    return Error{ErrorCode::Network, QStringLiteral("%1: %2").arg(ex.described, why)};
}

void abandon(const std::shared_ptr<Exchange> &ex)
{
    QMetaObject::invokeMethod(
        ex->context,
        [ex] {
            ex->abandoned = true;
            QNetworkReply *reply = ex->reply;
            if (!reply)
                return;
            if (reply->isFinished()) {
                // Ended, with bytes nobody will read.
                ex->reply = nullptr;
                reply->deleteLater();
            } else if (reply->error() == QNetworkReply::NoError) {
                // A reply that already failed is finishing anyway; aborting it
                // again makes Qt report its error twice.
                reply->abort();
            }
        },
        Qt::QueuedConnection);
}

} // namespace

Transport::Transport(const ProxySettings &proxies) : m_thread(std::make_unique<QThread>())
{
    m_thread->setObjectName(QStringLiteral("berth-network"));
    m_context = new QObject;
    m_context->moveToThread(m_thread.get());
    m_thread->start();
    QMetaObject::invokeMethod(
        m_context,
        [this, proxies] {
            m_network = new QNetworkAccessManager;
            // The manager owns the factory; without proxies Qt's default (none) stays.
            if (!proxies.isEmpty())
                m_network->setProxyFactory(new ProxyFactory(proxies));
        },
        Qt::BlockingQueuedConnection);
}

Transport::~Transport()
{
    // Deleting the manager in its own thread aborts and deletes what it still runs.
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            delete m_network;
            m_network = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_context;
}

void Transport::start(const std::shared_ptr<Exchange> &ex, const Request &request)
{
    QNetworkRequest r(request.url);
    for (const auto &h : request.headers)
        r.setRawHeader(h.first, h.second);
    // The bytes as stored: a digest is over them, and Range offsets count them.
    r.setRawHeader("Accept-Encoding", "identity");
    r.setRawHeader("User-Agent", QByteArrayLiteral("berth/") + BERTH_VERSION);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // HTTP/1.1 only: back-pressure through the reply's read buffer is what
    // keeps memory bounded, and Qt applies it to HTTP/1 connections.
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    r.setTransferTimeout(IdleTimeoutMs);
    if (request.url.scheme() == QLatin1String("https"))
        r.setSslConfiguration(request.tls);

    QNetworkReply *reply = nullptr;
    if (request.method == "GET") {
        reply = m_network->get(r);
    } else if (request.method == "HEAD") {
        reply = m_network->head(r);
    } else if (!request.bodyFile.isEmpty()) {
        auto *file = new FileRange(request.bodyFile, request.bodyOffset, request.bodyLength);
        if (!file->openRange()) {
            QMutexLocker lock(&ex->mutex);
            ex->error = Error{ErrorCode::Io,
                              tr("%1: cannot read the body from %2: %3")
                                  .arg(ex->described, request.bodyFile, file->errorString())};
            ex->finished = true;
            ex->changed.wakeAll();
            delete file;
            return;
        }
        r.setHeader(QNetworkRequest::ContentLengthHeader, request.bodyLength);
        reply = m_network->sendCustomRequest(r, request.method, file);
        file->setParent(reply);
    } else {
        r.setHeader(QNetworkRequest::ContentLengthHeader, request.body.size());
        reply = m_network->sendCustomRequest(r, request.method, request.body);
    }
    reply->setReadBufferSize(ReplyBuffer);
    ex->reply = reply;

    Exchange *e = ex.get();
    if (request.onSent) {
        // Only while the caller waits: once the answer is in or the caller gave
        // up, what onSent refers to may be gone.
        QObject::connect(reply, &QNetworkReply::uploadProgress, m_context,
                         [e, sent = request.onSent](qint64 done, qint64) {
                             QMutexLocker lock(&e->mutex);
                             if (!e->headersIn && !e->callerGone)
                                 sent(done);
                         });
    }
    QObject::connect(reply, &QNetworkReply::metaDataChanged, m_context, [e] { noteHeaders(*e); });
    QObject::connect(reply, &QNetworkReply::readyRead, m_context, [e] { pump(*e); });
    QObject::connect(
        reply, &QNetworkReply::sslErrors, m_context, [e](const QList<QSslError> &errors) {
            for (const QSslError &err : errors) {
                const QSslCertificate c = err.certificate();
                const QString problem =
                    c.isNull() ? err.errorString()
                               : tr("certificate \"%1\" issued by \"%2\": %3")
                                     .arg(commonName(c.subjectInfo(QSslCertificate::CommonName)),
                                          commonName(c.issuerInfo(QSslCertificate::CommonName)),
                                          err.errorString());
                if (!e->tlsProblems.contains(problem))
                    e->tlsProblems << problem;
            }
        });
    // The shared_ptr in this connection keeps the exchange alive until the reply ends.
    QObject::connect(reply, &QNetworkReply::finished, m_context, [ex, reply] {
        noteHeaders(*ex);
        {
            QMutexLocker lock(&ex->mutex);
            ex->replyEnded = true;
            if (ex->abandoned) {
                // Nobody reads this answer any more.
                ex->finished = true;
                ex->reply = nullptr;
                reply->deleteLater();
                ex->changed.wakeAll();
                return;
            }
            if (!ex->error)
                ex->error = transportFailure(*ex, reply);
            if (!ex->headersIn && !ex->error)
                ex->error = Error{ErrorCode::Network,
                                  tr("%1: the server closed the connection without an answer")
                                      .arg(ex->described)};
        }
        pump(*ex);
    });
}

Result<std::unique_ptr<Response>> Transport::send(const Request &request, const Progress &progress)
{
    auto ex = std::make_shared<Exchange>();
    ex->described = QStringLiteral("%1 \"%2\"")
                        .arg(goMethod(request.method), request.url.toString(QUrl::FullyEncoded));
    ex->cancel = progress.cancel;
    ex->context = m_context;
    QMetaObject::invokeMethod(
        m_context, [this, ex, request] { start(ex, request); }, Qt::QueuedConnection);
    QMutexLocker lock(&ex->mutex);
    while (!ex->headersIn && !ex->finished) {
        if (ex->cancelled()) {
            ex->callerGone = true;
            lock.unlock();
            abandon(ex);
            return cancelledError(ex->described);
        }
        ex->changed.wait(&ex->mutex, WaitSliceMs);
    }
    if (!ex->headersIn)
        return *ex->error;
    lock.unlock();
    return std::unique_ptr<Response>(new Response(ex));
}

Response::~Response()
{
    QMutexLocker lock(&m->mutex);
    if (!m->finished) {
        lock.unlock();
        abandon(m);
    }
}

int Response::status() const
{
    return m->status;
}

QByteArray Response::header(const QByteArray &name) const
{
    QByteArrayList values;
    for (const auto &h : m->headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            values << h.second;
    }
    return values.join(", ");
}

QString Response::describe() const
{
    return m->described;
}

Result<qint64> Response::read(char *buffer, qint64 max)
{
    Exchange &ex = *m;
    QMutexLocker lock(&ex.mutex);
    while (ex.chunks.empty() && !ex.finished) {
        if (ex.cancelled())
            return cancelledError(ex.described);
        ex.changed.wait(&ex.mutex, WaitSliceMs);
    }
    if (ex.chunks.empty()) {
        if (ex.error)
            return *ex.error;
        return qint64(0);
    }
    const QByteArray &front = ex.chunks.front();
    const qint64 n = std::min(max, front.size() - ex.frontOffset);
    std::memcpy(buffer, front.constData() + ex.frontOffset, size_t(n));
    ex.frontOffset += n;
    if (ex.frontOffset == front.size()) {
        ex.chunks.pop_front();
        ex.frontOffset = 0;
    }
    ex.buffered -= n;
    if (ex.paused && ex.buffered <= BufferLimit / 2) {
        ex.paused = false;
        std::shared_ptr<Exchange> keep = m;
        QMetaObject::invokeMethod(
            ex.context, [keep] { pump(*keep); }, Qt::QueuedConnection);
    }
    return n;
}

Result<QByteArray> Response::readAll(qint64 limit)
{
    QByteArray out;
    char buffer[64 << 10];
    for (;;) {
        BERTH_TRY_ASSIGN(const qint64 n, read(buffer, sizeof buffer));
        if (n == 0)
            return out;
        if (out.size() + n > limit)
            return Error{ErrorCode::Corrupt,
                         tr("%1: the answer is larger than %2 bytes").arg(m->described).arg(limit)};
        out.append(buffer, n);
    }
}

} // namespace berth::registry
