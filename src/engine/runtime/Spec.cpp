// The runtime spec's text form (see Spec.h for the format and why it is not JSON).
#include "runtime/Spec.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>

namespace berth::runtime {

std::string Failure::message() const
{
    if (err == 0)
        return what;
    return what + ": " + std::strerror(err);
}

Failure sysFailure(std::string what)
{
    return Failure{errno, std::move(what)};
}

namespace {

std::string escape(const std::string &s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    return out;
}

bool unescape(const std::string &s, std::string *out)
{
    out->clear();
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            *out += s[i];
            continue;
        }
        if (++i == s.size())
            return false;
        switch (s[i]) {
        case '\\':
            *out += '\\';
            break;
        case 'n':
            *out += '\n';
            break;
        case 't':
            *out += '\t';
            break;
        default:
            return false;
        }
    }
    return true;
}

// Structured values: parts separated by tabs, each escaped on its own so a tab
// inside a part survives.
std::string joinParts(const std::vector<std::string> &parts)
{
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i)
            out += '\t';
        out += escape(parts[i]);
    }
    return out;
}

bool splitParts(const std::string &raw, std::vector<std::string> *parts)
{
    parts->clear();
    size_t start = 0;
    while (true) {
        size_t tab = raw.find('\t', start);
        std::string part;
        if (!unescape(raw.substr(start, tab == std::string::npos ? std::string::npos : tab - start),
                      &part))
            return false;
        parts->push_back(std::move(part));
        if (tab == std::string::npos)
            return true;
        start = tab + 1;
    }
}

template <typename T> bool toNumber(const std::string &s, T *out)
{
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size();
}

std::string joinList(const std::vector<std::string> &items, char sep)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += sep;
        out += items[i];
    }
    return out;
}

std::vector<std::string> splitList(const std::string &s, char sep)
{
    std::vector<std::string> out;
    if (s.empty())
        return out;
    size_t start = 0;
    while (true) {
        size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos)
            return out;
        start = at + 1;
    }
}

class Writer
{
public:
    void put(const char *key, const std::string &value)
    {
        m_out << key << ' ' << escape(value) << '\n';
    }
    template <typename T> void num(const char *key, T value)
    {
        m_out << key << ' ' << value << '\n';
    }
    void parts(const char *key, const std::vector<std::string> &parts)
    {
        m_out << key << ' ' << joinParts(parts) << '\n';
    }
    void raw(const std::string &lines) { m_out << lines; }
    std::string text() const { return m_out.str(); }

private:
    std::ostringstream m_out;
};

} // namespace

std::string serializeSeccomp(const Seccomp &seccomp)
{
    Writer w;
    w.num("seccomp", int(seccomp.enabled));
    w.put("seccomp-program", seccomp.programPath);
    w.put("seccomp-default", seccomp.defaultAction);
    w.num("seccomp-default-errno", seccomp.defaultErrnoRet);
    for (const SeccompRule &rule : seccomp.rules) {
        std::vector<std::string> parts{joinList(rule.names, ','), rule.action,
                                       std::to_string(rule.errnoRet)};
        for (const SeccompArg &a : rule.args) {
            parts.push_back(std::to_string(a.index) + ',' + std::to_string(a.value) + ',' +
                            std::to_string(a.valueTwo) + ',' + a.op);
        }
        w.parts("seccomp-rule", parts);
    }
    return w.text();
}

