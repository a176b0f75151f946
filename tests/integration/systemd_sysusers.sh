#!/bin/sh
# systemd_sysusers.sh FILE: applies smsgw's sysusers.d file with the real
# systemd-sysusers to a scratch root (--root, never the host's /etc) that holds
# Debian's dialout group, then checks what it created: the user smsgw with its
# home in /var/lib/smsgw and no login shell, the groups smsgw, smsgw-manager and
# smsgw-admin, and smsgw in dialout (the modems are root:dialout).
# Exit 0 when all is there and sysusers had no complaint about the file, 1
# otherwise, 77 (skip) without systemd-sysusers.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 SYSUSERS_FILE" >&2
    exit 2
fi
file=$1
# With --root, sysusers would look for a relative FILE inside the scratch root.
case $file in
    /*) ;;
    *) file=$(pwd)/$file ;;
esac
if ! command -v systemd-sysusers >/dev/null 2>&1; then
    echo "SKIP: systemd-sysusers not found"
    exit 77
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir "$root/etc"
# Debian's base-passwd entries that the file refers to.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:x:0:\ndialout:x:20:\n' >"$root/etc/group"

set +e
systemd-sysusers --root="$root" "$file" >"$root/out" 2>&1
status=$?
set -e
sed 's/^/  sysusers: /' "$root/out"

failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}
[ "$status" -eq 0 ] || fail "systemd-sysusers exited $status"
# Parse problems name the file and line ("FILE:3: Unknown command type 'q'.").
if grep -qF "$file:" "$root/out"; then
    fail "systemd-sysusers has complaints about $file"
fi

user=$(grep '^smsgw:' "$root/etc/passwd" || true)
[ -n "$user" ] || fail "no user smsgw"
home=$(printf '%s' "$user" | cut -d: -f6)
shell=$(printf '%s' "$user" | cut -d: -f7)
[ "$home" = /var/lib/smsgw ] || fail "smsgw's home is '$home', expected /var/lib/smsgw"
case $shell in
    */nologin | */false) ;;
    *) fail "smsgw's shell is '$shell', expected no login" ;;
esac
gid=$(printf '%s' "$user" | cut -d: -f4)
for group in smsgw smsgw-manager smsgw-admin; do
    grep -q "^$group:" "$root/etc/group" || fail "no group $group"
done
[ "$(grep '^smsgw:' "$root/etc/group" | cut -d: -f3)" = "$gid" ] ||
    fail "smsgw's primary group is not group smsgw"
members=$(grep '^dialout:' "$root/etc/group" | cut -d: -f4)
case ",$members," in
    *,smsgw,*) ;;
    *) fail "smsgw is not in group dialout (members: '$members')" ;;
esac
[ "$(grep -c '^dialout:' "$root/etc/group")" -eq 1 ] || fail "a second dialout group was created"

if [ "$failed" -ne 0 ]; then
    echo "resulting passwd and group:"
    sed 's/^/  /' "$root/etc/passwd" "$root/etc/group"
    exit 1
fi
echo "OK: $(basename "$file") creates smsgw (home /var/lib/smsgw, in dialout), smsgw-manager, smsgw-admin"
