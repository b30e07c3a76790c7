#include "util/Digest.h"

#include <openssl/evp.h>

namespace berth {

struct Sha256::Ctx
{
    EVP_MD_CTX *md = nullptr;
};

Sha256::Sha256() : m_ctx(std::make_unique<Ctx>())
{
    m_ctx->md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(m_ctx->md, EVP_sha256(), nullptr);
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(m_ctx->md);
}

void Sha256::update(const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    EVP_DigestUpdate(m_ctx->md, data, static_cast<size_t>(size));
    m_bytes += size;
}

Digest Sha256::finish()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx->md, out, &len);
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), len).toHex());
}

Digest Sha256::of(const QByteArray &data)
{
    Sha256 h;
    h.update(data);
    return h.finish();
}

bool isValidDigest(const QString &digest)
{
    if (digest.size() != 71 || !digest.startsWith(QLatin1String("sha256:")))
        return false;
    for (qsizetype i = 7; i < digest.size(); ++i) {
        const QChar c = digest.at(i);
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
              (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

QString digestHex(const Digest &digest)
{
    return digest.mid(7);
}

} // namespace berth
