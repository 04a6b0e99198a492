/*
 * Signals and threads: a SIGUSR1 sent to a process whose threads all
 * accept it is handled exactly once, by one of them, each of 20 times;
 * a fatal signal kills the whole process, whichever thread it is sent
 * from or aimed at (tgkill at one thread) and whatever the other threads
 * are doing (blocked in read, spinning), and a fault in one thread
 * kills all of them; the parent sees WTERMSIG of that signal.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

#define NTHREADS 4
#define ROUNDS 20

static volatile int handled, stop;
static int pipe_r;

static void
on_usr1(int sig)
{
	(void)sig;
	__atomic_add_fetch(&handled, 1, __ATOMIC_SEQ_CST);
}

/* Wait with SIGUSR2 unblocked only inside sigsuspend (it wakes us at
 * the end without a race); SIGUSR1 is always unblocked. */
static void *
sleeper(void *arg)
{
	sigset_t usr2;

	(void)arg;
	sigemptyset(&usr2);
	while (!stop)
		sigsuspend(&usr2);
	return NULL;
}

static void
on_usr2(int sig)
{
	(void)sig;
}

static void
once_each(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t th[NTHREADS];
	sigset_t usr2;
	struct timespec ms = { 0, 1000000 };

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sa.sa_handler = on_usr2;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &usr2, NULL) == 0);
	for (int i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&th[i], NULL, sleeper, NULL) == 0);
	for (int i = 1; i <= ROUNDS; i++) {
		CHECK(kill(getpid(), SIGUSR1) == 0);
		for (int t = 0; t < 5000 && handled < i; t++)
			nanosleep(&ms, NULL);
		CHECK(handled == i);
	}
	nanosleep(&ms, NULL);
	nanosleep(&ms, NULL);
	CHECK(handled == ROUNDS);
	stop = 1;
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(pthread_kill(th[i], SIGUSR2) == 0);
		CHECK(pthread_join(th[i], NULL) == 0);
	}
}

static void *
reader(void *arg)
{
	char c;

	(void)arg;
	read(pipe_r, &c, 1);
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

enum { FROM_THREAD, AT_THREAD, FAULT };

static void *
killer(void *arg)
{
	int how = (int)(long)arg;

	if (how == FAULT)
		*(volatile int *volatile)NULL = 1;
	kill(getpid(), SIGTERM);
	return NULL;
}

/* A process of several threads; one way or another, a fatal signal. */
static void
fatal(int how, int sig)
{
	int p[2], q[2], status;
	pthread_t th;
	pid_t pid;

	CHECK(pipe(p) == 0 && pipe(q) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		pid_t tid;

		pipe_r = p[0];
		CHECK(pthread_create(&th, NULL, reader, NULL) == 0);
		CHECK(pthread_create(&th, NULL, spinner, NULL) == 0);
		if (how == AT_THREAD) {
			/* This thread's tid, then wait for the end. */
			tid = syscall(SYS_gettid);
			CHECK(write(q[1], &tid, sizeof(tid)) == sizeof(tid));
			reader(NULL);
			_exit(2);
		}
		CHECK(pthread_create(&th, NULL, killer, (void *)(long)how) ==
		      0);
		pthread_join(th, NULL);
		_exit(3);
	}
	if (how == AT_THREAD) {
		pid_t tid;

		CHECK(read(q[0], &tid, sizeof(tid)) == sizeof(tid));
		CHECK(syscall(SYS_tgkill, pid, tid, SIGKILL) == 0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	CHECK(close(q[0]) == 0 && close(q[1]) == 0);
}

static int
test(void)
{
	fatal(FROM_THREAD, SIGTERM);
	fatal(AT_THREAD, SIGKILL);
	fatal(FAULT, SIGSEGV);
	once_each();
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
