# push against Debian's docker-registry on loopback, read back with skopeo and
# umoci: docker's output and messages, the manifest digest berth prints is the
# registry's, the files come back out, imported and committed images (plain
# tar layers gzip-compressed once, the result reused by the next push to any
# registry), a pulled image pushed with its own manifest (same digest), cross-
# repository mounts, forced chunked uploads, -a and -q, a push interrupted or
# refused leaving no repo digest, Basic auth behind TLS and token auth.
source "$(dirname "$0")/lib.sh"
need docker-registry
need skopeo
need umoci
need openssl
need htpasswd
need busybox
need python3
source "$(dirname "$0")/registry_lib.sh"

# A registry that logs every request (start_registry's log only errors), so
# the test can count the PATCHes of a chunked upload.
start_logged_registry() { # NAME PORT DATA
    local dir=$T/registry-$1
    mkdir -p "$dir" "$3"
    cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $3
http:
  addr: "127.0.0.1:$2"
EOF
    docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
    PIDS+=($!)
    wait_listening 127.0.0.1 "$2"
}
# Containers first (their removal needs nothing running), then the registries.
cleanup_push() {
    local rc=$? ids
    set +e
    ids=$(berth ps -aq --no-trunc 2>/dev/null)
    [[ -n $ids ]] && berth rm -f $ids >/dev/null 2>&1
    (exit "$rc")
    cleanup_registries
}
blob_path() { echo "$ROOT/oci/blobs/sha256/${1#sha256:}"; }
repo_digests() { berth inspect -f '{{.RepoDigests}}' "$1"; }
# A one-layer image of a directory, imported as NAME: a plain tar in the store.
import_dir() { # DIR NAME
    tar -C "$1" -cf "$T/import.tar" .
    berth import "$T/import.tar" "$2"
}

PORT=$(free_port)
start_logged_registry plain "$PORT" "$T/registry-data"
REGPID=${PIDS[-1]}
REG=127.0.0.1:$PORT
REGLOG=$T/registry-plain/log

make_busybox_rootfs "$T/base"
echo "pushed by berth" > "$T/base/etc/message"
ID=$(import_dir "$T/base" "$REG/bb:1")
DIFF=$(berth inspect -f '{{index .RootFS.Layers 0}}' "$ID")

# The first push: docker's lines into a pipe, the manifest the registry holds.
run berth push "$REG/bb:1"
assert_eq 0 "$RC" "push exits 0"
assert_eq "" "$ERR" "push writes nothing to stderr"
MD=$(manifest_digest "$REG/bb:1")
SIZE=$(raw_manifest "$REG/bb:1" | wc -c)
assert_eq "The push refers to repository [$REG/bb]
${DIFF:7:12}: Preparing
${DIFF:7:12}: Pushed
1: digest: $MD size: $SIZE" "$OUT" "push prints docker's lines, the digest the registry has"
assert_eq "$ID" "$(config_digest "$REG/bb:1")" "the config pushed is the image's: same id"
assert_eq "application/vnd.docker.distribution.manifest.v2+json application/vnd.docker.container.image.v1+json application/vnd.docker.image.rootfs.diff.tar.gzip" \
    "$(raw_manifest "$REG/bb:1" | python3 -c 'import json, sys; m = json.load(sys.stdin); print(m["mediaType"], m["config"]["mediaType"], " ".join(l["mediaType"] for l in m["layers"]))')" \
    "a Docker schema 2 manifest with a gzip layer"
LAYER=$(layer_digests "$REG/bb:1")
assert_eq "$DIFF" "sha256:$(gzip -dc < "$(blob_path "$LAYER")" | sha256sum | cut -d' ' -f1)" "the gzip blob kept in the store unpacks to the layer's diffID"
assert_eq "[$REG/bb@$MD]" "$(repo_digests "$REG/bb:1")" "repo digest recorded"
skopeo copy -q --src-tls-verify=false "docker://$REG/bb:1" "oci:$T/check:bb"
umoci unpack --image "$T/check:bb" "$T/unpacked" >/dev/null
diff -r --no-dereference "$T/base" "$T/unpacked/rootfs" >/dev/null && ok "skopeo + umoci unpack give the same files" || not_ok "skopeo + umoci unpack give the same files"

