#!/bin/sh
# mkimage.sh IMAGE PROG.gexe...: the ext2 image the guest tests boot.
# Each program becomes /bin/NAME; busybox (when the host has a static
# one) is /bin/busybox; /dev, /tmp, /etc and /proc exist for the kernel
# and the tests.
set -eu
img=$1
shift
stage=$(mktemp -d "${TMPDIR:-/tmp}/guest-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/tmp" "$stage/etc" "$stage/proc" \
	"$stage/root"
chmod 1777 "$stage/tmp"
for prog in "$@"; do
	name=$(basename "$prog" .gexe)
	cp "$prog" "$stage/bin/$name"
done
if [ -n "${BUSYBOX:-}" ] && [ -x "$BUSYBOX" ] &&
   ! readelf -l "$BUSYBOX" 2>/dev/null | grep -q INTERP; then
	cp "$BUSYBOX" "$stage/bin/busybox"
	for applet in $("$BUSYBOX" --list); do
		[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
	done
fi
# A dynamically linked program, which exec must refuse with ENOEXEC.
for dyn in /bin/true /usr/bin/true; do
	if readelf -l "$dyn" 2>/dev/null | grep -q INTERP; then
		cp "$dyn" "$stage/bin/dynamic-true"
		break
	fi
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
echo guest >"$stage/etc/hostname"
rm -f "$img.tmp"
"${MKE2FS:-mke2fs}" -q -F -t ext2 -b 4096 -d "$stage" "$img.tmp" 128M
mv "$img.tmp" "$img"
