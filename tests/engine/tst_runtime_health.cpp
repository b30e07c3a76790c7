// Tests for health checks (runtime/Health): docker's scheduling and status
// rules as pure functions, the state and spec text that carry them, and
// HealthMonitor running real probe processes (in the test's own namespaces,
// which exec joins as a container's) on a clock the test drives.
#include "runtime/Cgroup.h"
#include "runtime/Health.h"
#include "runtime/ShimState.h"
#include "runtime/Spec.h"

#include <QElapsedTimer>
#include <QTest>

#include <csignal>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace berth::runtime;

namespace {

constexpr int64_t Ms = 1'000'000;
constexpr int64_t Second = 1000 * Ms;

Healthcheck check(int retries, int64_t startPeriodNs = 0)
{
    Healthcheck h;
    h.args = {"/bin/sh", "-c", "true"};
    h.intervalNs = 5 * Second;
    h.timeoutNs = 2 * Second;
    h.startPeriodNs = startPeriodNs;
    h.startIntervalNs = 1 * Second;
    h.retries = retries;
    return h;
}

HealthResult result(int exitCode, const std::string &output = {})
{
    return HealthResult{"2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", exitCode, output};
}

} // namespace

class TestRuntimeHealth : public QObject
{
    Q_OBJECT

private slots:
    void goDurationPrintsLikeGo_data()
    {
        QTest::addColumn<qint64>("ns");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << "0s";
        QTest::newRow("ns") << qint64(999) << "999ns";
        QTest::newRow("us") << qint64(1500) << "1.5µs";
        QTest::newRow("ms") << qint64(500 * Ms) << "500ms";
        QTest::newRow("ms fraction") << qint64(1500 * 1000) << "1.5ms";
        QTest::newRow("s") << qint64(30 * Second) << "30s";
        QTest::newRow("s fraction") << qint64(1500 * Ms) << "1.5s";
        QTest::newRow("minutes") << qint64(90 * Second) << "1m30s";
        QTest::newRow("hour") << qint64(3600 * Second) << "1h0m0s";
        QTest::newRow("all") << qint64(3723 * Second + 250 * Ms) << "1h2m3.25s";
        QTest::newRow("negative") << qint64(-2 * Second) << "-2s";
    }
    void goDurationPrintsLikeGo()
    {
        QFETCH(qint64, ns);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(goDuration(ns)), text);
    }

    void probeDelay()
    {
        const Healthcheck h = check(3, 10 * Second);
        HealthState state;
        state.status = "starting";
        // Inside the start period while starting: the start interval.
        QCOMPARE(healthProbeDelayNs(h, state, 0), 1 * Second);
        QCOMPARE(healthProbeDelayNs(h, state, 10 * Second - 1), 1 * Second);
        // After it, or once healthy, the interval.
        QCOMPARE(healthProbeDelayNs(h, state, 10 * Second), 5 * Second);
        state.status = "healthy";
        QCOMPARE(healthProbeDelayNs(h, state, 2 * Second), 5 * Second);
        // Without a start period the interval from the first probe on.
        state.status = "starting";
        QCOMPARE(healthProbeDelayNs(check(3), state, 0), 5 * Second);
    }

    void failuresBecomeUnhealthyAfterRetries()
    {
        const Healthcheck h = check(3);
        HealthState state;
        state.status = "starting";
        recordHealthResult(h, 5 * Second, result(1), &state);
        QCOMPARE(state.status, std::string("starting"));
        QCOMPARE(state.failingStreak, 1);
        recordHealthResult(h, 10 * Second, result(2), &state);
        QCOMPARE(state.status, std::string("starting"));
        QCOMPARE(state.failingStreak, 2);
        recordHealthResult(h, 15 * Second, result(-1), &state);
        QCOMPARE(state.status, std::string("unhealthy"));
        QCOMPARE(state.failingStreak, 3);
        recordHealthResult(h, 20 * Second, result(1), &state);
        QCOMPARE(state.status, std::string("unhealthy"));
        QCOMPARE(state.failingStreak, 4);
        // One success is enough to be healthy again.
        recordHealthResult(h, 25 * Second, result(0), &state);
        QCOMPARE(state.status, std::string("healthy"));
        QCOMPARE(state.failingStreak, 0);
        // A healthy container stays so until retries failures in a row.
        recordHealthResult(h, 30 * Second, result(1), &state);
        recordHealthResult(h, 35 * Second, result(1), &state);
        QCOMPARE(state.status, std::string("healthy"));
        QCOMPARE(state.failingStreak, 2);
        recordHealthResult(h, 40 * Second, result(0), &state);
        QCOMPARE(state.failingStreak, 0);
        QCOMPARE(state.status, std::string("healthy"));
    }

    void startPeriodForgivesFailuresUntilFirstSuccess()
    {
        const Healthcheck h = check(1, 10 * Second);
        HealthState state;
        state.status = "starting";
        recordHealthResult(h, 1 * Second, result(1), &state);
        recordHealthResult(h, 2 * Second, result(1), &state);
        QCOMPARE(state.status, std::string("starting"));
        QCOMPARE(state.failingStreak, 0);
        QCOMPARE(state.log.size(), size_t(2));
        // A success ends the start period: the next failure counts at once.
        recordHealthResult(h, 3 * Second, result(0), &state);
        QCOMPARE(state.status, std::string("healthy"));
        recordHealthResult(h, 4 * Second, result(1), &state);
        QCOMPARE(state.status, std::string("unhealthy"));
        QCOMPARE(state.failingStreak, 1);

        // A probe that started after the period counts even while starting.
        HealthState late;
        late.status = "starting";
        recordHealthResult(h, 10 * Second, result(1), &late);
        QCOMPARE(late.status, std::string("unhealthy"));
        QCOMPARE(late.failingStreak, 1);
    }

    void logKeepsTheLastFive()
    {
        const Healthcheck h = check(3);
        HealthState state;
        state.status = "starting";
        for (int i = 1; i <= 7; ++i)
            recordHealthResult(h, i * Second, result(i, "run " + std::to_string(i)), &state);
        QCOMPARE(state.log.size(), MaxHealthLog);
        QCOMPARE(state.log.front().exitCode, 3);
        QCOMPARE(state.log.front().output, std::string("run 3"));
        QCOMPARE(state.log.back().exitCode, 7);
        QCOMPARE(state.log.back().output, std::string("run 7"));
    }

    void outputIsCutAt4096Bytes()
    {
        HealthOutput output;
        output.append(std::string(4000, 'a'));
        output.append(std::string(96, 'b'));
        QCOMPARE(output.text().size(), size_t(4096));
        QVERIFY(output.text().ends_with("b"));
        output.append("c");
        QCOMPARE(output.text(), std::string(4000, 'a') + std::string(96, 'b') + "...");
        output.clear();
        output.append("again");
        QCOMPARE(output.text(), std::string("again"));
    }

    void stateFileCarriesHealth()
    {
        ShimState state;
        state.status = "running";
        state.pid = 42;
        state.health.status = "unhealthy";
        state.health.failingStreak = 4;
        state.health.log = {result(1, "line one\nline\ttwo \\ end"), result(-1, ""),
                            result(0, "ok")};
        const std::string text = serializeState(state);
        ShimState parsed;
        QVERIFY(!parseState(text, &parsed));
        QCOMPARE(parsed.health.status, std::string("unhealthy"));
        QCOMPARE(parsed.health.failingStreak, 4);
        QCOMPARE(parsed.health.log.size(), size_t(3));
        QCOMPARE(parsed.health.log[0].output, std::string("line one\nline\ttwo \\ end"));
        QCOMPARE(parsed.health.log[0].start, std::string("2026-01-01T00:00:00Z"));
        QCOMPARE(parsed.health.log[0].end, std::string("2026-01-01T00:00:01Z"));
        QCOMPARE(parsed.health.log[1].exitCode, -1);
        QCOMPARE(parsed.health.log[1].output, std::string());
        QCOMPARE(parsed.health.log[2].output, std::string("ok"));
        QCOMPARE(serializeState(parsed), text);

        // Without a health check nothing is written, and nothing is read back.
        ShimState plain;
        plain.status = "exited";
        QVERIFY(serializeState(plain).find("health") == std::string::npos);
        QVERIFY(!parseState(serializeState(plain), &parsed));
        QVERIFY(parsed.health.status.empty());
        QVERIFY(parsed.health.log.empty());

        QVERIFY(parseState("status running\nhealthLog a\tb\t1\n", &parsed));
        QVERIFY(parseState("status running\nhealthLog a\tb\tx\tout\n", &parsed));
        QVERIFY(parseState("status running\nhealthFailingStreak many\n", &parsed));
    }

    void specCarriesHealthcheck()
    {
        Spec spec;
        spec.id = "abc";
        spec.healthcheck = check(7, 3 * Second);
        spec.healthcheck.args = {"/bin/sh", "-c", "test -f /tmp/ok\tand more"};
        Spec parsed;
        QVERIFY(!parseSpec(serializeSpec(spec), &parsed));
        QCOMPARE(parsed.healthcheck.args, spec.healthcheck.args);
        QCOMPARE(parsed.healthcheck.intervalNs, 5 * Second);
        QCOMPARE(parsed.healthcheck.timeoutNs, 2 * Second);
        QCOMPARE(parsed.healthcheck.startPeriodNs, 3 * Second);
        QCOMPARE(parsed.healthcheck.startIntervalNs, 1 * Second);
        QCOMPARE(parsed.healthcheck.retries, 7);
        Spec none;
        QVERIFY(!parseSpec(serializeSpec(Spec{}), &none));
        QVERIFY(none.healthcheck.args.empty());
    }

    void monitorRunsProbes()
    {
        Fixture f("echo out; echo err >&2; exit 1", 2);
        QCOMPARE(f.monitor.state().status, std::string("starting"));
        // Nothing before the interval.
        QCOMPARE(*f.monitor.deadlineMs(), int64_t(5000));
        QVERIFY(!f.monitor.tick(4999, f.cgroup));
        QCOMPARE(f.monitor.outputFd(), -1);

        QVERIFY(!f.monitor.tick(5000, f.cgroup));
        QVERIFY(f.monitor.outputFd() >= 0);
        QCOMPARE(*f.monitor.deadlineMs(), int64_t(5000 + 2000));
        QVERIFY(f.waitProbe(5100));
        const HealthState &state = f.monitor.state();
        QCOMPARE(state.status, std::string("starting"));
        QCOMPARE(state.failingStreak, 1);
        QCOMPARE(state.log.size(), size_t(1));
        QCOMPARE(state.log[0].exitCode, 1);
        QCOMPARE(state.log[0].output, std::string("out\nerr\n"));
        QVERIFY(state.log[0].start <= state.log[0].end);
        QCOMPARE(f.monitor.outputFd(), -1);
        // The next one an interval after this one ended.
        QCOMPARE(*f.monitor.deadlineMs(), int64_t(5100 + 5000));

        QVERIFY(!f.monitor.tick(10100, f.cgroup));
        QVERIFY(f.waitProbe(10200));
        QCOMPARE(f.monitor.state().status, std::string("unhealthy"));
        QCOMPARE(f.monitor.state().failingStreak, 2);

        // The process ends: no more probes, unhealthy, the log kept.
        f.monitor.stop();
        QCOMPARE(f.monitor.deadlineMs(), std::optional<int64_t>());
        QVERIFY(!f.monitor.tick(100000, f.cgroup));
        QCOMPARE(f.monitor.state().log.size(), size_t(2));

        // Started again: starting, streak 0, the log still there.
        f.monitor.start(f.init, 200000);
        QCOMPARE(f.monitor.state().status, std::string("starting"));
        QCOMPARE(f.monitor.state().failingStreak, 0);
        QCOMPARE(f.monitor.state().log.size(), size_t(2));
    }

    void monitorSuccessIsHealthy()
    {
        Fixture f("exit 0", 3);
        QVERIFY(!f.monitor.tick(5000, f.cgroup));
        QVERIFY(f.waitProbe(5001));
        QCOMPARE(f.monitor.state().status, std::string("healthy"));
        QCOMPARE(f.monitor.state().log.back().exitCode, 0);
        QCOMPARE(f.monitor.state().log.back().output, std::string());
    }

    void monitorTimesOutAProbe()
    {
        Fixture f("echo started; exec sleep 30", 1);
        QVERIFY(!f.monitor.tick(5000, f.cgroup));
        const int fd = f.monitor.outputFd();
        QVERIFY(fd >= 0);
        QVERIFY(!f.monitor.tick(6999, f.cgroup));
        QVERIFY(f.monitor.tick(7000, f.cgroup));
        const HealthState &state = f.monitor.state();
        QCOMPARE(state.status, std::string("unhealthy"));
        QCOMPARE(state.log.back().exitCode, -1);
        QCOMPARE(state.log.back().output, std::string("Health check exceeded timeout (2s)"));
        QCOMPARE(f.monitor.outputFd(), -1);
        // The killed probe is reaped without a second result.
        const pid_t pid = f.reapAny();
        QVERIFY(pid > 0);
        QCOMPARE(f.lastExitCode, 128 + SIGKILL);
        QVERIFY(!f.monitor.reaped(pid, f.lastExitCode, 7001));
        QCOMPARE(state.log.size(), size_t(1));
        QCOMPARE(*f.monitor.deadlineMs(), int64_t(7000 + 5000));
    }

    void monitorDropsTheProbeOfAStoppedProcess()
    {
        Fixture f("exec sleep 30", 1);
        QVERIFY(!f.monitor.tick(5000, f.cgroup));
        f.monitor.stop();
        const pid_t pid = f.reapAny();
        QVERIFY(pid > 0);
        QCOMPARE(f.lastExitCode, 128 + SIGKILL);
        QVERIFY(!f.monitor.reaped(pid, f.lastExitCode, 5001));
        QCOMPARE(f.monitor.state().status, std::string("unhealthy"));
        QVERIFY(f.monitor.state().log.empty());
    }

    void monitorWaitsBeforeCountingAKilledProbe()
    {
        // The init's death SIGKILLs the probe before the init can be reaped:
        // a SIGKILLed probe counts only if the process outlives the grace.
        Fixture f("echo dying; kill -9 $$", 1);
        QVERIFY(!f.monitor.tick(5000, f.cgroup));
        QVERIFY(!f.waitProbe(5010));
        QCOMPARE(f.lastExitCode, 128 + SIGKILL);
        QVERIFY(f.monitor.state().log.empty());
        QCOMPARE(*f.monitor.deadlineMs(), int64_t(5010 + KilledProbeGraceMs));
        QVERIFY(!f.monitor.tick(5010 + KilledProbeGraceMs - 1, f.cgroup));
        QVERIFY(f.monitor.tick(5010 + KilledProbeGraceMs, f.cgroup));
        QCOMPARE(f.monitor.state().status, std::string("unhealthy"));
        QCOMPARE(f.monitor.state().log.back().exitCode, 128 + SIGKILL);
        QCOMPARE(f.monitor.state().log.back().output, std::string("dying\n"));

        // Within the grace the process ends: the probe's result is dropped.
        QVERIFY(!f.monitor.tick(20000, f.cgroup));
        QVERIFY(!f.waitProbe(20010));
        f.monitor.stop();
        QCOMPARE(f.monitor.state().log.size(), size_t(1));
        f.monitor.start(f.init, 30000);
        QCOMPARE(*f.monitor.deadlineMs(), int64_t(30000 + 5000));
    }

    void monitorRecordsAProbeThatCannotStart()
    {
        Fixture f("", 1);
        f.spec.healthcheck.args = {"/nonexistent/probe"};
        QVERIFY(f.monitor.tick(5000, f.cgroup));
        const HealthState &state = f.monitor.state();
        QCOMPARE(state.status, std::string("unhealthy"));
        QCOMPARE(state.log.back().exitCode, -1);
        QVERIFY2(state.log.back().output.find("/nonexistent/probe") != std::string::npos,
                 state.log.back().output.c_str());
        QCOMPARE(f.monitor.outputFd(), -1);
    }

