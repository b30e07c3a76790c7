// Tests for berth-shim (runtime/Shim, ShimProtocol, ShimState): the pure parts
// directly, then the real binary supervising busybox containers: output in the
// log and to attached clients, exit codes, restart policies, signals and stop,
// stdin, log rotation, start failures, a killed shim, and the memory one costs.
#include "runtime/Cgroup.h"
#include "runtime/Shim.h"
#include "runtime/ShimProtocol.h"
#include "runtime/ShimState.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <functional>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace berth::runtime;

namespace {

const QString ShimBinary = QStringLiteral(BERTH_BIN "/berth-shim");
const QRegularExpression
    TimePattern(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$)"));

// A process that exists and is not a zombie.
bool alive(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const int paren = text.lastIndexOf(')');
    return paren > 0 && text.size() > paren + 2 && text[paren + 2] != 'Z';
}

bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 10000)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qSleep(10);
    }
    return true;
}

QString statusField(pid_t pid, const QString &name)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(name.toLatin1() + ':'))
            return QString::fromLatin1(line.mid(name.size() + 1)).trimmed();
    }
    return {};
}

ShimState stateOf(const QString &bundle)
{
    ShimState state;
    if (Outcome failure = readStateFile((bundle + "/state").toStdString(), &state))
        qWarning() << failure->message().c_str();
    return state;
}

// Reads one frame, waiting at most timeoutMs; false on EOF, timeout or garbage.
bool readFrame(int fd, std::string *buffer, Frame *frame, int timeoutMs = 10000)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const FrameDecode result = decodeFrame(buffer, frame);
        if (result == FrameDecode::Frame)
            return true;
        if (result == FrameDecode::Invalid)
            return false;
        pollfd entry{fd, POLLIN, 0};
        const int left = int(timeoutMs - timer.elapsed());
        if (left <= 0 || poll(&entry, 1, left) <= 0)
            return false;
        char chunk[4096];
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0)
            return false;
        buffer->append(chunk, size_t(n));
    }
}

struct Collected
{
    std::string out;
    std::string err;
    int exitCode = -1;
    bool closedAfterExit = false;
};

Collected collectFrames(int fd)
{
    Collected collected;
    std::string buffer;
    Frame frame;
    while (readFrame(fd, &buffer, &frame)) {
        if (frame.type == FrameType::Stdout)
            collected.out += frame.payload;
        else if (frame.type == FrameType::Stderr)
            collected.err += frame.payload;
        else if (frame.type == FrameType::Exit) {
            collected.exitCode = std::stoi(frame.payload);
            char byte;
            collected.closedAfterExit = buffer.empty() && ::read(fd, &byte, 1) == 0;
            break;
        }
    }
    return collected;
}

bool writeAll(int fd, const std::string &data)
{
    return ::write(fd, data.data(), data.size()) == ssize_t(data.size());
}

} // namespace

