#!/bin/sh
# STYLE.md rule 6: one process, one link.  No global symbol defined by the
# kernel (core/, fs/, drivers/, arch-host/ libraries) may share a name with
# a function or object the host C library exports.
. "${top_srcdir:-.}/tests/lib.sh"
: "${NM:=nm}"

libc=$(${CC:-cc} -print-file-name=libc.so.6)
[ -f "$libc" ] || libc=$(ldd "$VMLINUX" | awk '/libc\.so/ { print $3 }')
[ -f "$libc" ] || skip "cannot find the host libc"

libs=""
for l in core/libcore.a fs/libfs.a drivers/libdrivers.a arch-host/libarch.a; do
	[ -f "$top_builddir/$l" ] && libs="$libs $top_builddir/$l"
done
[ -n "$libs" ] || fail "no kernel libraries built"

$NM -D --defined-only "$libc" | awk '{ sub(/@.*/, "", $3); print $3 }' |
	sort -u >"$WORK/libc"
$NM -g --defined-only $libs 2>/dev/null | awk 'NF == 3 { print $3 }' |
	sort -u >"$WORK/kernel"
[ -s "$WORK/kernel" ] || fail "no symbols found in$libs"
clash=$(comm -12 "$WORK/libc" "$WORK/kernel" | grep -v -x 'main')
[ -z "$clash" ] || fail "kernel symbols that shadow libc names: $clash"
pass "$(wc -l <"$WORK/kernel") kernel symbols, none shares a libc name"
