// The container log in docker's json-file format, written by berth-shim and
// read (JsonLogReader, below) by `logs`.
//
// Every line the container prints becomes one JSON object on its own line:
//   {"log":"hello\n","stream":"stdout","time":"2026-11-23T10:00:00.123456789Z"}
// so `docker logs`-style readers (the engine's, or any tool that reads docker's
// files) can follow it. Output arrives in arbitrary chunks; a line is held back
// per stream until its newline, or written without one once it reaches 16 KiB,
// or when the stream ends (docker's copier does the same, so a reader joins
// entries without "\n" to the next one).
//
// Rotation follows docker's logger: before an entry is written, when the file
// has already reached max-size, log.N-1 is dropped, log.i becomes log.i+1,
// log becomes log.1 and a new log is started. With max-file 1 the log is simply
// truncated. A file may therefore exceed max-size by one entry, as docker's does.
#pragma once

#include "runtime/Spec.h"

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace berth::runtime {

enum class LogStream { Stdout, Stderr };

// Go's time.RFC3339Nano in UTC: "2026-11-23T10:00:00.1234Z" (trailing zeros of
// the fraction dropped, no fraction at all on a whole second), the format docker
// writes in "time" and in inspect's StartedAt/FinishedAt.
std::string rfc3339Nano(const timespec &time);

// Appends one log entry (without the line's terminating "\n" of the file) with
// log escaped exactly as docker's json-file writer does: \" \\ \n \r, \u00XX for
// every other control character (tab included) and for < > &, \u2028 \u2029,
// and \ufffd for each byte that is not valid UTF-8.
void appendJsonLogEntry(std::string *out, std::string_view log, LogStream stream,
                        const timespec &time);

class JsonLog
{
public:
    // Longest partial line kept back waiting for its newline.
    static constexpr size_t MaxLineBuffer = 16 * 1024;

    JsonLog() = default;
    JsonLog(const JsonLog &) = delete;
    JsonLog &operator=(const JsonLog &) = delete;
    ~JsonLog();

    // maxSize 0 means unlimited; maxFiles below 1 counts as 1.
    Outcome open(const std::string &path, int64_t maxSize, int maxFiles);
    bool isOpen() const { return m_fd >= 0; }

    // Logs a chunk of output read from the container at time now.
    Outcome write(LogStream stream, std::string_view data, const timespec &now);
    // Writes the stream's held-back partial line, if any (the stream ended).
    Outcome flush(LogStream stream, const timespec &now);
    void close();

private:
    Outcome writeEntry(std::string_view log, LogStream stream, const timespec &time);
    Outcome rotate();

    int m_fd = -1;
    std::string m_path;
    int64_t m_maxSize = 0;
    int m_maxFiles = 1;
    int64_t m_size = 0;
    std::string m_partial[2]; // by LogStream
    std::string m_entry;      // reused encoding buffer
};

// Reads a log and its rotated files as one stream of entries, oldest first,
// and follows it across rotations (logs, logs -f):
//   JsonLogReader reader(path);
//   reader.read(&entries);   // everything so far: path.N ... path.1, path
//   reader.wait(100);        // until the log's directory changes
//   reader.read(&entries);   // what was written since, whatever was rotated
// The reader holds the files it has yet to finish open, so a rename does not
// disturb it; once the writer has moved on to a new file (path names another
// inode), it finishes the file it holds and goes on with the next newer one,
// found by inode among the rotated files. A reader that falls behind by more
// files than max-file keeps loses the ones dropped meanwhile, as docker's
// does; a log truncated in place (max-file 1) is read again from its start.
class JsonLogReader
{
public:
    explicit JsonLogReader(std::string path);
    JsonLogReader(const JsonLogReader &) = delete;
    JsonLogReader &operator=(const JsonLogReader &) = delete;
    ~JsonLogReader();

    // Appends the complete entries (each line without its "\n") written since
    // the last call. A log that does not exist yet reads as empty.
    Outcome read(std::vector<std::string> *entries);
    // Blocks until something in the log's directory changes or timeoutMs passes.
    void wait(int timeoutMs);

private:
    struct File
    {
        int fd = -1;
        dev_t dev = 0;
        ino_t ino = 0;
    };
    // The files now on disk, oldest first, opened; retried until no rename
    // happened while they were being opened.
    std::vector<File> openChain() const;
    Outcome drain(File &file, std::vector<std::string> *entries);
    static void closeAll(std::vector<File> &files);

    std::string m_path;
    std::deque<File> m_files; // front: being read; back: the newest known
    std::string m_partial;    // the start of a line whose end is not written yet
    bool m_started = false;
    int m_inotify = -1;
};

} // namespace berth::runtime
