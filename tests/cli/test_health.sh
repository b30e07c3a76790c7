# Health checks (run --health-*, an image's HEALTHCHECK, --no-healthcheck):
# docker's Config.Healthcheck and State.Health in inspect, the ps status suffix
# and health filter, probe timeouts, stop and start; and `update --restart`
# reaching the shim of a running container.
source "$(dirname "$0")/lib.sh"
need busybox
need python3
need_root

make_busybox_rootfs "$T/rootfs"
for a in sleep test touch; do ln -sf busybox "$T/rootfs/bin/$a"; done
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
berth import "$T/rootfs.tar" busybox >/dev/null
trap 'rc=$?; berth rm -f hc slow none inherit rs rmc >/dev/null 2>&1; cleanup_lib $rc' EXIT

# Polls until the command succeeds, at most $1 seconds.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}
health_is() { [[ $(berth inspect -f '{{.State.Health.Status}}' "$1") == "$2" ]]; }
ps_status() { berth ps -a --filter "name=^$1\$" --format '{{.Status}}'; }

# The flags' checks, in docker's words.
run berth run --no-healthcheck --health-cmd true busybox true
assert_eq 125 "$RC" "--no-healthcheck with --health-cmd is a usage error"
assert_contains "$ERR" "--no-healthcheck conflicts with --health-* options" "docker's message for the conflict"
run berth create --health-interval 1x busybox true
assert_contains "$ERR" 'invalid argument "1x" for "--health-interval" flag: time: unknown unit "x" in duration "1x"' "a bad duration names the flag and Go's reason"
run berth create --health-cmd true --health-interval 500us busybox true
assert_eq 125 "$RC" "an interval under 1ms is refused"
assert_contains "$ERR" "Interval in Healthcheck cannot be less than 1ms" "docker's message for a too short interval"
run berth create --health-retries -1 busybox true
assert_contains "$ERR" "--health-retries cannot be negative" "negative retries are refused"

# A failing check: starting, then unhealthy after the retries, with its output.
berth run -d --name hc --health-cmd 'echo probing; test -f /tmp/ok' --health-interval 1s \
    --health-retries 2 busybox sleep 1000 >/dev/null
assert_eq '{"Interval":1000000000,"Retries":2,"Test":["CMD-SHELL","echo probing; test -f /tmp/ok"]}' \
    "$(berth inspect -f '{{json .Config.Healthcheck}}' hc)" "Config.Healthcheck is docker's, in nanoseconds"
assert_eq "starting 0" "$(berth inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' hc)" \
    "the health is starting before the first probe"
assert_match "$(ps_status hc)" '^Up .* \(health: starting\)$' "ps shows (health: starting)"
assert_eq hc "$(berth ps --filter health=starting --format '{{.Names}}')" "ps --filter health=starting"
if wait_for 10 health_is hc unhealthy; then ok "the failing check makes it unhealthy"; else not_ok "the failing check makes it unhealthy"; fi
run berth inspect -f '{{.State.Health.FailingStreak}} {{len .State.Health.Log}}' hc
assert_match "$OUT" '^[2-5] [2-5]$' "FailingStreak reaches the retries, each probe in the log"
assert_eq "1 probing" "$(berth inspect -f '{{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}' hc)" \
    "the log has the probe's exit code and output"
assert_match "$(berth inspect -f '{{(index .State.Health.Log 0).Start}} {{(index .State.Health.Log 0).End}}' hc)" \
    '^[0-9-]+T[0-9:.]+Z [0-9-]+T[0-9:.]+Z$' "each result has its start and end time"
assert_match "$(ps_status hc)" '^Up .* \(unhealthy\)$' "ps shows (unhealthy)"
assert_eq hc "$(berth ps --filter health=unhealthy --format '{{.Names}}')" "ps --filter health=unhealthy lists it"
assert_eq "" "$(berth ps --filter health=healthy --format '{{.Names}}')" "ps --filter health=healthy does not"
run berth ps --filter health=sick
assert_contains "$ERR" "Unrecognised filter value for health: sick" "an unknown health value is refused"

