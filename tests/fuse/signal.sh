#!/bin/sh
# SIGTERM or SIGINT to a foreground vmlinux-fuse unmounts, writes
# everything back and exits 0 within 30 s: the mount is gone, e2fsck -fn
# is clean and the file written just before is in the image.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
need_fuse
mnt="$WORK/mnt"
mkdir "$mnt"
head -c 200000 /dev/urandom >"$WORK/data"

# stop_by SIG: mount a fresh image, write a file, send SIG, check.
stop_by() {
	img="$WORK/$1.img"
	make_image "$img" 16
	fuse_start "$img" "$mnt"
	cp "$WORK/data" "$mnt/f" || fail "SIG$1: writing a file"
	echo "$1" >"$mnt/small" || fail "SIG$1: writing a small file"
	kill -s "$1" "$fuse_pid"
	fuse_wait "$mnt"
	fsck_clean "$img"
	debugfs -R 'cat /f' "$img" 2>/dev/null | cmp -s - "$WORK/data" ||
		fail "SIG$1: the file written before the signal is not in" \
			"the image"
	[ "$(debugfs -R 'cat /small' "$img" 2>/dev/null)" = "$1" ] ||
		fail "SIG$1: the small file is not in the image"
	echo "SIG$1: exit status 0, unmounted, file written back, image clean"
}

stop_by TERM
if [ -n "$fuse_env" ]; then
	stop_by INT
else
	echo "env --default-signal missing: SIGINT is ignored by background" \
		"jobs, not checked"
fi
pass "SIGTERM and SIGINT unmount cleanly"
