#!/bin/sh
# Debian's busybox-static (a glibc static binary) runs inside the kernel:
# the same commands over the same files give the same output in the guest
# as the same busybox binary on the host.
. "${top_srcdir:-.}/tests/lib.sh"
command -v mke2fs >/dev/null || PATH=$PATH:/sbin:/usr/sbin
bb=/bin/busybox
[ -x "$bb" ] && ! readelf -l "$bb" 2>/dev/null | grep -q INTERP ||
	skip "no static busybox on the host"
stage="$WORK/stage"
mkdir -p "$stage/bin" "$stage/dev" "$stage/tmp" "$stage/data"
cp "$bb" "$stage/bin/busybox"
for applet in $("$bb" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
# Sources only (not build outputs): the same files on both sides.
(cd "$top_srcdir" && tar cf - $(find core fs -name '*.[ch]')) |
	(cd "$stage/data" && tar xf -) || fail "cannot copy the sources"
seq 1 20000 >"$stage/data/numbers"
cat >"$stage/data/run.sh" <<'SCRIPT'
cd "$1" || exit 1
for c in \
	"echo hello; for i in 1 2 3; do echo \$i; done; x=\$((6*7)); echo \$x" \
	"ls core | sort" \
	"ls -1R fs | head -50" \
	"cat core/process.c | md5sum" \
	"grep -rn KASSERT core | sort | head -40" \
	"grep -c include core/user.c" \
	"sort -r numbers | head -5; sort -n numbers | tail -3" \
	"wc -l core/*.c | sort" \
	"find . -name '*.h' | sort" \
	"find fs -type d | sort" \
	"tar cf - core | tar tf - | sort" \
	"tar cf /tmp/t.tar fs && tar tvf /tmp/t.tar | wc -l" \
	"md5sum core/*.c | sort" \
	"dd if=numbers bs=1k count=7 skip=3 2>/dev/null | md5sum" \
	"seq 1 1000 | md5sum; seq 5 -1 1" \
	"cat numbers | grep 7 | wc -l" \
	"echo one two three | tr ' ' '\n' | sort | uniq -c"
do
	echo "== $c"
	sh -c "$c" 2>&1
	echo "== status $?"
done
SCRIPT
img="$WORK/root.img"
mke2fs -q -F -t ext2 -b 4096 -d "$stage" "$img" 64M || fail "mke2fs"
run_kernel mem=256M ubd0="$img" init=/bin/busybox loglevel=1 -- \
	sh /data/run.sh /data
[ "$status" -eq 0 ] || { cat "$WORK/out" "$WORK/err"; fail "status $status"; }
mv "$WORK/out" "$WORK/guest"
# On the host the same busybox binary finds its applets the same way.
(cd "$stage/data" && PATH="$stage/bin" "$bb" sh ./run.sh "$stage/data") \
	>"$WORK/host" 2>&1
diff -u "$WORK/host" "$WORK/guest" || fail "busybox output differs"
n=$(grep -c '^== status 0$' "$WORK/guest")
[ "$n" -eq 17 ] || fail "only $n of 17 commands succeeded"
pass "17 busybox command lines give the host's output"
