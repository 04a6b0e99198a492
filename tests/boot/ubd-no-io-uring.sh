#!/bin/sh
# A host without io_uring (strace makes io_uring_setup fail with ENOSYS,
# then EPERM) is refused before boot: one line naming io_uring, exit 2.
. "${top_srcdir:-.}/tests/lib.sh"
command -v strace >/dev/null || skip "no strace"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
truncate -s 1M "$WORK/disk.img"
kernel=$VMLINUX
VMLINUX=strace
# LeakSanitizer cannot work under ptrace: off for ASan builds.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
for err in ENOSYS EPERM; do
	run_kernel -f -o /dev/null -e inject=io_uring_setup:error=$err \
		"$kernel" ubd0="$WORK/disk.img"
	[ "$status" -eq 2 ] || fail "io_uring_setup failing with $err:" \
		"exit status $status, not 2"
	expect_one_line "$WORK/err"
	expect_in "$WORK/err" "vmlinux-host: cannot use io_uring for the disks"
	[ ! -s "$WORK/out" ] || fail "$err: the kernel printed before refusing"
done
pass "no io_uring: refused before boot with one line"
