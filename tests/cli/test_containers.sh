# The container lifecycle through the real berth and berth-shim, as root on a
# busybox image: docker's exit codes and messages for run, its output routing and
# logs, ps and its filters, stop/kill/restart/wait/pause/rename/rm/prune, restart
# policies, isolation and resource limits seen from inside, a killed shim, images in
# use, and nothing left behind (mounts, cgroups, shims, pasta, zombies, bundles, disk) after
# 500 runs (BERTH_LEAK_RUNS to change).
source "$(dirname "$0")/lib.sh"
need busybox
need_root
[[ -x $BERTH_BIN/berth-shim ]] || skip "berth-shim is not built in $BERTH_BIN"
[[ -d /sys/fs/cgroup/memory ]] || skip "the cgroup v1 memory controller is not mounted"

trap cleanup_containers EXIT

# A busybox image with every applet, root and nobody.
R=$T/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list | grep -vx busybox); do ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
chmod 1777 "$R/tmp"
tar -C "$R" -cf "$T/bb.tar" .
berth import -c 'CMD ["sh"]' "$T/bb.tar" busybox >/dev/null

# The shim of a container, found by the bundle it was started on.
shim_of() { pgrep -f "berth-shim --bundle $ROOT/containers/$1" || true; }
state() { berth inspect -f "{{.State.$2}}" "$1"; }

# --- exit codes -------------------------------------------------------------------
run berth run --rm busybox true
assert_eq 0 "$RC" "run true exits 0"
assert_eq "" "$OUT$ERR" "run true prints nothing"
run berth run --rm busybox sh -c 'exit 3'
assert_eq 3 "$RC" "the container's exit code is run's"
run berth run --rm busybox nope
assert_eq 127 "$RC" "a missing command exits 127"
assert_contains "$ERR" 'exec: "nope": executable file not found in $PATH' "missing command: docker's message"
run berth run --rm busybox /etc
assert_eq 126 "$RC" "a directory as command exits 126"
assert_contains "$ERR" '/etc' "directory command: the message names it"
run berth run --rm nosuch
assert_eq 125 "$RC" "a missing image exits 125"
assert_contains "$ERR" "Unable to find image 'nosuch:latest' locally" "missing image: docker's message"
run berth run --rm -m foo busybox true
assert_eq 125 "$RC" "a bad flag value exits 125"
assert_contains "$ERR" 'invalid argument "foo" for "-m, --memory" flag' "bad flag value: docker's message"
run berth run --rm -m 4m busybox true
assert_eq 125 "$RC" "memory below 6MB exits 125"
assert_contains "$ERR" "Minimum memory limit allowed is 6MB" "memory below 6MB: docker's message"
run berth run -m 4m busybox true
assert_eq 125 "$RC" "memory below 6MB without --rm exits 125"
assert_eq "" "$(berth ps -aq)" "a refused run leaves no container"
assert_eq "" "$(ls "$ROOT/containers")" "a refused run leaves no bundle"

# --- output -----------------------------------------------------------------------
run berth run --rm busybox sh -c 'echo out; echo err >&2'
assert_eq "out" "$OUT" "foreground: stdout on stdout"
assert_eq "err" "$ERR" "foreground: stderr on stderr"
# stdout and stderr are two pipes, as in docker: only writes apart in time have an order.
run berth run -d --name logger busybox sh -c 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three'
assert_eq 0 "$RC" "run -d exits 0"
assert_match "$OUT" '^[0-9a-f]{64}$' "run -d prints the 64-hex id"
LID=$OUT
run berth wait logger
assert_eq 0 "$OUT" "wait prints the exit code"
run berth logs logger
assert_eq "one
three" "$OUT" "logs: stdout to stdout"
assert_eq "two" "$ERR" "logs: stderr to stderr"
run sh -c "'$BERTH_BIN/berth' logs logger 2>&1"
assert_eq "one
two
three" "$OUT" "logs: both streams in order"
run berth logs --tail 1 logger
assert_eq "three" "$OUT$ERR" "logs --tail 1"
run berth logs -t logger
assert_match "$(head -1 <<<"$OUT")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}) one$' "logs -t: RFC3339 timestamps"
berth run --name rotated --log-opt max-size=1k --log-opt max-file=2 busybox \
    sh -c 'i=0; while [ $i -lt 300 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done' >/dev/null
