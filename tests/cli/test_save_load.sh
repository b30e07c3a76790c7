# save and load: round trips, the formats docker and OCI tools write and read, and
# bad archives that must leave the store as it was.
source "$(dirname "$0")/lib.sh"
need busybox

make_busybox_rootfs "$T/rootfs"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
ID=$(berth import -c 'CMD ["/bin/sh"]' "$T/rootfs.tar" app:1)
berth tag app:1 localhost:5000/team/app:2
DIFF=$(berth inspect -f '{{index .RootFS.Layers 0}}' app:1)

# Round trip through berth save / berth load.
run berth save -o "$T/app.tar" app:1 localhost:5000/team/app:2
assert_eq 0 "$RC" "save exits 0"
LIST=$(tar -tf "$T/app.tar" | sort)
assert_contains "$LIST" "manifest.json" "save writes docker's manifest.json"
assert_contains "$LIST" "index.json" "save writes an OCI index.json"
assert_contains "$LIST" "oci-layout" "save writes oci-layout"
assert_contains "$LIST" "blobs/sha256/${ID:7}" "config blob named by the image id"
assert_eq '["app:1","localhost:5000/team/app:2"]' \
    "$(tar -xOf "$T/app.tar" manifest.json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["RepoTags"], separators=(",",":")))')" \
    "manifest.json RepoTags in familiar form"
