#!/bin/sh
# With -o ro an image reads normally, every change fails with "Read-only
# file system", and after unmounting the image is byte-identical.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
need_fuse
mkdir -p "$WORK/tree/dir" "$WORK/tree/empty"
head -c 300000 /dev/urandom >"$WORK/tree/data"
echo hello >"$WORK/tree/dir/motd"
img="$WORK/ro.img"
mnt="$WORK/mnt"
mkdir "$mnt"
make_image "$img" 16 -d "$WORK/tree"
sum=$(sha256sum <"$img")

# refused WHAT CMD...: CMD must fail with "Read-only file system".
refused() {
	rf_what=$1
	shift
	if "$@" >"$WORK/err" 2>&1; then
		fail "$rf_what succeeded on a read-only mount"
	fi
	expect_in "$WORK/err" "Read-only file system"
}

fuse_start "$img" "$mnt" -o ro
cmp "$WORK/tree/data" "$mnt/data" || fail "reading a file"
[ "$(cat "$mnt/dir/motd")" = hello ] || fail "reading a file in a directory"
[ "$(ls "$mnt/dir")" = motd ] || fail "ls: $(ls "$mnt/dir")"
refused "touch of a new file" touch "$mnt/new"
refused "touch of an existing file" touch "$mnt/data"
refused "mkdir" mkdir "$mnt/newdir"
refused "rm" rm -f "$mnt/dir/motd"
refused "rmdir" rmdir "$mnt/empty"
refused "mv" mv "$mnt/data" "$mnt/moved"
refused "chmod" chmod 600 "$mnt/data"
refused "appending to a file" sh -c "echo more >>'$mnt/dir/motd'"
refused "overwriting a file" dd if=/dev/zero of="$mnt/data" bs=4096 \
	count=1 conv=notrunc
refused "truncate" truncate -s 0 "$mnt/data"
refused "ln -s" ln -s data "$mnt/sym"
[ "$(cat "$mnt/dir/motd")" = hello ] || fail "a refused write changed a file"
fuse_umount "$mnt"
[ "$(sha256sum <"$img")" = "$sum" ] || fail "a read-only mount wrote the image"
fsck_clean "$img"
pass "-o ro reads, refuses 11 kinds of change with EROFS, image unchanged"
