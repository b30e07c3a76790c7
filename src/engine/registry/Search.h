// Finding repositories: Docker Hub's search API and a registry's catalog.
//
//   berth search busybox            GET <search-index>/v1/search?q=busybox&n=25
//                                   -> {"results": [{"name": "busybox",
//                                       "description": "...", "star_count": 3300,
//                                       "is_official": true, "is_automated": false}]}
//   berth search host:5000/bb       GET https://host:5000/v2/_catalog (all its pages),
//                                   the names holding "bb", as "host:5000/name"
// The search index is Docker Hub's unless the settings file's "search-index"
// names another (Settings.h).
#pragma once

#include "util/Result.h"
#include "util/Stream.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace berth::registry {

struct Settings;

struct SearchResult
{
    QString name;
    QString description;
    int stars = 0;
    bool official = false;
    bool automated = false;
};

// A search API answer; an error names `what` (the request) when it is not one.
Result<QList<SearchResult>> parseSearchResults(const QByteArray &body, const QString &what);

// The registry a search term names ("host:5000/bb" -> "host:5000"), empty for
// Docker Hub's search: a first part with a dot or a port, or "localhost", as
// references tell a registry from a namespace.
QString searchRegistry(const QString &term);

// At most `limit` results for the term, from the search index or, for a term
// naming a registry, from its catalog.
Result<QList<SearchResult>> search(const Settings &settings, const QString &term, int limit,
                                   const Progress &progress);

} // namespace berth::registry
