/*
 * rename, renameat and renameat2: moving and replacing files and
 * directories with Linux's errors (EISDIR, ENOTDIR, ENOTEMPTY, EINVAL for
 * a directory into itself), and the renameat2 flags RENAME_NOREPLACE
 * (EEXIST) and RENAME_EXCHANGE (swap); bad flag sets are EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

#define XRENAME_NOREPLACE	(1 << 0)
#define XRENAME_EXCHANGE	(1 << 1)

static void
put(const char *path, const char *s)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	CHECK(close(fd) == 0);
}

/* The file holds exactly s. */
static int
holds(const char *path, const char *s)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	CHECK(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	CHECK(close(fd) == 0);
	return n == (ssize_t)strlen(s) && memcmp(buf, s, (size_t)n) == 0;
}

static long
rename2(const char *a, const char *b, unsigned int flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void
check_plain(void)
{
	struct stat st;

	put("a", "A");
	put("b", "B");
	CHECK(rename("a", "c") == 0);
	CHECK_ERR(stat("a", &st), ENOENT);
	CHECK(holds("c", "A"));
	CHECK(rename("c", "b") == 0);		/* replaces b */
	CHECK(holds("b", "A"));
	CHECK_ERR(stat("c", &st), ENOENT);
	CHECK(rename("b", "b") == 0);
	CHECK(holds("b", "A"));
	CHECK_ERR(rename("nope", "x"), ENOENT);

	CHECK(mkdir("d1", 0755) == 0);
	CHECK(mkdir("d2", 0755) == 0);
	CHECK(mkdir("d3", 0755) == 0);
	put("d3/x", "X");
	CHECK_ERR(rename("b", "d1"), EISDIR);
	CHECK_ERR(rename("d1", "b"), ENOTDIR);
	CHECK_ERR(rename("d1", "d3"), ENOTEMPTY);
	CHECK_ERR(rename("d1", "d1/sub"), EINVAL);
	CHECK(rename("d1", "d2") == 0);		/* over an empty scratch_dir */
	CHECK_ERR(stat("d1", &st), ENOENT);
	CHECK(rename("d3", "d2/d3") == 0);
	CHECK(holds("d2/d3/x", "X"));
	CHECK(renameat(AT_FDCWD, "d2/d3/x", AT_FDCWD, "x") == 0);
	CHECK(holds("x", "X"));
}

static void
check_flags(void)
{
	struct stat st;

	put("p", "P");
	put("q", "Q");
	CHECK_ERR(rename2("p", "q", XRENAME_NOREPLACE), EEXIST);
	CHECK(holds("p", "P") && holds("q", "Q"));
	CHECK(rename2("p", "r", XRENAME_NOREPLACE) == 0);
	CHECK(holds("r", "P"));
	CHECK_ERR(stat("p", &st), ENOENT);

	CHECK(rename2("q", "r", XRENAME_EXCHANGE) == 0);
	CHECK(holds("q", "P") && holds("r", "Q"));
	CHECK(mkdir("dx", 0755) == 0);
	/* A file and a directory swap too. */
	CHECK(rename2("q", "dx", XRENAME_EXCHANGE) == 0);
	CHECK(stat("q", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(holds("dx", "P"));
	CHECK_ERR(rename2("r", "missing", XRENAME_EXCHANGE), ENOENT);

	CHECK_ERR(rename2("r", "s", XRENAME_NOREPLACE | XRENAME_EXCHANGE),
		  EINVAL);
	CHECK_ERR(rename2("r", "s", 1 << 5), EINVAL);
	CHECK(rename2("r", "s", 0) == 0);
	CHECK(holds("s", "Q"));
}

int
main(void)
{
	scratch_enter();
	check_plain();
	check_flags();
	scratch_leave();
	return 0;
}
