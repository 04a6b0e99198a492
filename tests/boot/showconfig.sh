#!/bin/sh
# --showconfig describes the build and exits 0 without booting.
. "${top_srcdir:-.}/tests/lib.sh"
run_kernel --showconfig
[ "$status" -eq 0 ] || fail "--showconfig exited $status"
expect_in "$WORK/out" "HZ"
expect_in "$WORK/out" "asan="
! grep -q 'Memory:' "$WORK/out" || fail "--showconfig booted the kernel"
pass "--showconfig"
