# berth exec, top, stats and update against a running busybox container:
# docker's output, messages and exit codes, and the limits seen in the cgroup.
source "$(dirname "$0")/lib.sh"
need busybox
need_root

make_busybox_rootfs "$T/rootfs"
for a in sleep hostname id pwd env sh tty; do ln -sf busybox "$T/rootfs/bin/$a"; done
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" >> "$T/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$T/rootfs/etc/group"
mkdir -p "$T/rootfs/work"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
berth import "$T/rootfs.tar" busybox >/dev/null
trap 'rc=$?; berth rm -f box stopped >/dev/null 2>&1; cleanup_lib $rc' EXIT

ID=$(berth run -d --name box -m 64m -e FROM_RUN=1 busybox sleep 1000)

# exec: output, the process's own exit code, environment, user, workdir.
run berth exec box echo hello
assert_eq "0 hello" "$RC $OUT" "exec prints the command's output"
run berth exec box sh -c 'exit 3'
assert_eq 3 "$RC" "exec exits with the command's code"
run berth exec -e GREETING=hi box sh -c 'echo $GREETING $FROM_RUN'
assert_eq "hi 1" "$OUT" "exec has the container's environment plus -e"
run berth exec -u nobody box id -u
assert_eq 65534 "$OUT" "exec -u nobody runs as nobody"
run berth exec -u nobody box sh -c 'echo $HOME'
assert_eq /nonexistent "$OUT" "exec -u sets HOME from the container's passwd"
run berth exec -w /work box pwd
assert_eq /work "$OUT" "exec -w sets the working directory"
run berth exec box hostname
assert_eq "${ID:0:12}" "$OUT" "exec sees the container's hostname"
run berth exec box sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
assert_match "$OUT" $'^[0-9]+\nsleep 1000 $' "exec is in the container's pid namespace"
run sh -c "echo piped | '$BERTH_BIN/berth' exec -i box cat"
assert_eq piped "$OUT" "exec -i passes stdin"
run berth exec -t box tty
assert_eq /dev/pts/0 "$(printf '%s' "$OUT" | tr -d '\r')" "exec -t gives the process a pty of the container's /dev/pts"
run berth exec box nope
assert_eq 126 "$RC" "a missing command exits 126"
assert_eq 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown' "$ERR" "docker's message for a missing command"
run berth exec -u nosuchuser box true
assert_eq 126 "$RC" "an unknown user exits 126"
assert_contains "$ERR" "unable to find user nosuchuser: no matching entries in passwd file" "docker's message for an unknown user"
run berth exec -d box sh -c 'sleep 1; echo detached > /tmp/d'
assert_eq "0 " "$RC $OUT" "exec -d returns at once, silently"
sleep 2
assert_eq detached "$(berth exec box cat /tmp/d)" "the detached process ran"
run berth exec nosuch true
assert_eq "1 Error response from daemon: No such container: nosuch" "$RC $ERR" "exec into a missing container"

# top: docker's columns, the container's processes only.
run berth top box
assert_eq 0 "$RC" "top succeeds"
assert_match "$(head -1 <<<"$OUT")" '^UID +PID +PPID +C +STIME +TTY +TIME +CMD$' "top prints ps -ef's columns"
assert_match "$OUT" $'\nroot +[0-9]+ +[0-9]+ +0 +[0-9:A-Za-z]+ +\\? +00:00:00 +sleep 1000' "top lists the sleep"
assert_eq 2 "$(wc -l <<<"$OUT")" "top lists nothing but the container's process"

# stats: one row, the memory limit of -m.
run berth stats --no-stream box
assert_match "$(head -1 <<<"$OUT")" '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$' "stats header"
assert_match "$(sed -n 2p <<<"$OUT")" "^${ID:0:12} +box +[0-9.]+% +[0-9.]+[KMGi]*B / 64MiB +[0-9.]+% +[0-9.]+k?B / [0-9.]+k?B +[0-9.]+[kMG]?B / [0-9.]+[kMG]?B +1$" "stats row shows the 64MiB limit"
run berth stats --no-stream --format '{{.Name}} {{.PIDs}}' box
assert_eq "box 1" "$OUT" "stats --format"

# update: live in the cgroup and in the record.
CG=/sys/fs/cgroup/memory/berth/$ID
run berth update -m 128m --pids-limit 50 box
assert_eq "0 box" "$RC $OUT" "update prints the container"
if [[ -d $CG ]]; then
    assert_eq $((128 * 1024 * 1024)) "$(cat "$CG/memory.limit_in_bytes")" "update changes the memory limit live"
    assert_eq 50 "$(cat /sys/fs/cgroup/pids/berth/$ID/pids.max)" "update changes the pids limit live"
fi
assert_eq "$((128 * 1024 * 1024)) 50" "$(berth inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' box)" "inspect shows the new limits"
run berth update --restart on-failure:2 box
assert_eq "on-failure 2" "$(berth inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' box)" "update --restart is stored"
run berth update -m 1m box
assert_eq 1 "$RC" "update refuses a memory limit below 6MB"
assert_contains "$ERR" "Minimum memory limit allowed is 6MB" "docker's message for a tiny limit"
run berth update box
assert_eq 1 "$RC" "update without flags fails"

# A stopped container: exec and top refuse with docker's message; update is stored.
berth create --name stopped busybox sleep 1 >/dev/null
SID=$(berth inspect -f '{{.Id}}' stopped)
run berth exec stopped true
assert_eq "1 Error response from daemon: container $SID is not running" "$RC $ERR" "exec into a stopped container"
run berth top stopped
assert_eq "1 Error response from daemon: container $SID is not running" "$RC $ERR" "top of a stopped container"
run berth update --cpus 0.5 stopped
assert_eq "0 stopped" "$RC $OUT" "update of a stopped container"
assert_eq 500000000 "$(berth inspect -f '{{.HostConfig.NanoCpus}}' stopped)" "the stopped container's record has the new CPUs"

# exec'd processes die with the container.
berth exec -d box sleep 500
berth stop -t 1 box >/dev/null
run pgrep -f "sleep 500"
assert_eq 1 "$RC" "an exec'd process does not outlive its container"
finish
