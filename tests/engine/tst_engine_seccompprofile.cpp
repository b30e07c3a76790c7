// docker-format seccomp profile files: what a profile's rules become for one
// container (includes/excludes decided, numbers exact), that a parsed profile
// really confines a process, and that a broken file is refused with docker's
// words naming the wrong part.
#include "SeccompProfile.h"

#include "runtime/Capabilities.h"
#include "runtime/SeccompFilter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

using namespace berth;

namespace {

std::vector<std::string> namesOf(const runtime::Seccomp &profile)
{
    std::vector<std::string> out;
    for (const runtime::SeccompRule &rule : profile.rules)
        out.insert(out.end(), rule.names.begin(), rule.names.end());
    return out;
}

QString errorOf(const QByteArray &json)
{
    const Result<runtime::Seccomp> parsed = parseSeccompProfile(json, 0);
    return parsed ? QString() : parsed.error().message;
}

} // namespace

class TestSeccompProfile : public QObject
{
    Q_OBJECT
private slots:
    void blocksChmodInAChild()
    {
        const QByteArray json = R"({
            "defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [
                {"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO"}
            ]
        })";
        const Result<runtime::Seccomp> parsed = parseSeccompProfile(json, 0);
        QVERIFY2(parsed.ok(), qPrintable(parsed ? QString() : parsed.error().message));
        QVERIFY(parsed->enabled);
        QCOMPARE(parsed->defaultAction, std::string("SCMP_ACT_ALLOW"));
        QCOMPARE(parsed->rules.size(), size_t(1));
        QCOMPARE(parsed->rules[0].action, std::string("SCMP_ACT_ERRNO"));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray file = QFile::encodeName(dir.filePath(QStringLiteral("f")));
        QFile f(dir.filePath(QStringLiteral("f")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QVERIFY(::chmod(file.constData(), 0600) == 0);

        const pid_t pid = ::fork();
        if (pid == 0) {
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || runtime::loadSeccomp(*parsed))
                ::_exit(2);
            // 0: refused with EPERM; 1: chmod went through; 3: another error.
            if (::chmod(file.constData(), 0755) == 0)
                ::_exit(1);
            ::_exit(errno == EPERM ? 0 : 3);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        struct stat st
        {
        };
        QVERIFY(::stat(file.constData(), &st) == 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0600));
    }

    void includesAndExcludes()
    {
        const QByteArray json = R"({
            "defaultAction": "SCMP_ACT_ERRNO",
            "defaultErrnoRet": 1,
            "archMap": [{"architecture": "SCMP_ARCH_X86_64",
                          "subArchitectures": ["SCMP_ARCH_X86"]}],
            "syscalls": [
                {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                {"name": "mount", "action": "SCMP_ACT_ALLOW",
                  "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}],
                 "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["on_native"], "action": "SCMP_ACT_ALLOW",
                  "includes": {"arches": ["NATIVE"]}},
                {"names": ["not_native"], "action": "SCMP_ACT_ALLOW",
                  "excludes": {"arches": ["NATIVE"]}},
                {"names": ["future"], "action": "SCMP_ACT_ALLOW",
                  "includes": {"minKernel": "999.0"}},
                {"names": ["old"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "3.10"}},
                {"names": ["until_old"], "action": "SCMP_ACT_ALLOW",
                  "excludes": {"minKernel": "3.10"}},
                {"names": ["big"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                 "args": [{"index": 5, "value": 18446744073709551615, "valueTwo": 9007199254740993,
                           "op": "SCMP_CMP_NE"}]}
            ]
        })";
        QByteArray profile = json;
        profile.replace("NATIVE", QByteArray(runtime::seccompNativeArch().data()));

        const Result<runtime::Seccomp> plain = parseSeccompProfile(profile, 0);
        QVERIFY2(plain.ok(), qPrintable(plain ? QString() : plain.error().message));
        QCOMPARE(plain->defaultErrnoRet, 1);
        const std::vector<std::string> expected = {"read",      "write", "clone",
                                                   "on_native", "old",   "big"};
        QCOMPARE(namesOf(*plain), expected);
        QCOMPARE(plain->rules[1].args.size(), size_t(1));
        QCOMPARE(plain->rules[1].args[0].value, uint64_t(2114060288));
        QCOMPARE(plain->rules[1].args[0].op, std::string("SCMP_CMP_MASKED_EQ"));
        const runtime::SeccompRule &big = plain->rules.back();
        QCOMPARE(big.errnoRet, 38);
        QCOMPARE(big.args[0].index, 5u);
        QCOMPARE(big.args[0].value, ~uint64_t(0));
        QCOMPARE(big.args[0].valueTwo, uint64_t(9007199254740993ull));

        const Result<runtime::Seccomp> admin =
            parseSeccompProfile(profile, runtime::defaultCapabilities() | (1ull << CAP_SYS_ADMIN));
        QVERIFY(admin.ok());
        const std::vector<std::string> withAdmin = {"read",      "write", "mount",
                                                    "on_native", "old",   "big"};
        QCOMPARE(namesOf(*admin), withAdmin);
    }

    void goStyleDecoding()
    {
        // Go matches member names case-insensitively and reads null as absent.
        const Result<runtime::Seccomp> parsed = parseSeccompProfile(
            R"({"DefaultAction": "SCMP_ACT_ALLOW", "architectures": null,
                "Syscalls": [{"NAMES": ["getppid"], "Action": "SCMP_ACT_KILL", "args": null}]})",
            0);
        QVERIFY2(parsed.ok(), qPrintable(parsed ? QString() : parsed.error().message));
        QCOMPARE(parsed->defaultAction, std::string("SCMP_ACT_ALLOW"));
        QCOMPARE(namesOf(*parsed), std::vector<std::string>{"getppid"});
        QCOMPARE(parsed->rules[0].action, std::string("SCMP_ACT_KILL"));

        // No default action and no rules: seccomp off, as in docker.
        const Result<runtime::Seccomp> off = parseSeccompProfile("{}", 0);
        QVERIFY(off.ok());
        QVERIFY(!off->enabled);
    }

    void brokenProfiles()
    {
        const QString prefix = QStringLiteral("Decoding seccomp profile failed: ");
        const QString truncated = errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)");
        QVERIFY2(truncated.startsWith(prefix) && truncated.contains(QLatin1String("JSON")),
                 qPrintable(truncated));

        QCOMPARE(errorOf("[1]"), prefix + QStringLiteral("profile is not an object"));
        QCOMPARE(errorOf(R"({"defaultAction": 1})"),
                 prefix + QStringLiteral("defaultAction is not a string"));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO",
                             "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                                          {"names": ["x"], "action": "SCMP_ACT_NOPE"}]})"),
                 prefix + QStringLiteral("syscalls[1].action: unknown action \"SCMP_ACT_NOPE\""));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO",
                             "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                                           "args": [{"index": 0, "value": 1, "op": "LIKE"}]}]})"),
                 prefix + QStringLiteral("syscalls[0].args[0].op: unknown comparison \"LIKE\""));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO",
                             "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                                           "args": [{"index": 6, "value": 1,
                                                     "op": "SCMP_CMP_EQ"}]}]})"),
                 prefix + QStringLiteral(
                              "syscalls[0].args[0]: argument index 6 is out of range (0 to 5)"));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO",
                             "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                                           "args": [{"index": 0, "value": -1,
                                                     "op": "SCMP_CMP_EQ"}]}]})"),
                 prefix + QStringLiteral("syscalls[0].args[0].value is not an unsigned integer"));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO",
                             "syscalls": [{"name": "a", "names": ["b"],
                                           "action": "SCMP_ACT_ALLOW"}]})"),
                 prefix + QStringLiteral("'name' and 'names' were specified in the seccomp "
                                         "profile, use either 'name' or 'names'"));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"],
                             "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})"),
                 prefix +
                     QStringLiteral("'architectures' and 'archMap' were specified in the "
                                    "seccomp profile, use either 'architectures' or 'archMap'"));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO",
                             "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                                           "includes": {"minKernel": "new"}}]})"),
                 prefix + QStringLiteral(
                              "syscalls[0].includes.minKernel: \"new\" is not a kernel version"));
        QCOMPARE(errorOf(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "x"}]})"),
                 prefix + QStringLiteral("syscalls[0].names is not an array"));
    }
};

QTEST_GUILESS_MAIN(TestSeccompProfile)
#include "tst_engine_seccompprofile.moc"