private:
    // A stand-in container: a child in the test's own namespaces (exec then
    // joins none) and a monitor probing it with `sh -c script`.
    struct Fixture
    {
        Fixture(const std::string &script, int retries)
            : cgroup(Cgroup::open("berth-test-health-" + std::to_string(getpid())))
        {
            spec.healthcheck = check(retries);
            spec.healthcheck.args = {"/bin/sh", "-c", script};
            spec.process.env = {"PATH=/usr/bin:/bin"};
            init = fork();
            if (init == 0) {
                execl("/bin/sleep", "sleep", "60", static_cast<char *>(nullptr));
                _exit(127);
            }
            monitor.start(init, 0);
        }
        ~Fixture()
        {
            monitor.stop();
            kill(init, SIGKILL);
            while (waitpid(-1, nullptr, 0) > 0) {
            }
        }

        // Reaps one child other than init, waiting at most 10 s.
        pid_t reapAny()
        {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < 10000) {
                int status = 0;
                const pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid > 0 && pid != init) {
                    lastExitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                    return pid;
                }
                QTest::qSleep(5);
            }
            return -1;
        }

        // Relays the probe's output and exit as the shim's loop does; true
        // when the monitor took the exit as the probe's.
        bool waitProbe(int64_t nowMs)
        {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < 10000) {
                if (monitor.outputFd() >= 0) {
                    pollfd entry{monitor.outputFd(), POLLIN, 0};
                    if (poll(&entry, 1, 5) > 0)
                        monitor.readOutput();
                }
                int status = 0;
                const pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid > 0) {
                    lastExitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                    return monitor.reaped(pid, lastExitCode, nowMs);
                }
            }
            return false;
        }

        Spec spec;
        Cgroup cgroup;
        HealthMonitor monitor{spec};
        pid_t init = 0;
        int lastExitCode = -1;
    };
};

QTEST_GUILESS_MAIN(TestRuntimeHealth)
#include "tst_runtime_health.moc"
