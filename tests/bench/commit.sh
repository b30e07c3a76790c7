#!/bin/bash
# Commit of a container that wrote 500 MB (50 x 10 MB of random bytes) against
# `tar` writing the same files from the host: commit streams the upper straight
# into the store, so it should take under 2x tar's time.
# BENCH_QUICK=1 (or --quick): 50 MB (5 files).
set -euo pipefail
[[ ${1:-} == --quick ]] && BENCH_QUICK=1
BIN=${BERTH_BIN:-$(cd "$(dirname "$0")/../../build/bin" && pwd)}
FILES=50
[[ ${BENCH_QUICK:-0} == 1 ]] && FILES=5
T=$(mktemp -d /tmp/berth-bench-commit.XXXXXX)
export BERTH_ROOT=$T/root
berth() { "$BIN/berth" "$@"; }
cleanup() {
    berth rm -f bench >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT

R=$T/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for a in sh head mkdir; do ln -s busybox "$R/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" > "$R/etc/passwd"
tar -C "$R" -cf "$T/bb.tar" .
berth import "$T/bb.tar" busybox >/dev/null

berth run --name bench busybox sh -c \
    "mkdir /data && i=0; while [ \$i -lt $FILES ]; do head -c 10485760 /dev/urandom > /data/f\$i; i=\$((i+1)); done"
UPPER=$BERTH_ROOT/containers/$(berth inspect -f '{{.Id}}' bench)/upper
sync

now() { date +%s.%N; }
t0=$(now)
tar -cf "$T/x.tar" -C "$UPPER" .
t1=$(now)
# The store makes every blob durable (fsync before it is named); tar does not,
# so tar followed by an fsync of its file is the like-for-like figure.
sync "$T/x.tar"
t1s=$(now)
rm -f "$T/x.tar"
sync
t2=$(now)
berth commit bench >/dev/null
t3=$(now)

awk -v tar="$(echo "$t1 - $t0" | bc)" -v tarsync="$(echo "$t1s - $t0" | bc)" \
    -v commit="$(echo "$t3 - $t2" | bc)" -v mb="$((FILES * 10))" 'BEGIN {
        printf "files: %d MB\ntar:          %.2f s\ntar + fsync:  %.2f s\ncommit:       %.2f s\n", mb, tar, tarsync, commit
        printf "ratio to tar:         %.2fx (goal < 2x)\nratio to tar + fsync: %.2fx\n", commit / tar, commit / tarsync
    }'
