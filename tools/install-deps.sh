#!/usr/bin/env bash
# Installs the Debian 12 packages smsgw needs to build, test and run, when any
# is missing. Quiet, idempotent, and a no-op on a machine that has them all.
# Usage: tools/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost-dev libserialport-dev libsqlite3-dev sqlite3 libyaml-cpp-dev libspdlog-dev
  catch2 nlohmann-json3-dev libcli11-dev libsystemd-dev libphonenumber-dev libmimalloc-dev
  clang libclang-rt-14-dev gammu python3 python3-gammu socat jq tzdata
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# gammu is only needed by one integration test: a failure to install it is reported, not fatal.
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  optional=(gammu python3-gammu)
  required=()
  for p in "${missing[@]}"; do [[ " ${optional[*]} " == *" $p "* ]] || required+=("$p"); done
  $sudo apt-get install -y -qq --no-install-recommends "${required[@]}" >/dev/null
  echo "warning: optional packages could not be installed: ${optional[*]}" >&2
fi
