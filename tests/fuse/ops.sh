#!/bin/sh
# Single operations seen from the host: ext2 inode numbers, link counts,
# renameat2 NOREPLACE and EXCHANGE, a 2,000-entry readdir, 1 MiB requests,
# statfs, access, fallocate, sparse files, fast and slow symlinks, and an
# unlinked file still read through an open descriptor.  e2fsck -fn is
# clean afterwards.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
need_fuse
img="$WORK/ops.img"
mnt="$WORK/mnt"
mkdir "$mnt"
make_image "$img" 64
fuse_start "$img" "$mnt"

# Inode numbers are ext2's: the root directory is inode 2.
[ "$(stat -c %i "$mnt")" = 2 ] || fail "root inode $(stat -c %i "$mnt"), not 2"
mkdir "$mnt/links"
echo data >"$mnt/links/f"
ino=$(stat -c %i "$mnt/links/f")
[ "$(ls -i "$mnt/links/f" | cut -d' ' -f1)" = "$ino" ] ||
	fail "ls -i and stat -c %i disagree"
echo "inode numbers: root 2, links/f $ino"

# Link counts of files and directories.
nlink() {
	[ "$(stat -c %h "$1")" = "$2" ] ||
		fail "$(basename "$1"): link count $(stat -c %h "$1")," \
			"expected $2"
}
nlink "$mnt/links/f" 1
ln "$mnt/links/f" "$mnt/links/g" || fail "ln"
ln "$mnt/links/f" "$mnt/h" || fail "ln across directories"
nlink "$mnt/links/f" 3
[ "$(stat -c %i "$mnt/h")" = "$ino" ] || fail "a hard link has another inode"
rm "$mnt/links/g"
nlink "$mnt/links/f" 2
nlink "$mnt/links" 2
mkdir "$mnt/links/sub"
nlink "$mnt/links" 3
nlink "$mnt/links/sub" 2
rmdir "$mnt/links/sub"
nlink "$mnt/links" 2
echo "link counts follow ln, rm, mkdir and rmdir"

# renameat2 flags through python3's ctypes (coreutils 9.1 has no
# mv --exchange).
rename2() {
	python3 - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
flags = {"noreplace": 1, "exchange": 2}[sys.argv[1]]
if libc.renameat2(-100, sys.argv[2].encode(), -100, sys.argv[3].encode(),
                  flags) != 0:
    print(os.strerror(ctypes.get_errno()))
    sys.exit(1)
PY
}
if command -v python3 >/dev/null && : >"$WORK/r1" &&
	rename2 noreplace "$WORK/r1" "$WORK/r2" >/dev/null 2>&1; then
	r="$mnt/rename"
	mkdir "$r" "$r/p1" "$r/p2" "$r/p1/sub"
	echo A >"$r/a"
	echo B >"$r/b"
	echo F >"$r/p2/file"
	rename2 noreplace "$r/a" "$r/b" >"$WORK/err" 2>&1 &&
		fail "RENAME_NOREPLACE replaced an existing file"
	expect_in "$WORK/err" "File exists"
	[ "$(cat "$r/a")$(cat "$r/b")" = AB ] ||
		fail "a failed NOREPLACE changed files"
	rename2 noreplace "$r/a" "$r/c" || fail "RENAME_NOREPLACE to a new name"
	[ ! -e "$r/a" ] && [ "$(cat "$r/c")" = A ] || fail "NOREPLACE rename"
	rename2 exchange "$r/b" "$r/c" || fail "RENAME_EXCHANGE of two files"
	[ "$(cat "$r/b")$(cat "$r/c")" = AB ] ||
		fail "EXCHANGE did not swap files"
	rename2 exchange "$r/p1/sub" "$r/p2/file" ||
		fail "RENAME_EXCHANGE of a directory and a file across" \
			"directories"
	[ "$(cat "$r/p1/sub")" = F ] && [ -d "$r/p2/file" ] ||
		fail "EXCHANGE did not swap the directory and the file"
	nlink "$r/p1" 2
	nlink "$r/p2" 3
	[ "$(stat -c %i "$r/p2/file/..")" = "$(stat -c %i "$r/p2")" ] ||
		fail "the exchanged directory's .. is not its new parent"
	rename2 exchange "$r/b" "$r/none" >"$WORK/err" 2>&1 &&
		fail "RENAME_EXCHANGE with a missing target succeeded"
	expect_in "$WORK/err" "No such file or directory"
	echo "renameat2: NOREPLACE refuses and renames, EXCHANGE swaps"
