# Shared helpers for the integration tests: each test gets a private store
# root and scratch dir under one temp dir, removed on exit.
set -euo pipefail

BERTH_BIN=${BERTH_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build/bin" && pwd)}
T=$(mktemp -d /tmp/berth-test.XXXXXX)
ROOT=$T/root
export BERTH_ROOT=$ROOT
FAILS=0
CHECKS=0

cleanup_lib() {
    local rc=${1:-$?}
    # Never leave a mount behind: unmount anything under our temp dir.
    { grep -o " $T[^ ]*" /proc/self/mountinfo 2>/dev/null || true; } | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$T" || true
    # The test's own status, not the cleanup's, is what the script exits with.
    exit "$rc"
}
trap cleanup_lib EXIT

berth() { "$BERTH_BIN/berth" "$@"; }

# For tests that run containers: every container of this store goes, whatever the
# test's outcome, then what cleanup_lib removes. Install with
# `trap cleanup_containers EXIT`.
cleanup_containers() {
    local rc=$?
    set +e
    local ids
    ids=$(berth ps -aq --no-trunc 2>/dev/null)
    [[ -n $ids ]] && berth rm -f $ids >/dev/null 2>&1
    cleanup_lib "$rc"
}

skip() { echo "SKIP: $*"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"; }
need_root() { [[ $(id -u) -eq 0 ]] || skip "needs root"; }

ok() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
not_ok() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "not ok - $*"; }

assert_eq() { # expected actual message
    if [[ "$1" == "$2" ]]; then ok "$3"; else not_ok "$3"; printf '  expected: %q\n  actual:   %q\n' "$1" "$2"; fi
}
assert_contains() { # haystack needle message
    if [[ "$1" == *"$2"* ]]; then ok "$3"; else not_ok "$3"; printf '  missing %q in:\n%s\n' "$2" "$1"; fi
}
assert_not_contains() {
    if [[ "$1" != *"$2"* ]]; then ok "$3"; else not_ok "$3"; printf '  unexpected %q in:\n%s\n' "$2" "$1"; fi
}
assert_match() { # string regex message
    if [[ "$1" =~ $2 ]]; then ok "$3"; else not_ok "$3"; printf '  %q does not match %q\n' "$1" "$2"; fi
}
# Runs a command, capturing stdout/stderr/status into OUT, ERR, RC.
run() {
    set +e
    OUT=$("$@" 2>"$T/.stderr")
    RC=$?
    ERR=$(cat "$T/.stderr")
    set -e
}
finish() {
    echo "$((CHECKS - FAILS)) passed, $FAILS failed"
    [[ $FAILS -eq 0 ]]
}

# A tiny root filesystem: busybox-static and its applet links.
make_busybox_rootfs() { # dir
    local dir=$1
    mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/root"
    cp /bin/busybox "$dir/bin/busybox"
    for a in sh ls cat echo true false mkdir rm cp; do ln -sf busybox "$dir/bin/$a"; done
    echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
    chmod 1777 "$dir/tmp"
}

# A digest of a store's state for "nothing changed" checks: file names, sizes
# and the database's rows.
store_state() {
    (cd "$ROOT" && find . -path ./tmp -prune -o -path ./locks -prune -o -name 'berth.db*' -prune -o \
        -name events.jsonl -prune -o -printf '%p %s\n' | sort
     sqlite3 "$ROOT/berth.db" 'select * from images; select * from tags; select * from layers;' 2>/dev/null) | sha256sum
}
