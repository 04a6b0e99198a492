/*
 * poll, ppoll, select and pselect6, and the socket calls, which have no
 * sockets to work on yet (see the end).  A struct poller does the waiting for all four: a scan asks each
 * file's poll operation (fs/vfs.h) what it is ready for, and the first
 * scan that finds nothing also leaves a waiter on every wait queue the
 * files registered with poll_wait().  Then the task sleeps until one of
 * those queues is woken, the deadline timer fires or a signal comes, and
 * scans again with fresh registrations.  Each registration holds a
 * reference to its file, so a close meanwhile cannot free the queue.
 *
 * Lost wake-ups: the scan runs TASK_RUNNING; before sleeping the task
 * sets TASK_INTERRUPTIBLE and then looks at its waiters' woken flags
 * (set by wq_wake_*) and the timer's flag with interrupts off, so a wake
 * before the sleep is seen and one after it makes the task runnable.
 *
 * Timeouts are nanoseconds of ktime_ns(); the timer fires at the first
 * jiffy at or after the deadline.  ppoll, select and pselect6 write the
 * time left back, as Linux does.
 */
#include "arch-host/arch.h"
#include "core/abi.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/process.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/syscall.h"
#include "core/timer.h"
#include "core/wait.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define POLL_CHUNK	32		/* waits per chunk */
#define POLL_FAST_FDS	32		/* pollfds kept on the stack */
#define POLL_MAX_NS	(1ULL << 62)	/* longer: no timer at all */
#define KSIGSET_SIZE	8

#define POLLIN_SET	(KPOLLRDNORM | KPOLLRDBAND | KPOLLIN | KPOLLHUP | \
			 KPOLLERR)
#define POLLOUT_SET	(KPOLLWRBAND | KPOLLWRNORM | KPOLLOUT | KPOLLERR)
#define POLLEX_SET	KPOLLPRI

/* One registration: a waiter on a file's queue, with the file held. */
struct poll_entry {
	struct wait_queue *wq;
	struct file *file;
	struct waiter w;
};

struct poll_chunk {
	struct poll_chunk *next;	/* more chunks, kept for reuse */
	unsigned int used;
	struct poll_entry e[POLL_CHUNK];
};

struct poller {
	struct poll_table pt;		/* what poll operations see */
	struct poll_chunk first;	/* the entries, first chunk inline */
	struct poll_chunk *cur;		/* the chunk being filled */
	struct file *file;		/* the file being polled */
	int error;			/* -ENOMEM while registering */
	struct task *task;		/* [I] the sleeper */
	struct ktimer timer;
	bool timed;			/* [I] there is a deadline */
	uint64_t deadline;		/* [I] ktime_ns() */
	bool expired;			/* [i] the deadline passed */
};

/* ---- waiting ---- */

/* The next free entry; NULL when no chunk can be had. */
static struct poll_entry *
poller_entry(struct poller *p)
{
	struct poll_chunk *c = p->cur;

	if (c->used == POLL_CHUNK) {
		if (c->next == NULL) {
			c->next = kmalloc(sizeof(*c));
			if (c->next == NULL)
				return NULL;
			c->next->next = NULL;
			c->next->used = 0;
		}
		c = p->cur = c->next;
	}
	return &c->e[c->used++];
}

/* poll_wait() of a file's poll operation: stay on wq from now on. */
static void
poller_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct poller *p = container_of(pt, struct poller, pt);
	struct poll_entry *e = poller_entry(p);

	if (e == NULL) {
		p->error = -ENOMEM;
		return;
	}
	e->wq = wq;
	e->file = p->file;
	file_get(e->file);
	e->w = (struct waiter){ .task = NULL };
	/* Queue without going to sleep: the scan is not over. */
	wq_prepare(wq, &e->w, TASK_RUNNING);
}

/* Leave every queue of the last scan. */
static void
poller_reset(struct poller *p)
{
	struct poll_chunk *c;

	for (c = &p->first; c != NULL; c = c->next) {
		for (unsigned int i = 0; i < c->used; i++) {
			wq_finish(c->e[i].wq, &c->e[i].w);
			file_put(c->e[i].file);
		}
		c->used = 0;
		if (c == p->cur)
			break;
	}
	p->cur = &p->first;
}