RID=$(berth inspect -f '{{.Id}}' rotated)
# 300 lines of 35 bytes, each logged as ~100 bytes of JSON, rotate at 1k many times.
assert_eq 2 "$(find "$ROOT/containers/$RID" -maxdepth 1 -name "$RID-json.log*" | wc -l)" "max-file=2 keeps 2 log files"
BIG=$(find "$ROOT/containers/$RID" -maxdepth 1 -name "$RID-json.log*" -size +2k)
assert_eq "" "$BIG" "max-size=1k: no log file grows past it"
assert_eq "line-299-xxxxxxxxxxxxxxxxxxxxxxxx" "$(berth logs --tail 1 rotated)" "rotated logs keep the newest line"
berth rm rotated >/dev/null

# --- ps ---------------------------------------------------------------------------
berth run -d --name sleeper busybox sleep 100 >/dev/null
berth run --name three busybox sh -c 'exit 3' >/dev/null || true
SID=$(berth inspect -f '{{.Id}}' sleeper)
run berth ps
assert_match "$(head -1 <<<"$OUT")" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$' "ps header as docker"
assert_eq 2 "$(wc -l <<<"$OUT")" "ps shows only the running container"
assert_match "$(sed -n 2p <<<"$OUT")" "^${SID:0:12} +busybox +\"sleep 100\" +.* ago +Up .* +sleeper$" "ps row"
assert_eq "logger
sleeper
three" "$(berth ps -a --format '{{.Names}}' | sort)" "ps -a shows all"
assert_eq "${SID:0:12}" "$(berth ps -q)" "ps -q"
assert_eq "$SID" "$(berth ps -q --no-trunc)" "ps --no-trunc"
assert_eq "logger
three" "$(berth ps -a --filter status=exited --format '{{.Names}}' | sort)" "--filter status=exited"
assert_eq "sleeper" "$(berth ps -a --filter name=sleep --format '{{.Names}}')" "--filter name="
assert_eq "three" "$(berth ps -a --filter exited=3 --format '{{.Names}}')" "--filter exited=3"
assert_match "$(berth ps -a --filter name=three --format '{{.Names}} {{.Status}}')" '^three Exited \(3\) .* ago$' "--format Names Status"
run berth run --name sleeper busybox true
assert_eq 125 "$RC" "a used name exits 125"
assert_contains "$ERR" "Conflict. The container name \"/sleeper\" is already in use by container \"$SID\". You have to remove (or rename) that container to be able to reuse that name." "name conflict: docker's message"
RND=$(berth create busybox true)
assert_match "$(berth inspect -f '{{.Name}}' "$RND")" '^/[a-z]+_[a-z]+$' "random names are adjective_surname"
berth rm "$RND" >/dev/null