# The check passes: healthy, the streak reset.
berth exec hc touch /tmp/ok
if wait_for 10 health_is hc healthy; then ok "a passing check makes it healthy"; else not_ok "a passing check makes it healthy"; fi
assert_eq 0 "$(berth inspect -f '{{.State.Health.FailingStreak}}' hc)" "a success resets the failing streak"
LAST=$(berth inspect -f '{{len .State.Health.Log}}' hc)
assert_eq 0 "$(berth inspect -f "{{(index .State.Health.Log $((LAST - 1))).ExitCode}}" hc)" "the last result's exit code is 0"
assert_match "$(ps_status hc)" '^Up .* \(healthy\)$' "ps shows (healthy)"
assert_eq hc "$(berth ps --filter health=healthy --format '{{.Names}}')" "ps --filter health=healthy lists it"

# Stopped, the checks stop (docker reports unhealthy); started, they start over.
berth stop -t 1 hc >/dev/null
assert_eq unhealthy "$(berth inspect -f '{{.State.Health.Status}}' hc)" "a stopped container's health is unhealthy"
assert_match "$(ps_status hc)" '^Exited ' "ps shows no health for a stopped container"
N=$(berth inspect -f '{{len .State.Health.Log}}' hc)
sleep 1.5
assert_eq "$N" "$(berth inspect -f '{{len .State.Health.Log}}' hc)" "no probe runs while it is stopped"
berth start hc >/dev/null
assert_eq "starting 0" "$(berth inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' hc)" \
    "started again, the health starts over"
# /tmp/ok is in the container's writable layer, kept across the restart.
if wait_for 10 health_is hc healthy; then ok "the new run's probes run"; else not_ok "the new run's probes run"; fi

# A probe that outlives its timeout is killed and fails with docker's message.
berth run -d --name slow --health-cmd 'sleep 5' --health-interval 200ms --health-timeout 300ms \
    --health-retries 1 busybox sleep 1000 >/dev/null
if wait_for 10 health_is slow unhealthy; then ok "a probe past its timeout makes it unhealthy"; else not_ok "a probe past its timeout makes it unhealthy"; fi
assert_eq "-1 Health check exceeded timeout (300ms)" \
    "$(berth inspect -f '{{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}' slow)" \
    "the timeout's exit code -1 and message"
# Its probe is killed with the container when that stops: no failure of the check.
berth stop -t 0 slow >/dev/null
assert_not_contains "$(berth inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' slow)" 137 \
    "a probe killed by the container's stop is not recorded"

# An image's HEALTHCHECK is inherited, the flags override it field by field,
# --no-healthcheck turns it off.
berth save -o "$T/bb.tar" busybox
mkdir "$T/bb" && tar -C "$T/bb" -xf "$T/bb.tar"
python3 - "$T/bb" <<'EOF'
import hashlib, json, os, sys
root = sys.argv[1]
manifest = json.load(open(os.path.join(root, "manifest.json")))
old = manifest[0]["Config"]
config = json.load(open(os.path.join(root, old)))
config["config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "exit 0"], "Interval": 60000000000,
                                   "Timeout": 2000000000, "Retries": 4}
data = json.dumps(config).encode()
digest = hashlib.sha256(data).hexdigest()
name = "blobs/sha256/" + digest if old.startswith("blobs/") else digest + ".json"
os.makedirs(os.path.dirname(os.path.join(root, name)) or root, exist_ok=True)
open(os.path.join(root, name), "wb").write(data)
os.remove(os.path.join(root, old))
manifest[0]["Config"] = name
manifest[0]["RepoTags"] = ["checked:latest"]
json.dump(manifest, open(os.path.join(root, "manifest.json"), "w"))
for extra in ("index.json", "oci-layout", "repositories"):
    if os.path.exists(os.path.join(root, extra)):
        os.remove(os.path.join(root, extra))
