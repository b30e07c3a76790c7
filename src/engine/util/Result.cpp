#include "util/Result.h"

#include <cerrno>
#include <cstring>

namespace berth {

Error Error::fromErrno(int err, const QString &operation, const QString &object)
{
    ErrorCode code = ErrorCode::Io;
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        code = ErrorCode::NotFound;
        break;
    case EEXIST:
    case ENOTEMPTY:
    case EBUSY:
        code = ErrorCode::Conflict;
        break;
    case EACCES:
    case EPERM:
    case EROFS:
        code = ErrorCode::Permission;
        break;
    case ENOSPC:
    case EDQUOT:
        code = ErrorCode::NoSpace;
        break;
    case EINVAL:
    case ENAMETOOLONG:
    case ELOOP:
    case EXDEV:
        code = ErrorCode::InvalidArgument;
        break;
    case ENOSYS:
    case EOPNOTSUPP:
        code = ErrorCode::Unsupported;
        break;
    default:
        break;
    }
    QString text = operation;
    if (!object.isEmpty())
        text += QLatin1Char(' ') + object;
    text += QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(err)).toLower();
    return Error{code, text};
}

Error Error::prefixed(const QString &context) const
{
    return Error{code, context + QStringLiteral(": ") + message};
}

} // namespace berth
