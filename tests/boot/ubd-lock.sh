#!/bin/sh
# An image is locked while a kernel uses it: exclusively for ubdN=, shared
# for ubdNr=.  Held by another process (util-linux flock), a rw disk is
# refused with one line; a shared hold still allows a read-only disk.
. "${top_srcdir:-.}/tests/lib.sh"
command -v flock >/dev/null || skip "no flock command"
img="$WORK/disk.img"
truncate -s 1M "$img"
trap 'flock_release; rm -rf "$WORK"' EXIT
# refused DISK ARGS...: vmlinux-host ARGS must fail because DISK is held.
refused() {
	disk=$1
	shift
	run_kernel "$@"
	[ "$status" -eq 2 ] || fail "'$*' with the image held: status $status"
	expect_one_line "$WORK/err"
	expect_in "$WORK/err" \
		"vmlinux-host: $disk: $img is in use by another process"
}
flock_hold -x "$img"
refused ubd0 ubd0="$img"
truncate -s 1M "$WORK/other.img"
refused ubd1 ubd0="$WORK/other.img" ubd1="$img"
refused ubd0 ubd0r="$img"
flock_release
flock_hold -s "$img"
refused ubd0 ubd0="$img"
run_kernel ubd0r="$img" mem=32M
[ "$status" -ne 2 ] ||
	fail "ubd0r= refused under a shared lock: $(cat "$WORK/err")"
expect_in "$WORK/out" "image $img, read-only"
flock_release
run_kernel ubd0="$img" mem=32M
[ "$status" -ne 2 ] ||
	fail "ubd0= refused after the lock was released: $(cat "$WORK/err")"
pass "images locked: exclusive for rw, shared for ro"
