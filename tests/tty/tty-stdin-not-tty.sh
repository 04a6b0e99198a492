#!/bin/sh
# Without a terminal on stdin: commands piped in run and the shell's exit
# status becomes vmlinux-host's, and stdin at end of file (/dev/null) ends
# the shell, hence the kernel, at once.  Neither waits for a terminal.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
echo 'echo =$((6*7))=; exit 3' | { tty_plain >"$WORK/out" 2>&1; \
	echo "$status" >"$WORK/status"; }
status=$(cat "$WORK/status")
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] ||
	fail "commands from a pipe: no exit within 10 s"
[ "$status" -eq 3 ] || { cat "$WORK/out"; fail "exit 3 gave status $status"; }
expect_in "$WORK/out" "=42="
tty_plain </dev/null >"$WORK/out" 2>&1
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] ||
	fail "stdin /dev/null: no exit within 10 s"
[ "$status" -eq 0 ] || { cat "$WORK/out"; fail "EOF gave status $status"; }
pass "stdin a pipe or /dev/null: the shell runs it and ends${tty_host:+ (host)}"
