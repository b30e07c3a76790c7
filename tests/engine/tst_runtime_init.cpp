// Starting a container's init for real: a busybox root in two overlay layers,
// run in fresh namespaces, checked from inside (what the process sees) and
// from the host (what it left behind).
#include "runtime/Capabilities.h"
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

using namespace berth::runtime;

namespace {

struct RunResult
{
    std::optional<StartFailure> failure;
    int exitCode = -1;
    QByteArray out;
    bool hostMountsUnchanged = false;
    bool childrenLeft = true;
};

QByteArray hostMountInfo()
{
    QFile file("/proc/self/mountinfo");
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Runs spec with stdout and stderr into one pipe; waits for the container to exit.
RunResult run(const Spec &spec, const std::function<Outcome(pid_t)> &beforeSetup = {})
{
    RunResult result;
    const QByteArray before = hostMountInfo();
    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) < 0)
        return result;
    pid_t pid = -1;
    result.failure = startContainer(spec, Stdio{-1, pipeFds[1], pipeFds[1]}, beforeSetup, &pid);
    close(pipeFds[1]);
    char buffer[4096];
    ssize_t n;
    while ((n = read(pipeFds[0], buffer, sizeof buffer)) > 0)
        result.out.append(buffer, n);
    close(pipeFds[0]);
    if (!result.failure) {
        int status = 0;
        if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
            result.exitCode = WEXITSTATUS(status);
    }
    result.childrenLeft = !(waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD);
    result.hostMountsUnchanged = hostMountInfo() == before;
    return result;
}

} // namespace

class TestRuntimeInit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void runsAsPid1WithHostnameAndCapabilities();
    void overlayUnionWritesLandInUpper();
    void manyLayersUseTheNewMountApi();
    void maskedAndReadonlyPaths();
    void devNodesAndCgroups();
    void cgroupNamespaceStartsAtTheJoinedGroup();
    void userGroupsWorkdirAndEnv();
    void noNewPrivilegesAndReadonlyRoot();
    void terminalBecomesTheControllingTerminal();
    void exitCodeComesThroughWaitpid();
    void missingCommandIs127();
    void directoryCommandIs126();
    void beforeSetupFailureKillsTheChild();
    void networkNamespaceHasOnlyLoopback();
    void copiedRootIsBoundNotOverlaid();
    void hostileSymlinksStayInsideTheRoot();

private:
    Spec baseSpec(const QString &script);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_lowerA;
    QString m_lowerB;
};

void TestRuntimeInit::initTestCase()
{
    if (geteuid() != 0)
        QSKIP("starting containers needs root");
    if (!QFileInfo::exists("/bin/busybox"))
        QSKIP("needs /bin/busybox (busybox-static)");
}

// A fresh bundle per test: lower A holds busybox and its applets, lower B
// shadows A's /etc/motd, and upper/work/rootfs start empty.
void TestRuntimeInit::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_lowerA = m_dir->filePath("A");
    m_lowerB = m_dir->filePath("B");
    for (const char *sub : {"A/bin", "B/etc", "upper", "work", "rootfs"})
        QVERIFY(QDir().mkpath(m_dir->filePath(sub)));
    QVERIFY(QFile::copy("/bin/busybox", m_lowerA + "/bin/busybox"));
    QProcess list;
    list.start("/bin/busybox", {"--list"});
    QVERIFY(list.waitForFinished());
    const QList<QByteArray> applets = list.readAllStandardOutput().split('\n');
    QVERIFY(applets.contains("sh"));
    for (const QByteArray &applet : applets) {
        if (!applet.isEmpty() && applet != "busybox")
            QVERIFY(QFile::link("busybox", m_lowerA + "/bin/" + applet));
    }
    QVERIFY(writeFile(m_lowerA + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                                "user:x:1000:1000::/home/user:/bin/sh\n"));
    QVERIFY(writeFile(m_lowerA + "/etc/group", "root:x:0:\nwheel:x:10:\nuser:x:1000:\n"));
    QVERIFY(writeFile(m_lowerA + "/etc/motd", "from A\n"));
    QVERIFY(writeFile(m_lowerA + "/etc/onlyA", "only A\n"));
    QVERIFY(writeFile(m_lowerB + "/etc/motd", "from B\n"));
    QVERIFY(writeFile(m_dir->filePath("hostname"), "berth-test\n"));
    QVERIFY(writeFile(m_dir->filePath("hosts"), "127.0.0.1 localhost\n"));
    QVERIFY(writeFile(m_dir->filePath("resolv.conf"), "nameserver 127.0.0.53\n"));
}

