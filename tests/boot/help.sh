#!/bin/sh
# --help exits 0 and names every parameter.
. "${top_srcdir:-.}/tests/lib.sh"
run_kernel --help
[ "$status" -eq 0 ] || fail "--help exited $status"
for p in ubdN= ubdNr= root= rootfstype= ro rw init= mem= quiet loglevel= \
	sched= ncpus= fuse= --help --version --showconfig; do
	expect_in "$WORK/out" "$p"
done
[ ! -s "$WORK/err" ] || fail "--help wrote to stderr"
! grep -q 'Kernel panic' "$WORK/out" || fail "--help booted the kernel"
pass "--help lists every parameter"
