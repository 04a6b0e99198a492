#!/bin/sh
# The whole system runs under valgrind's memcheck with no errors: boot,
# a busybox pipeline in the guest (fork, exec, pipes, page faults), and a
# clean shutdown with the guest's exit status.  The stub processes are
# separate programs that valgrind does not follow.
. "${top_srcdir:-.}/tests/lib.sh"
command -v valgrind >/dev/null || skip "no valgrind on the host"
"$VMLINUX" --showconfig | grep -q 'asan=yes' &&
	skip "valgrind does not run AddressSanitizer builds"
guest_image_busybox
status=0
timeout -k 5 120 valgrind -q --error-exitcode=99 "$VMLINUX" quiet mem=128M \
	ubd0="$img" init=/bin/busybox -- sh -c 'ls /bin | grep -x busybox; exit 3' \
	>"$WORK/out" 2>"$WORK/err" </dev/null || status=$?
[ "$status" -ne 99 ] || { cat "$WORK/err"; fail "memcheck found errors"; }
[ "$status" -eq 3 ] || { cat "$WORK/out" "$WORK/err"
	fail "status $status under valgrind, expected 3"; }
expect_in "$WORK/out" "busybox"
e2fsck -fn "$img" >"$WORK/fsck" 2>&1 || { cat "$WORK/fsck"; fail "e2fsck"; }
pass "valgrind: no memcheck errors, status passed through, image clean"
