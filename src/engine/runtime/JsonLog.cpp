// Docker json-file log writer; see JsonLog.h.
#include "runtime/JsonLog.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::runtime {

namespace {

constexpr char HexDigits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one
// (the same acceptance as Go's utf8.DecodeRune: no overlongs, no surrogates,
// nothing above U+10FFFF).
size_t utf8SequenceLength(std::string_view s, size_t i)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto continuation = [&](size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
    const unsigned char first = byte(i);
    if (first >= 0xC2 && first <= 0xDF)
        return continuation(i + 1) ? 2 : 0;
    if (first >= 0xE0 && first <= 0xEF) {
        if (i + 1 >= s.size())
            return 0;
        const unsigned char second = byte(i + 1);
        const unsigned char low = first == 0xE0 ? 0xA0 : 0x80;
        const unsigned char high = first == 0xED ? 0x9F : 0xBF;
        return second >= low && second <= high && continuation(i + 2) ? 3 : 0;
    }
    if (first >= 0xF0 && first <= 0xF4) {
        if (i + 1 >= s.size())
            return 0;
        const unsigned char second = byte(i + 1);
        const unsigned char low = first == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = first == 0xF4 ? 0x8F : 0xBF;
        return second >= low && second <= high && continuation(i + 2) && continuation(i + 3) ? 4
                                                                                             : 0;
    }
    return 0;
}

void appendEscaped(std::string *out, std::string_view s)
{
    out->push_back('"');
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            switch (b) {
            case '"':
                out->append("\\\"");
                break;
            case '\\':
                out->append("\\\\");
                break;
            case '\n':
                out->append("\\n");
                break;
            case '\r':
                out->append("\\r");
                break;
            default:
                if (b < 0x20 || b == '<' || b == '>' || b == '&') {
                    out->append("\\u00");
                    out->push_back(HexDigits[b >> 4]);
                    out->push_back(HexDigits[b & 0xF]);
                } else {
                    out->push_back(static_cast<char>(b));
                }
            }
            ++i;
            continue;
        }
        const size_t length = utf8SequenceLength(s, i);
        if (length == 0) {
            out->append("\\ufffd");
            ++i;
            continue;
        }
        // U+2028 and U+2029 (E2 80 A8/A9) end lines in JavaScript.
        if (length == 3 && b == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
            out->append(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
        } else {
            out->append(s.substr(i, length));
        }
        i += length;
    }
    out->push_back('"');
}

bool writeAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

} // namespace

std::string rfc3339Nano(const timespec &time)
{
    tm parts{};
    gmtime_r(&time.tv_sec, &parts);
    char text[64];
    int length =
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900,
                      parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
    if (time.tv_nsec != 0) {
        char fraction[16];
        std::snprintf(fraction, sizeof fraction, ".%09ld", static_cast<long>(time.tv_nsec));
        int end = 10;
        while (fraction[end - 1] == '0')
            --end;
        fraction[end] = '\0';
        length +=
            std::snprintf(text + length, sizeof text - static_cast<size_t>(length), "%s", fraction);
    }
    std::snprintf(text + length, sizeof text - static_cast<size_t>(length), "Z");
    return text;
}

void appendJsonLogEntry(std::string *out, std::string_view log, LogStream stream,
                        const timespec &time)
{
    out->append("{\"log\":");
    appendEscaped(out, log);
    out->append(stream == LogStream::Stdout ? ",\"stream\":\"stdout\"" : ",\"stream\":\"stderr\"");
    out->append(",\"time\":\"");
    out->append(rfc3339Nano(time));
    out->append("\"}");
}

JsonLog::~JsonLog()
{
    close();
}

Outcome JsonLog::open(const std::string &path, int64_t maxSize, int maxFiles)
{
    close();
    // 0640 as docker creates its logs: the group may read them, others not.
    m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (m_fd < 0)
        return sysFailure("open log `" + path + "`");
    struct stat st
    {
    };
    if (fstat(m_fd, &st) != 0) {
        Failure failure = sysFailure("stat log `" + path + "`");
        close();
        return failure;
    }
    m_path = path;
    m_maxSize = maxSize;
    m_maxFiles = maxFiles < 1 ? 1 : maxFiles;
    m_size = st.st_size;
    return {};
}

