/*
 * User mode: guest code runs in stub processes (arch-host/stub/stub.c),
 * one per address space.  The kernel starts a stub with fork and
 * execveat on a sealed memfd holding the embedded stub image, sends it
 * the memfd of its control area and the memory fd over a socket on fd 0,
 * and waits for its first trap.  From then on the two hand the guest back
 * and forth through the control block's state word (spin briefly, then
 * futex): the stub traps (STUB_TRAPPED), the kernel reads and edits the
 * registers in the signal frame and lets it run (STUB_RUNNING).  Changes
 * to the stub's mappings go to its ops thread through the request page,
 * and the kernel waits for the answer on the socket before it goes on:
 * when arch_user_flush() returns, no mapping the kernel took away is
 * left, whatever guest code did.
 *
 * Guest code can write the control block and the frame, and can make the
 * state word say STUB_TRAPPED while it runs on.  So what is read there is
 * hostile input (fields read once, checked), the frame is always the one
 * the first trap built (a trap that says otherwise kills the guest), the
 * fields of it that sigreturn trusts are rewritten before every run, and
 * a used stub is given to another address space only once the host's
 * /proc/PID/syscall shows its guest thread asleep in the park loop.
 *
 * A stub that dies (killed on the host) is reaped by the SIGCHLD handler,
 * which marks it dead and wakes a kernel waiting for it: arch_run_user()
 * then says ARCH_TRAP_DEAD.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "arch-host/stub/stub.h"

#ifndef MFD_EXEC
#define MFD_EXEC	0x0010U
#endif
#define USER_SLOTS	4096	/* stubs alive at once */
#define SPIN_LOOPS	4000	/* polls of the state word before futex */
#define QUICK_NS	50000	/* out this briefly: its stub yields */
#define KICK_GRACE_NS	2000000000L	/* kicked, not back after: killed */
#define OPS_SPIN	20000		/* polls of the ops hint before recv */
#define OPS_GRACE_MS	5000		/* ops not answered after: killed */
#define PARK_WAIT_NS	50000000L	/* a used stub must be parked by then */
#define PARK_QUICK_NS	20000L		/* ... or else its memory is unmapped */
#define AREA_LEN	(STUB_AREA_SIZE + STUB_REQ_SIZE)

extern const char stub_image[], stub_image_end[];

struct arch_user {
	pid_t pid;
	int sock;			/* our end of the stub's fd 0 */
	int area_fd;
	struct stub_ctl *ctl;		/* the control area, mapped here */
	struct stub_req *req;		/* the request page, mapped here */
	volatile int dead;
	bool started;			/* the guest's registers are set */
	bool used;			/* guest code has run in it */
	bool outstanding;		/* a batch's answer is not read yet */
	bool must_wake;			/* wake it whatever stub_sleeps says */
	volatile bool kicked;		/* arch_user_kick() since last trap */
	volatile uint64_t kicked_ns;	/* when that kick came first */
	uint64_t fs_base;		/* as the stub has it */
	bool quick;			/* it was out briefly last time */
	/* The frame every trap builds, as the first trap showed it. */
	uint64_t frame;			/* stub address of the ucontext */
	uint64_t fpregs;		/* ... and of its FP area */
	uint64_t uc_flags;
	size_t fp_size;			/* bytes in the FP area */
	unsigned char fp_sw[48];	/* the FP area's software bytes */
	uint64_t park_pc;		/* where the park loop sleeps */
	uint64_t napped_at;		/* when it lost the CPU, or 0 */
	int slot;
	/* Queued ops, kept here: guest code can write the control page. */
	uint32_t nr_ops;
	struct stub_op ops[STUB_MAX_OPS];
};

static int stub_fd = -1;
static struct arch_user *_Atomic slots[USER_SLOTS];
/* A stub told by the scheduler to stop spinning, not told yet (vCPU only). */
static struct arch_user *nap_pending;

/* ---- futex on the shared state word ---- */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Each side wakes the other only if it sleeps: the sleeper sets its flag,
 * then checks the state word again before it waits; the waker stores the
 * state, then reads the flag (both with full fences in between).  The
 * flags are on the control page, which guest code can write: a guest that
 * clears kernel_sleeps delays its own trap by at most KWAIT_NS, since the
 * kernel's wait times out; one that clears stub_sleeps hangs only its own
 * stub thread.
 */
#define KWAIT_NS	10000000L

/* Let a stub sleeping for STUB_RUNNING see it (state already stored). */
static void
state_wake(struct stub_ctl *c)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->stub_sleeps, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &c->state, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Wake the ops thread (and, harmlessly, guest code asleep there). */
static void
ops_wake(struct arch_user *u)
{
	syscall(SYS_futex, &u->req->seq, FUTEX_WAKE, INT32_MAX, NULL, NULL,
		0);
}

