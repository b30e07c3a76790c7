#!/usr/bin/env bash
# Benchmark 1: `load` of a real `docker save` archive holding one big layer, timed for
# docker, podman and berth side by side.
#
# The archive is made the way a user gets one: a root file system (static busybox and its
# applet links, then /usr/lib/x86_64-linux-gnu and more of /usr up to the size cap) is
# tarred, `docker import`ed into a private dockerd and `docker save`d, so it is the exact
# format Docker 20.10 writes. Each tool then loads it $BENCH_LOAD_RUNS times; rounds
# interleave the tools so page-cache and disk state favour none of them, the image and its
# layers are removed between runs so every load writes the whole layer, and the `sync`
# that follows each load is timed on its own (writes a tool leaves in the page cache are
# still work to do). The median of the runs is reported.
#
# Usage: tests/bench/load.sh           (1.5 GiB layer, 3 runs each)
#        BENCH_QUICK=1 tests/bench/load.sh   (50 MiB layer)
# Knobs: BENCH_LAYER_MB (layer size cap), BENCH_LOAD_RUNS, BENCH_ARCHIVE (a docker-save
# file to reuse; when it does not exist yet it is made there and kept), and those of lib.sh.
# Writes build/bench/load.md (load-quick.md in quick mode) and prints it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init load

if ((BENCH_QUICK)); then
    LAYER_MB=${BENCH_LAYER_MB:-50}
    SUFFIX=-quick
else
    LAYER_MB=${BENCH_LAYER_MB:-1536}
    SUFFIX=""
fi
RUNS=${BENCH_LOAD_RUNS:-3}
IMAGE=berth-bench/big:latest
SECTION=$BENCH_OUT/load$SUFFIX.md
NOTES=$BENCH_WORK/notes.md
BENCH_CMD_LOG=$BENCH_WORK/cmd.log
: >"$NOTES"

if ! bench_start_dockerd; then
    echo "load: no dockerd could be started here; nothing to compare with" >&2
    exit "$BENCH_EXIT_SKIP"
fi

# Reads the archive's manifest and reports its single layer: path, size and entry count.
archive_layer_info() {
    python3 - "$1" <<'EOF'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as outer:
    manifest = json.load(outer.extractfile("manifest.json"))
    layers = manifest[0]["Layers"]
    member = outer.getmember(layers[0])
    with tarfile.open(fileobj=outer.extractfile(member), mode="r:") as inner:
        entries = sum(1 for _ in inner)
    print(json.dumps({"layers": len(layers), "path": layers[0], "bytes": member.size,
                      "entries": entries}))
EOF
}

