// SHA-256 digests, the only glue between engine folders: blobs are named by the
// digest of their bytes, layers by diffID/chainID, images by the digest of their
// config. Hashing goes through OpenSSL's libcrypto, which uses the CPU's SHA
// extensions (several times QCryptographicHash's speed on the same machine).
#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace berth {

// "sha256:<64 lowercase hex>". Kept as a string: that is how every format stores it.
using Digest = QString;

// True for "sha256:" followed by exactly 64 lowercase hex digits.
bool isValidDigest(const QString &digest);
// The 64-hex part of a valid digest.
QString digestHex(const Digest &digest);

class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void update(const char *data, qsizetype size);
    void update(const QByteArray &data) { update(data.constData(), data.size()); }
    // Returns the digest as "sha256:<hex>"; the object may not be updated after.
    Digest finish();
    qint64 bytes() const { return m_bytes; }

    static Digest of(const QByteArray &data);

private:
    struct Ctx;
    std::unique_ptr<Ctx> m_ctx;
    qint64 m_bytes = 0;
};

} // namespace berth
