#!/bin/sh
# Job control: Ctrl-Z stops the foreground job (SIGTSTP), the shell
# reports it and lists it, fg continues it in the foreground, Ctrl-C ends
# it.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
{
	tty_sleeping
	cat <<'SCRIPT'
send "\x1a"
expect "Stopped" 5
expect "pty> "
send "jobs\r"
expect "sleep 100"
expect "pty> "
send "fg\r"
expect "sleep 100"
noexpect "pty> " 500
send "\x03"
expect "pty> " 5
send "jobs\r"
noexpect "sleep" 300
SCRIPT
	tty_alive_exit
} >"$WORK/script"
tty_drive -r <"$WORK/script"
tty_result "Ctrl-Z stops sleep 100, jobs lists it, fg and Ctrl-C end it"
