#!/usr/bin/env bash
# Benchmark: pull and push against Debian's docker-registry on 127.0.0.1, berth side by
# side with docker (a private dockerd; 127.0.0.0/8 is an insecure registry to it by
# default) and `skopeo copy` (to and from an OCI directory: no unpacking, no store).
#
# Two images, made here as OCI layouts and copied onto the registry with skopeo:
#   big    one gzip layer of about 475 MB holding about 1.5 GB: 450 MiB of random bytes
#          (incompressible) and 1 GiB of repetitive text (compresses to almost nothing)
#   small  ten layers of about 200 KB each
# Pulls start from an empty store each run (berth: a fresh --root; docker: the image and
# its layers removed; skopeo: a fresh directory). Pushes go to a registry started empty
# for each run, so every blob is sent: berth and docker push the image they pulled
# (docker compresses its layers again on every push; berth sends the blobs it kept),
# skopeo the OCI directory it pulled. "berth, imported" pushes the same big layer
# imported as a plain tar, so its first push pays for the ISA-L compression too.
# The median of the runs is reported, with the ratios to berth.
#
# Usage: tests/bench/registry.sh      (BENCH_QUICK=1: 50 MiB instead of 1.5 GiB)
# Knobs: BENCH_REGISTRY_RUNS (default 1), those of lib.sh.
# Writes build/bench/registry.md (registry-quick.md in quick mode) and prints it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init registry

if ((BENCH_QUICK)); then
    RANDOM_MB=15
    TEXT_MB=35
    SUFFIX=-quick
else
    RANDOM_MB=450
    TEXT_MB=1024
    SUFFIX=""
fi
RUNS=${BENCH_REGISTRY_RUNS:-1}
SECTION=$BENCH_OUT/registry$SUFFIX.md
BENCH_CMD_LOG=$BENCH_WORK/cmd.log

for tool in docker-registry skopeo python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "registry: $tool is not installed" >&2
        exit "$BENCH_EXIT_SKIP"
    fi
done
if ! bench_start_dockerd; then
    echo "registry: no dockerd could be started here; nothing to compare with" >&2
    exit "$BENCH_EXIT_SKIP"
fi

REGISTRY_PIDS=()
stop_registries() {
    local p
    for p in "${REGISTRY_PIDS[@]}"; do
        bench_stop_pid "$p" 10
    done
}
trap 'rc=$?; stop_registries; (exit $rc); bench_cleanup' EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Starts an empty registry keeping its data under $BENCH_WORK/$1; sets REG_ADDR (host:port).
start_registry() {
    local dir=$BENCH_WORK/$1 port i
    port=$(free_port)
    mkdir -p "$dir/data"
    printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: "127.0.0.1:%s"\n' \
        "$dir/data" "$port" >"$dir/config.yml"
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    REGISTRY_PIDS+=($!)
    for ((i = 0; i < 100; i++)); do
        python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
            "$port" 2>/dev/null && break
        sleep 0.1
    done
    REG_ADDR=127.0.0.1:$port
}
stop_last_registry() {
    bench_stop_pid "${REGISTRY_PIDS[-1]}" 10
    unset 'REGISTRY_PIDS[-1]'
}

