#!/bin/sh
# systemd_verify.sh UNIT BINARY: runs `systemd-analyze verify` on the configured
# smsgwd.service. verify insists that every Exec*= program exists, so the unit is
# checked through a copy whose smsgwd commands run BINARY (the smsgwd just built;
# by hand: /bin/true). Every other line stays as installed.
# Exit 0 when systemd has nothing to say about the unit, 1 when it does, 77 (skip)
# without systemd-analyze or when it cannot start at all here.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 UNIT BINARY" >&2
    exit 2
fi
unit=$1
binary=$2

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze not found"
    exit 77
fi
if [ ! -f "$unit" ]; then
    echo "FAIL: $unit does not exist" >&2
    exit 1
fi
case $binary in
    /*) ;;
    *) binary=$(pwd)/$binary ;;
esac
if [ ! -x "$binary" ]; then
    echo "FAIL: $binary is not executable" >&2
    exit 1
fi

name=$(basename "$unit")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Exec lines whose program (after the -@:+! prefixes) ends in /smsgwd get BINARY.
awk -v bin="$binary" '
    /^Exec[A-Za-z]*=/ {
        eq = index($0, "=")
        key = substr($0, 1, eq)
        rest = substr($0, eq + 1)
        match(rest, /^[-@:+!]*/)
        prefix = substr(rest, 1, RLENGTH)
        rest = substr(rest, RLENGTH + 1)
        split(rest, words, " ")
        if (words[1] ~ /\/smsgwd$/) {
            rest = bin substr(rest, length(words[1]) + 1)
            replaced++
        }
        print key prefix rest
        next
    }
    { print }
    END { if (!replaced) exit 3 }
' "$unit" >"$work/$name" || {
    echo "FAIL: no Exec*= line of $unit runs smsgwd" >&2
    exit 1
}

echo "verifying $name with smsgwd at $binary:"
grep '^Exec' "$work/$name" | sed 's/^/  /'

# verify prints its findings (unknown keys, bad values, missing programs,
# dependency problems) as warnings and still exits 0, so its output is judged,
# not just its status.
set +e
systemd-analyze verify "$work/$name" >"$work/out" 2>&1
status=$?
set -e

# Lines naming our unit are about our unit. Anything else comes from the host:
# unit files systemd loads next to ours (e.g. ModemManager.service or the
# modprobe@ template, absent or written for another systemd version), or a
# manager that cannot read its environment (containers, no /run/systemd). Those
# are shown but do not fail the test; they are not in our file.
# The copy keeps UNIT's line numbers, so its findings are reported against UNIT.
sed "s|$work/$name|$unit|g" "$work/out" >"$work/report"
ours=$(grep -F "$name" "$work/report" || true)
other=$(grep -vF "$name" "$work/report" || true)
if [ -n "$other" ]; then
    echo "not about $name (host environment, ignored):"
    printf '%s\n' "$other" | sed 's/^/  /'
fi
if [ -n "$ours" ]; then
    echo "FAIL: systemd-analyze verify on $name:"
    printf '%s\n' "$ours" | sed 's/^/  /'
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "SKIP: systemd-analyze verify exited $status without naming $name"
    exit 77
fi
echo "OK: systemd-analyze verify has nothing to say about $name"
