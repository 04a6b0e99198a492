#!/bin/sh
# bench/fuse.sh: vmlinux-fuse against fuse2fs on the same fresh 1 GiB ext2
# image and the same workloads, with the host kernel's own ext2 on a loop
# device as a reference when run as root.  Both FUSE servers run in the
# foreground (-f) so that an unmount waits for everything to be written.
# Prints one table; ratios above 1 mean vmlinux-fuse is faster.  Run by
# bench/run.sh; timing-sensitive, never part of make check.
set -u
top_builddir=${top_builddir:-.}
FUSE="$top_builddir/vmlinux-fuse"
command -v mke2fs >/dev/null || PATH=$PATH:/sbin:/usr/sbin
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/vmlinux-fuse-bench.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)
img="$tmp/fs.img"
mnt="$tmp/mnt"
mkdir "$mnt"
pid=

# reset: nothing mounted at $mnt, no server left (after a failed run).
reset() {
	if awk -v m="$mnt" '$2 == m { f = 1 } END { exit !f }' /proc/self/mounts
	then
		fusermount3 -u -z "$mnt" 2>/dev/null ||
			umount -l "$mnt" 2>/dev/null
	fi
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null
	pid=
}

cleanup() {
	reset
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

[ -x "$FUSE" ] || { echo "vmlinux-fuse not built: skipped"; exit 0; }
if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null ||
	! (: <>/dev/fuse) 2>/dev/null; then
	echo "no usable /dev/fuse or fusermount3: skipped"
	exit 0
fi
systems=vmlinux-fuse
if command -v fuse2fs >/dev/null; then
	systems="$systems fuse2fs"
else
	echo "fuse2fs not installed (apt-get install fuse2fs): no baseline"
fi
if [ "$(id -u)" -eq 0 ]; then
	systems="$systems host"
	sync
	if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
		drop="host page cache dropped before cold runs"
	else
		drop="cannot drop the host page cache: cold runs read it"
	fi
else
	drop="not root: the host page cache is not dropped, no host ext2"
fi
echo "$drop"

mounted() {
	awk -v m="$mnt" '$2 == m { f = 1 } END { exit !f }' /proc/self/mounts
}

# gone PID SECONDS: wait until PID has exited (a zombie counts).
gone() {
	g_n=$(($2 * 10))
	while :; do
		g_s=$(sed -n 's/^.*) \(.\) .*$/\1/p' "/proc/$1/stat" \
			2>/dev/null)
		[ -n "$g_s" ] && [ "$g_s" != Z ] || return 0
		g_n=$((g_n - 1))
		[ "$g_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# fs_mount SYS: mount $img at $mnt with SYS (vmlinux-fuse, fuse2fs, host).
fs_mount() {
	case $1 in
	host)
		mount -o loop -t ext2 "$img" "$mnt"
		return
		;;
	vmlinux-fuse)
		"$FUSE" -f "$img" "$mnt" </dev/null >>"$tmp/log" 2>&1 &
		;;
	fuse2fs)
		fuse2fs -f "$img" "$mnt" -o fakeroot \
			</dev/null >>"$tmp/log" 2>&1 &
		;;
	esac
	pid=$!
	n=300
	until mounted; do
		gone "$pid" 0 && { pid=; return 1; }
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# fs_umount SYS: unmount $mnt and wait (5 min at most) for the server.
fs_umount() {
	if [ "$1" = host ]; then
		umount "$mnt"
		return
	fi
	fusermount3 -u "$mnt" || return 1
	gone "$pid" 300 || return 1
	wait "$pid"
	st=$?
	pid=
	return "$st"
}

# cold SYS: unmount, drop the host's caches, mount again.
cold() {
	fs_umount "$1" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		sync
		echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	fi
	fs_mount "$1"
}

# timed CMD...: run CMD (10 min at most); print its time in ns, or "fail".
timed() {
	t0=$(date +%s%N)
	if timeout -k 5 600 "$@" >/dev/null 2>>"$tmp/log"; then
		echo $(($(date +%s%N) - t0))
	else
		echo fail
	fi
}

# put SYS ROW VALUE: record a result ("-" when missing).
put() {
	echo "$3" >"$tmp/res.$1.$2"
}

# trouble MSG: report MSG with the end of the servers' output.
trouble() {
	echo "$*"
	tail -n 5 "$tmp/log" 2>/dev/null | sed 's/^/    /'
}

# bench_sys SYS: every workload with SYS on a fresh image.
bench_sys() {
	sys=$1
	reset
	rm -f "$img"
	mke2fs -q -F -t ext2 -E root_owner="$(id -u):$(id -g)" "$img" 1G \
		>/dev/null || return 1
	fs_mount "$sys" || { trouble "$sys: mount failed"; return 1; }
	ns=$(timed dd if=/dev/zero of="$mnt/seq" bs=1M count=256 conv=fsync)
	put "$sys" seqwrite "$(rate "$ns")"
	cold "$sys" || { trouble "$sys: remount failed"; return 1; }
	ns=$(timed dd if="$mnt/seq" of=/dev/null bs=1M)
	put "$sys" seqread "$(rate "$ns")"
	mkdir "$mnt/files"
	put "$sys" create "$(secs "$(timed split -b 4096 -a 4 -d \
		"$tmp/files.src" "$mnt/files/f")")"
	cold "$sys" || { trouble "$sys: remount failed"; return 1; }
	put "$sys" lsl "$(secs "$(timed ls -l "$mnt/files")")"
	if [ -f "$tmp/include.tar" ]; then
		put "$sys" untar "$(secs "$(timed tar -C "$mnt" -xf \
			"$tmp/include.tar")")"
		put "$sys" rmrf "$(secs "$(timed rm -rf "$mnt/include")")"
	fi
	fs_umount "$sys" || trouble "$sys: unmount failed"
	e2fsck -fn "$img" >/dev/null 2>&1 ||
		echo "$sys: e2fsck -fn found problems after the run"
}

# rate NS: 256 MiB in NS nanoseconds as MB/s.
rate() {
	case $1 in
	fail) echo fail ;;
	*) awk -v ns="$1" 'BEGIN {
		printf "%.1f", 256 * 1048576 / 1e6 / (ns / 1e9) }' ;;
	esac
}

