#!/bin/sh
# With no root filesystem the kernel panics the way Linux does and exits
# non-zero, with a backtrace.  (ubd0 is a disk of zeros: no filesystem.)
. "${top_srcdir:-.}/tests/lib.sh"
truncate -s 4M "$WORK/disk.img" || fail "cannot make a disk image"
run_kernel mem=32M ubd0="$WORK/disk.img"
[ "$status" -eq 1 ] || fail "expected exit status 1 after a panic, got $status"
expect_in "$WORK/out" "Kernel panic - not syncing: VFS: Unable to mount root fs on /dev/ubda"
expect_in "$WORK/out" "Call Trace:"
expect_in "$WORK/out" "---[ end Kernel panic"
run_kernel mem=32M ubd0="$WORK/disk.img" root=/dev/ubdc quiet
expect_in "$WORK/out" "Unable to mount root fs on /dev/ubdc"
! grep -q 'Memory:' "$WORK/out" || fail "quiet still shows info messages"
pass "root-fs panic, status 1, backtrace"
