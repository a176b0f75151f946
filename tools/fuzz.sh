#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (pure libraries only) and runs each
# for SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/<target>.
# Usage: tools/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
tools/install-deps.sh

build_dir=build-fuzz
CXX=clang++ tools/configure.sh "$build_dir" -DSMSGW_PURE_ONLY=ON -DSMSGW_TESTS=OFF -DSMSGW_FUZZ=ON -DSMSGW_WERROR=ON
cmake --build "$build_dir" -j "$(nproc)"

# The decoder's corpus also starts from the public real-world PDUs beside the
# repository (../shared/vectors), when they are there.
vectors=../shared/vectors/pdus.jsonl
if [ -f "$vectors" ]; then
  mkdir -p "$build_dir/corpus/fuzz_pdu_decode"
  python3 - "$vectors" "$build_dir/corpus/fuzz_pdu_decode" <<'PY'
import binascii, json, sys
for line in open(sys.argv[1]):
    v = json.loads(line)
    try:
        data = binascii.unhexlify(v["pdu"])
    except (binascii.Error, ValueError):
        continue
    open(f"{sys.argv[2]}/vector-{v['id']}", "wb").write(data)
PY
fi

status=0
for target in "$build_dir"/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus_seed="tests/fuzz/corpus/$name"
  work="$build_dir/corpus/$name"
  mkdir -p "$work"
  echo "fuzzing $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 \
       "$work" "$corpus_seed" >"$build_dir/$name.log" 2>&1; then
    tail -n 60 "$build_dir/$name.log"
    echo "$name: FAILED (crash input saved in the working directory)" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$build_dir/$name.log" | tail -n 2
    echo "$name: passed"
  fi
done
exit $status
