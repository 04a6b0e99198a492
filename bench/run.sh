#!/bin/sh
# make bench: run every benchmark and print its figures.  Timing-sensitive,
# so never part of make check.
set -eu
top_builddir=${top_builddir:-.}
K="$top_builddir/vmlinux-host"

echo "== in-kernel benchmarks (bench/bench_kernel)"
"$top_builddir/bench/bench_kernel" quiet mem=256M

echo "== launch to panic (no root fs), 20 runs"
best=999999999
total=0
for i in $(seq 20); do
	t0=$(date +%s%N)
	"$K" quiet mem=256M >/dev/null 2>&1 || true
	t=$(( ($(date +%s%N) - t0) / 1000 ))
	total=$((total + t))
	[ "$t" -lt "$best" ] && best=$t
done
t0=$(date +%s%N)
for i in $(seq 20); do /bin/true; done
base=$(( ($(date +%s%N) - t0) / 1000 / 20 ))
echo "launch to panic: best $best us, mean $((total / 20)) us" \
	"(host /bin/true: $base us)"
