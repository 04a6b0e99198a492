/*
 * Anonymous private mmap: pages read as zeros and keep what is written
 * across page boundaries; munmap of a middle part leaves the rest and
 * makes the hole fault (SIGSEGV in a child); MAP_FIXED replaces with
 * fresh zeros, MAP_FIXED_NOREPLACE refuses with EEXIST; bad arguments
 * fail with EINVAL as on Linux.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG 4096

/* Run fn in a child; its wait status. */
static int
in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	return status;
}

static void
touch(void *p)
{
	*(volatile char *)p = 1;
}

int
main(void)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p, *q;
	int i, st;

	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, anon, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & (PG - 1)) == 0);
	for (i = 0; i < 8 * PG; i++)
		CHECK(p[i] == 0);
	for (i = 0; i < 8 * PG; i++)
		p[i] = (char)(i * 3);
	for (i = 0; i < 8 * PG; i++)
		CHECK(p[i] == (char)(i * 3));

	/* A hole in the middle. */
	CHECK(munmap(p + 2 * PG, 2 * PG) == 0);
	CHECK(p[PG] == (char)(PG * 3));
	CHECK(p[5 * PG] == (char)(5 * PG * 3));
	st = in_child(touch, p + 3 * PG);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

	/* MAP_FIXED over written pages: zeros again. */
	q = mmap(p + 5 * PG, PG, PROT_READ | PROT_WRITE, anon | MAP_FIXED,
		 -1, 0);
	CHECK(q == p + 5 * PG);
	CHECK(q[0] == 0 && q[100] == 0);
	CHECK(p[6 * PG] == (char)(6 * PG * 3));
	q = mmap(p + 6 * PG, PG, PROT_READ, anon | MAP_FIXED_NOREPLACE,
		 -1, 0);
	CHECK(q == MAP_FAILED && errno == EEXIST);
	/* The hole is free for it. */
	q = mmap(p + 2 * PG, PG, PROT_READ, anon | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + 2 * PG);

	/* Errors. */
	CHECK(mmap(NULL, 0, PROT_READ, anon, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(mmap(p + 1, PG, PROT_READ, anon | MAP_FIXED, -1, 0) ==
	      MAP_FAILED && errno == EINVAL);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK_ERR(munmap(p + 1, PG), EINVAL);
	CHECK_ERR(munmap(p, 0), EINVAL);
	CHECK(munmap(p, 8 * PG) == 0);
	CHECK(munmap(p, 8 * PG) == 0);	/* nothing there: fine */
	return 0;
}
