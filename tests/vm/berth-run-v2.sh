#!/bin/sh
# A whole `berth run` on a pure cgroup v2 machine: runs inside the VM of
# tests/vm/run-in-vm.sh (busybox sh, cgroup2 at /sys/fs/cgroup owning every
# controller), started by the ctest entry vm_berth_run_v2. tst_runtime_cgroup
# covers the v2 driver's files one by one; this covers what a user sees: the
# limits from inside the container, enforcement (an OOM kill recorded in the
# state), update, pause through cgroup.freeze, and no cgroup left behind.
#
# Needs BERTH_BIN (the directory with berth and berth-shim) in the environment
# and the overlay module loaded. Exits with the number of failed checks.
set -u
B="${BERTH_BIN:?BERTH_BIN is not set}/berth"
fails=0
checks=0
check() { # expected actual message
    checks=$((checks + 1))
    if [ "$1" = "$2" ]; then
        echo "ok - $3"
    else
        echo "not ok - $3: expected '$1', got '$2'"
        fails=$((fails + 1))
    fi
}

# The VM's root is the initramfs; the store goes on a tmpfs, as on a desktop's /var.
work=/var/lib/berth-vm
mkdir -p "$work"
mount -t tmpfs tmpfs "$work" || exit 1
ROOT="$work/root"
berth() { "$B" --root "$ROOT" "$@"; }

check "cgroup2" "$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)" \
    "the VM runs pure cgroup v2"
R="$work/rootfs"
mkdir -p "$R/bin" "$R/etc"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"
tar -C "$R" -cf "$work/bb.tar" .
berth import "$work/bb.tar" bb >/dev/null

inside() { berth run --rm --network none "$@"; }
check "67108864" "$(inside -m 64m bb cat /sys/fs/cgroup/memory.max)" "-m 64m is memory.max inside"
check "67108864" "$(inside -m 64m --memory-swap 128m bb cat /sys/fs/cgroup/memory.swap.max)" \
    "--memory-swap 128m leaves 64m of swap in memory.swap.max"
check "50000 100000" "$(inside --cpus 0.5 bb cat /sys/fs/cgroup/cpu.max)" "--cpus 0.5 is cpu.max"
check "20000 50000" "$(inside --cpu-quota 20000 --cpu-period 50000 bb cat /sys/fs/cgroup/cpu.max)" \
    "--cpu-quota/--cpu-period are cpu.max"
check "20" "$(inside --cpu-shares 512 bb cat /sys/fs/cgroup/cpu.weight)" \
    "--cpu-shares 512 is cpu.weight 20"
check "0" "$(inside --cpuset-cpus 0 bb cat /sys/fs/cgroup/cpuset.cpus)" "--cpuset-cpus 0"
check "20" "$(inside --pids-limit 20 bb cat /sys/fs/cgroup/pids.max)" "--pids-limit 20 is pids.max"
check "3" "$(inside bb sh -c 'exit 3'; echo $?)" "the container's exit code"
# Chosen at the first start: the kernel's overlayfs works in this VM.
check "overlay" "$(cat "$ROOT/storage-driver")" "containers run on overlayfs"

# Enforcement: a process past its limit is killed by the kernel and the state says so.
berth run -d --name hog --network none -m 16m --memory-swap 16m bb \
    sh -c 'tail /dev/zero' >/dev/null
check "137" "$(berth wait hog)" "a container over -m 16m is OOM-killed (137)"
check "true" "$(berth inspect -f '{{.State.OOMKilled}}' hog)" "State.OOMKilled is true"
berth rm hog >/dev/null

# update on a running container, pause through the v2 freezer.
ID=$(berth run -d --name up --network none -m 64m bb sleep 300)
berth update -m 48m --pids-limit 30 up >/dev/null
check "50331648" "$(berth exec up cat /sys/fs/cgroup/memory.max)" "update -m 48m reaches memory.max"
check "30" "$(berth exec up cat /sys/fs/cgroup/pids.max)" "update --pids-limit 30 reaches pids.max"
berth pause up >/dev/null
check "1" "$(cat "/sys/fs/cgroup/berth/$ID/cgroup.freeze")" "pause sets cgroup.freeze"
check "true" "$(berth inspect -f '{{.State.Paused}}' up)" "State.Paused is true"
berth unpause up >/dev/null
check "0" "$(cat "/sys/fs/cgroup/berth/$ID/cgroup.freeze")" "unpause clears cgroup.freeze"
berth rm -f up >/dev/null

check "" "$(find /sys/fs/cgroup/berth -mindepth 1 -type d 2>/dev/null)" \
    "no container cgroup is left after rm"
check "" "$(grep " $work/root" /proc/self/mountinfo)" "no mount is left in the store"

echo "# $checks checks, $fails failed"
exit "$fails"
