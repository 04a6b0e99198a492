#!/bin/sh
# A ubdNr= disk refuses writes with -EROFS (synchronous, bio and FUA) and
# serves reads; the image is left unchanged, and a rw disk in the same
# boot takes writes.
. "${top_srcdir:-.}/tests/lib.sh"
BLKDEV="$top_builddir/tests/boot/blkdev"
VMLINUX=$BLKDEV
seed=77
truncate -s 1M "$WORK/rw.img" && truncate -s 4M "$WORK/ro.img" ||
	fail "cannot make the images"
"$BLKDEV" --fill "$WORK/ro.img" "$seed" || fail "cannot fill ro.img"
cp "$WORK/ro.img" "$WORK/ro.orig"
run_kernel ubd0="$WORK/rw.img" ubd1r="$WORK/ro.img" -- readonly "$seed"
[ "$status" -eq 0 ] || {
	cat "$WORK/out" "$WORK/err"
	fail "read-only disk: exit status $status"
}
expect_in "$WORK/out" \
	"ubdb: 8192 sectors (4096 KiB), image $WORK/ro.img, read-only"
expect_in "$WORK/out" "blkdev readonly: 0 failures"
cmp -s "$WORK/ro.img" "$WORK/ro.orig" || fail "the read-only image changed"
cmp -s -n 4096 "$WORK/rw.img" /dev/zero &&
	fail "the write to the rw disk did not reach its image"
pass "ubdNr= refuses writes with -EROFS, reads work, image unchanged"