/* True if a queue of the last scan was woken; interrupts off. */
static bool
poller_woken(const struct poller *p)
{
	const struct poll_chunk *c;

	for (c = &p->first; c != NULL; c = c->next) {
		for (unsigned int i = 0; i < c->used; i++)
			if (c->e[i].w.woken)
				return true;
		if (c == p->cur)
			break;
	}
	return false;
}

static void
poller_fire(struct ktimer *t)
{
	struct poller *p = container_of(t, struct poller, timer);

	p->expired = true;
	sched_wake(p->task);
}

/* Arm the timer for the deadline; interrupts off. */
static void
poller_arm(struct poller *p)
{
	if (p->deadline != UINT64_MAX)
		ktimer_add_ns(&p->timer, p->deadline);
}

/* Start a poller; timeout_ns NULL: wait for ever, 0: do not wait. */
static void
poller_init(struct poller *p, const uint64_t *timeout_ns)
{
	uint64_t now = ktime_ns();

	p->pt.queue = poller_queue;
	p->first.next = NULL;
	p->first.used = 0;
	p->cur = &p->first;
	p->file = NULL;
	p->error = 0;
	p->task = current;
	p->timed = timeout_ns != NULL;
	p->expired = p->timed && *timeout_ns == 0;
	p->deadline = UINT64_MAX;
	ktimer_init(&p->timer, poller_fire);
	if (!p->timed || p->expired)
		return;
	if (*timeout_ns < POLL_MAX_NS)
		p->deadline = now + *timeout_ns;
	poller_arm(p);
}

/* Stop the timer and free the registrations; the time left. */
static uint64_t
poller_done(struct poller *p)
{
	struct poll_chunk *c, *next;
	uint64_t now;

	ktimer_del(&p->timer);
	poller_reset(p);
	for (c = p->first.next; c != NULL; c = next) {
		next = c->next;
		kfree(c);
	}
	now = ktime_ns();
	return p->deadline > now && !p->expired ? p->deadline - now : 0;
}

/*
 * Sleep until a registered queue is woken, the deadline passes or a
 * signal comes: 0 or -ERESTARTNOHAND (never restarted by SA_RESTART).
 */
static int
poller_sleep(struct poller *p)
{
	unsigned long s = arch_intr_save();

	current->state = TASK_INTERRUPTIBLE;
	arch_intr_restore(s);
	/* A sender wakes the task after this point: schedule() returns. */
	if (signal_pending()) {
		s = arch_intr_save();
		current->state = TASK_RUNNING;
		arch_intr_restore(s);
		return -ERESTARTNOHAND;
	}
	s = arch_intr_save();
	if (!p->expired && !poller_woken(p))
		schedule();
	current->state = TASK_RUNNING;
	/* A timer that fired a little early: wait for the rest. */
	if (p->expired && p->deadline != UINT64_MAX &&
	    ktime_ns() < p->deadline) {
		p->expired = false;
		poller_arm(p);
	}
	arch_intr_restore(s);
	return 0;
}

/* What f is ready for, registering its queues if wait. */
static unsigned int
poller_poll(struct poller *p, struct file *f, bool wait)
{
	if (f->ops->poll == NULL)
		return KPOLL_DEFAULT;
	p->file = f;
	return f->ops->poll(f, wait ? &p->pt : NULL);
}

/*
 * Scan until scan() counts something ready (or fails), the time is up or
 * a signal comes.  scan() registers queues only while wait is true.
 */
static long
poller_run(struct poller *p, long (*scan)(struct poller *p, void *arg,
					  bool wait), void *arg)
{
	long n;

	for (;;) {
		poller_reset(p);
		n = scan(p, arg, !p->expired);
		if (n != 0 || p->expired)
			return n;
		if (p->error != 0)
			return p->error;
		n = poller_sleep(p);
		if (n != 0)
			return n;
	}
}

/* ---- time arguments ---- */

/* A timespec as nanoseconds: 0 or -EINVAL. */
static int
timespec_ns(const struct ktimespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec >= POLL_MAX_NS / NSEC_PER_SEC)
		*ns = POLL_MAX_NS;
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC +
		      (uint64_t)ts->tv_nsec;
	return 0;
}

/* Copy in a guest timespec timeout (NULL: none): 0, -EFAULT, -EINVAL. */
static int
timeout_in(uintptr_t uts, uint64_t *ns, const uint64_t **out)
{
	struct ktimespec ts;
	int err;

	*out = NULL;
	if (uts == 0)
		return 0;
	if (copyin(&ts, uts, sizeof(ts)) != 0)
		return -EFAULT;
	err = timespec_ns(&ts, ns);
	if (err == 0)
		*out = ns;
	return err;
}

