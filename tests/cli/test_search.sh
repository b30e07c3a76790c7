# search: Docker Hub's search API (a small server of the test's own on
# loopback serving canned answers, named by the settings file's
# "search-index") and a private registry's catalog (Debian's docker-registry,
# and the test's server for the catalog's Link pagination). Columns, the
# 45-character description, --no-trunc, --limit, --filter and --format as
# docker prints them.
source "$(dirname "$0")/lib.sh"
need docker-registry
need skopeo
need umoci
need python3
source "$(dirname "$0")/registry_lib.sh"
export BERTH_CONFIG=$T/config
mkdir -p "$BERTH_CONFIG"

# The search index: /v1/search answers from canned results (the API's shape:
# num_results, query, results[] with name, description, star_count,
# is_official, is_automated), at most n of them; /v2/_catalog answers in pages
# of two with Link headers. Every request goes to the log.
cat > "$T/index.py" <<'PY'
import http.server, json, sys, urllib.parse
log, port_file = sys.argv[1], sys.argv[2]
RESULTS = [
    {"name": "busybox", "description": "Busybox base image.", "star_count": 3300,
     "is_official": True, "is_automated": False},
    {"name": "someone/busybox-tools", "description":
     "A long description of busybox tools that goes on\nand on past forty-five characters",
     "star_count": 12, "is_official": False, "is_automated": True},
    {"name": "other/busybox", "description": "", "star_count": 0,
     "is_official": False, "is_automated": False},
]
CATALOG = ["alpha", "bb-one", "bb-two", "gamma", "bb-three"]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def answer(self, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers: self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        with open(log, "a") as f: f.write(self.path + "\n")
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/v1/search":
            n = int(q.get("n", ["25"])[0])
            hits = [r for r in RESULTS if q["q"][0] in r["name"]][:n]
            self.answer({"num_pages": 1, "num_results": len(hits), "page_size": n,
                         "page": 1, "query": q["q"][0], "results": hits})
        elif url.path == "/v2/":
            self.answer({})
        elif url.path == "/v2/_catalog":
            last = q.get("last", [""])[0]
            start = CATALOG.index(last) + 1 if last else 0
            page = CATALOG[start:start + 2]
            headers = []
            if start + 2 < len(CATALOG):
                headers.append(("Link", '</v2/_catalog?last=%s&n=2>; rel="next"' % page[-1]))
            self.answer({"repositories": page}, headers)
        else:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(port_file + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(port_file + ".tmp", port_file)
s.serve_forever()
PY
python3 "$T/index.py" "$T/index.log" "$T/index.port" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s $T/index.port ]] && break; sleep 0.1; done
IPORT=$(cat "$T/index.port")
printf '{"search-index": "http://127.0.0.1:%s"}' "$IPORT" > "$BERTH_CONFIG/settings.json"

run berth search busybox
assert_eq 0 "$RC" "search"
assert_eq "NAME                    DESCRIPTION                                     STARS     OFFICIAL
busybox                 Busybox base image.                             3300      [OK]
someone/busybox-tools   A long description of busybox tools that goe…   12        
other/busybox                                                           0         " "$OUT" "search: docker's columns, description cut at 45"
assert_eq "/v1/search?q=busybox&n=25" "$(tail -1 "$T/index.log")" "search: docker's default limit asked for"
run berth search --no-trunc busybox
assert_contains "$OUT" "A long description of busybox tools that goes on and on past forty-five characters" "--no-trunc: whole description, newline as space"
run berth search --limit 2 busybox
assert_eq "/v1/search?q=busybox&n=2" "$(tail -1 "$T/index.log")" "--limit: sent as n"
assert_eq 3 "$(wc -l <<< "$OUT")" "--limit 2: two rows"
run berth search --limit 101 busybox
assert_eq 1 "$RC" "--limit 101 refused"
assert_eq "Error response from daemon: limit 101 is outside the range of [1, 100]" "$ERR" "--limit: docker's range message"
run berth search --filter is-official=true busybox
assert_eq "busybox" "$(tail -n +2 <<< "$OUT" | awk '{print $1}')" "--filter is-official=true"
run berth search --filter stars=10 busybox
assert_eq $'busybox\nsomeone/busybox-tools' "$(tail -n +2 <<< "$OUT" | awk '{print $1}')" "--filter stars=10"
run berth search --filter nonsense=1 busybox
assert_eq "Error response from daemon: invalid filter 'nonsense=1'" "$ERR" "--filter: unknown filter refused"
run berth search --format '{{.Name}}: {{.StarCount}} {{.IsOfficial}}' busybox
assert_eq $'busybox: 3300 [OK]\nsomeone/busybox-tools: 12 \nother/busybox: 0 ' "$OUT" "--format"

# The catalog of a real registry: repositories holding the term.
OCI=$T/oci
umoci init --layout "$OCI"
umoci new --image "$OCI:empty"
PORT=$(free_port)
start_registry plain 127.0.0.1 "$PORT" "$T/registry-data"
REG=127.0.0.1:$PORT
for name in app/web app/db tools/bbox other; do
    skopeo copy -q --dest-tls-verify=false "oci:$OCI:empty" "docker://$REG/$name:1"
done
run berth search "$REG/app"
assert_eq 0 "$RC" "catalog search"
assert_eq "$REG/app/db $REG/app/web" "$(tail -n +2 <<< "$OUT" | awk '{print $1}' | sort | xargs)" "catalog: the names holding the term, with the registry"
assert_eq "NAME" "$(head -1 <<< "$OUT" | awk '{print $1}')" "catalog: the same table"
run berth search "$REG/nothing"
assert_eq "NAME      DESCRIPTION   STARS     OFFICIAL" "$OUT" "catalog: no match, just the header"
# Pagination (Link: rel="next"), from the test's server.
run berth search "127.0.0.1:$IPORT/bb"
assert_eq "127.0.0.1:$IPORT/bb-one 127.0.0.1:$IPORT/bb-two 127.0.0.1:$IPORT/bb-three" "$(tail -n +2 <<< "$OUT" | awk '{print $1}' | xargs)" "catalog: every page read"
assert_contains "$(cat "$T/index.log")" "/v2/_catalog?last=gamma&n=2" "catalog: the last page asked for"

finish
