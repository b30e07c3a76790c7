// Pulling with docker's output, for `pull` and for the commands that pull a
// missing image first (`run`, `create`).
#pragma once

#include "Command.h"

namespace berth::cli {

// Pulls `name` (a reference; tag "latest" when it has neither tag nor digest),
// printing docker's progress to `out` unless it is null: "<tag>: Pulling from
// <path>", a line per layer step (updated in place, with progress bars, when
// outFd is a terminal; one plain line per step otherwise, as docker prints
// into a pipe), "Digest: ..." and, with printStatus, "Status: ...". Failures
// come back for the caller to print.
Result<PullReport> pullWithProgress(Context &ctx, Engine &engine, const QString &name,
                                    const QString &platform, QTextStream *out, int outFd,
                                    bool printStatus);

} // namespace berth::cli
