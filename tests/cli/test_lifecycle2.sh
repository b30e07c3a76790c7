# Container lifecycle, second part, through the real berth and berth-shim as root:
# restart policies after a reboot or a killed shim (a reboot simulated with the
# test-only BERTH_BOOT_ID) and `system start`; `logs` and `logs -f` across log
# rotation; --network container:<name>; -p on IPv6; volumes filled from the image.
source "$(dirname "$0")/lib.sh"
need busybox
need_root
[[ -x $BERTH_BIN/berth-shim ]] || skip "berth-shim is not built in $BERTH_BIN"
[[ -d /sys/fs/cgroup/memory ]] || skip "the cgroup v1 memory controller is not mounted"
need pasta

trap cleanup_containers EXIT

# A busybox image, and one with a /data directory whose content, owners and modes
# a volume takes.
R=$T/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list | grep -vx busybox); do ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
chmod 1777 "$R/tmp"
tar -C "$R" -cf "$T/bb.tar" .
berth import -c 'CMD ["sh"]' "$T/bb.tar" busybox >/dev/null
mkdir -p "$R/data/sub"
echo seed-content > "$R/data/seed.txt"
echo deep > "$R/data/sub/deep.txt"
echo gone > "$R/data/gone.txt"
chown -R 1234:2345 "$R/data"
chmod 0750 "$R/data"
chmod 0640 "$R/data/seed.txt"
tar -C "$R" -cf "$T/seeded.tar" .
berth import -c 'CMD ["sh"]' "$T/seeded.tar" seeded >/dev/null

shim_of() { pgrep -f "berth-shim --bundle $ROOT/containers/$1" || true; }
id_of() { berth inspect -f '{{.Id}}' "$1"; }
status() { berth inspect -f '{{.State.Status}}' "$1"; }
# Kills the shims of containers (and so the containers) as a crash or a reboot
# would, with no berth command in between: the next one starts them again.
kill_shims() {
    local shims="" name shim
    for name in "$@"; do shims+=" $(shim_of "$(id_of "$name")")"; done
    for shim in $shims; do kill -9 $shim; done
    for shim in $shims; do
        while kill -0 $shim 2>/dev/null && ! grep -q '^State:.*Z' /proc/$shim/status 2>/dev/null; do
            sleep 0.05
        done
    done
}

# --- restart policies across a killed shim and a reboot ------------------------------
for c in always1 always2 unless1 onfail; do
    policy=always
    [[ $c == unless1 ]] && policy=unless-stopped
    [[ $c == onfail ]] && policy=on-failure
    berth run -d --name $c --restart $policy busybox sleep 1000 >/dev/null
done
berth stop -t 0 always2 unless1 >/dev/null
PID_BEFORE=$(berth inspect -f '{{.State.Pid}}' always1)
kill_shims always1 onfail
run berth ps --format '{{.Names}}'
assert_contains "$OUT" "always1" "a killed shim: the next command starts an always container again"
assert_contains "$OUT" "onfail" "a killed shim: on-failure restarts it (exit 137)"
assert_not_contains "$OUT" "always2" "a stopped always container stays down in the same boot"
assert_not_contains "$OUT" "unless1" "a stopped unless-stopped container stays down"
[[ $(berth inspect -f '{{.State.Pid}}' always1) != "$PID_BEFORE" ]] &&
    ok "the restarted container has a new process" || not_ok "the restarted container has a new process"
assert_eq 1 "$(shim_of "$(id_of always1)" | wc -l)" "one shim for the restarted container"

# A reboot: every shim gone, another boot id.
kill_shims always1 onfail
export BERTH_BOOT_ID=simulated-boot-2
run berth ps --format '{{.Names}}'
assert_contains "$OUT" "always1" "after a reboot an always container runs again"
assert_contains "$OUT" "always2" "after a reboot an always container the user stopped runs again"
assert_not_contains "$OUT" "unless1" "after a reboot an unless-stopped container the user stopped stays down"
assert_not_contains "$OUT" "onfail" "after a reboot on-failure does not restart (docker's rule)"
assert_eq "exited" "$(status onfail)" "on-failure container: exited"

# unless-stopped that the user did not stop comes back; two CLIs at once start it once.
berth start unless1 >/dev/null
kill_shims unless1 always1
export BERTH_BOOT_ID=simulated-boot-3
berth images >/dev/null & berth ps >/dev/null & wait
assert_eq "running" "$(status unless1)" "after a reboot an unless-stopped container runs again"
assert_eq 1 "$(shim_of "$(id_of always1)" | wc -l)" "two CLIs after a reboot start it once"

