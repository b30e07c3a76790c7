# A berth killed (SIGKILL) at any moment of a load leaves a usable store: the image
# is either absent or complete, the database is intact, and the next berth clears
# the dead process's staging and loads the archive cleanly.
source "$(dirname "$0")/lib.sh"
need busybox
need sqlite3

make_busybox_rootfs "$T/rootfs"
# Some bulk so a load lasts long enough to be interrupted at many points.
mkdir -p "$T/rootfs/usr/lib"
for f in /usr/lib/x86_64-linux-gnu/libicudata.so.* /usr/lib/x86_64-linux-gnu/libQt6Core.so.*; do
    [[ -f $f ]] && cp "$f" "$T/rootfs/usr/lib/"
done
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
berth import "$T/rootfs.tar" crash/img:1 >/dev/null
berth save -o "$T/img.tar" crash/img:1
ID=$(berth inspect -f '{{.Id}}' crash/img:1)
berth rmi crash/img:1 >/dev/null

for delay in 0.01 0.03 0.05 0.08 0.12 0.17 0.25 0.4; do
    "$BERTH_BIN/berth" load -i "$T/img.tar" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    run sqlite3 "$ROOT/berth.db" 'pragma integrity_check'
    assert_eq "ok" "$OUT" "killed after ${delay}s: database intact"
    run berth images -q
    assert_eq 0 "$RC" "killed after ${delay}s: the store opens"
    if [[ -n $OUT ]]; then
        # Present means complete: config, layer record and its whole blob are there
        # (load stores layers packed; they are unpacked when first needed).
        assert_eq "$ID" "$(berth inspect -f '{{.Id}}' crash/img:1)" "killed after ${delay}s: image complete"
        BLOB=$(sqlite3 "$ROOT/berth.db" 'select blob_digest from layers')
        assert_eq "0" "$(sqlite3 "$ROOT/berth.db" 'select unpacked from layers')" "killed after ${delay}s: layer recorded packed"
        tar -xOf "$ROOT/oci/blobs/sha256/${BLOB#sha256:}" ./bin/busybox | cmp -s - /bin/busybox &&
            ok "killed after ${delay}s: layer blob complete" || not_ok "killed after ${delay}s: layer blob complete"
        berth rmi crash/img:1 >/dev/null
    fi
done

# The next berth removes what the dead loads staged, and a load then succeeds.
run berth load -i "$T/img.tar"
assert_eq "Loaded image: crash/img:1" "$OUT" "load after the crashes"
assert_eq "$ID" "$(berth inspect -f '{{.Id}}' crash/img:1)" "same image after the crashes"
assert_eq "" "$(ls "$ROOT/tmp" | grep -v '\.lock$' || true)" "no staging left from killed loads"
berth rmi crash/img:1 >/dev/null
assert_eq "" "$(ls "$ROOT/layers")" "no layer left behind"
assert_eq "" "$(ls "$ROOT/oci/blobs/sha256")" "no blob left behind"
finish
