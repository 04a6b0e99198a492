/*
 * signalfd: a descriptor for blocked signals.  Reading it (non-blocking)
 * with nothing pending is EAGAIN; a signal sent with kill makes it
 * readable (poll) and reads back as a signalfd_siginfo with ssi_signo,
 * ssi_code SI_USER, ssi_pid and ssi_uid, consuming the pending signal;
 * sigqueue's value arrives in ssi_int; signals not in its mask stay
 * pending until the mask is updated with signalfd(fd, ...); a too small
 * buffer is EINVAL; the handler never runs for what the fd reads.
 */
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "guest.h"

static volatile int handled;

static void
handler(int sig)
{
	(void)sig;
	handled++;
}

static int
test(void)
{
	struct sigaction sa = { .sa_handler = handler };
	struct signalfd_siginfo ssi;
	struct pollfd pfd;
	union sigval v = { .sival_int = 1234 };
	sigset_t both, one;
	int fd;
	char small[8];

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &both, NULL) == 0);
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	fd = signalfd(-1, &one, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(fd >= 0);

	CHECK_ERR(read(fd, &ssi, sizeof(ssi)), EAGAIN);
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 0) == 0);

	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sig_is_pending(SIGUSR1));
	CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN));
	CHECK_ERR(read(fd, small, sizeof(small)), EINVAL);
	CHECK(read(fd, &ssi, sizeof(ssi)) == sizeof(ssi));
	CHECK(ssi.ssi_signo == SIGUSR1 && ssi.ssi_code == SI_USER);
	CHECK(ssi.ssi_pid == (uint32_t)getpid());
	CHECK(ssi.ssi_uid == (uint32_t)getuid());
	CHECK(!sig_is_pending(SIGUSR1));
	CHECK_ERR(read(fd, &ssi, sizeof(ssi)), EAGAIN);

	/* sigqueue's value. */
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	CHECK(read(fd, &ssi, sizeof(ssi)) == sizeof(ssi));
	CHECK(ssi.ssi_signo == SIGUSR1 && ssi.ssi_code == SI_QUEUE);
	CHECK(ssi.ssi_int == 1234);

	/* Not in the mask: stays pending, until the mask includes it. */
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK_ERR(read(fd, &ssi, sizeof(ssi)), EAGAIN);
	CHECK(sig_is_pending(SIGUSR2));
	CHECK(signalfd(fd, &both, 0) == fd);
	CHECK(read(fd, &ssi, sizeof(ssi)) == sizeof(ssi));
	CHECK(ssi.ssi_signo == SIGUSR2);
	CHECK(!sig_is_pending(SIGUSR2));

	CHECK(close(fd) == 0);
	CHECK(sigprocmask(SIG_UNBLOCK, &both, NULL) == 0);
	CHECK(handled == 0);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
