# Container networking as docker users expect it: the default network reaches
# out through pasta, -p and -P publish ports on the host (checked from the
# host's 127.0.0.1), `berth port` shows the mapping, a port in use is refused
# with docker's message, --network none has no route out, and no pasta is left
# after the container is removed. Traffic goes only to loopback and to the
# namespaces the test made.
source "$(dirname "$0")/lib.sh"
need busybox
need pasta
need_root

# A busybox image with every applet and a page to serve.
R=$T/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/www"
cp /bin/busybox "$R/bin/busybox"
for a in $(busybox --list | grep -vx busybox); do ln -sf busybox "$R/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" > "$R/etc/passwd"
echo "root:x:0:" > "$R/etc/group"
echo "hello from berth $$" > "$R/www/index.html"
tar -C "$R" -cf "$T/bb.tar" .
berth import "$T/bb.tar" net/bb >/dev/null
berth import -c 'EXPOSE 80' "$T/bb.tar" net/web >/dev/null

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# The page at a host URL, retried while the container's server starts.
fetch() { # url
    local i
    for i in $(seq 1 50); do
        if busybox wget -qO- "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}
# The pids of the pasta processes supervised by a container's shim.
pasta_of() { # container
    local init shim
    init=$(berth inspect -f '{{.State.Pid}}' "$1")
    shim=$(awk '{print $4}' "/proc/$init/stat")
    for p in $(pgrep -P "$shim"); do
        [[ $p != "$init" ]] && echo "$p"
    done
}

# -p 127.0.0.1:PORT:80: the container's httpd answers on the host's loopback.
PORT=$(free_port)
run berth run -d --name web -p "127.0.0.1:$PORT:80" net/bb httpd -f -p 80 -h /www
assert_eq 0 "$RC" "run -d -p starts the container"
run fetch "http://127.0.0.1:$PORT/"
assert_eq "hello from berth $$" "$OUT" "the published port serves the container's page"
run berth port web
assert_eq "80/tcp -> 127.0.0.1:$PORT" "$OUT" "berth port lists the mapping"
run berth port web 80/tcp
assert_eq "127.0.0.1:$PORT" "$OUT" "berth port PRIVATE_PORT/PROTO prints the host address"
run berth port web 81
assert_eq 1 "$RC" "berth port of an unpublished port fails"
assert_eq "Error: No public port '81/tcp' published for web" "$ERR" "with docker's message"
PASTA=$(pasta_of web)
[[ -n $PASTA ]] && ok "the shim runs pasta" || not_ok "the shim runs pasta"

# The same host port again: docker's message, exit 125, nothing runs.
run berth run -d --name clash -p "127.0.0.1:$PORT:80" net/bb httpd -f -p 80 -h /www
assert_eq 125 "$RC" "a port in use fails with 125"
assert_contains "$ERR" "Bind for 127.0.0.1:$PORT failed: port is already allocated" \
    "with docker's message"
run berth inspect -f '{{.State.Running}}' clash
assert_not_contains "$OUT" "true" "the clashing container does not run"
berth rm -f clash >/dev/null 2>&1 || true

# -P: the image's EXPOSE 80 gets a free host port, shown by `berth port`.
run berth run -d --name all -P net/web httpd -f -p 80 -h /www
assert_eq 0 "$RC" "run -d -P starts the container"
run berth port all 80
# docker's second line, "[::]:PORT", where the host has IPv6.
assert_match "$OUT" '^0\.0\.0\.0:([0-9]+)(
\[::\]:[0-9]+)?$' "-P published port 80 on a host port"
ALL_PORT=${BASH_REMATCH[1]}
run fetch "http://127.0.0.1:$ALL_PORT/"
assert_eq "hello from berth $$" "$OUT" "the -P port serves the page"

# Out: the default network reaches the host's loopback through the gateway.
# (nc is bounded: this pasta version may repeat a reply after the server closed.)
mkdir -p "$T/hostwww"
echo "host page $$" > "$T/hostwww/index.html"
HOST_PORT=$(free_port)
busybox httpd -f -p "127.0.0.1:$HOST_PORT" -h "$T/hostwww" &
HTTPD=$!
run berth run --rm net/bb sh -c \
    "gw=\$(ip route | awk '/^default/ {print \$3}'); timeout 5 nc \$gw $HOST_PORT <<EOF
GET /index.html HTTP/1.0

EOF"
kill "$HTTPD"
wait "$HTTPD" 2>/dev/null || true
assert_contains "$OUT" "host page $$" "the container reaches the host's loopback via the gateway"

# --network none: only lo, no route anywhere.
run berth run --rm --network none net/bb sh -c 'ip -o link | cut -d: -f2; cat /proc/net/route | wc -l'
assert_eq "$(printf ' lo\n1')" "$OUT" "--network none has lo and no route"

# rm -f: the containers and their pasta are gone, the port is free again.
berth rm -f web all >/dev/null
LEFT=
for p in $PASTA; do
    if [[ -d /proc/$p ]] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
        LEFT+=" $p"
    fi
done
assert_eq "" "$LEFT" "no pasta is left after rm -f"
run python3 -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $PORT)); s.listen()"
assert_eq 0 "$RC" "the published port is free after rm -f"

finish
