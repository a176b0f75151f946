#!/usr/bin/env bash
# Checks that #include dependencies point only the way DESIGN.md's layout table
# allows (nothing in pdu/ knows about modems, nothing in drivers/ about SQLite…).
set -euo pipefail
cd "$(dirname "$0")/.."

# folder : top-level folders its includes may name (besides itself)
declare -A allowed=(
  [pdu]=""
  [drivers]="pdu"
  [config]=""
  [daemon]="pdu drivers config"
)
status=0
for folder in "${!allowed[@]}"; do
  [ -d "$folder" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$line")
    [[ "$target" == "$folder" ]] && continue
    [[ " ${allowed[$folder]} " == *" $target "* ]] && continue
    [[ -d "$target" ]] || continue
    echo "dependency not allowed: $file includes $target/ ($folder/ may use: ${allowed[$folder]:-std only})" >&2
    status=1
  done < <(grep -rEn '#include "[^/"]+/' "$folder" --include='*.hpp' --include='*.cpp' || true)
done
# smsgwctl talks only the socket protocol; smsgw-diag never links the daemon.
if grep -rEn '#include "(daemon|drivers)/' tools/smsgwctl* 2>/dev/null | grep -v 'daemon/api/'; then
  echo "smsgwctl may include only daemon/api/" >&2; status=1
fi
if grep -rEn '#include "daemon/' tools/diag* tools/smsgw_diag* 2>/dev/null; then
  echo "smsgw-diag must not include daemon/" >&2; status=1
fi
exit $status
