// docker exec for real: a busybox container started with startContainer in its
// own cgroup, then processes exec'd into it, checked from inside (what they
// see) and from the host (namespaces, cgroup, that they die with the container).
#include "runtime/Capabilities.h"
#include "runtime/Cgroup.h"
#include "runtime/Exec.h"
#include "runtime/Init.h"
#include "runtime/Rootfs.h"
#include "runtime/SeccompFilter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

using namespace berth::runtime;

namespace {

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// /proc/<pid>/ns/<name> as the kernel names it ("net:[4026532281]").
QByteArray nsId(pid_t pid, const char *name)
{
    char target[64] = {};
    const QByteArray path = QString("/proc/%1/ns/%2").arg(pid).arg(name).toLocal8Bit();
    const ssize_t n = readlink(path.constData(), target, sizeof target - 1);
    return n > 0 ? QByteArray(target, int(n)) : QByteArray();
}

struct ExecResult
{
    std::optional<StartFailure> failure;
    int status = -1; // waitpid's
    QByteArray out;
};

} // namespace

class TestRuntimeExec : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void joinsEveryNamespaceOfTheInit();
    void seesTheContainersFilesAndPids();
    void joinsTheCgroupAndDiesWithTheContainer();
    void userCapabilitiesAndSeccomp();
    void workdirAndEnvironment();
    void terminalIsAPtyOfTheContainer();
    void missingCommandIs127AndLeavesNoChild();
    void missingWorkdirFails();
    void detachedProcessIsReapedByItsKeeper();

private:
    Spec execSpec(const QString &script) const;
    ExecResult exec(const Spec &spec);

    std::unique_ptr<QTemporaryDir> m_dir;
    Spec m_spec;
    pid_t m_init = -1;
    Cgroup m_cgroup;
};

void TestRuntimeExec::initTestCase()
{
    if (geteuid() != 0)
        QSKIP("starting containers needs root");
    if (!QFileInfo::exists("/bin/busybox"))
        QSKIP("needs /bin/busybox (busybox-static)");
}

// Per test: a fresh busybox root (bound, as the copy driver does) and a
// container whose init marks its start in /tmp and then sleeps as PID 1.
void TestRuntimeExec::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString root = m_dir->filePath("rootfs");
    for (const char *sub : {"rootfs/bin", "rootfs/tmp", "rootfs/etc"})
        QVERIFY(QDir().mkpath(m_dir->filePath(sub)));
    QVERIFY(QFile::copy("/bin/busybox", root + "/bin/busybox"));
    QProcess list;
    list.start("/bin/busybox", {"--list"});
    QVERIFY(list.waitForFinished());
    for (const QByteArray &applet : list.readAllStandardOutput().split('\n')) {
        if (!applet.isEmpty() && applet != "busybox")
            QVERIFY(QFile::link("busybox", root + "/bin/" + applet));
    }
    QVERIFY(writeFile(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                            "user:x:1000:1000::/home/user:/bin/sh\n"));
    QVERIFY(writeFile(m_dir->filePath("hostname"), "berth-exec\n"));

    Spec &spec = m_spec;
    spec = Spec{};
    spec.id = std::string(64, 'e');
    spec.hostname = "berth-exec";
    spec.rootfsDir = root.toStdString();
    spec.mounts = defaultMounts();
    spec.mounts.push_back(
        Mount{"/etc/hostname", "bind", m_dir->filePath("hostname").toStdString(), {"rbind"}});
    spec.maskedPaths = defaultMaskedPaths();
    spec.readonlyPaths = defaultReadonlyPaths();
    spec.process.args = {"/bin/sh", "-c",
                         "echo from-init > /tmp/marker; echo ready; exec sleep 1000"};
    spec.process.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"};
    spec.process.capabilities = defaultCapabilities();
    spec.seccomp = defaultSeccompProfile(spec.process.capabilities);
    spec.cgroupName = "berth-test-exec-" + std::to_string(getpid());
    const Outcome created = Cgroup::create(spec.cgroupName, Resources{}, &m_cgroup);
    QVERIFY2(!created, created ? created->message().c_str() : "");

    int out[2];
    QVERIFY(pipe2(out, O_CLOEXEC) == 0);
    const auto failure = startContainer(
        spec, Stdio{-1, out[1], out[1]}, [&](pid_t pid) { return m_cgroup.addProcess(pid); },
        &m_init);
    close(out[1]);
    QVERIFY2(!failure, failure ? failure->failure.message().c_str() : "");
    // The init has written its marker once it says so.
    char ready[6] = {};
    const ssize_t n = read(out[0], ready, 6);
    close(out[0]);
    QCOMPARE(QByteArray(ready, int(qMax<ssize_t>(n, 0))), QByteArray("ready\n"));
}