# --- stop, kill, restart, wait, pause, rename, rm, prune ------------------------------
START=$(date +%s%N)
run berth stop -t 1 sleeper
assert_eq "sleeper" "$OUT" "stop prints the name given"
MS=$((($(date +%s%N) - START) / 1000000))
# sleep as pid 1 has no TERM handler, so the kernel ignores TERM: killed after 1 s.
assert_eq 137 "$(state sleeper ExitCode)" "stop -t 1 of sleep: killed, 137"
if ((MS >= 1000 && MS < 4000)); then ok "stop -t 1 waits 1 s then kills (${MS} ms)"; else not_ok "stop -t 1 waits 1 s then kills (${MS} ms)"; fi
assert_eq "exited" "$(state sleeper Status)" "stopped container is exited"
berth run -d --name trapper busybox sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
sleep 0.3
START=$(date +%s%N)
berth stop -t 10 trapper >/dev/null
MS=$((($(date +%s%N) - START) / 1000000))
assert_eq 0 "$(state trapper ExitCode)" "a shell trapping TERM stops with 0"
if ((MS < 3000)); then ok "a TERM-handling container stops fast (${MS} ms)"; else not_ok "a TERM-handling container stops fast (${MS} ms)"; fi
run berth kill -s USR1 trapper
assert_eq 1 "$RC" "kill of a stopped container fails"
TID=$(berth inspect -f '{{.Id}}' trapper)
assert_contains "$ERR" "Cannot kill container: trapper: Container $TID is not running" "kill of a stopped container: docker's message"
run berth restart -t 1 trapper
assert_eq 0 "$RC" "restart exits 0"
assert_eq "running" "$(state trapper Status)" "restart runs the container again"
berth kill trapper >/dev/null
run berth wait trapper
assert_eq 137 "$OUT" "wait prints 137 after kill"
berth start sleeper >/dev/null
run berth pause sleeper
assert_eq 0 "$RC" "pause exits 0"
assert_eq "paused" "$(state sleeper Status)" "inspect shows paused"
assert_eq "FROZEN" "$(cat "/sys/fs/cgroup/freezer/berth/$SID/freezer.state")" "the freezer cgroup is frozen"
assert_match "$(berth ps --filter name=sleeper --format '{{.Status}}')" '^Up .* \(Paused\)$' "ps shows (Paused)"
run berth unpause sleeper
assert_eq "running" "$(state sleeper Status)" "unpause runs again"
run berth rename sleeper dozer
assert_eq 0 "$RC" "rename exits 0"
assert_eq "/dozer" "$(berth inspect -f '{{.Name}}' "$SID")" "rename changes the name"
run berth rm dozer
assert_eq 1 "$RC" "rm of a running container exits 1"
assert_contains "$ERR" "You cannot remove a running container $SID. Stop the container before attempting removal or force remove" "rm running: docker's message"
run berth rm -f dozer
assert_eq "dozer" "$OUT" "rm -f prints the name"
assert_eq "" "$(berth ps -aq --filter name=dozer)" "rm -f removes a running container"
assert_eq "" "$(shim_of "$SID")" "rm -f leaves no shim"
run berth container prune -f
assert_contains "$OUT" "Deleted Containers:" "container prune output"
assert_contains "$OUT" "$LID" "container prune lists the ids"
assert_eq "" "$(berth ps -aq)" "container prune removes all stopped containers"

# --- restart policies ----------------------------------------------------------------
berth run -d --name flaky --restart on-failure:2 busybox sh -c 'exit 1' >/dev/null
for _ in $(seq 100); do
    [[ $(state flaky Status) == exited && $(state flaky RestartCount) == 2 ]] && break
    sleep 0.1
done
assert_eq "2" "$(berth inspect -f '{{.RestartCount}}' flaky)" "on-failure:2 restarts twice"
assert_eq "exited 1" "$(berth inspect -f '{{.State.Status}} {{.State.ExitCode}}' flaky)" "on-failure:2 then stays exited"
berth rm flaky >/dev/null
run berth run --rm --restart always busybox true
assert_eq 125 "$RC" "--rm with --restart always is refused"
assert_contains "$ERR" "Conflicting options: --restart and --rm" "--rm --restart: docker's message"