EOF
tar -C "$T/bb" -cf "$T/checked.tar" .
berth load -i "$T/checked.tar" >/dev/null
berth run -d --name inherit --health-interval 200ms checked sleep 1000 >/dev/null
assert_eq '{"Interval":200000000,"Retries":4,"Test":["CMD-SHELL","exit 0"],"Timeout":2000000000}' \
    "$(berth inspect -f '{{json .Config.Healthcheck}}' inherit)" "the image's check with the flag's interval"
if wait_for 10 health_is inherit healthy; then ok "the image's check runs"; else not_ok "the image's check runs"; fi
# commit keeps the container's check in the new image, as docker's does.
berth commit inherit checked:committed >/dev/null
assert_eq '{"Interval":200000000,"Retries":4,"Test":["CMD-SHELL","exit 0"],"Timeout":2000000000}' \
    "$(berth inspect -f '{{json .Config.Healthcheck}}' checked:committed)" "commit keeps the health check"
berth run -d --name none --no-healthcheck checked sleep 1000 >/dev/null
assert_eq '["NONE"]' "$(berth inspect -f '{{json .Config.Healthcheck.Test}}' none)" "--no-healthcheck stores Test NONE"
assert_eq "no health" "$(berth inspect -f '{{if .State.Health}}health{{else}}no health{{end}}' none)" \
    "--no-healthcheck: no State.Health"
assert_match "$(ps_status none)" '^Up [^(]*$' "ps shows no health suffix without a check"
assert_eq none "$(berth ps --filter health=none --format '{{.Names}}')" "ps --filter health=none"

# update --restart on a running container reaches its shim: a killed process
# comes back; a stopped one does not.
berth run -d --name rs --restart no busybox sleep 1000 >/dev/null
assert_eq rs "$(berth update --restart always rs)" "update --restart prints the container"
assert_eq always "$(berth inspect -f '{{.HostConfig.RestartPolicy.Name}}' rs)" "the record has the new policy"
RS=$(berth inspect -f '{{.Id}}' rs)
assert_eq yes "$([[ -f $ROOT/restart/$RS ]] && echo yes || echo no)" "a restart record brings it back after a reboot"
PID=$(berth inspect -f '{{.State.Pid}}' rs)
kill -9 "$PID"
restarted() { [[ $(berth inspect -f '{{.RestartCount}} {{.State.Running}}' rs) == "1 true" ]]; }
if wait_for 10 restarted; then ok "the killed process is restarted by the new policy"; else not_ok "the killed process is restarted by the new policy"; fi
assert_match "$(berth inspect -f '{{.State.Pid}}' rs)" '^[1-9][0-9]*$' "it runs again"
assert_eq 0 "$(kill -0 "$(berth inspect -f '{{.State.Pid}}' rs)" 2>/dev/null; echo $?)" "its new process is alive"
berth update --restart no rs >/dev/null
assert_eq no "$([[ -f $ROOT/restart/$RS ]] && echo yes || echo no)" "updated to no, the restart record goes"
PID=$(berth inspect -f '{{.State.Pid}}' rs)
kill -9 "$PID"
exited() { [[ $(berth inspect -f '{{.State.Status}}' rs) == exited ]]; }
if wait_for 10 exited; then ok "updated back to no, a killed process stays down"; else not_ok "updated back to no, a killed process stays down"; fi
assert_eq 1 "$(berth inspect -f '{{.RestartCount}}' rs)" "no further restart"
berth update --restart always rs >/dev/null
berth start rs >/dev/null
berth stop -t 1 rs >/dev/null
sleep 0.5
assert_eq exited "$(berth inspect -f '{{.State.Status}}' rs)" "stop is not undone by restart always"

berth run -d --rm --name rmc busybox sleep 1000 >/dev/null
run berth update --restart always rmc
assert_eq 1 "$RC" "update --restart of an --rm container fails"
assert_contains "$ERR" "Restart policy cannot be updated because AutoRemove is enabled for the container" \
    "docker's message for --rm"
assert_eq no "$(berth inspect -f '{{.HostConfig.RestartPolicy.Name}}' rmc)" "its policy is unchanged"

finish
