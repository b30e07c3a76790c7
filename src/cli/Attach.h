// The terminal end of an attached container: relays this process's stdin to
// the container and the container's stdout/stderr frames (ShimProtocol.h) to
// this process's stdout/stderr until the exit frame, and says the exit code.
// With a terminal, the local tty is put in raw mode for the duration, window
// size changes are passed on and the detach keys (docker's --detach-keys,
// ctrl-p,ctrl-q by default) end the relay with the container left running.
// Without a terminal, the signals a user sends berth (SIGINT, SIGTERM, ...)
// are passed to the container (docker's --sig-proxy); with one, or without
// sig-proxy, such a signal ends berth as it would have, the container going on.
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>
#include <string>

#include <termios.h>

namespace berth::cli {

// docker's default detach sequence: ctrl-p, ctrl-q.
inline const QByteArray DefaultDetachKeys = QByteArrayLiteral("\x10\x11");

// Writes all of data to fd (a terminal, a pipe, the shim's socket), retrying
// on EINTR; false when fd is gone.
bool writeAll(int fd, const char *data, size_t size);

// docker's --detach-keys syntax: comma-separated keys, each a single
// character or ctrl-<a-z|@|[|\|]|^|_>. Nothing for anything else.
std::optional<QByteArray> parseDetachKeys(const QString &keys);
// docker's refusal of a --detach-keys value that does not parse.
QString invalidDetachKeysMessage(const QString &keys);

// Watches what the user types for the detach sequence: bytes that may begin
// it are held back until the sequence is complete (a detach) or broken (they
// go on, in order).
class DetachKeyFilter
{
public:
    explicit DetachKeyFilter(QByteArray keys) : m_keys(std::move(keys)) {}
    // Appends what is to be sent of data to *out; true once the sequence is complete.
    bool feed(const char *data, size_t size, std::string *out);
    // The bytes held back, at the end of the input.
    std::string flush();

private:
    QByteArray m_keys;
    qsizetype m_matched = 0;
};

struct AttachOptions
{
    bool stdinStream = false; // relay our stdin (-i)
    bool tty = false;
    QString bundle;                            // for resize and signal requests
    bool sigProxy = true;                      // without tty: pass signals on
    QByteArray detachKeys = DefaultDetachKeys; // with tty and stdin
};

// relayAttached()'s endings besides the container's exit code.
enum RelayEnd { RelayDisconnected = -1, RelayDetached = -2 };

// Returns the container's exit code, RelayDetached after the detach keys, or
// RelayDisconnected when the connection ended without an exit code.
int relayAttached(int fd, const AttachOptions &options);

// Raw mode for the local terminal while a -t container or exec is relayed,
// restored on every way out.
class RawTerminal
{
public:
    explicit RawTerminal(bool enable);
    ~RawTerminal();
    RawTerminal(const RawTerminal &) = delete;
    RawTerminal &operator=(const RawTerminal &) = delete;

private:
    termios m_saved{};
    bool m_active = false;
};

} // namespace berth::cli