else
	echo "no python3 with renameat2: RENAME_NOREPLACE/EXCHANGE not checked"
fi

# A directory of 2,000 entries with long names (many blocks, many
# READDIR requests), then with every other entry removed.
mkdir "$mnt/big"
seq -f 'an-entry-with-a-fairly-long-name-%04g' 1 2000 >"$WORK/names"
(cd "$mnt/big" && xargs touch <"$WORK/names") || fail "creating 2,000 files"
ls "$mnt/big" | sort | cmp -s - "$WORK/names" ||
	fail "ls of 2,000 entries: $(ls "$mnt/big" | wc -l) names, or" \
		"wrong ones"
[ "$(ls -l "$mnt/big" | wc -l)" = 2001 ] || fail "ls -l of 2,000 entries"
(cd "$mnt/big" && sed -n 'p;n' "$WORK/names" | xargs rm) ||
	fail "removing 1,000 entries"
sed -n 'n;p' "$WORK/names" >"$WORK/left"
ls "$mnt/big" | sort | cmp -s - "$WORK/left" ||
	fail "ls after removing every other entry"
(cd "$mnt/big" && xargs rm <"$WORK/left") || fail "removing the rest"
rmdir "$mnt/big" || fail "rmdir of the emptied directory"
echo "readdir of 2,000 entries, of 1,000 left, rmdir once empty"

# Large requests: 5 MiB with dd bs=1M, then an unaligned overwrite.
head -c 5242880 /dev/urandom >"$WORK/big"
set -- $(stat -f -c '%b %f %a %S %c %d' "$mnt")
free0=$2
dd if="$WORK/big" of="$mnt/big" bs=1M status=none || fail "dd bs=1M write"
dd if="$mnt/big" bs=1M status=none | cmp - "$WORK/big" || fail "dd bs=1M read"
head -c 100000 /dev/urandom >"$WORK/patch"
for f in "$WORK/big" "$mnt/big"; do
	dd if="$WORK/patch" of="$f" bs=65536 seek=1234567 oflag=seek_bytes \
		conv=notrunc status=none || fail "unaligned overwrite of $f"
done
cmp "$WORK/big" "$mnt/big" || fail "after an unaligned overwrite"
echo "5 MiB written and read with 1 MiB requests; unaligned overwrite"

# statfs: sane figures that follow the 5 MiB just written.
set -- $(stat -f -c '%b %f %a %S %c %d' "$mnt")
[ "$1" -gt 0 ] && [ "$2" -le "$1" ] && [ "$3" -le "$2" ] &&
	[ "$4" -ge 1024 ] && [ "$5" -gt 0 ] && [ "$6" -le "$5" ] ||
	fail "stat -f: blocks/free/avail/bsize/inodes/ifree: $*"
size=$(($1 * $4 / 1048576))
[ "$size" -ge 56 ] && [ "$size" -le 64 ] || fail "stat -f: $size MiB, not 64"
[ $(((free0 - $2) * $4)) -ge 5242880 ] ||
	fail "stat -f: free space went from $free0 to $2 blocks for 5 MiB"
echo "statfs: $1 blocks of $4 bytes, $2 free, $5 inodes, $6 free"

