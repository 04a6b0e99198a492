/*
 * The main thread's stack grows on demand: a deep recursion using a few
 * megabytes of stack (below what the process started with) works and
 * every frame keeps its data.
 */
#include <string.h>
#include "guest.h"

#define FRAME 4000

static int
deep(int n)
{
	volatile char buf[FRAME];
	int r;

	memset((char *)buf, n & 0xff, sizeof(buf));
	if (n == 0)
		return 0;
	r = deep(n - 1);
	CHECK(buf[0] == (char)(n & 0xff) && buf[FRAME - 1] == buf[0]);
	return r + 1;
}

int
main(void)
{
	/* About 4 MiB: half the default RLIMIT_STACK. */
	CHECK(deep(1000) == 1000);
	return 0;
}
