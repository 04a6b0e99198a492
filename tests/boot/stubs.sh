#!/bin/sh
# Stub processes on the host: 1,000 guest fork/exit cycles leave as many
# host processes as before, and a stub killed from the host kills its
# guest process with SIGKILL while the kernel goes on (idle stubs of the
# pool killed too are replaced).
. "${top_srcdir:-.}/tests/lib.sh"
src="$top_builddir/tests/guest/guest.img"
[ -f "$src" ] || fail "no guest image (make check builds it)"
img="$WORK/root.img"
cp --sparse=always "$src" "$img"

# children PID: the host processes whose parent is PID, sorted.
children() {
	for s in /proc/[0-9]*/stat; do
		set -- $(cat "$s" 2>/dev/null) x x x x
		[ "$4" = "$want" ] && echo "$1"
	done | sort -n
}

# wait_for TEXT: until the kernel's output holds TEXT (10 s at most).
wait_for() {
	for i in $(seq 100); do
		grep -q "$1" "$WORK/out" 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$WORK/out" "$WORK/err"
	fail "no \"$1\" from the guest"
}

# boot ARGS...: start the kernel in the background; $kpid is its pid.
boot() {
	"$VMLINUX" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null &
	kpid=$!
}

finish() {
	for i in $(seq 100); do
		kill -0 "$kpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -9 "$kpid" 2>/dev/null; then
		cat "$WORK/out" "$WORK/err"
		fail "the kernel did not finish"
	fi
	status=0
	wait "$kpid" || status=$?
}

boot mem=128M ubd0="$img" init=/bin/fork_leak -- 1500
want=$kpid
wait_for ready
n1=$(children | wc -l)
wait_for done
n2=$(children | wc -l)
finish
[ "$status" -eq 0 ] || { cat "$WORK/out"; fail "fork_leak: status $status"; }
[ "$n1" -eq "$n2" ] || fail "host processes: $n1 before, $n2 after"

boot mem=128M ubd0="$img" init=/bin/busybox -- sh -c \
	'echo started; sleep 20; echo "child=$?"; sleep 1; busybox true; echo "after=$?"'
want=$kpid
wait_for started
sleep 0.5
# Keep init's stub (the oldest); kill the rest: the sleep's and the pool.
for p in $(children | tail -n +2); do
	kill -9 "$p"
done
wait_for after=
finish
expect_in "$WORK/out" "child=137"
expect_in "$WORK/out" "after=0"
expect_in "$WORK/out" "its stub died on the host: killed"
[ "$status" -eq 0 ] || fail "status $status after the stub was killed"
pass "$n1 host processes before and after 1,000 forks; a killed stub kills only its process"
