#!/usr/bin/env bash
# Builds smsgw and runs every test (unit, integration, replayed transcripts).
# Installs missing Debian packages first; safe to run again (incremental build).
# Usage: tools/test.sh [ctest arguments...]     e.g. tools/test.sh -R test_pdu
# Environment: BUILD_DIR (default build), SMSGW_CMAKE_ARGS (extra configure flags).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

build_dir=${BUILD_DIR:-build}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
generator=()
if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then generator=(-G Ninja); fi

# shellcheck disable=SC2086
cmake -S . -B "$build_dir" "${generator[@]}" "${launcher[@]}" -DSMSGW_WERROR=ON ${SMSGW_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

tools/check-deps.sh

cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