std::string serializeSpec(const Spec &spec)
{
    Writer w;
    w.put("id", spec.id);
    w.put("bundle", spec.bundle);
    w.put("hostname", spec.hostname);
    for (const std::string &dir : spec.lowerDirs)
        w.put("lower", dir);
    w.put("upper", spec.upperDir);
    w.put("work", spec.workDir);
    w.put("rootfs", spec.rootfsDir);
    w.num("readonly-rootfs", int(spec.readonlyRootfs));
    w.num("namespaces", spec.namespaces);
    w.put("netns", spec.netNsPath);
    w.num("host-network", int(spec.hostNetwork));
    w.num("pasta", int(spec.pasta));
    for (const PortForward &f : spec.ports)
        w.parts("port", {f.hostIp, std::to_string(f.hostPort), std::to_string(f.containerPort),
                         f.protocol});
    for (const Mount &m : spec.mounts)
        w.parts("mount", {m.destination, m.type, m.source, joinList(m.options, ',')});
    for (const std::string &p : spec.maskedPaths)
        w.put("masked", p);
    for (const std::string &p : spec.readonlyPaths)
        w.put("readonly", p);

    const Process &p = spec.process;
    for (const std::string &a : p.args)
        w.put("arg", a);
    for (const std::string &e : p.env)
        w.put("env", e);
    w.put("cwd", p.cwd);
    w.num("uid", p.uid);
    w.num("gid", p.gid);
    for (gid_t g : p.additionalGids)
        w.num("group", g);
    w.num("terminal", int(p.terminal));
    w.num("no-new-privileges", int(p.noNewPrivileges));
    w.num("capabilities", p.capabilities);
    for (const Rlimit &r : p.rlimits)
        w.parts("rlimit",
                {std::to_string(r.resource), std::to_string(r.soft), std::to_string(r.hard)});
    w.num("oom-score-adj", p.oomScoreAdj);

    const Resources &r = spec.resources;
    w.num("memory", r.memory);
    w.num("memory-swap", r.memorySwap);
    w.num("cpu-quota", r.cpuQuota);
    w.num("cpu-period", r.cpuPeriod);
    w.num("cpu-shares", r.cpuShares);
    w.put("cpuset-cpus", r.cpusetCpus);
    w.put("cpuset-mems", r.cpusetMems);
    w.num("pids-limit", r.pidsLimit);
    w.put("cgroup", spec.cgroupName);

    w.raw(serializeSeccomp(spec.seccomp));
    w.num("privileged", int(spec.privileged));

    w.num("open-stdin", int(spec.openStdin));
    w.num("stdin-once", int(spec.stdinOnce));
    w.num("init", int(spec.init));
    w.num("stop-signal", spec.stopSignal);
    w.put("log", spec.logPath);
    w.num("log-max-size", spec.logMaxSize);
    w.num("log-max-files", spec.logMaxFiles);
    w.put("restart", spec.restartPolicy);
    w.num("restart-max", spec.restartMaxRetries);
    const Healthcheck &h = spec.healthcheck;
    for (const std::string &a : h.args)
        w.put("health-arg", a);
    w.num("health-interval", h.intervalNs);
    w.num("health-timeout", h.timeoutNs);
    w.num("health-start-period", h.startPeriodNs);
    w.num("health-start-interval", h.startIntervalNs);
    w.num("health-retries", h.retries);
    return w.text();
}

