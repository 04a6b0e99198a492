/*
 * The downward interface: everything core/, fs/ and drivers/ may ask of the
 * host.  Plain C types only; failures are negative errno values.  arch-host/
 * implements it on host Linux; tests/fake/ implements it for unit tests.
 */
#ifndef ARCH_HOST_ARCH_H
#define ARCH_HOST_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- boot and shutdown ---- */

/* Leave the host process with status: restore the host terminal first. */
__attribute__((noreturn)) void arch_exit(int status);
/* Print the current host call stack (kernel backtrace) on the console. */
void arch_backtrace(void);
/* Host process id of the kernel, for log lines that name it. */
int arch_host_pid(void);

/* ---- interrupts (host signals behind a software enable flag) ---- */

/* Disable interrupts; return the previous state for arch_intr_restore(). */
unsigned long arch_intr_save(void);
/* Restore a saved state; when that enables, replay pending interrupts. */
void arch_intr_restore(unsigned long state);
/* Enable interrupts and replay pending ones. */
void arch_intr_enable(void);
/* Disable interrupts. */
void arch_intr_disable(void);
/* True if interrupts are enabled. */
bool arch_intr_enabled(void);
/*
 * With interrupts disabled, sleep in the host until an interrupt is pending
 * or timeout_ns (UINT64_MAX: none) has passed.  The periodic tick is stopped
 * while asleep.  Returns with interrupts still disabled; the caller's
 * arch_intr_restore() runs what arrived.
 */
void arch_idle(uint64_t timeout_ns);

/* ---- kernel contexts and stacks ---- */

/* Callee-saved machine state of a kernel context; opaque to core. */
struct arch_ctx {
	unsigned long w[8];
};

/* Map a kernel stack of size bytes with a guard page below it. */
int arch_stack_alloc(size_t size, void **stack);
/* Unmap a stack from arch_stack_alloc(). */
void arch_stack_free(void *stack, size_t size);
/*
 * Prepare ctx so that switching to it calls fn(arg) on the stack, with
 * interrupts disabled (as arch_switch() leaves them); fn never returns.
 */
void arch_ctx_init(struct arch_ctx *ctx, void *stack, size_t size,
		   void (*fn)(void *), void *arg);
/* Save the current context in prev and continue in next. */
void arch_switch(struct arch_ctx *prev, struct arch_ctx *next);

/* ---- physical memory (one memfd, mapped once as the direct map) ---- */

/* Kernel address of physical address 0. */
void *arch_physmem_base(void);
/* Bytes of physical memory (the mem= size). */
size_t arch_physmem_size(void);

/* ---- memory checking (no-ops unless built with --enable-asan) ---- */

/* Mark kernel memory as not to be touched (freed or unallocated). */
void arch_mem_poison(const void *addr, size_t len);
/* Mark kernel memory as usable again. */
void arch_mem_unpoison(const void *addr, size_t len);

/* ---- time ---- */

/* Host CLOCK_MONOTONIC in nanoseconds. */
uint64_t arch_clock_monotonic(void);
/* Host CLOCK_REALTIME in nanoseconds since the epoch. */
uint64_t arch_clock_realtime(void);
/* Start the periodic timer interrupt at hz ticks per second. */
int arch_timer_start(unsigned int hz);

/* ---- entropy ---- */

/* Fill buf with len bytes from the host's random source (getrandom). */
void arch_random_bytes(void *buf, size_t len);

/* ---- console ---- */

/* Write bytes to the host console (stdout); never sleeps. */
void arch_console_write(const char *buf, size_t len);

/* ---- block devices (ubd: io_uring on image files) ---- */

enum {
	ARCH_BLK_READ,
	ARCH_BLK_WRITE,
	ARCH_BLK_FLUSH,
};

struct arch_blk_iov {
	void *base;
	size_t len;
};

/*
 * Disk n (0-7) as opened and locked before boot: size in bytes, whether
 * read-only, and the image's path.  -ENODEV if no such disk was given.
 */
int arch_ubd_info(int n, uint64_t *size, bool *readonly, const char **path);
/*
 * Queue one I/O on disk n: op at byte offset over the iovecs (ignored for
 * a flush); fua makes a write durable before it completes.  The tag comes
 * back through arch_ubd_reap().  Never sleeps; -EBUSY if the host queue
 * is full, -EINVAL for bad arguments.
 */
int arch_ubd_submit(int n, int op, uint64_t offset,
		    const struct arch_blk_iov *iov, int niov, bool fua,
		    void *tag);
/* Hand the I/O queued so far to the host (one system call per batch). */
void arch_ubd_kick(void);
/*
 * Call done(tag, result) for every completed I/O: result is the byte count
 * (0 for a flush) or -errno.  Called from the I/O interrupt.
 */
void arch_ubd_reap(void (*done)(void *tag, long result));

#endif
