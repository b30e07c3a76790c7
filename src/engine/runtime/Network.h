// The default (bridge) network of a container: pasta (Debian package passt)
// attached to the container's own network namespace gives it an interface
// with the host's address and routes, outbound TCP/UDP/ICMP through the host's
// sockets (the gateway address reaches the host's loopback), the host's DNS
// servers, and the published ports (spec.ports) bound on the host.
//
// Lifecycle, driven by berth-shim (Shim.cpp) once per run of the container:
//   clone the init (its network namespace exists) -> Pasta::start(init pid)
//   -> returns once pasta has configured the namespace and bound the ports
//   -> go-ahead to the init ... the init exits -> Pasta::stop()
// pasta runs in the foreground as the shim's child with PR_SET_PDEATHSIG, so
// it never outlives the shim, and it is killed when the container's run ends.
//
// Why these pasta options (passt 0.0~git20230309):
//   --runas 0: as root, pasta would switch to nobody before joining the
//     namespace and then fail to join it; staying uid 0 also keeps the death
//     signal (a uid change clears it). pasta still drops its capabilities to
//     the networking ones and sandboxes itself.
//   --netns /proc/self/fd/N: the namespace as a descriptor the shim opened
//     (pasta's reduced capabilities cannot open /proc/<init>/ns/net).
//   -P /proc/self/fd/M: pasta writes its pid file once it is ready; M is a
//     pipe, so the shim learns readiness without polling a file.
//   -t/-u per published port and "none" otherwise, -T none -U none: no port
//     is forwarded that the engine did not ask for. A port without an address
//     is bound dual-stack (IPv4 and IPv6), one with an address ("0.0.0.0",
//     "::", "::1") on that address only.
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime {

// pasta's arguments (argv[0] included) for the given forwards, with the
// namespace on descriptor netnsFd and the readiness pipe on readyFd.
std::vector<std::string> pastaArguments(const std::vector<PortForward> &ports, int netnsFd,
                                        int readyFd);

class Pasta
{
public:
    Pasta() = default;
    Pasta(const Pasta &) = delete;
    Pasta &operator=(const Pasta &) = delete;
    ~Pasta();

    // Starts pasta on the network namespace of process nsPid and waits until
    // it is ready. A failure (pasta missing, a port it cannot bind, no answer
    // within a deadline) leaves no pasta running and carries pasta's message.
    Outcome start(pid_t nsPid, const std::vector<PortForward> &ports);
    // Kills and reaps pasta; nothing when none runs.
    void stop();
    // For a caller that reaps children with waitpid(-1): true when pid was
    // this pasta (which is then forgotten), so the caller must not treat it
    // as its own child.
    bool reaped(pid_t pid);
    pid_t pid() const { return m_pid; }

private:
    pid_t m_pid = 0;
    int m_pidFd = -1; // kills and reaps exactly this process, whatever pids are reused
};

} // namespace berth::runtime
