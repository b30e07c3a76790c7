#!/usr/bin/env bash
# Runs the Berth benchmark: berth against docker (and podman) on the same machine in one
# run, and writes the Markdown report to build/bench/results.md.
#
#   load    `docker save` archive with one ~1.5 GiB layer: load.sh
#   images  `images` over a store of 1,000 images: images.sh
#   containers  `run --rm` and 100 sleeping containers: containers.sh
#   registry  pull and push on a loopback registry, with skopeo too: registry.sh
#
# One private dockerd is started here and shared by both parts (they start their own when
# run alone); it is stopped, and every temporary directory and mount removed, on exit.
#
# Usage: tests/bench/run.sh [--quick]
#   --quick  smoke mode for CI: 50 MiB layer, 50 images, no podman listing; under a
#            minute. Writes build/bench/results-quick.md so a real report is not replaced.
# Exit status: 0 every side measured; 1 some side failed (the report says which, with its
# output); 77 no dockerd can run here; anything else a harness error.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

case "${1:-}" in
"") ;;
--quick) export BENCH_QUICK=1 ;;
-h | --help)
    usage
    exit 0
    ;;
*)
    usage >&2
    exit 2
    ;;
esac
if [[ -n ${BENCH_QUICK:-} && ${BENCH_QUICK} != 0 ]]; then
    export BENCH_QUICK=1
    # Listing podman's store takes seconds per call; the smoke run leaves it out.
    export BENCH_PODMAN_IMAGES=${BENCH_PODMAN_IMAGES:-0}
    RESULTS_NAME=results-quick.md
    SUFFIX=-quick
else
    RESULTS_NAME=results.md
    SUFFIX=""
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init run
START=$EPOCHREALTIME

if ! bench_start_dockerd; then
    echo "run: no dockerd could be started here; nothing to compare with" >&2
    exit "$BENCH_EXIT_SKIP"
fi

RESULTS=$BENCH_OUT/$RESULTS_NAME
declare -A RC=()
for part in load images containers registry; do
    rm -f "$BENCH_OUT/$part$SUFFIX.md"
    bench_log "== $part =="
    RC[$part]=0
    bash "$BENCH_DIR/$part.sh" >/dev/null || RC[$part]=$?
done

describe_berth() {
    local rev
    rev=$(git -C "$BENCH_REPO" rev-parse --short HEAD 2>/dev/null || echo "unknown")
    if [[ -n $(git -C "$BENCH_REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
        rev="$rev + local changes"
    fi
    printf '%s (source %s)' "$BERTH" "$rev"
}

{
    echo "# Berth benchmark$( ((BENCH_QUICK)) && echo " (quick smoke run)")"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
        "$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
        "kernel $(uname -r), work files on $(findmnt -n -o FSTYPE -T "$BENCH_WORK")"
    echo "- berth: $(describe_berth)"
    echo "- docker: dockerd $(docker_cli version --format '{{.Server.Version}}'), storage driver" \
        "$BENCH_DOCKER_DRIVER, private --data-root, no networking${BENCH_DOCKER_NOTE:+ ($BENCH_DOCKER_NOTE)}"
    echo "- podman: $(podman version --format '{{.Client.Version}}' 2>/dev/null || echo "not installed")," \
        "private --root/--runroot"
    echo
    for part in load images containers registry; do
        if [[ -f $BENCH_OUT/$part$SUFFIX.md ]]; then
            cat "$BENCH_OUT/$part$SUFFIX.md"
        else
            echo "## $part"
            echo
            echo "The $part benchmark did not complete (exit ${RC[$part]}); its log is above."
        fi
        echo
    done
    echo "Total benchmark time: $(awk -v a="$START" -v b="$EPOCHREALTIME" \
        'BEGIN { printf "%.0f", b - a }') s."
} >"$RESULTS"

cat "$RESULTS"
bench_log "report written to $RESULTS"

worst=0
for part in load images containers registry; do
    case ${RC[$part]} in
    0) ;;
    "$BENCH_EXIT_SIDE_FAILED" | "$BENCH_EXIT_SKIP")
        if ((worst == 0)); then
            worst=$BENCH_EXIT_SIDE_FAILED
        fi
        ;;
    *) worst=${RC[$part]} ;;
    esac
done
exit "$worst"
