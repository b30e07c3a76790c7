# The settings file (<config>/settings.json): registry mirrors for docker.io,
# insecure registries by name and CIDR, max-concurrent-downloads, proxies
# (settings and environment, never for loopback, no-proxy), client
# certificates from certs.d, and clear errors for a bad file.
# Everything runs in a network namespace of the test's own that has only lo
# (with 10.200.0.1 added to it as a non-loopback address), so a docker.io name
# can never reach the internet: the fallback to Docker Hub fails at the DNS
# lookup, before any packet leaves.
if [[ -z ${BERTH_TEST_NETNS:-} ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for a network namespace"; exit 77; }
    command -v unshare >/dev/null || { echo "SKIP: unshare is not installed"; exit 77; }
    BERTH_TEST_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
ip addr add 10.200.0.1/32 dev lo
source "$(dirname "$0")/lib.sh"
need docker-registry
need skopeo
need umoci
need openssl
need python3
source "$(dirname "$0")/registry_lib.sh"
export BERTH_CONFIG=$T/config
mkdir -p "$BERTH_CONFIG"
unset BERTH_REGISTRY_USER BERTH_REGISTRY_PASSWORD HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy
settings() { printf '%s' "$1" > "$BERTH_CONFIG/settings.json"; }
fresh_root() { export BERTH_ROOT=$T/root-$1; }

# A busybox image, and one of five small layers.
OCI=$T/oci
make_busybox_rootfs "$T/base"
umoci init --layout "$OCI"
umoci new --image "$OCI:bb"
umoci unpack --image "$OCI:bb" "$T/bundle" >/dev/null
cp -a "$T/base/." "$T/bundle/rootfs/"
umoci repack --refresh-bundle --image "$OCI:bb" "$T/bundle"
umoci new --image "$OCI:many"
umoci unpack --image "$OCI:many" "$T/bundle4" >/dev/null
for i in 1 2 3 4 5; do
    echo "layer $i" > "$T/bundle4/rootfs/file$i"
    umoci repack --refresh-bundle --image "$OCI:many" "$T/bundle4"
done
PORT=$(free_port)
start_registry plain 127.0.0.1 "$PORT" "$T/registry-data"
REG=127.0.0.1:$PORT
push() { skopeo copy -q --dest-tls-verify=false "$@"; }
push "oci:$OCI:bb" "docker://$REG/bb:1"
push "oci:$OCI:many" "docker://$REG/many:1"
ID1=$(config_digest "$REG/bb:1")

# A bad settings file: the file, the key and what is wrong.
fresh_root bad
settings '{"registry-mirrors": ["ftp://mirror.example.com"]}'
run berth pull "$REG/bb:1"
assert_eq 1 "$RC" "bad mirror: pull refused"
assert_eq "Error response from daemon: settings file $BERTH_CONFIG/settings.json: \"registry-mirrors\": \"ftp://mirror.example.com\" is not an http:// or https:// URL of a registry" "$ERR" "bad mirror: file, key and cause"
settings '{"max-concurent-downloads": 2}'
run berth pull "$REG/bb:1"
assert_eq "Error response from daemon: settings file $BERTH_CONFIG/settings.json: \"max-concurent-downloads\": is not a known setting" "$ERR" "a misspelt key is an error"
settings '{"insecure-registries": ["10.0.0.0/8",]}'
run berth pull "$REG/bb:1"
assert_contains "$ERR" "settings file $BERTH_CONFIG/settings.json: not valid JSON at byte" "invalid JSON named"

# Mirrors: the first is down, the second holds library/busybox; nothing else
# could answer for docker.io here.
MPORT=$(free_port)
start_registry mirror 127.0.0.1 "$MPORT" "$T/mirror-data"
push "oci:$OCI:bb" "docker://127.0.0.1:$MPORT/library/busybox:latest"
DOWN=$(free_port)
fresh_root mirrors
settings "{\"registry-mirrors\": [\"http://127.0.0.1:$DOWN\", \"http://127.0.0.1:$MPORT/\"]}"
run berth pull busybox
assert_eq 0 "$RC" "mirrors: busybox pulled"
assert_contains "$OUT" "Status: Downloaded newer image for busybox:latest" "mirrors: docker's status names docker.io's image"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' busybox)" "mirrors: the second mirror's image"
assert_eq "busybox:latest" "$(berth inspect -f '{{index .RepoTags 0}}' busybox)" "mirrors: tagged as Docker Hub's busybox"
# A mirror without the image: Docker Hub itself is asked next, which this
# namespace cannot reach (no DNS, no route).
fresh_root fallback
settings "{\"registry-mirrors\": [\"http://127.0.0.1:$MPORT\"]}"
run berth pull library/nothere
assert_eq 1 "$RC" "mirror without the image: falls back to Docker Hub"
assert_contains "$ERR" "registry-1.docker.io" "fallback: the origin's error is reported"

# Insecure registries by CIDR and by name: plain http on [::1] and on
# 10.200.0.1, neither in the default 127.0.0.0/8.
P6=$(free_port)
start_registry v6 ::1 "$P6" "$T/registry-data"
P10=$(free_port)
start_registry ten 10.200.0.1 "$P10" "$T/registry-data"
fresh_root insecure
rm "$BERTH_CONFIG/settings.json"
run berth pull "[::1]:$P6/bb:1"
assert_eq 1 "$RC" "[::1] is not insecure by default"
settings '{"insecure-registries": ["::1/128"]}'
run berth pull "[::1]:$P6/bb:1"
assert_eq 0 "$RC" "insecure CIDR ::1/128: plain http pull"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "[::1]:$P6/bb:1")" "insecure CIDR: same image"
settings "{\"insecure-registries\": [\"[::1]:$P6\"]}"
berth rmi "[::1]:$P6/bb:1" >/dev/null
run berth pull "[::1]:$P6/bb:1"
assert_eq 0 "$RC" "insecure by name host:port"
run berth pull "10.200.0.1:$P10/bb:1"
assert_eq 1 "$RC" "10.200.0.1 not listed: refused"
settings '{"insecure-registries": ["10.200.0.0/16"]}'
run berth pull "10.200.0.1:$P10/bb:1"
assert_eq 0 "$RC" "insecure CIDR 10.200.0.0/16"

# max-concurrent-downloads: docker's "Waiting" marks the layers beyond it.
fresh_root conc1
settings '{"max-concurrent-downloads": 1}'
run berth pull "$REG/many:1"
assert_eq 0 "$RC" "max-concurrent-downloads 1: pull"
assert_eq 4 "$(grep -c ': Waiting$' <<< "$OUT")" "max-concurrent-downloads 1: four of five layers wait"
fresh_root conc3
rm "$BERTH_CONFIG/settings.json"
run berth pull "$REG/many:1"
assert_eq 2 "$(grep -c ': Waiting$' <<< "$OUT")" "default 3: two of five layers wait"

# Proxies: a forward proxy of the test's own on loopback; the registry on
# 10.200.0.1 is reached through it, loopback registries never are.
rm -f "$T/fproxy.port"
python3 "$TOOLS/forward_proxy.py" --log "$T/fproxy.log" --port-file "$T/fproxy.port" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s $T/fproxy.port ]] && break; sleep 0.1; done
FPROXY=http://127.0.0.1:$(cat "$T/fproxy.port")
touch "$T/fproxy.log"
fresh_root proxy
settings "{\"insecure-registries\": [\"10.200.0.0/16\"], \"proxies\": {\"http-proxy\": \"$FPROXY\", \"https-proxy\": \"$FPROXY\"}}"
run berth pull "10.200.0.1:$P10/bb:1"
assert_eq 0 "$RC" "proxy: pull through it"
assert_contains "$(cat "$T/fproxy.log")" "GET http://10.200.0.1:$P10/v2/bb/manifests/1" "proxy: the manifest came through the proxy"
assert_contains "$(cat "$T/fproxy.log")" "CONNECT 10.200.0.1:$P10" "proxy: https tried through the proxy first"
: > "$T/fproxy.log"
run berth pull "$REG/bb:1"
assert_eq 0 "$RC" "proxy set: loopback pull"
assert_eq "" "$(cat "$T/fproxy.log")" "proxy: loopback is never proxied"
berth rmi "10.200.0.1:$P10/bb:1" >/dev/null
settings "{\"insecure-registries\": [\"10.200.0.0/16\"], \"proxies\": {\"http-proxy\": \"$FPROXY\", \"https-proxy\": \"$FPROXY\", \"no-proxy\": \"10.200.0.0/16\"}}"
run berth pull "10.200.0.1:$P10/bb:1"
assert_eq 0 "$RC" "no-proxy: pull"
assert_eq "" "$(cat "$T/fproxy.log")" "no-proxy: the CIDR goes direct"
berth rmi "10.200.0.1:$P10/bb:1" >/dev/null
settings '{"insecure-registries": ["10.200.0.0/16"]}'
run env HTTP_PROXY="$FPROXY" "$BERTH_BIN/berth" pull "10.200.0.1:$P10/bb:1"
assert_eq 0 "$RC" "HTTP_PROXY from the environment: pull"
assert_contains "$(cat "$T/fproxy.log")" "GET http://10.200.0.1:$P10/v2/bb/manifests/1" "HTTP_PROXY: used for http"
assert_not_contains "$(cat "$T/fproxy.log")" "CONNECT" "HTTP_PROXY: https goes direct without HTTPS_PROXY"

