/*
 * madvise(MADV_DONTNEED) drops pages: private anonymous memory reads
 * zero afterwards, a private file mapping reads the file again (its
 * private changes gone), shared anonymous memory keeps its data; other
 * advice is accepted, unknown advice is EINVAL and an unmapped range
 * ENOMEM.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

#define PG 4096

static char path[] = "/tmp/mm_madvXXXXXX";

int
main(void)
{
	char *a, *s, *f;
	int fd;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, "orig", 4) == 4);
	a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	f = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(a != MAP_FAILED && s != MAP_FAILED && f != MAP_FAILED);
	a[PG] = 1;
	a[2 * PG] = 2;
	s[PG] = 3;
	f[0] = 'X';

	CHECK(madvise(a + PG, PG, MADV_DONTNEED) == 0);
	CHECK(a[PG] == 0 && a[2 * PG] == 2);
	CHECK(madvise(s, 4 * PG, MADV_DONTNEED) == 0);
	CHECK(s[PG] == 3);
	CHECK(madvise(f, PG, MADV_DONTNEED) == 0);
	CHECK(memcmp(f, "orig", 4) == 0);

	CHECK(madvise(a, 4 * PG, MADV_WILLNEED) == 0);
	CHECK(madvise(a, 4 * PG, MADV_SEQUENTIAL) == 0);
	CHECK_ERR(madvise(a, PG, 12345), EINVAL);
	CHECK_ERR(madvise(a + 1, PG, MADV_NORMAL), EINVAL);
	CHECK(munmap(a + 3 * PG, PG) == 0);
	CHECK_ERR(madvise(a, 4 * PG, MADV_NORMAL), ENOMEM);
	close(fd);
	CHECK(unlink(path) == 0);
	return 0;
}