# Again: the registry has the layer; nothing is compressed again, on this
# registry or another one.
INODE=$(stat -c %i "$(blob_path "$LAYER")")
BLOBS=$(ls "$ROOT/oci/blobs/sha256" | wc -l)
run berth push "$REG/bb:1"
assert_eq 0 "$RC" "second push exits 0"
assert_contains "$OUT" "${DIFF:7:12}: Layer already exists" "second push: Layer already exists"
assert_contains "$OUT" "1: digest: $MD size: $SIZE" "second push: the same digest"
PORT2=$(free_port)
start_registry second 127.0.0.1 "$PORT2" "$T/registry-data2"
REG2=127.0.0.1:$PORT2
berth tag "$REG/bb:1" "$REG2/bb:1"
run berth push "$REG2/bb:1"
assert_eq 0 "$RC" "push to another registry"
assert_contains "$OUT" "${DIFF:7:12}: Pushed" "another registry: the layer is uploaded"
assert_eq "$LAYER" "$(layer_digests "$REG2/bb:1")" "another registry: the same compressed blob"
assert_eq "$INODE" "$(stat -c %i "$(blob_path "$LAYER")")" "the compressed blob was reused, not made again"
assert_eq "$BLOBS" "$(ls "$ROOT/oci/blobs/sha256" | wc -l)" "no new blob in the store"
# Garbage collection (here after an rmi) keeps it while its layer lives.
mkdir -p "$T/throwaway"
echo gone > "$T/throwaway/file"
import_dir "$T/throwaway" throwaway >/dev/null
berth rmi throwaway >/dev/null
[[ -f $(blob_path "$LAYER") ]] && ok "GC keeps the compressed blob of a stored layer" || not_ok "GC keeps the compressed blob of a stored layer"

# Another repository of the same registry: mounted, not sent.
berth tag "$REG/bb:1" "$REG/copy:1"
run berth push "$REG/copy:1"
assert_eq 0 "$RC" "push to another repository"
assert_contains "$OUT" "${DIFF:7:12}: Mounted from bb" "the layer is mounted from bb"
assert_contains "$OUT" "1: digest: $MD" "mounted: the same manifest"
assert_contains "$(cat "$REGLOG")" "POST /v2/copy/blobs/uploads/?mount=$LAYER&from=bb" "the registry was asked for a mount"

# -a pushes every tag; -q prints the reference only; no tag means latest.
berth tag "$REG/bb:1" "$REG/bb:2"
run berth push -a "$REG/bb"
assert_eq 0 "$RC" "push -a"
assert_contains "$OUT" "1: digest: $MD size: $SIZE" "push -a: tag 1"
assert_contains "$OUT" "2: digest: $MD size: $SIZE" "push -a: tag 2"
assert_eq "$MD" "$(manifest_digest "$REG/bb:2")" "push -a: tag 2 is on the registry"
run berth push -q "$REG/bb:2"
assert_eq "0 $REG/bb:2" "$RC $OUT" "push -q prints the reference only"
run berth push -a "$REG/bb:1"
assert_eq 1 "$RC" "push -a with a tag is refused"
assert_contains "$ERR" "tag can't be used with --all-tags/-a" "push -a with a tag: docker's words"

# On a terminal the lines are redrawn with the upload's progress.
mkdir -p "$T/rand"
head -c 3000000 /dev/urandom > "$T/rand/data"
RID=$(import_dir "$T/rand" "$REG/rand:1")
RDIFF=$(berth inspect -f '{{index .RootFS.Layers 0}}' "$RID")
if command -v script >/dev/null; then
    TTYOUT=$(script -qec "'$BERTH_BIN/berth' push '$REG/rand:1'" /dev/null)
    assert_contains "$TTYOUT" "${RDIFF:7:12}: Pushing" "terminal: Pushing shown"
    assert_contains "$TTYOUT" $'\e[2K' "terminal: lines redrawn in place"
    assert_contains "$TTYOUT" "${RDIFF:7:12}: Pushed" "terminal: Pushed"
fi

