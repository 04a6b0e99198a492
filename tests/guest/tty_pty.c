/*
 * Pseudo-terminals through musl's openpty: canonical lines written to the
 * master are read on the slave with their echo on the master, ^? erases
 * and ^U kills, ^D is end-of-file, raw mode reads (VMIN 1, VMIN 0),
 * output processing of slave writes, window sizes, isatty, ptsname,
 * FIONREAD, and the hang-ups: master closed (slave reads 0, writes EIO),
 * slave closed (master reads EIO).
 */
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "guest.h"

/* Read what the master has within a short wait, NUL-terminated. */
static char *
master_drain(int m)
{
	static char buf[512];
	struct pollfd pfd = { .fd = m, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 && poll(&pfd, 1, 200) == 1) {
		n = read(m, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static void
put(int m, const char *s)
{
	CHECK(write(m, s, strlen(s)) == (ssize_t)strlen(s));
}

static void
expect_line(int s, const char *want)
{
	char buf[256];
	ssize_t n = read(s, buf, sizeof(buf));

	CHECK(n == (ssize_t)strlen(want));
	CHECK(memcmp(buf, want, (size_t)n) == 0);
}

static void
check_canonical(int m, int s)
{
	int avail = -1;

	put(m, "hello\n");
	expect_line(s, "hello\n");
	CHECK(strcmp(master_drain(m), "hello\r\n") == 0);
	put(m, "abx\177c\n");
	expect_line(s, "abc\n");
	CHECK(strcmp(master_drain(m), "abx\b \bc\r\n") == 0);
	put(m, "junk\025ok\n");
	expect_line(s, "ok\n");
	master_drain(m);
	put(m, "xyz\n");
	CHECK(poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1, 1000) == 1);
	CHECK(ioctl(s, FIONREAD, &avail) == 0 && avail == 4);
	expect_line(s, "xyz\n");
	put(m, "ab\004");
	expect_line(s, "ab");
	put(m, "\004");
	expect_line(s, "");
	master_drain(m);
}

static void
check_raw(int m, int s)
{
	struct termios t, saved;
	char c;

	CHECK(tcgetattr(s, &saved) == 0);
	t = saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK(tcsetattr(s, TCSANOW, &t) == 0);
	put(m, "q");
	CHECK(read(s, &c, 1) == 1 && c == 'q');
	put(s, "out\n");
	CHECK(strcmp(master_drain(m), "out\n") == 0);
	t.c_cc[VMIN] = 0;
	CHECK(tcsetattr(s, TCSANOW, &t) == 0);
	CHECK(read(s, &c, 1) == 0);
	t.c_cc[VTIME] = 1;
	CHECK(tcsetattr(s, TCSANOW, &t) == 0);
	CHECK(read(s, &c, 1) == 0);
	CHECK(tcsetattr(s, TCSANOW, &saved) == 0);
	put(s, "out\n");
	CHECK(strcmp(master_drain(m), "out\r\n") == 0);
}

static void
check_winsize(int m, int s)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 }, got;

	CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
	CHECK(ioctl(s, TIOCGWINSZ, &got) == 0);
	CHECK(got.ws_row == 24 && got.ws_col == 80);
	ws.ws_col = 132;
	CHECK(ioctl(s, TIOCSWINSZ, &ws) == 0);
	CHECK(ioctl(m, TIOCGWINSZ, &got) == 0 && got.ws_col == 132);
}

static void
check_hangups(void)
{
	int m, s;
	char c;

	CHECK(openpty(&m, &s, NULL, NULL, NULL) == 0);
	CHECK(close(m) == 0);
	CHECK(read(s, &c, 1) == 0);
	CHECK_ERR(write(s, "x", 1), EIO);
	CHECK(close(s) == 0);
	CHECK(openpty(&m, &s, NULL, NULL, NULL) == 0);
	CHECK(close(s) == 0);
	CHECK_ERR(read(m, &c, 1), EIO);
	CHECK(close(m) == 0);
}

int
main(void)
{
	char name[64];
	int m, s, pn = -1;

	CHECK(openpty(&m, &s, name, NULL, NULL) == 0);
	CHECK(strncmp(name, "/dev/pts/", 9) == 0);
	CHECK(strcmp(ptsname(m), name) == 0);
	CHECK(ioctl(m, TIOCGPTN, &pn) == 0 && pn == atoi(name + 9));
	CHECK(isatty(s) && isatty(m));
	CHECK(!isatty(open("/dev/null", O_RDONLY)));
	check_canonical(m, s);
	check_raw(m, s);
	check_winsize(m, s);
	CHECK(close(s) == 0 && close(m) == 0);
	CHECK(access(name, F_OK) != 0);
	check_hangups();
	return 0;
}
