#!/usr/bin/env bash
# Benchmark 2: listing a store that holds many images (`images` with 1,000 images), for
# docker, berth and (unless BENCH_PODMAN_IMAGES=0) podman.
#
# Every tool gets the same images: one tiny layer (a tar with one small file) imported
# $BENCH_IMAGES times with `import --change "LABEL n=$i"`, so each image has its own
# config and ID and is tagged img$i:latest. The time that setup takes is reported too (it
# is one CLI process per image, as a user or script would do it). Then each `images`
# command is timed by hyperfine (--warmup 3, --runs 20, output to /dev/null), or by
# timeit.py when hyperfine is missing.
#
# Usage: tests/bench/images.sh                 (1,000 images)
#        BENCH_QUICK=1 tests/bench/images.sh   (50 images, 10 runs)
# Knobs: BENCH_IMAGES, BENCH_IMAGES_RUNS, BENCH_PODMAN_IMAGES=0|1, and those of lib.sh.
# Writes build/bench/images.md (images-quick.md in quick mode) and prints it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init images

if ((BENCH_QUICK)); then
    COUNT=${BENCH_IMAGES:-50}
    RUNS=${BENCH_IMAGES_RUNS:-10}
    SUFFIX=-quick
else
    COUNT=${BENCH_IMAGES:-1000}
    RUNS=${BENCH_IMAGES_RUNS:-20}
    SUFFIX=""
fi
WARMUP=3
WITH_PODMAN=${BENCH_PODMAN_IMAGES:-1}
SECTION=$BENCH_OUT/images$SUFFIX.md
NOTES=$BENCH_WORK/notes.md
BENCH_CMD_LOG=$BENCH_WORK/cmd.log
BERTH_ROOT=$BENCH_WORK/berth
: >"$NOTES"

if ! bench_start_dockerd; then
    echo "images: no dockerd could be started here; nothing to compare with" >&2
    exit "$BENCH_EXIT_SKIP"
fi
if [[ $(docker_cli info --format '{{.Images}}') != 0 ]]; then
    echo "images: dockerd already holds images; the listing would not be the one set up" >&2
    exit 2
fi

mkdir -p "$BENCH_WORK/tiny"
echo "one small file for the images benchmark" >"$BENCH_WORK/tiny/hello.txt"
tar --numeric-owner -C "$BENCH_WORK/tiny" -cf "$BENCH_WORK/tiny.tar" hello.txt
TINY=$BENCH_WORK/tiny.tar

declare -A SETUP=() FAILED=() LISTED=() STATS=()

# Imports $COUNT images with the command prefix given as arguments; stops at the first
# failure (999 more failures would say nothing new). Sets SETUP[$side] in seconds.
setup_images() {
    local side=$1 i start
    shift
    bench_log "$side: importing $COUNT images"
    start=$EPOCHREALTIME
    for ((i = 1; i <= COUNT; i++)); do
        if ! "$@" import --change "LABEL n=$i" "$TINY" "img$i:latest" \
            >/dev/null 2>"$BENCH_CMD_LOG"; then
            FAILED[$side]=1
            sed -i "1i $side import of image $i of $COUNT failed:" "$BENCH_CMD_LOG"
            bench_note_failure "$NOTES" "$side import failed" "$BENCH_CMD_LOG"
            return 1
        fi
    done
    SETUP[$side]=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    bench_log "$side: $COUNT imports took ${SETUP[$side]}s"
}

# Runs `images` once to check it lists every image, then times it.
time_images() {
    local side=$1 json=$BENCH_WORK/$1.json listing
    shift
    if ! listing=$("$@" images 2>"$BENCH_CMD_LOG"); then
        FAILED[$side]=1
        bench_note_failure "$NOTES" "$side images failed" "$BENCH_CMD_LOG"
        return 1
    fi
    LISTED[$side]=$(grep -cE '(^|/)img[0-9]+ ' <<<"$listing" || true)
    if [[ ${LISTED[$side]} != "$COUNT" ]]; then
        {
            echo "$side images listed ${LISTED[$side]} of the $COUNT images; first lines:"
            head -n 5 <<<"$listing"
        } >"$BENCH_CMD_LOG"
        FAILED[$side]=1
        bench_note_failure "$NOTES" "$side images is incomplete" "$BENCH_CMD_LOG"
        return 1
    fi
    bench_log "$side: timing \`images\` ($WARMUP warmup, $RUNS runs)"
    if command -v hyperfine >/dev/null; then
        # -N runs the command without a shell, so nothing but the tool itself is timed.
        hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --output null --style none \
            --export-json "$json" "$(printf '%q ' "$@")images" >/dev/null 2>"$BENCH_CMD_LOG"
    else
        python3 "$BENCH_DIR/timeit.py" --warmup "$WARMUP" --runs "$RUNS" \
            --export-json "$json" -- "$@" images 2>"$BENCH_CMD_LOG"
    fi || {
        FAILED[$side]=1
        bench_note_failure "$NOTES" "timing $side images failed" "$BENCH_CMD_LOG"
        return 1
    }
    # mean median min max stddev, in milliseconds
    STATS[$side]=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(" ".join("%.1f" % (r[k] * 1000) for k in ("mean", "median", "min", "max", "stddev")))
' "$json")
    bench_log "$side images: mean/median/min/max/stddev ms = ${STATS[$side]}"
}

