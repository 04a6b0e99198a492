#!/bin/sh
# A full-screen program in raw mode: busybox vi writes a file typed at it,
# and the file holds exactly what was typed.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
tty_drive -r <<'SCRIPT'
expect "pty> "
send "rm -f vi.txt; vi vi.txt\r"
expect "~"
sleep 200
send "i"
send "hello world"
send "\x1b"
sleep 100
send ":wq\r"
expect "pty> "
send "echo =$(cat vi.txt)= =$(wc -c <vi.txt)=\r"
expect "=hello world= =12="
expect "pty> "
send "exit\r"
wait 0
SCRIPT
tty_result "vi writes the file typed at it"