/*
 * Write the time left back to a guest timespec or (usec) timeval.  As
 * Linux: not for a zero timeout, and a fault here is not reported.
 */
static void
timeout_out(uintptr_t ut, const uint64_t *timeout, uint64_t left, bool usec)
{
	struct ktimespec ts;

	if (ut == 0 || timeout == NULL || *timeout == 0)
		return;
	ts.tv_sec = (int64_t)(left / NSEC_PER_SEC);
	ts.tv_nsec = (int64_t)(left % NSEC_PER_SEC);
	if (usec)
		ts.tv_nsec /= NSEC_PER_USEC;
	copyout(ut, &ts, sizeof(ts));
}

/*
 * The signal mask of ppoll and pselect6: read it (0 or -errno); with
 * sigmask_apply() it replaces the thread's mask for the call.
 */
static int
sigmask_check(uintptr_t umask, size_t size, uint64_t *mask)
{
	if (umask == 0)
		return 0;
	if (size != KSIGSET_SIZE)
		return -EINVAL;
	return copyin(mask, umask, sizeof(*mask)) != 0 ? -EFAULT : 0;
}

static void
sigmask_apply(uintptr_t umask, uint64_t mask)
{
	struct task *t = current;

	if (umask == 0)
		return;
	t->saved_sigmask = t->sig_blocked;
	t->restore_sigmask = true;
	t->sig_blocked = mask & ~(KSIG_BIT(KSIGKILL) | KSIG_BIT(KSIGSTOP));
}

/*
 * The call is over: a signal it let in sees the old mask in its frame
 * (signal delivery puts it back); otherwise it comes back now.  Such a
 * call is not restarted: the mask would be lost.
 */
static long
sigmask_done(uintptr_t umask, long n)
{
	struct task *t = current;

	if (umask == 0)
		return n;
	if (n == -ERESTARTNOHAND)
		n = -EINTR;
	if (n != -EINTR) {
		t->sig_blocked = t->saved_sigmask;
		t->restore_sigmask = false;
	}
	return n;
}

/* ---- poll ---- */

struct kpollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

struct poll_args {
	struct kpollfd *fds;
	unsigned int n;
};

/* The revents of one pollfd. */
static int16_t
poll_one(struct poller *p, const struct kpollfd *pfd, bool wait)
{
	unsigned int mask;
	struct file *f;

	if (pfd->fd < 0)
		return 0;
	if (current->files == NULL ||
	    fdtable_file(current->files, pfd->fd, &f) != 0)
		return KPOLLNVAL;
	mask = KPOLLNVAL;
	if (!(f->mode & FMODE_PATH))
		mask = poller_poll(p, f, wait) &
		       ((uint16_t)pfd->events | KPOLLERR | KPOLLHUP);
	file_put(f);
	return (int16_t)mask;
}

static long
poll_scan(struct poller *p, void *arg, bool wait)
{
	struct poll_args *a = arg;
	long count = 0;

	for (unsigned int i = 0; i < a->n; i++) {
		/* Once something is ready, nobody waits: stop registering. */
		a->fds[i].revents = poll_one(p, &a->fds[i],
					     wait && count == 0);
		if (a->fds[i].revents != 0)
			count++;
	}
	return count;
}

/* poll and ppoll: timeout NULL waits for ever. */
static long
do_poll(uintptr_t ufds, unsigned int nfds, const uint64_t *timeout,
	uint64_t *left)
{
	struct kpollfd fast[POLL_FAST_FDS];
	struct poll_args a = { .fds = fast, .n = nfds };
	size_t size = (size_t)nfds * sizeof(struct kpollfd);
	struct poller p;
	long n;

	if (current->files != NULL && nfds > fdtable_limit(current->files))
		return -EINVAL;
	if (nfds > POLL_FAST_FDS)
		a.fds = kmalloc(size);
	if (a.fds == NULL)
		return -ENOMEM;
	n = size > 0 ? copyin(a.fds, ufds, size) : 0;
	if (n == 0) {
		poller_init(&p, timeout);
		n = poller_run(&p, poll_scan, &a);
		*left = poller_done(&p);
	}
	if (n >= 0 && size > 0 && copyout(ufds, a.fds, size) != 0)
		n = -EFAULT;
	if (a.fds != fast)
		kfree(a.fds);
	return n;
}

