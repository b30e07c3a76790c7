#!/usr/bin/env bash
# Installs every package Berth needs to build, run and test on Debian 12.
# Idempotent: packages already present are skipped, so `make run` and
# `make test` can call it every time at the cost of one dpkg query.
#   installer/install-deps.sh          build + run + test dependencies
#   installer/install-deps.sh --bench  also the peers the benchmark compares with
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6sql6-sqlite libsqlite3-dev libqt6svg6 qt6-qpa-plugins qtkeychain-qt6-dev
  libarchive-dev zlib1g-dev libisal-dev libssl-dev libzstd-dev liblzma-dev libbz2-dev
  libseccomp-dev libvterm-dev
  clang-format fonts-dejavu-core fonts-wqy-microhei python3
)
test_pkgs=(
  docker-registry skopeo umoci busybox-static apache2-utils
  gnome-keyring dbus dbus-x11 libsecret-tools passt
  sqlite3 xvfb xauth zstd xz-utils bzip2 gzip tar iproute2 util-linux
  qemu-system-x86
)
bench_pkgs=(docker.io podman hyperfine)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [[ "${1:-}" == "--bench" ]]; then
  want+=("${bench_pkgs[@]}")
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi

# The cgroup v2 tests boot Debian's stock kernel in qemu (tests/vm/run-in-vm.sh)
# because the host's cgroup mounts must never be reconfigured. The kernel
# package is unpacked into a cache instead of installed so that the host's
# boot loader and initramfs stay untouched; any bookworm kernel will do, so a
# cached one is kept as it is.
vm_kernel_cache=/var/cache/berth/vm-kernel
cache_vm_kernel() {
  if [[ -f $vm_kernel_cache/current/vmlinuz ]]; then
    return 0
  fi
  local pkg tmp
  kernel_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-.*\)$/\1/p'
  }
  pkg=$(kernel_pkg)
  if [[ -z $pkg ]]; then
    $SUDO apt-get update -qq
    pkg=$(kernel_pkg)
  fi
  echo "install-deps: caching $pkg for the VM tests in $vm_kernel_cache"
  $SUDO mkdir -p "$vm_kernel_cache"
  tmp=$($SUDO mktemp -d "$vm_kernel_cache/.fetch.XXXXXX")
  $SUDO chmod 755 "$tmp"
  $SUDO sh -euc 'cd "$1" && apt-get download -qq -o APT::Sandbox::User=root "$2" &&
    dpkg-deb -x ./*.deb x && rm ./*.deb &&
    mv x/boot/vmlinuz-* vmlinuz && mv x/lib/modules/* modules && rm -r x' sh "$tmp" "$pkg"
  $SUDO mv -T "$tmp" "$vm_kernel_cache/$pkg"
  $SUDO ln -sfn "$pkg" "$vm_kernel_cache/current"
}

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

export DEBIAN_FRONTEND=noninteractive
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cache_vm_kernel
