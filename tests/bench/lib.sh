# shellcheck shell=bash disable=SC2034 # variables set here are read by the sourcing scripts
# Shared helpers for the Berth benchmarks (sourced by run.sh, load.sh, images.sh).
#
# Each script that sources this file gets one private work directory ($BENCH_WORK) that is
# removed on exit, with every dockerd it started stopped and every mount left under it
# (overlay mounts of dockerd or podman) unmounted first, whether the script succeeded,
# failed or was interrupted. Nothing here talks to the network: dockerd listens on a unix
# socket inside the work directory and the images are made from local tar files.
#
# Knobs (environment):
#   BERTH          berth binary (default: $BERTH_BIN/berth, else <repo>/build/bin/berth)
#   BENCH_OUT      where the Markdown results go (default: <repo>/build/bench)
#   BENCH_QUICK=1  smoke mode: small layer, few images, few runs (run.sh --quick sets it)
#   TMPDIR         parent of the work directories (default: /tmp)

export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_REPO=$(cd "$BENCH_DIR/../.." && pwd)
BENCH_OUT=${BENCH_OUT:-$BENCH_REPO/build/bench}
BENCH_QUICK=${BENCH_QUICK:-0}

if [[ -z ${BERTH:-} ]]; then
    if [[ -n ${BERTH_BIN:-} ]]; then
        BERTH=$BERTH_BIN/berth
    else
        BERTH=$BENCH_REPO/build/bin/berth
    fi
fi

# The docker client from docker.io matches the dockerd it talks to; another docker CLI
# earlier in PATH (e.g. a newer one in /usr/local/bin) would negotiate a different API.
if [[ -x /usr/bin/docker ]]; then
    DOCKER_CLI=/usr/bin/docker
else
    DOCKER_CLI=$(command -v docker || true)
fi

# Exit status shared by the scripts: 0 every side measured, 1 some side failed (the table
# says which and why), 77 the peers cannot run here at all (nothing to compare with).
BENCH_EXIT_SIDE_FAILED=1
BENCH_EXIT_SKIP=77

BENCH_WORK=""
BENCH_DOCKERD_PID=""
BENCH_DOCKERD_DIR=""
# Host paths the peers write whatever their root flags say: dockerd 20.10 its trust key and
# plugin directory, podman 4.3 its blob-info cache. Those that did not exist when the
# script started are removed when it ends, leaving the host as it was found.
BENCH_HOST_PATHS=(/etc/docker/key.json /run/docker /var/lib/containers)
BENCH_HOST_ABSENT=()

bench_log() {
    printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# Creates the private work directory and installs the cleanup trap. $1 names the script.
bench_init() {
    local p
    for p in "${BENCH_HOST_PATHS[@]}"; do
        [[ -e $p ]] || BENCH_HOST_ABSENT+=("$p")
    done
    BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-$1.XXXXXX")
    trap bench_cleanup EXIT
    # Turning signals into an exit runs the EXIT trap exactly once.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p "$BENCH_OUT"
}

# Unmounts everything mounted at or below $1, deepest first. Mount points come from
# mountinfo, where the kernel escapes blanks as octal (\040), so they are decoded first.
bench_unmount_under() {
    local root=$1 mp
    local -a points=()
    while IFS= read -r mp; do
        points+=("$mp")
    done < <(awk -v root="$root" '
        { mp = $5; gsub(/\\040/, " ", mp); gsub(/\\011/, "\t", mp)
          if (mp == root || index(mp, root "/") == 1) print mp }' /proc/self/mountinfo |
        sort -r)
    for mp in "${points[@]}"; do
        bench_log "unmounting leaked mount $mp"
        umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null ||
            bench_log "could not unmount $mp"
    done
}

bench_pid_alive() {
    [[ -n $1 ]] && kill -0 "$1" 2>/dev/null
}

# Stops one process by pid: TERM, up to $2 seconds of grace, then KILL.
bench_stop_pid() {
    local pid=$1 grace=$2 i
    bench_pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do
        bench_pid_alive "$pid" || return 0
        sleep 0.1
    done
    bench_log "pid $pid ignored SIGTERM for ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
}

bench_stop_dockerd() {
    [[ -n $BENCH_DOCKERD_PID ]] || return 0
    bench_stop_pid "$BENCH_DOCKERD_PID" 30
    # dockerd stops the containerd it supervises; if dockerd had to be killed, that
    # containerd is still alive and is found by the pid file dockerd gave it.
    local cpid_file=$BENCH_DOCKERD_DIR/exec/containerd/containerd.pid
    if [[ -f $cpid_file ]]; then
        bench_stop_pid "$(cat "$cpid_file")" 10
    fi
    BENCH_DOCKERD_PID=""
}

bench_cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    bench_stop_dockerd
    for p in "${BENCH_HOST_ABSENT[@]}"; do
        rm -rf "$p"
    done
    if [[ -n $BENCH_WORK && -d $BENCH_WORK ]]; then
        bench_unmount_under "$BENCH_WORK"
        if grep -qF " $BENCH_WORK" /proc/self/mountinfo; then
            bench_log "mounts still present under $BENCH_WORK; leaving it in place:"
            mount | grep -F "$BENCH_WORK" >&2 || true
        else
            rm -rf "$BENCH_WORK"
        fi
    fi
    exit "$rc"
}

