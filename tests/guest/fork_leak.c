/*
 * 1,000 fork/exit/wait cycles leave the free memory where it was (the
 * host-process count is checked from the host by tests/boot/stubs.sh,
 * which watches for the "ready" and "done" lines).
 */
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static void
cycles(int n)
{
	for (int i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0)
			_exit(i & 0x7f);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == (i & 0x7f));
	}
}

static unsigned long
free_pages(void)
{
	struct sysinfo si;

	CHECK(sysinfo(&si) == 0);
	return si.freeram * si.mem_unit / 4096;
}

int
main(int argc, char **argv)
{
	unsigned long before, after;
	int pause_ms = argc > 1 ? atoi(argv[1]) : 0;

	cycles(20);		/* warm up: stub pool, caches */
	before = free_pages();
	printf("ready\n");
	fflush(stdout);
	usleep(pause_ms * 1000);
	cycles(1000);
	after = free_pages();
	printf("done %lu %lu\n", before, after);
	fflush(stdout);
	usleep(pause_ms * 1000);
	/* Kernel caches may keep a few slabs; frames must not leak. */
	CHECK(after + 64 >= before);
	return 0;
}
