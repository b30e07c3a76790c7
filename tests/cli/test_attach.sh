# berth attach, the detach keys of attach/run/start, exec -d and --privileged,
# and cp through tar streams: docker's messages and exit codes, what reaches
# the container and what comes back, checked from both sides.
source "$(dirname "$0")/lib.sh"
need busybox
need python3
need_root

mkdir -p "$T/rootfs/bin" "$T/rootfs/etc" "$T/rootfs/tmp"
cp /bin/busybox "$T/rootfs/bin/busybox"
for a in $(busybox --list | grep -vx busybox); do ln -sf busybox "$T/rootfs/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" > "$T/rootfs/etc/passwd"
echo "root:x:0:" > "$T/rootfs/etc/group"
chmod 1777 "$T/rootfs/tmp"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
berth import "$T/rootfs.tar" busybox >/dev/null
NAMES="box box2 proxied tbox rbox stopped paused ebox"
trap 'rc=$?; berth rm -f $NAMES >/dev/null 2>&1; cleanup_lib $rc' EXIT

# A terminal for berth: runs it on a new pty, types the input (python escapes,
# in parts split at "|"; a part "?TEXT" waits until berth has written TEXT),
# prints everything berth wrote and exits with its status (124: killed).
cat > "$T/on_pty.py" <<'EOF'
import os, pty, select, sys, time
timeout = float(sys.argv[1])
keys = sys.argv[2].encode().decode('unicode_escape').encode('latin-1')
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[3], sys.argv[3:])
out = b''
def pump(seconds, until=None):
    global out
    end = time.time() + seconds
    while time.time() < end and not (until and until in out):
        if select.select([fd], [], [], 0.05)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
pump(0.5)
for part in keys.split(b'|'):
    if part.startswith(b'?'):
        pump(5, part[1:])
    else:
        os.write(fd, part)
        pump(0.2)
status = None
end = time.time() + timeout
while status is None and time.time() < end:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
    else:
        pump(0.1)
pump(0.2)
sys.stdout.write(out.decode('utf-8', 'replace'))
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit(124)
sys.exit(os.waitstatus_to_exitcode(status))
EOF
on_pty() { python3 "$T/on_pty.py" 5 "$@"; }
running() { berth inspect -f '{{.State.Running}}' "$1"; }

# attach without a terminal: stdin in, output back, the container's exit code.
berth run -d -i --name box busybox sh >/dev/null
run sh -c "printf 'echo hi\nexit 3\n' | '$BERTH_BIN/berth' attach box"
assert_eq "3 hi" "$RC $OUT" "attach relays stdin and output and exits with the container's code"

# run -d -i keeps stdin open when an attached client's input ends (docker's
# StdinOnce is for run -i only); --sig-proxy=false lets a signal end berth alone.
berth run -d -i --name box2 busybox sh >/dev/null
run sh -c "printf 'echo one\n' | timeout 2 '$BERTH_BIN/berth' attach --sig-proxy=false box2"
assert_eq "124 one" "$RC $OUT" "attach --sig-proxy=false ends on SIGTERM, output relayed"
assert_eq true "$(running box2)" "the container's stdin stayed open after the client's ended"
run sh -c "printf 'echo two\nexit 4\n' | '$BERTH_BIN/berth' attach box2"
assert_eq "4 two" "$RC $OUT" "a second attach reaches the same shell"

# --sig-proxy (the default) passes SIGTERM to the container.
berth run -d --name proxied busybox sh -c 'trap "echo got-term; exit 7" TERM; while :; do sleep 0.1; done' >/dev/null
run timeout --preserve-status 1 "$BERTH_BIN/berth" attach proxied
assert_eq "7 got-term" "$RC $OUT" "attach passes SIGTERM on and ends with the container's code"

# With a terminal: the detach keys leave the container running.
berth run -d -it --name tbox busybox sh >/dev/null
run on_pty 'echo hel""lo\r|?hello\r|\x10\x11' "$BERTH_BIN/berth" attach tbox
assert_eq 1 "$RC" "detaching from attach exits 1"
assert_contains "$OUT" $'hello\r' "attach with a tty runs what is typed"
assert_contains "$OUT" "read escape sequence" "attach says it read the escape sequence"
assert_eq true "$(running tbox)" "ctrl-p,ctrl-q left the container running"
run on_pty 'echo ag""ain\r|?again\r|\x10\x11\x15echo af""ter\r|?after\r|\x01x' \
    "$BERTH_BIN/berth" attach --detach-keys=ctrl-a,x tbox
