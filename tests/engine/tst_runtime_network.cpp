// pasta on a process's own network namespace (runtime/Network.h): the
// namespace gets a default route, a published port is reachable from the
// host's 127.0.0.1, the gateway address reaches the host's loopback, a port
// already in use fails naming it, and no pasta is left behind.
#include "runtime/Network.h"

#include <QtTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace berth::runtime;

namespace {

// A TCP listener on 127.0.0.1 (port 0: any free port). Connections left in
// TIME_WAIT do not count; another listener does.
int listenLoopback(uint16_t port = 0)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(fd, 4) != 0)
        return -1;
    return fd;
}

uint16_t portOf(int fd)
{
    sockaddr_in a{};
    socklen_t length = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &length);
    return ntohs(a.sin_port);
}

uint16_t freePort()
{
    const int fd = listenLoopback();
    const uint16_t port = portOf(fd);
    close(fd);
    return port;
}

// Everything fd sends until it closes, waiting at most timeoutMs for each piece.
QByteArray readAll(int fd, int timeoutMs = 10000)
{
    QByteArray out;
    char buffer[256];
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, timeoutMs) > 0) {
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        out.append(buffer, n);
    }
    return out;
}

bool pidAlive(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    // A zombie is dead, merely not reaped yet by whoever inherited it.
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

// A process in a new network namespace: it listens on port 80 there, says
// "r" on toParent, waits for a byte on fromParent, serves "hello-from-ns" to
// one connection, then connects to the default gateway's port gatewayPort and
// copies what it reads there to toParent.
pid_t startNamespaceProcess(int toParent, int fromParent, uint16_t gatewayPort)
{
    const pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (unshare(CLONE_NEWNET) != 0)
        _exit(1);
    const int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(80);
    if (bind(server, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(server, 4) != 0)
        _exit(2);
    if (write(toParent, "r", 1) != 1)
        _exit(3);
    char go = 0;
    if (read(fromParent, &go, 1) != 1)
        _exit(4);
    const int client = accept(server, nullptr, nullptr);
    if (client < 0 || write(client, "hello-from-ns", 13) != 13)
        _exit(5);
    close(client);

    // The default route's gateway, from this namespace's routing table.
    QFile routes(QStringLiteral("/proc/self/net/route"));
    if (!routes.open(QIODevice::ReadOnly))
        _exit(6);
    in_addr_t gateway = 0;
    for (const QByteArray &line : routes.readAll().split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() > 2 && f[1] == "00000000")
            gateway = in_addr_t(f[2].toUInt(nullptr, 16));
    }
    const int out = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in g{};
    g.sin_family = AF_INET;
    g.sin_port = htons(gatewayPort);
    g.sin_addr.s_addr = gateway; // /proc shows it in network order
    if (gateway == 0 || connect(out, reinterpret_cast<sockaddr *>(&g), sizeof g) != 0)
        _exit(7);
    const QByteArray reply = readAll(out);
    if (write(toParent, reply.constData(), size_t(reply.size())) != reply.size())
        _exit(8);
    _exit(0);
}

} // namespace

class TestNetwork : public QObject
{
    Q_OBJECT
private slots:
    void arguments()
    {
        const std::vector<PortForward> ports{{"127.0.0.1", 8080, 80, "tcp"},
                                             {"", 5353, 53, "udp"},
                                             {"0.0.0.0", 8443, 443, "tcp"},
                                             {"::1", 8081, 81, "tcp"},
                                             {"::", 8082, 82, "tcp"}};
        const std::vector<std::string> expected{"pasta",   "--foreground",
                                                "--quiet", "--config-net",
                                                "--runas", "0",
                                                "--netns", "/proc/self/fd/3",
                                                "--pid",   "/proc/self/fd/4",
                                                "-t",      "127.0.0.1/8080:80",
                                                "-u",      "5353:53",
                                                "-t",      "0.0.0.0/8443:443",
                                                "-t",      "::1/8081:81",
                                                "-t",      "::/8082:82",
                                                "-T",      "none",
                                                "-U",      "none"};
        QCOMPARE(pastaArguments(ports, 3, 4), expected);
        const std::vector<std::string> none = pastaArguments({}, 5, 6);
        const std::vector<std::string> tail(none.end() - 8, none.end());
        QCOMPARE(tail, (std::vector<std::string>{"-t", "none", "-u", "none", "-T", "none", "-U",
                                                 "none"}));
        QCOMPARE(none[7], std::string("/proc/self/fd/5"));
    }