# An OCI layout with one image whose layers are the given directories, tarred and
# compressed with gzip -1 (what docker and skopeo would make of them).
make_oci_image() { # LAYOUT NAME DIR...
    local layout=$1 name=$2 dir tar
    shift 2
    mkdir -p "$layout/blobs/sha256"
    : >"$BENCH_WORK/layers.txt"
    for dir in "$@"; do
        tar=$BENCH_WORK/layer.tar
        tar -C "$dir" --sort=name --owner=0 --group=0 --mtime=@0 -cf "$tar" .
        gzip -1 -c "$tar" >"$tar.gz"
        printf '%s %s %s\n' "$(sha256sum <"$tar" | cut -d' ' -f1)" \
            "$(sha256sum <"$tar.gz" | cut -d' ' -f1)" "$(stat -c %s "$tar.gz")" \
            >>"$BENCH_WORK/layers.txt"
        mv "$tar.gz" "$layout/blobs/sha256/$(tail -n1 "$BENCH_WORK/layers.txt" | cut -d' ' -f2)"
        rm -f "$tar"
    done
    python3 - "$layout" "$name" "$BENCH_WORK/layers.txt" <<'EOF'
import hashlib, json, os, sys
layout, name, listing = sys.argv[1:]
layers = [l.split() for l in open(listing)]
def put(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode()
    digest = hashlib.sha256(raw).hexdigest()
    open(os.path.join(layout, "blobs", "sha256", digest), "wb").write(raw)
    return {"digest": "sha256:" + digest, "size": len(raw)}
config = put({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/data"]},
              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + l[0] for l in layers]},
              "history": [{"created_by": "berth bench"} for _ in layers]})
manifest = put({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config),
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            "digest": "sha256:" + l[1], "size": int(l[2])} for l in layers]})
path = os.path.join(layout, "index.json")
index = json.load(open(path)) if os.path.exists(path) else {"schemaVersion": 2, "manifests": []}
index["manifests"].append(dict(mediaType="application/vnd.oci.image.manifest.v1+json",
                               annotations={"org.opencontainers.image.ref.name": name}, **manifest))
json.dump(index, open(path, "w"))
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
EOF
}

bench_log "making the images (${RANDOM_MB} MiB random + ${TEXT_MB} MiB text; ten small layers)"
SRC=$BENCH_WORK/src
mkdir -p "$SRC/big"
head -c "${RANDOM_MB}M" /dev/urandom >"$SRC/big/random"
python3 - "$SRC/big/text" "$TEXT_MB" <<'EOF'
import sys
line = b"".join(b"%d lib/x86_64-linux-gnu/libexample.so.%d\n" % (i, i % 7) for i in range(64))
with open(sys.argv[1], "wb") as f:
    chunk = line * (1048576 // len(line) + 1)
    for _ in range(int(sys.argv[2])):
        f.write(chunk[:1048576])
EOF
make_oci_image "$BENCH_WORK/oci" big "$SRC/big"
SMALL_DIRS=()
for i in $(seq 1 10); do
    mkdir -p "$SRC/small$i"
    head -c 200000 /dev/urandom >"$SRC/small$i/file$i"
    SMALL_DIRS+=("$SRC/small$i")
done
make_oci_image "$BENCH_WORK/oci" small "${SMALL_DIRS[@]}"
BIG_GZ=$(python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(open(sys.argv[1]))["layers"]))' \
    "$BENCH_WORK/oci/blobs/sha256/$(python3 -c 'import json,sys; print([m for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "big"][0]["digest"][7:])' "$BENCH_WORK/oci/index.json")")
BIG_TAR=$(du -sb "$SRC/big" | cut -f1)
start_registry origin
REG=$REG_ADDR
for img in big small; do
    skopeo copy -q --dest-tls-verify=false "oci:$BENCH_WORK/oci:$img" "docker://$REG/$img:1"
done
bench_log "registry $REG holds big ($(bench_human_bytes "$BIG_GZ") gzip, $(bench_human_bytes "$BIG_TAR") of files) and small"

declare -A TIMES
record() { TIMES[$1]="${TIMES[$1]:-} $2"; }
fail_note=""
timed() { # KEY COMMAND...
    local key=$1
    shift
    if bench_timed "$@"; then
        record "$key" "$BENCH_ELAPSED"
        bench_log "$key: ${BENCH_ELAPSED}s"
    else
        bench_log "$key failed:"
        tail -n 5 "$BENCH_CMD_LOG" >&2
        fail_note+="$key failed: $(tail -n 1 "$BENCH_CMD_LOG")"$'\n'
    fi
}