void JsonLog::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_partial[0].clear();
    m_partial[1].clear();
}

Outcome JsonLog::write(LogStream stream, std::string_view data, const timespec &now)
{
    std::string &partial = m_partial[static_cast<int>(stream)];
    while (!data.empty()) {
        const size_t newline = data.find('\n');
        const size_t room = MaxLineBuffer - partial.size();
        if (newline != std::string_view::npos && newline < room) {
            const std::string_view line = data.substr(0, newline + 1);
            data.remove_prefix(newline + 1);
            Outcome outcome;
            if (partial.empty()) {
                outcome = writeEntry(line, stream, now);
            } else {
                partial.append(line);
                outcome = writeEntry(partial, stream, now);
                partial.clear();
            }
            if (outcome)
                return outcome;
            continue;
        }
        if (data.size() < room) {
            partial.append(data);
            return {};
        }
        partial.append(data.substr(0, room));
        data.remove_prefix(room);
        Outcome outcome = writeEntry(partial, stream, now);
        partial.clear();
        if (outcome)
            return outcome;
    }
    return {};
}

Outcome JsonLog::flush(LogStream stream, const timespec &now)
{
    std::string &partial = m_partial[static_cast<int>(stream)];
    if (partial.empty())
        return {};
    Outcome outcome = writeEntry(partial, stream, now);
    partial.clear();
    return outcome;
}

Outcome JsonLog::writeEntry(std::string_view log, LogStream stream, const timespec &time)
{
    if (m_fd < 0)
        return {};
    if (m_maxSize > 0 && m_size >= m_maxSize) {
        if (Outcome outcome = rotate())
            return outcome;
    }
    m_entry.clear();
    appendJsonLogEntry(&m_entry, log, stream, time);
    m_entry.push_back('\n');
    if (!writeAll(m_fd, m_entry))
        return sysFailure("write log `" + m_path + "`");
    m_size += static_cast<int64_t>(m_entry.size());
    // A long line must not pin a large buffer for the life of the shim.
    if (m_entry.capacity() > 4 * MaxLineBuffer)
        std::string().swap(m_entry);
    return {};
}

Outcome JsonLog::rotate()
{
    if (m_maxFiles > 1) {
        for (int i = m_maxFiles - 1; i > 1; --i) {
            const std::string from = m_path + "." + std::to_string(i - 1);
            const std::string to = m_path + "." + std::to_string(i);
            if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
                return sysFailure("rotate log `" + from + "` to `" + to + "`");
        }
        const std::string first = m_path + ".1";
        if (::rename(m_path.c_str(), first.c_str()) != 0 && errno != ENOENT)
            return sysFailure("rotate log `" + m_path + "` to `" + first + "`");
    }
    const int fd =
        ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return sysFailure("open log `" + m_path + "`");
    ::close(m_fd);
    m_fd = fd;
    m_size = 0;
    return {};
}

JsonLogReader::JsonLogReader(std::string path) : m_path(std::move(path)) {}

JsonLogReader::~JsonLogReader()
{
    for (File &file : m_files)
        ::close(file.fd);
    if (m_inotify >= 0)
        ::close(m_inotify);
}

void JsonLogReader::closeAll(std::vector<File> &files)
{
    for (File &file : files)
        ::close(file.fd);
    files.clear();
}