    void publishedPortAndGateway()
    {
        if (geteuid() != 0)
            QSKIP("needs root for a network namespace");
        if (QStandardPaths::findExecutable(QStringLiteral("pasta")).isEmpty())
            QSKIP("pasta (package passt) is not installed");
        int up[2];
        int down[2];
        QVERIFY(pipe2(up, O_CLOEXEC) == 0 && pipe2(down, O_CLOEXEC) == 0);
        const int hostServer = listenLoopback();
        QVERIFY(hostServer >= 0);
        const uint16_t hostPort = freePort();
        const pid_t child = startNamespaceProcess(up[1], down[0], portOf(hostServer));
        QVERIFY(child > 0);
        close(up[1]);
        close(down[0]);
        char r = 0;
        QCOMPARE(read(up[0], &r, 1), ssize_t(1));

        Pasta pasta;
        QElapsedTimer timer;
        timer.start();
        const Outcome failure = pasta.start(child, {{"127.0.0.1", hostPort, 80, "tcp"}});
        QVERIFY2(!failure, failure ? failure->message().c_str() : "");
        qInfo("pasta ready after %lld ms", timer.elapsed());
        const pid_t pastaPid = pasta.pid();
        QVERIFY(pidAlive(pastaPid));

        // Configured before start() returned: the namespace has a default route.
        QFile routes(QStringLiteral("/proc/%1/net/route").arg(child));
        QVERIFY(routes.open(QIODevice::ReadOnly));
        QVERIFY(routes.readAll().contains("\t00000000\t"));
        QVERIFY(write(down[1], "g", 1) == 1);

        // In: the host's 127.0.0.1:hostPort is the namespace's port 80.
        const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(hostPort);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(client, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
        QCOMPARE(readAll(client), QByteArray("hello-from-ns"));
        close(client);

        // Out: the gateway address is the host's loopback.
        pollfd p{hostServer, POLLIN, 0};
        QCOMPARE(poll(&p, 1, 10000), 1);
        const int fromNs = accept4(hostServer, nullptr, nullptr, SOCK_CLOEXEC);
        QVERIFY(fromNs >= 0);
        QCOMPARE(write(fromNs, "hello-from-host", 15), ssize_t(15));
        close(fromNs);
        QCOMPARE(readAll(up[0]), QByteArray("hello-from-host"));
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);

        // The container's run ended: stopping leaves no pasta and frees the port.
        pasta.stop();
        QCOMPARE(pasta.pid(), pid_t(0));
        QVERIFY(!pidAlive(pastaPid));
        const int again = listenLoopback(hostPort);
        QVERIFY(again >= 0);
        close(again);
        close(hostServer);
        close(up[0]);
        close(down[1]);
    }

    void portInUse()
    {
        if (geteuid() != 0)
            QSKIP("needs root for a network namespace");
        if (QStandardPaths::findExecutable(QStringLiteral("pasta")).isEmpty())
            QSKIP("pasta (package passt) is not installed");
        const int busy = listenLoopback();
        QVERIFY(busy >= 0);
        const pid_t child = fork();
        if (child == 0) {
            if (unshare(CLONE_NEWNET) != 0)
                _exit(1);
            pause();
            _exit(0);
        }
        // The child is in its namespace once its ns link differs from ours.
        const QString ours = QFile::symLinkTarget(QStringLiteral("/proc/self/ns/net"));
        QTRY_VERIFY(QFile::symLinkTarget(QStringLiteral("/proc/%1/ns/net").arg(child)) != ours);

        Pasta pasta;
        const Outcome failure = pasta.start(child, {{"127.0.0.1", portOf(busy), 80, "tcp"}});
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        close(busy);
        QVERIFY(failure.has_value());
        const QString message = QString::fromStdString(failure->message());
        QVERIFY2(message.contains(QStringLiteral("start pasta for network namespace")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("127.0.0.1/%1:80").arg(portOf(busy))) ||
                     message.contains(QStringLiteral("bind")),
                 qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("syslog")), qPrintable(message));
        QCOMPARE(pasta.pid(), pid_t(0));
    }

    void diesWithItsParent()
    {
        if (geteuid() != 0)
            QSKIP("needs root for a network namespace");
        if (QStandardPaths::findExecutable(QStringLiteral("pasta")).isEmpty())
            QSKIP("pasta (package passt) is not installed");
        // A stand-in for a shim that is SIGKILLed while its container runs.
        int report[2];
        QVERIFY(pipe2(report, O_CLOEXEC) == 0);
        const pid_t shim = fork();
        if (shim == 0) {
            const pid_t ns = fork();
            if (ns == 0) {
                if (unshare(CLONE_NEWNET) != 0)
                    _exit(1);
                pause();
                _exit(0);
            }
            usleep(100 * 1000);
            Pasta pasta;
            pid_t pids[2] = {ns, 0};
            if (!pasta.start(ns, {}))
                pids[1] = pasta.pid();
            if (write(report[1], pids, sizeof pids) != sizeof pids)
                _exit(1);
            pause();
            _exit(0);
        }
        close(report[1]);
        pid_t pids[2] = {0, 0};
        QCOMPARE(read(report[0], pids, sizeof pids), ssize_t(sizeof pids));
        close(report[0]);
        const pid_t pastaPid = pids[1];
        QVERIFY(pastaPid > 0);
        QVERIFY(pidAlive(pastaPid));
        kill(shim, SIGKILL);
        waitpid(shim, nullptr, 0);
        kill(pids[0], SIGKILL);
        QTRY_VERIFY(!pidAlive(pastaPid));
    }
};

QTEST_GUILESS_MAIN(TestNetwork)
#include "tst_runtime_network.moc"
