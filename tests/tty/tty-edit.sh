#!/bin/sh
# The line discipline's canonical mode, seen by a program that reads the
# terminal without editing of its own (head): erase (DEL), kill (Ctrl-U),
# word erase (Ctrl-W), end of file (Ctrl-D).  tr marks what head read, so
# the echo of the typed line cannot match.  Typing starts once "=in=" shows
# that the shell has given the terminal back in canonical mode.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
tty_drive -r <<'SCRIPT'
expect "pty> "
send "echo =in=; head -n1 | tr a-z A-Z\r"
expect "=in=\r\n"
send "abcX\x7fd\r"
expect "ABCD\r\n"
expect "pty> "
send "echo =in=; head -n1 | tr a-z A-Z\r"
expect "=in=\r\n"
send "junk words\x15kept\r"
expect "KEPT\r\n"
expect "pty> "
send "echo =in=; head -n1 | tr a-z A-Z\r"
expect "=in=\r\n"
send "one two\x17three\r"
expect "ONE THREE\r\n"
expect "pty> "
send "echo =in=; wc -l | tr 0-9 a-j\r"
expect "=in=\r\n"
send "1\r2\r3\x04"
noexpect "pty> " 300
send "\x04"
expect "c\r\n"
expect "pty> "
send "exit\r"
wait 0
SCRIPT
tty_result "canonical input: erase, kill, word erase, end of file"
