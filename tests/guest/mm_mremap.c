/*
 * mremap shrinks in place, grows in place when the pages after the
 * mapping are free, refuses to grow a blocked mapping without
 * MREMAP_MAYMOVE (ENOMEM), moves it with MAYMOVE keeping its contents
 * (the old place then faults), moves to a given place with
 * MREMAP_FIXED, and rejects bad arguments as Linux does.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096

static int
segv_at(char *p)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		(void)*(volatile char *)p;
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int
main(void)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	char *area, *p, *q, *r;
	int i;

	/* Reserve room, then work inside it. */
	area = mmap(NULL, 64 * PG, PROT_NONE, anon, -1, 0);
	CHECK(area != MAP_FAILED);
	CHECK(munmap(area, 64 * PG) == 0);
	p = mmap(area, 4 * PG, PROT_READ | PROT_WRITE, anon | MAP_FIXED,
		 -1, 0);
	CHECK(p == area);
	for (i = 0; i < 4; i++)
		p[i * PG] = (char)('a' + i);

	q = mremap(p, 4 * PG, 8 * PG, 0);
	CHECK(q == p && p[3 * PG] == 'd' && p[7 * PG] == 0);
	q = mremap(p, 8 * PG, 2 * PG, 0);
	CHECK(q == p && p[PG] == 'b');
	CHECK(segv_at(p + 2 * PG));

	/* Blocked by another mapping. */
	r = mmap(p + 2 * PG, PG, PROT_READ, anon | MAP_FIXED, -1, 0);
	CHECK(r == p + 2 * PG);
	CHECK(mremap(p, 2 * PG, 4 * PG, 0) == MAP_FAILED && errno == ENOMEM);
	q = mremap(p, 2 * PG, 6 * PG, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	CHECK(q[0] == 'a' && q[PG] == 'b' && q[5 * PG] == 0);
	CHECK(segv_at(p));
	q[5 * PG] = 'z';

	/* To a fixed place (shrinking on the way). */
	r = mremap(q, 6 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
		   area + 32 * PG);
	CHECK(r == area + 32 * PG);
	CHECK(r[0] == 'a' && r[PG] == 'b' && r[2 * PG] == 0);
	CHECK(segv_at(q));

	CHECK(mremap(r + 1, PG, PG, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(r, PG, 0, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(r, PG, PG, MREMAP_FIXED, area) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(mremap(r, PG, PG, 0x80) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(r, 6 * PG, 8 * PG, 0) == MAP_FAILED && errno == EFAULT);
	return 0;
}
