// One `berth` command (one file under commands/, KeePassXC-style). Each
// command declares its usage and flags, parses its arguments with FlagSet and
// talks to the engine through the Context. Output follows docker's CLI: the
// same columns, messages and exit codes, so tutorials work unchanged.
#pragma once

#include "Engine.h"
#include "Flags.h"

#include <QTextStream>

#include <atomic>
#include <functional>
#include <memory>

namespace berth::cli {

// docker's exit statuses.
enum ExitCode { ExitOk = 0, ExitError = 1, ExitUsage = 125 };

class Context
{
public:
    Context();
    QString root;
    QTextStream out;
    QTextStream err;
    // Opens the store on first use; prints the error and returns null on failure.
    Engine *engine();
    // Set by SIGINT/SIGTERM; long operations stop and clean up.
    static std::atomic<bool> interrupted;
    Progress progress() const;
    // "Error: <message>" on stderr; returns ExitError.
    int fail(const Error &error);
    int fail(const QString &message);
    // "Error response from daemon: <message>" on stderr, as docker's CLI prints
    // what its daemon refused; returns ExitError.
    int daemonError(const QString &message);

private:
    std::unique_ptr<Engine> m_engine;
};

class Command
{
public:
    virtual ~Command() = default;
    // "images" or "image ls"; the first word of each alias is the top-level name.
    virtual QStringList names() const = 0;
    virtual QString usage() const = 0;   // "[OPTIONS] [REPOSITORY[:TAG]]"
    virtual QString summary() const = 0; // "List images"
    virtual int run(Context &ctx, const QStringList &args) = 0;

    // Parses flags; on error or --help prints docker's text and returns the exit
    // status to end with, else -1. Checks the positional count against [min, max].
    int parseArgs(Context &ctx, FlagSet &flags, const QStringList &args, int minArgs,
                  int maxArgs = -1) const;
    QString helpText(const FlagSet &flags) const;
};

// Streams an archive that produce writes into output, or into stdout when
// output is empty. A file is written beside the target, fsynced and renamed,
// so a failure leaves no half-written archive under the name asked for;
// openOperation names the open in errors ("failed to save image: open").
int writeArchiveOutput(Context &ctx, const QString &output, const QString &openOperation,
                       const std::function<Status(Writer &)> &produce);

// All commands, for dispatch and for `berth --help`.
QList<std::shared_ptr<Command>> allCommands();

} // namespace berth::cli
