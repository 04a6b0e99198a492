/*
 * The console: bytes go straight to the host's stdout with write(2),
 * never through stdio, so that it works from interrupt context and from
 * a task preempted anywhere.  It blocks only as the host write does; the
 * kernel does not sleep.  While the host terminal is raw (term.c), the
 * kernel's own messages (arch_console_write) get CR-LF line ends, as a
 * serial console's; the guest tty's output goes out as it is.
 *
 * Input: stdin is made non-blocking and O_ASYNC, its signal
 * HOST_SIG_CONSOLE aimed at the vCPU thread, so that input raises
 * IRQ_CONSOLE; drivers/tty/console.c then reads what is there.  A stdin
 * that sends no signal (a regular file, /dev/null) is read as far as the
 * kernel has room, and again whenever it makes more.  Also the host's
 * entropy for the kernel's random devices.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"

/* Wait until stdout takes more bytes (it may be a non-blocking tty). */
static void
console_wait_writable(void)
{
	struct pollfd pfd = { .fd = host_console_fd, .events = POLLOUT };

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		continue;
}

/* Where the console goes: stdout, or stderr for vmlinux-fuse. */
int host_console_fd = STDOUT_FILENO;

static volatile sig_atomic_t console_resized;
static bool console_input_on;	/* stdin is ours to read */

/*
 * Write len bytes to the host console, all of them unless stdout is gone
 * (then the rest is dropped: there is nowhere to report it).
 */
void
arch_console_write_raw(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(host_console_fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			console_wait_writable();
			continue;
		}
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* The kernel's messages: CR-LF line ends on a raw terminal. */
void
arch_console_write(const char *buf, size_t len)
{
	size_t start = 0;

	if (!term_crlf()) {
		arch_console_write_raw(buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		arch_console_write_raw(buf + start, i - start);
		arch_console_write_raw("\r\n", 2);
		start = i + 1;
	}
	arch_console_write_raw(buf + start, len - start);
}

void
console_host_winch(void)
{
	console_resized = 1;
	intr_raise(IRQ_CONSOLE);
}

/* stdin: non-blocking, and HOST_SIG_CONSOLE to this thread on input. */
static int
console_async(void)
{
	struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = gettid() };
	int fl = fcntl(STDIN_FILENO, F_GETFL);

	if (fl == -1)
		return -errno;
	term_save_flags();
	if (fcntl(STDIN_FILENO, F_SETSIG, HOST_SIG_CONSOLE) != 0 ||
	    fcntl(STDIN_FILENO, F_SETOWN_EX, &owner) != 0 ||
	    fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK | O_ASYNC) != 0)
		return -errno;
	return 0;
}

int
arch_console_input_start(void)
{
	int flags = 0, err;

	if (isatty(host_console_fd))
		flags |= ARCH_CONSOLE_OUT_TTY;
	if (isatty(STDIN_FILENO)) {
		/* A terminal we may not take (in the background): no input. */
		if (term_raw() != 0)
			return flags;
		flags |= ARCH_CONSOLE_IN_TTY;
	}
	err = console_async();
	if (err != 0)
		return err;
	console_input_on = true;
	return flags;
}

long
arch_console_read(char *buf, size_t len)
{
	ssize_t n;

	if (!console_input_on)
		return 0;
	do {
		n = read(STDIN_FILENO, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -EAGAIN;
	return n < 0 ? 0 : n;
}

int
arch_console_winsize(unsigned short *rows, unsigned short *cols)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 &&
	    ioctl(host_console_fd, TIOCGWINSZ, &ws) != 0)
		return -ENOTTY;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}

bool
arch_console_resized(void)
{
	if (!console_resized)
		return false;
	console_resized = 0;
	return true;
}

/*
 * Fill buf from the host's random source.  getrandom() on the urandom pool
 * does not block once the host booted; a failure (it cannot, short of a
 * broken host) leaves what was not filled as it was.
 */
void
arch_random_bytes(void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}