/* Wait until the stub traps (or dies). */
static void
state_wait_trapped(struct arch_user *u)
{
	struct stub_ctl *c = u->ctl;
	const struct timespec tmo = { 0, KWAIT_NS };
	bool killed = false;
	uint32_t state;

	for (int i = 0; i < SPIN_LOOPS; i++) {
		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) ==
		    STUB_TRAPPED || u->dead)
			return;
		__builtin_ia32_pause();
	}
	while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != STUB_TRAPPED &&
	       !u->dead) {
		/*
		 * Guest code can keep the stub from trapping (by blocking
		 * the preemption signal through a forged rt_sigreturn at
		 * the gate, say): the kernel must not wait for it forever.
		 */
		if (u->kicked && !killed &&
		    now_ns() - u->kicked_ns > KICK_GRACE_NS) {
			fprintf(stderr, "%s: a guest process ignored "
				"preemption for 2 s: killed\n", host_progname);
			kill(u->pid, SIGKILL);
			killed = true;
		}
		/* A batch nobody woke the ops thread for: do it now. */
		if (u->outstanding &&
		    __atomic_load_n(&c->ops_done, __ATOMIC_ACQUIRE) !=
		    u->req->seq)
			ops_wake(u);
		__atomic_store_n(&c->kernel_sleeps, 1, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		state = __atomic_load_n(&c->state, __ATOMIC_SEQ_CST);
		if (state != STUB_TRAPPED && !u->dead)
			syscall(SYS_futex, &c->state, FUTEX_WAIT, state, &tmo,
				NULL, 0);
	}
	__atomic_store_n(&c->kernel_sleeps, 0, __ATOMIC_RELAXED);
}

/* ---- stubs dying ---- */

static void
user_sigchld(int sig)
{
	int saved = errno, status;
	pid_t pid;

	(void)sig;
	while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
		for (int i = 0; i < USER_SLOTS; i++) {
			struct arch_user *u = slots[i];

			if (u != NULL && u->pid == pid) {
				u->dead = 1;
				__atomic_store_n(&u->ctl->state, STUB_TRAPPED,
						 __ATOMIC_RELEASE);
				syscall(SYS_futex, &u->ctl->state, FUTEX_WAKE,
					1, NULL, NULL, 0);
				intr_raise(IRQ_USER);
				break;
			}
		}
	}
	errno = saved;
}

/* ---- starting stubs ---- */

