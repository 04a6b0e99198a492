#!/bin/sh
# make bench: run every benchmark and print its figures.  Timing-sensitive,
# so never part of make check.
set -eu
top_builddir=${top_builddir:-.}
K="$top_builddir/vmlinux-host"
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/vmlinux-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== in-kernel benchmarks (bench/bench_kernel)"
"$top_builddir/bench/bench_kernel" quiet mem=256M

echo "== launch to panic (a disk of zeros: no root fs), 20 runs"
truncate -s 4M "$tmp/zero.img"
best=999999999
total=0
for i in $(seq 20); do
	t0=$(date +%s%N)
	"$K" quiet mem=256M ubd0="$tmp/zero.img" >/dev/null 2>&1 || true
	t=$(( ($(date +%s%N) - t0) / 1000 ))
	total=$((total + t))
	[ "$t" -lt "$best" ] && best=$t
done
t0=$(date +%s%N)
for i in $(seq 20); do /bin/true; done
base=$(( ($(date +%s%N) - t0) / 1000 / 20 ))
echo "launch to panic: best $best us, mean $((total / 20)) us" \
	"(host /bin/true: $base us)"

echo "== disks (bench/bench_blk on a 1 GiB image)"
img="$tmp/disk.img"
# Written out, not sparse: reads must reach the host's disk.
dd if=/dev/zero of="$img" bs=1M count=1024 conv=fdatasync status=none
"$top_builddir/bench/bench_blk" quiet mem=256M ubd0="$img"
rate=$(dd if=/dev/zero of="$img" bs=1M count=1024 conv=notrunc,fdatasync \
	2>&1 | sed -n 's/.*, \([0-9.]* [kMG]*B\/s\)$/\1/p')
echo "seqwrite 1M + fdatasync: host dd $rate"

echo "== filesystem (bench/bench_fs: ext2 in the kernel vs the host's ext2)"
fsimg="$tmp/fs.img"
rm -f "$fsimg"
mke2fs -q -F -t ext2 "$fsimg" 1G
"$top_builddir/bench/bench_fs" quiet mem=1G ubd0="$fsimg"
e2fsck -fn "$fsimg" >/dev/null 2>&1 || echo "bench_fs: e2fsck found problems"
mnt="$tmp/mnt"
mkdir -p "$mnt"
rm -f "$fsimg"
mke2fs -q -F -t ext2 "$fsimg" 1G
if mount -o loop "$fsimg" "$mnt" 2>/dev/null; then
	"$top_builddir/bench/bench_fs" --host "$mnt"
	umount "$mnt"
else
	echo "host ext2: no loop mount on this machine (not root?): skipped"
fi
rm -f "$fsimg"

echo "== user mode (bench/user.sh: guest programs in the kernel vs the host)"
top_builddir="$top_builddir" sh "$(dirname "$0")/user.sh"

echo "== FUSE (bench/fuse.sh: vmlinux-fuse vs fuse2fs)"
top_builddir="$top_builddir" sh "$(dirname "$0")/fuse.sh"
