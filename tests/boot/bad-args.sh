#!/bin/sh
# Bad command lines are refused before boot with one clear line.
. "${top_srcdir:-.}/tests/lib.sh"
check_refused() {
	run_kernel "$@"
	[ "$status" -ne 0 ] || fail "'$*' was accepted"
	expect_one_line "$WORK/err"
	[ ! -s "$WORK/out" ] || fail "'$*': the kernel printed before refusing"
}
check_refused --frobnicate
check_refused sched=cfs
check_refused sched=nosuch
check_refused ncpus=2
check_refused ncpus=zero
check_refused loglevel=99
check_refused ubd8=disk.img
check_refused ubd0=a.img ubd0r=b.img
expect_in "$WORK/err" "ubd0"
# After "--" everything belongs to init, even things that look like options.
truncate -s 4M "$WORK/disk.img" || fail "cannot make a disk image"
run_kernel mem=32M ubd0="$WORK/disk.img" -- --frobnicate sched=cfs
[ "$status" -ne 2 ] || fail "words after -- were parsed as parameters"
pass "bad parameters refused with one line each"