# Starts a private dockerd (or adopts the one run.sh started, via BENCH_DOCKER_HOST).
# Sets DOCKER_HOST, BENCH_DOCKER_DRIVER and BENCH_DOCKER_NOTE. Fails when no dockerd can
# be started with either storage driver.
bench_start_dockerd() {
    export DOCKER_CONFIG=$BENCH_WORK/docker-config
    mkdir -p "$DOCKER_CONFIG"
    # podman reads the same variable and refuses a directory without a config.json.
    [[ -e $DOCKER_CONFIG/config.json ]] || echo "{}" >"$DOCKER_CONFIG/config.json"
    if [[ -n ${BENCH_DOCKER_HOST:-} ]]; then
        export DOCKER_HOST=$BENCH_DOCKER_HOST
        BENCH_DOCKER_DRIVER=${BENCH_DOCKER_DRIVER:-unknown}
        BENCH_DOCKER_NOTE=${BENCH_DOCKER_NOTE:-}
        return 0
    fi
    if [[ -z $DOCKER_CLI ]] || ! command -v dockerd >/dev/null; then
        bench_log "docker.io is not installed (installer/install-deps.sh --bench)"
        return 1
    fi
    BENCH_DOCKERD_DIR=$BENCH_WORK/dockerd
    BENCH_DOCKER_NOTE=""
    local driver i up
    for driver in overlay2 vfs; do
        rm -rf "$BENCH_DOCKERD_DIR"
        mkdir -p "$BENCH_DOCKERD_DIR/data" "$BENCH_DOCKERD_DIR/exec"
        # An empty config file keeps the host's /etc/docker/daemon.json out of the run;
        # no bridge, iptables, masquerading or forwarding so the host network is untouched.
        echo '{}' >"$BENCH_DOCKERD_DIR/daemon.json"
        export DOCKER_HOST=unix://$BENCH_DOCKERD_DIR/docker.sock
        dockerd \
            --config-file "$BENCH_DOCKERD_DIR/daemon.json" \
            --data-root "$BENCH_DOCKERD_DIR/data" \
            --exec-root "$BENCH_DOCKERD_DIR/exec" \
            --pidfile "$BENCH_DOCKERD_DIR/docker.pid" \
            -H "$DOCKER_HOST" \
            --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
            --bridge=none --userland-proxy=false \
            --storage-driver "$driver" \
            --log-level warn \
            >"$BENCH_DOCKERD_DIR/dockerd-$driver.log" 2>&1 &
        BENCH_DOCKERD_PID=$!
        up=0
        for ((i = 0; i < 600; i++)); do
            if ! bench_pid_alive "$BENCH_DOCKERD_PID"; then
                break
            fi
            if "$DOCKER_CLI" version >/dev/null 2>&1; then
                up=1
                break
            fi
            sleep 0.1
        done
        if ((up)); then
            BENCH_DOCKER_DRIVER=$("$DOCKER_CLI" info --format '{{.Driver}}')
            bench_log "dockerd $("$DOCKER_CLI" version --format '{{.Server.Version}}')" \
                "up with storage driver $BENCH_DOCKER_DRIVER"
            export BENCH_DOCKER_HOST=$DOCKER_HOST BENCH_DOCKER_DRIVER BENCH_DOCKER_NOTE
            return 0
        fi
        bench_log "dockerd with --storage-driver $driver did not start:"
        tail -n 5 "$BENCH_DOCKERD_DIR/dockerd-$driver.log" >&2 || true
        bench_stop_pid "$BENCH_DOCKERD_PID" 10
        BENCH_DOCKERD_PID=""
        bench_unmount_under "$BENCH_DOCKERD_DIR"
        if [[ $driver == overlay2 ]]; then
            BENCH_DOCKER_NOTE="overlay2 failed to start, fell back to vfs: $(
                grep -m1 -iE 'error|fail' "$BENCH_DOCKERD_DIR/dockerd-overlay2.log" || true)"
        fi
    done
    return 1
}