Outcome parseSpec(const std::string &text, Spec *spec)
{
    *spec = Spec{};
    spec->namespaces = 0;
    Process &p = spec->process;
    Resources &r = spec->resources;

    auto str = [](std::string *field) {
        return [field](const std::string &v) {
            *field = v;
            return true;
        };
    };
    auto list = [](std::vector<std::string> *field) {
        return [field](const std::string &v) {
            field->push_back(v);
            return true;
        };
    };
    auto flag = [](bool *field) {
        return [field](const std::string &v) {
            int n = 0;
            if (!toNumber(v, &n) || (n != 0 && n != 1))
                return false;
            *field = n == 1;
            return true;
        };
    };
    auto number = [](auto *field) {
        return [field](const std::string &v) { return toNumber(v, field); };
    };

    using Handler = std::function<bool(const std::string &)>;
    const std::map<std::string, Handler> handlers{
        {"id", str(&spec->id)},
        {"bundle", str(&spec->bundle)},
        {"hostname", str(&spec->hostname)},
        {"lower", list(&spec->lowerDirs)},
        {"upper", str(&spec->upperDir)},
        {"work", str(&spec->workDir)},
        {"rootfs", str(&spec->rootfsDir)},
        {"readonly-rootfs", flag(&spec->readonlyRootfs)},
        {"namespaces", number(&spec->namespaces)},
        {"netns", str(&spec->netNsPath)},
        {"host-network", flag(&spec->hostNetwork)},
        {"pasta", flag(&spec->pasta)},
        {"masked", list(&spec->maskedPaths)},
        {"readonly", list(&spec->readonlyPaths)},
        {"arg", list(&p.args)},
        {"env", list(&p.env)},
        {"cwd", str(&p.cwd)},
        {"uid", number(&p.uid)},
        {"gid", number(&p.gid)},
        {"group",
         [&p](const std::string &v) {
             gid_t g = 0;
             if (!toNumber(v, &g))
                 return false;
             p.additionalGids.push_back(g);
             return true;
         }},
        {"terminal", flag(&p.terminal)},
        {"no-new-privileges", flag(&p.noNewPrivileges)},
        {"capabilities", number(&p.capabilities)},
        {"oom-score-adj", number(&p.oomScoreAdj)},
        {"memory", number(&r.memory)},
        {"memory-swap", number(&r.memorySwap)},
        {"cpu-quota", number(&r.cpuQuota)},
        {"cpu-period", number(&r.cpuPeriod)},
        {"cpu-shares", number(&r.cpuShares)},
        {"cpuset-cpus", str(&r.cpusetCpus)},
        {"cpuset-mems", str(&r.cpusetMems)},
        {"pids-limit", number(&r.pidsLimit)},
        {"cgroup", str(&spec->cgroupName)},
        {"seccomp", flag(&spec->seccomp.enabled)},
        {"seccomp-program", str(&spec->seccomp.programPath)},
        {"seccomp-default", str(&spec->seccomp.defaultAction)},
        {"seccomp-default-errno", number(&spec->seccomp.defaultErrnoRet)},
        {"privileged", flag(&spec->privileged)},
        {"open-stdin", flag(&spec->openStdin)},
        {"stdin-once", flag(&spec->stdinOnce)},
        {"init", flag(&spec->init)},
        {"stop-signal", number(&spec->stopSignal)},
        {"log", str(&spec->logPath)},
        {"log-max-size", number(&spec->logMaxSize)},
        {"log-max-files", number(&spec->logMaxFiles)},
        {"restart", str(&spec->restartPolicy)},
        {"restart-max", number(&spec->restartMaxRetries)},
        {"health-arg", list(&spec->healthcheck.args)},
        {"health-interval", number(&spec->healthcheck.intervalNs)},
        {"health-timeout", number(&spec->healthcheck.timeoutNs)},
        {"health-start-period", number(&spec->healthcheck.startPeriodNs)},
        {"health-start-interval", number(&spec->healthcheck.startIntervalNs)},
        {"health-retries", number(&spec->healthcheck.retries)},
    };
    // Structured keys take the raw value (their parts are escaped one by one).
    const std::map<std::string, std::function<bool(const std::vector<std::string> &)>> structured{
        {"mount",
         [spec](const std::vector<std::string> &parts) {
             if (parts.size() != 4)
                 return false;
             spec->mounts.push_back(Mount{parts[0], parts[1], parts[2], splitList(parts[3], ',')});
             return true;
         }},
        {"port",
         [spec](const std::vector<std::string> &parts) {
             PortForward f;
             if (parts.size() != 4 || !toNumber(parts[1], &f.hostPort) ||
                 !toNumber(parts[2], &f.containerPort) || (parts[3] != "tcp" && parts[3] != "udp"))
                 return false;
             f.hostIp = parts[0];
             f.protocol = parts[3];
             spec->ports.push_back(std::move(f));
             return true;
         }},
        {"rlimit",
         [&p](const std::vector<std::string> &parts) {
             Rlimit limit;
             if (parts.size() != 3 || !toNumber(parts[0], &limit.resource) ||
                 !toNumber(parts[1], &limit.soft) || !toNumber(parts[2], &limit.hard))
                 return false;
             p.rlimits.push_back(limit);
             return true;
         }},
        {"seccomp-rule",
         [spec](const std::vector<std::string> &parts) {
             SeccompRule rule;
             if (parts.size() < 3 || !toNumber(parts[2], &rule.errnoRet))
                 return false;
             rule.names = splitList(parts[0], ',');
             rule.action = parts[1];
             for (size_t i = 3; i < parts.size(); ++i) {
                 std::vector<std::string> fields = splitList(parts[i], ',');
                 SeccompArg arg;
                 if (fields.size() != 4 || !toNumber(fields[0], &arg.index) ||
                     !toNumber(fields[1], &arg.value) || !toNumber(fields[2], &arg.valueTwo))
                     return false;
                 arg.op = fields[3];
                 rule.args.push_back(arg);
             }
             spec->seccomp.rules.push_back(std::move(rule));
             return true;
         }},
    };

    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const size_t space = line.find(' ');
        const std::string key = line.substr(0, space);
        const std::string raw = space == std::string::npos ? std::string() : line.substr(space + 1);
        bool ok = false;
        if (auto s = structured.find(key); s != structured.end()) {
            std::vector<std::string> parts;
            ok = splitParts(raw, &parts) && s->second(parts);
        } else if (auto h = handlers.find(key); h != handlers.end()) {
            std::string value;
            ok = unescape(raw, &value) && h->second(value);
        } else {
            return Failure{0, "read spec: line " + std::to_string(lineNo) + ": unknown field `" +
                                  key + "`"};
        }
        if (!ok) {
            return Failure{0, "read spec: line " + std::to_string(lineNo) + ": bad value for `" +
                                  key + "`"};
        }
    }
    return std::nullopt;
}

} // namespace berth::runtime
