/*
 * ubench: the user-mode benchmarks of make bench, one static program run
 * both natively and as init inside vmlinux-host by bench/user.sh.
 *
 *	ubench ROW|all [DIR]	print "name value unit" for ROW or every row
 *	ubench exit0		exit 0 at once (exec and launch targets)
 *
 * Each timed row is calibrated until a batch lasts CALIB_MIN seconds, then
 * sized so that a batch takes a third of BUDGET, run three times, and the
 * best batch (the lowest time per operation) is reported; a slow kernel
 * gets fewer operations, not a longer run.  seq_write and seq_read come
 * from the same passes (write 64 MiB and fsync, read it back, unlink),
 * best of up to three passes within SEQ_BUDGET.  Files are made in DIR,
 * else $UBENCH_DIR, else /tmp.  fork_exec_wait execs argv[0], which must
 * be an absolute path.  A failed system call ends the program with one
 * line on stderr and status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUDGET		0.5		/* seconds per timed row */
#define SEQ_BUDGET	2.0		/* seconds for the seq passes */
#define CALIB_MIN	0.02		/* seconds of a calibration batch */
#define CHUNK		(64 * 1024)	/* pipe and file write size */
#define TOUCH_SIZE	(64L << 20)	/* first_touch mapping */
#define SEQ_SIZE	(64L << 20)	/* seq_write file */
#define PAGE		4096L

struct row {
	const char *name;
	const char *unit;
	double (*run)(long n);	/* seconds taken by n units */
	double per;		/* operations (or bytes) in one unit */
	bool rate;		/* report MB/s, not us per operation */
};

static const char *self;	/* argv[0], exec'd by fork_exec_wait */
static const char *dir;		/* where the file rows make files */
static const char *cur = "ubench";	/* the row running, for messages */
static char buf[CHUNK];

/* Report a failed system call WHAT with errno and exit 1. */
static void
die(const char *what)
{
	fprintf(stderr, "ubench: %s: %s: %s\n", cur, what, strerror(errno));
	exit(1);
}

/* Report a failure without an errno and exit 1. */
static void
fail(const char *what)
{
	fprintf(stderr, "ubench: %s: %s\n", cur, what);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		die("clock_gettime");
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
xwrite(int fd, const char *p, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		p += r;
		len -= r;
	}
}

/* Read up to LEN bytes, fewer only at end of file; return the count. */
static size_t
xread(int fd, char *p, size_t len)
{
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		r = read(fd, p + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read");
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

static void
xpipe(int fds[2])
{
	if (pipe(fds) != 0)
		die("pipe");
}

static void
xclose(int fd)
{
	if (close(fd) != 0)
		die("close");
}

static pid_t
xfork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	return pid;
}

/* Wait for PID, which must exit 0. */
static void
reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("a child did not exit 0");
}

static double
run_getppid(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return now() - t0;
}

static double
run_fork_exit(long n)
{
	double t0 = now();
	pid_t pid;

	for (long i = 0; i < n; i++) {
		pid = xfork();
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	return now() - t0;
}

static double
run_fork_exec(long n)
{
	char *const argv[] = { (char *)self, "exit0", NULL };
	double t0 = now();
	pid_t pid;

	for (long i = 0; i < n; i++) {
		pid = xfork();
		if (pid == 0) {
			execv(self, argv);
			die("execv");
		}
		reap(pid);
	}
	return now() - t0;
}

/* The pipe_rtt child: echo each byte from RFD to WFD until end of file. */
static void
echo_child(int rfd, int wfd)
{
	char c;

	while (xread(rfd, &c, 1) == 1)
		xwrite(wfd, &c, 1);
	_exit(0);
}

static double
run_pipe_rtt(long n)
{
	int down[2], up[2];
	double t0, t;
	pid_t pid;
	char c = 'x';

	xpipe(down);
	xpipe(up);
	pid = xfork();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		echo_child(down[0], up[1]);
	}
	xclose(down[0]);
	xclose(up[1]);
	t0 = now();
	for (long i = 0; i < n; i++) {
		xwrite(down[1], &c, 1);
		if (xread(up[0], &c, 1) != 1)
			fail("the echo child went away");
	}
	t = now() - t0;
	xclose(down[1]);
	reap(pid);
	xclose(up[0]);
	return t;
}

/* The pipe_tput child: drain RFD to end of file, then ack on WFD. */
static void
drain_child(int rfd, int wfd)
{
	static char sink[CHUNK];

	while (xread(rfd, sink, sizeof(sink)) > 0)
		;
	xwrite(wfd, "k", 1);
	_exit(0);
}

static double
run_pipe_tput(long n)
{
	int data[2], ack[2];
	double t0, t;
	pid_t pid;
	char c;

	xpipe(data);
	xpipe(ack);
	pid = xfork();
	if (pid == 0) {
		close(data[1]);
		close(ack[0]);
		drain_child(data[0], ack[1]);
	}
	xclose(data[0]);
	xclose(ack[1]);
	t0 = now();
	for (long i = 0; i < n; i++)
		xwrite(data[1], buf, CHUNK);
	xclose(data[1]);
	if (xread(ack[0], &c, 1) != 1)
		fail("the reader went away");
	t = now() - t0;
	reap(pid);
	xclose(ack[0]);
	return t;
}

/*
 * Each unit maps TOUCH_SIZE and writes a byte to each page; the munmap is
 * not timed.  Transparent huge pages are refused where the kernel knows
 * them, so the host faults 4 KiB pages like the guest (advice only: a
 * kernel without it may fail the call).
 */
