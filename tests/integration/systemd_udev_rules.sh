#!/bin/sh
# systemd_udev_rules.sh RULES_FILE: loads smsgw's ModemManager rule with udev's own
# parser and rule engine (udevadm test, systemd 252 has no `udevadm verify`) and
# checks that
#   - udev read the file and reported no problem with any of its lines;
#   - a tty marked ENV{SMSGW_MODEM}="1" by an earlier rule gets
#     ID_MM_DEVICE_IGNORE=1 and ID_MM_PORT_IGNORE=1, and an unmarked one neither.
# The vendor rules need a USB modem to fire; here they are only parsed.
#
# systemd 252's `udevadm test` reads the host's rule directories and WRITES: the
# udev database in /run/udev/data and /dev/char links. So it runs in a private
# user and mount namespace (unshare) with tmpfs over /run and /dev and the host's
# rule directories hidden, holding only this file and the test's marking rule.
# Nothing outside the namespace changes. Exit 0 pass, 1 fail, 77 (skip) without
# udevadm or unshare, or when namespaces are not allowed here.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 RULES_FILE" >&2
    exit 2
fi
rules=$1
name=$(basename "$rules")
for tool in udevadm unshare; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool not found"
        exit 77
    fi
done
marked=/sys/devices/virtual/tty/tty
unmarked=/sys/devices/virtual/tty/console
for dev in "$marked" "$unmarked"; do
    if [ ! -e "$dev/uevent" ]; then
        echo "SKIP: $dev not in sysfs"
        exit 77
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/rules" "$work/empty"
cp "$rules" "$work/rules/$name"
# What an administrator writes in /etc/udev/rules.d/69-smsgw-local.rules.
printf 'SUBSYSTEM=="tty", KERNEL=="%s", ENV{SMSGW_MODEM}="1"\n' "$(basename "$marked")" \
    >"$work/rules/69-smsgw-test-mark.rules"

# The sandbox: everything udevadm could write is a tmpfs of this namespace.
cat >"$work/sandbox.sh" <<'EOF'
set -eu
work=$1
mount -t tmpfs smsgw-test-run /run
mount -t tmpfs smsgw-test-dev /dev
for dir in /etc/udev/rules.d /usr/local/lib/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d; do
    if [ -d "$dir" ]; then mount --bind "$work/empty" "$dir"; fi
done
mkdir -p /run/udev/rules.d
cp "$work"/rules/*.rules /run/udev/rules.d/
echo sandbox-ready
udevadm test --action=add "$2" >"$work/marked.out" 2>"$work/marked.err" || echo "udevadm exit $?" >>"$work/marked.err"
udevadm test --action=add "$3" >"$work/unmarked.out" 2>"$work/unmarked.err" || echo "udevadm exit $?" >>"$work/unmarked.err"
EOF
if ! unshare --map-root-user --mount sh "$work/sandbox.sh" "$work" "$marked" "$unmarked" \
    >"$work/sandbox.log" 2>&1; then
    if ! grep -q sandbox-ready "$work/sandbox.log"; then
        echo "SKIP: cannot set up a private mount namespace here:"
        sed 's/^/  /' "$work/sandbox.log"
        exit 77
    fi
    echo "FAIL: the sandbox stopped after udevadm ran:"
    sed 's/^/  /' "$work/sandbox.log"
    exit 1
fi

failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}
loaded=/run/udev/rules.d/$name
grep -qF "Reading rules file: $loaded" "$work/marked.err" ||
    fail "udevadm test did not read $name"
# udev reports a bad line as "FILE:LINE message" or "FILE:LINE: message"
# ("…rules:3 Invalid key 'BADKEY'", "…rules:42: GOTO=… has no matching label").
problems=$(grep -hE "^$loaded:[0-9]+:? " "$work/marked.err" "$work/unmarked.err" | sort -u || true)
if [ -n "$problems" ]; then
    fail "udev has complaints about $name (line numbers are the file's):"
    printf '%s\n' "$problems" | sed "s|^$loaded|  $rules|"
fi
grep -h "udevadm exit" "$work/marked.err" "$work/unmarked.err" && fail "udevadm test failed"

for key in ID_MM_DEVICE_IGNORE ID_MM_PORT_IGNORE; do
    grep -qx "$key=1" "$work/marked.out" || fail "the marked tty has no $key=1"
    if grep -q "^$key=" "$work/unmarked.out"; then
        fail "the unmarked tty has $(grep "^$key=" "$work/unmarked.out")"
    fi
done

if [ "$failed" -ne 0 ]; then
    for f in marked unmarked; do
        echo "--- udevadm test ($f) properties:"
        sed 's/^/  /' "$work/$f.out"
        echo "--- udevadm test ($f) log:"
        sed 's/^/  /' "$work/$f.err"
    done
    exit 1
fi
echo "OK: udev parses $name without complaint; a marked tty gets ID_MM_DEVICE_IGNORE=1 and ID_MM_PORT_IGNORE=1, an unmarked one neither"