# secs NS: NS nanoseconds as seconds.
secs() {
	case $1 in
	fail) echo fail ;;
	*) awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }' ;;
	esac
}

get() {
	cat "$tmp/res.$1.$2" 2>/dev/null || echo -
}

# 10,000 files of 4 KiB come from split(1) of one 40 MB file: one
# process creates them all, so the figure is the filesystem's.
head -c 40960000 /dev/urandom >"$tmp/files.src"
if [ -d /usr/include ]; then
	tar -C /usr -cf "$tmp/include.tar" include 2>/dev/null
else
	echo "no /usr/include: no untar and rm -rf rows"
fi
for s in $systems; do
	bench_sys "$s"
done

# row KEY LABEL KIND TARGET: one line of the table; KIND rate or time.
row() {
	ours=$(get vmlinux-fuse "$1")
	base=$(get fuse2fs "$1")
	ratio=$(awk -v a="$ours" -v b="$base" -v k="$3" 'BEGIN {
		if (a + 0 <= 0 || b + 0 <= 0) { print "-"; exit }
		printf "%.2f", k == "rate" ? a / b : b / a }')
	printf '%-30s %12s %12s %8s %8s %12s\n' "$2" "$ours" "$base" "$ratio" \
		"$4" "$(get host "$1")"
}
printf '%-30s %12s %12s %8s %8s %12s\n' "" vmlinux-fuse fuse2fs ratio \
	target "host ext2"
row seqwrite "seqwrite 256 MiB fsync (MB/s)" rate ">= 1"
row seqread "seqread cold (MB/s)" rate ">= 1"
row create "create 10,000 x 4 KiB (s)" time ">= 5"
row lsl "ls -l 10,000 cold (s)" time ">= 5"
row untar "untar /usr/include (s)" time ">= 5"
row rmrf "rm -rf of it (s)" time ">= 5"
echo "ratio: vmlinux-fuse / fuse2fs for rates, fuse2fs / vmlinux-fuse for times"
