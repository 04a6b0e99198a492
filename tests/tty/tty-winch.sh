#!/bin/sh
# The window size: the guest sees the terminal's size at boot, and a
# resize (SIGWINCH to vmlinux-host, the host terminal's foreground process)
# reaches the guest's terminal.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
tty_drive -r -s 30x90 <<'SCRIPT'
expect "pty> "
send "stty size\r"
expect "30 90\r\n"
expect "pty> "
winsize 40 100
sleep 200
send "stty size\r"
expect "40 100\r\n"
expect "pty> "
send "exit\r"
wait 0
SCRIPT
tty_result "stty size shows the size at boot and after a resize"
