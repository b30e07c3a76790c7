# import, images, tag, history, inspect, rmi, prune, events: docker's outputs.
source "$(dirname "$0")/lib.sh"
need busybox
need sqlite3

make_busybox_rootfs "$T/rootfs"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
gzip -k "$T/rootfs.tar"
xz -k -T1 "$T/rootfs.tar"

run berth import -c 'CMD ["/bin/sh"]' -c 'ENV FOO=bar' -c 'LABEL purpose=test' -c 'EXPOSE 8080' -m "my import" "$T/rootfs.tar" myimg:v1
assert_eq 0 "$RC" "import exits 0"
assert_match "$OUT" '^sha256:[0-9a-f]{64}$' "import prints the full image id"
ID=$OUT

run berth images
assert_eq 0 "$RC" "images exits 0"
assert_match "$(head -1 <<<"$OUT")" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$' "images header as docker"
assert_match "$(sed -n 2p <<<"$OUT")" "^myimg +v1 +${ID:7:12} +(Less than a second|[0-9]+ seconds?|About a minute) ago +[0-9.]+[kM]B$" "images row"

# The layer's diffID is the sha256 of the tar we gave it.
TARSUM=sha256:$(sha256sum "$T/rootfs.tar" | cut -d' ' -f1)
assert_eq "$TARSUM" "$(berth inspect -f '{{index .RootFS.Layers 0}}' myimg:v1)" "diffID is the tar's digest"
assert_eq '["/bin/sh"]' "$(berth inspect -f '{{json .Config.Cmd}}' myimg:v1)" "CMD change applied"
assert_eq '[FOO=bar]' "$(berth inspect -f '{{.Config.Env}}' myimg:v1)" "ENV change applied"
assert_eq 'test' "$(berth inspect -f '{{index .Config.Labels "purpose"}}' myimg:v1)" "LABEL change applied"
assert_eq '{"8080/tcp":{}}' "$(berth image inspect -f '{{json .Config.ExposedPorts}}' myimg:v1)" "EXPOSE change applied"
assert_eq 'my import' "$(berth inspect -f '{{.Comment}}' myimg:v1)" "message is the comment"
assert_eq "$ID" "$(berth inspect -f '{{.Id}}' "${ID:7:5}")" "a unique id prefix names the image"
assert_eq "myimg:v1" "$(berth inspect -f '{{index .RepoTags 0}}' "$ID")" "RepoTags"
run berth inspect myimg:v1
assert_contains "$OUT" '        "Id": "'"$ID"'",' "inspect JSON is indented like docker's"
assert_eq "$(sha256sum < "$ROOT/oci/blobs/sha256/${ID:7}" | cut -d' ' -f1)" "${ID:7}" "image id is the config digest"
SIZE=$(berth inspect -f '{{.Size}}' myimg:v1)
assert_eq "$(find "$T/rootfs" \( -type f -o -type l \) -printf '%s\n' | awk '{s+=$1} END {print s}')" "$SIZE" "Size is file bytes plus symlink lengths, as docker counts"

# Compressed inputs give the same layer (same diffID).
run berth import "$T/rootfs.tar.gz" gz:1
assert_eq 0 "$RC" "gzip import"
assert_eq "$TARSUM" "$(berth inspect -f '{{index .RootFS.Layers 0}}' gz:1)" "gzip import: same diffID"
run sh -c "cat '$T/rootfs.tar.xz' | '$BERTH_BIN/berth' import - xz:1"
assert_eq 0 "$RC" "xz import from stdin"
assert_eq "$TARSUM" "$(berth inspect -f '{{index .RootFS.Layers 0}}' xz:1)" "xz import: same diffID"
assert_eq "1" "$(sqlite3 "$ROOT/berth.db" 'select count(*) from layers')" "three images share one layer"
assert_eq "0" "$(ls "$ROOT/layers" | wc -l | tr -d ' ')" "import unpacks no layer"

# history
run berth history myimg:v1
assert_match "$(head -1 <<<"$OUT")" '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$' "history header"
assert_match "$(sed -n 2p <<<"$OUT")" "^${ID:7:12} +.* ago +[0-9.]+[kM]B +my import$" "history row"
assert_eq "${ID:7:12}" "$(berth history -q myimg:v1)" "history -q"
assert_match "$(berth history -H=false --format '{{.Size}}' myimg:v1)" '^[0-9]+$' "history -H=false prints bytes"

# tag and images filters / formats
berth tag myimg:v1 other/name
assert_eq "other/name:latest" "$(berth images --format '{{.Repository}}:{{.Tag}}' other/name)" "tag + repository filter"
assert_eq "$ID" "$(berth inspect -f '{{.Id}}' docker.io/other/name:latest)" "normalized names resolve"
run berth images --filter label=purpose=test -q
assert_eq "${ID:7:12}
${ID:7:12}" "$OUT" "label filter (one row per tag)"
run berth images --filter reference='myimg:*' --format '{{.Tag}}'
assert_eq "v1" "$OUT" "reference filter"
run berth images --no-trunc --format '{{.ID}}' myimg
assert_eq "$ID" "$OUT" "--no-trunc"
run berth images --format '{{json .}}' myimg
assert_contains "$OUT" '"Repository":"myimg"' "json format"
run berth images --filter bogus=1
assert_eq 1 "$RC" "unknown filter fails"
assert_contains "$ERR" "invalid filter 'bogus'" "unknown filter message"

