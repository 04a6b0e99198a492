#!/bin/sh
# The tty tests' expectations are Linux's: their directive scripts pass
# against busybox sh on a host pseudo-terminal, which also tests
# ptydrive.  (The same scripts against vmlinux-host are the tty-*.sh.)
. "${top_srcdir:-.}/tests/lib.sh"
for t in "$top_srcdir"/tests/tty/tty-*.sh; do
	status=0
	VMHOST_CMD="/bin/busybox sh -i" sh "$t" >"$WORK/log" 2>&1 ||
		status=$?
	[ "$status" -ne 77 ] || skip "$(tail -1 "$WORK/log")"
	[ "$status" -eq 0 ] || { cat "$WORK/log"; fail "$(basename "$t")"; }
	tail -1 "$WORK/log"
done
pass "every tty test's script against busybox sh on the host"
