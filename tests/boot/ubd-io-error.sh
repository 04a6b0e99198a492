#!/bin/sh
# A host I/O error is an error, not a crash: the image is cut to half its
# size while the kernel runs; reads beyond the new end (and across it)
# fail with -EIO and the kernel logs the disk and sector; reads below
# still work.
. "${top_srcdir:-.}/tests/lib.sh"
BLKDEV="$top_builddir/tests/boot/blkdev"
VMLINUX=$BLKDEV
seed=5
truncate -s 8M "$WORK/disk.img" || fail "cannot make the image"
"$BLKDEV" --fill "$WORK/disk.img" "$seed" || fail "cannot fill the image"
run_kernel ubd0="$WORK/disk.img" -- truncate "$seed"
[ "$status" -eq 0 ] || {
	cat "$WORK/out" "$WORK/err"
	fail "truncated image: exit status $status"
}
expect_in "$WORK/out" "blkdev truncate: 0 failures"
expect_in "$WORK/out" "ubda: I/O error, sector 8200 (error -5)"
! grep -q "Kernel panic" "$WORK/out" || fail "the kernel panicked"
[ "$(stat -c %s "$WORK/disk.img")" -eq 4194304 ] ||
	fail "the image was not truncated"
pass "reads past a truncated image end fail with -EIO and are logged"
