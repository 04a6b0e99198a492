/*
 * sendfile copies from a file to a file or a pipe: without an offset
 * pointer from the file position, which it advances; with one from
 * *offset, which it updates, leaving the position alone; at the end of
 * the input it copies what is left, then 0.  A write-only input or a
 * read-only output is EBADF, a negative offset EINVAL, an O_APPEND
 * output EINVAL.
 */
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

static char src[] = "/tmp/sendfile_src_XXXXXX";
static char dst[] = "/tmp/sendfile_dst_XXXXXX";
static char big[100000];

static void
check_to_pipe(int in)
{
	char buf[16];
	off_t off = 2;
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	CHECK(sendfile(p[1], in, NULL, 5) == 5);
	CHECK(lseek(in, 0, SEEK_CUR) == 5);
	CHECK(read(p[0], buf, sizeof(buf)) == 5);
	CHECK(memcmp(buf, big, 5) == 0);
	CHECK(sendfile(p[1], in, &off, 4) == 4 && off == 6);
	CHECK(lseek(in, 0, SEEK_CUR) == 5);
	CHECK(read(p[0], buf, sizeof(buf)) == 4);
	CHECK(memcmp(buf, big + 2, 4) == 0);
	CHECK_ERR(sendfile(in, p[1], NULL, 1), EBADF);
	off = -1;
	CHECK_ERR(sendfile(p[1], in, &off, 1), EINVAL);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static void
check_to_file(int in, int out)
{
	static char back[sizeof(big)];
	off_t off = 99990;
	int app;

	CHECK(lseek(in, 0, SEEK_SET) == 0);
	CHECK(sendfile(out, in, NULL, sizeof(big) + 50) == sizeof(big));
	CHECK(sendfile(out, in, NULL, 10) == 0);
	CHECK(pread(out, back, sizeof(back), 0) == sizeof(back));
	CHECK(memcmp(back, big, sizeof(big)) == 0);
	CHECK(sendfile(out, in, &off, 100) == 10 && off == 100000);
	CHECK(lseek(out, 0, SEEK_END) == sizeof(big) + 10);
	app = open(dst, O_WRONLY | O_APPEND);
	CHECK(app >= 0);
	CHECK_ERR(sendfile(app, in, NULL, 1), EINVAL);
	CHECK(close(app) == 0);
}

int
main(void)
{
	int in, out;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	in = mkstemp(src);
	out = mkstemp(dst);
	CHECK(in >= 0 && out >= 0);
	CHECK(write(in, big, sizeof(big)) == sizeof(big));
	check_to_pipe(in);
	check_to_file(in, out);
	CHECK(close(in) == 0 && close(out) == 0);
	in = open(src, O_WRONLY);
	out = open(dst, O_RDONLY);
	CHECK(in >= 0 && out >= 0);
	CHECK_ERR(sendfile(out, in, NULL, 1), EBADF);
	CHECK(close(in) == 0 && close(out) == 0);
	CHECK(unlink(src) == 0 && unlink(dst) == 0);
	return 0;
}
