# Shared by the registry tests (source after lib.sh): a real docker-registry on
# loopback started per test, the misbehaving proxy and token server in
# tests/tools, and skopeo's view of what a registry holds. Every process
# started here is stopped on exit.
TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)

PIDS=()
cleanup_registries() {
    local rc=$?
    set +e
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    cleanup_lib "$rc"
}
trap cleanup_registries EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_listening() { # host port
    for _ in $(seq 100); do
        python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' \
            "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1:$2"; return 1
}
# start_registry NAME HOST PORT DATA [EXTRA-HTTP-YAML [AUTH-YAML]]: a registry
# keeping its repositories in DATA.
start_registry() {
    local dir=$T/registry-$1 addr=$2:$3
    [[ $2 == *:* ]] && addr="[$2]:$3"
    mkdir -p "$dir" "$4"
    cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $4
http:
  addr: "$addr"
${5:-}
${6:-}
EOF
    docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
    PIDS+=($!)
    wait_listening "$2" "$3"
}
# start_proxy MODE: the misbehaving proxy in front of the plain registry; sets PROXY.
start_proxy() {
    rm -f "$T/proxy-$1.port"
    python3 "$TOOLS/registry_proxy.py" --upstream "$REG" --mode "$1" --log "$T/proxy-$1.log" \
        --port-file "$T/proxy-$1.port" &
    PIDS+=($!)
    for _ in $(seq 100); do [[ -s $T/proxy-$1.port ]] && break; sleep 0.1; done
    PROXY=127.0.0.1:$(cat "$T/proxy-$1.port")
}
raw_manifest() { skopeo inspect --tls-verify=false --raw "docker://$1"; }
manifest_digest() { echo "sha256:$(raw_manifest "$1" | sha256sum | cut -d' ' -f1)"; }
config_digest() {
    raw_manifest "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["digest"])'
}
# The layer blob digests of an image, base first.
layer_digests() {
    raw_manifest "$1" | python3 -c 'import json, sys; [print(l["digest"]) for l in json.load(sys.stdin)["layers"]]'
}

# start_token_registry NAME FIELD: (needs $PKI/signer.{key,crt}) a token server answering with FIELD and a
# registry that trusts it; sets TOKREG and TOKLOG.
start_token_registry() {
    TOKLOG=$T/token-$1.log
    python3 "$TOOLS/token_server.py" --key "$PKI/signer.key" --cert "$PKI/signer.crt" \
        --issuer berth-test-issuer --user tester --password s3cret --field "$2" \
        --log "$TOKLOG" --port-file "$T/token-$1.port" &
    PIDS+=($!)
    for _ in $(seq 100); do [[ -s $T/token-$1.port ]] && break; sleep 0.1; done
    local port
    port=$(free_port)
    start_registry "token-$1" 127.0.0.1 "$port" "$T/registry-data" "" "auth:
  token:
    realm: http://127.0.0.1:$(cat "$T/token-$1.port")/token
    service: berth-test-registry
    issuer: berth-test-issuer
    rootcertbundle: $PKI/signer.crt"
    TOKREG=127.0.0.1:$port
}
# make_pki: in $T/pki (sets PKI) a CA of the test's own, a server certificate
# it signed for localhost and ::1, and an htpasswd entry for tester/s3cret.
make_pki() {
    PKI=$T/pki
    mkdir -p "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Berth Test CA" \
        -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$PKI/server.key" -out "$PKI/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:::1,DNS:localhost\n' > "$PKI/ext"
    openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
        -CAcreateserial -days 2 -extfile "$PKI/ext" -out "$PKI/server.crt" 2>/dev/null
    htpasswd -Bbn tester s3cret > "$PKI/htpasswd"
}
# start_tls_registry DATA: a registry on [::1] (not insecure by default, unlike
# 127.0.0.0/8) behind TLS with make_pki's certificate and Basic auth; sets
# TPORT and TREG.
start_tls_registry() {
    TPORT=$(free_port)
    start_registry tls ::1 "$TPORT" "$1" "  tls:
    certificate: $PKI/server.crt
    key: $PKI/server.key" "auth:
  htpasswd:
    realm: berth-test
    path: $PKI/htpasswd"
    TREG="[::1]:$TPORT"
}
# trust_pki HOST: berth trusts make_pki's CA for HOST (certs.d under $BERTH_CONFIG).
trust_pki() {
    mkdir -p "$BERTH_CONFIG/certs.d/$1"
    cp "$PKI/ca.crt" "$BERTH_CONFIG/certs.d/$1/ca.crt"
}
