#!/usr/bin/env bash
# Builds smsgw and runs every test (unit, integration, replayed transcripts).
# Installs missing Debian packages first; safe to run again (incremental build).
# Usage: tools/test.sh [ctest arguments...]     e.g. tools/test.sh -R test_pdu
# Environment: BUILD_DIR (default build), SMSGW_CMAKE_ARGS (extra configure flags).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2086
tools/configure.sh "$build_dir" -DSMSGW_WERROR=ON ${SMSGW_CMAKE_ARGS:-}
cmake --build "$build_dir" -j "$(nproc)"

tools/check-deps.sh

cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