# Setup then timing for one side; a failure is already recorded in FAILED and the notes.
measure() {
    if setup_images "$@"; then
        time_images "$@" || true
    fi
}

measure docker "$DOCKER_CLI"

if [[ ! -x $BERTH ]]; then
    echo "berth binary not found at $BERTH (build it, or set BERTH=/path/to/berth)" \
        >"$BENCH_CMD_LOG"
    FAILED[berth]=1
    bench_note_failure "$NOTES" "berth unavailable" "$BENCH_CMD_LOG"
else
    measure berth "$BERTH" --root "$BERTH_ROOT"
fi

if ((WITH_PODMAN)); then
    if bench_setup_podman "$BENCH_WORK/podman"; then
        measure podman "${PODMAN[@]}"
    else
        FAILED[podman]=1
        cat "$BENCH_WORK"/podman/probe-*.log >"$BENCH_CMD_LOG" 2>/dev/null ||
            echo "podman is not installed" >"$BENCH_CMD_LOG"
        bench_note_failure "$NOTES" "podman unavailable" "$BENCH_CMD_LOG"
    fi
fi

mean_of() {
    if [[ -n ${STATS[$1]:-} ]]; then
        cut -d' ' -f1 <<<"${STATS[$1]}"
    else
        echo -
    fi
}

row() {
    local side=$1 label=$2 setup=- per=- mean median min max sd
    if [[ -n ${SETUP[$side]:-} ]]; then
        setup=${SETUP[$side]}
        per=$(awk -v s="$setup" -v n="$COUNT" 'BEGIN { printf "%.1f", s * 1000 / n }')
    fi
    if [[ -z ${STATS[$side]:-} ]]; then
        printf '| %s | %s: failed | %s | %s | - | - | - | - | - | - |\n' \
            "$label" "$side" "$setup" "$per"
        return
    fi
    read -r mean median min max sd <<<"${STATS[$side]}"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
        "${LISTED[$side]}" "$setup" "$per" "$mean" "$median" "$min" "$max" "$sd" \
        "$(bench_ratio "$mean" "$(mean_of berth)")"
}

BERTH_MEAN=$(mean_of berth)
if [[ $BERTH_MEAN == - ]]; then
    TARGET="**not measured** (berth failed)"
elif awk -v m="$BERTH_MEAN" 'BEGIN { exit !(m < 50) }'; then
    TARGET="**met** (mean $BERTH_MEAN ms)"
else
    TARGET="**not met** (mean $BERTH_MEAN ms)"
fi
TIMER="hyperfine $(hyperfine --version 2>/dev/null | cut -d' ' -f2) -N"
command -v hyperfine >/dev/null || TIMER="timeit.py (hyperfine is not installed)"

{
    echo "## images: listing $COUNT images"
    echo
    echo "Each store holds $COUNT images made by \`import --change \"LABEL n=\$i\" tiny.tar" \
        "img\$i:latest\` (one $(stat -c %s "$TINY")-byte layer shared by all). Setup is the" \
        "wall time of those $COUNT CLI calls. \`images\` is timed with $TIMER," \
        "$WARMUP warmup runs and $RUNS timed runs, output to /dev/null; times in ms." \
        "Ratio is tool / berth (above 1 = berth faster)."
    echo
    echo "| tool | images listed | setup (s) | per import (ms) | mean (ms) | median | min | max | σ | ÷ berth |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    row docker "\`docker images\` $(docker_cli version --format '{{.Server.Version}}') ($BENCH_DOCKER_DRIVER)"
    if ((WITH_PODMAN)); then
        row podman "\`podman images\` $(podman version --format '{{.Client.Version}}' 2>/dev/null) (${BENCH_PODMAN_DRIVER:-n/a})"
    fi
    row berth "\`berth images\`"
    echo
    echo "Target, berth images under 50 ms: $TARGET"
    if [[ -s $NOTES ]]; then
        echo
        echo "### images failures"
        cat "$NOTES"
    fi
} >"$SECTION"
cat "$SECTION"

if ((${#FAILED[@]})); then
    exit "$BENCH_EXIT_SIDE_FAILED"
fi
exit 0