# --- isolation and limits -------------------------------------------------------------
inside() { berth run --rm "$@"; }
CID=$(berth run -d busybox sh -c 'hostname; echo $$')
berth wait "$CID" >/dev/null
assert_eq "${CID:0:12}
1" "$(berth logs "$CID")" "hostname is the short id; the command is pid 1"
berth rm "$CID" >/dev/null
assert_eq "foo" "$(inside -h foo busybox hostname)" "-h sets the hostname"
assert_eq "67108864" "$(inside -m 64m busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" "-m 64m is the memory limit inside"
assert_eq "50000 100000" "$(inside --cpus 0.5 busybox sh -c 'echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)')" "--cpus 0.5 is a 50000/100000 quota"
assert_eq "10" "$(inside --pids-limit 10 busybox cat /sys/fs/cgroup/pids/pids.max)" "--pids-limit 10"
run inside --pids-limit 10 busybox sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done; wait'
assert_contains "$OUT$ERR" "can't fork" "--pids-limit stops the 11th process"
assert_eq "0" "$(inside --cpuset-cpus 0 busybox cat /sys/fs/cgroup/cpuset/cpuset.cpus)" "--cpuset-cpus 0"
berth run --name oom -m 10m busybox sh -c 'head -c 64m /dev/zero | tail' >/dev/null 2>&1 || true
assert_eq "137 true" "$(berth inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' oom)" "an OOM kill: 137 and OOMKilled"
berth rm oom >/dev/null
assert_eq "65534" "$(inside -u nobody busybox id -u)" "-u nobody"
assert_eq "/x" "$(inside -w /x busybox pwd)" "-w creates the working directory"
printf 'B=2\n# comment\n\nC=three\n' > "$T/env"
assert_eq "1 2 three" "$(inside -e A=1 --env-file "$T/env" busybox sh -c 'echo $A $B $C')" "-e and --env-file"
assert_eq "hello" "$(inside --entrypoint echo busybox hello)" "--entrypoint"
run inside --read-only busybox touch /f
assert_eq 1 "$RC" "--read-only: writing / fails"
assert_contains "$ERR" "Read-only file system" "--read-only: EROFS"
run inside --read-only --tmpfs /tmp busybox sh -c 'echo hi > /tmp/f && cat /tmp/f'
assert_eq "hi" "$OUT" "--read-only with --tmpfs /tmp: /tmp is writable"
mkdir -p "$T/host"
echo data > "$T/host/file"
assert_eq "data" "$(inside -v "$T/host:/data:ro" busybox cat /data/file)" "-v :ro is readable"
run inside -v "$T/host:/data:ro" busybox sh -c 'echo x > /data/new'
assert_eq 1 "$RC" "-v :ro is not writable"
[[ ! -e $T/host/new ]] && ok "-v :ro: nothing written on the host" || not_ok "-v :ro: nothing written on the host"
run inside --mount type=bind,source=/nonexistent,target=/x busybox true
assert_eq 125 "$RC" "a missing bind source exits 125"
assert_contains "$ERR" 'invalid mount config for type "bind": bind source path does not exist: /nonexistent' "missing bind source: docker's message"
assert_eq "00000000a80425fb" "$(inside busybox sh -c 'grep CapEff /proc/self/status' | awk '{print $2}')" "default capabilities are docker's"
assert_eq "0000000000000000" "$(inside --cap-drop ALL busybox sh -c 'grep CapEff /proc/self/status' | awk '{print $2}')" "--cap-drop ALL"
run inside busybox unshare -m true
assert_eq 1 "$RC" "unshare -m is refused by default"
run inside --privileged busybox unshare -m true
assert_eq 0 "$RC" "--privileged allows unshare -m"
# A user namespace needs no capability: only the seccomp profile refuses it.
assert_eq "2" "$(inside busybox sh -c 'grep ^Seccomp: /proc/self/status' | awk '{print $2}')" "seccomp filter mode by default"
run inside busybox unshare -U true
assert_eq 1 "$RC" "seccomp refuses unshare -U by default"
run inside --security-opt seccomp=unconfined busybox unshare -U true
assert_eq 0 "$RC" "seccomp=unconfined allows unshare -U"
assert_eq "0" "$(inside --privileged busybox sh -c 'grep ^Seccomp: /proc/self/status' | awk '{print $2}')" "--privileged has no seccomp filter"
# Profiles are compiled once per store: default and --cap-add SYS_ADMIN differ, so two
# programs; running the default again adds none and a bundle links the cached file.
PROGRAMS=$(ls "$ROOT/cache/seccomp" | wc -l)
inside --cap-add SYS_ADMIN busybox unshare -m true >/dev/null
assert_eq $((PROGRAMS + 1)) "$(ls "$ROOT/cache/seccomp" | wc -l)" "another profile compiles another program"
LINKED=$(berth create busybox true)
berth start "$LINKED" >/dev/null
assert_eq "2" "$(stat -c %h "$ROOT/containers/$LINKED/seccomp.bpf")" "a container links its compiled program from the cache"
berth rm "$LINKED" >/dev/null
assert_eq $((PROGRAMS + 1)) "$(ls "$ROOT/cache/seccomp" | wc -l)" "the default profile is not compiled again"
# Masked files are /dev/null (1,3) bound over them; /proc/kcore may not exist at all.
assert_eq "1,3 1,3" "$(inside busybox stat -c %t,%T /proc/timer_list /proc/keys | tr '\n' ' ' | sed 's/ $//')" "/proc/timer_list and /proc/keys are masked"
assert_eq "" "$(inside busybox sh -c 'cat /proc/kcore 2>/dev/null | head -c 16')" "/proc/kcore reads nothing"
run inside busybox sh -c 'echo 1 > /proc/sys/kernel/domainname'
assert_contains "$ERR" "Read-only file system" "/proc/sys is read-only"
assert_eq "lo" "$(inside --network none busybox ls /sys/class/net)" "--network none has only lo"
run inside --init busybox sh -c 'cat /proc/1/comm; echo $$'
assert_eq 0 "$RC" "--init runs"
[[ $(head -1 <<<"$OUT") != sh ]] && ok "--init: pid 1 is not the command" || not_ok "--init: pid 1 is not the command ($OUT)"
[[ $(sed -n 2p <<<"$OUT") != 1 ]] && ok "--init: the command is not pid 1" || not_ok "--init: the command is not pid 1"

