# pull against Debian's docker-registry on loopback, with images that skopeo and
# umoci put there: docker's output and messages, image ids equal to the config
# digests the registry holds, repo digests, pull by digest, multi-platform
# indexes, docker schema 2 manifests, -a and -q, run pulling what it lacks, a
# Basic-auth registry behind TLS with its own CA, and a proxy that drops the
# connection mid-blob (the pull resumes), flips a byte (the pull fails and
# stores nothing) or redirects blobs elsewhere.
source "$(dirname "$0")/lib.sh"
need docker-registry
need skopeo
need umoci
need openssl
need htpasswd
need busybox
need python3
source "$(dirname "$0")/registry_lib.sh"

# Images: a busybox base layer and a second layer with a message, as umoci
# builds OCI images (unpack, change the rootfs, repack); "bb2" shares the base
# and adds another message.
OCI=$T/oci
make_busybox_rootfs "$T/base"
umoci init --layout "$OCI"
umoci new --image "$OCI:bb"
umoci unpack --image "$OCI:bb" "$T/bundle" >/dev/null
cp -a "$T/base/." "$T/bundle/rootfs/"
umoci repack --refresh-bundle --image "$OCI:bb" "$T/bundle"
umoci tag --image "$OCI:bb" base
echo "pulled from a registry" > "$T/bundle/rootfs/etc/message"
umoci repack --image "$OCI:bb" "$T/bundle"
umoci config --image "$OCI:bb" --config.cmd /bin/sh
umoci tag --image "$OCI:base" bb2
umoci unpack --image "$OCI:bb2" "$T/bundle2" >/dev/null
echo "second image" > "$T/bundle2/rootfs/etc/message"
umoci repack --image "$OCI:bb2" "$T/bundle2"
# An arm64 image for a multi-platform index (never run here, only chosen).
umoci new --image "$OCI:arm"
umoci config --image "$OCI:arm" --architecture arm64 --config.cmd /bin/sh
umoci unpack --image "$OCI:arm" "$T/bundle3" >/dev/null
echo "arm" > "$T/bundle3/rootfs/message"
umoci repack --image "$OCI:arm" "$T/bundle3"
# Five small layers: more than a pull downloads at once.
umoci new --image "$OCI:many"
umoci unpack --image "$OCI:many" "$T/bundle4" >/dev/null
for i in 1 2 3 4 5; do
    echo "layer $i" > "$T/bundle4/rootfs/file$i"
    umoci repack --refresh-bundle --image "$OCI:many" "$T/bundle4"
done
python3 - "$OCI" <<'PY'
import hashlib, json, os, sys
oci = sys.argv[1]
index = json.load(open(os.path.join(oci, "index.json")))
by_name = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in index["manifests"]}
def entry(name, arch):
    d = dict(by_name[name]); d.pop("annotations", None)
    d["platform"] = {"architecture": arch, "os": "linux"}
    return d
multi = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [entry("arm", "arm64"), entry("bb", "amd64")]}
raw = json.dumps(multi, separators=(",", ":")).encode()
digest = hashlib.sha256(raw).hexdigest()
open(os.path.join(oci, "blobs", "sha256", digest), "wb").write(raw)
index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                           "digest": "sha256:" + digest, "size": len(raw),
                           "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(index, open(os.path.join(oci, "index.json"), "w"))
PY

