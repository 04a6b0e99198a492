#!/bin/sh
# At a terminal the shell prompts, runs a command typed at it, and "exit"
# ends vmlinux-host with status 0, leaving the terminal's modes as they
# were (the kernel puts the host terminal in raw mode while it runs).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
{
	echo 'expect "pty> "'
	tty_alive_exit
} >"$WORK/script"
tty_drive -r <"$WORK/script"
tty_result "prompt, a command, exit status 0, terminal restored"
