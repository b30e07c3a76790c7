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
  libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins qtkeychain-qt6-dev
  libarchive-dev zlib1g-dev libisal-dev libssl-dev libzstd-dev liblzma-dev libbz2-dev
  libseccomp-dev libvterm-dev
  clang-format fonts-dejavu-core fonts-wqy-microhei python3
)
test_pkgs=(
  docker-registry skopeo umoci busybox-static apache2-utils
  gnome-keyring dbus dbus-x11 libsecret-tools passt
  sqlite3 xvfb xauth zstd xz-utils bzip2 gzip tar iproute2 util-linux
)
bench_pkgs=(docker.io podman hyperfine)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [[ "${1:-}" == "--bench" ]]; then
  want+=("${bench_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
