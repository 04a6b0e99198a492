#!/bin/sh
# The kernel debugs like any program: under gdb (with the project's
# .gdbinit), a breakpoint on the execve system call's handler stops when
# a guest shell execs, the backtrace runs down the kernel thread's stack
# to user_enter() and kernel_init(), and the run then completes.
. "${top_srcdir:-.}/tests/lib.sh"
command -v gdb >/dev/null || skip "no gdb on the host"
guest_image_busybox
timeout -k 5 120 gdb -batch -nx -x "$top_srcdir/.gdbinit" \
	-ex 'break sys_execve' -ex run -ex bt -ex continue \
	--args "$VMLINUX" quiet mem=128M ubd0="$img" init=/bin/busybox -- \
	sh -c 'exec /bin/true' >"$WORK/out" 2>&1 </dev/null ||
	{ cat "$WORK/out"; fail "gdb failed or timed out"; }
expect_in "$WORK/out" "hit Breakpoint 1, sys_execve"
expect_in "$WORK/out" "user_enter ()"
expect_in "$WORK/out" "in kernel_init ("
expect_in "$WORK/out" "exited normally"
pass "gdb stops in execve with a kernel backtrace"
