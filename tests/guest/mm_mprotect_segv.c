/*
 * mprotect takes rights away and gives them back: a write to a page
 * made read-only, and a read of a PROT_NONE page, kill a child with
 * SIGSEGV (seen in its wait status); the data survives and the page is
 * writable again after PROT_READ|PROT_WRITE.  Changing part of a
 * mapping leaves the rest as it was; an unmapped range is ENOMEM and
 * unknown bits EINVAL.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096

/* Access p in a child (a write if write); its wait status. */
static int
child_access(char *p, int write)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		if (write)
			*(volatile char *)p = 1;
		else
			(void)*(volatile char *)p;
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	return st;
}

static int
segv(int st)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int
main(void)
{
	char *p;
	int st;

	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	p[PG] = 'x';
	p[2 * PG] = 'y';
	CHECK(mprotect(p + PG, PG, PROT_READ) == 0);
	CHECK(segv(child_access(p + PG, 1)));
	st = child_access(p + PG, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = child_access(p + 2 * PG, 1);	/* untouched neighbour */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(p[PG] == 'x');

	CHECK(mprotect(p, 4 * PG, PROT_NONE) == 0);
	CHECK(segv(child_access(p + 2 * PG, 0)));
	CHECK(segv(child_access(p + 3 * PG, 0)));	/* never touched */
	CHECK(mprotect(p, 4 * PG, PROT_READ | PROT_WRITE) == 0);
	CHECK(p[PG] == 'x' && p[2 * PG] == 'y');
	p[PG] = 'z';
	CHECK(p[PG] == 'z');

	CHECK(munmap(p + 3 * PG, PG) == 0);
	CHECK_ERR(mprotect(p, 4 * PG, PROT_READ), ENOMEM);
	/* musl's mprotect() rounds the address down: ask the kernel. */
	CHECK_ERR(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	CHECK_ERR(mprotect(p, PG, 0x100), EINVAL);
	CHECK(mprotect(p, 0, PROT_READ) == 0);
	return 0;
}
