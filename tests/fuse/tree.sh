#!/bin/sh
# A tree copied into a fresh image with ordinary tools (cp -a, tar, mv,
# ln, chmod, chown, touch, truncate, mkfifo, rm -rf) reads back identical,
# leaves e2fsck -fn nothing to fix after unmount, and is all still there,
# with its names, links, modes, owners and times, when mounted again.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
need_fuse
[ -d /usr/include ] || skip "no /usr/include to copy"

# The tree: /usr/include's top-level entries of at most 8 MiB each, 48 MiB
# in all, so that it and a copy fit in 256 MiB and the test stays short.
src="$WORK/src/include"
mkdir -p "$src"
du -sk /usr/include/* 2>/dev/null | awk '$1 <= 8192 && t + $1 <= 49152 {
	t += $1; print $2 }' | while read -r e; do
	cp -a "$e" "$src/"
done
nsrc=$(find "$src" | wc -l)
[ "$nsrc" -gt 100 ] || skip "/usr/include has only $nsrc entries"
img="$WORK/tree.img"
mnt="$WORK/mnt"
mkdir "$mnt"
make_image "$img" 256
# The foreground mode first: the unmount after the writes sees its status.
fuse_start "$img" "$mnt"

cp -a "$src" "$mnt/" || fail "cp -a $src into the mount"
diff -r --no-dereference "$src" "$mnt/include" >"$WORK/diff" 2>&1 || {
	head -n 20 "$WORK/diff"
	fail "diff -r after cp -a"
}
mkdir "$mnt/copy"
(cd "$mnt" && tar cf - include) | (cd "$mnt/copy" && tar xf -) ||
	fail "tar c | tar x inside the mount"
diff -r --no-dereference "$src" "$mnt/copy/include" >"$WORK/diff" 2>&1 || {
	head -n 20 "$WORK/diff"
	fail "diff -r after tar c | tar x"
}
echo "copied $nsrc entries with cp -a and tar; diff -r finds nothing"

t="$mnt/t"
mkdir "$t" "$t/d1"
yes abcdefghi | head -c 1000 >"$WORK/orig"
cp "$WORK/orig" "$t/a"
mv "$t/a" "$t/b" || fail "mv of a file"
mv "$t/d1" "$t/d2" || fail "mv of a directory"
ln "$t/b" "$t/hard" || fail "ln"
ln -s b "$t/sym" || fail "ln -s"
chmod 640 "$t/b" || fail "chmod 640"
chmod 751 "$t/d2" || fail "chmod 751 on a directory"
owner=
if [ "$(id -u)" -eq 0 ]; then
	chown 1234:5678 "$t/b" || fail "chown 1234:5678"
	owner=1234:5678
fi
touch -d '2001-02-03 04:05:06' "$t/b" "$t/d2" || fail "touch -d"
when=$(date -d '2001-02-03 04:05:06' +%s)
cp "$WORK/orig" "$t/trunc"
truncate -s 10000 "$t/trunc" || fail "truncate -s 10000 (grow)"
head -c 9000 /dev/zero >"$WORK/zeros"
[ "$(stat -c %s "$t/trunc")" = 10000 ] || fail "size after growing"
tail -c 9000 "$t/trunc" | cmp -s - "$WORK/zeros" ||
	fail "the grown part of a file does not read zeros"
truncate -s 500 "$t/trunc" || fail "truncate -s 500 (shrink)"
truncate -s 5000 "$t/trunc" || fail "truncate -s 5000 (grow again)"
head -c 500 "$WORK/orig" >"$WORK/trunc"
head -c 4500 /dev/zero >>"$WORK/trunc"
mkfifo "$t/fifo" || fail "mkfifo"

# check_t: the entries of $t are as made above.
check_t() {
	[ ! -e "$t/a" ] && [ ! -e "$t/d1" ] || fail "mv left the old name"
	[ -d "$t/d2" ] || fail "the renamed directory is gone"
	cmp -s "$WORK/orig" "$t/b" || fail "the renamed file's content"
	[ "$(stat -c %h "$t/b")" = 2 ] ||
		fail "b: link count $(stat -c %h "$t/b")"
	[ "$(stat -c %i "$t/b")" = "$(stat -c %i "$t/hard")" ] ||
		fail "the hard link has another inode"
	[ "$(readlink "$t/sym")" = b ] || fail "readlink: $(readlink "$t/sym")"
	cmp -s "$WORK/orig" "$t/sym" || fail "reading through the symlink"
	[ "$(stat -c %a "$t/b")" = 640 ] || fail "b: mode $(stat -c %a "$t/b")"
	[ "$(stat -c %a "$t/d2")" = 751 ] ||
		fail "d2: mode $(stat -c %a "$t/d2")"
	[ -z "$owner" ] || [ "$(stat -c %u:%g "$t/b")" = "$owner" ] ||
		fail "b: owner $(stat -c %u:%g "$t/b"), expected $owner"
	[ "$(stat -c %Y "$t/b")" = "$when" ] ||
		fail "b: mtime $(stat -c %Y "$t/b"), expected $when"
	[ "$(stat -c %Y "$t/d2")" = "$when" ] ||
		fail "d2: mtime $(stat -c %Y "$t/d2"), expected $when"
	[ "$(stat -c %s "$t/trunc")" = 5000 ] || fail "size after shrink, grow"
	cmp "$WORK/trunc" "$t/trunc" ||
		fail "shrunk then grown: old bytes past the cut came back"
	[ "$(stat -c %F "$t/fifo")" = fifo ] ||
		fail "fifo: $(stat -c %F "$t/fifo")"
}
check_t
echo "mv, ln, ln -s, chmod, chown, touch -d, truncate, mkfifo work"

n=$(find "$mnt/include" | wc -l)
[ "$n" -eq "$nsrc" ] || fail "find | wc -l: $n entries, the source has $nsrc"
du=$(du -s "$mnt" | cut -f1)
[ "$du" -gt 0 ] || fail "du -s of the mount: $du"
df -P "$mnt" >"$WORK/df" || fail "df $mnt"
set -- $(sed -n 2p "$WORK/df")
[ "${2:-0}" -gt 200000 ] && [ "${3:-0}" -gt 0 ] && [ "${4:-0}" -gt 0 ] || {
	cat "$WORK/df"
	fail "df: implausible sizes for a 256 MiB image"
}
rm -rf "$mnt/copy" || fail "rm -rf of the tar copy"
[ ! -e "$mnt/copy" ] || fail "rm -rf left $mnt/copy"
echo "find, du -s, df and rm -rf work"

fuse_umount "$mnt"
fsck_clean "$img"
echo "unmounted; e2fsck -fn is clean"

fuse_mount "$img" "$mnt"
diff -r --no-dereference "$src" "$mnt/include" >"$WORK/diff" 2>&1 || {
	head -n 20 "$WORK/diff"
	fail "diff -r after mounting again"
}
[ ! -e "$mnt/copy" ] || fail "the removed copy is back"
check_t
if [ "$(id -u)" -eq 0 ]; then
	timeout -k 5 30 umount "$mnt" || fail "umount $mnt"
	fuse_wait "$mnt"
else
	fuse_umount "$mnt"
fi
fsck_clean "$img"
pass "a copied tree, its links, modes, owners, times and sizes persist"