berth rmi app:1 localhost:5000/team/app:2 >/dev/null
assert_eq "0" "$(berth images -q | wc -l | tr -d ' ')" "store empty before load"
run berth load -i "$T/app.tar"
assert_eq 0 "$RC" "load exits 0"
assert_eq "Loaded image: app:1
Loaded image: localhost:5000/team/app:2" "$OUT" "load names both tags"
assert_eq "$ID" "$(berth inspect -f '{{.Id}}' app:1)" "same image id after the round trip"
assert_eq "$DIFF" "$(berth inspect -f '{{index .RootFS.Layers 0}}' localhost:5000/team/app:2)" "same diffID"
# Load keeps the layer as its blob (unpacked when first needed): the blob is the tar.
assert_eq "" "$(ls "$ROOT/layers")" "load unpacks no layer"
assert_eq "$(cat "$T/rootfs/etc/passwd")" "$(tar -xOf "$ROOT/oci/blobs/sha256/${DIFF#sha256:}" ./etc/passwd)" "layer content stored"
run sh -c "'$BERTH_BIN/berth' save app:1 | '$BERTH_BIN/berth' load"
assert_eq "Loaded image: app:1" "$OUT" "save to a pipe, load from stdin"

# The store's oci/ folder is an OCI layout other tools read.
if command -v umoci >/dev/null; then
    run umoci ls --layout "$ROOT/oci"
    assert_eq 0 "$RC" "umoci reads the store"
    assert_contains "$OUT" "docker.io/library/app:1" "umoci lists the tag"
    run umoci unpack --image "$ROOT/oci:docker.io/library/app:1" "$T/bundle"
    assert_eq 0 "$RC" "umoci unpacks the image"
    cmp -s /bin/busybox "$T/bundle/rootfs/bin/busybox" && ok "umoci unpack gives the same busybox" || not_ok "umoci unpack gives the same busybox"
fi
if command -v skopeo >/dev/null; then
    run skopeo inspect --config "oci:$ROOT/oci:docker.io/library/app:1"
    assert_eq 0 "$RC" "skopeo reads the store"
    assert_contains "$OUT" "$DIFF" "skopeo sees the layer"
    # skopeo's docker-archive is the Docker 20.10 layout; its OCI archive has no manifest.json.
    skopeo copy -q "oci:$ROOT/oci:docker.io/library/app:1" "docker-archive:$T/sk-docker.tar:sk/docker:1"
    skopeo copy -q "oci:$ROOT/oci:docker.io/library/app:1" "oci-archive:$T/sk-oci.tar:sk/oci:1"
    skopeo copy -q "docker-archive:$T/app.tar:app:1" "oci:$T/from-berth:x"
    ok "skopeo reads berth save as a docker archive"
    run berth load -i "$T/sk-docker.tar"
    assert_eq "Loaded image: sk/docker:1" "$OUT" "load skopeo's docker-archive"
    assert_eq "$ID" "$(berth inspect -f '{{.Id}}' sk/docker:1)" "same id from skopeo's docker-archive"
    run berth load -i "$T/sk-oci.tar"
    assert_eq 0 "$RC" "load an OCI archive"
    assert_eq "$ID" "$(berth inspect -f '{{.Id}}' sk/oci:1)" "same id from an OCI archive, tag from ref.name"
fi

# Bad archives: clear errors, store unchanged, nothing left in staging.
BEFORE=$(store_state)
head -c 300000 "$T/app.tar" > "$T/truncated.tar"
run berth load -i "$T/truncated.tar"
assert_eq 1 "$RC" "truncated archive fails"
assert_contains "$ERR" "truncated.tar" "truncated archive error names the file"
assert_eq "$BEFORE" "$(store_state)" "store unchanged after a truncated archive"
assert_eq "" "$(ls "$ROOT/tmp" | grep -v "\.lock$" || true)" "no staging left after a truncated archive"

# Flip one byte of the layer's tar (stored plain under its old name): the bytes
# are a valid layer but no longer match the digest the manifest names.
mkdir "$T/bad" && tar -C "$T/bad" -xf "$T/app.tar"
LAYER=$(python3 -c 'import json; print(json.load(open("'"$T"'/bad/manifest.json"))[0]["Layers"][0])')
python3 - "$T/bad/$LAYER" <<'PY'
import gzip, sys
p = sys.argv[1]
raw = open(p, 'rb').read()
b = bytearray(gzip.decompress(raw) if raw[:2] == b'\x1f\x8b' else raw)
i = b.index(b'root:x:0:0')
b[i] = ord('R')
open(p, 'wb').write(b)
PY
tar -C "$T/bad" -cf "$T/bad.tar" .
berth rmi app:1 localhost:5000/team/app:2 sk/docker:1 sk/oci:1 >/dev/null
BEFORE=$(store_state)
run berth load -i "$T/bad.tar"
assert_eq 1 "$RC" "a blob that does not match its digest fails the load"
assert_contains "$ERR" "$DIFF" "the error names the digest the config expects"
assert_eq "$BEFORE" "$(store_state)" "store unchanged after a digest mismatch"
assert_eq "0" "$(berth images -q | wc -l | tr -d ' ')" "no image from a bad archive"

echo 'not a tar' > "$T/garbage.tar"
run berth load -i "$T/garbage.tar"
assert_eq 1 "$RC" "garbage fails"
assert_match "$ERR" '^Error: ' "garbage error is an Error: line"

# A full disk: load into a store on a 2 MiB tmpfs fails cleanly.
if [[ $(id -u) -eq 0 ]]; then
    mkdir -p "$T/small"
    mount -t tmpfs -o size=2m tmpfs "$T/small"
    run berth --root "$T/small/store" load -i "$T/app.tar"
    assert_eq 1 "$RC" "load onto a full disk fails"
    assert_contains "$ERR" "o space left on device" "ENOSPC is reported"
    assert_eq "" "$(ls "$T/small/store/tmp" | grep -v "\.lock$" || true)" "no staging left after ENOSPC"
    assert_eq "" "$(ls "$T/small/store/layers")" "no layer left after ENOSPC"
    assert_eq "0" "$(berth --root "$T/small/store" images -q | wc -l | tr -d ' ')" "no image after ENOSPC"
    umount "$T/small"
fi

# Two processes on one store: concurrent loads and tags lose nothing.
berth load -i "$T/app.tar" >/dev/null
for i in $(seq 1 20); do berth tag app:1 "a/p:$i" & done
berth load -i "$T/app.tar" >/dev/null &
wait
assert_eq "22" "$(berth images --format '{{.Tag}}' | wc -l | tr -d ' ')" "20 concurrent tags and a concurrent load all land"
run sqlite3 "$ROOT/berth.db" 'pragma integrity_check'
assert_eq "ok" "$OUT" "database intact"
finish
