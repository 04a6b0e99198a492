#!/bin/sh
# Files written and fsync'ed (with their directory) survive a kill -9 of
# the server in the middle of other writes: after a lazy unmount and
# e2fsck -fy, debugfs and a new mount read them back intact, and e2fsck
# -fn finds nothing left to fix.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
need_fuse
img="$WORK/k.img"
mnt="$WORK/mnt"
mkdir "$mnt"
make_image "$img" 64
writer=
stop_writer() {
	[ -n "$writer" ] || return 0
	kill -KILL "$writer" 2>/dev/null
	fuse_wait_exit "$writer" 10
	wait "$writer" 2>/dev/null
	writer=
}
trap 'stop_writer; fuse_cleanup' EXIT

fuse_start "$img" "$mnt"
mkdir "$mnt/sync" "$mnt/unsynced"
for i in 1 2 3 4 5; do
	head -c $((i * 100000 + 123)) /dev/urandom >"$WORK/f$i"
	dd if="$WORK/f$i" of="$mnt/sync/f$i" bs=64k conv=fsync status=none ||
		fail "dd conv=fsync of f$i"
done
sync "$mnt/sync" "$mnt/unsynced" "$mnt" ||
	fail "sync (fsync) of the directories"
echo "5 files written with dd conv=fsync, their directories fsync'ed"

# Unsynced writes until the server dies (or the image is full).
(
	i=0
	while [ "$i" -lt 3000 ]; do
		cp "$WORK/f1" "$mnt/unsynced/$i" 2>/dev/null || exit 0
		i=$((i + 1))
	done
) &
writer=$!
n=100
until [ "$(ls "$mnt/unsynced" | wc -l)" -ge 10 ]; do
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "the background writer made no progress in 10 s"
	sleep 0.1
done
count=$(ls "$mnt/unsynced" | wc -l)
kill -KILL "$fuse_pid"
fuse_reap "$mnt" 10
[ "$fuse_status" -eq 137 ] || fail "kill -9: exit status $fuse_status"
fuse_wait_exit "$writer" 10 || fail "the writer hangs after the server died"
stop_writer
echo "killed the server (kill -9) after $count unsynced files, writes going on"
timeout -k 5 30 fusermount3 -u -z "$mnt" || fail "fusermount3 -u -z $mnt"
! fuse_is_mounted "$mnt" || fail "$mnt still mounted after fusermount3 -u -z"

st=0
e2fsck -fy "$img" >"$WORK/fsck-y" 2>&1 || st=$?
[ "$st" -le 2 ] || {
	cat "$WORK/fsck-y"
	fail "e2fsck -fy could not repair the image (status $st)"
}
fsck_clean "$img"
echo "e2fsck -fy repaired the image (status $st); e2fsck -fn is clean"

for i in 1 2 3 4 5; do
	debugfs -R "cat /sync/f$i" "$img" 2>/dev/null | cmp -s - "$WORK/f$i" ||
		fail "debugfs: the fsync'ed file f$i is not intact"
done
fuse_start "$img" "$mnt"
for i in 1 2 3 4 5; do
	cmp "$WORK/f$i" "$mnt/sync/f$i" ||
		fail "mounted again: the fsync'ed file f$i is not intact"
done
ls -l "$mnt/unsynced" >/dev/null || fail "ls -l of the unsynced directory"
fuse_umount "$mnt"
fsck_clean "$img"
pass "fsync'ed files intact after kill -9 and e2fsck -fy"
