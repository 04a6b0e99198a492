# Helpers for tests/tty/tty-*.sh, sourced after tests/lib.sh.  Each test
# feeds a ptydrive directive script (tests/tty/ptydrive.c) to tty_drive,
# which runs it against one of two commands on a pseudo-terminal:
#
#   - by default ./vmlinux-host booting a copy of the guest image, with
#     busybox sh as an interactive shell that owns the console as its
#     controlling terminal (TTY_GUEST_SH);
#   - with VMHOST_CMD set (e.g. VMHOST_CMD='/bin/busybox sh -i'), that
#     command on the host, with PATH leading to busybox's applets and the
#     same prompt: the expectations are Linux's, so they must pass there.
#
# The shell's prompt is "pty> " in both; its working directory is one the
# test may write to ("/" of the image, $WORK/cwd on the host).

command -v e2fsck >/dev/null || PATH=$PATH:/sbin:/usr/sbin
PTYDRIVE="$top_builddir/tests/tty/ptydrive"
[ -x "$PTYDRIVE" ] || fail "no $PTYDRIVE (make check builds it)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && ! readelf -l "$BUSYBOX" 2>/dev/null | grep -q INTERP ||
	skip "no static busybox on the host"

# pid 1 stays a plain sh; its child, not a process group leader, makes a
# session whose controlling terminal is the console (busybox setsid -c:
# setsid(), then TIOCSCTTY on fd 0) and runs the interactive shell there,
# whose exit status becomes vmlinux-host's.
TTY_GUEST_SH='export PS1="pty> "; setsid -c sh -i; exit $?'

if [ -n "${VMHOST_CMD:-}" ]; then
	tty_host=1
	mkdir -p "$WORK/bin" "$WORK/cwd"
	for applet in $("$BUSYBOX" --list); do
		ln -s "$BUSYBOX" "$WORK/bin/$applet"
	done
	PATH="$WORK/bin:$PATH"
	PS1='pty> '
	TERM=linux
	export PATH PS1 TERM
else
	tty_host=
	guest_image_busybox
fi

# tty_drive [PTYDRIVE-OPTIONS...] <SCRIPT: run the directive script on
# stdin against the command; ptydrive's exit status in $status, its
# transcript in $WORK/transcript.
tty_drive() {
	status=0
	if [ -n "$tty_host" ]; then
		(cd "$WORK/cwd" && eval "\"\$PTYDRIVE\" -T 30 \
			-l \"\$WORK/transcript\" \"\$@\" -- $VMHOST_CMD") ||
			status=$?
	else
		"$PTYDRIVE" -T 30 -l "$WORK/transcript" "$@" -- \
			"$VMLINUX" quiet mem=128M ubd0="$img" TERM=linux \
			init=/bin/sh -- -c "$TTY_GUEST_SH" || status=$?
	fi
}

# tty_sleeping: directives that wait for the prompt and leave "sleep 100"
# running as the foreground job.  The job says when it runs, hence is the
# terminal's foreground: a Ctrl-C typed earlier would reach the shell.
tty_sleeping() {
	cat <<'SCRIPT'
expect "pty> "
send "sh -c 'echo =fg=; exec sleep 100'\r"
expect "=fg=\r\n"
sleep 100
SCRIPT
}

# tty_alive_exit: directives that check, at a prompt, that the shell runs
# a command, then make it exit: the command must end with status 0.
tty_alive_exit() {
	cat <<'SCRIPT'
send "echo =$((6*7))=\r"
expect "=42="
expect "pty> "
send "exit\r"
wait 0
SCRIPT
}

# tty_plain: the command without a terminal, for stdin a pipe or a file,
# under a 10 s timeout: busybox sh on the host, or vmlinux-host with it as
# init.  Its exit status in $status (124 or 137 when it timed out).
tty_plain() {
	status=0
	if [ -n "$tty_host" ]; then
		timeout -k 2 10 "$BUSYBOX" sh || status=$?
	else
		timeout -k 2 10 "$VMLINUX" quiet mem=128M ubd0="$img" \
			init=/bin/sh || status=$?
	fi
}

# tty_result WHAT: pass, skip or fail on the last tty_drive, showing the
# transcript on failure.
tty_result() {
	[ "$status" -ne 77 ] || skip "no pseudo-terminal"
	if [ "$status" -ne 0 ]; then
		echo "--- transcript (cat -v):"
		cat -v "$WORK/transcript"
		echo "---"
		fail "$1"
	fi
	pass "$1${tty_host:+ (host: $VMHOST_CMD)}"
}
