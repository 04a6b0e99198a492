/*
 * exec from a process with several threads: the other threads end
 * (whether asleep in the kernel or running) and the new program runs
 * alone, from the main thread and from a second thread alike.  The
 * exec'd program checks that no old thread runs on in it: such a
 * thread would write to the pipe it inherited; and that it runs with
 * the process's id as its thread id, as Linux gives it.
 */
#include <sys/syscall.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static const char *self;
static int pfd[2];

static void *
sleeper(void *arg)
{
	char c;

	(void)arg;
	read(pfd[0], &c, 1);	/* nobody writes: asleep until exec */
	write(pfd[1], "S", 1);
	return NULL;
}

static void *
spinner(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return NULL;
}

static void *
execer(void *arg)
{
	char fd[16];
	char *argv[] = { (char *)self, "after", fd, NULL };

	(void)arg;
	snprintf(fd, sizeof(fd), "%d", pfd[0]);
	execv(self, argv);
	_exit(5);
}

/* The new program: alone, nothing of the old threads arrives. */
static int
after(int rfd)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char c;
	int fl;

	if (syscall(SYS_gettid) != getpid())
		return 8;
	nanosleep(&ts, NULL);
	fl = fcntl(rfd, F_GETFL);
	if (fl < 0 || fcntl(rfd, F_SETFL, fl | O_NONBLOCK) != 0)
		return 6;
	if (read(rfd, &c, 1) != -1 || errno != EAGAIN)
		return 7;
	return 0;
}

/* A child with a sleeping and a spinning thread execs (main or other). */
static void
run(int from_thread)
{
	pthread_t a, b, c;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		if (pipe(pfd) != 0)
			_exit(2);
		if (pthread_create(&a, NULL, sleeper, NULL) != 0 ||
		    pthread_create(&b, NULL, spinner, NULL) != 0)
			_exit(3);
		sched_yield();
		if (from_thread) {
			if (pthread_create(&c, NULL, execer, NULL) != 0)
				_exit(4);
			for (;;)
				pause();
		}
		execer(NULL);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 3 && strcmp(argv[1], "after") == 0)
		return after(atoi(argv[2]));
	CHECK(self[0] == '/');
	run(0);
	run(1);
	return 0;
}
