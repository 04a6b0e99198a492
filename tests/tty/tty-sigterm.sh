#!/bin/sh
# SIGTERM to vmlinux-host while the shell waits at its prompt shuts the
# kernel down at once: exit status 143, the terminal's modes restored,
# the image clean.  (On the host an interactive shell ignores SIGTERM, so
# the check against Linux sends SIGHUP, which kills it with its terminal
# still in the raw mode of its line editing: no -r there.)
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
if [ -n "$tty_host" ]; then
	sig=HUP want=HUP restore=
else
	sig=TERM want=143 restore=-r
fi
tty_drive $restore <<SCRIPT
expect "pty> "
send "echo =\$((6*7))=\r"
expect "=42="
expect "pty> "
sleep 200
kill $sig
wait $want 5
SCRIPT
if [ "$status" -eq 0 ] && [ -z "$tty_host" ]; then
	e2fsck -fn "$img" >"$WORK/fsck" 2>&1 || {
		cat "$WORK/fsck"
		fail "e2fsck after SIGTERM"
	}
fi
tty_result "SIGTERM at the prompt: prompt exit, terminal restored, image clean"