/* The sealed memfd with the stub image, made once. */
static int
stub_image_fd(void)
{
	size_t len = (size_t)(stub_image_end - stub_image);
	int fd;

	if (stub_fd >= 0)
		return stub_fd;
	fd = memfd_create("vmlinux-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING |
				     MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("vmlinux-stub",
				  MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write(fd, stub_image, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK |
				   F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		int err = errno ? -errno : -EIO;

		close(fd);
		return err;
	}
	stub_fd = fd;
	return fd;
}

/*
 * With two host CPUs or more, the vCPU thread keeps one to itself and
 * the stubs' guest threads get the others: a stub woken for the guest
 * then never waits for the vCPU's spin on its CPU, nor the vCPU for a
 * stub's.  A stub's ops thread shares its guest thread's CPU, and the
 * guest thread wakes it there (ops_send()): no wake-up crosses CPUs.
 */
static cpu_set_t stub_cpus;
static bool stub_cpus_set;

static void
user_pin_cpus(void)
{
	cpu_set_t all, one;
	int cpu = sched_getcpu();

	if (sched_getaffinity(0, sizeof(all), &all) != 0 ||
	    CPU_COUNT(&all) < 2)
		return;
	if (cpu < 0 || !CPU_ISSET(cpu, &all))
		for (cpu = 0; !CPU_ISSET(cpu, &all); cpu++)
			;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		return;
	stub_cpus = all;
	CPU_CLR(cpu, &stub_cpus);
	stub_cpus_set = true;
}

static int
user_init_once(void)
{
	static bool done;
	struct sigaction sa;

	if (done)
		return 0;
	user_pin_cpus();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = user_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		return -errno;
	done = true;
	return 0;
}

/* In the child of fork(): become the stub.  Async-signal-safe only. */
static __attribute__((noreturn)) void
exec_stub(int sock, int image)
{
	static char *const argv[] = { "vmlinux-stub", NULL };
	static char *const envp[] = { NULL };
	sigset_t none;

	setsid();
	/* Both threads of the stub: the guest thread and its ops thread. */
	if (stub_cpus_set)
		sched_setaffinity(0, sizeof(stub_cpus), &stub_cpus);
	if (dup2(sock, 0) < 0 || dup2(image, 1) < 0 ||
	    fcntl(1, F_SETFD, FD_CLOEXEC) != 0)
		_exit(126);
	syscall(SYS_close_range, 2U, ~0U, 0U);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	syscall(SYS_execveat, 1, "", argv, envp, AT_EMPTY_PATH);
	/* Under valgrind, which does not run execveat: the same by path. */
	execve("/proc/self/fd/1", argv, envp);
	_exit(127);
}

/* Send a message with nfds fds (one or two). */
static int
send_fds(int sock, const int *fds, int nfds, const void *data, size_t len)
{
	struct iovec iov = { (void *)data, len };
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cm.buf,
		.msg_controllen = CMSG_SPACE(nfds * sizeof(int)),
	};
	struct cmsghdr *h = CMSG_FIRSTHDR(&msg);

	memset(cm.buf, 0, sizeof(cm.buf));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(h), fds, nfds * sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -EIO;
}

static int
slot_take(struct arch_user *u)
{
	for (int i = 0; i < USER_SLOTS; i++) {
		struct arch_user *none = NULL;

		if (__atomic_compare_exchange_n(&slots[i], &none, u, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			u->slot = i;
			return 0;
		}
	}
	return -EAGAIN;
}

static int frame_learn(struct arch_user *u);

int
arch_user_create(struct arch_user **out)
{
	struct { uint64_t ppid, area_len; } setup;
	struct arch_user *u;
	int sv[2], image, err, fds[2];
	sigset_t all, old;

	err = user_init_once();
	if (err)
		return err;
	image = stub_image_fd();
	if (image < 0)
		return image;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	u->sock = u->area_fd = -1;
	u->slot = -1;
	u->area_fd = memfd_create("vmlinux-stub-area", MFD_CLOEXEC);
	if (u->area_fd < 0 || ftruncate(u->area_fd, AREA_LEN) != 0)
		goto fail_errno;
	u->ctl = mmap(NULL, AREA_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		      u->area_fd, 0);
	if (u->ctl == MAP_FAILED) {
		u->ctl = NULL;
		goto fail_errno;
	}
	u->req = (struct stub_req *)((char *)u->ctl + STUB_AREA_SIZE);
	u->req->reply[0] = STUB_REPLY_OK;
	u->req->reply[1] = STUB_REPLY_NOMEM;
	u->req->reply[2] = STUB_REPLY_FAIL;
	u->ctl->state = STUB_RUNNING;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		goto fail_errno;
	u->sock = sv[0];
	{
		struct timeval tv = { OPS_GRACE_MS / 1000, 0 };

		if (setsockopt(u->sock, SOL_SOCKET, SO_RCVTIMEO, &tv,
			       sizeof(tv)) != 0)
			goto fail_errno_sv1;
	}
	err = slot_take(u);
	if (err)
		goto fail_sv1;
	/* No handler of ours may run in the child before exec. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	u->pid = fork();
	if (u->pid == 0)
		exec_stub(sv[1], image);
	err = u->pid < 0 ? -errno : 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	if (err)
		goto fail;
	setup.ppid = (uint64_t)getpid();
	setup.area_len = AREA_LEN;
	fds[0] = u->area_fd;
	fds[1] = physmem_fd();
	err = send_fds(u->sock, fds, 2, &setup, sizeof(setup));
	if (err == 0) {
		state_wait_trapped(u);
		if (u->dead || !u->ctl->ready || u->ctl->signo != SIGSYS)
			err = -ECHILD;
		else
			err = frame_learn(u);
	}
	if (err) {
		arch_user_destroy(u);
		return err;
	}
	*out = u;
	return 0;
fail_errno_sv1:
	err = -errno;
fail_sv1:
	close(sv[1]);
	goto fail;
fail_errno:
	err = -errno;
fail:
	arch_user_destroy(u);
	return err;
}

void
arch_user_destroy(struct arch_user *u)
{
	if (u == NULL)
		return;
	if (u->slot >= 0)
		__atomic_store_n(&slots[u->slot], NULL, __ATOMIC_SEQ_CST);
	if (nap_pending == u)
		nap_pending = NULL;
	if (u->pid > 0 && !u->dead)
		kill(u->pid, SIGKILL);	/* the SIGCHLD handler reaps it */
	if (u->sock >= 0)
		close(u->sock);
	if (u->ctl != NULL)
		munmap(u->ctl, AREA_LEN);
	if (u->area_fd >= 0)
		close(u->area_fd);
	free(u);
}

/* ---- memory operations ---- */

static int
queue_op(struct arch_user *u, uint32_t type, uint64_t addr, uint64_t len,
	 uint64_t off, int prot)
{
	uint32_t hprot = ((prot & ARCH_PROT_READ) ? PROT_READ : 0) |
			 ((prot & ARCH_PROT_WRITE) ? PROT_WRITE : 0) |
			 ((prot & ARCH_PROT_EXEC) ? PROT_EXEC : 0);
	struct stub_op *last;
	int err;

	if (((addr | len | off) & (HOST_PAGE_SIZE - 1)) != 0 || len == 0 ||
	    addr >= ARCH_USER_TOP || len > ARCH_USER_TOP - addr)
		return -EINVAL;
	if (type == STUB_OP_MMAP && (off >= arch_physmem_size() ||
				     len > arch_physmem_size() - off))
		return -EINVAL;
	/* Merge with the last op when it continues it. */
	if (u->nr_ops > 0) {
		last = &u->ops[u->nr_ops - 1];
		if (last->type == type && last->prot == hprot &&
		    last->addr + last->len == addr &&
		    (type != STUB_OP_MMAP || last->off + last->len == off)) {
			last->len += len;
			return 0;
		}
	}
	if (u->nr_ops == STUB_MAX_OPS) {
		err = arch_user_flush(u);
		if (err)
			return err;
	}
	u->ops[u->nr_ops++] = (struct stub_op){
		.type = type, .prot = hprot, .addr = addr, .len = len,
		.off = off,
	};
	return 0;
}

int
arch_user_map(struct arch_user *u, uint64_t addr, uint64_t len, uint64_t pa,
	      int prot)
{
	return queue_op(u, STUB_OP_MMAP, addr, len, pa, prot);
}

int
arch_user_unmap(struct arch_user *u, uint64_t addr, uint64_t len)
{
	return queue_op(u, STUB_OP_MUNMAP, addr, len, 0, 0);
}

int
arch_user_protect(struct arch_user *u, uint64_t addr, uint64_t len, int prot)
{
	return queue_op(u, STUB_OP_MPROTECT, addr, len, 0, prot);
}

/* Spin a while for the ops thread's hint that it answered. */
static bool
ops_wait_hint(struct arch_user *u)
{
	for (int i = 0; i < OPS_SPIN; i++) {
		if (__atomic_load_n(&u->ctl->ops_done, __ATOMIC_ACQUIRE) ==
		    u->req->seq || u->dead)
			return true;
		__builtin_ia32_pause();
	}
	return false;
}

/*
 * The ops thread's answer to the batch just sent: 0, -ENOMEM or -EIO
 * (it then unmapped all guest memory), or -ECHILD if the stub died (its
 * memory went first).  Only the ops thread writes to the socket.
 */
static int
ops_answer(struct arch_user *u)
{
	bool killed = false;
	unsigned char reply;
	ssize_t n;

	ops_wait_hint(u);
	__atomic_store_n(&u->ctl->ops_pending, 0, __ATOMIC_RELAXED);
	for (;;) {
		/* Blocks for OPS_GRACE_MS at most (SO_RCVTIMEO). */
		n = recv(u->sock, &reply, 1, 0);
		if (n == 1)
			break;
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return -ECHILD;
		if (n < 0 && errno == EAGAIN && !killed) {
			/* Stopped on the host, say: take no risk. */
			fprintf(stderr, "%s: a stub did not change its "
				"mappings in %d s: killed\n", host_progname,
				OPS_GRACE_MS / 1000);
			kill(u->pid, SIGKILL);
			killed = true;
		}
	}
	if (reply == STUB_REPLY_OK)
		return 0;
	if (reply == STUB_REPLY_NOMEM) {
		fprintf(stderr, "%s: a stub could not map guest memory: the "
			"host's map count (vm.max_map_count) may be "
			"exhausted\n", host_progname);
		return -ENOMEM;
	}
	return -EIO;
}

/*
 * Hand the queued ops to the ops thread; with release, it then lets the
 * guest run (or, if they failed, sets STUB_TRAPPED) and the answer waits
 * on the socket for ops_collect().
 */
static void
ops_send(struct arch_user *u, bool release)
{
	struct stub_req *r = u->req;
	struct stub_ctl *c = u->ctl;

	memcpy(r->ops, u->ops, u->nr_ops * sizeof(u->ops[0]));
	r->nr_ops = u->nr_ops;
	r->release = release;
	u->nr_ops = 0;
	u->outstanding = true;
	__atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_SEQ_CST);
	/*
	 * A guest thread spinning in its handler or about to sleep (on the
	 * ops thread's CPU) wakes the ops thread itself: no wake-up crosses
	 * CPUs.  One asleep cannot (the flags pair as in state_wake()), nor
	 * one that will not: the kernel wakes it then, or when it has waited
	 * too long (ops_wait_hint(), state_wait_trapped()).
	 */
	__atomic_store_n(&c->ops_pending, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->stub_sleeps, __ATOMIC_SEQ_CST) ||
	    u->must_wake)
		ops_wake(u);
}