Spec TestRuntimeInit::baseSpec(const QString &script)
{
    Spec spec;
    spec.id = std::string(64, 'a');
    spec.hostname = "berth-test";
    spec.lowerDirs = {m_lowerB.toStdString(), m_lowerA.toStdString()};
    spec.upperDir = m_dir->filePath("upper").toStdString();
    spec.workDir = m_dir->filePath("work").toStdString();
    spec.rootfsDir = m_dir->filePath("rootfs").toStdString();
    spec.mounts = defaultMounts();
    for (const char *file : {"hostname", "hosts", "resolv.conf"}) {
        spec.mounts.push_back(Mount{std::string("/etc/") + file,
                                    "bind",
                                    m_dir->filePath(file).toStdString(),
                                    {"rbind", "rprivate"}});
    }
    spec.maskedPaths = defaultMaskedPaths();
    spec.readonlyPaths = defaultReadonlyPaths();
    spec.process.args = {"/bin/sh", "-c", script.toStdString()};
    spec.process.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"};
    spec.process.capabilities = defaultCapabilities();
    spec.seccomp = defaultSeccompProfile(spec.process.capabilities);
    return spec;
}

void TestRuntimeInit::runsAsPid1WithHostnameAndCapabilities()
{
    const RunResult r = run(baseSpec("hostname; echo $$; cat /etc/hostname;"
                                     " grep -E '^(CapBnd|CapEff|Seccomp):' /proc/self/status"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.out.split('\n');
    QCOMPARE(lines.value(0), QByteArray("berth-test"));
    QCOMPARE(lines.value(1), QByteArray("1"));
    QCOMPARE(lines.value(2), QByteArray("berth-test"));
    const QByteArray caps = QByteArray::number(qulonglong(defaultCapabilities()), 16);
    QCOMPARE(lines.value(3).simplified(), "CapEff: " + caps.rightJustified(16, '0'));
    QCOMPARE(lines.value(4).simplified(), "CapBnd: " + caps.rightJustified(16, '0'));
    QCOMPARE(lines.value(5).simplified(), QByteArray("Seccomp: 2"));
    QVERIFY(r.hostMountsUnchanged);
    QVERIFY(!r.childrenLeft);
}

void TestRuntimeInit::overlayUnionWritesLandInUpper()
{
    const RunResult r =
        run(baseSpec("cat /etc/motd /etc/onlyA && echo written > /new && rm /etc/onlyA"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QByteArray("from B\nonly A\n"));
    QCOMPARE(readFile(m_dir->filePath("upper/new")), QByteArray("written\n"));
    // The deletion is an overlay whiteout in upper; the lower layer is untouched.
    struct stat st;
    QCOMPARE(lstat(QFile::encodeName(m_dir->filePath("upper/etc/onlyA")).constData(), &st), 0);
    QVERIFY(S_ISCHR(st.st_mode));
    QCOMPARE(readFile(m_lowerA + "/etc/onlyA"), QByteArray("only A\n"));
    QVERIFY(r.hostMountsUnchanged);
    QVERIFY(!hostMountInfo().contains(m_dir->filePath("rootfs").toUtf8()));
}

void TestRuntimeInit::manyLayersUseTheNewMountApi()
{
    Spec spec = baseSpec("cat /etc/motd; cat /layer-7");
    std::vector<std::string> lowers;
    for (int i = 0; i < 40; ++i) {
        const QString dir = m_dir->filePath(QString("layer-%1-").arg(i) + QString(100, QChar('x')));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(writeFile(dir + QString("/layer-%1").arg(i), QByteArray::number(i) + "\n"));
        lowers.push_back(dir.toStdString());
    }
    spec.lowerDirs.insert(spec.lowerDirs.end(), lowers.begin(), lowers.end());
    size_t length = 0;
    for (const std::string &dir : spec.lowerDirs)
        length += dir.size() + 1;
    QVERIFY(length > size_t(sysconf(_SC_PAGESIZE)));
    const RunResult r = run(spec);
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out, QByteArray("from B\n7\n"));
    QVERIFY(r.hostMountsUnchanged);
}

// This host's kernel has no /proc/kcore; /proc/timer_list (a file) and
// /sys/firmware (a directory) are masked paths it does have, and not empty.
void TestRuntimeInit::maskedAndReadonlyPaths()
{
    QVERIFY(!readFile("/proc/timer_list").isEmpty());
    QVERIFY(!QDir("/sys/firmware").isEmpty());
    const RunResult r = run(
        baseSpec("echo timer_list=$(wc -c < /proc/timer_list) firmware=$(ls /sys/firmware | wc -l);"
                 " (echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1 | grep -o 'Read-only file system';"
                 " awk '$5==\"/sys\" || $5==\"/proc/sys\" {split($6,o,\",\"); print $5, o[1]}'"
                 " /proc/self/mountinfo"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out,
             QByteArray("timer_list=0 firmware=0\nRead-only file system\n/sys ro\n/proc/sys ro\n"));

    // Privileged containers have no masked paths: the same read shows the real file.
    Spec privileged = baseSpec("wc -c < /proc/timer_list");
    privileged.maskedPaths.clear();
    const RunResult p = run(privileged);
    QVERIFY2(!p.failure, p.failure ? p.failure->failure.message().c_str() : "");
    QVERIFY2(p.out.trimmed().toInt() > 0, p.out.constData());
}

void TestRuntimeInit::devNodesAndCgroups()
{
    const RunResult r = run(baseSpec(
        "echo hi > /dev/null && wc -c < /dev/null; head -c 4 /dev/zero | wc -c;"
        " test -c /dev/urandom && test -d /dev/pts && test -c /dev/pts/ptmx && echo dev-ok;"
        " readlink /dev/fd; readlink /dev/ptmx; ls /sys/fs/cgroup;"
        " touch /sys/fs/cgroup/x 2>/dev/null || echo cgroup-ro"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    const QList<QByteArray> lines = r.out.split('\n');
    QCOMPARE(lines.mid(0, 5), (QList<QByteArray>{"0", "4", "dev-ok", "/proc/self/fd", "pts/ptmx"}));
    for (const char *controller : {"memory", "pids", "cpu", "freezer", "systemd"})
        QVERIFY2(lines.contains(controller), r.out.constData());
    QVERIFY(lines.contains("cgroup-ro"));
}

// The shim joins the cgroup in beforeSetup; the namespace made after the
// go-ahead then shows that group as "/".
void TestRuntimeInit::cgroupNamespaceStartsAtTheJoinedGroup()
{
    const QString group = QString("/sys/fs/cgroup/pids/berth-test-%1").arg(getpid());
    QVERIFY(QDir().mkpath(group));
    pid_t joined = -1;
    const RunResult r =
        run(baseSpec("grep ':pids:' /proc/self/cgroup; cat /sys/fs/cgroup/pids/cgroup.procs"),
            [&](pid_t pid) -> Outcome {
                joined = pid;
                if (!writeFile(group + "/cgroup.procs", QByteArray::number(pid)))
                    return Failure{EIO, "join the test cgroup"};
                return {};
            });
    const bool removed = QDir().rmdir(group);
    QVERIFY(removed);
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QVERIFY(joined > 0);
    QCOMPARE(r.out.split('\n').value(0).split(':').value(2), QByteArray("/"));
    QCOMPARE(r.out.split('\n').value(1), QByteArray("1"));
}

void TestRuntimeInit::userGroupsWorkdirAndEnv()
{
    Spec spec = baseSpec("id -u; id -g; id -G; pwd; echo $GREETING; grep CapEff /proc/self/status");
    spec.process.uid = 1000;
    spec.process.gid = 1000;
    spec.process.additionalGids = {1000, 10};
    spec.process.cwd = "/work/dir";
    spec.process.env.push_back("GREETING=hello world");
    const RunResult r = run(spec);
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.out.split('\n');
    QCOMPARE(lines.value(0), QByteArray("1000"));
    QCOMPARE(lines.value(1), QByteArray("1000"));
    QCOMPARE(lines.value(2), QByteArray("1000 10"));
    QCOMPARE(lines.value(3), QByteArray("/work/dir"));
    QCOMPARE(lines.value(4), QByteArray("hello world"));
    QCOMPARE(lines.value(5).simplified(), QByteArray("CapEff: 0000000000000000"));
    QVERIFY(QFileInfo(m_dir->filePath("upper/work/dir")).isDir());
}

void TestRuntimeInit::noNewPrivilegesAndReadonlyRoot()
{
    Spec spec =
        baseSpec("grep NoNewPrivs /proc/self/status; pwd;"
                 " touch /x 2>/dev/null || echo root-ro; echo ok > /dev/shm/x && echo shm-rw");
    spec.process.noNewPrivileges = true;
    spec.readonlyRootfs = true;
    spec.process.cwd = "/app";
    const RunResult r = run(spec);
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out.simplified(), QByteArray("NoNewPrivs: 1 /app root-ro shm-rw"));
    QVERIFY(!QFileInfo::exists(m_dir->filePath("upper/x")));
}

void TestRuntimeInit::terminalBecomesTheControllingTerminal()
{
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    QVERIFY(master >= 0);
    QVERIFY(grantpt(master) == 0 && unlockpt(master) == 0);
    const int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    QVERIFY(slave >= 0);
    // /proc/1/stat fields 6 and 7: the session (pid 1 leads its own) and the
    // controlling terminal (0 when there is none).
    Spec spec = baseSpec("test -t 0 && echo is-tty; cut -d' ' -f6,7 /proc/1/stat");
    spec.process.terminal = true;
    pid_t pid = -1;
    const auto failure = startContainer(spec, Stdio{slave, slave, slave}, {}, &pid);
    close(slave);
    QVERIFY2(!failure, failure ? failure->failure.message().c_str() : "");
    QByteArray out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(master, buffer, sizeof buffer)) > 0) // EIO once the slave is closed
        out.append(buffer, n);
    close(master);
    int status = 0;
    QCOMPARE(waitpid(pid, &status, 0), pid);
    const QList<QByteArray> lines = out.replace('\r', "").split('\n');
    QCOMPARE(lines.value(0), QByteArray("is-tty"));
    const QList<QByteArray> fields = lines.value(1).split(' ');
    QCOMPARE(fields.value(0), QByteArray("1"));
    QVERIFY2(fields.value(1).toInt() != 0, out.constData());
}

void TestRuntimeInit::exitCodeComesThroughWaitpid()
{
    const RunResult r = run(baseSpec("exit 42"));
    QVERIFY(!r.failure);
    QCOMPARE(r.exitCode, 42);
}

void TestRuntimeInit::missingCommandIs127()
{
    Spec spec = baseSpec("");
    spec.process.args = {"foo"};
    RunResult r = run(spec);
    QVERIFY(r.failure);
    QCOMPARE(r.failure->exitCode, 127);
    QCOMPARE(QString::fromStdString(r.failure->failure.message()),
             QString("exec: \"foo\": executable file not found in $PATH"));
    QVERIFY(!r.childrenLeft);
    QVERIFY(r.hostMountsUnchanged);

    spec.process.args = {"/nope"};
    r = run(spec);
    QVERIFY(r.failure);
    QCOMPARE(r.failure->exitCode, 127);
    QCOMPARE(QString::fromStdString(r.failure->failure.message()),
             QString("exec: \"/nope\": stat /nope: no such file or directory"));

    // A name found in PATH runs: "true" is busybox's applet in /bin.
    spec.process.args = {"true"};
    r = run(spec);
    QVERIFY(!r.failure);
    QCOMPARE(r.exitCode, 0);
}

void TestRuntimeInit::directoryCommandIs126()
{
    Spec spec = baseSpec("");
    spec.process.args = {"/etc"};
    const RunResult r = run(spec);
    QVERIFY(r.failure);
    QCOMPARE(r.failure->exitCode, 126);
    QCOMPARE(QString::fromStdString(r.failure->failure.message()),
             QString("exec: \"/etc\": permission denied"));
    QVERIFY(!r.childrenLeft);
}

void TestRuntimeInit::beforeSetupFailureKillsTheChild()
{
    pid_t seen = -1;
    const RunResult r = run(baseSpec("echo started > /started"), [&](pid_t pid) -> Outcome {
        seen = pid;
        return Failure{EBUSY, "join cgroup `berth/x`"};
    });
    QVERIFY(r.failure);
    QCOMPARE(r.failure->exitCode, 125);
    QCOMPARE(QString::fromStdString(r.failure->failure.message()),
             QString("join cgroup `berth/x`: ") + strerror(EBUSY));
    QVERIFY(seen > 0);
    QVERIFY(kill(seen, 0) < 0 && errno == ESRCH);
    QVERIFY(!r.childrenLeft);
    QVERIFY(!QFileInfo::exists(m_dir->filePath("upper/started")));
}

void TestRuntimeInit::networkNamespaceHasOnlyLoopback()
{
    const RunResult r = run(baseSpec("tail -n +3 /proc/net/dev | cut -d: -f1"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out.simplified(), QByteArray("lo"));
}

void TestRuntimeInit::copiedRootIsBoundNotOverlaid()
{
    Spec spec = baseSpec("cat /etc/motd; echo copied > /written");
    spec.lowerDirs.clear();
    spec.upperDir.clear();
    spec.workDir.clear();
    spec.rootfsDir = m_lowerA.toStdString();
    const RunResult r = run(spec);
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out, QByteArray("from A\n"));
    QCOMPARE(readFile(m_lowerA + "/written"), QByteArray("copied\n"));
    QVERIFY(r.hostMountsUnchanged);
    QVERIFY(!hostMountInfo().contains(m_lowerA.toUtf8()));
}

// An image whose /proc is a symlink to a host directory, and whose /sys points
// into a host directory that lacks the target: the mounts and the directories
// made for them stay inside the root.
void TestRuntimeInit::hostileSymlinksStayInsideTheRoot()
{
    QTemporaryDir host;
    QVERIFY(writeFile(host.filePath("proc/host-secret"), "secret\n"));
    QVERIFY(QDir().mkpath(host.filePath("sys")));
    QVERIFY(QFile::link(host.filePath("proc"), m_lowerA + "/proc"));
    QVERIFY(QFile::link(host.filePath("sys/made"), m_lowerA + "/sys"));
    const RunResult r = run(baseSpec("cat /proc/1/cmdline | tr '\\0' ' '; echo;"
                                     " ls /proc/host-secret 2>/dev/null || echo no-secret;"
                                     " test -d /sys/kernel && echo sys-ok"));
    QVERIFY2(!r.failure, r.failure ? r.failure->failure.message().c_str() : "");
    QCOMPARE(r.out.split('\n').value(0).startsWith("/bin/sh -c "), true);
    QVERIFY2(r.out.contains("\nno-secret\nsys-ok\n"), r.out.constData());
    QCOMPARE(QDir(host.filePath("proc")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
             QStringList{"host-secret"});
    QVERIFY(!QFileInfo::exists(host.filePath("sys/made")));
    // What was made for them is in the container's upper layer.
    QVERIFY(QFileInfo(m_dir->filePath("upper") + host.filePath("sys/made")).isDir());
    QVERIFY(r.hostMountsUnchanged);
}

QTEST_GUILESS_MAIN(TestRuntimeInit)
#include "tst_runtime_init.moc"
