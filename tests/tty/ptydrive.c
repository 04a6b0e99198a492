/*
 * ptydrive: run a command on a new pseudo-terminal and drive it from a
 * script, as a user at a terminal would.  The host side of the tty tests
 * (the scripts in tests/tty/): the command is ./vmlinux-host, or a host
 * shell when a test checks its own expectations against Linux.
 *
 *   ptydrive [-v] [-r] [-l LOG] [-f SCRIPT] [-s ROWSxCOLS] [-T SECS]
 *            [--] COMMAND [ARG...]
 *
 * The command runs as a session leader with the pty slave as its
 * controlling terminal and as fds 0-2.  The script (SCRIPT, or stdin) has
 * one directive per line; blank lines and lines starting with '#' are
 * skipped.  Arguments are separated by blanks; one in double quotes may
 * hold blanks; in both, \r \n \t \e \b \\ \" \s (a space) and \xHH are
 * escapes.
 *
 *   expect TEXT [SECS]     wait until the output since the last match
 *                          holds TEXT (default 10 s); the match ends there
 *   noexpect TEXT MS       fail if TEXT shows up in the next MS ms
 *   send TEXT              type TEXT (\x03 Ctrl-C, \x1a Ctrl-Z, \x7f ...)
 *   sleep MS               wait, still reading output
 *   winsize ROWS COLS      resize the terminal (SIGWINCH to its foreground)
 *   kill SIG               send SIG (TERM, HUP, 15, ...) to the command
 *   wait STATUS [SECS]     wait for the command to end (default 10 s):
 *                          STATUS is an exit status or SIGNAME when killed
 *
 * -v prints each step, -l writes the transcript (all output, with each
 * directive on a line of its own starting "#ptydrive:"), -s sets the
 * initial size (24x80), -T the global time limit (60 s), after which the
 * command is killed.  -r checks, once the command has ended, that the
 * slave's terminal modes are what they were before it ran.
 *
 * Exit status: 0 every directive passed, 1 one failed, 2 usage, 77 no pty.
 * A command still running when the script ends is sent SIGTERM, then
 * SIGKILL.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAXARGS		4
#define TAIL		400		/* bytes of output shown on failure */
#define KEEP_MAX	(1 << 20)	/* output kept before compaction */

struct arg {
	char *s;
	size_t len;
};

struct drive {
	int master;
	int slave;		/* kept open for -r, else -1 */
	pid_t pid;
	bool running;
	int status;		/* wait status once !running */
	char *out;		/* output since out_base */
	size_t len, cap;
	size_t mark;		/* end of the last match, in out */
	long long deadline;	/* global, in ms of CLOCK_MONOTONIC */
	FILE *log;
	bool verbose;
	int line;
	struct termios before;
};