/* The answer to the batch sent, if not collected yet. */
static int
ops_collect(struct arch_user *u)
{
	if (!u->outstanding)
		return 0;
	u->outstanding = false;
	if (!ops_wait_hint(u))
		ops_wake(u);
	__atomic_store_n(&u->ctl->ops_pending, 0, __ATOMIC_RELAXED);
	return ops_answer(u);
}

/* Have the ops thread apply the queued ops now; its answer. */
static int
ops_sync(struct arch_user *u)
{
	int err = ops_collect(u);

	if (err || u->nr_ops == 0)
		return err;
	if (u->dead) {
		u->nr_ops = 0;
		return -ECHILD;
	}
	ops_send(u, false);
	return ops_collect(u);
}

int
arch_user_flush(struct arch_user *u)
{
	if (u->dead)
		return -ECHILD;
	return ops_sync(u);
}

bool
arch_user_synced(const struct arch_user *u)
{
	return u->dead || (u->nr_ops == 0 && !u->outstanding);
}

/* Let the stub run with flags; the ops thread does it after the ops. */
static int
let_run(struct arch_user *u, uint32_t flags)
{
	struct stub_ctl *c = u->ctl;
	int err = ops_collect(u);

	if (err)
		return err;
	c->flags = flags;
	c->nap = 0;
	if (u->napped_at != 0) {
		u->quick = now_ns() - u->napped_at < QUICK_NS;
		u->napped_at = 0;
	}
	if (u->nr_ops > 0) {
		__atomic_store_n(&c->state, STUB_OPS, __ATOMIC_SEQ_CST);
		ops_send(u, true);
		u->must_wake = false;	/* the ops thread wakes it */
	} else {
		__atomic_store_n(&c->state, STUB_RUNNING, __ATOMIC_SEQ_CST);
		if (u->must_wake) {
			/* Its stub_sleeps was the last guest's to write. */
			u->must_wake = false;
			syscall(SYS_futex, &c->state, FUTEX_WAKE, 1, NULL,
				NULL, 0);
		} else {
			state_wake(c);
		}
	}
	/* Only now may the stub that ran before go to sleep: woken while its
	 * CPU is still busy, this stub runs there as soon as it does,
	 * without the CPU going idle in between. */
	if (nap_pending == u)
		nap_pending = NULL;
	else
		arch_user_nap_now();
	return 0;
}