json_field() {
    python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

docker_image_count() {
    docker_cli info --format '{{.Images}}'
}

make_archive() {
    local archive=$1 rootfs=$BENCH_WORK/rootfs info lib=/usr/lib/x86_64-linux-gnu
    local cap=$((LAYER_MB * 1024 * 1024)) start=$EPOCHREALTIME
    bench_log "building a root file system capped at $LAYER_MB MiB"
    info=$(python3 "$BENCH_DIR/mkrootfs.py" --cap "$cap" --busybox /bin/busybox "$rootfs" \
        "$lib" /usr/share /usr/lib /usr/bin)
    bench_log "rootfs: $info"
    ROOTFS_INFO=$info
    tar --numeric-owner -C "$rootfs" -cf "$BENCH_WORK/rootfs.tar" .
    rm -rf "$rootfs"
    bench_log "docker import + docker save"
    docker_cli import "$BENCH_WORK/rootfs.tar" "$IMAGE" >/dev/null
    rm -f "$BENCH_WORK/rootfs.tar"
    docker_cli save -o "$archive" "$IMAGE"
    docker_cli rmi "$IMAGE" >/dev/null
    bench_log "archive ready in $(awk -v a="$start" -v b="$EPOCHREALTIME" \
        'BEGIN { printf "%.0f", b - a }') s"
}

ROOTFS_INFO=""
if [[ -n ${BENCH_ARCHIVE:-} ]]; then
    ARCHIVE=$BENCH_ARCHIVE
    if [[ -f $ARCHIVE ]]; then
        bench_log "reusing $ARCHIVE"
    else
        make_archive "$ARCHIVE"
    fi
else
    ARCHIVE=$BENCH_WORK/archive.tar
    make_archive "$ARCHIVE"
fi
if [[ $(docker_image_count) != 0 ]]; then
    echo "load: dockerd still holds images before the first load; the timing would be wrong" >&2
    exit 2
fi

ARCHIVE_BYTES=$(stat -c %s "$ARCHIVE")
LAYER_INFO=$(archive_layer_info "$ARCHIVE")
LAYER_BYTES=$(json_field "$LAYER_INFO" bytes)
LAYER_ENTRIES=$(json_field "$LAYER_INFO" entries)
bench_log "archive $ARCHIVE_BYTES bytes; layer $LAYER_BYTES bytes, $LAYER_ENTRIES entries"

PODMAN_DIR=$BENCH_WORK/podman
BERTH_ROOT=$BENCH_WORK/berth
if ! bench_setup_podman "$PODMAN_DIR"; then
    bench_log "podman is unavailable; its row will say so"
fi

declare -A LOAD_TIMES=() TOTAL_TIMES=() FAILED=()

# One timed load of side $1 by the command in the remaining arguments, followed by the
# timed sync. On failure the side is marked failed and skipped in later rounds.
time_load() {
    local side=$1
    shift
    local load
    if bench_timed "$@"; then
        load=$BENCH_ELAPSED
        bench_timed sync
        LOAD_TIMES[$side]+="$load "
        TOTAL_TIMES[$side]+="$(awk -v a="$load" -v b="$BENCH_ELAPSED" 'BEGIN { printf "%.3f", a + b }') "
        bench_log "  $side load: ${load}s, then sync: ${BENCH_ELAPSED}s"
        return 0
    fi
    FAILED[$side]=1
    bench_note_failure "$NOTES" "$side load failed" "$BENCH_CMD_LOG"
    return 1
}

# Undoes a load so that the next run writes the whole layer again.
reset_docker() {
    docker_cli rmi -f "$IMAGE" >/dev/null 2>&1 || true
    [[ $(docker_image_count) == 0 ]]
}

reset_podman() {
    "${PODMAN[@]}" rmi -a -f >/dev/null 2>&1 || true
    [[ -z $("${PODMAN[@]}" images -q 2>/dev/null) ]]
}

reset_berth() {
    bench_unmount_under "$BERTH_ROOT"
    rm -rf "$BERTH_ROOT"
}

verify_berth() {
    # A load that exits 0 must leave the image listed. When `images` itself fails the
    # load is taken on its exit status alone.
    local listing
    listing=$("$BERTH" --root "$BERTH_ROOT" images 2>/dev/null) || return 0
    if ! grep -q "${IMAGE%%:*}" <<<"$listing"; then
        {
            echo "berth load exited 0 but \`berth images\` does not list ${IMAGE}:"
            echo "$listing"
        } >"$BENCH_CMD_LOG"
        FAILED[berth]=1
        bench_note_failure "$NOTES" "berth load failed" "$BENCH_CMD_LOG"
    fi
}

if [[ ! -x $BERTH ]]; then
    echo "berth binary not found at $BERTH (build it, or set BERTH=/path/to/berth)" \
        >"$BENCH_CMD_LOG"
    FAILED[berth]=1
    bench_note_failure "$NOTES" "berth load failed" "$BENCH_CMD_LOG"
fi
if ((${#PODMAN[@]} == 0)); then
    FAILED[podman]=1
    cat "$PODMAN_DIR"/probe-*.log >"$BENCH_CMD_LOG" 2>/dev/null ||
        echo "podman is not installed" >"$BENCH_CMD_LOG"
    bench_note_failure "$NOTES" "podman unavailable" "$BENCH_CMD_LOG"
fi

for ((round = 1; round <= RUNS; round++)); do
    bench_log "round $round/$RUNS"
    sync
    if [[ -z ${FAILED[docker]:-} ]]; then
        time_load docker docker_cli load -i "$ARCHIVE" || true
        if ! reset_docker; then
            echo "docker rmi left images behind" >"$BENCH_CMD_LOG"
            FAILED[docker]=1
            bench_note_failure "$NOTES" "docker reset failed" "$BENCH_CMD_LOG"
        fi
    fi
    if [[ -z ${FAILED[podman]:-} ]]; then
        time_load podman "${PODMAN[@]}" load -i "$ARCHIVE" || true
        if ! reset_podman; then
            echo "podman rmi left images behind" >"$BENCH_CMD_LOG"
            FAILED[podman]=1
            bench_note_failure "$NOTES" "podman reset failed" "$BENCH_CMD_LOG"
        fi
    fi
    if [[ -z ${FAILED[berth]:-} ]]; then
        reset_berth
        if time_load berth "$BERTH" --root "$BERTH_ROOT" load -i "$ARCHIVE"; then
            verify_berth
        fi
        reset_berth
    fi
done

# Medians per side; "-" when the side failed.
declare -A MED=() MED_SYNC=()
for side in docker podman berth; do
    if [[ -n ${FAILED[$side]:-} || -z ${LOAD_TIMES[$side]:-} ]]; then
        MED[$side]=-
        MED_SYNC[$side]=-
        continue
    fi
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    MED[$side]=$(bench_median ${LOAD_TIMES[$side]})
    # shellcheck disable=SC2086
    MED_SYNC[$side]=$(bench_median ${TOTAL_TIMES[$side]})
done

row() {
    local side=$1 label=$2 storage=$3 runs
    if [[ ${MED[$side]} == - ]]; then
        printf '| %s | %s | %s: failed | - | - | - | - |\n' "$label" "$storage" "$side"
        return
    fi
    runs=$(sed 's/ *$//; s/ /, /g' <<<"${LOAD_TIMES[$side]}")
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$storage" "$runs" \
        "${MED[$side]}" "${MED_SYNC[$side]}" \
        "$(bench_ratio "${MED[$side]}" "${MED[berth]}")" \
        "$(bench_ratio "${MED_SYNC[$side]}" "${MED_SYNC[berth]}")"
}

DOCKER_VERSION=$(docker_cli version --format '{{.Server.Version}}' 2>/dev/null || echo "?")
PODMAN_VERSION=$(podman version --format '{{.Client.Version}}' 2>/dev/null || echo "?")
ROOTFS_NOTE=""
if [[ -n $ROOTFS_INFO ]]; then
    ROOTFS_NOTE=$(python3 -c '
import json, sys
info = json.loads(sys.argv[1])
srcs = ", ".join("%s (%d bytes)" % kv for kv in info["sources"].items())
print("Root file system: static busybox + %d files (%d bytes) copied from %s, capped at %s MiB."
      % (info["files"], info["bytes"], srcs, sys.argv[2]))' "$ROOTFS_INFO" "$LAYER_MB")
fi

if [[ ${MED[berth]} == - || ${MED[docker]} == - ]]; then
    TARGET="**not measured** (a side failed)"
elif awk -v d="${MED[docker]}" -v b="${MED[berth]}" 'BEGIN { exit !(d >= 3 * b) }'; then
    TARGET="**met** (docker / berth = $(bench_ratio "${MED[docker]}" "${MED[berth]}"))"
else
    TARGET="**not met** (docker / berth = $(bench_ratio "${MED[docker]}" "${MED[berth]}"))"
fi

{
    echo "## load: \`docker save\` archive with one $(bench_human_bytes "$LAYER_BYTES") layer"
    echo
    echo "Archive: $ARCHIVE_BYTES bytes ($(bench_human_bytes "$ARCHIVE_BYTES")), written by" \
        "\`docker save\` of Docker $DOCKER_VERSION. Layer \`$(json_field "$LAYER_INFO" path)\`:" \
        "$LAYER_BYTES bytes ($(bench_human_bytes "$LAYER_BYTES")), $LAYER_ENTRIES tar entries."
    [[ -n $ROOTFS_NOTE ]] && echo "$ROOTFS_NOTE"
    echo
    echo "Each tool loads the archive $RUNS times (rounds interleave the tools; the image is" \
        "removed between runs). Times are wall-clock seconds; \"incl. sync\" adds the" \
        "\`sync\` run right after each load. Ratios are tool / berth (above 1 = berth faster)."
    echo
    echo "| tool | storage | runs (s) | median (s) | median incl. sync (s) | ÷ berth | ÷ berth incl. sync |"
    echo "|---|---|---|---|---|---|---|"
    row docker "\`docker load\` $DOCKER_VERSION" "$BENCH_DOCKER_DRIVER"
    row podman "\`podman load\` $PODMAN_VERSION" "${BENCH_PODMAN_DRIVER:-n/a}"
    row berth "\`berth load\`" "berth store"
    echo
    echo "Target, berth load at least 3x faster than docker load: $TARGET"
    [[ -n ${BENCH_DOCKER_NOTE:-} ]] && printf '\nNote: dockerd %s\n' "$BENCH_DOCKER_NOTE"
    if [[ -s $NOTES ]]; then
        echo
        echo "### load failures"
        cat "$NOTES"
    fi
} >"$SECTION"
cat "$SECTION"

if ((${#FAILED[@]})); then
    exit "$BENCH_EXIT_SIDE_FAILED"
fi
exit 0