std::vector<JsonLogReader::File> JsonLogReader::openChain() const
{
    // Rotation renames path.i-1 to path.i from the highest index down, so
    // while it runs one index may be missing: the scan goes on past a single
    // gap and stops at two in a row.
    struct Seen
    {
        std::string name;
        bool exists = false;
        dev_t dev = 0;
        ino_t ino = 0;
    };
    std::vector<File> files;
    for (int attempt = 0; attempt < 20; ++attempt) {
        closeAll(files);
        std::vector<Seen> seen;
        int missingInARow = 0;
        for (int i = 1; missingInARow < 2; ++i) {
            Seen entry{m_path + "." + std::to_string(i)};
            const int fd = ::open(entry.name.c_str(), O_RDONLY | O_CLOEXEC);
            struct stat st;
            if (fd >= 0 && ::fstat(fd, &st) == 0) {
                entry.exists = true;
                entry.dev = st.st_dev;
                entry.ino = st.st_ino;
                files.push_back(File{fd, st.st_dev, st.st_ino});
                missingInARow = 0;
            } else {
                if (fd >= 0)
                    ::close(fd);
                ++missingInARow;
            }
            seen.push_back(entry);
        }
        std::reverse(files.begin(), files.end()); // oldest (highest index) first
        Seen live{m_path};
        const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && ::fstat(fd, &st) == 0) {
            live.exists = true;
            live.dev = st.st_dev;
            live.ino = st.st_ino;
            files.push_back(File{fd, st.st_dev, st.st_ino});
        } else if (fd >= 0) {
            ::close(fd);
        }
        seen.push_back(live);
        // Nothing renamed while the files were opened: the chain is whole.
        const bool unchanged = std::all_of(seen.begin(), seen.end(), [](const Seen &entry) {
            struct stat now;
            const bool exists = ::stat(entry.name.c_str(), &now) == 0;
            return exists == entry.exists &&
                   (!exists || (now.st_dev == entry.dev && now.st_ino == entry.ino));
        });
        if (unchanged)
            break;
    }
    return files;
}

Outcome JsonLogReader::drain(File &file, std::vector<std::string> *entries)
{
    char buffer[64 * 1024];
    while (true) {
        const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sysFailure("read log `" + m_path + "`");
        if (n == 0)
            return {};
        m_partial.append(buffer, static_cast<size_t>(n));
        size_t start = 0;
        size_t newline;
        while ((newline = m_partial.find('\n', start)) != std::string::npos) {
            if (newline > start)
                entries->emplace_back(m_partial, start, newline - start);
            start = newline + 1;
        }
        m_partial.erase(0, start);
    }
}

Outcome JsonLogReader::read(std::vector<std::string> *entries)
{
    if (!m_started || m_files.empty()) {
        std::vector<File> chain = openChain();
        m_started = true;
        m_files.assign(chain.begin(), chain.end());
    }
    while (!m_files.empty()) {
        File &current = m_files.front();
        if (Outcome failed = drain(current, entries))
            return failed;
        if (m_files.size() > 1) {
            // A rotated file is complete: the writer renames it only between entries.
            ::close(current.fd);
            m_files.pop_front();
            m_partial.clear();
            continue;
        }
        struct stat now;
        if (::stat(m_path.c_str(), &now) != 0)
            return {}; // between a rotation's rename and its new file: look again later
        if (now.st_dev == current.dev && now.st_ino == current.ino) {
            struct stat held;
            const off_t position = ::lseek(current.fd, 0, SEEK_CUR);
            if (::fstat(current.fd, &held) == 0 && held.st_size < position) {
                // Truncated in place (max-file 1): what was written meanwhile is lost.
                ::lseek(current.fd, 0, SEEK_SET);
                m_partial.clear();
                continue;
            }
            return {};
        }
        // The writer has moved on. What it wrote before renaming this file may
        // have come after the drain above.
        if (Outcome failed = drain(current, entries))
            return failed;
        std::vector<File> chain = openChain();
        auto held = std::find_if(chain.begin(), chain.end(), [&](const File &file) {
            return file.dev == current.dev && file.ino == current.ino;
        });
        // Not found: it was dropped, and every file left is newer.
        const auto newer = held == chain.end() ? chain.begin() : held + 1;
        if (newer == chain.end()) {
            closeAll(chain);
            return {}; // the new file is not there yet
        }
        std::vector<File> older(chain.begin(), newer);
        closeAll(older);
        ::close(current.fd);
        m_files.assign(newer, chain.end());
        m_partial.clear();
    }
    return {};
}

void JsonLogReader::wait(int timeoutMs)
{
    if (m_inotify < 0) {
        m_inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        const size_t slash = m_path.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : m_path.substr(0, slash);
        if (m_inotify >= 0 &&
            inotify_add_watch(m_inotify, dir.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
            ::close(m_inotify);
            m_inotify = -1;
        }
    }
    if (m_inotify < 0) {
        ::usleep(static_cast<useconds_t>(timeoutMs) * 1000);
        return;
    }
    pollfd fd{m_inotify, POLLIN, 0};
    if (::poll(&fd, 1, timeoutMs) > 0) {
        char events[4096];
        while (::read(m_inotify, events, sizeof events) > 0) {
        }
    }
}

} // namespace berth::runtime
