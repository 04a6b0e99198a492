#!/bin/sh
# vmlinux-host fuse=DIR: a missing DIR or one that is not a directory is
# refused with one line and exit status 2; after a run (which ends in the
# missing-init panic) DIR is no longer mounted and nothing serves it; a
# stale FUSE mount at DIR (its server killed) is refused with one line.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
img="$WORK/root.img"
dir="$WORK/dir"
make_image "$img" 16

# refused WHAT DIR: vmlinux-host fuse=DIR fails with one line naming DIR.
refused() {
	run_kernel mem=64M ubd0="$img" fuse="$2"
	[ "$status" -ne 0 ] || fail "fuse=$2 ($1): exit status 0"
	expect_one_line "$WORK/err"
	expect_in "$WORK/err" "$2"
	echo "fuse= $1: status $status: $(cat "$WORK/err")"
}

refused "missing directory" "$WORK/none"
[ "$status" -eq 2 ] ||
	fail "fuse= of a missing directory: status $status, not 2"
: >"$WORK/file"
refused "not a directory" "$WORK/file"
[ "$status" -eq 2 ] || fail "fuse= of a file: status $status, not 2"

need_fuse
mkdir "$dir"
run_kernel mem=64M ubd0="$img" fuse="$dir"
[ "$status" -eq 1 ] || {
	cat "$WORK/err"
	fail "expected the missing-init panic (1), got $status"
}
expect_in "$WORK/out" "No working init found"
! fuse_is_mounted "$dir" ||
	fail "$dir is still mounted after vmlinux-host exited"
[ -z "$(fuse_holders "$WORK/*")" ] || fail "a process still serves $dir"
fsck_clean "$img"
echo "fuse=DIR: vmlinux-host exited 1 (no init), $dir unmounted, image clean"

make_image "$WORK/other.img" 16
fuse_start "$WORK/other.img" "$dir"
kill -KILL "$fuse_pid"
fuse_reap "$dir" 10
if stat "$dir" >/dev/null 2>"$WORK/stat.err"; then
	fail "killing vmlinux-fuse -f left no stale mount at $dir"
fi
expect_in "$WORK/stat.err" "Transport endpoint is not connected"
refused "stale mount" "$dir"
grep -qiE 'stale|not connected' "$WORK/err" ||
	fail "the message does not say the mount is stale: $(cat "$WORK/err")"
fsck_clean "$img"
timeout -k 5 30 fusermount3 -u -z "$dir" || fail "fusermount3 -u -z $dir"
run_kernel mem=64M ubd0="$img" fuse="$dir"
[ "$status" -eq 1 ] || fail "after clearing the stale mount: status $status"
! fuse_is_mounted "$dir" || fail "$dir is still mounted after the second run"
pass "fuse=DIR refused when missing, not a directory or stale;" \
	"unmounted at exit"
