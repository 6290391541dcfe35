#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages weir needs to build, test and run.
# Idempotent: only packages that are missing are installed; with nothing missing it
# does not touch the network. Run as root (or with sudo available).
set -euo pipefail

# The one list of packages. Add to it here, nowhere else.
PACKAGES=(
  # build tools
  build-essential cmake ninja-build ccache pkg-config git
  # test and benchmark
  libgtest-dev libgmock-dev libbenchmark-dev
  # libraries
  libabsl-dev libfmt-dev libsimdjson-dev librocksdb-dev librdkafka-dev
  libzstd-dev liblz4-dev libxxhash-dev libcctz-dev libre2-dev libcli11-dev
  libedit-dev libsqlite3-dev libssl-dev zlib1g-dev
  # tools used by tests
  sqlite3 kcat
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
