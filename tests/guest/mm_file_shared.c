/*
 * Shared file mappings: writes through a MAP_SHARED mapping reach the
 * file (read(2) sees them, msync(MS_SYNC) succeeds, they survive
 * munmap and close), two mappings of one file see each other's writes,
 * and write(2) shows through an existing mapping.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096

static char path[] = "/tmp/mm_fsXXXXXX";

int
main(void)
{
	char *p, *q, buf[8];
	int fd;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 3 * PG) == 0);
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && q != MAP_FAILED && p != q);
	CHECK(q[PG] == 0);
	memcpy(p + PG, "shared", 7);
	CHECK(strcmp(q + PG, "shared") == 0);
	CHECK(pread(fd, buf, 7, PG) == 7 && strcmp(buf, "shared") == 0);
	CHECK(msync(p, 3 * PG, MS_SYNC) == 0);
	CHECK_ERR(msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
	CHECK_ERR(msync(p + 1, PG, MS_SYNC), EINVAL);

	/* write(2) shows through the mappings. */
	CHECK(pwrite(fd, "XY", 2, 2 * PG + 5) == 2);
	CHECK(p[2 * PG + 5] == 'X' && q[2 * PG + 6] == 'Y');

	p[3 * PG - 1] = 'z';
	CHECK(munmap(p, 3 * PG) == 0);
	CHECK(munmap(q, 3 * PG) == 0);
	CHECK(close(fd) == 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, buf, 7, PG) == 7 && strcmp(buf, "shared") == 0);
	CHECK(pread(fd, buf, 1, 3 * PG - 1) == 1 && buf[0] == 'z');
	close(fd);
	CHECK(unlink(path) == 0);
	return 0;
}