PORT=$(free_port)
start_registry plain 127.0.0.1 "$PORT" "$T/registry-data"
REG=127.0.0.1:$PORT
push() { skopeo copy -q --dest-tls-verify=false "$@"; }
push "oci:$OCI:bb" "docker://$REG/bb:1"
push "oci:$OCI:bb" "docker://$REG/bb:latest"
push "oci:$OCI:bb2" "docker://$REG/bb:2"
push --format v2s2 "oci:$OCI:bb" "docker://$REG/bbdocker:1"
push --all "oci:$OCI:multi" "docker://$REG/multi:1"
push "oci:$OCI:many" "docker://$REG/many:1"
ID1=$(config_digest "$REG/bb:1")
MD1=$(manifest_digest "$REG/bb:1")
mapfile -t LAYERS1 < <(layer_digests "$REG/bb:1")
L1BASE=${LAYERS1[0]#sha256:}
L1TOP=${LAYERS1[1]#sha256:}

# A first pull: docker's lines, in docker's order, into a pipe (no progress bars).
run berth pull "$REG/bb:1"
assert_eq 0 "$RC" "pull exits 0"
assert_eq "1: Pulling from bb
${L1BASE:0:12}: Pulling fs layer
${L1TOP:0:12}: Pulling fs layer
${L1BASE:0:12}: Verifying Checksum
${L1BASE:0:12}: Download complete
${L1BASE:0:12}: Pull complete
${L1TOP:0:12}: Verifying Checksum
${L1TOP:0:12}: Download complete
${L1TOP:0:12}: Pull complete
Digest: $MD1
Status: Downloaded newer image for $REG/bb:1
$REG/bb:1" "$(printf '%s\n' "$OUT" | python3 -c '
import sys
# The two layers download in parallel: put each layer'"'"'s own steps together, in layer order.
lines = sys.stdin.read().splitlines()
head = [l for l in lines if "Pulling fs layer" in l or "Pulling from" in l]
ids = [l.split(":")[0] for l in lines if "Pulling fs layer" in l]
steps = [l for i in ids for l in lines if l.startswith(i + ":") and "Pulling fs layer" not in l]
rest = [l for l in lines if l not in head and l not in steps]
print("\n".join(head + steps + rest))')" "pull prints docker's lines"
assert_eq "" "$ERR" "pull writes nothing to stderr"
# Pull complete comes in layer order, as docker's one-at-a-time extraction says it.
assert_match "$OUT" "${L1BASE:0:12}: Pull complete.*${L1TOP:0:12}: Pull complete" "Pull complete in layer order"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$REG/bb:1")" "image id is the config digest the registry holds"
assert_eq "[$REG/bb@$MD1]" "$(berth inspect -f '{{.RepoDigests}}' "$REG/bb:1")" "repo digest recorded"
run berth images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}'
assert_eq "$REG/bb 1 $MD1" "$OUT" "images --digests shows it"
assert_eq "" "$(ls "$ROOT/layers")" "pull unpacks no layer"
for l in "${LAYERS1[@]}"; do
    [[ -f $ROOT/oci/blobs/sha256/${l#sha256:} ]] && ok "layer blob ${l:7:12} stored" || not_ok "layer blob ${l:7:12} stored"
done
assert_eq "$MD1" "sha256:$(sha256sum < "$ROOT/oci/blobs/sha256/${MD1#sha256:}" | cut -d' ' -f1)" "the registry's manifest kept as it came"
run umoci ls --layout "$ROOT/oci"
assert_contains "$OUT" "$REG/bb:1" "the store's OCI layout names the pulled image"

# Again: nothing to fetch.
run berth pull "$REG/bb:1"
assert_eq 0 "$RC" "second pull exits 0"
assert_eq "1: Pulling from bb
Digest: $MD1
Status: Image is up to date for $REG/bb:1
$REG/bb:1" "$OUT" "second pull: up to date"

# Without a tag; quiet.
run berth pull "$REG/bb"
assert_eq "Using default tag: latest
latest: Pulling from bb
Digest: $MD1
Status: Downloaded newer image for $REG/bb:latest
$REG/bb:latest" "$OUT" "default tag latest; an image already here gets only the tag"
run berth pull -q "$REG/bb:1"
assert_eq "$REG/bb:1" "$OUT" "pull -q prints the reference only"

# A second image on the same base layer.
mapfile -t LAYERS2 < <(layer_digests "$REG/bb:2")
run berth pull "$REG/bb:2"
assert_eq 0 "$RC" "pull of an image sharing a layer"
assert_contains "$OUT" "${LAYERS2[0]:7:12}: Already exists" "the shared layer already exists"
assert_contains "$OUT" "${LAYERS2[1]:7:12}: Pull complete" "the new layer is pulled"
assert_eq "$(config_digest "$REG/bb:2")" "$(berth inspect -f '{{.Id}}' "$REG/bb:2")" "second image id"

# Three layers at a time: the others wait, and complete in order all the same.
mapfile -t MANY < <(layer_digests "$REG/many:1")
run berth pull "$REG/many:1"
assert_eq 0 "$RC" "pull of five layers"
assert_eq "${MANY[3]:7:12}: Waiting
${MANY[4]:7:12}: Waiting" "$(grep Waiting <<<"$OUT")" "the fourth and fifth layers wait"
assert_eq "${MANY[0]:7:12}: Pull complete
${MANY[1]:7:12}: Pull complete
${MANY[2]:7:12}: Pull complete
${MANY[3]:7:12}: Pull complete
${MANY[4]:7:12}: Pull complete" "$(grep "Pull complete" <<<"$OUT")" "layers complete in order"
# On a terminal the lines are redrawn in place with the download's progress.
if command -v script >/dev/null; then
    berth rmi "$REG/many:1" >/dev/null
    TTYOUT=$(script -qec "'$BERTH_BIN/berth' pull '$REG/many:1'" /dev/null)
    assert_contains "$TTYOUT" "${MANY[0]:7:12}: Downloading" "terminal: Downloading shown"
    assert_contains "$TTYOUT" $'\e[2K' "terminal: lines redrawn in place"
    assert_eq "$(config_digest "$REG/many:1")" "$(berth inspect -f '{{.Id}}' "$REG/many:1")" "terminal: pulled"
fi

# The layers unpack and run (root: containers).
if [[ $(id -u) -eq 0 && -x $BERTH_BIN/berth-shim ]]; then
    run berth run --rm "$REG/bb:1" cat /etc/message
    assert_eq 0 "$RC" "run the pulled image"
    assert_eq "pulled from a registry" "$OUT" "the pulled layers are the container's files"
    run berth run --rm "$REG/bb:2" cat /etc/message
    assert_eq "second image" "$OUT" "second image runs on the shared layer"
fi

# By digest: into an empty store, no tag, the digest as the repo digest.
berth rmi -f "$REG/bb:1" "$REG/bb:latest" "$REG/bb:2" >/dev/null
run berth pull "$REG/bb@$MD1"
assert_eq 0 "$RC" "pull by digest"
assert_contains "$OUT" "$MD1: Pulling from bb" "by digest: the digest names the pull"
assert_contains "$OUT" "Status: Downloaded newer image for $REG/bb@$MD1" "by digest: status names the digest"
assert_eq "$REG/bb@$MD1" "$(printf '%s\n' "$OUT" | tail -n1)" "by digest: the reference printed"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$REG/bb@$MD1")" "by digest: same image"
assert_eq "[]" "$(berth inspect -f '{{.RepoTags}}' "$ID1")" "by digest: no tag"
run berth pull "$REG/bb@sha256:$(printf '%064d' 0)"
assert_eq 1 "$RC" "pull of an unknown digest fails"

# Docker schema 2 (what docker push writes) pulls to the same image.
run berth pull "$REG/bbdocker:1"
assert_eq 0 "$RC" "pull a Docker schema 2 manifest"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$REG/bbdocker:1")" "schema 2: same config, same image"
assert_eq "$(manifest_digest "$REG/bbdocker:1")" "$(berth inspect -f '{{index .RepoDigests 1}}' "$ID1" | cut -d@ -f2)" "schema 2: its own repo digest"

# A multi-platform index: the host's platform by default, another one when asked.
MULTI=$(manifest_digest "$REG/multi:1")
run berth pull "$REG/multi:1"
assert_eq 0 "$RC" "pull from an index"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$REG/multi:1")" "index: the amd64 image"
assert_contains "$OUT" "Digest: $MULTI" "index: the digest shown is the index's"
assert_contains "$(berth inspect -f '{{.RepoDigests}}' "$REG/multi:1")" "$REG/multi@$MULTI" "index: repo digest is the index's"
run berth pull --platform linux/arm64 "$REG/multi:1"
assert_eq 0 "$RC" "pull --platform linux/arm64"
ARMID=$(python3 -c '
import json, sys
oci = sys.argv[1]
idx = json.load(open(oci + "/index.json"))
m = [x for x in idx["manifests"] if x["annotations"]["org.opencontainers.image.ref.name"] == "arm"][0]
man = json.load(open(oci + "/blobs/sha256/" + m["digest"][7:]))
print(man["config"]["digest"])' "$OCI")
assert_eq "$ARMID" "$(berth inspect -f '{{.Id}}' "$REG/multi:1")" "--platform chose the arm64 image"
assert_eq "arm64" "$(berth inspect -f '{{.Architecture}}' "$REG/multi:1")" "arm64 config"
run berth pull --platform linux/s390x "$REG/multi:1"
assert_eq 1 "$RC" "no such platform: exit 1"
assert_eq "Error response from daemon: no matching manifest for linux/s390x in the manifest list entries (available: linux/arm64/v8, linux/amd64)" "$ERR" "no such platform: docker's words and what there is"

# -a: every tag of the repository.
berth rmi -f "$ID1" >/dev/null 2>&1 || true
run berth pull -a "$REG/bb"
assert_eq 0 "$RC" "pull -a"
assert_contains "$OUT" "1: Pulling from bb" "pull -a pulls tag 1"
assert_contains "$OUT" "2: Pulling from bb" "pull -a pulls tag 2"
assert_contains "$OUT" "latest: Pulling from bb" "pull -a pulls latest"
assert_eq "$REG/bb" "$(printf '%s\n' "$OUT" | tail -n1)" "pull -a prints the repository"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$REG/bb:latest")" "pull -a tagged latest"
run berth pull -a "$REG/bb:1"
assert_eq 1 "$RC" "pull -a with a tag is refused"

# Errors, docker's words.
run berth pull "$REG/bb:nosuch"
assert_eq 1 "$RC" "missing tag: exit 1"
assert_eq "Error response from daemon: manifest for $REG/bb:nosuch not found: manifest unknown: manifest unknown" "$ERR" "missing tag: docker's message"
CLOSED=$(free_port)
run berth pull "127.0.0.1:$CLOSED/bb:1"
assert_eq 1 "$RC" "unreachable registry: exit 1"
assert_match "$ERR" "^Error response from daemon: Get \"http://127.0.0.1:$CLOSED/v2/\": .*[Cc]onnection refused" "unreachable registry: the URL and the cause"
run berth pull "$REG/UPPER:1"
assert_eq 1 "$RC" "invalid reference: exit 1"
assert_contains "$ERR" "invalid reference format" "invalid reference: docker's words"

# run/create pull what they do not have, on stderr; --pull never does not.
if [[ $(id -u) -eq 0 && -x $BERTH_BIN/berth-shim ]]; then
    berth rmi -f "$REG/bb:2" >/dev/null
    run berth run --rm "$REG/bb:2" cat /etc/message
    assert_eq 0 "$RC" "run pulls a missing image"
    assert_eq "second image" "$OUT" "run: stdout is the container's only"
    assert_contains "$ERR" "Unable to find image '$REG/bb:2' locally
2: Pulling from bb" "run: docker's notice, then the pull"
    assert_contains "$ERR" "Status: Downloaded newer image for $REG/bb:2" "run: the pull's status on stderr"
    run berth run --rm --pull never "$REG/bb:nosuch" true
    assert_eq 125 "$RC" "--pull never: exit 125"
    assert_not_contains "$ERR" "Pulling from" "--pull never does not pull"
    run berth create --pull always "$REG/bb:2" true
    assert_eq 0 "$RC" "create --pull always"
    assert_contains "$ERR" "Status: Image is up to date for $REG/bb:2" "--pull always asks the registry again"
    berth rm "$OUT" >/dev/null
    run berth run --rm --pull sometimes "$REG/bb:2" true
    assert_eq 125 "$RC" "--pull with another word: exit 125"
    assert_contains "$ERR" "invalid pull option: 'sometimes'" "--pull: docker's message"
fi

# A dropped connection mid-blob: the download resumes from where it stopped.
export BERTH_ROOT=$T/root-drop
start_proxy drop
run berth pull "$PROXY/bb:1"
assert_eq 0 "$RC" "pull through a proxy that drops the connection"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$PROXY/bb:1")" "resumed pull: same image"
assert_match "$(cat "$T/proxy-drop.log")" "GET /v2/bb/blobs/sha256:[0-9a-f]{64} range=bytes=[1-9][0-9]*-" "resumed with a Range request"
for l in "${LAYERS1[@]}"; do
    assert_eq "$l" "sha256:$(sha256sum < "$BERTH_ROOT/oci/blobs/sha256/${l#sha256:}" | cut -d' ' -f1)" "resumed blob ${l:7:12} is whole"
done

# A flipped byte: a digest error, and nothing stored.
export BERTH_ROOT=$T/root-flip
start_proxy flip
run berth pull "$PROXY/bb:1"
assert_eq 1 "$RC" "altered blob: exit 1"
assert_match "$ERR" "^Error response from daemon: .*digest mismatch" "altered blob: a digest error"
assert_eq "" "$(berth images -q)" "altered blob: no image"
# The proxy alters the big layer; the small one may stay, verified, for a retry.
[[ ! -e $BERTH_ROOT/oci/blobs/sha256/$L1BASE ]] && ok "altered blob not stored" || not_ok "altered blob not stored"
assert_eq "" "$(ls "$BERTH_ROOT/tmp" | grep -v '\.lock$' || true)" "altered blob: no ingest left"

# Interrupted (SIGINT) mid-blob: no image; the retry finishes the job.
export BERTH_ROOT=$T/root-interrupt
start_proxy slow
run timeout -s INT 3 "$BERTH_BIN/berth" pull "$PROXY/bb:1"
assert_eq 124 "$RC" "slow pull interrupted"
assert_eq "" "$(berth images -q)" "interrupted: no image"
assert_eq "" "$(ls "$BERTH_ROOT/tmp" | grep -v '\.lock$' || true)" "interrupted: no ingest left"
[[ ! -e $BERTH_ROOT/oci/blobs/sha256/$L1BASE ]] && ok "interrupted: the partial blob not stored" || not_ok "interrupted: the partial blob not stored"
run berth pull "$REG/bb:1"
assert_eq 0 "$RC" "the pull after an interrupted one"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$REG/bb:1")" "the retry stores the image"

# Blobs redirected to storage elsewhere.
export BERTH_ROOT=$T/root-redirect
start_proxy redirect
run berth pull "$PROXY/bb:1"
assert_eq 0 "$RC" "pull with blobs redirected"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$PROXY/bb:1")" "redirected: same image"
assert_contains "$(cat "$T/proxy-redirect.log")" "GET /_storage/v2/bb/blobs/" "redirected: blobs fetched where the registry sent them"

# Basic authentication behind TLS, on [::1] (not insecure by default, unlike
# 127.0.0.0/8), with a CA of the test's own.
export BERTH_ROOT=$T/root-tls
make_pki
# skopeo cannot name an IPv6 registry, so this one serves what skopeo pushed to
# the plain one: both keep their repositories in the same directory.
start_tls_registry "$T/registry-data"

export BERTH_CONFIG=$T/config
run berth pull "$TREG/bb:1"
assert_eq 1 "$RC" "unknown CA: exit 1"
assert_match "$ERR" "Get \"https://\[::1\]:$TPORT/v2/\": TLS handshake failed: certificate \"localhost\" issued by \"Berth Test CA\"" "unknown CA: the certificate named"
trust_pki "$TREG"
run berth pull "$TREG/bb:1"
assert_eq 1 "$RC" "no credentials: exit 1"
assert_eq "Error response from daemon: Get \"https://$TREG/v2/bb/manifests/1\": no basic auth credentials" "$ERR" "no credentials: docker's words"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=wrong "$BERTH_BIN/berth" pull "$TREG/bb:1"
assert_eq 1 "$RC" "wrong password: exit 1"
assert_contains "$ERR" "unauthorized: authentication required" "wrong password: unauthorized"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=s3cret "$BERTH_BIN/berth" pull "$TREG/bb:1"
assert_eq 0 "$RC" "with credentials and the CA: pulled"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$TREG/bb:1")" "TLS registry: same image"
assert_contains "$OUT" "Status: Downloaded newer image for $TREG/bb:1" "TLS registry: status"

# Token authentication, Docker Hub's scheme, with a token server of the test's
# own: anonymous tokens for public repositories, credentials for private/.
export BERTH_ROOT=$T/root-token
unset BERTH_CONFIG
push "oci:$OCI:bb" "docker://$REG/private/bb:1"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth token signer" \
    -keyout "$PKI/signer.key" -out "$PKI/signer.crt" 2>/dev/null
start_token_registry one token
run berth pull "$TOKREG/bb:1"
assert_eq 0 "$RC" "token auth: anonymous pull"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$TOKREG/bb:1")" "token auth: same image"
assert_eq "user=- scope=repository:bb:pull" "$(cat "$TOKLOG")" "token auth: one anonymous token for the repository, shared by the parallel downloads"
run berth pull "$TOKREG/private/bb:1"
assert_eq 1 "$RC" "token auth: private repository without credentials"
assert_eq "Error response from daemon: pull access denied for $TOKREG/private/bb, repository does not exist or may require authentication: unauthorized: authentication required" "$ERR" "token auth: docker's denial"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=wrong "$BERTH_BIN/berth" pull "$TOKREG/private/bb:1"
assert_eq 1 "$RC" "token auth: wrong password"
assert_match "$ERR" "^Error response from daemon: Get \"http://127.0.0.1:[0-9]+/token\?service=berth-test-registry&scope=repository:private/bb:pull&account=tester\": unauthorized: incorrect username or password$" "token auth: the token server's words"
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=s3cret "$BERTH_BIN/berth" pull "$TOKREG/private/bb:1"
assert_eq 0 "$RC" "token auth: private repository with credentials"
assert_contains "$(cat "$TOKLOG")" "user=tester scope=repository:private/bb:pull" "token auth: the token asked for as the user"
start_token_registry two access_token
run berth pull "$TOKREG/bb:1"
assert_eq 0 "$RC" "token auth: an OAuth-style access_token answer"

finish
