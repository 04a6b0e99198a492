#!/bin/sh
# A bad mem= is refused before boot with one line naming it, exit non-zero.
. "${top_srcdir:-.}/tests/lib.sh"
for arg in mem=8M mem=15M mem=abc mem=12Q mem= mem=-5M mem=99999999G \
	mem=18446744073709551616; do
	run_kernel "$arg"
	[ "$status" -ne 0 ] || fail "$arg was accepted"
	expect_one_line "$WORK/err"
	expect_in "$WORK/err" "mem="
	[ ! -s "$WORK/out" ] || fail "$arg: the kernel printed before refusing"
done
truncate -s 4M "$WORK/disk.img" || fail "cannot make a disk image"
run_kernel mem=16M ubd0="$WORK/disk.img"
expect_in "$WORK/out" "/16384K available"
run_kernel mem=65536k ubd0="$WORK/disk.img"
expect_in "$WORK/out" "/65536K available"
pass "bad mem= values refused with one line; 16M and 65536k accepted"
