#!/bin/sh
# STYLE.md rule 1: only arch-host/ includes host headers.  Kernel code
# (core/ fs/ drivers/) may include <stddef.h> <stdint.h> <stdbool.h>
# <stdarg.h> and kernel headers by path; of arch-host/ only arch.h.
. "${top_srcdir:-.}/tests/lib.sh"
cd "$top_srcdir" || fail "no source tree"

bad=$(grep -rn --include='*.[chS]' -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' \
	core fs drivers 2>/dev/null |
	grep -v -E '<(stddef|stdint|stdbool|stdarg)\.h>')
[ -z "$bad" ] || fail "host headers outside arch-host/:
$bad"

bad=$(grep -rn --include='*.[chS]' -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"arch-host/' \
	core fs drivers 2>/dev/null | grep -v '"arch-host/arch.h"')
[ -z "$bad" ] || fail "kernel code includes arch-host internals:
$bad"

n=$(find core fs drivers -name '*.[ch]' 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "no kernel sources found"
pass "$n kernel files include only kernel and freestanding headers"
