# commit, diff, export and cp through the real berth and berth-shim, as root on
# a busybox image: a container's changes become an image that runs them, docker
# diff's lines, an export without the deleted file, copies both ways.
source "$(dirname "$0")/lib.sh"
need busybox
need_root
[[ -x $BERTH_BIN/berth-shim ]] || skip "berth-shim is not built in $BERTH_BIN"

trap cleanup_containers EXIT

R=$T/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list | grep -vx busybox); do ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
chmod 1777 "$R/tmp"
tar -C "$R" -cf "$T/bb.tar" .
berth import -c 'CMD ["sh"]' "$T/bb.tar" busybox >/dev/null

# --- commit ------------------------------------------------------------------------
run berth run --name ctr busybox sh -c 'echo hi > /hello; rm /bin/vi'
assert_eq 0 "$RC" "the container ran"
run berth commit -a 'Ann <ann@example.com>' -m 'say hi' -c 'ENV GREETING=hi' ctr committed:v1
assert_eq 0 "$RC" "commit exits 0"
assert_match "$OUT" '^sha256:[0-9a-f]{64}$' "commit prints the image id"
IMG=$OUT
run berth run --rm committed:v1 cat /hello
assert_eq "hi" "$OUT" "the committed image has the new file"
run berth run --rm committed:v1 sh -c 'test -e /bin/vi && echo present || echo gone'
assert_eq "gone" "$OUT" "the committed image lacks the deleted file"
run berth run --rm committed:v1 sh -c 'echo $GREETING'
assert_eq "hi" "$OUT" "-c ENV is in the new config"
assert_eq "Ann <ann@example.com>" "$(berth image inspect -f '{{.Author}}' committed:v1)" "author"
assert_eq "say hi" "$(berth image inspect -f '{{.Comment}}' committed:v1)" "comment"
run berth history --no-trunc --format '{{.CreatedBy}}|{{.Comment}}' committed:v1
assert_eq "sh -c echo hi > /hello; rm /bin/vi|say hi" "$(head -1 <<<"$OUT")" "history: the command and -m"
run berth images -q --no-trunc committed:v1
assert_eq "$IMG" "$OUT" "the tag names the committed image"
run berth commit ctr 'Bad:Name'
assert_eq 1 "$RC" "a bad reference fails"
assert_contains "$ERR" "invalid reference format" "bad reference: docker's message"
run berth commit nosuch
assert_eq 1 "$RC" "commit of a missing container fails"
assert_contains "$ERR" "No such container: nosuch" "missing container: docker's message"
run berth events --since 0 --until "$(date +%s)" --filter event=commit --format '{{.Action}}'
assert_contains "$OUT" "commit" "commit is an event"

# A running container is paused for the commit and runs on afterwards.
berth run -d --name live busybox sh -c 'echo up > /up; sleep 30' >/dev/null
sleep 0.5
run berth commit live
assert_eq 0 "$RC" "commit of a running container"
assert_eq "running" "$(berth inspect -f '{{.State.Status}}' live)" "it runs on after the commit"
run berth run --rm "$OUT" cat /up
assert_eq "up" "$OUT" "the running container's file is committed"
run berth commit -p=false live
assert_eq 0 "$RC" "-p=false commits without pausing"

# --- diff --------------------------------------------------------------------------
run berth diff ctr
assert_eq 0 "$RC" "diff exits 0"
assert_contains "$OUT" "A /hello" "diff: the added file"
assert_contains "$OUT" "D /bin/vi" "diff: the deleted file"
assert_contains "$OUT" "C /bin" "diff: its directory"
assert_eq "$(LC_ALL=C sort -k2,2 <<<"$OUT")" "$OUT" "diff is sorted by path"

# --- export ------------------------------------------------------------------------
run bash -c "$BERTH_BIN/berth export ctr | tar -t"
assert_eq 0 "$RC" "export | tar t"
assert_match "$OUT" '(^|[[:space:]])(\./)?hello($|[[:space:]])' "export has the new file"
assert_not_contains "$OUT" "bin/vi" "export lacks the deleted file"
assert_not_contains "$OUT" ".wh." "export has no whiteouts"
run berth export -o "$T/c.tar" ctr
assert_eq 0 "$RC" "export -o"
assert_eq "hi" "$(tar -xOf "$T/c.tar" ./hello 2>/dev/null || tar -xOf "$T/c.tar" hello)" "export -o file content"
run script -qec "$BERTH_BIN/berth export ctr" /dev/null
assert_contains "$OUT" "cowardly refusing to save to a terminal" "export refuses a terminal"

# --- cp ----------------------------------------------------------------------------
mkdir -p "$T/out"
run berth cp ctr:/hello "$T/out/"
assert_eq 0 "$RC" "cp out of a stopped container"
assert_eq "hi" "$(cat "$T/out/hello")" "cp out: content"
run berth cp ctr:/etc "$T/out/etccopy"
assert_eq "root:x:0:0:root:/root:/bin/sh" "$(cat "$T/out/etccopy/passwd")" "cp out: a directory to a new name"
run berth cp ctr:/bin/vi "$T/out/"
assert_eq 1 "$RC" "cp of a deleted file fails"
assert_contains "$ERR" "Could not find the file /bin/vi in container ctr" "cp missing: docker's message"
echo "from host" > "$T/in.txt"
run berth cp "$T/in.txt" ctr:/root/
assert_eq 0 "$RC" "cp into a stopped container"
run berth start -a ctr
run berth diff ctr
assert_contains "$OUT" "A /root/in.txt" "cp into a stopped container lands in its upper"
run berth cp "$T/in.txt" live:/tmp/in.txt
assert_eq 0 "$RC" "cp into a running container"
assert_eq "from host" "$(berth exec live cat /tmp/in.txt 2>/dev/null || berth cp live:/tmp/in.txt - 2>/dev/null || true)" "the running container sees the copy"
run berth cp live:/up "$T/out/up"
assert_eq "up" "$(cat "$T/out/up")" "cp out of a running container"
berth exec live ln -s / /tmp/escape >/dev/null 2>&1 || true
run berth cp live:/tmp/escape/etc/passwd "$T/out/passwd"
if [[ $RC -eq 0 ]]; then
    assert_eq "root:x:0:0:root:/root:/bin/sh" "$(cat "$T/out/passwd")" "a symlink to / stays inside the container"
fi
run berth cp "$T/in.txt" "$T/other"
assert_eq 1 "$RC" "cp between host paths fails"
assert_contains "$ERR" "must specify at least one container source" "host to host: docker's message"

berth rm -f live ctr >/dev/null
finish
