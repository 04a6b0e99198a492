#!/bin/sh
# Concurrent patterned writes through the block layer (several threads,
# bios of 512 B to 512 KiB, more than 64 in flight, merged by the elevator)
# land on the image exactly: the kernel reads every sector back, then the
# host checks the image with plain reads.
. "${top_srcdir:-.}/tests/lib.sh"
BLKDEV="$top_builddir/tests/boot/blkdev"
VMLINUX=$BLKDEV
seed=${UBD_TEST_SEED:-1921}
img="$WORK/disk.img"
truncate -s 64M "$img" || fail "cannot make $img"
run_kernel ubd0="$img" -- concurrent "$seed"
[ "$status" -eq 0 ] || {
	cat "$WORK/out" "$WORK/err"
	fail "concurrent writes and read-back: exit status $status"
}
expect_in "$WORK/out" "blkdev concurrent: 0 failures"
"$BLKDEV" --verify "$img" "$seed" ||
	fail "the host reads back other data (seed $seed)"
pass "$(sed -n 's/.*concurrent: \([0-9]* bios.*\)/\1/p' "$WORK/out");" \
	"read back by the kernel and the host"