assert_eq 1 "$RC" "--detach-keys=ctrl-a,x detaches"
assert_contains "$OUT" $'after\r' "ctrl-p,ctrl-q reached the shell instead (it ran what followed)"
assert_eq true "$(running tbox)" "the custom keys left the container running"
run on_pty '\x15exit 5\r' "$BERTH_BIN/berth" attach tbox
assert_eq 5 "$RC" "attach with a tty exits with the container's code"
run berth attach --detach-keys=ctrl-1 box2
assert_eq "1 Error response from daemon: Invalid detach keys (ctrl-1) provided" "$RC $ERR" \
    "docker's refusal of invalid detach keys"

# run -it detaches quietly with status 0; its terminal keeps its input for the next attach.
run on_pty 'echo r""un\r|?run\r|\x10\x11' "$BERTH_BIN/berth" run -it --name rbox busybox sh
assert_eq 0 "$RC" "run -it exits 0 on the detach keys"
assert_contains "$OUT" $'run\r' "run -it ran what was typed"
assert_not_contains "$OUT" "read escape sequence" "run -it detaches silently"
assert_eq true "$(running rbox)" "run -it left the container running"
run on_pty 'echo ba""ck\r|?back\r|\x10\x11' "$BERTH_BIN/berth" attach rbox
assert_contains "$OUT" $'back\r' "attach after a detach still reaches the terminal's input"
berth kill rbox >/dev/null
berth wait rbox >/dev/null
run on_pty 'echo st""art\r|?start\r|\x01q' "$BERTH_BIN/berth" start -ai --detach-keys=ctrl-a,q rbox
assert_eq 0 "$RC" "start -ai honours --detach-keys and exits 0"
assert_contains "$OUT" $'start\r' "start -ai attached the terminal"
assert_eq true "$(running rbox)" "start -ai left the container running"

# Containers that are not running.
berth create --name stopped busybox true >/dev/null
run berth attach stopped
assert_eq "1 You cannot attach to a stopped container, start it first" "$RC $ERR" \
    "docker's message for a stopped container"
berth run -d --name paused busybox sleep 1000 >/dev/null
berth pause paused >/dev/null
run berth attach paused
assert_eq "1 You cannot attach to a paused container, unpause it first" "$RC $ERR" \
    "docker's message for a paused container"

# exec -d: back at once, the process runs on, its parent outside the container
# (pid 0, as docker's), and it is reaped there: no zombie is left even under an
# init that never waits for children.
berth run -d --name ebox busybox sleep 1000 >/dev/null
start=$(date +%s%N)
run berth exec -d ebox sh -c 'echo $PPID > /tmp/parent; sleep 1; touch /tmp/done'
elapsed=$((($(date +%s%N) - start) / 1000000))
assert_eq "0 " "$RC $OUT" "exec -d succeeds silently"
[[ $elapsed -lt 900 ]] && ok "exec -d returns at once (${elapsed} ms)" || not_ok "exec -d took ${elapsed} ms"
assert_eq absent "$(berth exec ebox sh -c 'test -e /tmp/done && echo present || echo absent')" \
    "the detached process has not finished yet"
sleep 1.5
assert_eq present "$(berth exec ebox sh -c 'test -e /tmp/done && echo present || echo absent')" \
    "the detached process finished its work"
assert_eq 0 "$(berth exec ebox cat /tmp/parent)" "the detached process's parent is outside the container"
assert_eq "" "$(berth exec ebox sh -c 'grep -l "^State:.*Z" /proc/[0-9]*/status')" \
    "no zombie is left among the container's processes"

# exec --privileged: every capability the caller has, where exec gets docker's default set;
# the container's seccomp filter stays, as docker's exec keeps it.
run berth exec ebox grep CapEff /proc/self/status
assert_eq $'CapEff:\t00000000a80425fb' "$OUT" "exec has docker's default capabilities"
run berth exec --privileged ebox grep CapEff /proc/self/status
assert_eq "$(grep CapEff /proc/self/status)" "$OUT" "exec --privileged has every capability"
run berth exec ebox ip link set lo mtu 1280
assert_eq 2 "$RC" "exec cannot configure the network"
run berth exec --privileged ebox ip link set lo mtu 1280
assert_eq 0 "$RC" "exec --privileged can"
assert_match "$(berth exec ebox ip link show lo)" "mtu 1280" "and the change is made"
assert_eq $'Seccomp:\t2' "$(berth exec --privileged ebox grep Seccomp: /proc/self/status)" \
    "exec --privileged keeps the container's seccomp filter"

