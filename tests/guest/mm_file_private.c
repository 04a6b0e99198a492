/*
 * Private file mappings: the file's bytes show through (zeros past its
 * end within the last page), writes stay private (the file is
 * unchanged; copy-on-write), a page wholly past the end raises SIGBUS,
 * and mmap refuses what Linux refuses: EBADF, EACCES (a write-only fd,
 * or MAP_SHARED with PROT_WRITE on a read-only fd), ENODEV (a
 * directory).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096
#define LEN (2 * PG + 10)

static char path[] = "/tmp/mm_fpXXXXXX";

int
main(void)
{
	static char buf[LEN];
	char *p;
	int fd, wfd, dfd, i, st;
	pid_t pid;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	for (i = 0; i < LEN; i++)
		buf[i] = (char)(i % 251 + 1);
	CHECK(write(fd, buf, LEN) == LEN);
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);

	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(memcmp(p, buf, LEN) == 0);
	for (i = LEN; i < 3 * PG; i++)
		CHECK(p[i] == 0);
	p[PG + 1] = 'X';
	CHECK(p[PG + 1] == 'X');
	CHECK(pread(fd, buf, 2, PG) == 2);
	CHECK(buf[1] == (char)((PG + 1) % 251 + 1));

	/* Past the end of the file: SIGBUS. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		(void)*(volatile char *)(p + 3 * PG);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);

	/* An offset maps the file from there. */
	CHECK(munmap(p, 4 * PG) == 0);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	CHECK(p != MAP_FAILED && p[0] == (char)(PG % 251 + 1));
	CHECK(munmap(p, PG) == 0);

	wfd = open(path, O_WRONLY);
	dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(wfd >= 0 && dfd >= 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED &&
	      errno == EBADF);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wfd, 0) == MAP_FAILED &&
	      errno == EACCES);
	CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
	      MAP_FAILED && errno == EACCES);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dfd, 0) == MAP_FAILED &&
	      errno == ENODEV);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED &&
	      errno == EINVAL);
	/* Shared read-only may not become writable. */
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_ERR(mprotect(p, PG, PROT_READ | PROT_WRITE), EACCES);
	close(wfd);
	close(dfd);
	close(fd);
	CHECK(unlink(path) == 0);
	return 0;
}
