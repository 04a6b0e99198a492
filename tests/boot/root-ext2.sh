#!/bin/sh
# Boot mounts an ext2 root= and devfs on /dev, finds no way to run init
# yet, and leaves the image clean: e2fsck -fn finds nothing, the state is
# clean and the mount count went up by one.  With "ro" nothing is written.
. "${top_srcdir:-.}/tests/lib.sh"
command -v mke2fs >/dev/null || PATH=$PATH:/sbin:/usr/sbin
mkdir -p "$WORK/tree/dev" "$WORK/tree/sbin" "$WORK/tree/etc"
echo hello >"$WORK/tree/etc/motd"
printf 'not a program\n' >"$WORK/tree/sbin/init"
img="$WORK/root.img"
mke2fs -q -F -t ext2 -d "$WORK/tree" "$img" 8M || fail "mke2fs failed"

count() {
	dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Mount count: *//p'
}

run_kernel mem=64M ubd0="$img"
[ "$status" -eq 1 ] || fail "expected the missing-init panic (1), got $status"
expect_in "$WORK/out" "VFS: Mounted root (ext2 filesystem) on device 98:0."
expect_in "$WORK/out" "devfs: mounted"
expect_in "$WORK/out" "Starting init: /sbin/init exists but couldn't execute it"
expect_in "$WORK/out" "Kernel panic - not syncing: No working init found."
e2fsck -fn "$img" >"$WORK/fsck" 2>&1 || { cat "$WORK/fsck"; fail "e2fsck"; }
dumpe2fs -h "$img" 2>/dev/null | grep -q '^Filesystem state: *clean$' ||
	fail "the image was not left clean"
[ "$(count)" = 1 ] || fail "mount count $(count), expected 1"

before=$(md5sum <"$img")
run_kernel mem=64M ubd0="$img" ro init=/etc/motd
expect_in "$WORK/out" "VFS: Mounted root (ext2 filesystem) readonly"
expect_in "$WORK/out" "Requested init /etc/motd failed"
[ "$(md5sum <"$img")" = "$before" ] || fail "a read-only boot wrote the image"
pass "ext2 root mounted, devfs on /dev, image clean after shutdown"
