/*
 * The fake machine for unit tests: arch.h implemented with plain host
 * memory, ucontext switches, a settable clock and interrupts that tests
 * raise by hand.
 */
#ifndef TESTS_FAKE_FAKE_H
#define TESTS_FAKE_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch-host/arch.h"

/* Provide size bytes of fake physical memory (call before buddy_init). */
void fake_physmem_init(size_t size);
/* Boot the core pieces unit tests need: memory, slab, time, scheduler. */
void fake_boot(size_t mem_size);

/* The fake monotonic clock, in nanoseconds; tests may set or advance it. */
extern uint64_t fake_clock_ns;
/* Raise interrupt irq: run now if interrupts are enabled, else pend it. */
void fake_raise_irq(int irq);
/* Runs for IRQ_IO (the real kernel's trap_io() is not linked here). */
extern void (*fake_io_handler)(void);
/* Advance the clock by n jiffies and raise the timer interrupt. */
void fake_tick(unsigned int n);
/*
 * Run kernel threads as the idle task until *alive drops to 0; when all
 * of them sleep, the clock jumps to the next timer (a deadlock aborts).
 */
void fake_idle_until(volatile int *alive);
/* Interrupt handlers run so far, per irq. */
extern unsigned long fake_irq_count[8];

/* Everything written to the console, NUL-terminated. */
extern char fake_console[65536];
extern size_t fake_console_len;
void fake_console_clear(void);
/* If set, also called with every console write (after it is recorded). */
extern void (*fake_console_hook)(const char *buf, size_t len);

/* Status passed to arch_exit() (arch_exit leaves with _exit(status)). */
extern int fake_exit_status;

/* ---- user mode: fake stubs record their memory operations ---- */

enum { FAKE_USER_MAP, FAKE_USER_UNMAP, FAKE_USER_PROTECT };

struct fake_user_op {
	struct arch_user *u;
	int type;			/* FAKE_USER_* */
	uint64_t addr, len, pa;
	int prot;			/* ARCH_PROT_* */
};

#define FAKE_USER_MAX_OPS	8192
/* The operations queued so far (the first FAKE_USER_MAX_OPS kept). */
extern struct fake_user_op fake_user_ops[FAKE_USER_MAX_OPS];
extern unsigned long fake_user_nr_ops;
/* Stubs created and not yet destroyed. */
extern int fake_user_live;
/* Forget the recorded operations. */
void fake_user_clear(void);
/* arch_run_user() reports ARCH_TRAP_DEAD at once. */

/* ---- the fake disk (tests/fake/disk.c; link drivers/ too) ---- */

struct block_device;
/* Register a block device called name backed by the host file path. */
int fake_disk_open(const char *path, const char *name, bool readonly,
		   struct block_device **out);
/* Make every I/O after the next nr_io fail with -EIO (0: stop failing). */
void fake_disk_fail_after(struct block_device *bdev, unsigned long nr_io);
/* Unregister and close a fake disk (its queue must be idle). */
void fake_disk_close(struct block_device *bdev);

#endif
