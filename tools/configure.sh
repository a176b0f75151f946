#!/usr/bin/env bash
# Configures a build directory the way every script here wants it: Ninja when
# available, ccache when installed. Usage: tools/configure.sh BUILD_DIR [cmake args…]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$1
shift
args=()
if command -v ccache >/dev/null; then args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then args+=(-G Ninja); fi
cmake -S . -B "$build_dir" "${args[@]}" "$@" >/dev/null
