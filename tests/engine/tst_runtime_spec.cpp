// The runtime spec survives the trip engine -> file -> shim unchanged, and a
// damaged file is refused naming its line.
#include "runtime/Spec.h"

#include <QtTest>

using namespace berth::runtime;

class TestSpec : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip()
    {
        Spec s;
        s.id = std::string(64, 'a');
        s.bundle = "/var/lib/berth/containers/x";
        s.hostname = "host\twith\ttabs";
        s.lowerDirs = {"/l/2", "/l/1"};
        s.upperDir = "/u";
        s.workDir = "/w";
        s.rootfsDir = "/r";
        s.readonlyRootfs = true;
        s.namespaces = NsPid | NsMount;
        s.pasta = true;
        s.ports = {{"127.0.0.1", 8080, 80, "tcp"}, {"", 5353, 53, "udp"}};
        s.mounts = {{"/proc", "proc", "proc", {"nosuid", "nodev"}},
                    {"/data", "bind", "/host/a\\b\nc", {"rbind", "ro"}},
                    {"/empty", "tmpfs", "tmpfs", {}}};
        s.maskedPaths = {"/proc/kcore"};
        s.readonlyPaths = {"/proc/sys"};
        s.process.args = {"sh", "-c", "echo 'a b'\\n; printf '\\t'"};
        s.process.env = {"PATH=/bin", "EMPTY="};
        s.process.cwd = "/work dir";
        s.process.uid = 1000;
        s.process.gid = 1001;
        s.process.additionalGids = {5, 6};
        s.process.terminal = true;
        s.process.capabilities = 0xa80425fbull;
        s.process.rlimits = {{7, 1024, 4096}};
        s.process.oomScoreAdj = -500;
        s.resources.memory = 64 << 20;
        s.resources.memorySwap = -1;
        s.resources.cpuQuota = 50000;
        s.resources.cpusetCpus = "0-1";
        s.resources.pidsLimit = 20;
        s.cgroupName = "berth/x";
        s.seccomp.enabled = true;
        s.seccomp.rules = {
            {{"read", "write"}, "SCMP_ACT_ALLOW", 0, {}},
            {{"clone"}, "SCMP_ACT_ALLOW", 0, {{0, 2114060288, 0, "SCMP_CMP_MASKED_EQ"}}},
            {{"clone3"}, "SCMP_ACT_ERRNO", 38, {}}};
        s.openStdin = true;
        s.init = true;
        s.stopSignal = 2;
        s.logPath = "/log";
        s.logMaxSize = 1024;
        s.logMaxFiles = 3;
        s.restartPolicy = "on-failure";
        s.restartMaxRetries = 2;

        const std::string text = serializeSpec(s);
        Spec back;
        Outcome failure = parseSpec(text, &back);
        QVERIFY2(!failure, failure ? failure->message().c_str() : "");
        QCOMPARE(serializeSpec(back), text);
        QCOMPARE(back.hostname, s.hostname);
        QCOMPARE(back.mounts.size(), size_t(3));
        QCOMPARE(back.mounts[1].source, std::string("/host/a\\b\nc"));
        QCOMPARE(back.mounts[1].options, (std::vector<std::string>{"rbind", "ro"}));
        QVERIFY(back.mounts[2].options.empty());
        QCOMPARE(back.process.args, s.process.args);
        QCOMPARE(back.process.additionalGids, (std::vector<gid_t>{5, 6}));
        QCOMPARE(back.process.capabilities, s.process.capabilities);
        QCOMPARE(back.resources.memorySwap, int64_t(-1));
        QCOMPARE(back.namespaces, unsigned(NsPid | NsMount));
        QCOMPARE(back.seccomp.rules.size(), size_t(3));
        QCOMPARE(back.seccomp.rules[1].args.size(), size_t(1));
        QCOMPARE(back.seccomp.rules[1].args[0].value, uint64_t(2114060288));
        QCOMPARE(back.seccomp.rules[2].errnoRet, 38);
        QCOMPARE(back.process.rlimits[0].hard, uint64_t(4096));
        QCOMPARE(back.restartPolicy, std::string("on-failure"));
        QVERIFY(back.pasta);
        QCOMPARE(back.ports.size(), size_t(2));
        QCOMPARE(back.ports[0].hostIp, std::string("127.0.0.1"));
        QCOMPARE(back.ports[0].hostPort, uint16_t(8080));
        QCOMPARE(back.ports[0].containerPort, uint16_t(80));
        QCOMPARE(back.ports[1].hostIp, std::string());
        QCOMPARE(back.ports[1].protocol, std::string("udp"));
    }

    void refusesDamage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << "id x\nfrobnicate 1\n"
                                 << "read spec: line 2: unknown field `frobnicate`";
        QTest::newRow("number") << "uid abc\n"
                                << "read spec: line 1: bad value for `uid`";
        QTest::newRow("flag") << "terminal 2\n"
                              << "read spec: line 1: bad value for `terminal`";
        QTest::newRow("escape") << "hostname a\\q\n"
                                << "read spec: line 1: bad value for `hostname`";
        QTest::newRow("mount") << "mount /a\tbind\n"
                               << "read spec: line 1: bad value for `mount`";
        QTest::newRow("port range") << "port \t70000\t80\ttcp\n"
                                    << "read spec: line 1: bad value for `port`";
        QTest::newRow("port protocol") << "port \t8080\t80\tsctp\n"
                                       << "read spec: line 1: bad value for `port`";
    }
    void refusesDamage()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        Spec s;
        Outcome failure = parseSpec(text.toStdString(), &s);
        QVERIFY(failure.has_value());
        QCOMPARE(QString::fromStdString(failure->message()), message);
    }
};

QTEST_APPLESS_MAIN(TestSpec)
#include "tst_runtime_spec.moc"
