/*
 * Process-shared futexes: a child waits on a word of MAP_SHARED memory
 * without FUTEX_PRIVATE_FLAG and its parent wakes it through its own
 * mapping: shared anonymous memory inherited over fork (touched first by
 * the child) and a file both map on their own, at different addresses.
 * A private wake of the same word does not reach the shared waiter.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "guest.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | 128)

static long
futex(uint32_t *w, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

/* The child: wait (shared) until *w is 1; exit 0 if woken with it 1. */
static __attribute__((noreturn)) void
waiter(uint32_t *w)
{
	const struct timespec ts = { 5, 0 };

	while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == 0)
		if (futex(w, FUTEX_WAIT, 0, &ts) != 0 && errno != EAGAIN &&
		    errno != EINTR)
			_exit(2);
	_exit(*w == 1 ? 0 : 3);
}

/*
 * The parent: wake the waiter on w.  A private wake first must find no
 * one; then set the word and wake (shared) until one is woken.
 */
static void
wake_child(pid_t pid, uint32_t *w)
{
	const struct timespec ms2 = { 0, 2000000 };
	long n = 0;
	int st;

	for (int i = 0; i < 20; i++)
		nanosleep(&ms2, NULL);
	CHECK(futex(w, FUTEX_WAKE_PRIVATE, 1, NULL) == 0);
	__atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 1000 && n == 0; i++) {
		n = futex(w, FUTEX_WAKE, 1, NULL);
		CHECK(n >= 0);
		if (n == 0)
			nanosleep(&ms2, NULL);
	}
	CHECK(n == 1);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
main(void)
{
	uint32_t *a, *f, *g;
	pid_t pid;
	int fd;

	/* Shared anonymous memory, first touched by the child. */
	a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	CHECK(a != MAP_FAILED);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		waiter(a + 1024 + 3);
	wake_child(pid, a + 1024 + 3);

	/* A file each maps for itself, the parent at another address. */
	scratch_enter();
	fd = open("fx", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 3 * 4096) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 4096);
		if (f == MAP_FAILED)
			_exit(4);
		waiter(f + 5);
	}
	g = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(g != MAP_FAILED);
	wake_child(pid, g + 1024 + 5);
	CHECK(close(fd) == 0);
	return 0;
}
