/*
 * What the kernel (arch-host/user.c) and the stub (arch-host/stub/stub.c)
 * share: the stub window, the control block each stub thread has at the
 * bottom of its control area, and the memory operations the kernel queues
 * there.  Included by freestanding stub code: fixed-size types only.
 *
 * The window [STUB_BASE, STUB_END) is the stub's own: its code (linked at
 * STUB_BASE), its data and stack, and the control areas, each one
 * STUB_AREA_SIZE bytes of a memfd the kernel maps too: the control block,
 * then the alternate signal stack on which every trap's frame is built.
 * Guest memory lies below STUB_BASE; everything outside the window is
 * unmapped before the stub takes its first trap.
 */
#ifndef ARCH_HOST_STUB_STUB_H
#define ARCH_HOST_STUB_STUB_H

#include <stdint.h>

#define STUB_BASE	0x7f0000000000UL	/* guests live below */
#define STUB_AREAS	(STUB_BASE + 0x40000000UL)
#define STUB_AREA_SIZE	0x10000UL	/* control block + alt stack */
#define STUB_END	(STUB_BASE + 0x80000000UL)
#define STUB_CTL_SIZE	0x1000UL	/* the control block's page */
#define STUB_HOST_TOP	0x800000000000UL	/* end of host user space */
#define STUB_GATE	(STUB_BASE + 0x10000UL)	/* the gate section */

/* The signal that makes a running guest trap back (host number). */
#define STUB_SIG_PREEMPT	10	/* SIGUSR1 */

/* ctl->state, the futex word of the handoff. */
enum {
	STUB_RUNNING = 1,	/* the guest runs */
	STUB_TRAPPED = 2,	/* the stub waits; the kernel has the frame */
	STUB_OPS = 3,		/* the ops thread works, then lets it run */
};

/* ctl->nap: the thread lost the CPU; stop spinning and ... */
enum {
	STUB_NAP_SLEEP = 1,	/* sleep at once (it was out long before) */
	STUB_NAP_YIELD = 2,	/* yield the CPU a while first (it was not) */
};

/* ctl->flags, set by the kernel before it lets the stub run. */
#define STUB_SET_FS	1U	/* load fs_base before returning */

/* A memory operation on the stub's address space. */
enum { STUB_OP_MMAP = 1, STUB_OP_MUNMAP, STUB_OP_MPROTECT };

struct stub_op {
	uint32_t type;		/* STUB_OP_* */
	uint32_t prot;		/* host PROT_* (mmap, mprotect) */
	uint64_t addr;
	uint64_t len;
	uint64_t off;		/* mmap: offset in the memory fd */
};

#define STUB_MAX_OPS	120

/*
 * The control block: shared with the guest thread, so guest code can
 * write all of it.  What the kernel reads here is hostile input.
 */
struct stub_ctl {
	volatile uint32_t state;	/* STUB_RUNNING / STUB_TRAPPED */
	uint32_t flags;			/* STUB_SET_FS (kernel) */
	uint32_t signo;			/* the trap's host signal */
	int32_t code;			/* its si_code */
	uint32_t arch;			/* SIGSYS: si_arch */
	uint32_t nap;			/* kernel: not soon, STUB_NAP_* */
	uint64_t addr;			/* si_addr; SIGSYS: si_call_addr */
	uint64_t uc;			/* stub address of the ucontext */
	uint64_t fs_base;		/* STUB_SET_FS: the new FS base */
	uint64_t ready;			/* set once the stub is up */
	uint64_t park_pc;		/* start-up: where it sleeps, after
					 * the system call instruction */
	/* Who sleeps on state (the other side wakes it only then): */
	uint32_t stub_sleeps;		/* the stub, for STUB_RUNNING */
	uint32_t kernel_sleeps;		/* the kernel, for STUB_TRAPPED */
	uint32_t ops_done;		/* ops thread: the batch answered,
					 * a hint (the answer is on fd 0) */
	uint32_t ops_pending;		/* kernel: a batch waits for the ops
					 * thread; give it the CPU */
};

/*
 * The request page, after the control area: the kernel writes it, the
 * stub maps it read-only.  The stub's ops thread waits for seq to change,
 * applies ops[0..nr_ops), and answers with one byte on fd 0 written from
 * reply[] (so guest code cannot change it): STUB_REPLY_OK, or after any
 * failure, once it has unmapped all guest memory, STUB_REPLY_NOMEM or
 * STUB_REPLY_FAIL.  The guest thread resumes from the frame at frame.
 */
#define STUB_REQ	(STUB_AREAS + STUB_AREA_SIZE)
#define STUB_REQ_SIZE	0x1000UL

enum { STUB_REPLY_OK, STUB_REPLY_NOMEM, STUB_REPLY_FAIL };

struct stub_req {
	volatile uint32_t seq;		/* bumped for each batch */
	uint32_t nr_ops;
	uint64_t frame;			/* the ucontext every trap builds */
	unsigned char reply[4];		/* the answers */
	uint32_t release;		/* then: state STUB_RUNNING (success)
					 * or STUB_TRAPPED (failure) */
	struct stub_op ops[STUB_MAX_OPS];
};

_Static_assert(sizeof(struct stub_ctl) <= STUB_CTL_SIZE,
	       "the control block fits its page");
_Static_assert(sizeof(struct stub_req) <= STUB_REQ_SIZE,
	       "the request fits its page");
_Static_assert(__builtin_offsetof(struct stub_req, ops) == 24,
	       "stub.c's ops thread knows this layout");

#endif
