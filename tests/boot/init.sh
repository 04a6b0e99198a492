#!/bin/sh
# Boot runs init from the disk: init= with the words after "--" as its
# arguments, Linux's fallbacks (/sbin/init ... /bin/sh), the host exit
# status is init's (128 + signal when a fault kills it; like Linux's, init
# gets only the signals it handles), a dynamically linked
# program is refused with ENOEXEC and a log line, and the image is clean.
. "${top_srcdir:-.}/tests/lib.sh"
command -v e2fsck >/dev/null || PATH=$PATH:/sbin:/usr/sbin
guest_image_busybox

run_kernel mem=128M ubd0="$img" init=/bin/busybox loglevel=4 -- sh -c 'exit 7'
[ "$status" -eq 7 ] || fail "exit 7 gave status $status"
# As on Linux, init gets only the signals it has handlers for.
run_kernel mem=128M ubd0="$img" init=/bin/busybox -- sh -c \
	'kill -TERM $$; kill -KILL 1; echo survived; exit 3'
[ "$status" -eq 3 ] || fail "init signalled itself: status $status"
expect_in "$WORK/out" "survived"
run_kernel mem=128M ubd0="$img" init=/bin/busybox -- sh -c \
	'trap "exit 9" TERM; kill -TERM $$; sleep 5'
[ "$status" -eq 9 ] || fail "init's SIGTERM handler: status $status"
run_kernel mem=128M ubd0="$img" init=/bin/busybox -- sh -c \
	'echo "$0 $# $1-$2"; echo $HOME' a 'b c'
expect_in "$WORK/out" "a 1 b c-"
expect_in "$WORK/out" "/"
# No init=: /sbin/init, /etc/init, /bin/init are missing, /bin/sh runs.
for f in /sbin/init /etc/init /bin/init; do
	debugfs -w -R "rm $f" "$img" >/dev/null 2>&1
done
run_kernel mem=128M ubd0="$img" -- -c 'exit 3'
[ "$status" -eq 3 ] || fail "fallback /bin/sh gave status $status"
if debugfs -R 'stat /bin/dynamic-true' "$img" 2>/dev/null | grep -q Inode; then
	run_kernel mem=128M ubd0="$img" init=/bin/busybox -- sh -c \
		'/bin/dynamic-true; echo "dyn=$?"'
	grep -q "dyn=12[67]" "$WORK/out" || fail "a dynamic program ran"
	expect_in "$WORK/out" "/bin/dynamic-true: dynamically linked"
fi
run_kernel mem=128M ubd0="$img" init=/bin/nonexistent
[ "$status" -eq 1 ] || fail "a missing init= gave status $status"
expect_in "$WORK/out" "Requested init /bin/nonexistent failed (error -2)"
! grep -q "unmounted while in use" "$WORK/out" ||
	fail "a failed init left its files open at the unmount"
e2fsck -fn "$img" >"$WORK/fsck" 2>&1 || { cat "$WORK/fsck"; fail "e2fsck"; }
pass "init from the disk, its arguments, fallbacks and exit status"
