#!/usr/bin/env bash
# Benchmark 3: containers. For docker, podman and berth, from the same busybox rootfs
# (busybox-static imported into each as bbench:latest):
#   run    `run --rm --network none bbench true`, timed by hyperfine (--warmup 3,
#          --runs $BENCH_RUN_RUNS); --network none for all three because the bench
#          dockerd has no bridge (lib.sh), so the comparison is namespaces + rootfs +
#          process + cleanup. berth's default network (pasta) is timed as well.
#   shims  $BENCH_SHIMS containers running `sleep` at once: the supervisors' memory
#          (berth-shim; conmon for podman; containerd-shim for docker), as the sum of
#          Pss (each shared page counted once in total) and the sum of VmRSS.
#
# Usage: tests/bench/containers.sh            (30 runs, 100 sleeping containers)
#        BENCH_QUICK=1 tests/bench/containers.sh  (10 runs, 10 containers)
# Writes build/bench/containers.md (containers-quick.md in quick mode) and prints it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init containers

if ((BENCH_QUICK)); then
    RUNS=${BENCH_RUN_RUNS:-10}
    SHIMS=${BENCH_SHIMS:-10}
    SUFFIX=-quick
else
    RUNS=${BENCH_RUN_RUNS:-30}
    SHIMS=${BENCH_SHIMS:-100}
    SUFFIX=""
fi
SECTION=$BENCH_OUT/containers$SUFFIX.md
NOTES=$BENCH_WORK/notes.md
BENCH_CMD_LOG=$BENCH_WORK/cmd.log
BERTH_ROOT=$BENCH_WORK/berth
: >"$NOTES"

# The rootfs: busybox-static and its applets, a passwd and a group.
ROOTFS=$BENCH_WORK/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/etc"
cp /bin/busybox "$ROOTFS/bin/busybox"
for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$ROOTFS/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
    >"$ROOTFS/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOTFS/etc/group"
tar --numeric-owner -C "$ROOTFS" -cf "$BENCH_WORK/rootfs.tar" .

declare -A RUN=() RUN_DEFAULT=() PSS=() RSS=() FAILED=()

# Times `run --rm ... true` for one side: mean and median in milliseconds.
time_run() {
    local side=$1 json=$BENCH_WORK/$1-run.json
    shift
    bench_log "$side: timing run --rm ($RUNS runs)"
    if ! "$@" true >"$BENCH_CMD_LOG" 2>&1; then
        bench_note_failure "$NOTES" "$side run failed" "$BENCH_CMD_LOG"
        return 1
    fi
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 3 --runs "$RUNS" --output null --style none \
            --export-json "$json" "$(printf '%q ' "$@")true" >/dev/null 2>"$BENCH_CMD_LOG"
    else
        python3 "$BENCH_DIR/timeit.py" --warmup 3 --runs "$RUNS" \
            --export-json "$json" -- "$@" true 2>"$BENCH_CMD_LOG"
    fi || {
        bench_note_failure "$NOTES" "timing $side run failed" "$BENCH_CMD_LOG"
        return 1
    }
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.1f %.1f" % (r["mean"] * 1000, r["median"] * 1000))
' "$json"
}

# Sums Pss and VmRSS (KiB) of the processes whose command name is $1.
supervisor_memory() {
    local name=$1 pid pss=0 rss=0 v
    for pid in $(pgrep -x "$name" || true); do
        v=$(awk '/^Pss:/ { s += $2 } END { print s + 0 }' "/proc/$pid/smaps_rollup" 2>/dev/null ||
            echo 0)
        pss=$((pss + v))
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        rss=$((rss + ${v:-0}))
    done
    echo "$pss $rss"
}