static const struct {
	const char *name;
	int sig;
} signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "KILL", SIGKILL }, { "TERM", SIGTERM }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
	{ "WINCH", SIGWINCH }, { "SEGV", SIGSEGV }, { "ABRT", SIGABRT },
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Print BUF visibly: control bytes as escapes, a real newline after \n. */
static void
show(FILE *f, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (c == '\n')
			fputs("\\n\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* TEXT with control bytes as escapes, for one message at a time. */
static const char *
vis(const struct arg *text)
{
	static char buf[256];
	size_t n = 0;

	for (size_t i = 0; i < text->len && n + 5 < sizeof(buf); i++) {
		unsigned char c = text->s[i];

		if (c == '\r' || c == '\n')
			n += sprintf(buf + n, "\\%c", c == '\r' ? 'r' : 'n');
		else if (c < 0x20 || c >= 0x7f)
			n += sprintf(buf + n, "\\x%02x", c);
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
	return buf;
}

static void
note(struct drive *d, const char *fmt, ...)
{
	va_list ap;

	if (d->log) {
		fputs("\n#ptydrive: ", d->log);
		va_start(ap, fmt);
		vfprintf(d->log, fmt, ap);
		va_end(ap);
		fputc('\n', d->log);
		fflush(d->log);
	}
	if (d->verbose) {
		fprintf(stderr, "ptydrive: line %d: ", d->line);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

/* Kill the command and its process group, and reap it. */
static void
stop_child(struct drive *d, int sig, int grace_ms)
{
	long long end = now_ms() + grace_ms;

	if (!d->running)
		return;
	kill(d->pid, sig);
	while (now_ms() < end) {
		if (waitpid(d->pid, &d->status, WNOHANG) == d->pid) {
			d->running = false;
			return;
		}
		usleep(10000);
	}
	kill(-d->pid, SIGKILL);
	kill(d->pid, SIGKILL);
	while (waitpid(d->pid, &d->status, 0) < 0 && errno == EINTR)
		continue;
	d->running = false;
}

/* Report a failed step with the tail of the output, kill the command. */
static void __attribute__((noreturn, format(printf, 2, 3)))
fail(struct drive *d, const char *fmt, ...)
{
	size_t from = d->len > TAIL ? d->len - TAIL : 0;
	va_list ap;

	fprintf(stderr, "ptydrive: line %d: ", d->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nptydrive: last %zu bytes of output:\n",
		d->len - from);
	show(stderr, d->out + from, d->len - from);
	fputc('\n', stderr);
	note(d, "FAIL");
	stop_child(d, SIGKILL, 0);
	exit(1);
}

static void
keep(struct drive *d, const char *buf, size_t n)
{
	if (d->len > KEEP_MAX && d->mark > TAIL) {
		size_t drop = d->mark - TAIL;

		memmove(d->out, d->out + drop, d->len - drop);
		d->len -= drop;
		d->mark -= drop;
	}
	if (d->len + n + 1 > d->cap) {
		d->cap = (d->len + n + 1) * 2;
		d->out = realloc(d->out, d->cap);
		if (!d->out) {
			perror("ptydrive");
			exit(1);
		}
	}
	memcpy(d->out + d->len, buf, n);
	d->len += n;
	if (d->log)
		fwrite(buf, 1, n, d->log);
}

static void
reap(struct drive *d)
{
	if (d->running && waitpid(d->pid, &d->status, WNOHANG) == d->pid)
		d->running = false;
}

/*
 * Read output and reap the command until UNTIL (ms), or if ONCE until
 * output arrives or the command ends.  Fails when the global time limit
 * passes.  The master reads EIO once no slave fd is open: then only time
 * passes.
 */
static void
pump(struct drive *d, long long until, bool once)
{
	char buf[4096];

	for (;;) {
		long long now = now_ms();
		struct pollfd p = { .fd = d->master, .events = POLLIN };
		ssize_t n;

		if (now >= d->deadline)
			fail(d, "global time limit reached");
		if (now >= until)
			return;
		reap(d);
		if (once && !d->running)
			return;
		if (poll(&p, 1, until - now < 50 ? until - now : 50) <= 0)
			continue;
		n = read(d->master, buf, sizeof(buf));
		if (n > 0) {
			keep(d, buf, n);
			if (once)
				return;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			reap(d);
			usleep(10000);
		}
	}
}

static int
hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	return tolower(c) - 'a' + 10;
}

/* Decode the escape at *P (after the backslash) into *OUT; advance *P. */
static int
unescape(const char **p, char *out)
{
	static const char from[] = "rntebs\\\"", to[] = "\r\n\t\x1b\b \\\"";
	const char *s = *p, *k;

	if (*s == 'x' && isxdigit((unsigned char)s[1]) &&
	    isxdigit((unsigned char)s[2])) {
		*out = hexval(s[1]) * 16 + hexval(s[2]);
		*p = s + 3;
		return 0;
	}
	if (*s == '\0' || !(k = strchr(from, *s)))
		return -EINVAL;
	*out = to[k - from];
	*p = s + 1;
	return 0;
}

/* Split LINE into at most MAXARGS arguments; returns the count or -err. */
static int
split(const char *line, struct arg *args)
{
	int n = 0;

	for (const char *p = line;;) {
		bool quoted;
		size_t len = 0;
		char *s;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return n;
		if (n == MAXARGS)
			return -E2BIG;
		quoted = *p == '"';
		p += quoted;
		s = malloc(strlen(p) + 1);
		if (!s)
			return -ENOMEM;
		while (*p && (quoted ? *p != '"' : *p != ' ' && *p != '\t')) {
			if (*p != '\\') {
				s[len++] = *p++;
				continue;
			}
			p++;
			if (unescape(&p, &s[len++]) < 0)
				return -EINVAL;
		}
		if (quoted && *p++ != '"')
			return -EINVAL;
		s[len] = '\0';
		args[n++] = (struct arg){ s, len };
	}
}

static long
number(struct drive *d, const struct arg *a, const char *what)
{
	char *end;
	long v = strtol(a->s, &end, 10);

	if (a->len == 0 || *end != '\0' || v < 0)
		fail(d, "%s: not a number: %s", what, a->s);
	return v;
}

static long
seconds_ms(struct drive *d, const struct arg *a)
{
	char *end;
	double v = strtod(a->s, &end);

	if (a->len == 0 || *end != '\0' || v < 0)
		fail(d, "not a number of seconds: %s", a->s);
	return (long)(v * 1000);
}

static int
signum(const char *s)
{
	char *end;
	long v;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	v = strtol(s, &end, 10);
	if (*s && *end == '\0' && v > 0 && v < NSIG)
		return v;
	for (size_t i = 0; i < sizeof(signames) / sizeof(signames[0]); i++) {
		if (strcmp(s, signames[i].name) == 0)
			return signames[i].sig;
	}
	return -EINVAL;
}

static const char *
find(const struct drive *d, const struct arg *text, size_t from)
{
	if (text->len == 0)
		return d->out + from;
	return memmem(d->out + from, d->len - from, text->s, text->len);
}

/* The wait status as "exit N" or "killed by SIGNAL" in BUF. */
static const char *
describe(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(buf, size, "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	return buf;
}

/*
 * The command has ended and TEXT has not been seen: fail at once unless
 * what is left in the pty (or a process the command left) shows it soon.
 */
static void
ended_without(struct drive *d, const struct arg *text)
{
	char buf[80];

	pump(d, now_ms() + 300, false);
	if (find(d, text, d->mark))
		return;
	fail(d, "expect \"%s\": the command ended (%s) without it", vis(text),
	     describe(d->status, buf, sizeof(buf)));
}

static void
do_expect(struct drive *d, const struct arg *text, long ms)
{
	long long start = now_ms(), end = start + ms;
	const char *at;

	while (!(at = find(d, text, d->mark))) {
		if (now_ms() >= end)
			fail(d, "expect \"%s\": not seen within %.1f s",
			     vis(text), ms / 1000.0);
		if (!d->running)
			ended_without(d, text);
		pump(d, end, true);
	}
	d->mark = at + text->len - d->out;
	note(d, "expect \"%s\": seen after %lld ms", vis(text),
	     now_ms() - start);
}

static void
do_noexpect(struct drive *d, const struct arg *text, long ms)
{
	size_t from = d->mark;

	pump(d, now_ms() + ms, false);
	if (find(d, text, from))
		fail(d, "noexpect \"%s\": seen within %ld ms", vis(text), ms);
	note(d, "noexpect \"%s\": not seen in %ld ms", vis(text), ms);
}

static void
do_send(struct drive *d, const struct arg *text)
{
	size_t done = 0;

	note(d, "send %zu bytes", text->len);
	while (done < text->len) {
		ssize_t n = write(d->master, text->s + done, text->len - done);

		if (n > 0)
			done += n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			fail(d, "send: write to the pty: %s", strerror(errno));
		else
			pump(d, now_ms() + 10, false);
	}
}

static void
do_winsize(struct drive *d, long rows, long cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };

	if (ioctl(d->master, TIOCSWINSZ, &ws) < 0)
		fail(d, "winsize: TIOCSWINSZ: %s", strerror(errno));
	note(d, "winsize %ld %ld", rows, cols);
}

static void
do_kill(struct drive *d, const char *name)
{
	int sig = signum(name);

	if (sig < 0)
		fail(d, "kill: unknown signal %s", name);
	if (!d->running)
		fail(d, "kill %s: the command has already ended", name);
	kill(d->pid, sig);
	note(d, "kill %s", name);
}

static void
do_wait(struct drive *d, const char *want, long ms)
{
	long long end = now_ms() + ms;
	char buf[80];
	bool ok;

	while (d->running) {
		if (now_ms() >= end)
			fail(d, "wait %s: still running after %.1f s", want,
			     ms / 1000.0);
		pump(d, end < now_ms() + 20 ? end : now_ms() + 20, false);
	}
	/* What it wrote before ending is still in the pty. */
	pump(d, now_ms() + 20, false);
	if (isdigit((unsigned char)want[0]))
		ok = WIFEXITED(d->status) &&
		     WEXITSTATUS(d->status) == atoi(want);
	else
		ok = WIFSIGNALED(d->status) &&
		     WTERMSIG(d->status) == signum(want);
	if (!ok)
		fail(d, "wait %s: the command ended with %s", want,
		     describe(d->status, buf, sizeof(buf)));
	note(d, "wait: %s", describe(d->status, buf, sizeof(buf)));
}

static void
run_directive(struct drive *d, struct arg *a, int n)
{
	const char *cmd = a[0].s;

	if (strcmp(cmd, "expect") == 0 && (n == 2 || n == 3))
		do_expect(d, &a[1], n == 3 ? seconds_ms(d, &a[2]) : 10000);
	else if (strcmp(cmd, "noexpect") == 0 && n == 3)
		do_noexpect(d, &a[1], number(d, &a[2], "noexpect"));
	else if (strcmp(cmd, "send") == 0 && n == 2)
		do_send(d, &a[1]);
	else if (strcmp(cmd, "sleep") == 0 && n == 2)
		pump(d, now_ms() + number(d, &a[1], "sleep"), false);
	else if (strcmp(cmd, "winsize") == 0 && n == 3)
		do_winsize(d, number(d, &a[1], "winsize"),
			   number(d, &a[2], "winsize"));
	else if (strcmp(cmd, "kill") == 0 && n == 2)
		do_kill(d, a[1].s);
	else if (strcmp(cmd, "wait") == 0 && (n == 2 || n == 3))
		do_wait(d, a[1].s, n == 3 ? seconds_ms(d, &a[2]) : 10000);
	else
		fail(d, "bad directive or wrong argument count: %s", cmd);
}

/* Run the script in F, one directive per line. */
static void
run_script(struct drive *d, FILE *f)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;

	while ((len = getline(&line, &size, f)) >= 0) {
		struct arg a[MAXARGS];
		int n;

		d->line++;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		n = split(line, a);
		if (n < 0)
			fail(d, "cannot parse: %s", line);
		if (n == 0 || a[0].s[0] == '#')
			continue;
		run_directive(d, a, n);
		for (int i = 0; i < n; i++)
			free(a[i].s);
	}
	free(line);
}

/* Compare the slave's modes now with those before the command ran. */
static void
check_restored(struct drive *d)
{
	struct termios now;
	const struct termios *b = &d->before;

	if (tcgetattr(d->slave, &now) < 0)
		fail(d, "-r: tcgetattr on the slave: %s", strerror(errno));
	if (now.c_iflag != b->c_iflag || now.c_oflag != b->c_oflag ||
	    now.c_cflag != b->c_cflag || now.c_lflag != b->c_lflag)
		fail(d, "-r: terminal modes not restored: iflag %#x oflag "
		     "%#x cflag %#x lflag %#x, were %#x %#x %#x %#x",
		     now.c_iflag, now.c_oflag, now.c_cflag, now.c_lflag,
		     b->c_iflag, b->c_oflag, b->c_cflag, b->c_lflag);
	for (int i = 0; i < NCCS; i++) {
		if (now.c_cc[i] != b->c_cc[i])
			fail(d, "-r: control character %d not restored: "
			     "%#x, was %#x", i, now.c_cc[i], b->c_cc[i]);
	}
	note(d, "terminal modes restored");
}

/*
 * In the child: the slave as controlling terminal and fds 0-2, then exec.
 * Signals start at their defaults, as from a terminal emulator: run in
 * the background of a shell without job control, ptydrive inherits
 * SIGINT ignored, which would make Ctrl-C do nothing.
 */
static void __attribute__((noreturn))
child(const char *slave_name, char **argv)
{
	sigset_t none;
	int fd;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0 || (fd = open(slave_name, O_RDWR)) < 0 ||
	    ioctl(fd, TIOCSCTTY, 0) < 0) {
		perror("ptydrive: child: slave as controlling terminal");
		_exit(127);
	}
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	if (fd > 2)
		close(fd);
	execvp(argv[0], argv);
	fprintf(stderr, "ptydrive: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Open a pty of size ROWSxCOLS and start ARGV on it.  77 if no pty. */
static int
start(struct drive *d, char **argv, int rows, int cols, bool restore)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	const char *name;

	d->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (d->master < 0 || grantpt(d->master) < 0 ||
	    unlockpt(d->master) < 0 || !(name = ptsname(d->master))) {
		perror("ptydrive: no pseudo-terminal");
		return 77;
	}
	d->slave = open(name, O_RDWR | O_NOCTTY);
	if (d->slave < 0 || tcgetattr(d->slave, &d->before) < 0 ||
	    ioctl(d->master, TIOCSWINSZ, &ws) < 0) {
		perror("ptydrive: pty slave");
		return 77;
	}
	fcntl(d->master, F_SETFD, FD_CLOEXEC);
	fcntl(d->slave, F_SETFD, FD_CLOEXEC);
	fcntl(d->master, F_SETFL, O_NONBLOCK);
	d->pid = fork();
	if (d->pid < 0) {
		perror("ptydrive: fork");
		return 1;
	}
	if (d->pid == 0)
		child(name, argv);
	d->running = true;
	if (!restore) {
		close(d->slave);
		d->slave = -1;
	}
	return 0;
}

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: ptydrive [-v] [-r] [-l LOG] [-f SCRIPT] [-s ROWSxCOLS] "
	      "[-T SECS] [--] COMMAND [ARG...]\n", stderr);
	exit(2);
}

static void __attribute__((noreturn))
cannot_open(const char *path)
{
	fprintf(stderr, "ptydrive: %s: %s\n", path, strerror(errno));
	exit(2);
}

int
main(int argc, char **argv)
{
	struct drive d = { .master = -1, .slave = -1 };
	FILE *script = stdin;
	int rows = 24, cols = 80, limit = 60, c, rc;
	bool restore = false;

	while ((c = getopt(argc, argv, "+vrl:f:s:T:")) != -1) {
		switch (c) {
		case 'v':
			d.verbose = true;
			break;
		case 'r':
			restore = true;
			break;
		case 'l':
			if (!(d.log = fopen(optarg, "w")))
				cannot_open(optarg);
			break;
		case 'f':
			if (!(script = fopen(optarg, "r")))
				cannot_open(optarg);
			break;
		case 's':
			if (sscanf(optarg, "%dx%d", &rows, &cols) != 2 ||
			    rows <= 0 || cols <= 0)
				usage();
			break;
		case 'T':
			if ((limit = atoi(optarg)) <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	d.deadline = now_ms() + limit * 1000LL;
	rc = start(&d, argv + optind, rows, cols, restore);
	if (rc != 0)
		return rc;
	run_script(&d, script);
	d.line++;
	if (d.running)
		note(&d, "end of script: stopping the command");
	stop_child(&d, SIGTERM, 2000);
	if (restore)
		check_restored(&d);
	return 0;
}
