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
	STUB_RUNNING = 1,	/* the stub runs: ops, then guest code */
	STUB_TRAPPED = 2,	/* the stub waits; the kernel has the frame */
};

/* ctl->nap: the thread lost the CPU; stop spinning and ... */
enum {
	STUB_NAP_SLEEP = 1,	/* sleep at once (it was out long before) */
	STUB_NAP_YIELD = 2,	/* yield the CPU a while first (it was not) */
};

/* ctl->flags, set by the kernel before it lets the stub run. */
#define STUB_OPS_ONLY	1U	/* apply the ops and trap back at once */
#define STUB_FD_SENT	2U	/* an fd for the ops waits on fd 0 */
#define STUB_SET_FS	4U	/* load fs_base before returning */

/* A memory operation on the stub's address space. */
enum { STUB_OP_MMAP = 1, STUB_OP_MUNMAP, STUB_OP_MPROTECT };

struct stub_op {
	uint32_t type;		/* STUB_OP_* */
	uint32_t prot;		/* host PROT_* (mmap, mprotect) */
	uint64_t addr;
	uint64_t len;
	uint64_t off;		/* mmap: offset in the fd sent */
};

#define STUB_MAX_OPS	120

struct stub_ctl {
	volatile uint32_t state;	/* STUB_RUNNING / STUB_TRAPPED */
	uint32_t flags;			/* STUB_OPS_ONLY ... (kernel) */
	uint32_t nr_ops;		/* ops[] to apply (kernel) */
	int32_t op_error;		/* -errno of the op that failed (stub) */
	uint32_t op_index;		/* and its index (stub) */
	uint32_t signo;			/* the trap's host signal; 0: ops */
	int32_t code;			/* its si_code */
	uint32_t arch;			/* SIGSYS: si_arch */
	uint64_t addr;			/* si_addr; SIGSYS: si_call_addr */
	uint64_t uc;			/* stub address of the ucontext */
	uint64_t fs_base;		/* STUB_SET_FS: the new FS base */
	uint64_t ready;			/* set once the stub is up */
	uint32_t nap;			/* kernel: not soon, STUB_NAP_* */
	/* Who sleeps on state (the other side wakes it only then): */
	uint32_t stub_sleeps;		/* the stub, for STUB_RUNNING */
	uint32_t kernel_sleeps;		/* the kernel, for STUB_TRAPPED */
	uint32_t pad;
	struct stub_op ops[STUB_MAX_OPS];
};

_Static_assert(sizeof(struct stub_ctl) <= STUB_CTL_SIZE,
	       "the control block fits its page");

#endif
