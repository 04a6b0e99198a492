#!/bin/sh
# What vmlinux-fuse cannot mount it refuses with one line "vmlinux-fuse:
# ..." on stderr and a non-zero status, leaving nothing mounted and no
# server running: missing arguments or mount point, a mount point that is
# not a directory, an image in use (by vmlinux-fuse, vmlinux-host or a
# flock), a corrupt, missing or directory image, bad options.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
need_fuse
img="$WORK/good.img"
make_image "$img" 16
head -c 8388608 /dev/zero >"$WORK/zero.img"
mkdir "$WORK/m1" "$WORK/m2"
: >"$WORK/file"
trap 'flock_release; fuse_cleanup' EXIT

# state: what is mounted under $WORK and which processes serve it.
state() {
	awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts
	fuse_holders "$WORK/*" | sort
}

# refused WHAT TEXT ARG...: "vmlinux-fuse ARG..." fails with one line that
# starts "vmlinux-fuse: " and holds TEXT (unless empty), within 30 s, and
# changes nothing mounted or running.
refused() {
	what=$1
	text=$2
	shift 2
	before=$(state)
	st=0
	timeout -k 5 30 "$FUSE" "$@" </dev/null >"$WORK/out" 2>"$WORK/err" ||
		st=$?
	[ "$st" -ne 124 ] && [ "$st" -ne 137 ] ||
		fail "$what: vmlinux-fuse $* did not finish within 30 s"
	[ "$st" -ne 0 ] || fail "$what: vmlinux-fuse $* exited 0"
	expect_one_line "$WORK/err"
	grep -q '^vmlinux-fuse: ' "$WORK/err" ||
		fail "$what: stderr does not start 'vmlinux-fuse: ':" \
			"$(cat "$WORK/err")"
	[ -z "$text" ] || expect_in "$WORK/err" "$text"
	sleep 0.2
	[ "$(state)" = "$before" ] ||
		fail "$what: mounts or servers changed: $(state)"
	echo "$what: $(cat "$WORK/err")"
}

refused "no arguments" ""
refused "no mount point" "" "$img"
refused "unknown flag" "" -Z "$img" "$WORK/m1"
refused "bad -o option" "nosuchoption" -o nosuchoption "$img" "$WORK/m1"
refused "missing mount point" "$WORK/none" "$img" "$WORK/none"
refused "mount point not a directory" "$WORK/file" "$img" "$WORK/file"
refused "missing image" "$WORK/none.img: No such file or directory" \
	"$WORK/none.img" "$WORK/m1"
refused "image is a directory" "$WORK/m2" "$WORK/m2" "$WORK/m1"
refused "image of zeros" "$WORK/zero.img" "$WORK/zero.img" "$WORK/m1"
refused "image of zeros, -f" "$WORK/zero.img" -f "$WORK/zero.img" "$WORK/m1"

fuse_mount "$img" "$WORK/m1"
echo kept >"$WORK/m1/f" || fail "writing to the first mount"
refused "image in use by vmlinux-fuse" "in use" "$img" "$WORK/m2"
refused "image in use, -o ro" "in use" -o ro "$img" "$WORK/m2"
run_kernel mem=32M ubd0="$img"
[ "$status" -eq 2 ] ||
	fail "vmlinux-host ubd0= of a mounted image: status $status"
expect_in "$WORK/err" "in use"
echo "vmlinux-host ubd0= of the mounted image: $(cat "$WORK/err")"
[ "$(cat "$WORK/m1/f")" = kept ] || fail "the first mount stopped working"
fuse_umount "$WORK/m1"
fsck_clean "$img"

if command -v flock >/dev/null; then
	flock_hold -x "$img"
	refused "image locked with flock -x" "in use" "$img" "$WORK/m2"
	flock_release
else
	echo "no flock command: the flock case is not checked"
fi
fuse_mount "$img" "$WORK/m2"
[ "$(cat "$WORK/m2/f")" = kept ] || fail "the image lost a file"
fuse_umount "$WORK/m2"
fsck_clean "$img"
pass "bad arguments, mount points and images refused with one line"
