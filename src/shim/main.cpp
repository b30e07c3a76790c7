// berth-shim: `berth-shim --bundle DIR [--ready-fd N] [--attach-fd N]`.
// Turns itself into a daemon that outlives the CLI or GUI that spawned it and
// runs the container's supervisor (runtime/Shim.h); the protocol is in
// runtime/ShimProtocol.h.
#include "runtime/Shim.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

void fail(int readyFd, const std::string &message)
{
    const std::string line = "error 125 " + message + "\n";
    if (readyFd >= 0 && ::write(readyFd, line.data(), line.size()) < 0)
        std::perror("berth-shim: report");
    std::fprintf(stderr, "berth-shim: %s\n", message.c_str());
    std::exit(125);
}

bool parseFd(const char *text, int *fd)
{
    const std::string_view view(text);
    const auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), *fd);
    return ec == std::errc() && end == view.data() + view.size() && *fd >= 0;
}

// A descriptor among 0-2 (a spawner without stdio may hand those out) moves
// up, since 0-2 are about to become /dev/null.
int aboveStdio(int fd)
{
    return fd >= 0 && fd <= 2 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd;
}

// Everything the spawner left open (its databases, sockets, locks) except the
// two descriptors the shim was given.
void closeInheritedFds(int keepA, int keepB)
{
    const int low = std::min(keepA, keepB);
    const int high = std::max(keepA, keepB);
    unsigned first = 3;
    for (const int keep : {low, high}) {
        if (keep < int(first))
            continue;
        if (keep > int(first))
            close_range(first, unsigned(keep) - 1, 0);
        first = unsigned(keep) + 1;
    }
    close_range(first, UINT_MAX, 0);
}

} // namespace

int main(int argc, char **argv)
{
    berth::runtime::ShimOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        const bool hasValue = i + 1 < argc;
        if (arg == "--bundle" && hasValue) {
            options.bundle = argv[++i];
        } else if (arg == "--ready-fd" && hasValue) {
            if (!parseFd(argv[++i], &options.readyFd))
                fail(-1, std::string("invalid --ready-fd `") + argv[i] + "`");
        } else if (arg == "--attach-fd" && hasValue) {
            if (!parseFd(argv[++i], &options.attachFd))
                fail(options.readyFd, std::string("invalid --attach-fd `") + argv[i] + "`");
        } else {
            fail(options.readyFd, "usage: berth-shim --bundle DIR [--ready-fd N] [--attach-fd N]");
        }
    }
    if (options.bundle.empty())
        fail(options.readyFd, "usage: berth-shim --bundle DIR [--ready-fd N] [--attach-fd N]");
    // The daemon works from "/" so that it pins no directory of its caller.
    char *bundle = realpath(options.bundle.c_str(), nullptr);
    if (!bundle)
        fail(options.readyFd, "resolve bundle `" + options.bundle + "`: " + std::strerror(errno));
    options.bundle = bundle;
    std::free(bundle);

    options.readyFd = aboveStdio(options.readyFd);
    options.attachFd = aboveStdio(options.attachFd);

    // The caller waits for its direct child; that child exits at once and the
    // grandchild, in a session of its own, becomes the resident shim.
    const pid_t pid = fork();
    if (pid < 0)
        fail(options.readyFd, std::string("fork the shim: ") + std::strerror(errno));
    if (pid > 0)
        _exit(0);

    setsid();
    if (chdir("/") != 0)
        fail(options.readyFd, std::string("change directory to `/`: ") + std::strerror(errno));
    const int devNull = open("/dev/null", O_RDWR);
    if (devNull < 0)
        fail(options.readyFd, std::string("open `/dev/null`: ") + std::strerror(errno));
    dup2(devNull, 0);
    dup2(devNull, 1);
    dup2(devNull, 2);
    if (devNull > 2)
        close(devNull);
    closeInheritedFds(options.readyFd, options.attachFd);
    umask(022);
    // Processes of a container without a pid namespace of its own, orphaned,
    // come to the shim (and get reaped) instead of the host's init.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return berth::runtime::runShim(options);
}
