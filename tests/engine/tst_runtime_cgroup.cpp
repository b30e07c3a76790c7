// Tests for the cgroup drivers: docker's flags land in the kernel's files, the kernel
// enforces them (OOM kill, pids limit, freezer), and create/destroy leave nothing
// behind. Written for whichever version Cgroup::detect() finds: v1 on this host, v2
// when the same binary runs in a VM booted with cgroup_no_v1=all. Everything lives
// under "berth-test-<pid>" in each hierarchy, removed in cleanupTestCase.
#include "runtime/Cgroup.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace berth::runtime;

#define VERIFY_OK(outcome)                                                                         \
    do {                                                                                           \
        const Outcome result_ = (outcome);                                                         \
        QVERIFY2(!result_, result_ ? result_->message().c_str() : "");                             \
    } while (false)

namespace {

constexpr qint64 MiB = 1024 * 1024;

int waitForever()
{
    for (;;)
        ::pause();
}

int spin()
{
    volatile unsigned long counter = 0;
    for (;;)
        counter = counter + 1;
}

// Touches 64 MiB, far past the 10 MiB limit of the group it runs in.
int allocate64MiB()
{
    const size_t size = 64 * MiB;
    void *memory =
        ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return 3;
    for (size_t at = 0; at < size; at += 4096)
        static_cast<volatile char *>(memory)[at] = 1;
    return 0;
}

// Forks until the kernel refuses; exits with the number of children it got, or 100
// when the refusal was not EAGAIN.
int forkUntilRefused()
{
    pid_t children[16];
    int count = 0;
    int code = 100;
    while (count < 16) {
        const pid_t pid = ::fork();
        if (pid == 0)
            waitForever();
        if (pid < 0) {
            code = errno == EAGAIN ? count : 100;
            break;
        }
        children[count++] = pid;
    }
    for (int i = 0; i < count; ++i) {
        ::kill(children[i], SIGKILL);
        ::waitpid(children[i], nullptr, 0);
    }
    return code;
}

QString readText(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("<cannot read %1>").arg(file.fileName());
    return QString::fromUtf8(file.readAll()).trimmed();
}

// utime + stime of pid, in clock ticks (/proc/<pid>/stat fields 14 and 15).
qint64 cpuTicks(pid_t pid)
{
    const QString stat = readText("/proc/" + std::to_string(pid) + "/stat");
    const QStringList fields = stat.mid(stat.lastIndexOf(QLatin1Char(')')) + 2).split(' ');
    return fields.size() > 12 ? fields.at(11).toLongLong() + fields.at(12).toLongLong() : -1;
}

// Kills what runs in a test group and removes it, children first; independent of
// the driver so that it cleans up even when the driver is wrong.
void removeTree(const QString &dir)
{
    const QStringList subdirs = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &subdir : subdirs)
        removeTree(dir + QLatin1Char('/') + subdir);
    QFile thawV1(dir + "/freezer.state");
    if (thawV1.open(QIODevice::WriteOnly))
        thawV1.write("THAWED");
    QFile thawV2(dir + "/cgroup.freeze");
    if (thawV2.open(QIODevice::WriteOnly))
        thawV2.write("0");
    for (int attempt = 0; attempt < 200; ++attempt) {
        for (const QString &pid : readText(dir.toStdString() + "/cgroup.procs").split('\n'))
            if (pid.toInt() > 0)
                ::kill(pid.toInt(), SIGKILL);
        if (::rmdir(QFile::encodeName(dir).constData()) == 0 || errno == ENOENT)
            return;
        ::usleep(10000);
    }
    qWarning("could not remove test cgroup %s", qPrintable(dir));
}

} // namespace

class TestCgroup : public QObject
{
    Q_OBJECT

    std::string m_base = "berth-test-" + std::to_string(::getpid());
    CgroupVersion m_version = CgroupVersion::V1;
    QList<pid_t> m_children;

    bool v2() const { return m_version == CgroupVersion::V2; }

    // The value of a cgroup file, from whichever of the group's directories has it.
    QString value(const Cgroup &group, const std::string &file) const
    {
        for (const std::string &dir : group.paths())
            if (QFileInfo::exists(QString::fromStdString(dir + "/" + file)))
                return readText(dir + "/" + file);
        return QStringLiteral("<no %1>").arg(QString::fromStdString(file));
    }