# Starts $SHIMS sleeping containers, measures their supervisors, removes them.
measure_shims() {
    local side=$1 name=$2 i extra=()
    [[ $side == podman ]] && extra=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=$(ulimit -Hu):$(ulimit -Hu)")
    shift 2
    bench_log "$side: $SHIMS sleeping containers"
    for ((i = 0; i < SHIMS; i++)); do
        if ! "$@" run -d --network none "${extra[@]}" bbench sleep 3600 >"$BENCH_CMD_LOG" 2>&1; then
            bench_note_failure "$NOTES" "$side run -d failed at container $i" "$BENCH_CMD_LOG"
            "$@" rm -f $("$@" ps -aq) >/dev/null 2>&1 || true
            return 1
        fi
    done
    sleep 1
    read -r PSS[$side] RSS[$side] < <(supervisor_memory "$name")
    bench_log "$side: $name Pss ${PSS[$side]} KiB, VmRSS ${RSS[$side]} KiB"
    "$@" rm -f $("$@" ps -aq) >/dev/null 2>&1 || true
}

measure() {
    local side=$1 name=$2
    shift 2
    if ! "$@" import "$BENCH_WORK/rootfs.tar" bbench:latest >"$BENCH_CMD_LOG" 2>&1; then
        FAILED[$side]=1
        bench_note_failure "$NOTES" "$side import failed" "$BENCH_CMD_LOG"
        return
    fi
    local stats extra=()
    # podman sets RLIMIT_NOFILE/NPROC above this host's hard limits (no CAP_SYS_RESOURCE in
    # the bounding set here) unless given one within it.
    [[ $side == podman ]] && extra=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=$(ulimit -Hu):$(ulimit -Hu)")
    if stats=$(time_run "$side" "$@" run --rm --network none "${extra[@]}" bbench); then
        RUN[$side]=$stats
    else
        FAILED[$side]=1
    fi
    if [[ $side == berth ]] && stats=$(time_run berth-default "$@" run --rm bbench); then
        RUN_DEFAULT[$side]=$stats
    fi
    measure_shims "$side" "$name" "$@" || FAILED[$side]=1
}

if bench_start_dockerd; then
    measure docker containerd-shim "$DOCKER_CLI"
else
    FAILED[docker]=1
    echo "no dockerd could be started" >"$BENCH_CMD_LOG"
    bench_note_failure "$NOTES" "docker unavailable" "$BENCH_CMD_LOG"
fi
if bench_setup_podman "$BENCH_WORK/podman"; then
    measure podman conmon "${PODMAN[@]}"
else
    FAILED[podman]=1
    echo "podman is not installed or cannot run here" >"$BENCH_CMD_LOG"
    bench_note_failure "$NOTES" "podman unavailable" "$BENCH_CMD_LOG"
fi
measure berth berth-shim "$BERTH" --root "$BERTH_ROOT"

mean() { [[ -n ${1:-} ]] && echo "${1%% *}" || echo "-"; }
median() { [[ -n ${1:-} ]] && echo "${1##* }" || echo "-"; }
{
    echo "### Containers: run --rm, and $SHIMS sleeping containers"
    echo
    echo "| | docker | podman | berth |"
    echo "|---|---|---|---|"
    echo "| \`run --rm --network none bbench true\`, median ms ($RUNS runs) |" \
        "$(median "${RUN[docker]:-}") | $(median "${RUN[podman]:-}") |" \
        "$(median "${RUN[berth]:-}") |"
    echo "| same, mean ms | $(mean "${RUN[docker]:-}") | $(mean "${RUN[podman]:-}") |" \
        "$(mean "${RUN[berth]:-}") |"
    echo "| berth \`run --rm bbench true\` (default network), median ms | | |" \
        "$(median "${RUN_DEFAULT[berth]:-}") |"
    echo "| supervisors of $SHIMS containers, sum of Pss | ${PSS[docker]:--} KiB |" \
        "${PSS[podman]:--} KiB | ${PSS[berth]:--} KiB |"
    echo "| same, sum of VmRSS | ${RSS[docker]:--} KiB | ${RSS[podman]:--} KiB |" \
        "${RSS[berth]:--} KiB |"
    echo
    echo "Speed-up of berth (median): $(bench_ratio "$(median "${RUN[docker]:-}")" \
        "$(median "${RUN[berth]:-}")") vs docker," \
        "$(bench_ratio "$(median "${RUN[podman]:-}")" "$(median "${RUN[berth]:-}")") vs podman."
    cat "$NOTES"
} >"$SECTION"
cat "$SECTION"
[[ ${#FAILED[@]} == 0 ]]