SYSCALL_DEFINE3(poll, uintptr_t, ufds, unsigned int, nfds, int, timeout_ms)
{
	uint64_t ns = (uint64_t)timeout_ms * NSEC_PER_MSEC, left;

	return do_poll(ufds, nfds, timeout_ms < 0 ? NULL : &ns, &left);
}

SYSCALL_DEFINE5(ppoll, uintptr_t, ufds, unsigned int, nfds, uintptr_t, uts,
		uintptr_t, umask, size_t, sigsetsize)
{
	const uint64_t *timeout;
	uint64_t ns, left = 0, mask = 0;
	long n;

	n = timeout_in(uts, &ns, &timeout);
	if (n == 0)
		n = sigmask_check(umask, sigsetsize, &mask);
	if (n != 0)
		return n;
	sigmask_apply(umask, mask);
	n = do_poll(ufds, nfds, timeout, &left);
	timeout_out(uts, timeout, left, false);
	return sigmask_done(umask, n);
}

/* ---- select ---- */

/* The sets of select: in[] from the guest (zeros if not given), out[]. */
struct select_args {
	unsigned int n;			/* fds below n count */
	size_t words;			/* 64-bit words per set */
	uint64_t *in[3];		/* read, write, except */
	uint64_t *out[3];
};

static const unsigned int select_events[3] = {
	POLLIN_SET, POLLOUT_SET, POLLEX_SET
};

/* Ask fd what it is ready for and mark it in the out sets. */
static long
select_one(struct poller *p, struct select_args *a, unsigned int fd,
	   bool wait)
{
	size_t w = fd / 64;
	uint64_t bit = 1ULL << (fd % 64);
	unsigned int mask;
	struct file *f;
	long count = 0;

	if (fdtable_file(current->files, (int)fd, &f) != 0)
		return -EBADF;
	if (f->mode & FMODE_PATH) {
		file_put(f);
		return -EBADF;
	}
	mask = poller_poll(p, f, wait);
	file_put(f);
	for (int i = 0; i < 3; i++) {
		if ((a->in[i][w] & bit) && (mask & select_events[i])) {
			a->out[i][w] |= bit;
			count++;
		}
	}
	return count;
}

static long
select_scan(struct poller *p, void *arg, bool wait)
{
	struct select_args *a = arg;
	long count = 0, n;
	uint64_t any;

	for (unsigned int fd = 0; fd < a->n; fd++) {
		any = a->in[0][fd / 64] | a->in[1][fd / 64] |
		      a->in[2][fd / 64];
		if (!((any >> (fd % 64)) & 1))
			continue;
		n = select_one(p, a, fd, wait && count == 0);
		if (n < 0)
			return n;
		count += n;
	}
	return count;
}

/* Copy in the guest's sets; the bits at and above n are ignored. */
static int
select_sets_in(struct select_args *a, const uintptr_t usets[3])
{
	uint64_t last = a->n % 64 ? (1ULL << (a->n % 64)) - 1 : ~0ULL;

	for (int i = 0; i < 3; i++) {
		if (usets[i] != 0 && a->words > 0 &&
		    copyin(a->in[i], usets[i], a->words * 8) != 0)
			return -EFAULT;
		if (a->words > 0)
			a->in[i][a->words - 1] &= last;
	}
	return 0;
}

static int
select_sets_out(struct select_args *a, const uintptr_t usets[3])
{
	for (int i = 0; i < 3; i++)
		if (usets[i] != 0 && a->words > 0 &&
		    copyout(usets[i], a->out[i], a->words * 8) != 0)
			return -EFAULT;
	return 0;
}

/* The number of fds select looks at: n, but not past the table. */
static unsigned int
select_limit(int n)
{
	struct fdtable *t = current->files;
	unsigned int size;

	if (t == NULL)
		return 0;
	mutex_lock(&t->lock);
	size = t->size;
	mutex_unlock(&t->lock);
	return MIN((unsigned int)n, size);
}