    bool has(const Cgroup &group, const std::string &file) const
    {
        return !value(group, file).startsWith(QLatin1String("<no "));
    }

    // Forks a child that waits at a gate (so the test can put it in a group first),
    // then runs body and exits with its result.
    pid_t forkChild(int (*body)(), int *gate)
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return -1;
        // QtTest's crash handlers must not run in a child (they would print a stack
        // trace for every SIGTERM and can hang it), so signals stay blocked until
        // the child has put the defaults back.
        sigset_t all;
        sigset_t previous;
        ::sigfillset(&all);
        ::pthread_sigmask(SIG_BLOCK, &all, &previous);
        const pid_t pid = ::fork();
        if (pid == 0) {
            struct sigaction defaults = {};
            defaults.sa_handler = SIG_DFL;
            for (int sig = 1; sig < NSIG; ++sig)
                ::sigaction(sig, &defaults, nullptr);
            ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
            char byte = 0;
            ::close(fds[1]);
            while (::read(fds[0], &byte, 1) < 0 && errno == EINTR) {
            }
            ::_exit(body());
        }
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        ::close(fds[0]);
        *gate = fds[1];
        if (pid > 0)
            m_children << pid;
        return pid;
    }

    static void release(int gate)
    {
        const ssize_t written = ::write(gate, "x", 1);
        Q_UNUSED(written);
        ::close(gate);
    }

    // A child put into group and let go, running body.
    pid_t startIn(const Cgroup &group, int (*body)())
    {
        int gate = -1;
        const pid_t pid = forkChild(body, &gate);
        if (pid < 0)
            return pid;
        const Outcome joined = group.addProcess(pid);
        release(gate);
        if (joined)
            qWarning("%s", joined->message().c_str());
        return joined ? -1 : pid;
    }

    int reap(pid_t pid)
    {
        int status = 0;
        ::waitpid(pid, &status, 0);
        m_children.removeAll(pid);
        return status;
    }

    void verifyGone(const Cgroup &group)
    {
        for (const std::string &dir : group.paths())
            QVERIFY2(!QFileInfo::exists(QString::fromStdString(dir)), dir.c_str());
    }