# Client certificates: a registry that asks for one signed by the test's CA.
make_pki
openssl req -newkey rsa:2048 -nodes -subj "/CN=berth client" \
    -keyout "$PKI/client.key" -out "$PKI/client.csr" 2>/dev/null
openssl x509 -req -in "$PKI/client.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 2 -out "$PKI/client.cert" 2>/dev/null
PC=$(free_port)
start_registry mtls ::1 "$PC" "$T/registry-data" "  tls:
    certificate: $PKI/server.crt
    key: $PKI/server.key
    clientcas:
      - $PKI/ca.crt"
CREG="[::1]:$PC"
fresh_root mtls
rm "$BERTH_CONFIG/settings.json"
mkdir -p "$BERTH_CONFIG/certs.d/$CREG"
cp "$PKI/ca.crt" "$BERTH_CONFIG/certs.d/$CREG/ca.crt"
run berth pull "$CREG/bb:1"
assert_eq 1 "$RC" "client certificate required: refused without one"
cp "$PKI/client.cert" "$BERTH_CONFIG/certs.d/$CREG/client.cert"
run berth pull "$CREG/bb:1"
assert_eq 1 "$RC" "a .cert without its .key: refused"
assert_contains "$ERR" "client certificate for registry $CREG: $BERTH_CONFIG/certs.d/$CREG/client.cert has no client.key beside it" "a .cert without its .key: named"
cp "$PKI/client.key" "$BERTH_CONFIG/certs.d/$CREG/client.key"
run berth pull "$CREG/bb:1"
assert_eq 0 "$RC" "client certificate from certs.d: pull"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$CREG/bb:1")" "client certificate: same image"

finish