void TestRuntimeExec::cleanup()
{
    if (m_init > 0) {
        kill(m_init, SIGKILL);
        waitpid(m_init, nullptr, 0);
        m_init = -1;
    }
    if (!m_cgroup.name().empty()) {
        const Outcome destroyed = m_cgroup.destroy();
        QVERIFY2(!destroyed, destroyed ? destroyed->message().c_str() : "");
        m_cgroup = Cgroup();
    }
}

Spec TestRuntimeExec::execSpec(const QString &script) const
{
    Spec spec = m_spec;
    spec.process.args = {"/bin/sh", "-c", script.toStdString()};
    return spec;
}

// Runs spec with stdout and stderr into one pipe and waits for the process.
ExecResult TestRuntimeExec::exec(const Spec &spec)
{
    ExecResult result;
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return result;
    pid_t pid = -1;
    result.failure = startExec(spec, m_init, Stdio{-1, out[1], out[1]}, &pid);
    close(out[1]);
    char buffer[4096];
    ssize_t n;
    while ((n = read(out[0], buffer, sizeof buffer)) > 0)
        result.out.append(buffer, int(n));
    close(out[0]);
    if (!result.failure)
        waitpid(pid, &result.status, 0);
    return result;
}

void TestRuntimeExec::joinsEveryNamespaceOfTheInit()
{
    const ExecResult r =
        exec(execSpec("for ns in mnt uts ipc net pid cgroup; do readlink /proc/self/ns/$ns; done"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QVERIFY(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    const char *names[] = {"mnt", "uts", "ipc", "net", "pid", "cgroup"};
    QCOMPARE(lines.size(), 6);
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(lines[i], nsId(m_init, names[i]));
        // Each is the container's own, not the host's.
        QVERIFY(lines[i] != nsId(getpid(), names[i]));
    }
}

void TestRuntimeExec::seesTheContainersFilesAndPids()
{
    const ExecResult r = exec(execSpec("hostname; echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo;"
                                       " cat /tmp/marker; echo from-exec > /tmp/back"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    const QList<QByteArray> lines = r.out.split('\n');
    QCOMPARE(lines.value(0), QByteArray("berth-exec"));
    QVERIFY2(lines.value(1).toInt() > 1, r.out.constData());
    QCOMPARE(lines.value(2).trimmed(), QByteArray("sleep 1000"));
    QCOMPARE(lines.value(3), QByteArray("from-init"));
    // The same root: what exec wrote is in the container's directory on the host.
    QFile back(m_dir->filePath("rootfs/tmp/back"));
    QVERIFY(back.open(QIODevice::ReadOnly));
    QCOMPARE(back.readAll(), QByteArray("from-exec\n"));
}

void TestRuntimeExec::joinsTheCgroupAndDiesWithTheContainer()
{
    Spec spec = execSpec("exec sleep 1000");
    pid_t pid = -1;
    const auto failure = startExec(spec, m_init, Stdio{}, &pid);
    QVERIFY2(!failure, failure ? failure->failure.message().c_str() : "");
    const std::vector<pid_t> members = m_cgroup.processes();
    QVERIFY(std::find(members.begin(), members.end(), pid) != members.end());
    QCOMPARE(nsId(pid, "pid"), nsId(m_init, "pid"));
    QCOMPARE(nsId(pid, "mnt"), nsId(m_init, "mnt"));
    // Inside, the cgroup namespace shows the container's group as the root.
    const ExecResult inside = exec(execSpec("grep ':pids:' /proc/self/cgroup"));
    QCOMPARE(inside.out.trimmed().split(':').value(2), QByteArray("/"));

    // The init's end takes every process of its pid namespace with it. (The
    // init's own exit completes only once they are all reaped, so this first.)
    kill(m_init, SIGKILL);
    int status = 0;
    QCOMPARE(waitpid(pid, &status, 0), pid);
    QVERIFY(WIFSIGNALED(status));
    QCOMPARE(WTERMSIG(status), SIGKILL);
    QCOMPARE(waitpid(m_init, nullptr, 0), m_init);
    m_init = -1;
}

void TestRuntimeExec::userCapabilitiesAndSeccomp()
{
    const QByteArray caps =
        QByteArray::number(qulonglong(defaultCapabilities()), 16).rightJustified(16, '0');
    const QString script = "id -u; id -g; grep -E '^(CapEff|CapBnd|Seccomp|NoNewPrivs):' "
                           "/proc/self/status";
    ExecResult root = exec(execSpec(script));
    QVERIFY2(!root.failure, root.failure ? root.failure->failure.message().c_str() : "");
    QList<QByteArray> lines = root.out.split('\n');
    QCOMPARE(lines.value(0), QByteArray("0"));
    QCOMPARE(lines.value(2).simplified(), "CapEff: " + caps);
    QCOMPARE(lines.value(3).simplified(), "CapBnd: " + caps);
    QCOMPARE(lines.value(4).simplified(), QByteArray("NoNewPrivs: 0"));
    QCOMPARE(lines.value(5).simplified(), QByteArray("Seccomp: 2"));

    Spec spec = execSpec(script);
    spec.process.uid = 1000;
    spec.process.gid = 1000;
    spec.process.noNewPrivileges = true;
    const ExecResult user = exec(spec);
    QVERIFY2(!user.failure, user.failure ? user.failure->failure.message().c_str() : "");
    lines = user.out.split('\n');
    QCOMPARE(lines.value(0), QByteArray("1000"));
    QCOMPARE(lines.value(1), QByteArray("1000"));
    QCOMPARE(lines.value(2).simplified(), QByteArray("CapEff: 0000000000000000"));
    QCOMPARE(lines.value(3).simplified(), "CapBnd: " + caps);
    QCOMPARE(lines.value(4).simplified(), QByteArray("NoNewPrivs: 1"));
    // The default profile refuses what it refuses in the container itself.
    const ExecResult refused = exec(execSpec("unshare -m true 2>&1; echo rc=$?"));
    QVERIFY(refused.out.contains("rc=1"));
}

void TestRuntimeExec::workdirAndEnvironment()
{
    Spec spec = execSpec("pwd; echo $GREETING; exit 7");
    spec.process.cwd = "/tmp";
    spec.process.env.push_back("GREETING=hello");
    const ExecResult r = exec(spec);
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out, QByteArray("/tmp\nhello\n"));
    QVERIFY(WIFEXITED(r.status));
    QCOMPARE(WEXITSTATUS(r.status), 7);
}

// The pty comes from the container's own devpts, so its name means something inside.
void TestRuntimeExec::terminalIsAPtyOfTheContainer()
{
    Spec spec = execSpec("tty; ls /dev/pts");
    spec.process.terminal = true;
    pid_t pid = -1;
    int master = -1;
    const auto failure = startExec(spec, m_init, Stdio{}, &pid, &master);
    QVERIFY2(!failure, failure ? failure->failure.message().c_str() : "");
    QVERIFY(master >= 0);
    QVERIFY(fcntl(master, F_GETFD) & FD_CLOEXEC);
    int status = 0;
    QCOMPARE(waitpid(pid, &status, 0), pid);
    QByteArray out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(master, buffer, sizeof buffer)) > 0) // EIO once the slave is gone
        out.append(buffer, int(n));
    close(master);
    const QList<QByteArray> lines = out.replace("\r", "").split('\n');
    QCOMPARE(lines.value(0), QByteArray("/dev/pts/0"));
    QCOMPARE(lines.value(1).simplified(), QByteArray("0 ptmx"));
}

void TestRuntimeExec::missingCommandIs127AndLeavesNoChild()
{
    Spec spec = m_spec;
    spec.process.args = {"nope"};
    const ExecResult r = exec(spec);
    QVERIFY(r.failure);
    QCOMPARE(r.failure->exitCode, 127);
    QCOMPARE(r.failure->failure.message(),
             std::string("exec: \"nope\": executable file not found in $PATH"));
    // The failed child was reaped; only the container's init is left.
    QCOMPARE(waitpid(-1, nullptr, WNOHANG), 0);
    const std::vector<pid_t> members = m_cgroup.processes();
    QCOMPARE(members, std::vector<pid_t>{m_init});
}

void TestRuntimeExec::missingWorkdirFails()
{
    Spec spec = execSpec("true");
    spec.process.cwd = "/nonexistent";
    const ExecResult r = exec(spec);
    QVERIFY(r.failure);
    QCOMPARE(r.failure->failure.message(),
             std::string("chdir to `/nonexistent`: No such file or directory"));
}

// exec -d: the process is no child of the caller but of a keeper outside the
// container, which reaps it: no zombie is left under this init (sleep, which
// never waits), and the container ends as usual.
void TestRuntimeExec::detachedProcessIsReapedByItsKeeper()
{
    const auto started = startDetachedExec(
        execSpec("echo $PPID > /tmp/parent; while [ ! -e /tmp/go ]; do sleep 0.05; done"), m_init);
    QVERIFY2(!started, started ? started->failure.message().c_str() : "");
    // The caller has no child but the init.
    QCOMPARE(waitpid(-1, nullptr, WNOHANG), 0);
    const QString parentFile = m_dir->filePath("rootfs/tmp/parent");
    QTRY_VERIFY(QFileInfo(parentFile).size() > 0);
    QFile parent(parentFile);
    QVERIFY(parent.open(QIODevice::ReadOnly));
    QCOMPARE(parent.readAll(), QByteArray("0\n")); // its parent is outside, as docker's

    // In the container's cgroup; its parent (seen from the host) is neither the
    // init nor this process, and is not in the container.
    const auto procFile = [](pid_t pid, const char *name) {
        QFile file(QString("/proc/%1/%2").arg(pid).arg(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    const auto parentOf = [&](pid_t pid) {
        const QByteArray status = procFile(pid, "status");
        const qsizetype at = status.indexOf("\nPPid:\t");
        return at < 0 ? -1 : status.mid(at + 7, status.indexOf('\n', at + 1) - at - 7).toInt();
    };
    std::vector<pid_t> members = m_cgroup.processes();
    std::vector<pid_t> detached;
    for (const pid_t pid : members) {
        const pid_t ppid = parentOf(pid);
        if (pid != m_init && std::find(members.begin(), members.end(), ppid) == members.end())
            detached.push_back(pid);
    }
    QCOMPARE(detached.size(), size_t(1));
    const pid_t keeper = parentOf(detached.front());
    QVERIFY(keeper > 0 && keeper != m_init && keeper != getpid());

    // A command that cannot start fails as startExec's do.
    Spec missing = m_spec;
    missing.process.args = {"nope"};
    const auto failed = startDetachedExec(missing, m_init);
    QVERIFY(failed);
    QCOMPARE(failed->exitCode, 127);
    QCOMPARE(failed->failure.message(),
             std::string("exec: \"nope\": executable file not found in $PATH"));
    QCOMPARE(waitpid(-1, nullptr, WNOHANG), 0);

    // Once it ends, the keeper reaps it and goes: the init is alone in the cgroup.
    QVERIFY(writeFile(m_dir->filePath("rootfs/tmp/go"), ""));
    QTRY_COMPARE(m_cgroup.processes(), std::vector<pid_t>{m_init});
    QTRY_VERIFY(procFile(keeper, "stat").isEmpty() || procFile(keeper, "stat").contains(") Z "));
}

QTEST_GUILESS_MAIN(TestRuntimeExec)
#include "tst_runtime_exec.moc"