# system start names what it started.
kill_shims always1 always2
export BERTH_BOOT_ID=simulated-boot-4
run berth system start
assert_eq 0 "$RC" "system start exits 0"
assert_eq "always1
always2" "$(sort <<<"$OUT")" "system start prints the containers it started"
assert_eq "running running" "$(status always1) $(status always2)" "system start: they run"
run berth system start
assert_eq "" "$OUT" "system start with nothing to do prints nothing"
berth rm -f always1 always2 unless1 onfail >/dev/null
[[ -z $(ls "$ROOT/restart" 2>/dev/null) ]] && ok "rm leaves no restart record" ||
    not_ok "rm leaves no restart record"

# --- logs across rotation -------------------------------------------------------------
N=400
berth run -d --name rot --log-opt max-size=1k --log-opt max-file=3 busybox \
    sh -c "sleep 1; i=1; while [ \$i -le $N ]; do echo line-\$i; i=\$((i+1)); usleep 1500; done" >/dev/null
run berth logs -f rot
assert_eq "$(seq -f 'line-%g' 1 $N)" "$OUT" "logs -f follows across rotations: no line lost or repeated"
RID=$(id_of rot)
[[ -e $ROOT/containers/$RID/$RID-json.log.2 && ! -e $ROOT/containers/$RID/$RID-json.log.3 ]] &&
    ok "max-file=3 keeps two rotated files" || not_ok "max-file=3 keeps two rotated files"
run berth logs rot
FIRST=$(head -1 <<<"$OUT" | sed 's/line-//')
assert_eq "$(seq -f 'line-%g' "$FIRST" $N)" "$OUT" "logs reads the rotated files oldest first"
((FIRST > 1)) && ok "rotation dropped the oldest lines" || not_ok "rotation dropped the oldest lines"
run berth logs --tail 3 rot
assert_eq "$(seq -f 'line-%g' $((N - 2)) $N)" "$OUT" "logs --tail over the rotated files"

# --- --network container:<name> -------------------------------------------------------
PORT=$((20000 + RANDOM % 20000))
berth run -d --name web -p 127.0.0.1:$PORT:8080 busybox sleep 1000 >/dev/null
WID=$(id_of web)
berth run -d --name side --network container:web busybox nc -ll -p 8080 -e echo joined >/dev/null
assert_eq "container:$WID" "$(berth inspect -f '{{.HostConfig.NetworkMode}}' side)" \
    "inspect: NetworkMode container:<id>"
REPLY=""
for _ in $(seq 1 50); do
    REPLY=$(busybox nc 127.0.0.1 $PORT </dev/null 2>/dev/null || true)
    [[ -n $REPLY ]] && break
    sleep 0.1
done
assert_eq "joined" "$REPLY" "web's published port reaches the container sharing its network"
assert_eq "$(readlink /proc/$(berth inspect -f '{{.State.Pid}}' web)/ns/net)" \
    "$(readlink /proc/$(berth inspect -f '{{.State.Pid}}' side)/ns/net)" "one network namespace"
assert_eq "$(berth inspect -f '{{.Config.Hostname}}' web)" \
    "$(berth run --rm --network container:web busybox hostname)" "it takes the other's hostname"
assert_eq "" "$(berth port side)" "it publishes nothing of its own"
run berth run --rm --network container:web -p 8080:80 busybox true
assert_eq 125 "$RC" "-p with a container network exits 125"
assert_contains "$ERR" "conflicting options: port publishing and the container type network mode" \
    "-p with a container network: docker's message"
run berth run --rm --network container:web -h other busybox true
assert_contains "$ERR" "conflicting options: hostname and the network mode" \
    "-h with a container network: docker's message"
berth create --name idle busybox true >/dev/null
run berth run --rm --network container:idle busybox true
assert_eq 125 "$RC" "joining a container that does not run exits 125"
assert_contains "$ERR" "cannot join network of a non running container: $(id_of idle)" \
    "joining a container that does not run: docker's message"
run berth run --rm --network container:nosuch busybox true
assert_contains "$ERR" "No such container: nosuch" "joining a missing container"
berth rm -f web side idle >/dev/null

# --- -p and IPv6 ----------------------------------------------------------------------
P1=$((PORT + 1)) P2=$((PORT + 2)) P3=$((PORT + 3))
SERVE='nc -ll -p 8080 -e echo pong'
berth run -d --name p6 -p $P1:8080 busybox $SERVE >/dev/null
berth run -d --name p6lo -p "[::1]:$P2:8080" busybox $SERVE >/dev/null
berth run -d --name p4 -p 127.0.0.1:$P3:8080 busybox $SERVE >/dev/null
if grep -q . /proc/net/if_inet6 2>/dev/null; then
    assert_eq "8080/tcp -> 0.0.0.0:$P1
