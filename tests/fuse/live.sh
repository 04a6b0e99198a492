#!/bin/sh
# fuse=DIR exports the live tree: what the kernel writes appears in DIR
# at once, and what the host writes into DIR the kernel reads at once
# (one page cache).  The kernel side is tests/fuse/live.c.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/fuse/lib.sh"
need_fuse

img="$WORK/img"
mnt="$WORK/mnt"
mkdir "$mnt"
mke2fs -q -F -t ext2 "$img" 16M || fail "mke2fs"
timeout -k 5 60 "$top_builddir/tests/fuse/live" ubd0="$img" fuse="$mnt" \
	>"$WORK/out" 2>&1 &
pid=$!

# wait_text FILE TEXT: FILE (on the host) holds TEXT within 20 s.
wait_text() {
	i=0
	while [ "$(cat "$1" 2>/dev/null)" != "$2" ]; do
		i=$((i + 1))
		[ "$i" -lt 400 ] || { cat "$WORK/out"; fail "$1 never held '$2'"; }
		sleep 0.05
	done
}

wait_text "$mnt/k1" "kernel 1"
printf 'host 1' >"$mnt/h1"
wait_text "$mnt/k2" "done"
[ "$(cat "$mnt/k1")" = "kernel 2" ] ||
	fail "DIR/k1 still shows '$(cat "$mnt/k1")' after the kernel rewrote it"
printf 'host 2' >"$mnt/h2"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] || { cat "$WORK/out"; fail "live exited with $status"; }
! grep -q " $mnt " /proc/mounts || fail "$mnt is still mounted after exit"
e2fsck -fn "$img" >"$WORK/fsck" 2>&1 || { cat "$WORK/fsck"; fail "e2fsck"; }
[ "$(debugfs -R 'cat /h1' "$img" 2>/dev/null)" = "host 1" ] ||
	fail "/h1 is not in the image"
pass "host and kernel see each other's writes through fuse=DIR at once"