private slots:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("cgroups are created as root");
        m_version = Cgroup::detect();
        if (v2()) {
            // Berth never enables controllers in the root; a host's init does.
            const QString root = readText("/sys/fs/cgroup/cgroup.subtree_control");
            for (const char *controller : {"memory", "cpu", "pids", "cpuset"})
                if (!root.split(' ').contains(QLatin1String(controller)))
                    QSKIP(qPrintable(QStringLiteral("enable the %1 controller first: echo "
                                                    "+memory +cpu +pids +cpuset > "
                                                    "/sys/fs/cgroup/cgroup.subtree_control")
                                         .arg(QLatin1String(controller))));
        }
    }

    void cleanup()
    {
        for (const pid_t pid : std::as_const(m_children)) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        m_children.clear();
    }

    void cleanupTestCase()
    {
        std::vector<std::string> dirs = Cgroup::open(m_base).paths();
        if (!v2())
            dirs.push_back("/sys/fs/cgroup/unified/" + m_base);
        for (const std::string &dir : dirs)
            removeTree(QString::fromStdString(dir));
        for (const std::string &dir : dirs)
            QVERIFY2(!QFileInfo::exists(QString::fromStdString(dir)), dir.c_str());
    }

    void validate_data()
    {
        QTest::addColumn<qint64>("memory");
        QTest::addColumn<qint64>("memorySwap");
        QTest::addColumn<qint64>("cpuPeriod");
        QTest::addColumn<qint64>("cpuQuota");
        QTest::addColumn<bool>("update");
        QTest::addColumn<QString>("message");
        const QString memory = QStringLiteral("Minimum memory limit allowed is 6MB");
        const QString swap = QStringLiteral(
            "Minimum memoryswap limit should be larger than memory limit, see usage");
        const QString swapAlone = QStringLiteral(
            "You should always set the Memory limit when using Memoryswap limit, see usage");
        const QString period = QStringLiteral("CPU cfs period can not be less than 1ms (i.e. 1000) "
                                              "or larger than 1s (i.e. 1000000)");
        const QString quota = QStringLiteral("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        QTest::newRow("nothing") << 0ll << 0ll << 0ll << 0ll << false << QString();
        QTest::newRow("memory 5MiB") << 5 * MiB << 0ll << 0ll << 0ll << false << memory;
        QTest::newRow("memory 1 byte") << 1ll << 0ll << 0ll << 0ll << false << memory;
        QTest::newRow("memory 6MiB") << 6 * MiB << 0ll << 0ll << 0ll << false << QString();
        QTest::newRow("swap below memory") << 64 * MiB << 32 * MiB << 0ll << 0ll << false << swap;
        QTest::newRow("swap equal") << 64 * MiB << 64 * MiB << 0ll << 0ll << false << QString();
        QTest::newRow("swap unlimited") << 64 * MiB << -1ll << 0ll << 0ll << false << QString();
        QTest::newRow("swap alone") << 0ll << 64 * MiB << 0ll << 0ll << false << swapAlone;
        QTest::newRow("swap alone on update") << 0ll << 64 * MiB << 0ll << 0ll << true << QString();
        QTest::newRow("period 999") << 0ll << 0ll << 999ll << 0ll << false << period;
        QTest::newRow("period 1000") << 0ll << 0ll << 1000ll << 0ll << false << QString();
        QTest::newRow("period 1000000") << 0ll << 0ll << 1000000ll << 0ll << false << QString();
        QTest::newRow("period 1000001") << 0ll << 0ll << 1000001ll << 0ll << false << period;
        QTest::newRow("period -3") << 0ll << 0ll << -3ll << 0ll << false << period;
        QTest::newRow("quota 999") << 0ll << 0ll << 0ll << 999ll << false << quota;
        QTest::newRow("quota 1000") << 0ll << 0ll << 0ll << 1000ll << false << QString();
        QTest::newRow("quota -1") << 0ll << 0ll << 0ll << -1ll << false << QString();
    }
    void validate()
    {
        QFETCH(qint64, memory);
        QFETCH(qint64, memorySwap);
        QFETCH(qint64, cpuPeriod);
        QFETCH(qint64, cpuQuota);
        QFETCH(bool, update);
        QFETCH(QString, message);
        Resources r;
        r.memory = memory;
        r.memorySwap = memorySwap;
        r.cpuPeriod = cpuPeriod;
        r.cpuQuota = cpuQuota;
        QCOMPARE(QString::fromStdString(validateResources(r, update)), message);
    }

    void conversions()
    {
        QCOMPARE(MinimumMemory, 6 * MiB);
        QCOMPARE(cpuQuotaForNanoCpus(1500000000), 150000);
        QCOMPARE(cpuQuotaForNanoCpus(500000000), 50000);
        QCOMPARE(cpuQuotaForNanoCpus(10000000), 1000);
        QCOMPARE(cpuWeightForShares(0), 0);
        QCOMPARE(cpuWeightForShares(2), 1);
        QCOMPARE(cpuWeightForShares(512), 20);
        QCOMPARE(cpuWeightForShares(1024), 39);
        QCOMPARE(cpuWeightForShares(262144), 10000);
        QCOMPARE(cpuWeightForShares(1000000), 10000);
    }

    void detectPlainDirectoryIsV1()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QCOMPARE(Cgroup::detect(dir.path().toStdString()), CgroupVersion::V1);
    }

    void createAppliesLimitsAndJoins()
    {
        const std::string name = m_base + "/c1";
        Resources r;
        r.memory = 64 * MiB;
        r.cpuQuota = cpuQuotaForNanoCpus(500000000);
        r.cpuPeriod = DefaultCpuPeriod;
        r.pidsLimit = 20;
        r.cpusetCpus = "0";
        r.cpuShares = 512;
        Cgroup group;
        VERIFY_OK(Cgroup::create(name, r, &group));
        QCOMPARE(group.version(), m_version);
        QCOMPARE(group.name(), name);
        QVERIFY(!group.paths().empty());
        for (const std::string &dir : group.paths()) {
            QVERIFY2(QFileInfo(QString::fromStdString(dir)).isDir(), dir.c_str());
            QVERIFY2(dir.size() > name.size() && dir.substr(dir.size() - name.size()) == name,
                     dir.c_str());
        }
        if (v2()) {
            QCOMPARE(group.paths().size(), size_t(1));
            QCOMPARE(value(group, "memory.max"), "67108864");
            QCOMPARE(value(group, "cpu.max"), "50000 100000");
            QCOMPARE(value(group, "pids.max"), "20");
            QCOMPARE(value(group, "cpu.weight"), "20");
            QCOMPARE(value(group, "cpuset.cpus"), "0");
        } else {
            QVERIFY(group.paths().size() >= 5); // memory, cpu, cpuset, pids, freezer at least
            QCOMPARE(value(group, "memory.limit_in_bytes"), "67108864");
            QCOMPARE(value(group, "cpu.cfs_quota_us"), "50000");
            QCOMPARE(value(group, "cpu.cfs_period_us"), "100000");
            QCOMPARE(value(group, "pids.max"), "20");
            QCOMPARE(value(group, "cpuset.cpus"), "0");
            QCOMPARE(value(group, "cpu.shares"), "512");
            // Inherited, or no task could join.
            QVERIFY(!value(group, "cpuset.mems").isEmpty());
            QVERIFY(has(group, "freezer.state"));
        }

        const pid_t child = startIn(group, waitForever);
        QVERIFY(child > 0);
        const QStringList lines =
            readText("/proc/" + std::to_string(child) + "/cgroup").split('\n');
        const QString where = QString::fromStdString("/" + name);
        qsizetype inGroup = 0;
        for (const QString &line : lines)
            inGroup += line.section(':', 2) == where;
        if (v2())
            QVERIFY2(lines.contains("0::" + where), qPrintable(lines.join(' ')));
        else
            QCOMPARE(size_t(inGroup), group.paths().size());
        QCOMPARE(group.processes(), std::vector<pid_t>{child});

        CgroupStats stats;
        VERIFY_OK(group.stats(&stats));
        QCOMPARE(stats.pids, 1);
        QCOMPARE(stats.pidsLimit, 20);
        QCOMPARE(stats.memoryLimit, 64 * MiB);
        QVERIFY(stats.memoryUsage >= 0);
        QCOMPARE(stats.oomKills, 0u);
        QVERIFY(!stats.oomKilled);

        // docker update: the set fields change, the others stay.
        Resources more;
        more.memory = 128 * MiB;
        more.cpuQuota = cpuQuotaForNanoCpus(1500000000);
        VERIFY_OK(group.update(more));
        if (v2()) {
            QCOMPARE(value(group, "memory.max"), "134217728");
            QCOMPARE(value(group, "cpu.max"), "150000 100000");
            QCOMPARE(value(group, "cpu.weight"), "20");
        } else {
            QCOMPARE(value(group, "memory.limit_in_bytes"), "134217728");
            QCOMPARE(value(group, "cpu.cfs_quota_us"), "150000");
            QCOMPARE(value(group, "cpu.cfs_period_us"), "100000");
            QCOMPARE(value(group, "cpu.shares"), "512");
        }
        QCOMPARE(value(group, "pids.max"), "20");
        Resources unlimitedPids;
        unlimitedPids.pidsLimit = -1;
        VERIFY_OK(group.update(unlimitedPids));
        QCOMPARE(value(group, "pids.max"), "max");
        VERIFY_OK(group.stats(&stats));
        QCOMPARE(stats.memoryLimit, 128 * MiB);
        QCOMPARE(stats.pidsLimit, 0);

        VERIFY_OK(group.destroy());
        QVERIFY(WIFSIGNALED(reap(child)));
        verifyGone(group);
    }

    void oomKillsOverLimit()
    {
        Resources r;
        r.memory = 10 * MiB;
        Cgroup group;
        VERIFY_OK(Cgroup::create(m_base + "/oom", r, &group));
        // Without swap as well, or a host with swap would page instead of killing.
        const std::string swapFile = v2() ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
        if (has(group, swapFile)) {
            Resources noSwap;
            noSwap.memorySwap = 10 * MiB;
            VERIFY_OK(group.update(noSwap));
            QCOMPARE(value(group, swapFile), v2() ? "0" : "10485760");
        }
        const pid_t child = startIn(group, allocate64MiB);
        QVERIFY(child > 0);
        const int status = reap(child);
        QVERIFY2(WIFSIGNALED(status), qPrintable(QString::number(status)));
        QCOMPARE(WTERMSIG(status), SIGKILL);
        CgroupStats stats;
        VERIFY_OK(group.stats(&stats));
        QVERIFY2(stats.oomKills >= 1, qPrintable(QString::number(stats.oomKills)));
        QVERIFY(stats.oomKilled);
        QCOMPARE(stats.memoryLimit, 10 * MiB);
        VERIFY_OK(group.destroy());
        verifyGone(group);
    }

    void pidsLimitRefusesSixthProcess()
    {
        Resources r;
        r.pidsLimit = 5;
        Cgroup group;
        VERIFY_OK(Cgroup::create(m_base + "/pids", r, &group));
        QCOMPARE(value(group, "pids.max"), "5");
        const pid_t child = startIn(group, forkUntilRefused);
        QVERIFY(child > 0);
        const int status = reap(child);
        QVERIFY(WIFEXITED(status));
        // The child and four of its own: the fifth fork is the group's sixth process.
        QCOMPARE(WEXITSTATUS(status), 4);
        CgroupStats stats;
        VERIFY_OK(group.stats(&stats));
        QCOMPARE(stats.pidsLimit, 5);
        QCOMPARE(stats.pids, 0);
        VERIFY_OK(group.destroy());
        verifyGone(group);
    }

    void freezeStopsBusyProcess()
    {
        Cgroup group;
        VERIFY_OK(Cgroup::create(m_base + "/freeze", Resources{}, &group));
        const pid_t child = startIn(group, spin);
        QVERIFY(child > 0);
        QTest::qWait(100);
        QVERIFY(!group.frozen());

        VERIFY_OK(group.freeze());
        QVERIFY(group.frozen());
        QCOMPARE(value(group, v2() ? "cgroup.freeze" : "freezer.state"), v2() ? "1" : "FROZEN");
        const qint64 frozenAt = cpuTicks(child);
        QVERIFY(frozenAt >= 0);
        QTest::qWait(300);
        QCOMPARE(cpuTicks(child), frozenAt);

        VERIFY_OK(group.thaw());
        QVERIFY(!group.frozen());
        QCOMPARE(value(group, v2() ? "cgroup.freeze" : "freezer.state"), v2() ? "0" : "THAWED");
        QTest::qWait(300);
        QVERIFY2(cpuTicks(child) > frozenAt, qPrintable(QString::number(cpuTicks(child))));

        CgroupStats stats;
        VERIFY_OK(group.stats(&stats));
        QVERIFY2(stats.cpuUsageNs >= 100000000, qPrintable(QString::number(stats.cpuUsageNs)));
        QCOMPARE(stats.pids, 1);

        // A paused container is still destroyed: its processes are thawed to die.
        VERIFY_OK(group.freeze());
        VERIFY_OK(group.destroy());
        QCOMPARE(WTERMSIG(reap(child)), SIGKILL);
        verifyGone(group);
    }

    void killAllThenDestroy()
    {
        Cgroup group;
        VERIFY_OK(Cgroup::create(m_base + "/kill", Resources{}, &group));
        const pid_t first = startIn(group, spin);
        const pid_t second = startIn(group, waitForever);
        QVERIFY(first > 0 && second > 0);
        QCOMPARE(group.processes().size(), size_t(2));

        VERIFY_OK(group.killAll(SIGTERM));
        int status = reap(first);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGTERM);
        status = reap(second);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGTERM);
        QVERIFY(group.processes().empty());
        QVERIFY(!group.frozen());

        // destroy kills what is still running before it removes the directories.
        const pid_t third = startIn(group, spin);
        QVERIFY(third > 0);
        VERIFY_OK(group.destroy());
        status = reap(third);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGKILL);
        verifyGone(group);
        // The parent stays for the other containers.
        for (const std::string &dir : Cgroup::open(m_base).paths())
            QVERIFY2(QFileInfo(QString::fromStdString(dir)).isDir(), dir.c_str());
        // Destroying what is gone already is not an error.
        VERIFY_OK(group.destroy());
    }

    void refusedValueNamesFile()
    {
        Cgroup group;
        VERIFY_OK(Cgroup::create(m_base + "/refused", Resources{}, &group));
        Resources bad;
        bad.cpusetCpus = "not-a-cpu-list";
        const Outcome failed = group.update(bad);
        QVERIFY(failed);
        QCOMPARE(failed->err, EINVAL);
        std::string cpusetDir;
        for (const std::string &dir : group.paths())
            if (QFileInfo::exists(QString::fromStdString(dir + "/cpuset.cpus")))
                cpusetDir = dir;
        QCOMPARE(QString::fromStdString(failed->message()),
                 QString::fromStdString("write `" + cpusetDir + "/cpuset.cpus`: ") +
                     QString::fromLocal8Bit(std::strerror(EINVAL)));
        VERIFY_OK(group.destroy());
        verifyGone(group);
    }

    // A hybrid host's cgroup2 at /sys/fs/cgroup/unified has no controllers to give,
    // but it runs the v2 driver's own files: cgroup.procs, cgroup.freeze,
    // cgroup.events, cgroup.kill. On a v2 host the other tests cover them.
    void v2DriverOnHybridUnified()
    {
        const std::string unified = "/sys/fs/cgroup/unified";
        if (v2() || Cgroup::detect(unified) != CgroupVersion::V2)
            QSKIP("no cgroup2 beside the v1 hierarchies");
        Resources memory;
        memory.memory = 64 * MiB;
        Cgroup group;
        const Outcome refused = Cgroup::create(m_base + "/v2", memory, &group, unified);
        QVERIFY(refused);
        QCOMPARE(QString::fromStdString(refused->message()),
                 QString::fromStdString("create cgroup `" + unified + "/" + m_base +
                                        "`: the `memory` controller is not enabled in `" + unified +
                                        "/cgroup.subtree_control`"));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(unified + "/" + m_base)));

        VERIFY_OK(Cgroup::create(m_base + "/v2", Resources{}, &group, unified));
        QCOMPARE(group.version(), CgroupVersion::V2);
        QCOMPARE(group.paths(), std::vector<std::string>{unified + "/" + m_base + "/v2"});
        const pid_t child = startIn(group, spin);
        QVERIFY(child > 0);
        QVERIFY(readText("/proc/" + std::to_string(child) + "/cgroup")
                    .split('\n')
                    .contains(QString::fromStdString("0::/" + m_base + "/v2")));
        QCOMPARE(group.processes(), std::vector<pid_t>{child});
        VERIFY_OK(group.freeze());
        QVERIFY(group.frozen());
        QVERIFY(readText(group.paths().front() + "/cgroup.events").contains("frozen 1"));
        const qint64 frozenAt = cpuTicks(child);
        QTest::qWait(200);
        QCOMPARE(cpuTicks(child), frozenAt);
        VERIFY_OK(group.thaw());
        QVERIFY(!group.frozen());
        CgroupStats stats;
        VERIFY_OK(group.stats(&stats));
        VERIFY_OK(group.killAll(SIGKILL));
        QCOMPARE(WTERMSIG(reap(child)), SIGKILL);
        VERIFY_OK(group.destroy());
        verifyGone(group);
    }

    void failedCreateLeavesNothing()
    {
        const std::string name = m_base + "/fresh/bad";
        Resources r;
        r.memory = 64 * MiB;
        r.cpusetCpus = "99";
        Cgroup group;
        const Outcome failed = Cgroup::create(name, r, &group);
        QVERIFY(failed);
        QVERIFY2(failed->message().find("/fresh/bad/cpuset.cpus`") != std::string::npos,
                 failed->message().c_str());
        QVERIFY(group.paths().empty());
        const Cgroup would = Cgroup::open(name);
        QVERIFY(!would.paths().empty());
        for (const std::string &dir : would.paths()) {
            QVERIFY2(!QFileInfo::exists(QString::fromStdString(dir)), dir.c_str());
            const std::string fresh = dir.substr(0, dir.rfind('/'));
            QVERIFY2(!QFileInfo::exists(QString::fromStdString(fresh)), fresh.c_str());
        }

        QVERIFY(Cgroup::create("/absolute", Resources{}, &group));
        QVERIFY(Cgroup::create(m_base + "/../escape", Resources{}, &group));
    }
};

QTEST_GUILESS_MAIN(TestCgroup)
#include "tst_runtime_cgroup.moc"
