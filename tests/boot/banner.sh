#!/bin/sh
# Boot prints a banner with the version, the memory size and free frames.
. "${top_srcdir:-.}/tests/lib.sh"
truncate -s 4M "$WORK/disk.img" || fail "cannot make a disk image"
run_kernel mem=64M ubd0="$WORK/disk.img"
expect_in "$WORK/out" "vmlinux-host version"
expect_in "$WORK/out" "Memory: "
expect_in "$WORK/out" "/65536K available"
grep -qE 'available, [1-9][0-9]* free frames' "$WORK/out" ||
	fail "banner does not give the free frame count"
grep -qE '^\[ +[0-9]+\.[0-9]{6}\] ' "$WORK/out" ||
	fail "console lines lack [    s.uuuuuu] timestamps"
pass "banner with version, memory and free frames"
