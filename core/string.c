/*
 * String helpers the host C library lacks.  The pure string.h functions
 * (memcpy, strlen, ...) come from the host libc at link time; this file adds
 * the kernel's own, under k-prefixed names so that no symbol clashes with
 * libc.
 */
#include <stddef.h>

#include "core/kernel.h"
#include "core/string.h"

/*
 * Copy src into dst of size bytes like BSD strlcpy: at most size - 1 bytes,
 * NUL-terminated when size > 0.  Returns strlen(src); a result >= size
 * means the copy was truncated.
 */
size_t
kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t n;

	if (size == 0)
		return len;
	n = MIN(len, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return len;
}
