/*
 * New kernel contexts: the frame that arch_switch() (switch.S) pops when
 * it switches to a context for the first time, set up so that its "ret"
 * lands in switch_trampoline, which calls fn(arg).
 */
#include <string.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"

/* What arch_switch() pushes, from the saved rsp upwards. */
struct switch_frame {
	unsigned long r15, r14, r13, r12, rbp, rbx;
	void (*ret)(void);
};

/* A context is the saved rsp alone, in w[0]. */
#define CTX_RSP	0

_Static_assert(sizeof(struct switch_frame) == 7 * sizeof(unsigned long),
	       "switch.S pushes six registers and a return address");
_Static_assert(CTX_RSP < sizeof(((struct arch_ctx *)0)->w) /
	       sizeof(unsigned long), "the saved rsp fits struct arch_ctx");

/*
 * Prepare ctx so that arch_switch() to it runs fn(arg) on the stack
 * [stack, stack + size).  The frame sits at the 16-byte aligned top, so
 * that rsp is aligned when the trampoline calls fn, as the ABI requires.
 * rbp is 0 to end frame-pointer walks.  Interrupts are whatever the
 * switching task left: disabled.
 */
void
arch_ctx_init(struct arch_ctx *ctx, void *stack, size_t size,
	      void (*fn)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct switch_frame *f = (struct switch_frame *)top - 1;

	memset(f, 0, sizeof(*f));
	f->r12 = (unsigned long)fn;
	f->r13 = (unsigned long)arg;
	f->ret = switch_trampoline;
	memset(ctx, 0, sizeof(*ctx));
	ctx->w[CTX_RSP] = (unsigned long)f;
}