static long
do_select(int nfds, const uintptr_t usets[3], const uint64_t *timeout,
	  uint64_t *left)
{
	struct select_args a;
	struct poller p;
	uint64_t *mem;
	long n;

	if (nfds < 0)
		return -EINVAL;
	a.n = select_limit(nfds);
	a.words = DIV_ROUND_UP(a.n, 64);
	mem = kzalloc(MAX(6 * a.words * 8, 8));
	if (mem == NULL)
		return -ENOMEM;
	for (int i = 0; i < 3; i++) {
		a.in[i] = mem + i * a.words;
		a.out[i] = mem + (3 + i) * a.words;
	}
	n = select_sets_in(&a, usets);
	if (n == 0) {
		poller_init(&p, timeout);
		n = poller_run(&p, select_scan, &a);
		*left = poller_done(&p);
	}
	if (n >= 0 && select_sets_out(&a, usets) != 0)
		n = -EFAULT;
	kfree(mem);
	return n;
}

SYSCALL_DEFINE5(select, int, nfds, uintptr_t, urd, uintptr_t, uwr,
		uintptr_t, uex, uintptr_t, utv)
{
	const uintptr_t usets[3] = { urd, uwr, uex };
	const uint64_t *timeout = NULL;
	uint64_t ns, left = 0;
	struct ktimeval tv;
	struct ktimespec ts;
	long n;

	if (utv != 0) {
		if (copyin(&tv, utv, sizeof(tv)) != 0)
			return -EFAULT;
		/* Linux carries whole seconds of tv_usec over. */
		ts.tv_sec = tv.tv_sec + tv.tv_usec / 1000000;
		ts.tv_nsec = (tv.tv_usec % 1000000) * 1000;
		if (timespec_ns(&ts, &ns) != 0)
			return -EINVAL;
		timeout = &ns;
	}
	n = do_select(nfds, usets, timeout, &left);
	timeout_out(utv, timeout, left, true);
	return n;
}

/* pselect6's sixth argument: the signal mask and its size. */
struct ksigset_arg {
	uint64_t umask;
	uint64_t size;
};

SYSCALL_DEFINE6(pselect6, int, nfds, uintptr_t, urd, uintptr_t, uwr,
		uintptr_t, uex, uintptr_t, uts, uintptr_t, usig)
{
	const uintptr_t usets[3] = { urd, uwr, uex };
	struct ksigset_arg sig = { 0, 0 };
	const uint64_t *timeout;
	uint64_t ns, left = 0, mask = 0;
	long n;

	n = timeout_in(uts, &ns, &timeout);
	if (n != 0)
		return n;
	if (usig != 0 && copyin(&sig, usig, sizeof(sig)) != 0)
		return -EFAULT;
	n = sigmask_check(sig.umask, sig.size, &mask);
	if (n != 0)
		return n;
	sigmask_apply(sig.umask, mask);
	n = do_select(nfds, usets, timeout, &left);
	timeout_out(uts, timeout, left, false);
	return sigmask_done(sig.umask, n);
}

/* ---- sockets: none yet ---- */

/*
 * Until there is a network stack, socket() and socketpair() refuse every
 * address family, and the calls on a socket fd find none: -EBADF if fd
 * is not open, else -ENOTSOCK.
 */
static long
sock_none(int fd)
{
	struct file *f;

	if (current->files == NULL ||
	    fdtable_file(current->files, fd, &f) != 0)
		return -EBADF;
	file_put(f);
	return -ENOTSOCK;
}

SYSCALL_DEFINE3(socket, int, domain, int, type, int, protocol)
{
	(void)domain, (void)type, (void)protocol;
	return -EAFNOSUPPORT;
}

SYSCALL_DEFINE4(socketpair, int, domain, int, type, int, protocol,
		uintptr_t, usv)
{
	(void)domain, (void)type, (void)protocol, (void)usv;
	return -EAFNOSUPPORT;
}

#define SOCK_NONE(name)							\
	SYSCALL_DEFINE1(name, int, fd)					\
	{								\
		return sock_none(fd);					\
	}

SOCK_NONE(connect)
SOCK_NONE(accept)
SOCK_NONE(accept4)
SOCK_NONE(sendto)
SOCK_NONE(recvfrom)
SOCK_NONE(sendmsg)
SOCK_NONE(recvmsg)
SOCK_NONE(shutdown)
SOCK_NONE(bind)
SOCK_NONE(listen)
SOCK_NONE(getsockname)
SOCK_NONE(getpeername)
SOCK_NONE(setsockopt)
SOCK_NONE(getsockopt)