# --- resilience ------------------------------------------------------------------------
KID=$(berth run -d --name victim busybox sleep 100)
SHIM=$(shim_of "$KID")
PID1=$(state victim Pid)
[[ -n $SHIM && $PID1 -gt 0 ]] && ok "a running container has a shim and a pid" || not_ok "a running container has a shim and a pid"
kill -9 $SHIM
sleep 0.3
assert_match "$(berth ps -a --filter name=victim --format '{{.Status}}')" '^Exited \(137\) .* ago$' "a killed shim: ps shows Exited (137)"
run berth rm victim
assert_eq 0 "$RC" "a container whose shim was killed can be removed"
# Dead: gone, or a zombie the host's init has not reaped yet.
[[ ! -d /proc/$PID1 ]] || grep -q '^State:.*Z' "/proc/$PID1/status" 2>/dev/null &&
    ok "the container's process is dead" || not_ok "the container's process is dead"
assert_eq "" "$(shim_of "$KID")" "no shim left"
[[ ! -e $ROOT/containers/$KID ]] && ok "the bundle is removed" || not_ok "the bundle is removed"
[[ ! -d /sys/fs/cgroup/memory/berth/$KID ]] && ok "the cgroup is removed" || not_ok "the cgroup is removed"

UID_=$(berth create --name user busybox true)
IMG=$(berth inspect -f '{{.Id}}' busybox)
run berth rmi busybox
assert_eq 1 "$RC" "rmi of an image a stopped container uses fails"
assert_contains "$ERR" "conflict: unable to remove repository reference \"busybox\" (must force) - container ${UID_:0:12} is using its referenced image ${IMG:7:12}" "rmi conflict: docker's message"
run berth rmi -f busybox
assert_eq 0 "$RC" "rmi -f succeeds"
# docker ignores stopped containers (a soft conflict) when forced: untag, then delete;
# the container keeps the layers it was made from.
assert_eq "Untagged: busybox:latest
Deleted: $IMG" "$OUT" "rmi -f untags and deletes like docker"
run berth start -a user
assert_eq 0 "$RC" "the container still starts from its layers after the image went"
LAYERS_BEFORE=$(ls "$ROOT/layers" | wc -l)
berth rm user >/dev/null
assert_eq 0 "$(ls "$ROOT/layers" | wc -l)" "removing the last container frees the layers ($LAYERS_BEFORE before)"
berth import -c 'CMD ["sh"]' "$T/bb.tar" busybox >/dev/null
RUNNER=$(berth run -d busybox sleep 100)
IMG=$(berth inspect -f '{{.Id}}' busybox)
run berth rmi -f "${IMG:7:12}"
assert_eq 1 "$RC" "rmi -f of an image a running container uses fails"
assert_contains "$ERR" "(cannot be forced) - image is being used by running container ${RUNNER:0:12}" "running conflict: docker's message"
berth rm -f "$RUNNER" >/dev/null
berth import -c 'CMD ["sh"]' "$T/bb.tar" busybox >/dev/null