# Chunked uploads, forced: 64 KiB per PATCH, each following the Location before.
mkdir -p "$T/chunk"
head -c 300000 /dev/urandom > "$T/chunk/data"
import_dir "$T/chunk" "$REG/chunk:1" >/dev/null
run env BERTH_PUSH_CHUNK_SIZE=65536 "$BERTH_BIN/berth" push "$REG/chunk:1"
assert_eq 0 "$RC" "chunked push"
PATCHES=$(grep -c '"PATCH /v2/chunk/blobs/uploads/[^ ]* HTTP/1.1" 202' "$REGLOG" || true)
[[ $PATCHES -ge 5 ]] && ok "chunked: $PATCHES PATCH requests of 64 KiB" || not_ok "chunked: $PATCHES PATCH requests, expected 5 or more"
skopeo copy -q --src-tls-verify=false "docker://$REG/chunk:1" "oci:$T/check:chunk"
umoci unpack --image "$T/check:chunk" "$T/unpacked-chunk" >/dev/null
cmp -s "$T/chunk/data" "$T/unpacked-chunk/rootfs/data" && ok "chunked: the file comes back whole" || not_ok "chunked: the file comes back whole"

# A pulled image goes back with the registry's own manifest: same digest, on
# another repository (mounted: the pull recorded where its blobs are) and on
# another registry (uploaded).
OCI=$T/oci
umoci init --layout "$OCI"
umoci new --image "$OCI:img"
umoci unpack --image "$OCI:img" "$T/bundle" >/dev/null
cp -a "$T/base/." "$T/bundle/rootfs/"
umoci repack --refresh-bundle --image "$OCI:img" "$T/bundle"
echo "second layer" > "$T/bundle/rootfs/etc/second"
umoci repack --image "$OCI:img" "$T/bundle"
skopeo copy -q --dest-tls-verify=false "oci:$OCI:img" "docker://$REG/src:1"
SRC=$(manifest_digest "$REG/src:1")
berth pull -q "$REG/src:1" >/dev/null
berth tag "$REG/src:1" "$REG/dst:1"
run berth push "$REG/dst:1"
assert_eq 0 "$RC" "push of a pulled image"
assert_contains "$OUT" "1: digest: $SRC" "pulled image: the digest it was pulled with"
assert_eq "2" "$(grep -c "Mounted from src" <<<"$OUT")" "pulled image: both layers mounted from src"
berth tag "$REG/src:1" "$REG2/src:1"
run berth push "$REG2/src:1"
assert_eq 0 "$RC" "push of a pulled image to another registry"
assert_eq "$SRC" "$(manifest_digest "$REG2/src:1")" "another registry: the same manifest bytes"

# Committed images: a plain tar layer on top; pushed, removed, pulled, run.
if [[ $(id -u) -eq 0 && -x $BERTH_BIN/berth-shim ]]; then
    trap cleanup_push EXIT
    berth run --name committer "$REG/bb:1" sh -c 'echo "made in a container" > /etc/committed' >/dev/null
    berth commit committer "$REG/committed:1" >/dev/null
    berth rm committer >/dev/null
    run berth push "$REG/committed:1"
    assert_eq 0 "$RC" "push of a committed image"
    assert_contains "$OUT" "${DIFF:7:12}: Mounted from" "committed: the base layer is mounted"
    CMD=$(manifest_digest "$REG/committed:1")
    assert_contains "$OUT" "1: digest: $CMD" "committed: the digest printed is the registry's"
    CID=$(berth inspect -f '{{.Id}}' "$REG/committed:1")
    berth rmi "$REG/committed:1" >/dev/null
    run berth pull "$REG/committed:1"
    assert_eq 0 "$RC" "pull of what was pushed"
    assert_eq "$CID" "$(berth inspect -f '{{.Id}}' "$REG/committed:1")" "round trip: the same image id"
    run berth run --rm "$REG/committed:1" cat /etc/committed
    assert_eq "made in a container" "$OUT" "round trip: the committed file is there"
fi

# Errors, docker's words.
run berth push "$REG/nope"
assert_eq 1 "$RC" "no such image: exit 1"
assert_eq "Error response from daemon: An image does not exist locally with the tag: $REG/nope" "$ERR" "no such image: docker's message"
run berth push "$REG/bb:nosuch"
assert_eq "Error response from daemon: tag does not exist: $REG/bb:nosuch" "$ERR" "no such tag: docker's message"
run berth push "$REG/bb"
assert_eq "Using default tag: latest" "$OUT" "no tag: latest"
assert_eq "Error response from daemon: tag does not exist: $REG/bb:latest" "$ERR" "no tag: latest does not exist"

