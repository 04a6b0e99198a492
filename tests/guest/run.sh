#!/bin/sh
# run.sh tests/guest/NAME.gexe: boot a private copy of the guest image
# with /bin/NAME as init and pass if it exits 0 and leaves the image
# clean (automake's log compiler for .gexe tests).
. "${top_srcdir:-.}/tests/lib.sh"
command -v e2fsck >/dev/null || PATH=$PATH:/sbin:/usr/sbin
name=$(basename "$1" .gexe)
img="$WORK/root.img"
cp --sparse=always "$top_builddir/tests/guest/guest.img" "$img" ||
	fail "no guest image"
run_kernel mem=256M ubd0="$img" init="/bin/$name" loglevel=4
[ "$status" -ne 77 ] || skip "$name: skipped inside the guest"
if [ "$status" -ne 0 ]; then
	cat "$WORK/out" "$WORK/err"
	fail "$name exited with status $status"
fi
e2fsck -fn "$img" >"$WORK/fsck" 2>&1 || { cat "$WORK/fsck"; fail "e2fsck"; }
pass "$name"