# access(2): read and write for the owner of a 644 file; execute only
# once a bit allows it.
echo x >"$mnt/acc"
chmod 644 "$mnt/acc"
test -r "$mnt/acc" && test -w "$mnt/acc" || fail "test -r/-w of a 644 file"
! test -x "$mnt/acc" || fail "test -x of a 644 file succeeds"
chmod 755 "$mnt/acc"
test -x "$mnt/acc" || fail "test -x of a 755 file fails"
test -x "$mnt/links" || fail "test -x of a directory fails"
echo "access: test -r, -w, -x follow the mode"

# fallocate works (and reads zeros) or is not supported.
if command -v fallocate >/dev/null; then
	if fallocate -l 1M "$mnt/falloc" 2>"$WORK/err"; then
		[ "$(stat -c %s "$mnt/falloc")" = 1048576 ] ||
			fail "fallocate -l 1M: size $(stat -c %s "$mnt/falloc")"
		head -c 1048576 /dev/zero | cmp -s - "$mnt/falloc" ||
			fail "fallocate -l 1M: does not read zeros"
		echo "fallocate -l 1M works"
	else
		expect_in "$WORK/err" "Operation not supported"
		echo "fallocate: Operation not supported"
	fi
fi

# A sparse file: 1 GiB of hole, then one byte at 700 MiB.
truncate -s 1G "$mnt/sparse" || fail "truncate -s 1G"
[ "$(stat -c %s "$mnt/sparse")" = 1073741824 ] || fail "sparse: size"
[ "$(du -k "$mnt/sparse" | cut -f1)" -lt 64 ] ||
	fail "sparse: du $(du -k "$mnt/sparse")"
head -c 4096 /dev/zero >"$WORK/zero4k"
dd if="$mnt/sparse" bs=4096 skip=131072 count=1 status=none |
	cmp -s - "$WORK/zero4k" || fail "a hole does not read zeros"
printf x | dd of="$mnt/sparse" bs=1 seek=734003200 conv=notrunc status=none ||
	fail "writing into a hole"
[ "$(dd if="$mnt/sparse" bs=1 skip=734003200 count=1 status=none)" = x ] ||
	fail "the byte written into the hole"
[ "$(du -k "$mnt/sparse" | cut -f1)" -lt 64 ] || fail "sparse: du after a write"
echo "sparse 1 GiB file: small du, holes read zeros, a byte in a hole"

# Symlinks: a fast one (in the inode) and a slow one (in a block).
long=$(printf '%0200d' 0 | tr 0 x)
ln -s short/target "$mnt/fast" || fail "ln -s (short)"
ln -s "$long" "$mnt/slow" || fail "ln -s (200 bytes)"
[ "$(readlink "$mnt/fast")" = short/target ] ||
	fail "readlink of the fast symlink"
[ "$(readlink "$mnt/slow")" = "$long" ] || fail "readlink of the slow symlink"
[ "$(stat -c %s "$mnt/slow")" = 200 ] || fail "the slow symlink's size"
ls -l "$mnt/fast" | grep -q -- '-> short/target$' || fail "ls -l of a symlink"
echo "fast and slow symlinks read back"

# An unlinked file stays readable through an open descriptor.
echo "still here" >"$mnt/open"
exec 3<"$mnt/open"
rm "$mnt/open" || fail "rm of an open file"
[ ! -e "$mnt/open" ] || fail "the unlinked file is still visible"
[ "$(cat <&3)" = "still here" ] || fail "reading the unlinked open file"
exec 3<&-
echo "an unlinked open file reads until closed"

fuse_umount "$mnt"
fsck_clean "$img"
dino=$(debugfs -R 'stat /links/f' "$img" 2>/dev/null |
	sed -n 's/^Inode: *\([0-9]*\).*/\1/p')
[ "$dino" = "$ino" ] || fail "links/f: inode $ino on the host, $dino in ext2"
pass "inode numbers, links, renames, readdir, large I/O, statfs, access," \
	"fallocate, sparse files, symlinks, unlinked open files"