/* ---- running the guest ---- */

/* The frame every trap builds (checked once, by frame_learn()). */
static ucontext_t *
frame_of(struct arch_user *u)
{
	return (ucontext_t *)((char *)u->ctl + (u->frame - STUB_AREAS));
}

#define FXSAVE_SIZE	512
#define FP_XSTATE_MAGIC1 0x46505853U	/* Linux's fpstate with an xsave area */
#define FX_SW_OFFSET	464		/* struct _fpx_sw_bytes in fxsave */
#define MXCSR_OFFSET	24
#define FCW_INIT	0x037f
#define MXCSR_INIT	0x1f80

/*
 * At the first trap, made by the stub's own start-up code: where the
 * frame and its FP area are, and what sigreturn must find in them.  Every
 * later trap builds its frame at the same place (guest code never runs on
 * the alternate stack), so nothing of this is read from the stub again.
 */
static int
frame_learn(struct arch_user *u)
{
	const uint64_t lo = STUB_AREAS + STUB_CTL_SIZE;
	const uint64_t hi = STUB_AREAS + STUB_AREA_SIZE;
	uint64_t uc = u->ctl->uc, fp, pc = u->ctl->park_pc;
	ucontext_t *f;
	uint32_t sw[4];

	if (uc < lo || uc > hi - sizeof(ucontext_t) || (uc & 7) != 0)
		return -EPROTO;
	f = (ucontext_t *)((char *)u->ctl + (uc - STUB_AREAS));
	fp = (uint64_t)f->uc_mcontext.fpregs;
	if (fp < lo || fp > hi - FXSAVE_SIZE || (fp & 15) != 0)
		return -EPROTO;
	if (pc < STUB_GATE || pc >= STUB_AREAS)
		return -EPROTO;
	u->frame = uc;
	u->fpregs = fp;
	u->uc_flags = f->uc_flags;
	u->park_pc = pc;
	memcpy(u->fp_sw, (char *)u->ctl + (fp - STUB_AREAS) + FX_SW_OFFSET,
	       sizeof(u->fp_sw));
	memcpy(sw, u->fp_sw, sizeof(sw));
	/* magic1, extended_size, xfeatures (64 bits), xstate_size */
	u->fp_size = FXSAVE_SIZE;
	if (sw[0] == FP_XSTATE_MAGIC1) {
		uint32_t xsize;

		memcpy(&xsize, u->fp_sw + 16, sizeof(xsize));
		if (xsize > FXSAVE_SIZE && xsize + 4 <= hi - fp)
			u->fp_size = xsize;
	}
	u->req->frame = uc;
	return 0;
}

/*
 * What sigreturn takes from the frame besides the registers, as the
 * first trap had it: guest code may have written anything there.  The
 * signal mask goes back to none blocked, the alternate stack to ours.
 */
static void
frame_sanitize(struct arch_user *u, ucontext_t *f)
{
	f->uc_flags = u->uc_flags;
	f->uc_link = NULL;
	f->uc_stack.ss_sp = (void *)(STUB_AREAS + STUB_CTL_SIZE);
	f->uc_stack.ss_flags = 0;
	f->uc_stack.ss_size = STUB_AREA_SIZE - STUB_CTL_SIZE;
	f->uc_mcontext.fpregs = (fpregset_t)u->fpregs;
	/* cs, gs, fs, ss */
	f->uc_mcontext.gregs[REG_CSGSFS] = (greg_t)(0x33ULL |
						     (0x2bULL << 48));
	sigemptyset(&f->uc_sigmask);
}

static void
regs_to_frame(const struct user_regs *r, greg_t *g)
{
	const uint64_t user_flags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 |
				    0x400 | 0x800 | 0x40000 | 0x200000;

	g[REG_R8] = (greg_t)r->r8;
	g[REG_R9] = (greg_t)r->r9;
	g[REG_R10] = (greg_t)r->r10;
	g[REG_R11] = (greg_t)r->r11;
	g[REG_R12] = (greg_t)r->r12;
	g[REG_R13] = (greg_t)r->r13;
	g[REG_R14] = (greg_t)r->r14;
	g[REG_R15] = (greg_t)r->r15;
	g[REG_RDI] = (greg_t)r->rdi;
	g[REG_RSI] = (greg_t)r->rsi;
	g[REG_RBP] = (greg_t)r->rbp;
	g[REG_RBX] = (greg_t)r->rbx;
	g[REG_RDX] = (greg_t)r->rdx;
	g[REG_RAX] = (greg_t)r->rax;
	g[REG_RCX] = (greg_t)r->rcx;
	g[REG_RSP] = (greg_t)r->rsp;
	g[REG_RIP] = (greg_t)r->rip;
	g[REG_EFL] = (greg_t)((r->eflags & user_flags) | 0x202);
}

