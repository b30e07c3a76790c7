// For tests of two processes on one store: runs body(i) for i = 0 .. count-1, each in
// its own forked child, all at once, and waits for every child. A child exits with
// body's return value, without Qt's teardown. Returns what went wrong ("child 1
// exited with 3"), or an empty string when every child exited 0:
//   QCOMPARE(runInChildren(2, [&](int i) { return doWork(i) ? 0 : 1; }), QString());
#pragma once

#include <QString>
#include <QStringList>

#include <cerrno>
#include <cstring>
#include <functional>
#include <sys/wait.h>
#include <unistd.h>

inline QString runInChildren(int count, const std::function<int(int)> &body)
{
    QList<pid_t> children;
    QStringList failures;
    for (int i = 0; i < count; ++i) {
        const pid_t pid = ::fork();
        if (pid == 0)
            ::_exit(body(i));
        if (pid < 0) {
            failures << QStringLiteral("fork child %1: %2")
                            .arg(i)
                            .arg(QString::fromLocal8Bit(std::strerror(errno)));
            break;
        }
        children << pid;
    }
    for (qsizetype i = 0; i < children.size(); ++i) {
        int status = 0;
        if (::waitpid(children.at(i), &status, 0) != children.at(i))
            failures << QStringLiteral("wait for child %1 failed").arg(i);
        else if (!WIFEXITED(status))
            failures << QStringLiteral("child %1 did not exit normally").arg(i);
        else if (WEXITSTATUS(status) != 0)
            failures << QStringLiteral("child %1 exited with %2").arg(i).arg(WEXITSTATUS(status));
    }
    return failures.join(QStringLiteral("; "));
}