class TestShim : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QString m_rootfs;
    QString m_cgroupParent;
    int m_containers = 0;
    // What a failed test may have left running, for cleanup().
    std::vector<std::pair<Spec, ShimStart>> m_started;

    // A bundle directory with a spec running args in the busybox rootfs.
    Spec makeSpec(const QStringList &args, const QString &bundleName = {})
    {
        const QString name =
            bundleName.isEmpty() ? QStringLiteral("c%1").arg(++m_containers) : bundleName;
        const QString bundle = m_root.filePath(name);
        QDir().mkpath(bundle);
        Spec spec;
        spec.id = QByteArray(64, 'a' + char(m_containers % 6)).toStdString();
        spec.bundle = bundle.toStdString();
        spec.hostname = "shimtest";
        spec.rootfsDir = m_rootfs.toStdString();
        spec.mounts = {Mount{"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}}};
        for (const QString &arg : args)
            spec.process.args.push_back(arg.toStdString());
        spec.process.env = {"PATH=/bin"};
        spec.cgroupName =
            QStringLiteral("%1/c%2").arg(m_cgroupParent).arg(m_containers).toStdString();
        spec.logPath = (bundle + "/log.json").toStdString();
        return spec;
    }

    bool writeSpec(const Spec &spec)
    {
        QFile file(QString::fromStdString(spec.bundle) + "/spec");
        return file.open(QIODevice::WriteOnly) &&
               file.write(QByteArray::fromStdString(serializeSpec(spec))) > 0;
    }

    // Starts the shim on spec; attachFd is handed to it (or -1).
    Outcome start(const Spec &spec, ShimStart *started, int attachFd = -1)
    {
        if (!writeSpec(spec))
            return Failure{0, "write spec"};
        Outcome outcome = startShim(ShimBinary.toStdString(), spec.bundle, attachFd, started);
        m_started.push_back({spec, *started});
        return outcome;
    }

    bool cgroupGone(const Spec &spec)
    {
        for (const std::string &path : Cgroup::open(spec.cgroupName).paths()) {
            if (QFileInfo::exists(QString::fromStdString(path)))
                return false;
        }
        return true;
    }

    QList<QJsonObject> logEntries(const QString &path)
    {
        QList<QJsonObject> entries;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return entries;
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (!line.isEmpty())
                entries << QJsonDocument::fromJson(line).object();
        }
        return entries;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        m_cgroupParent = QStringLiteral("berth-test-%1").arg(getpid());
        m_rootfs = m_root.filePath("rootfs");
        QVERIFY(QDir().mkpath(m_rootfs + "/bin"));
        for (const char *dir : {"proc", "dev", "sys", "tmp", "etc"})
            QVERIFY(QDir().mkpath(m_rootfs + "/" + dir));
        QVERIFY(QFile::copy("/bin/busybox", m_rootfs + "/bin/busybox"));
        for (const char *applet : {"sh", "echo", "cat", "sleep", "true", "stty"})
            QVERIFY(QFile::link("busybox", m_rootfs + "/bin/" + applet));
    }

    void cleanupTestCase()
    {
        for (const std::string &path : Cgroup::open(m_cgroupParent.toStdString() + "/x").paths())
            QDir().rmdir(QFileInfo(QString::fromStdString(path)).path());
    }

    void cleanup()
    {
        for (const auto &[spec, started] : m_started) {
            if (started.initPid > 0 && alive(started.initPid))
                kill(started.initPid, SIGKILL);
            if (started.shimPid > 0 && alive(started.shimPid))
                kill(started.shimPid, SIGKILL);
            Cgroup::open(spec.cgroupName).destroy();
        }
        m_started.clear();
    }

    void stateRoundTrip()
    {
        ShimState state;
        state.status = "exited";
        state.pid = 0;
        state.shimPid = 4242;
        state.exitCode = 137;
        state.oomKilled = true;
        state.startedAt = "2026-11-23T10:00:00.1Z";
        state.finishedAt = "2026-11-23T10:00:01Z";
        state.restartCount = 2;
        state.error = "exec: \"nope\":\tnot found\nsecond \\ line";
        ShimState back;
        QVERIFY(!parseState(serializeState(state), &back));
        QCOMPARE(back.status, state.status);
        QCOMPARE(back.shimPid, 4242);
        QCOMPARE(back.exitCode, 137);
        QVERIFY(back.oomKilled);
        QCOMPARE(back.startedAt, state.startedAt);
        QCOMPARE(back.finishedAt, state.finishedAt);
        QCOMPARE(back.restartCount, 2);
        QCOMPARE(back.error, state.error);

        const Outcome unknown = parseState("status running\ncolour blue\n", &back);
        QVERIFY(unknown);
        QVERIFY(unknown->what.find("line 2 `colour blue`") != std::string::npos);
        QVERIFY(parseState("status running\npid x\n", &back));
    }

    void frames()
    {
        std::string buffer = encodeFrame(FrameType::Stdout, "hello");
        QCOMPARE(QByteArray::fromStdString(buffer), QByteArray("\x01\x00\x00\x00\x05hello", 10));
        appendFrame(&buffer, FrameType::Exit, "137");
        buffer += std::string("\x05\x00\x00", 3); // the start of a third one
        Frame frame;
        QCOMPARE(decodeFrame(&buffer, &frame), FrameDecode::Frame);
        QCOMPARE(frame.type, FrameType::Stdout);
        QCOMPARE(frame.payload, std::string("hello"));
        QCOMPARE(decodeFrame(&buffer, &frame), FrameDecode::Frame);
        QCOMPARE(frame.type, FrameType::Exit);
        QCOMPARE(frame.payload, std::string("137"));
        QCOMPARE(decodeFrame(&buffer, &frame), FrameDecode::NeedMore);
        buffer += std::string("\x00\x04", 2) + "24 8";
        QCOMPARE(decodeFrame(&buffer, &frame), FrameDecode::Frame);
        QCOMPARE(frame.type, FrameType::Resize);
        QCOMPARE(frame.payload, std::string("24 8"));
        QVERIFY(buffer.empty());
        std::string bad("\x09\x00\x00\x00\x00", 5);
        QCOMPARE(decodeFrame(&bad, &frame), FrameDecode::Invalid);
        std::string huge("\x01\x7f\x00\x00\x00", 5);
        QCOMPARE(decodeFrame(&huge, &frame), FrameDecode::Invalid);
    }

    void restartPolicy()
    {
        Spec spec;
        QVERIFY(!shouldRestart(spec, 1, 0, false)); // "no"
        spec.restartPolicy = "always";
        QVERIFY(shouldRestart(spec, 0, 100, false));
        QVERIFY(!shouldRestart(spec, 1, 0, true));
        spec.restartPolicy = "unless-stopped";
        QVERIFY(shouldRestart(spec, 0, 0, false));
        QVERIFY(!shouldRestart(spec, 0, 0, true));
        spec.restartPolicy = "on-failure";
        QVERIFY(!shouldRestart(spec, 0, 0, false));
        QVERIFY(shouldRestart(spec, 3, 50, false)); // no maximum
        spec.restartMaxRetries = 2;
        QVERIFY(shouldRestart(spec, 3, 1, false));
        QVERIFY(!shouldRestart(spec, 3, 2, false));
        QVERIFY(!shouldRestart(spec, 3, 0, true));

        QCOMPARE(restartDelayMs(0, 0), int64_t(100));
        QCOMPARE(restartDelayMs(100, 50), int64_t(200));
        QCOMPARE(restartDelayMs(400, 9999), int64_t(800));
        QCOMPARE(restartDelayMs(800, 10000), int64_t(100));
        QCOMPARE(restartDelayMs(51200, 0), int64_t(60000));
        QCOMPARE(restartDelayMs(60000, 0), int64_t(60000));
    }

    void outputToLogAndAttachedClient()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sh", "-c", "echo out1; echo err1 >&2; printf 'a\\tb<&>'; exit 3"});
        int pair[2];
        QVERIFY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
        ShimStart started;
        const Outcome outcome = start(spec, &started, pair[1]);
        ::close(pair[1]);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        QVERIFY(started.shimPid > 0 && started.initPid > 0);

        const Collected collected = collectFrames(pair[0]);
        ::close(pair[0]);
        QCOMPARE(QString::fromStdString(collected.out), QString("out1\na\tb<&>"));
        QCOMPARE(QString::fromStdString(collected.err), QString("err1\n"));
        QCOMPARE(collected.exitCode, 3);
        QVERIFY(collected.closedAfterExit);

        // The exit frame comes after the state is final and the cgroup is gone.
        const QString bundle = QString::fromStdString(spec.bundle);
        const ShimState state = stateOf(bundle);
        QCOMPARE(state.status, std::string("exited"));
        QCOMPARE(state.exitCode, 3);
        QCOMPARE(state.shimPid, started.shimPid);
        QCOMPARE(state.pid, 0);
        QVERIFY(!state.oomKilled);
        QVERIFY(state.error.empty());
        QVERIFY2(TimePattern.match(QString::fromStdString(state.startedAt)).hasMatch(),
                 state.startedAt.c_str());
        QVERIFY(TimePattern.match(QString::fromStdString(state.finishedAt)).hasMatch());
        QVERIFY(state.finishedAt >= state.startedAt);
        QVERIFY(cgroupGone(spec));
        QVERIFY(!QFileInfo::exists(bundle + "/shim.sock"));
        QVERIFY(waitUntil([&] { return !alive(started.shimPid); }));

        const QList<QJsonObject> entries = logEntries(bundle + "/log.json");
        QCOMPARE(entries.size(), 3);
        QJsonObject stderrEntry;
        QStringList stdoutLogs;
        for (const QJsonObject &entry : entries) {
            QCOMPARE(entry.keys(), QStringList({"log", "stream", "time"}));
            QVERIFY(TimePattern.match(entry.value("time").toString()).hasMatch());
            if (entry.value("stream") == "stderr")
                stderrEntry = entry;
            else
                stdoutLogs << entry.value("log").toString();
        }
        QCOMPARE(stdoutLogs, QStringList({"out1\n", "a\tb<&>"}));
        QCOMPARE(stderrEntry.value("log").toString(), QString("err1\n"));
        // Byte for byte, the partial last line as docker writes it.
        QFile log(bundle + "/log.json");
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("{\"log\":\"a\\u0009b\\u003c\\u0026\\u003e\",\"stream\":"
                                       "\"stdout\",\"time\":\""));
    }

    void onFailureRestartsUpToTheLimit()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sh", "-c", "echo run; exit 3"});
        spec.restartPolicy = "on-failure";
        spec.restartMaxRetries = 2;
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        int exitCode = -1;
        const Outcome waited = waitExit(spec.bundle, &exitCode);
        QVERIFY2(!waited, waited ? waited->message().c_str() : "");
        QCOMPARE(exitCode, 3);
        const ShimState state = stateOf(QString::fromStdString(spec.bundle));
        QCOMPARE(state.status, std::string("exited"));
        QCOMPARE(state.restartCount, 2);
        QCOMPARE(state.exitCode, 3);
        // Three runs, one log.
        QCOMPARE(logEntries(QString::fromStdString(spec.logPath)).size(), 3);
        QVERIFY(cgroupGone(spec));
    }

    void survivesItsParentAndDiesOfSignal9()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        // A bundle path longer than sun_path: the socket is reached through /proc/self/fd.
        Spec spec = makeSpec({"sleep", "100"}, QString(110, 'b'));
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        // startShim reaped the process it spawned; the shim lives on, in its own session.
        QVERIFY(alive(started.shimPid));
        QVERIFY(alive(started.initPid));
        QVERIFY(statusField(started.shimPid, "PPid").toInt() != getpid());
        QCOMPARE(getsid(started.shimPid), started.shimPid);
        QCOMPARE(statusField(started.initPid, "PPid").toInt(), started.shimPid);

        ShimState state;
        const Outcome queried = queryState(spec.bundle, &state);
        QVERIFY2(!queried, queried ? queried->message().c_str() : "");
        QCOMPARE(state.status, std::string("running"));
        QCOMPARE(state.pid, started.initPid);
        struct stat socket
        {
        };
        QCOMPARE(::stat((spec.bundle + "/shim.sock").c_str(), &socket), 0);
        QVERIFY(S_ISSOCK(socket.st_mode));
        QCOMPARE(socket.st_mode & 07777, 0600u);

        const Outcome bad = sendSignal(spec.bundle, 0);
        QVERIFY(bad && bad->what.find("invalid signal") != std::string::npos);
        QVERIFY(resizeTerminal(spec.bundle, 24, 80)); // no terminal
        const Outcome killed = sendSignal(spec.bundle, SIGKILL);
        QVERIFY2(!killed, killed ? killed->message().c_str() : "");
        int exitCode = -1;
        QVERIFY(!waitExit(spec.bundle, &exitCode));
        QCOMPARE(exitCode, 137);
        QCOMPARE(stateOf(QString::fromStdString(spec.bundle)).exitCode, 137);
        QVERIFY(waitUntil([&] { return !alive(started.shimPid) && !alive(started.initPid); }));
    }

    void stopPreventsUnlessStoppedRestart()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sleep", "100"});
        spec.restartPolicy = "unless-stopped";
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        const QString bundle = QString::fromStdString(spec.bundle);

        // Killed without stop: the policy brings it back.
        QVERIFY(!sendSignal(spec.bundle, SIGKILL));
        QVERIFY(waitUntil([&] {
            const ShimState state = stateOf(bundle);
            return state.restartCount == 1 && state.status == "running";
        }));
        QCOMPARE(stateOf(bundle).exitCode, 0);
        const pid_t second = stateOf(bundle).pid;
        QVERIFY(second != started.initPid && alive(second));

        // Stopped: sleep as pid 1 ignores SIGTERM, so escalate as the engine does.
        QVERIFY(!requestStop(spec.bundle));
        QVERIFY(!sendSignal(spec.bundle, SIGKILL));
        int exitCode = -1;
        QVERIFY(!waitExit(spec.bundle, &exitCode));
        QCOMPARE(exitCode, 137);
        const ShimState state = stateOf(bundle);
        QCOMPARE(state.status, std::string("exited"));
        QCOMPARE(state.restartCount, 1);
        QVERIFY(cgroupGone(spec));
    }

    void stdinThroughAttach()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"cat"});
        spec.openStdin = true;
        spec.stdinOnce = true;
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        int fd = -1;
        const Outcome attached = attachShim(spec.bundle, true, true, true, &fd);
        QVERIFY2(!attached, attached ? attached->message().c_str() : "");
        QVERIFY(writeAll(fd, encodeFrame(FrameType::Stdin, "hello ")));
        QVERIFY(writeAll(fd, encodeFrame(FrameType::Stdin, "shim\n")));
        std::string buffer;
        std::string echoed;
        Frame frame;
        while (echoed.size() < 11 && readFrame(fd, &buffer, &frame)) {
            QCOMPARE(frame.type, FrameType::Stdout);
            echoed += frame.payload;
        }
        QCOMPARE(echoed, std::string("hello shim\n"));
        // stdin-once: the client's EOF is cat's EOF.
        QVERIFY(writeAll(fd, encodeFrame(FrameType::StdinEof, "")));
        QVERIFY(readFrame(fd, &buffer, &frame));
        QCOMPARE(frame.type, FrameType::Exit);
        QCOMPARE(frame.payload, std::string("0"));
        ::close(fd);
        QCOMPARE(logEntries(QString::fromStdString(spec.logPath)).value(0).value("log").toString(),
                 QString("hello shim\n"));
    }

    void terminal()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sh", "-c", "read line; echo got $line; stty size; exit 2"});
        spec.process.terminal = true;
        spec.openStdin = true;
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        const Outcome resized = resizeTerminal(spec.bundle, 30, 100);
        QVERIFY2(!resized, resized ? resized->message().c_str() : "");
        QVERIFY(resizeTerminal(spec.bundle, 0, 100)); // refused
        int fd = -1;
        QVERIFY(!attachShim(spec.bundle, true, true, true, &fd));
        QVERIFY(writeAll(fd, encodeFrame(FrameType::Stdin, "go\n")));
        const Collected collected = collectFrames(fd);
        ::close(fd);
        // The terminal echoes the input and ends lines with \r\n; everything is stdout.
        QCOMPARE(QString::fromStdString(collected.out), QString("go\r\ngot go\r\n30 100\r\n"));
        QVERIFY(collected.err.empty());
        QCOMPARE(collected.exitCode, 2);
        QStringList logged;
        for (const QJsonObject &entry : logEntries(QString::fromStdString(spec.logPath))) {
            QCOMPARE(entry.value("stream").toString(), QString("stdout"));
            logged << entry.value("log").toString();
        }
        QCOMPARE(logged, QStringList({"go\r\n", "got go\r\n", "30 100\r\n"}));
    }

    void rotatesTheLog()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sh", "-c",
                              "i=0; while [ $i -lt 300 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxx; "
                              "i=$((i+1)); done"});
        spec.logMaxSize = 1024;
        spec.logMaxFiles = 3;
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        int exitCode = -1;
        QVERIFY(!waitExit(spec.bundle, &exitCode));
        QCOMPARE(exitCode, 0);
        const QString bundle = QString::fromStdString(spec.bundle);
        QCOMPARE(QDir(bundle).entryList({"log.json*"}, QDir::Files, QDir::Name),
                 QStringList({"log.json", "log.json.1", "log.json.2"}));
        const QList<QJsonObject> entries = logEntries(bundle + "/log.json");
        QVERIFY(!entries.isEmpty());
        QCOMPARE(entries.last().value("log").toString(),
                 QString("line-299-xxxxxxxxxxxxxxxxxxxx\n"));
        for (const char *name : {"log.json.1", "log.json.2"})
            QVERIFY(QFileInfo(bundle + "/" + QLatin1String(name)).size() >= 1024);
    }

    void missingCommandFailsTheStart()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"no-such-command"});
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY(outcome);
        QCOMPARE(started.exitCode, 127);
        QVERIFY2(outcome->what.find("no-such-command") != std::string::npos, outcome->what.c_str());
        const QString bundle = QString::fromStdString(spec.bundle);
        const ShimState state = stateOf(bundle);
        QCOMPARE(state.status, std::string("exited"));
        QCOMPARE(state.exitCode, 127);
        QVERIFY(state.error.find("no-such-command") != std::string::npos);
        QVERIFY(cgroupGone(spec));
        QVERIFY(!QFileInfo::exists(bundle + "/shim.sock"));
        QVERIFY(waitUntil([&] { return !alive(state.shimPid); }));
    }

    void badSpecIsReported()
    {
        Spec spec = makeSpec({"true"});
        QVERIFY(writeSpec(spec));
        QFile file(QString::fromStdString(spec.bundle) + "/spec");
        QVERIFY(file.open(QIODevice::Append));
        file.write("bogus line\n");
        file.close();
        ShimStart started;
        const Outcome outcome = startShim(ShimBinary.toStdString(), spec.bundle, -1, &started);
        QVERIFY(outcome);
        QCOMPARE(started.exitCode, 125);
        QVERIFY2(outcome->what.find("/spec") != std::string::npos, outcome->what.c_str());
    }

    void killedShimTakesTheContainerAlong()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sleep", "100"});
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        QCOMPARE(Cgroup::open(spec.cgroupName).processes(), std::vector<pid_t>{started.initPid});
        QVERIFY(kill(started.shimPid, SIGKILL) == 0);
        const bool empty = waitUntil(
            [&] {
                return !alive(started.initPid) && Cgroup::open(spec.cgroupName).processes().empty();
            },
            5000);
        // The dead shim could not remove its cgroup; this test does.
        Cgroup::open(spec.cgroupName).destroy();
        QVERIFY2(empty, "the container outlived its shim");
    }

    void idleShimMemory()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        // Ten idle shims: VmRSS counts the shared code of each in full, so what a
        // hundred shims cost is their private memory plus one copy of the code.
        constexpr int Count = 10;
        QList<Spec> specs;
        QList<ShimStart> shims;
        for (int i = 0; i < Count; ++i) {
            specs << makeSpec({"sleep", "100"});
            ShimStart started;
            const Outcome outcome = start(specs.last(), &started);
            QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
            shims << started;
        }
        QTest::qSleep(200);
        const auto rollup = [](pid_t pid, const char *field) {
            QFile file(QStringLiteral("/proc/%1/smaps_rollup").arg(pid));
            if (!file.open(QIODevice::ReadOnly))
                return -1;
            for (const QByteArray &line : file.readAll().split('\n')) {
                if (line.startsWith(field))
                    return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toInt();
            }
            return -1;
        };
        int pssTotal = 0;
        int privateMax = 0;
        int rssMax = 0;
        for (const ShimStart &shim : shims) {
            pssTotal += rollup(shim.shimPid, "Pss:");
            privateMax = std::max(privateMax, rollup(shim.shimPid, "Private_Clean:") +
                                                  rollup(shim.shimPid, "Private_Dirty:"));
            rssMax = std::max(rssMax, statusField(shim.shimPid, "VmRSS").split(' ')[0].toInt());
        }
        const int shared = pssTotal - Count * privateMax;
        qInfo("idle berth-shim: VmRSS %d KiB, private %d KiB; %d shims: Pss %d KiB in all; "
              "a hundred: about %d KiB",
              rssMax, privateMax, Count, pssTotal, shared + 100 * privateMax);
        for (const Spec &spec : specs) {
            QVERIFY(!sendSignal(spec.bundle, SIGKILL));
            int exitCode = -1;
            QVERIFY(!waitExit(spec.bundle, &exitCode));
        }
        QVERIFY2(privateMax < 1024, qPrintable(QString::number(privateMax)));
        QVERIFY(shared + 100 * privateMax < 50 * 1024);
    }

    void runRmTrueLatency()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        // What `berth run --rm busybox true` costs in the shim: start, run, exit.
        QList<qint64> times;
        for (int i = 0; i < 5; ++i) {
            Spec spec = makeSpec({"true"});
            QVERIFY(writeSpec(spec));
            QElapsedTimer timer;
            timer.start();
            ShimStart started;
            QVERIFY(!startShim(ShimBinary.toStdString(), spec.bundle, -1, &started));
            const qint64 startedAfter = timer.elapsed();
            int exitCode = -1;
            QVERIFY(!waitExit(spec.bundle, &exitCode));
            QCOMPARE(exitCode, 0);
            times << timer.elapsed();
            qInfo("start %lld ms, start+exit %lld ms", startedAfter, times.last());
        }
        std::sort(times.begin(), times.end());
        qInfo("median start+exit of `true`: %lld ms", times[2]);
    }

    void terminateRecordsTheState()
    {
        if (geteuid() != 0)
            QSKIP("containers need root");
        Spec spec = makeSpec({"sleep", "100"});
        spec.restartPolicy = "always";
        ShimStart started;
        const Outcome outcome = start(spec, &started);
        QVERIFY2(!outcome, outcome ? outcome->message().c_str() : "");
        // SIGINT and SIGHUP do nothing; SIGTERM ends container and shim, no restart.
        QVERIFY(kill(started.shimPid, SIGINT) == 0);
        QVERIFY(kill(started.shimPid, SIGHUP) == 0);
        QTest::qSleep(100);
        QVERIFY(alive(started.shimPid));
        QVERIFY(kill(started.shimPid, SIGTERM) == 0);
        QVERIFY(waitUntil([&] { return !alive(started.shimPid) && !alive(started.initPid); }));
        const ShimState state = stateOf(QString::fromStdString(spec.bundle));
        QCOMPARE(state.status, std::string("exited"));
        QCOMPARE(state.exitCode, 137);
        QCOMPARE(state.restartCount, 0);
        QVERIFY(cgroupGone(spec));
    }
};

QTEST_GUILESS_MAIN(TestShim)
#include "tst_runtime_shim.moc"