# Interrupted mid-upload (the registry stopped while a chunk is in flight):
# no repo digest, no tag on the registry, no ingest left.
mkdir -p "$T/big"
head -c 20000000 /dev/urandom > "$T/big/data"
import_dir "$T/big" "$REG/big:1" >/dev/null
BERTH_PUSH_CHUNK_SIZE=1048576 "$BERTH_BIN/berth" push "$REG/big:1" > "$T/big.out" 2>&1 &
PUSHPID=$!
for _ in $(seq 300); do
    [[ -n $(find "$T/registry-data/docker/registry/v2/repositories/big/_uploads" -name data -size +1 2>/dev/null) ]] && break
    sleep 0.05
done
kill -STOP "$REGPID"
kill -INT "$PUSHPID"
set +e; wait "$PUSHPID"; PRC=$?; set -e
kill -CONT "$REGPID"
[[ $PRC -ne 0 ]] && ok "interrupted push fails ($PRC)" || not_ok "interrupted push fails"
assert_eq "[]" "$(repo_digests "$REG/big:1")" "interrupted: no repo digest"
skopeo inspect --tls-verify=false --raw "docker://$REG/big:1" >/dev/null 2>&1 && not_ok "interrupted: no tag on the registry" || ok "interrupted: no tag on the registry"
assert_eq "" "$(ls "$ROOT/tmp" | grep -v '\.lock$' || true)" "interrupted: no ingest left"
run berth push "$REG/big:1"
assert_eq 0 "$RC" "the push after an interrupted one"
assert_contains "$(repo_digests "$REG/big:1")" "$REG/big@$(manifest_digest "$REG/big:1")" "the retry records the repo digest"

# Basic authentication behind TLS with the test's own CA (on [::1], which is
# not insecure by default).
make_pki
start_tls_registry "$T/registry-tls"
export BERTH_CONFIG=$T/config
trust_pki "$TREG"
berth tag "$REG/bb:1" "$TREG/bb:1"
run berth push "$TREG/bb:1"
assert_eq 1 "$RC" "Basic auth, no credentials: exit 1"
assert_contains "$ERR" "no basic auth credentials" "no credentials: docker's words"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=wrong "$BERTH_BIN/berth" push "$TREG/bb:1"
assert_eq 1 "$RC" "Basic auth, wrong password: exit 1"
assert_eq "Error response from daemon: unauthorized: authentication required" "$ERR" "wrong password: docker's words"
assert_not_contains "$(repo_digests "$ID")" "$TREG" "refused: no repo digest"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=s3cret "$BERTH_BIN/berth" push "$TREG/bb:1"
assert_eq 0 "$RC" "Basic auth behind TLS: pushed"
assert_contains "$OUT" "1: digest: $MD" "TLS registry: the same manifest"
assert_contains "$(repo_digests "$ID")" "$TREG/bb@$MD" "TLS registry: repo digest"
unset BERTH_CONFIG

# Token authentication: anonymous tokens may only pull; the test user's push.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth token signer" \
    -keyout "$PKI/signer.key" -out "$PKI/signer.crt" 2>/dev/null
start_token_registry one token
mkdir -p "$T/tok"
echo "token pushed" > "$T/tok/message"
TID=$(import_dir "$T/tok" "$TOKREG/tok:1")
run berth push "$TOKREG/tok:1"
assert_eq 1 "$RC" "token auth, anonymous: refused"
assert_eq "Error response from daemon: unauthorized: authentication required" "$ERR" "token auth, anonymous: docker's words"
assert_eq "[]" "$(repo_digests "$TID")" "token auth refused: no repo digest"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=s3cret "$BERTH_BIN/berth" push "$TOKREG/tok:1"
assert_eq 0 "$RC" "token auth with credentials: pushed"
assert_contains "$(cat "$TOKLOG")" "user=tester scope=repository:tok:pull,push" "token auth: a pull,push token for the user"
assert_eq "$TID" "$(config_digest "$TOKREG/tok:1")" "token auth: the image is on the registry"

# Once no image holds the layer any more, GC takes its compressed blob too.
berth rmi -f $(berth images -q | sort -u) >/dev/null
[[ ! -e $(blob_path "$LAYER") ]] && ok "GC removes the compressed blob with its layer" || not_ok "GC removes the compressed blob with its layer"

finish