for ((run = 1; run <= RUNS; run++)); do
    for img in big small; do
        # Pulls, each into an empty store.
        rm -rf "$BENCH_WORK/berth-root"
        timed "pull $img berth" "$BERTH" --root "$BENCH_WORK/berth-root" pull "$REG/$img:1"
        docker_cli rmi -f "$REG/$img:1" >/dev/null 2>&1 || true
        timed "pull $img docker" docker_cli pull "$REG/$img:1"
        rm -rf "$BENCH_WORK/skopeo-oci"
        timed "pull $img skopeo" skopeo copy -q --src-tls-verify=false "docker://$REG/$img:1" \
            "oci:$BENCH_WORK/skopeo-oci:$img"

        # Pushes of what was pulled, each to an empty registry.
        for tool in berth docker skopeo; do
            start_registry "push-$tool-$img-$run"
            DEST=$REG_ADDR
            case $tool in
            berth)
                "$BERTH" --root "$BENCH_WORK/berth-root" tag "$REG/$img:1" "$DEST/$img:1"
                timed "push $img berth" "$BERTH" --root "$BENCH_WORK/berth-root" push "$DEST/$img:1"
                ;;
            docker)
                docker_cli tag "$REG/$img:1" "$DEST/$img:1"
                timed "push $img docker" docker_cli push "$DEST/$img:1"
                docker_cli rmi "$DEST/$img:1" >/dev/null
                ;;
            skopeo)
                timed "push $img skopeo" skopeo copy -q --dest-tls-verify=false \
                    "oci:$BENCH_WORK/skopeo-oci:$img" "docker://$DEST/$img:1"
                ;;
            esac
            stop_last_registry
            rm -rf "$BENCH_WORK/push-$tool-$img-$run"
        done
    done
    # The big layer as a plain tar: the first push compresses it (ISA-L), the next one
    # to another registry sends the compressed blob it kept.
    rm -rf "$BENCH_WORK/berth-import"
    tar -C "$SRC/big" -cf - . | "$BERTH" --root "$BENCH_WORK/berth-import" import - bench/big >/dev/null
    for attempt in first again; do
        start_registry "push-import-$attempt-$run"
        DEST=$REG_ADDR
        "$BERTH" --root "$BENCH_WORK/berth-import" tag bench/big "$DEST/big:1"
        timed "push imported $attempt" "$BERTH" --root "$BENCH_WORK/berth-import" push "$DEST/big:1"
        stop_last_registry
        rm -rf "$BENCH_WORK/push-import-$attempt-$run"
    done
done

median_of() {
    # shellcheck disable=SC2086 # the recorded times are one word each
    [[ -n ${TIMES[$1]:-} ]] && bench_median ${TIMES[$1]} || echo -
}
{
    echo "## Registry: pull and push on 127.0.0.1 (median of $RUNS run(s))"
    echo
    echo "big: one layer, $(bench_human_bytes "$BIG_GZ") gzip, $(bench_human_bytes "$BIG_TAR") of files;" \
        "small: ten layers of about 200 KB. docker storage driver: $BENCH_DOCKER_DRIVER."
    echo
    echo "| operation | berth | docker | skopeo | docker / berth | skopeo / berth |"
    echo "|---|---|---|---|---|---|"
    for op in "pull big" "pull small" "push big" "push small"; do
        b=$(median_of "$op berth")
        d=$(median_of "$op docker")
        s=$(median_of "$op skopeo")
        echo "| $op | ${b}s | ${d}s | ${s}s | $(bench_ratio "$d" "$b") | $(bench_ratio "$s" "$b") |"
    done
    echo
    echo "berth push of the big layer imported as a plain tar: first push (ISA-L compression" \
        "included) $(median_of "push imported first")s, a later push to another registry" \
        "(compressed blob reused) $(median_of "push imported again")s."
    if [[ -n $fail_note ]]; then
        echo
        echo "Failures:"
        echo
        printf '    %s\n' "${fail_note%$'\n'}"
    fi
} >"$SECTION"
cat "$SECTION"
[[ -z $fail_note ]] || exit "$BENCH_EXIT_SIDE_FAILED"
