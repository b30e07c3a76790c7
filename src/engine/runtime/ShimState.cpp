// The shim's state file; see ShimState.h.
#include "runtime/ShimState.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace berth::runtime {

namespace {

std::string escape(const std::string &value)
{
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

bool unescape(std::string_view value, std::string *out)
{
    out->clear();
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\') {
            out->push_back(value[i]);
            continue;
        }
        if (++i == value.size())
            return false;
        switch (value[i]) {
        case '\\':
            out->push_back('\\');
            break;
        case 'n':
            out->push_back('\n');
            break;
        case 't':
            out->push_back('\t');
            break;
        default:
            return false;
        }
    }
    return true;
}

template <typename Int> bool parseInt(std::string_view text, Int *value)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
    return ec == std::errc() && end == text.data() + text.size();
}

// "start\tend\texitCode\toutput", each part escaped.
bool parseHealthResult(std::string_view raw, HealthState *health)
{
    std::string parts[4];
    for (int i = 0; i < 4; ++i) {
        const size_t tab = i < 3 ? raw.find('\t') : std::string_view::npos;
        if (i < 3 && tab == std::string_view::npos)
            return false;
        if (!unescape(raw.substr(0, tab), &parts[i]))
            return false;
        raw = tab == std::string_view::npos ? std::string_view() : raw.substr(tab + 1);
    }
    HealthResult result{parts[0], parts[1], 0, parts[3]};
    if (!parseInt(std::string_view(parts[2]), &result.exitCode))
        return false;
    health->log.push_back(std::move(result));
    return true;
}

} // namespace

std::string serializeState(const ShimState &state)
{
    std::string out;
    const auto field = [&out](const char *key, const std::string &value) {
        out.append(key).append(" ").append(escape(value)).append("\n");
    };
    field("status", state.status);
    field("pid", std::to_string(state.pid));
    field("shimPid", std::to_string(state.shimPid));
    field("exitCode", std::to_string(state.exitCode));
    field("oomKilled", state.oomKilled ? "1" : "0");
    field("startedAt", state.startedAt);
    field("finishedAt", state.finishedAt);
    field("restartCount", std::to_string(state.restartCount));
    field("error", state.error);
    if (!state.health.status.empty()) {
        field("health", state.health.status);
        field("healthFailingStreak", std::to_string(state.health.failingStreak));
        for (const HealthResult &result : state.health.log) {
            // Each part escaped on its own, so the tabs between them stay separators.
            out.append("healthLog ")
                .append(escape(result.start))
                .append("\t")
                .append(escape(result.end))
                .append("\t")
                .append(std::to_string(result.exitCode))
                .append("\t")
                .append(escape(result.output))
                .append("\n");
        }
    }
    return out;
}

Outcome parseState(const std::string &text, ShimState *state)
{
    ShimState parsed;
    size_t lineStart = 0;
    int lineNumber = 0;
    while (lineStart < text.size()) {
        size_t lineEnd = text.find('\n', lineStart);
        if (lineEnd == std::string::npos)
            lineEnd = text.size();
        const std::string_view line(text.data() + lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 1;
        ++lineNumber;
        const auto bad = [&] {
            return Failure{0, "parse state line " + std::to_string(lineNumber) + " `" +
                                  std::string(line) + "`"};
        };
        const size_t space = line.find(' ');
        if (space == std::string_view::npos)
            return bad();
        const std::string_view key = line.substr(0, space);
        if (key == "healthLog") {
            if (!parseHealthResult(line.substr(space + 1), &parsed.health))
                return bad();
            continue;
        }
        std::string value;
        if (!unescape(line.substr(space + 1), &value))
            return bad();
        bool ok = true;
        if (key == "status") {
            parsed.status = value;
        } else if (key == "pid") {
            ok = parseInt(value, &parsed.pid);
        } else if (key == "shimPid") {
            ok = parseInt(value, &parsed.shimPid);
        } else if (key == "exitCode") {
            ok = parseInt(value, &parsed.exitCode);
        } else if (key == "oomKilled") {
            ok = value == "0" || value == "1";
            parsed.oomKilled = value == "1";
        } else if (key == "startedAt") {
            parsed.startedAt = value;
        } else if (key == "finishedAt") {
            parsed.finishedAt = value;
        } else if (key == "restartCount") {
            ok = parseInt(value, &parsed.restartCount);
        } else if (key == "error") {
            parsed.error = value;
        } else if (key == "health") {
            parsed.health.status = value;
        } else if (key == "healthFailingStreak") {
            ok = parseInt(value, &parsed.health.failingStreak);
        } else {
            ok = false;
        }
        if (!ok)
            return bad();
    }
    if (parsed.status.empty())
        return Failure{0, "parse state: no status"};
    *state = std::move(parsed);
    return {};
}

Outcome writeStateFile(const std::string &path, const ShimState &state)
{
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return sysFailure("create state `" + temporary + "`");
    const std::string text = serializeState(state);
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            Failure failure = sysFailure("write state `" + temporary + "`");
            ::close(fd);
            ::unlink(temporary.c_str());
            return failure;
        }
        written += static_cast<size_t>(n);
    }
    ::close(fd);
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        Failure failure = sysFailure("rename state `" + temporary + "` to `" + path + "`");
        ::unlink(temporary.c_str());
        return failure;
    }
    return {};
}

Outcome readStateFile(const std::string &path, ShimState *state)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sysFailure("open state `" + path + "`");
    std::string text;
    char buffer[1024];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            Failure failure = sysFailure("read state `" + path + "`");
            ::close(fd);
            return failure;
        }
        if (n == 0)
            break;
        text.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    if (Outcome outcome = parseState(text, state)) {
        outcome->what = "state `" + path + "`: " + outcome->what;
        return outcome;
    }
    return {};
}

} // namespace berth::runtime
