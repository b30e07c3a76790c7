#!/usr/bin/env bash
# Runs one program inside a throw-away qemu VM booted on pure cgroup v2 and
# exits with that program's exit status.
#
# Why a VM: Berth has a cgroup v1 and a cgroup v2 driver, and both must be
# tested for real. Hosts such as the development machine are hybrid (v1
# controllers, a controller-less cgroup2 at /sys/fs/cgroup/unified), and a
# host's cgroup mounts may never be reconfigured by a test. So the program is
# run under Debian 12's stock kernel booted with `cgroup_no_v1=all`, where the
# cgroup2 at /sys/fs/cgroup owns every controller. No KVM is needed (TCG).
#
#   tests/vm/run-in-vm.sh [OPTIONS] [--] PROGRAM [ARGS...]
#
# PROGRAM is a host path; it runs in the VM at the same absolute path, as root,
# in /tmp, with stdout and stderr on the serial console, which this script
# prints. Inside the VM: busybox applets in /bin, /sbin, /usr/bin and /usr/sbin;
# proc, sysfs, devtmpfs, devpts, /dev/shm; cgroup2 at /sys/fs/cgroup with
# cpuset, cpu, io, memory and pids enabled in the root's cgroup.subtree_control
# as systemd does; `lo` up. The root is the initramfs (in RAM, so /tmp and /run
# are plain directories and files added there stay visible), bind-mounted onto
# itself so that containers started in the VM can pivot_root.
#
# Options:
#   --add HOSTPATH[:VMPATH]  copy a file or directory into the VM (default: at
#                            the same path); repeatable. ELF files get the shared
#                            libraries ldd lists. Qt plugins and data a program
#                            opens at run time must be added this way.
#   --module NAME            load kernel module NAME (and what it depends on)
#                            from the cached kernel package before PROGRAM runs
#                            (e.g. overlay); repeatable.
#   --env NAME=VALUE         set an environment variable for PROGRAM; repeatable.
#   --timeout SECONDS        give up after this long (default 300).
#   --cache DIR              where initramfs images are kept for reuse (default
#                            ${XDG_CACHE_HOME:-~/.cache}/berth-vm).
#   --kernel VMLINUZ         the kernel (default: $BERTH_VM_KERNEL, else
#                            /var/cache/berth/vm-kernel/current/vmlinuz, which
#                            installer/install-deps.sh unpacks from Debian's
#                            linux-image-amd64 without installing it).
#
# A whole `berth run` in the VM: see the ctest entry vm_berth_run_v2, which adds
# berth, berth-shim and Qt's sqldrivers plugins and loads overlay for
# tests/vm/berth-run-v2.sh.
#
# Exit status: PROGRAM's; 77 when qemu or the kernel is missing (the caller
# skips); 1 when the VM fails to report a status (timeout, panic, bad image).
set -euo pipefail

readonly self="$0"
die() {
    echo "run-in-vm: $*" >&2
    exit 1
}
skip() {
    echo "run-in-vm: skipped: $*" >&2
    exit 77
}

