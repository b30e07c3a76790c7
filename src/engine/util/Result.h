// Result<T> and Error: how every engine operation reports failure.
//
// An Error is a code (what kind of failure, for callers that branch on it: the
// CLI maps codes to exit statuses, the GUI to icons) and a message for people
// that names the operation, the object and the cause, crun-style:
//   "unpack layer sha256:ab12…: entry \"../etc/passwd\": path escapes the layer root"
// Messages are built with tr() (context "berth") so the GUI shows them translated.
// No exceptions cross the engine boundary.
#pragma once

#include <QCoreApplication>
#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace berth {

enum class ErrorCode {
    NotFound,
    Conflict,
    InvalidArgument,
    Unauthorized,
    Network,
    Corrupt,
    Permission,
    Unsupported,
    NoSpace,
    Io,
    Cancelled,
    Internal,
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;

    // An error from a failed system call: "<operation> <object>: <strerror>",
    // with the code derived from errno (ENOENT -> NotFound, ENOSPC -> NoSpace, ...).
    static Error fromErrno(int err, const QString &operation, const QString &object = {});

    // The same error with "<context>: " put in front of its message.
    Error prefixed(const QString &context) const;
};

// Translation helper for engine messages; one context so the .ts stays tidy.
inline QString tr(const char *text)
{
    return QCoreApplication::translate("berth", text);
}

template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }

    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

inline Error makeError(ErrorCode code, const QString &message)
{
    return Error{code, message};
}

} // namespace berth

// Early-return helpers: BERTH_TRY(status) returns the error of a failed
// Result<void>/Status; BERTH_TRY_ASSIGN(var, expr) declares var from a Result<T>.
#define BERTH_TRY(expr)                                                                            \
    do {                                                                                           \
        auto berth_try_result_ = (expr);                                                           \
        if (!berth_try_result_.ok())                                                               \
            return berth_try_result_.error();                                                      \
    } while (0)

#define BERTH_CONCAT_INNER_(a, b) a##b
#define BERTH_CONCAT_(a, b) BERTH_CONCAT_INNER_(a, b)
#define BERTH_TRY_ASSIGN(var, expr)                                                                \
    auto BERTH_CONCAT_(berth_tmp_, __LINE__) = (expr);                                             \
    if (!BERTH_CONCAT_(berth_tmp_, __LINE__).ok())                                                 \
        return BERTH_CONCAT_(berth_tmp_, __LINE__).error();                                        \
    var = std::move(BERTH_CONCAT_(berth_tmp_, __LINE__)).value()
