#!/usr/bin/env bash
# The smsgw demo: the gateway's main job on two simulated modems.
#   1. two smsgw-modemsim modems (pseudo-terminals) and smsgwd on config/demo.yaml,
#      with the database, socket and logs in a temporary folder;
#   2. a single and a three-part message, followed queued → sent → delivered
#      (the simulated network sends delivery reports);
#   3. an inbound "Stop": the opt-out it causes, and the next sends to that number
#      refused, a marketing one and (optout.allow_transactional is off by default)
#      a transactional one;
#   4. the modem list; then everything stops cleanly.
# Installs missing Debian packages first, builds incrementally, safe to run again.
# DEMO_KEEP=1 keeps the temporary folder (database, smsgwd.log) for a look.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
build_dir=${BUILD_DIR:-build}
targets=(smsgwd smsgwctl smsgw-modemsim smsgw-diag)
printf -v names '%s, ' "${targets[@]}"
echo "building ${names%, } into $build_dir/ (10–20 minutes the first time on 2 cores, quick after)…"
tools/configure.sh "$build_dir"
# On a terminal Ninja shows its progress on one line; elsewhere its output goes
# to a log, shown when the build fails.
if [[ -t 1 ]]; then
  cmake --build "$build_dir" --target "${targets[@]}" -j "$(nproc)"
else
  build_log=$(mktemp /tmp/smsgw-demo-build.XXXXXX)
  if ! cmake --build "$build_dir" --target "${targets[@]}" -j "$(nproc)" >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    echo "the build failed; its whole output is in $build_log" >&2
    exit 1
  fi
  rm -f "$build_log"
fi
smsgwd="$build_dir/daemon/app/smsgwd"
ctl="$build_dir/tools/smsgwctl/smsgwctl"
sim="$build_dir/tools/modemsim/smsgw-modemsim"

demo_dir=$(mktemp -d /tmp/smsgw-demo.XXXXXX)
export SMSGW_DEMO_DIR="$demo_dir" SMSGW_DEMO_USER="$(id -un)" SMSGW_SOCKET="$demo_dir/smsgw.sock"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ ${DEMO_KEEP:-0} == 1 ]]; then echo "kept $demo_dir"; else rm -rf "$demo_dir"; fi
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
quote() {  # quote ARG: ARG as a shell reads it back (as it is, or in single quotes)
  local escaped="'\\''"
  if [[ $1 =~ ^[A-Za-z0-9_./:=+,@%-]+$ ]]; then printf '%s' "$1"
  else printf "'%s'" "${1//\'/$escaped}"; fi
}
run() {  # run COMMAND…: print it, copy-pasteable, then run it
  local arg line='$'
  for arg in "$@"; do line+=" $(quote "$arg")"; done
  printf '%s\n' "$line" >&2
  "$@"
}
control() {  # control SOCKET JSON: one request to a simulated modem
  printf '%s\n' "$2" | socat -t 5 - "UNIX-CONNECT:$1" >/dev/null
}
wait_until() {  # wait_until SECONDS COMMAND…: poll until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "timed out waiting for: $*" >&2; return 1; }
    sleep 0.2
  done
}

say "Two simulated modems (300 ms per AT+CMGS, delivery reports after 1.5 s)"
for m in a b; do
  imei=$([[ $m == a ]] && echo 356938035643809 || echo 356938035643817)
  "$sim" --link "$demo_dir/modem-$m" --control "$demo_dir/modem-$m.ctl" --imei "$imei" \
    --cmgs-latency-ms 300 --auto-report --report-delay-ms 1500 --seed 7 \
    2>"$demo_dir/modem-$m.log" &
  pids+=($!)
  echo "modem-$m: $demo_dir/modem-$m (IMEI $imei)"
done
wait_until 10 test -S "$demo_dir/modem-b.ctl"

say "smsgwd on config/demo.yaml (log: $demo_dir/smsgwd.log)"
echo "to paste the commands below into another shell: export SMSGW_SOCKET=$(quote "$SMSGW_SOCKET")"
run "$smsgwd" --config config/demo.yaml --check
"$smsgwd" --config config/demo.yaml 2>"$demo_dir/smsgwd.log" &
pids+=($!)
smsgwd_pid=$!
wait_until 15 "$ctl" hello
ready_modems() { [[ $("$ctl" --json modem list | jq '[.modems[] | select(.state == "ready")] | length') == 2 ]]; }
wait_until 30 ready_modems
run "$ctl" hello
run "$ctl" modem list

follow() {  # follow ID: print each state the message goes through until delivered
  local id=$1 last=queued state
  printf 'queued'
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    state=$("$ctl" --json message get "$id" | jq -r .state)
    if [[ $state != "$last" ]]; then printf '%s%s' "${last:+ → }" "$state"; last=$state; fi
    [[ $state == delivered || $state == failed || $state == expired ]] && break
    sleep 0.1
  done
  echo
}

say "A single message"
out=$(run "$ctl" --json send --to "0176 1234 5678" --text "Ihr Tisch für 2 Personen ist bereit. Bis gleich!")
echo "$out"
single=$(jq -r .message_id <<<"$out")

say "A three-part message (GSM-7, 153 characters per part, all through one modem)"
long="Sehr geehrte Frau Müller, Ihre Bestellung Nr. 4711 ist heute um 14:05 bei uns eingegangen. \
Die Lieferung erfolgt voraussichtlich übermorgen zwischen 8 und 12 Uhr an die Lieferadresse, \
die Sie bei der Bestellung angegeben haben. Bitte halten Sie Ihren Ausweis bereit. Bei Fragen \
erreichen Sie uns werktags von 8 bis 18 Uhr. Grüße aus Köln, Ihr Bäckerei-Team"
out=$(run "$ctl" --json send --to +4917612345678 --text "$long")
echo "$out"
three=$(jq -r .message_id <<<"$out")

say "Message $single"
follow "$single"
say "Message $three"
follow "$three"
run "$ctl" message get "$three"

say "The customer answers \"Stop\" (injected into modem-a as an inbound SMS)"
control "$demo_dir/modem-a.ctl" '{"op":"inject_sms","from":"+4917612345678","text":"Stop"}'
has_optout() { [[ $("$ctl" --json optout list | jq '.optouts | length') -ge 1 ]]; }
wait_until 15 has_optout
run "$ctl" inbound list
run "$ctl" optout list

say "The next messages to them are refused: marketing always, transactional too (optout.allow_transactional is off by default)"
run "$ctl" settings get optout.allow_transactional
set +e
run "$ctl" send --to +4917612345678 --text "Wochenend-Angebot: 2 Brote zum Preis von 1!" --category marketing
echo "(exit status $?)"
run "$ctl" send --to +4917612345678 --text "Ihre Bestellung Nr. 4712 ist versandt."
echo "(exit status $?)"
set -e

say "Modems after the run"
run "$ctl" modem list

say "Stopping smsgwd (SIGTERM: finishes the command in flight, exits 0)"
kill -TERM "$smsgwd_pid"
wait "$smsgwd_pid" && echo "smsgwd exited 0"
tail -n 3 "$demo_dir/smsgwd.log"
