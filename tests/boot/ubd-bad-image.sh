#!/bin/sh
# A disk image that cannot be used is refused before boot: one line on
# stderr naming the disk and the file, nothing on stdout, exit status 2.
. "${top_srcdir:-.}/tests/lib.sh"
check_refused() {
	text=$1
	shift
	run_kernel "$@"
	[ "$status" -eq 2 ] || fail "'$*': exit status $status, not 2"
	expect_one_line "$WORK/err"
	expect_in "$WORK/err" "vmlinux-host: $text"
	[ ! -s "$WORK/out" ] || fail "'$*': the kernel printed before refusing"
}
truncate -s 1M "$WORK/good.img"
head -c 1000 /dev/zero >"$WORK/odd.img"
: >"$WORK/empty.img"
mkdir "$WORK/dir.img"
check_refused "ubd0: $WORK/none.img: No such file or directory" \
	ubd0="$WORK/none.img"
check_refused "ubd0: $WORK/dir.img: Is a directory" ubd0="$WORK/dir.img"
check_refused "ubd0: $WORK/dir.img: Is a directory" ubd0r="$WORK/dir.img"
check_refused "ubd0: $WORK/odd.img: size 1000 is not a multiple of 512 bytes" \
	ubd0="$WORK/odd.img"
check_refused "ubd0: $WORK/empty.img: empty image" ubd0="$WORK/empty.img"
check_refused "ubd0: /dev/null: not a regular file or block device" \
	ubd0=/dev/null
check_refused "ubd3: $WORK/none.img: No such file or directory" \
	ubd0="$WORK/good.img" ubd3r="$WORK/none.img"
if [ "$(id -u)" -ne 0 ]; then
	cp "$WORK/good.img" "$WORK/secret.img"
	chmod 000 "$WORK/secret.img"
	check_refused "ubd0: $WORK/secret.img: Permission denied" \
		ubd0r="$WORK/secret.img"
	chmod 444 "$WORK/secret.img"
	check_refused "ubd0: $WORK/secret.img: Permission denied (ubd0r=FILE" \
		ubd0="$WORK/secret.img"
fi
# The default ubd0 is rootfs.img next to the binary: say how to get it.
cp "$VMLINUX" "$WORK/vmlinux-host"
VMLINUX="$WORK/vmlinux-host"
hint="(the default root image; give ubd0=FILE)"
check_refused "ubd0: $WORK/rootfs.img: No such file or directory $hint"
pass "missing, directory, odd-sized, empty and special images refused"