# cp through tar streams: contents, modes and links both ways.
mkdir -p "$T/src/d" "$T/out" "$T/outside"
printf 'alpha\n' > "$T/src/a.txt"
chmod 640 "$T/src/a.txt"
printf 'beta\n' > "$T/src/d/b.sh"
chmod 4755 "$T/src/d/b.sh"
ln -s a.txt "$T/src/link"
run sh -c "tar -C '$T/src' -cf - . | '$BERTH_BIN/berth' cp - ebox:/tmp"
assert_eq "0 " "$RC $OUT" "cp - CONTAINER:DIR succeeds silently"
assert_eq $'640 a.txt alpha\n4755 d/b.sh beta' \
    "$(berth exec ebox sh -c 'cd /tmp && for f in a.txt d/b.sh; do echo "$(stat -c %a $f) $f $(cat $f)"; done')" \
    "the tar's files arrived with their contents and modes"
assert_eq a.txt "$(berth exec ebox readlink /tmp/link)" "the symlink arrived as a symlink"
assert_eq 1777 "$(berth exec ebox stat -c %a /tmp)" "the tar's ./ entry left /tmp's own mode alone"
berth cp ebox:/tmp/d - > "$T/d.tar"
assert_eq $'d/\nd/b.sh' "$(tar -tf "$T/d.tar")" "cp CONTAINER:SRC - names the entries after SRC"
tar -C "$T/out" -xf "$T/d.tar"
assert_eq "4755 beta" "$(stat -c %a "$T/out/d/b.sh") $(cat "$T/out/d/b.sh")" "the tar from the container round-trips"
assert_eq "$(tar -C "$T/src" -cf - . | tar -tf - | sort)" \
    "$(berth cp ebox:/tmp/. - | tar -tf - | grep -Ev '^./(done|parent)$' | sort)" \
    "cp CONTAINER:DIR/. - holds the directory's contents under ./"
run sh -c "tar -C '$T/src' -cf - a.txt | '$BERTH_BIN/berth' cp - ebox:/tmp/a.txt"
assert_eq '1 Error: destination "ebox:/tmp/a.txt" must be a directory' "$RC $ERR" \
    "cp - needs a directory"
run berth cp ebox:/nope -
assert_eq "1 Error response from daemon: Could not find the file /nope in container ebox" "$RC $ERR" \
    "cp of a missing path to -"

# Hostile tars: nothing is written outside the destination.
python3 - "$T" <<'EOF'
import io, sys, tarfile
t = sys.argv[1]
def make(path, entries):
    with tarfile.open(path, 'w') as tar:
        for name, kind, value in entries:
            info = tarfile.TarInfo(name)
            if kind == 'file':
                info.size = len(value)
                tar.addfile(info, io.BytesIO(value.encode()))
            else:
                info.type = tarfile.SYMTYPE
                info.linkname = value
                tar.addfile(info)
make(t + '/dotdot.tar', [('ok.txt', 'file', 'fine\n'), ('../escape', 'file', 'bad\n')])
make(t + '/symlink.tar', [('evil', 'sym', t + '/outside'), ('evil/escape', 'file', 'bad\n')])
EOF
run sh -c "'$BERTH_BIN/berth' cp - ebox:/ < '$T/dotdot.tar'"
assert_eq 1 "$RC" "a tar with ../escape is refused"
assert_contains "$ERR" '"../escape"' "the refusal names the entry"
run sh -c "'$BERTH_BIN/berth' cp - ebox:/tmp < '$T/symlink.tar'"
assert_eq 1 "$RC" "a tar writing through its own absolute symlink is refused"
berth exec ebox ln -s "$T/outside" /tmp/planted
run sh -c "tar -C '$T/src' -cf - --transform 's,^\./a.txt,planted/escape,' ./a.txt | '$BERTH_BIN/berth' cp - ebox:/tmp"
assert_eq 1 "$RC" "a tar writing through a symlink the container has is refused"
assert_eq "" "$(find "$T" /tmp -maxdepth 3 -name escape 2>/dev/null)" "no file escaped the container"

finish
