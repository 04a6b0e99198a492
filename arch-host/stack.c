/*
 * Kernel stacks: host memory mapped for each task, with one PROT_NONE
 * guard page below it so that an overflow faults instead of corrupting the
 * neighbour.  A fixed table remembers the live stacks so that the fatal
 * signal handler can tell a stack overflow from any other bad access, and
 * holds the Valgrind stack id when built with Valgrind's headers.
 *
 * No malloc here: a kernel thread may be preempted (from a signal handler)
 * in the middle of any function it calls, and the next one may then call
 * malloc too, so arch code reachable with interrupts enabled uses only
 * system calls and its own memory.  The table is guarded by disabling
 * interrupts; the fatal signal handler reads it without a lock.
 */
#include <errno.h>
#include <sys/mman.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "config.h"

/* Tell Valgrind about stacks, so that switching stacks is not an error. */
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#define vg_stack_register(lo, hi)	VALGRIND_STACK_REGISTER(lo, hi)
#define vg_stack_deregister(id)		VALGRIND_STACK_DEREGISTER(id)
#else
#define vg_stack_register(lo, hi)	0U
#define vg_stack_deregister(id)		((void)(id))
#endif

/*
 * At most this many stacks live at once.  Each takes two of the 65,530
 * mappings a host process may have; this leaves room for everything else.
 */
#define STACK_MAX	16384

struct kstack {
	uintptr_t lo;		/* guard page start; 0: free slot */
	size_t size;		/* usable bytes above the guard */
	unsigned int vg_id;	/* Valgrind stack id */
};

static struct kstack stacks[STACK_MAX];
static size_t stacks_used;	/* slots [0, stacks_used) were ever used */

/*
 * Enter a mapped stack in the table; false if the table is full.  With
 * interrupts disabled, so that a preempted caller cannot hand out the same
 * slot twice.
 */
static bool
stack_track(uintptr_t lo, size_t size, unsigned int vg_id)
{
	unsigned long s = arch_intr_save();
	bool done = false;
	size_t i = 0;

	while (i < stacks_used && stacks[i].lo != 0)
		i++;
	if (i < STACK_MAX) {
		stacks[i] = (struct kstack){ lo, size, vg_id };
		if (i == stacks_used)
			stacks_used++;
		done = true;
	}
	arch_intr_restore(s);
	return done;
}

/* Take the stack whose usable part starts at base out of the table. */
static bool
stack_untrack(uintptr_t base, struct kstack *out)
{
	unsigned long s = arch_intr_save();
	bool done = false;
	size_t i = 0;

	while (i < stacks_used && stacks[i].lo + HOST_PAGE_SIZE != base)
		i++;
	if (i < stacks_used) {
		*out = stacks[i];
		stacks[i].lo = 0;
		done = true;
	}
	arch_intr_restore(s);
	return done;
}

/* Map guard + size bytes with the guard inaccessible; 0 or -errno. */
static int
stack_map(size_t size, uintptr_t *lo)
{
	size_t guard = HOST_PAGE_SIZE;
	void *p = mmap(NULL, guard + size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	if (mprotect(p, guard, PROT_NONE) != 0) {
		int err = -errno;

		munmap(p, guard + size);
		return err;
	}
	*lo = (uintptr_t)p;
	return 0;
}

/*
 * Map a kernel stack of size bytes (rounded up to whole pages) with a
 * guard page below it; *stack is its lowest usable byte.  Returns 0,
 * -ENOMEM when the host has no memory or too many stacks are live, or
 * another -errno from mmap.
 */
int
arch_stack_alloc(size_t size, void **stack)
{
	unsigned int vg_id;
	uintptr_t lo = 0, base;
	int err;

	size = (size + HOST_PAGE_SIZE - 1) & ~(HOST_PAGE_SIZE - 1);
	err = stack_map(size, &lo);
	if (err)
		return err;
	base = lo + HOST_PAGE_SIZE;
	vg_id = vg_stack_register(base, base + size);
	if (!stack_track(lo, size, vg_id)) {
		vg_stack_deregister(vg_id);
		munmap((void *)lo, HOST_PAGE_SIZE + size);
		return -ENOMEM;
	}
	*stack = (void *)base;
	return 0;
}

/* Unmap a stack from arch_stack_alloc(). */
void
arch_stack_free(void *stack, size_t size)
{
	struct kstack ks;

	(void)size;
	if (!stack_untrack((uintptr_t)stack, &ks))
		return;
	vg_stack_deregister(ks.vg_id);
	/*
	 * Under ASan, frames that never returned (the stack is dropped
	 * mid-call) leave poisoned redzones; clear them so that a later
	 * mapping at this address starts clean.
	 */
	arch_mem_unpoison(stack, ks.size);
	munmap((void *)ks.lo, HOST_PAGE_SIZE + ks.size);
}

/*
 * True if addr lies in the guard page of a live kernel stack.  Called
 * from the fatal signal handler: reads the table only.
 */
bool
stack_guard_hit(uintptr_t addr)
{
	size_t guard = HOST_PAGE_SIZE;

	for (size_t i = 0; i < stacks_used; i++) {
		uintptr_t lo = stacks[i].lo;

		if (lo != 0 && addr >= lo && addr < lo + guard)
			return true;
	}
	return false;
}