static void
regs_from_frame(struct user_regs *r, const greg_t *g)
{
	r->r8 = (uint64_t)g[REG_R8];
	r->r9 = (uint64_t)g[REG_R9];
	r->r10 = (uint64_t)g[REG_R10];
	r->r11 = (uint64_t)g[REG_R11];
	r->r12 = (uint64_t)g[REG_R12];
	r->r13 = (uint64_t)g[REG_R13];
	r->r14 = (uint64_t)g[REG_R14];
	r->r15 = (uint64_t)g[REG_R15];
	r->rdi = (uint64_t)g[REG_RDI];
	r->rsi = (uint64_t)g[REG_RSI];
	r->rbp = (uint64_t)g[REG_RBP];
	r->rbx = (uint64_t)g[REG_RBX];
	r->rdx = (uint64_t)g[REG_RDX];
	r->rax = (uint64_t)g[REG_RAX];
	r->rcx = (uint64_t)g[REG_RCX];
	r->rsp = (uint64_t)g[REG_RSP];
	r->rip = (uint64_t)g[REG_RIP];
	r->eflags = (uint64_t)g[REG_EFL];
	r->cs = 0x33;
	r->ss = 0x2b;
}

/* Say why the stub trapped, from the control block and the frame. */
static void
classify(struct arch_user *u, const greg_t *g, struct arch_trap *t)
{
	struct stub_ctl *c = u->ctl;
	int sig = (int)__atomic_load_n(&c->signo, __ATOMIC_RELAXED);
	int code = __atomic_load_n(&c->code, __ATOMIC_RELAXED);
	uint64_t err = (uint64_t)g[REG_ERR];

	memset(t, 0, sizeof(*t));
	t->hostsig = sig;
	t->code = code;
	t->addr = __atomic_load_n(&c->addr, __ATOMIC_RELAXED);
	if (sig == SIGSYS && code == 1 /* SYS_SECCOMP */) {
		t->kind = ARCH_TRAP_SYSCALL;
		t->foreign = c->arch != 0xc000003eU /* AUDIT_ARCH_X86_64 */ ||
			     (g[REG_RAX] & 0x40000000) != 0;
	} else if (sig == STUB_SIG_PREEMPT) {
		t->kind = ARCH_TRAP_INTERRUPTED;
	} else if ((sig == SIGSEGV || sig == SIGBUS) && code > 0 &&
		   g[REG_TRAPNO] == 14) {
		t->kind = ARCH_TRAP_FAULT;
		t->access = (err & 2) ? ARCH_ACCESS_WRITE :
			    (err & 16) ? ARCH_ACCESS_EXEC : ARCH_ACCESS_READ;
		/* The host's own VMA says it: the PTE bit may be clear. */
		if (sig == SIGSEGV && code == SEGV_ACCERR)
			t->access |= ARCH_ACCESS_PRESENT;
	} else if (sig == SIGSYS || sig == SIGSEGV || sig == SIGBUS ||
		   sig == SIGFPE || sig == SIGILL || sig == SIGTRAP) {
		t->kind = ARCH_TRAP_SIGNAL;
	} else {
		/* Only guest code writing the control block says this. */
		t->kind = ARCH_TRAP_SIGNAL;
		t->hostsig = SIGKILL;
	}
}

/* ---- FP/SSE/AVX state, in the frame the stub returns through ---- */

/* The frame's FP save area and its size. */
static unsigned char *
frame_fpu(struct arch_user *u, size_t *size)
{
	*size = u->fp_size;
	return (unsigned char *)u->ctl + (u->fpregs - STUB_AREAS);
}

/*
 * The initial FP state (as a new process has it): x87 and vector
 * registers clear, default control words, and the software bytes that
 * describe the layout as the stub's first trap wrote them.
 */
