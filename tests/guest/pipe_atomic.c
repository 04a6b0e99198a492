/*
 * Writes of PIPE_BUF bytes are atomic: several children writing records
 * of PIPE_BUF bytes into one pipe at once, each record filled with its
 * writer's letter, never have their records interleaved, and every
 * record arrives.
 */
#include <limits.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define WRITERS	4
#define RECORDS	64

static char rec[PIPE_BUF];

static void
writer(int fd, int id)
{
	memset(rec, 'a' + id, sizeof(rec));
	for (int i = 0; i < RECORDS; i++)
		CHECK(write(fd, rec, sizeof(rec)) == (ssize_t)sizeof(rec));
	_exit(0);
}

/* Read one whole record; false at the end of the pipe. */
static bool
read_record(int fd)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(rec)) {
		n = read(fd, rec + got, sizeof(rec) - got);
		CHECK(n >= 0);
		if (n == 0) {
			CHECK(got == 0);
			return false;
		}
		got += (size_t)n;
	}
	return true;
}

int
main(void)
{
	int p[2], status, count[WRITERS] = { 0 };
	pid_t pid[WRITERS];

	CHECK(PIPE_BUF == 4096);
	CHECK(pipe(p) == 0);
	for (int i = 0; i < WRITERS; i++) {
		pid[i] = fork();
		CHECK(pid[i] >= 0);
		if (pid[i] == 0) {
			close(p[0]);
			writer(p[1], i);
		}
	}
	CHECK(close(p[1]) == 0);
	while (read_record(p[0])) {
		int id = rec[0] - 'a';

		CHECK(id >= 0 && id < WRITERS);
		for (size_t i = 1; i < sizeof(rec); i++)
			CHECK(rec[i] == rec[0]);
		count[id]++;
	}
	for (int i = 0; i < WRITERS; i++) {
		CHECK(count[i] == RECORDS);
		CHECK(waitpid(pid[i], &status, 0) == pid[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return 0;
}