# --- leaks -----------------------------------------------------------------------------
mounts() { grep -c " $T" /proc/self/mountinfo || true; }
cgroups() { find /sys/fs/cgroup/*/berth -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort; }
shims() { pgrep -f "berth-shim --bundle $ROOT/" | wc -l; }
# Zombies whose parent is this script or one of this store's shims.
zombies() {
    local parents=" $$ $(pgrep -f "berth-shim --bundle $ROOT/" | tr '\n' ' ')"
    ps -eo stat=,ppid= | awk -v p="$parents" '$1 ~ /^Z/ && index(p, " " $2 " ")' | wc -l
}
bundles() { ls "$ROOT/containers" | wc -l; }
pastas() { pgrep -x pasta | wc -l; }
# Bytes in the store but for the database and the events journal, which grow by
# design with each container's record and events.
disk() { du -sb --exclude=berth.db\* --exclude=events.jsonl "$ROOT" | cut -f1; }
RUNS=${BERTH_LEAK_RUNS:-500}
# The first run unpacks the freshly imported image's layer: that space is meant to stay.
berth run --rm --network none busybox true
B_MOUNTS=$(mounts) B_CGROUPS=$(cgroups) B_SHIMS=$(shims) B_ZOMBIES=$(zombies) B_BUNDLES=$(bundles)
B_PASTAS=$(pastas) B_DISK=$(disk)
FAILED=0
START=$(date +%s%N)
# Every tenth run on the default network, so pasta and its namespace are covered too.
for i in $(seq "$RUNS"); do
    if ((i % 10)); then NET=none; else NET=default; fi
    "$BERTH_BIN/berth" run --rm --network "$NET" busybox true || FAILED=$((FAILED + 1))
done
MS=$((($(date +%s%N) - START) / 1000000))
echo "# $RUNS x run --rm busybox true: ${MS} ms, $((MS / RUNS)) ms per run"
assert_eq 0 "$FAILED" "$RUNS runs all exit 0"
assert_eq "$B_MOUNTS" "$(mounts)" "no mount left after $RUNS runs"
# Other stores may run containers meanwhile: only cgroups named by this store's
# containers (its events journal lists them all) count.
OURS=$(berth events --since 30m --until 0s --filter type=container | grep -oE '\b[0-9a-f]{64}\b' | sort -u)
NEW_CGROUPS=$(comm -13 <(echo "$B_CGROUPS") <(cgroups) | grep -F -f <(echo "${OURS:-none}") || true)
assert_eq "" "$NEW_CGROUPS" "no cgroup left after $RUNS runs"
assert_eq "$B_SHIMS" "$(shims)" "no shim left after $RUNS runs"
assert_eq "$B_PASTAS" "$(pastas)" "no pasta left after $RUNS runs"
assert_eq "$B_ZOMBIES" "$(zombies)" "no zombie left after $RUNS runs"
assert_eq "$B_BUNDLES" "$(bundles)" "no bundle left after $RUNS runs"
# The seccomp cache gains its first compiled program during the loop at most.
GROWTH=$(($(disk) - B_DISK))
if ((GROWTH > 64 * 1024)); then
    not_ok "store grew by $GROWTH bytes (beyond database and journal) after $RUNS runs"
else
    ok "no disk space left behind after $RUNS runs (growth $GROWTH bytes)"
fi
finish