static void
fpu_init(struct arch_user *u)
{
	uint16_t fcw = FCW_INIT;
	uint32_t mxcsr = MXCSR_INIT;
	size_t size;
	unsigned char *area = frame_fpu(u, &size);

	memset(area, 0, size);
	memcpy(area, &fcw, sizeof(fcw));
	memcpy(area + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	/* xstate_bv 0 (cleared): every component in its init state. */
	memcpy(area + FX_SW_OFFSET, u->fp_sw, sizeof(u->fp_sw));
	if (size > FXSAVE_SIZE)	/* FP_XSTATE_MAGIC2 follows the area */
		memcpy(area + size, "\x45\x58\x50\x46", 4);
}

int
arch_user_reset(struct arch_user *u)
{
	if (u->dead)
		return -ECHILD;
	fpu_init(u);
	u->nr_ops = 0;
	u->kicked = false;
	u->started = false;
	return arch_user_unmap(u, 0, ARCH_USER_TOP);
}

/*
 * A stub guest code ran in goes to another address space, and the frames
 * it maps are freed without unmapping them first, only when its
 * guest thread sleeps in the park loop's futex on the state word, having
 * found it STUB_TRAPPED: only the kernel (or the ops thread, for a batch
 * the kernel sends) can change it now, and woken, the thread runs park
 * code that returns to the guest only on STUB_RUNNING, and only through
 * the frame the kernel writes.  The host
 * says where the thread is (/proc/PID/syscall: number, arguments, stack
 * pointer, and the instruction pointer after the system call).
 */
static int
park_check(struct arch_user *u, uint64_t wait_ns)
{
	uint64_t deadline = now_ns() + wait_ns;
	char path[64], buf[256];

	if (u->dead)
		return -ECHILD;
	if (!u->used)
		return 0;
	if (ops_collect(u) != 0)	/* the ops thread may set the state */
		return -EIO;
	__atomic_store_n(&u->ctl->nap, STUB_NAP_SLEEP, __ATOMIC_RELAXED);
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)u->pid);
	for (;;) {
		unsigned long long a[8];
		long nr;
		ssize_t n;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return n < 0 ? -EIO : -ECHILD;
		buf[n] = '\0';
		if (sscanf(buf, "%ld %llx %llx %llx %llx %llx %llx %llx %llx",
			   &nr, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5],
			   &a[6], &a[7]) == 9 && nr == SYS_futex &&
		    a[0] == STUB_AREAS && a[1] == FUTEX_WAIT &&
		    a[2] == STUB_TRAPPED && a[7] == u->park_pc) {
			u->used = false;
			u->must_wake = true;
			return 0;
		}
		if (u->dead)
			return -ECHILD;
		if (now_ns() > deadline)
			return -EBUSY;
		sched_yield();
	}
}

int
arch_user_claim(struct arch_user *u)
{
	return park_check(u, PARK_WAIT_NS);
}

bool
arch_user_parked(struct arch_user *u)
{
	return park_check(u, PARK_QUICK_NS) == 0;
}

/* The saved registers' layout in a buffer of ARCH_FPU_SIZE bytes. */
struct fpu_buf {
	uint32_t size;			/* bytes in area; 0: nothing saved */
	uint32_t pad[15];
	unsigned char area[ARCH_FPU_SIZE - 64];
};
_Static_assert(sizeof(struct fpu_buf) == ARCH_FPU_SIZE, "fpu_buf");

int
arch_user_fpu_save(struct arch_user *u, void *buf)
{
	struct fpu_buf *b = buf;
	unsigned char *area;
	size_t size;

	b->size = 0;
	area = frame_fpu(u, &size);
	if (size > sizeof(b->area))
		return -E2BIG;
	memcpy(b->area, area, size);
	b->size = (uint32_t)size;
	return 0;
}

void
arch_user_fpu_load(struct arch_user *u, const void *buf)
{
	const struct fpu_buf *b = buf;
	unsigned char *area;
	size_t size;

	area = frame_fpu(u, &size);
	if (b->size == size)
		memcpy(area, b->area, size);
}

#define FP_XSTATE_MAGIC2 0x46505845U
#define XSAVE_HDR_OFFSET 512		/* xstate_bv, xcomp_bv, reserved */
#define XSAVE_HDR_SIZE	64
#define MXCSR_MASK_OFFSET 28
#define XFEATURES_FP_SSE 3ULL

size_t
arch_user_fpu_frame_size(struct arch_user *u)
{
	return u->fp_size > FXSAVE_SIZE ? u->fp_size + 4 : FXSAVE_SIZE;
}

long
arch_user_fpu_get(struct arch_user *u, void *buf, size_t len)
{
	size_t size, total = arch_user_fpu_frame_size(u);
	unsigned char *area = frame_fpu(u, &size);
	uint32_t magic2 = FP_XSTATE_MAGIC2;

	if (len < total)
		return -E2BIG;
	memcpy(buf, area, size);
	memcpy((char *)buf + FX_SW_OFFSET, u->fp_sw, sizeof(u->fp_sw));
	if (total > size)
		memcpy((char *)buf + size, &magic2, sizeof(magic2));
	return (long)total;
}

/* Does the guest's area describe an xsave area of our layout? */
static bool
fpu_guest_xstate(struct arch_user *u, const unsigned char *buf, size_t len)
{
	uint32_t magic1, xsize, magic2;

	if (u->fp_size <= FXSAVE_SIZE || len < u->fp_size + 4)
		return false;
	memcpy(&magic1, buf + FX_SW_OFFSET, 4);
	memcpy(&xsize, buf + FX_SW_OFFSET + 16, 4);
	memcpy(&magic2, buf + u->fp_size, 4);
	return magic1 == FP_XSTATE_MAGIC1 && xsize == u->fp_size &&
	       magic2 == FP_XSTATE_MAGIC2;
}