# rmi: by tag with other tags left only untags
run berth rmi other/name
assert_eq "Untagged: other/name:latest" "$OUT" "rmi of one of several tags untags"
berth tag myimg:v1 other/again
run berth rmi "${ID:7:12}"
assert_eq 1 "$RC" "rmi by id of an image with several tags is refused without -f"
assert_contains "$ERR" "image is referenced in multiple repositories" "conflict message"
run berth rmi -f "${ID:7:12}"
assert_eq 0 "$RC" "rmi -f by id"
assert_contains "$OUT" "Untagged: myimg:v1" "rmi -f untags"
assert_contains "$OUT" "Untagged: other/again:latest" "rmi -f untags every tag"
assert_contains "$OUT" "Deleted: $ID" "rmi -f deletes"
assert_eq "1" "$(sqlite3 "$ROOT/berth.db" 'select count(*) from layers')" "shared layer stays while other images use it"
run berth rmi nosuch:tag
assert_eq 1 "$RC" "rmi unknown fails"
assert_eq "Error: No such image: nosuch:tag" "$ERR" "rmi unknown message"
berth rmi gz:1 >/dev/null
run berth rmi xz:1
assert_contains "$OUT" "Deleted: $TARSUM" "last image takes the layer with it"
assert_eq "0" "$(sqlite3 "$ROOT/berth.db" 'select count(*) from layers')" "no layer left"
assert_eq "0" "$(ls "$ROOT/layers" | wc -l | tr -d ' ')" "no layer directories left"
assert_eq "" "$(ls "$ROOT/oci/blobs/sha256")" "no blobs left"

# prune: dangling images only, then all
berth import "$T/rootfs.tar" keep:1 >/dev/null
berth import -c 'LABEL x=1' "$T/rootfs.tar" dangle:1 >/dev/null
berth import -c 'LABEL x=2' "$T/rootfs.tar" dangle:1 >/dev/null
assert_eq "<none>" "$(berth images --filter dangling=true --format '{{.Tag}}')" "retagging leaves a dangling image"
run berth image prune -f
assert_contains "$OUT" "Deleted Images:" "prune output"
assert_contains "$OUT" "Total reclaimed space:" "prune total"
assert_eq "2" "$(berth images -q | wc -l | tr -d ' ')" "prune removed only the dangling image"
run berth image prune -a -f
assert_eq "0" "$(berth images -q | wc -l | tr -d ' ')" "prune -a removes unused images"

# events were journaled
run berth events --since 1h --until 0s --filter event=import --format '{{.Type}} {{.Action}}'
assert_contains "$OUT" "image import" "events journal import"
run berth events --since 1h --until 0s --filter event=delete
assert_match "$(head -1 <<<"$OUT")" '^[0-9T:.+-]+(Z|[+-][0-9:]+) image delete sha256:' "events default format"

# bad input
run berth import -c 'FROM x' "$T/rootfs.tar"
assert_eq 1 "$RC" "bad change fails"
assert_contains "$ERR" "FROM is not a valid change command" "bad change message"
run berth import "$T/rootfs.tar" 'Bad:Name'
assert_eq 1 "$RC" "bad reference fails"
assert_contains "$ERR" "invalid reference format" "bad reference message"
run berth import "$T/does-not-exist.tar"
assert_eq 1 "$RC" "missing file fails"
assert_contains "$ERR" "does-not-exist.tar" "missing file is named"
run berth images --bogus
assert_eq 125 "$RC" "unknown flag exits 125"
assert_contains "$ERR" "unknown flag: --bogus" "unknown flag message"
# An ID prefix two images share is ambiguous (17 images: two must share a first digit).
for i in $(seq 1 17); do berth import -c "LABEL n=$i" "$T/rootfs.tar" >/dev/null; done
P=$(berth images -q | cut -c1 | sort | uniq -d | head -1)
run berth inspect "$P"
assert_eq 1 "$RC" "ambiguous prefix fails"
assert_contains "$ERR" "multiple IDs found with provided prefix: $P" "ambiguous prefix message"
berth image prune -a -f >/dev/null

# info, system df, version
berth import "$T/rootfs.tar" info:1 >/dev/null
assert_eq "1 $ROOT $(uname -r)" "$(berth info --format '{{.Images}} {{.DockerRootDir}} {{.KernelVersion}}')" "info: counts, root, kernel"
assert_match "$(berth info --format '{{.Driver}} {{.CgroupVersion}}')" '^(overlay|copy) [12]$' "info: driver and cgroup version"
assert_eq "$(cat "$ROOT/storage-driver")" "$(berth system info --format '{{.Driver}}')" "info driver is the store's"
run berth system df
assert_match "$(head -1 <<<"$OUT")" '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$' "system df header"
assert_match "$(sed -n 2p <<<"$OUT")" '^Images +1 +0 +[0-9.]+[kM]B +[0-9.]+[kM]B \(100%\)$' "system df images row"
assert_match "$(berth version --format '{{.Client.Version}}')" '^[0-9]+\.[0-9]+\.[0-9]+$' "version"
berth rmi info:1 >/dev/null

# No permission: another user cannot use root's store; the error names the path.
if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null; then
    chmod 0755 "$T"
    BEFORE=$(store_state)
    run setpriv --reuid 65534 --regid 65534 --clear-groups "$BERTH_BIN/berth" --root "$ROOT" images
    assert_eq 1 "$RC" "a store without permission fails"
    assert_match "$ERR" "^Error: .*$ROOT.*: [Pp]ermission denied$" "permission error names the store"
    assert_eq "$BEFORE" "$(store_state)" "store unchanged"
fi
finish