static double
run_first_touch(long n)
{
	volatile char *p;
	double t = 0, t0;

	for (long i = 0; i < n; i++) {
		t0 = now();
		p = mmap(NULL, TOUCH_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		madvise((void *)p, TOUCH_SIZE, MADV_NOHUGEPAGE);
		for (long off = 0; off < TOUCH_SIZE; off += PAGE)
			p[off] = 1;
		t += now() - t0;
		if (munmap((void *)p, TOUCH_SIZE) != 0)
			die("munmap");
	}
	return t;
}

/* PATH: DIR/ubench.NAME.PID. */
static void
file_path(char *path, size_t len, const char *name)
{
	snprintf(path, len, "%s/ubench.%s.%d", dir, name, (int)getpid());
}

static double
run_create_unlink(long n)
{
	char path[4096];
	double t0;
	int fd;

	file_path(path, sizeof(path), "cu");
	t0 = now();
	for (long i = 0; i < n; i++) {
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0)
			die("open");
		xclose(fd);
		if (unlink(path) != 0)
			die("unlink");
	}
	return now() - t0;
}

/* nanosleep of 1 ms: how late the kernel's timers wake a sleeper. */
static double
run_sleep_1ms(long n)
{
	const struct timespec ms = { 0, 1000000 };
	double t0 = now();

	for (long i = 0; i < n; i++)
		if (nanosleep(&ms, NULL) != 0)
			die("nanosleep");
	return now() - t0;
}

static const struct row rows[] = {
	{ "getppid", "us/call", run_getppid, 1, false },
	{ "fork_exit_wait", "us/cycle", run_fork_exit, 1, false },
	{ "fork_exec_wait", "us/cycle", run_fork_exec, 1, false },
	{ "pipe_rtt", "us/roundtrip", run_pipe_rtt, 1, false },
	{ "pipe_tput", "MB/s", run_pipe_tput, CHUNK, true },
	{ "first_touch", "us/page", run_first_touch, TOUCH_SIZE / PAGE, false },
	{ "create_unlink", "us/pair", run_create_unlink, 1, false },
	{ "sleep_1ms", "us/call", run_sleep_1ms, 1, false },
};

/* Units to run so that the next batch lasts CALIB_MIN, from N taking T. */
static long
calib_next(long n, double t)
{
	double f = t > 0 ? 1.5 * CALIB_MIN / t : 1000;

	if (f < 2)
		f = 2;
	if (f > 1000)
		f = 1000;
	return n * f;
}

/* Calibrate R, run it three times and return the best seconds per unit. */
static double
measure(const struct row *r)
{
	double t, best;
	long n = 1;

	for (;;) {
		t = r->run(n);
		if (t >= CALIB_MIN)
			break;
		n = calib_next(n, t);
	}
	best = t / n;
	n = n * (BUDGET / 3) / t;
	if (n < 1)
		n = 1;
	for (int i = 0; i < 3; i++) {
		t = r->run(n) / n;
		if (t < best)
			best = t;
	}
	return best;
}

static void
run_row(const struct row *r)
{
	double s;

	cur = r->name;
	if (r->run == run_fork_exec && self[0] != '/')
		fail("argv[0] must be an absolute path");
	s = measure(r);
	if (r->rate)
		printf("%s %.1f %s\n", r->name, r->per / s / 1e6, r->unit);
	else
		printf("%s %.3f %s\n", r->name, s * 1e6 / r->per, r->unit);
	/* Before the next fork, or children would flush it again. */
	fflush(stdout);
}

/* Write SEQ_SIZE to PATH and fsync it; return the seconds taken. */
static double
seq_write(const char *path)
{
	double t0 = now();
	int fd;

	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		die("open");
	for (long off = 0; off < SEQ_SIZE; off += CHUNK)
		xwrite(fd, buf, CHUNK);
	if (fsync(fd) != 0)
		die("fsync");
	xclose(fd);
	return now() - t0;
}

/* Read PATH back, which must hold SEQ_SIZE bytes; return the seconds. */
static double
seq_read(const char *path)
{
	double t0 = now();
	long total = 0;
	size_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open");
	while ((r = xread(fd, buf, CHUNK)) > 0)
		total += r;
	xclose(fd);
	if (total != SEQ_SIZE)
		fail("read back a different size");
	return now() - t0;
}

/* The seq passes; print the rows asked for. */
static void
run_seq(bool want_write, bool want_read)
{
	double bw = 1e9, br = 1e9, t, start = now();
	char path[4096];

	cur = want_write ? "seq_write" : "seq_read";
	file_path(path, sizeof(path), "seq");
	for (int i = 0; i < 3 && (i == 0 || now() - start < SEQ_BUDGET); i++) {
		t = seq_write(path);
		bw = t < bw ? t : bw;
		t = seq_read(path);
		br = t < br ? t : br;
		if (unlink(path) != 0)
			die("unlink");
	}
	if (want_write)
		printf("seq_write %.1f MB/s\n", SEQ_SIZE / bw / 1e6);
	if (want_read)
		printf("seq_read %.1f MB/s\n", SEQ_SIZE / br / 1e6);
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ubench ROW|all [DIR] | ubench exit0\nrows:");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(stderr, " %s", rows[i].name);
	fprintf(stderr, " seq_write seq_read\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	bool all, any = false, w, r;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "exit0") == 0)
		_exit(0);
	self = argv[0];
	dir = argc > 2 ? argv[2] : getenv("UBENCH_DIR");
	if (dir == NULL)
		dir = "/tmp";
	memset(buf, 0x5a, sizeof(buf));
	all = strcmp(argv[1], "all") == 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (all || strcmp(argv[1], rows[i].name) == 0) {
			run_row(&rows[i]);
			any = true;
		}
	}
	w = all || strcmp(argv[1], "seq_write") == 0;
	r = all || strcmp(argv[1], "seq_read") == 0;
	if (w || r)
		run_seq(w, r);
	if (!any && !w && !r)
		usage();
	return 0;
}