adds=()
modules=()
envs=()
timeout=300
cache="${XDG_CACHE_HOME:-$HOME/.cache}/berth-vm"
kernel="${BERTH_VM_KERNEL:-/var/cache/berth/vm-kernel/current/vmlinuz}"
while (($# > 0)); do
    case "$1" in
    --add) adds+=("$2"); shift 2 ;;
    --module) modules+=("$2"); shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    --kernel) kernel="$2"; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option \`$1' (see the header of $self)" ;;
    *) break ;;
    esac
done
(($# > 0)) || die "no program given (see the header of $self)"
program="$(realpath -e "$1" 2>/dev/null)" || die "program \`$1' does not exist"
shift

command -v qemu-system-x86_64 >/dev/null ||
    skip "qemu-system-x86_64 is not installed (installer/install-deps.sh installs it)"
[[ -r $kernel ]] ||
    skip "no kernel at \`$kernel' (installer/install-deps.sh caches one)"
[[ -x /bin/busybox ]] || die "/bin/busybox is missing (install busybox-static)"
module_dir="$(dirname "$(realpath "$kernel")")/modules"

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-vm.XXXXXX")"
qemu_pid=""
cleanup() {
    [[ -z $qemu_pid ]] || kill "$qemu_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap "exit 143" TERM INT

# --- What goes into the image: "VMPATH<TAB>HOSTPATH" lines in $work/manifest.

is_elf() {
    [[ -f $1 && $(head -c 4 "$1" | tr -d '\0') == $'\x7fELF' ]]
}

: >"$work/manifest"
# HOSTPATH VMPATH: the file or tree, plus the libraries of the ELF files in it.
add_path() {
    printf '%s\t%s\n' "$2" "$1" >>"$work/manifest"
    local f
    if [[ -d $1 ]]; then
        while IFS= read -r -d '' f; do
            add_libraries "$f"
        done < <(find "$1" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
    else
        add_libraries "$1"
    fi
}

# The shared libraries (and the dynamic loader) an ELF file needs, at their
# host paths.
add_libraries() {
    is_elf "$1" || return 0
    local out
    out="$(ldd "$1" 2>&1)" || return 0 # static, or not something ldd can load
    if grep -q 'not found' <<<"$out"; then
        die "ldd \`$1': $(grep 'not found' <<<"$out" | head -n 1 | sed 's/^\s*//')"
    fi
    grep -o '/[^ ]*' <<<"$out" | sed 's/.*/&\t&/' >>"$work/manifest"
}

add_path "$program" "$program"
for a in "${adds[@]}"; do
    host="${a%%:*}"
    vm="${a#*:}"
    [[ $a == *:* ]] || vm="$host"
    host="$(realpath -e "$host" 2>/dev/null)" || die "--add \`$a': \`${a%%:*}' does not exist"
    [[ $vm == /* ]] || vm="$(realpath -m "$vm")"
    case "$vm/" in
    /proc/* | /sys/* | /dev/*) die "--add \`$a': $vm would be hidden by a kernel file system" ;;
    esac
    add_path "$host" "$vm"
done
# glibc's C.UTF-8 locale, so that programs (Qt among them) see UTF-8.
[[ ! -d /usr/lib/locale/C.utf8 ]] ||
    printf '%s\t%s\n' /usr/lib/locale/C.utf8 /usr/lib/locale/C.utf8 >>"$work/manifest"
sort -u -o "$work/manifest" "$work/manifest"

# Modules in load order (dependencies first): "NAME<TAB>PATH" in $work/modules.
: >"$work/modules"
add_module() {
    local name="$1" file dep
    grep -q "^$name	" "$work/modules" && return 0
    file="$(find "$module_dir" -name "$name.ko" -print -quit 2>/dev/null)"
    [[ -n $file ]] || file="$(find "$module_dir" -name "${name//_/-}.ko" -print -quit 2>/dev/null)"
    [[ -n $file ]] || die "--module $name: no $name.ko under \`$module_dir'"
    for dep in $(tr '\0' '\n' <"$file" | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$dep"
    done
    printf '%s\t%s\n' "$name" "$file" >>"$work/modules"
}
for m in "${modules[@]}"; do
    add_module "$m"
done

# --- The image is reused while this script, the kernel's modules and every
# staged file (path, size, mtime) are unchanged.

key="$({
    sha256sum "$self"
    cat "$work/manifest" "$work/modules"
    { cut -f2 "$work/manifest" "$work/modules"; echo /bin/busybox; } |
        xargs -d '\n' stat -L -c '%n %s %Y %a'
    cut -f2 "$work/manifest" | while IFS= read -r p; do
        [[ ! -d $p ]] || find "$p" -printf '%P %s %T@ %m %l\n' | sort
    done
} | sha256sum | cut -c1-16)"
mkdir -p "$cache"
image="$cache/initramfs-$key.cpio"

# Stage 1 (/init) puts the busybox applets in place and makes the root a bind
# mount of the initramfs: containers need a root that is a mount with a parent
# to pivot_root away from, which the initramfs itself is not.
write_init() {
    cat >"$1/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
mkdir -p /newroot
mount --bind / /newroot
cd /newroot
mount --move . /
exec chroot . /vm/init
EOF
    cat >"$1/vm/init" <<'EOF'
#!/bin/sh
# Stage 2: the system the program sees, then the program, then power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TMPDIR=/tmp
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /sys/fs/cgroup /tmp /run
chmod 1777 /tmp
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in cpuset cpu io memory pids; do
    echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control
done
hostname berth-vm
ip link set lo up
. /vm/run.sh
status=125
ok=1
# The promise this VM exists for: one cgroup2 holding every controller.
echo "run-in-vm: cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
for c in cpu memory pids; do
    grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || { echo "run-in-vm: no $c controller"; ok=0; }
done
while IFS='	' read -r name file; do
    [ -n "$name" ] || continue
    insmod "/vm/modules/$name.ko" || { echo "run-in-vm: insmod $name failed"; ok=0; }
done </vm/modules.list
if [ "$ok" = 1 ]; then
    echo "run-in-vm: kernel up after $(cut -d' ' -f1 /proc/uptime) s, running $*"
    cd /tmp
    "$@"
    status=$?
fi
echo "$BERTH_VM_MARKER $status"
sync
poweroff -f
EOF
    chmod 755 "$1/init" "$1/vm/init"
}

build_image() {
    local stage="$work/stage" vmpath host name file
    mkdir -p "$stage/vm/modules" "$stage/etc" "$stage/root" "$stage/bin" "$stage/sbin" \
        "$stage/usr/bin" "$stage/usr/sbin" "$stage/dev" "$stage/proc" "$stage/sys"
    # Files kept at their host path go through one tar; the rest one by one.
    awk -F'\t' '$1 == $2' "$work/manifest" | cut -f2 | while IFS= read -r host; do
        [[ -d $host ]] || echo "${host#/}"
    done | tar -C / -chf - --files-from=- | tar -C "$stage" -xf -
    while IFS=$'\t' read -r vmpath host; do
        if [[ -d $host ]]; then
            mkdir -p "$stage$vmpath"
            cp -a "$host/." "$stage$vmpath/"
        elif [[ $vmpath != "$host" ]]; then
            mkdir -p "$stage${vmpath%/*}"
            cp -L --preserve=mode,timestamps "$host" "$stage$vmpath"
        fi
    done <"$work/manifest"
    while IFS=$'\t' read -r name file; do
        cp "$file" "$stage/vm/modules/$name.ko"
    done <"$work/modules"
    cp "$work/modules" "$stage/vm/modules.list"
    [[ -e $stage/bin/busybox ]] || cp /bin/busybox "$stage/bin/busybox"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
    echo 'root:x:0:' >"$stage/etc/group"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$stage/etc/hosts"
    write_init "$stage"
    (cd "$stage" && find . -mindepth 1 | sed 's|^\./||' |
        /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$image.tmp.$$"
    mv "$image.tmp.$$" "$image"
    rm -rf "$stage"
}

if [[ -f $image ]]; then
    touch "$image"
else
    build_image
    find "$cache" -name 'initramfs-*.cpio' -mmin +1440 -delete
fi

# Booting the uncompressed kernel through its PVH entry point (an ELF note)
# saves the ~10 s TCG needs to run the bzImage's own xz decompressor. Kernels
# that are not xz-compressed or lack the note boot as they are.
boot_kernel="$kernel"
vmlinux="$cache/vmlinux-$(stat -L -c '%n %s %Y' "$kernel" | sha256sum | cut -c1-16)"
if [[ ! -f $vmlinux ]]; then
    offset="$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$kernel" | head -n 1 | cut -d: -f1)"
    if [[ -n $offset ]]; then
        tail -c +$((offset + 1)) "$kernel" | xz -dc >"$vmlinux.tmp.$$" 2>/dev/null || true
        if readelf -n "$vmlinux.tmp.$$" 2>/dev/null | grep -q 'Unknown note type: (0x00000012)'; then
            mv "$vmlinux.tmp.$$" "$vmlinux"
        fi
        rm -f "$vmlinux.tmp.$$"
    fi
fi
[[ ! -f $vmlinux ]] || boot_kernel="$vmlinux"

# --- Per run: the command line, environment and a marker the program cannot
# guess, in a second cpio archive the kernel unpacks over the first.

quote() {
    printf "'%s'" "${1//\'/\'\\\'\'}"
}
marker="BERTH-VM-STATUS-$(cat /proc/sys/kernel/random/uuid)"
mkdir -p "$work/run/vm"
{
    echo "BERTH_VM_MARKER=$marker"
    for e in "${envs[@]}"; do
        echo "export $(quote "$e")"
    done
    printf 'set --'
    for a in "$program" "$@"; do
        printf ' %s' "$(quote "$a")"
    done
    echo
} >"$work/run/vm/run.sh"
(cd "$work/run" && printf 'vm\nvm/run.sh\n' | /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) \
    >"$work/run.cpio"
cat "$image" "$work/run.cpio" >"$work/initrd"

# -nodefaults: no VGA, NIC or option ROMs to load; the serial port is the only
# console. stdin is /dev/null so that qemu never puts a terminal into raw mode.
started=$SECONDS
timeout --kill-after=5 "$timeout" \
    qemu-system-x86_64 -nodefaults -no-user-config -machine q35 -accel tcg -cpu max \
    -m 1024 -smp 2 -display none -serial stdio -no-reboot \
    -kernel "$boot_kernel" -initrd "$work/initrd" \
    -append "console=ttyS0 cgroup_no_v1=all quiet panic=-1" \
    </dev/null >"$work/console" 2>&1 &
qemu_pid=$!
tail -s 0.2 -n +1 -f --pid="$qemu_pid" "$work/console" | sed -u 's/\r$//' &
printer=$!
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
qemu_pid=""
wait "$printer" || true

elapsed=$((SECONDS - started))
if ((qemu_status == 124 || qemu_status == 137)); then
    die "timed out after ${timeout} s: the VM was killed before $(basename "$program") finished"
fi
status="$(tr -d '\r' <"$work/console" | sed -n "s/^$marker \([0-9]*\)$/\1/p" | tail -n 1)"
if [[ -z $status ]]; then
    die "the VM stopped after ${elapsed} s without reporting $(basename "$program")'s exit status (see the console output above)"
fi
echo "run-in-vm: $(basename "$program") exited with status $status; the VM ran ${elapsed} s"
exit "$status"
