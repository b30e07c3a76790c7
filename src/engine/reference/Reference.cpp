// Image reference grammar and normalization, following the grammar documented in
// distribution/reference (reference.go) and the rules of its normalize.go.
#include "reference/Reference.h"

#include "util/Digest.h"

#include <QRegularExpression>

namespace berth::reference {

namespace {

const QString defaultDomain = QStringLiteral("docker.io");
const QString legacyDefaultDomain = QStringLiteral("index.docker.io");
const QString officialRepoPrefix = QStringLiteral("library/");
constexpr qsizetype nameTotalLengthMax = 255;

// The grammar, built from the same named pieces as the reference documentation so
// each part can be checked against it.
const QRegularExpression &referenceRegexp()
{
    static const QRegularExpression re = [] {
        const QString alphanumeric = QStringLiteral("[a-z0-9]+");
        const QString separator = QStringLiteral("(?:[._]|__|[-]+)");
        const QString pathComponent =
            alphanumeric + QStringLiteral("(?:") + separator + alphanumeric + QStringLiteral(")*");
        const QString domainComponent =
            QStringLiteral("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
        const QString domainName =
            domainComponent + QStringLiteral("(?:\\.") + domainComponent + QStringLiteral(")*");
        const QString ipv6 = QStringLiteral("\\[[a-fA-F0-9:]+\\]");
        const QString domainAndPort = QStringLiteral("(?:") + domainName + QLatin1Char('|') + ipv6 +
                                      QStringLiteral(")(?::[0-9]+)?");
        const QString remoteName =
            pathComponent + QStringLiteral("(?:/") + pathComponent + QStringLiteral(")*");
        const QString name =
            QStringLiteral("(?:") + domainAndPort + QStringLiteral("/)?") + remoteName;
        const QString tag = QStringLiteral("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        const QString digest =
            QStringLiteral("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
        return QRegularExpression(QStringLiteral("\\A(") + name + QStringLiteral(")(?::(") + tag +
                                  QStringLiteral("))?(?:@(") + digest + QStringLiteral("))?\\z"));
    }();
    return re;
}

const QRegularExpression &identifierRegexp()
{
    static const QRegularExpression re(QStringLiteral("\\A[a-f0-9]{64}\\z"));
    return re;
}

Error formatError(const QString &detail = {})
{
    if (detail.isEmpty())
        return makeError(ErrorCode::InvalidArgument, tr("invalid reference format"));
    return makeError(ErrorCode::InvalidArgument, tr("invalid reference format: %1").arg(detail));
}

// Docker's splitDockerDomain: the first component is a registry only when it
// looks like one (has '.' or ':', is "localhost", or has upper case letters);
// otherwise the name is on Docker Hub, where one-component names are "library/".
void splitDomain(const QString &s, QString *domain, QString *remainder)
{
    const qsizetype slash = s.indexOf(QLatin1Char('/'));
    const QString first = slash < 0 ? QString() : s.left(slash);
    if (slash < 0 || (!first.contains(QLatin1Char('.')) && !first.contains(QLatin1Char(':')) &&
                      first != QLatin1String("localhost") && first.toLower() == first)) {
        *domain = defaultDomain;
        *remainder = s;
    } else {
        *domain = first;
        *remainder = s.mid(slash + 1);
    }
    if (*domain == legacyDefaultDomain)
        *domain = defaultDomain;
    if (*domain == defaultDomain && !remainder->contains(QLatin1Char('/')))
        *remainder = officialRepoPrefix + *remainder;
}

Status validateDigest(const QString &digest)
{
    const qsizetype colon = digest.indexOf(QLatin1Char(':'));
    const QString algorithm = digest.left(colon);
    if (algorithm != QLatin1String("sha256"))
        return formatError(tr("unsupported digest algorithm %1").arg(algorithm));
    if (!isValidDigest(digest))
        return formatError(tr("invalid checksum digest length or characters in %1").arg(digest));
    return {};
}

// path.Match on one position; -1 reports a malformed pattern.
int globFrom(const QString &p, qsizetype pi, const QString &s, qsizetype si)
{
    while (pi < p.size()) {
        QChar c = p[pi];
        if (c == QLatin1Char('*')) {
            while (pi < p.size() && p[pi] == QLatin1Char('*'))
                ++pi;
            for (qsizetype k = si; k <= s.size(); ++k) {
                const int r = globFrom(p, pi, s, k);
                if (r != 0)
                    return r;
                if (k < s.size() && s[k] == QLatin1Char('/'))
                    break;
            }
            return 0;
        }
        if (c == QLatin1Char('[')) {
            ++pi;
            bool negated = false;
            if (pi < p.size() && p[pi] == QLatin1Char('^')) {
                negated = true;
                ++pi;
            }
            bool matched = false;
            int ranges = 0;
            for (;;) {
                if (pi >= p.size())
                    return -1;
                if (p[pi] == QLatin1Char(']') && ranges > 0) {
                    ++pi;
                    break;
                }
                // One class character, possibly escaped; unescaped '-' and ']' are malformed.
                auto classChar = [&](QChar *out) {
                    if (pi >= p.size() || p[pi] == QLatin1Char('-') || p[pi] == QLatin1Char(']'))
                        return false;
                    if (p[pi] == QLatin1Char('\\')) {
                        ++pi;
                        if (pi >= p.size())
                            return false;
                    }
                    *out = p[pi++];
                    return true;
                };
                QChar lo;
                if (!classChar(&lo))
                    return -1;
                QChar hi = lo;
                if (pi < p.size() && p[pi] == QLatin1Char('-')) {
                    ++pi;
                    if (!classChar(&hi))
                        return -1;
                }
                ++ranges;
                if (si < s.size() && lo <= s[si] && s[si] <= hi)
                    matched = true;
            }
            if (si >= s.size() || matched == negated)
                return 0;
            ++si;
            continue;
        }
        if (si >= s.size())
            return 0;
        if (c == QLatin1Char('?')) {
            if (s[si] == QLatin1Char('/'))
                return 0;
            ++pi;
            ++si;
            continue;
        }
        if (c == QLatin1Char('\\')) {
            ++pi;
            if (pi >= p.size())
                return -1;
            c = p[pi];
        }
        if (s[si] != c)
            return 0;
        ++pi;
        ++si;
    }
    return si == s.size() ? 1 : 0;
}

} // namespace

Result<Reference> Reference::parse(const QString &s)
{
    if (s.isEmpty())
        return formatError(tr("repository name must have at least one component"));
    if (identifierRegexp().match(s).hasMatch())
        return makeError(
            ErrorCode::InvalidArgument,
            tr("invalid repository name (%1), cannot specify 64-byte hexadecimal strings").arg(s));

    QString domain;
    QString remainder;
    splitDomain(s, &domain, &remainder);
    const qsizetype tagSep = remainder.indexOf(QLatin1Char(':'));
    const QString remoteName = tagSep < 0 ? remainder : remainder.left(tagSep);
    if (remoteName.toLower() != remoteName)
        return formatError(tr("repository name (%1) must be lowercase").arg(remoteName));

    const QString full = domain + QLatin1Char('/') + remainder;
    const QRegularExpressionMatch m = referenceRegexp().match(full);
    if (!m.hasMatch()) {
        if (referenceRegexp().match(full.toLower()).hasMatch())
            return formatError(tr("repository name must be lowercase"));
        return formatError();
    }
    const QString name = m.captured(1);
    if (name.size() > nameTotalLengthMax)
        return formatError(
            tr("repository name must not be more than %1 characters").arg(nameTotalLengthMax));

    Reference ref;
    ref.domain = domain;
    ref.path = name.mid(domain.size() + 1);
    ref.tag = m.captured(2);
    ref.digest = m.captured(3);
    if (!ref.digest.isEmpty())
        BERTH_TRY(validateDigest(ref.digest));
    return ref;
}

QString Reference::name() const
{
    return domain + QLatin1Char('/') + path;
}

QString Reference::familiarName() const
{
    if (domain != defaultDomain)
        return name();
    if (path.startsWith(officialRepoPrefix)) {
        const QString rest = path.mid(officialRepoPrefix.size());
        if (!rest.contains(QLatin1Char('/')))
            return rest;
    }
    return path;
}

static QString withSuffixes(const QString &base, const Reference &ref)
{
    QString out = base;
    if (!ref.tag.isEmpty())
        out += QLatin1Char(':') + ref.tag;
    if (!ref.digest.isEmpty())
        out += QLatin1Char('@') + ref.digest;
    return out;
}

QString Reference::string() const
{
    return withSuffixes(name(), *this);
}

QString Reference::familiarString() const
{
    return withSuffixes(familiarName(), *this);
}

Reference Reference::withDefaultTag() const
{
    Reference ref = *this;
    if (isNameOnly())
        ref.tag = QStringLiteral("latest");
    return ref;
}

bool globMatch(const QString &pattern, const QString &name)
{
    return globFrom(pattern, 0, name, 0) == 1;
}

bool matchesPattern(const Reference &ref, const QString &pattern)
{
    return globMatch(pattern, ref.familiarString()) || globMatch(pattern, ref.familiarName()) ||
           globMatch(pattern, ref.string()) || globMatch(pattern, ref.name());
}

} // namespace berth::reference
