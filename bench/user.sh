#!/bin/sh
# bench/user.sh: the user-mode rows of make bench.  bench/ubench.gexe
# (built by make) runs natively and as init inside vmlinux-host on a fresh
# private ext2 image; one table compares the two against the targets.
# Each ubench row is the best of three batches sized to ~0.5 s; the launch
# row is the best of 10 wall-clock runs.  A row that fails in the guest is
# "failed" in the table, with the guest's message below it.  Run by
# bench/run.sh; timing-sensitive, never part of make check.
set -u
top_builddir=${top_builddir:-.}
top_builddir=$(cd "$top_builddir" && pwd)
K="$top_builddir/vmlinux-host"
U="$top_builddir/bench/ubench.gexe"
ROWS="getppid fork_exit_wait fork_exec_wait pipe_rtt pipe_tput first_touch
create_unlink sleep_1ms seq_write seq_read"
command -v mke2fs >/dev/null || PATH=$PATH:/sbin:/usr/sbin

if [ ! -x "$U" ]; then
	if command -v musl-gcc >/dev/null; then
		echo "user mode: bench/ubench.gexe not built: skipped"
	else
		echo "user mode: no musl-gcc (apt-get install musl-tools):" \
			"skipped"
	fi
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/vmlinux-ubench.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
img="$tmp/ubench.img"

# The image: /bin/ubench and what the kernel and ubench expect.
stage="$tmp/stage"
mkdir -p "$stage/bin" "$stage/tmp" "$stage/dev" "$stage/proc" "$stage/etc" \
	"$tmp/host"
chmod 1777 "$stage/tmp"
cp "$U" "$stage/bin/ubench"
printf 'root:x:0:0:root:/:/bin/ubench\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
: >"$img"
mke2fs -q -F -t ext2 -b 4096 -d "$stage" "$img" 512M ||
	{ echo "user mode: mke2fs failed: skipped"; exit 0; }

# guest OUT ARGS...: boot the image with ubench ARGS as init, output to OUT.
guest() {
	out=$1
	shift
	timeout -k 5 120 "$K" quiet mem=1G ubd0="$img" init=/bin/ubench \
		-- "$@" >>"$out" 2>&1 </dev/null
}

# value FILE ROW: ROW's figure in FILE, or nothing.
value() {
	awk -v r="$2" '$1 == r && NF == 3 && $2 ~ /^[0-9.]+$/ {
		print $2; exit }' "$1"
}

"$U" all "$tmp/host" >"$tmp/host.out" 2>&1 </dev/null
guest "$tmp/guest.out" all || echo "guest ubench all: status $?" >>"$tmp/notes"
# A row that failed took the rows after it along: each again, in its own boot.
for r in $ROWS; do
	[ -z "$(value "$tmp/guest.out" "$r")" ] || continue
	: >"$tmp/one.out"
	guest "$tmp/one.out" "$r" || echo "guest ubench $r: status $?" \
		>>"$tmp/notes"
	cat "$tmp/one.out" >>"$tmp/guest.out"
	v=$(value "$tmp/one.out" "$r")
	[ -n "$v" ] || sed "s/^/  $r: /" "$tmp/one.out" >>"$tmp/notes"
done
e2fsck -fn "$img" >/dev/null 2>&1 ||
	echo "e2fsck found problems on the guest's image" >>"$tmp/notes"

# best10 CMD...: the best wall-clock time of 10 runs in ms, or nothing if
# a run failed.
best10() {
	best=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 </dev/null || return 0
		t=$(( $(date +%s%N) - t0 ))
		[ -n "$best" ] && [ "$best" -le "$t" ] || best=$t
	done
	awk -v t="$best" 'BEGIN { printf "%.2f\n", t / 1e6 }'
}
launch_g=$(best10 "$K" quiet mem=256M ubd0="$img" init=/bin/ubench -- exit0)
launch_h=$(best10 "$U" exit0)
[ -n "$launch_g" ] || echo "vmlinux-host ... -- exit0 did not exit 0" \
	>>"$tmp/notes"

target() {
	case $1 in
	getppid) echo 3 ;;
	fork_exit_wait) echo 150 ;;
	fork_exec_wait) echo 300 ;;
	pipe_rtt) echo 15 ;;
	first_touch) echo 3 ;;
	launch) echo 30 ;;
	esac
}

unit() {
	case $1 in
	launch) echo ms ;;
	*) awk -v r="$1" '$1 == r && NF == 3 { print $3; exit }' \
		"$tmp/host.out" "$tmp/guest.out" ;;
	esac
}

# line ROW GUEST HOST: one row of the table.
line() {
	awk -v r="$1" -v u="$(unit "$1")" -v g="$2" -v h="$3" \
		-v t="$(target "$1")" 'BEGIN {
		ratio = "-"
		if (g != "" && h != "" && h > 0)
			ratio = sprintf("%.1f", g / h)
		met = "-"
		if (t != "" && g != "")
			met = (g + 0 < t + 0) ? "yes" : "NO"
		printf "%-16s %-13s %10s %10s %8s %7s %4s\n", r, u,
			g == "" ? "failed" : g, h == "" ? "failed" : h, ratio,
			t == "" ? "" : "<" t, met
	}'
}

printf "%-16s %-13s %10s %10s %8s %7s %4s\n" row unit guest host \
	guest/host target met
for r in $ROWS; do
	line "$r" "$(value "$tmp/guest.out" "$r")" \
		"$(value "$tmp/host.out" "$r")"
done
line "launch" "$launch_g" "$launch_h"
echo "(best of 3 batches of ~0.5 s; seq_*: best of up to 3 passes of" \
	"64 MiB and fsync;"
echo " launch: vmlinux-host ... init=/bin/ubench -- exit0 vs ubench exit0," \
	"best of 10)"
for r in $ROWS; do
	[ -n "$(value "$tmp/host.out" "$r")" ] && continue
	sed "s/^/host: /" "$tmp/host.out"
	break
done
[ ! -f "$tmp/notes" ] || sed "s/^/guest: /" "$tmp/notes"
exit 0
