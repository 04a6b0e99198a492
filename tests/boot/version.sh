#!/bin/sh
# --version prints "vmlinux-host VERSION" and exits 0 without booting.
. "${top_srcdir:-.}/tests/lib.sh"
run_kernel --version
[ "$status" -eq 0 ] || fail "--version exited $status"
grep -qE '^vmlinux-host [0-9]+\.[0-9]+' "$WORK/out" ||
	fail "unexpected --version output: $(cat "$WORK/out")"
pass "--version: $(head -n 1 "$WORK/out")"