int
arch_user_fpu_set(struct arch_user *u, const void *buf, size_t len)
{
	const unsigned char *g = buf;
	size_t size;
	unsigned char *area = frame_fpu(u, &size);
	uint32_t mxcsr, mask;
	uint64_t xfeat, hdr[XSAVE_HDR_SIZE / 8] = { 0 };

	if (len < FXSAVE_SIZE)
		return -EINVAL;
	memcpy(&mxcsr, g + MXCSR_OFFSET, 4);
	memcpy(&mask, area + MXCSR_MASK_OFFSET, 4);
	if (mask == 0)
		mask = 0xffbf;
	if (mxcsr & ~mask)
		return -EINVAL;	/* fxrstor would fault: Linux's -EFAULT */
	memcpy(area, g, FX_SW_OFFSET);
	memcpy(area + MXCSR_MASK_OFFSET, &mask, 4);
	memcpy(area + FX_SW_OFFSET, u->fp_sw, sizeof(u->fp_sw));
	if (size <= FXSAVE_SIZE)
		return 0;
	memcpy(&xfeat, u->fp_sw + 8, sizeof(xfeat));
	if (fpu_guest_xstate(u, g, len)) {
		memcpy(&hdr[0], g + XSAVE_HDR_OFFSET, 8);
		hdr[0] &= xfeat;
		memcpy(area + XSAVE_HDR_OFFSET + XSAVE_HDR_SIZE,
		       g + XSAVE_HDR_OFFSET + XSAVE_HDR_SIZE,
		       size - XSAVE_HDR_OFFSET - XSAVE_HDR_SIZE);
	} else {
		/* A plain fxsave frame: the other components start afresh. */
		hdr[0] = xfeat & XFEATURES_FP_SSE;
		memset(area + XSAVE_HDR_OFFSET + XSAVE_HDR_SIZE, 0,
		       size - XSAVE_HDR_OFFSET - XSAVE_HDR_SIZE);
	}
	memcpy(area + XSAVE_HDR_OFFSET, hdr, sizeof(hdr));
	memcpy(area + size, "\x45\x58\x50\x46", 4);
	return 0;
}

void
arch_user_fpu_reset(struct arch_user *u)
{
	fpu_init(u);
}

void
arch_user_copy_fpu(struct arch_user *dst, struct arch_user *src)
{
	unsigned char *from, *to;
	size_t from_size, to_size;

	from = frame_fpu(src, &from_size);
	to = frame_fpu(dst, &to_size);
	if (from_size == to_size)
		memcpy(to, from, to_size);
}

int
arch_run_user(struct arch_user *u, struct user_regs *regs,
	      struct arch_trap *t)
{
	uint32_t flags = 0;
	ucontext_t *uc;
	int err;

	memset(t, 0, sizeof(*t));
	t->kind = ARCH_TRAP_DEAD;
	if (u->dead)
		return 0;
	if (u->kicked) {
		/* Kicked before it ran: an interruption at once. */
		u->kicked = false;
		t->kind = ARCH_TRAP_INTERRUPTED;
		return 0;
	}
	uc = frame_of(u);
	regs_to_frame(regs, uc->uc_mcontext.gregs);
	frame_sanitize(u, uc);
	if (!u->started || regs->fs_base != u->fs_base) {
		u->ctl->fs_base = regs->fs_base;
		u->fs_base = regs->fs_base;
		flags |= STUB_SET_FS;
		u->started = true;
	}
	err = let_run(u, flags);
	if (err)
		return err;
	u->used = true;
	if (u->kicked)		/* kicked while we were starting it */
		syscall(SYS_tgkill, u->pid, u->pid, STUB_SIG_PREEMPT);
	state_wait_trapped(u);
	u->kicked = false;
	err = ops_collect(u);
	if (u->dead)
		return 0;
	if (err)		/* the ops failed: the guest did not run */
		return err;
	/* Every trap builds its frame where the first did; only guest code
	 * that wrote the control block (or ran on the alternate stack)
	 * says otherwise. */
	if (__atomic_load_n(&u->ctl->uc, __ATOMIC_RELAXED) != u->frame)
		return -EFAULT;
	regs_from_frame(regs, uc->uc_mcontext.gregs);
	regs->fs_base = u->fs_base;
	classify(u, uc->uc_mcontext.gregs, t);
	return 0;
}

pid_t
arch_user_host_pid(const struct arch_user *u)
{
	return u->pid;
}

bool
arch_user_dead(const struct arch_user *u)
{
	return u->dead;
}

/*
 * The scheduler's word that u's thread lost the CPU.  Its stub is told
 * when the next stub has been let run, or before the vCPU idles
 * (arch_user_nap_now()), whichever comes first.
 */
void
arch_user_nap(struct arch_user *u)
{
	if (nap_pending != NULL && nap_pending != u)
		arch_user_nap_now();
	nap_pending = u;
	u->napped_at = now_ns();
}

void
arch_user_nap_now(void)
{
	struct arch_user *u = nap_pending;

	nap_pending = NULL;
	if (u != NULL)
		__atomic_store_n(&u->ctl->nap, u->quick ? STUB_NAP_YIELD :
				 STUB_NAP_SLEEP, __ATOMIC_RELAXED);
}

void
arch_user_kick(struct arch_user *u)
{
	if (!u->kicked)
		u->kicked_ns = now_ns();
	u->kicked = true;
	/* Not "== STUB_RUNNING": guest code can write the state word. */
	if (!u->dead &&
	    __atomic_load_n(&u->ctl->state, __ATOMIC_ACQUIRE) != STUB_TRAPPED)
		syscall(SYS_tgkill, u->pid, u->pid, STUB_SIG_PREEMPT);
}