docker_cli() {
    "$DOCKER_CLI" "$@"
}

# Podman with all of its state (storage, run state, libpod tmp, config) inside $1, so a
# run never reads or writes the host's /var/lib/containers. Sets PODMAN (an array) and
# BENCH_PODMAN_DRIVER (overlay when the kernel allows it as root here, else vfs).
bench_setup_podman() {
    local dir=$1 driver
    PODMAN=()
    BENCH_PODMAN_DRIVER=""
    command -v podman >/dev/null || return 1
    mkdir -p "$dir"
    mkdir -p "$dir/copytmp"
    # Podman stages image copies in /var/tmp unless told otherwise.
    printf '[engine]\nimage_copy_tmp_dir = "%s"\n' "$dir/copytmp" >"$dir/containers.conf"
    export CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf
    for driver in overlay vfs; do
        rm -rf "${dir:?}/root" "$dir/run"
        printf '[storage]\ndriver = "%s"\nrunroot = "%s"\ngraphroot = "%s"\n' \
            "$driver" "$dir/run" "$dir/root" >"$dir/storage.conf"
        PODMAN=(podman --root "$dir/root" --runroot "$dir/run" --tmpdir "$dir/tmp"
            --storage-driver "$driver" --events-backend none --cgroup-manager cgroupfs)
        if "${PODMAN[@]}" images >/dev/null 2>"$dir/probe-$driver.log"; then
            BENCH_PODMAN_DRIVER=$driver
            return 0
        fi
        bench_log "podman with --storage-driver $driver failed: $(head -n1 "$dir/probe-$driver.log")"
        bench_unmount_under "$dir"
    done
    PODMAN=()
    return 1
}

# Runs "$@" with stdout+stderr into the file $BENCH_CMD_LOG and sets BENCH_ELAPSED to the
# wall time in seconds. Returns the command's status.
bench_timed() {
    local start end rc=0
    start=$EPOCHREALTIME
    "$@" >"$BENCH_CMD_LOG" 2>&1 || rc=$?
    end=$EPOCHREALTIME
    BENCH_ELAPSED=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    return "$rc"
}

# Median of the numbers given as arguments.
bench_median() {
    printf '%s\n' "$@" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                                  else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# "$1 / $2" formatted as a ratio like 3.42x, or n/a when either side is missing.
bench_ratio() {
    if [[ -z $1 || -z $2 || $1 == - || $2 == - ]]; then
        echo "n/a"
        return
    fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'
}

bench_human_bytes() {
    awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'
}

# Appends the last lines of a failed command's output to the failure notes file $1 as a
# fenced block headed by $2.
bench_note_failure() {
    local notes=$1 title=$2 log=$3
    {
        printf '\n**%s** (last lines of its output):\n\n```\n' "$title"
        tail -n 15 "$log" 2>/dev/null | awk 1 || true
        printf '```\n'
    } >>"$notes"
}
