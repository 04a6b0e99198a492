/*
 * fork copies private memory copy-on-write: after the fork the parent
 * and the child each see their own writes to anonymous, heap, data and
 * private file pages (touched before the fork or not), while
 * MAP_SHARED anonymous memory stays shared both ways, including pages
 * nobody touched before the fork.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096

static char data[3 * PG] = { 1 };
static char path[] = "/tmp/mm_cowXXXXXX";

/* Wait for the child; it must have exited 0. */
static void
reap(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
main(void)
{
	char *anon, *shared, *heap, *file;
	volatile char *flag;
	int fd;
	pid_t pid;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, "file", 4) == 4);
	anon = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	file = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	heap = malloc(100000);
	CHECK(anon != MAP_FAILED && shared != MAP_FAILED &&
	      file != MAP_FAILED && heap != NULL);
	anon[0] = 'a';
	heap[50000] = 'h';
	data[PG] = 'd';
	shared[0] = 's';
	file[1] = 'I';
	flag = (volatile char *)shared + 3 * PG;	/* untouched so far */

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(anon[0] == 'a' && heap[50000] == 'h' && data[PG] == 'd');
		CHECK(file[0] == 'f' && file[1] == 'I');
		anon[0] = 'A';
		anon[9 * PG] = 'B';
		heap[50000] = 'H';
		data[PG] = 'D';
		file[0] = 'F';
		shared[0] = 'S';
		shared[2 * PG] = 'T';
		*flag = 1;
		CHECK(anon[0] == 'A' && heap[50000] == 'H' && data[PG] == 'D');
		_exit(0);
	}
	reap(pid);
	CHECK(*flag == 1);
	CHECK(anon[0] == 'a' && anon[9 * PG] == 0);
	CHECK(heap[50000] == 'h' && data[PG] == 'd');
	CHECK(file[0] == 'f' && file[1] == 'I');
	CHECK(shared[0] == 'S' && shared[2 * PG] == 'T');

	/* The parent's writes after a fork do not reach the child. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		while (*flag != 2)
			usleep(1000);
		CHECK(anon[0] == 'a' && data[PG] == 'd');
		CHECK(shared[PG] == 'p');
		_exit(0);
	}
	anon[0] = 'P';
	data[PG] = 'P';
	shared[PG] = 'p';
	*flag = 2;
	reap(pid);
	CHECK(anon[0] == 'P');
	close(fd);
	CHECK(unlink(path) == 0);
	return 0;
}