8080/tcp -> [::]:$P1" "$(berth port p6)" "-p without an address: IPv4 and IPv6, as docker lists them"
    assert_eq "[::]:$P1" "$(berth port p6 8080 | tail -1)" "port CONTAINER PORT: the IPv6 line"
    assert_contains "$(berth inspect -f '{{json .NetworkSettings.Ports}}' p6)" \
        "{\"HostIp\":\"::\",\"HostPort\":\"$P1\"}" "inspect: the :: binding"
else
    assert_eq "8080/tcp -> 0.0.0.0:$P1" "$(berth port p6)" "-p without an address on an IPv4-only host"
fi
assert_eq "8080/tcp -> [::1]:$P2" "$(berth port p6lo)" "-p [::1]:...: one IPv6 line"
assert_eq "8080/tcp -> 127.0.0.1:$P3" "$(berth port p4)" "-p 127.0.0.1:...: IPv4 only"
# pasta is ready before run returns, the server a moment later.
connect() { # host port
    local reply=""
    for _ in $(seq 1 50); do
        reply=$(busybox nc "$1" "$2" </dev/null 2>/dev/null || true)
        [[ -n $reply ]] && break
        sleep 0.1
    done
    echo "$reply"
}
assert_eq "pong" "$(connect 127.0.0.1 $P1)" "TCP round trip through 127.0.0.1 to -p PORT:8080"
assert_eq "pong" "$(connect 127.0.0.1 $P3)" "TCP round trip through 127.0.0.1 to -p 127.0.0.1:..."
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
    assert_eq "pong" "$(connect ::1 $P1)" "TCP round trip through ::1 to -p PORT:8080"
    assert_eq "pong" "$(connect ::1 $P2)" "TCP round trip through ::1 to -p [::1]:..."
    assert_eq "" "$(busybox nc 127.0.0.1 $P2 </dev/null 2>/dev/null || true)" \
        "-p [::1]:... is not bound on 127.0.0.1"
else
    echo "# lo has no ::1: IPv6 round trips skipped"
fi
run berth run --rm -p "[nope]:1:2" busybox true
assert_contains "$ERR" "invalid IP address: nope" "-p with a bad address: docker's message"
berth rm -f p6 p6lo p4 >/dev/null

# --- volumes filled from the image ----------------------------------------------------
run berth run --rm -v v1:/data seeded cat /data/seed.txt
assert_eq "seed-content" "$OUT" "a new named volume shows the image's content"
assert_eq "seed-content" "$(cat "$ROOT/volumes/v1/_data/seed.txt")" "the content is in the volume"
assert_eq "deep" "$(cat "$ROOT/volumes/v1/_data/sub/deep.txt")" "subdirectories are copied"
assert_eq "1234:2345 640" "$(stat -c '%u:%g %a' "$ROOT/volumes/v1/_data/seed.txt")" \
    "owners and modes are copied"
assert_eq "1234:2345 750" "$(stat -c '%u:%g %a' "$ROOT/volumes/v1/_data")" \
    "the volume's root takes the directory's owner and mode"
echo changed > "$ROOT/volumes/v1/_data/seed.txt"
rm -r "$ROOT/volumes/v1/_data/sub"
run berth run --rm -v v1:/data seeded sh -c 'cat /data/seed.txt; ls /data'
assert_eq "changed
gone.txt
seed.txt" "$OUT" "a volume that holds anything is not filled again"
assert_eq "" "$(berth run --rm -v v2:/data:nocopy seeded ls -A /data)" "-v ...:nocopy leaves it empty"
assert_eq "" "$(berth run --rm --mount type=volume,source=v3,target=/data,volume-nocopy seeded ls -A /data)" \
    "--mount ...,volume-nocopy leaves it empty"
assert_eq "seed-content" "$(berth run --rm -v /data seeded cat /data/seed.txt)" \
    "an anonymous volume is filled too"
# A layer above that deletes a file: the volume gets the merged view.
berth run --name trim seeded sh -c 'rm /data/gone.txt; echo top > /data/top.txt' >/dev/null
berth commit trim trimmed >/dev/null
berth rm trim >/dev/null
assert_eq "seed.txt
sub
top.txt" "$(berth run --rm -v v4:/data trimmed ls /data)" "whiteouts of upper layers are carried out"
assert_eq "" "$(berth run --rm -v v5:/nothing-here seeded ls -A /nothing-here)" \
    "a path the image lacks leaves the volume empty"

finish
