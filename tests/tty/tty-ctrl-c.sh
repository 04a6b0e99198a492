#!/bin/sh
# Ctrl-C at the terminal interrupts the foreground job (SIGINT to the
# foreground process group) and the shell prompts again; the kernel
# itself keeps running.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tty/lib.sh"
{
	tty_sleeping
	echo 'send "\x03"'
	echo 'expect "pty> " 5'
	tty_alive_exit
} >"$WORK/script"
tty_drive -r <"$WORK/script"
tty_result "Ctrl-C ends sleep 100, the shell prompts again"
