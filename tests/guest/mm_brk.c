/*
 * brk grows and shrinks the heap: brk(0) gives the break, a larger
 * break is returned and its memory reads zero and keeps writes, a
 * smaller one gives memory back (grown again, it reads zero), and a
 * break below the start is refused by returning the old break.
 */
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096

static uintptr_t
kbrk(uintptr_t b)
{
	return (uintptr_t)syscall(SYS_brk, b);
}

int
main(void)
{
	uintptr_t start = kbrk(0), top;
	char *p;
	int i;

	CHECK(start != 0);
	top = kbrk(start + 64 * PG);
	CHECK(top == start + 64 * PG);
	p = (char *)start;
	for (i = 0; i < 64 * PG; i += 997)
		CHECK(p[i] == 0);
	for (i = 0; i < 64 * PG; i += PG)
		p[i] = 'b';
	p[64 * PG - 1] = 'e';
	CHECK(kbrk(0) == top);

	/* Shrink, then grow again: the released pages come back zero. */
	CHECK(kbrk(start + 2 * PG) == start + 2 * PG);
	CHECK(p[PG] == 'b');
	CHECK(kbrk(start + 64 * PG) == start + 64 * PG);
	CHECK(p[PG] == 'b');
	CHECK(p[10 * PG] == 0 && p[64 * PG - 1] == 0);

	/* Unaligned breaks are kept as given. */
	CHECK(kbrk(start + 5 * PG + 3) == start + 5 * PG + 3);
	CHECK(kbrk(0) == start + 5 * PG + 3);
	/* Below the start: the break stays. */
	CHECK(kbrk(start - 16 * PG) == start + 5 * PG + 3);
	CHECK(kbrk(start) == start);
	return 0;
}
