/*
 * The console's output side: bytes go straight to the host's stdout with
 * write(2), never through stdio, so that it works from interrupt context
 * and from a task preempted anywhere.  It blocks only as the host write
 * does; the kernel does not sleep.  Also the host's entropy for the
 * kernel's random devices.
 */
#include <errno.h>
#include <poll.h>
#include <sys/random.h>
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

/*
 * Write len bytes to the host console, all of them unless stdout is gone
 * (then the rest is dropped: there is nowhere to report it).
 */
/* Where the console goes: stdout, or stderr for vmlinux-fuse. */
int host_console_fd = STDOUT_FILENO;

void
arch_console_write(const char *buf, size_t len)
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
