/*
 * Declarations private to arch-host/: how its files talk to each other.
 * Core never includes this header; it sees arch-host only through
 * arch-host/arch.h.
 */
#ifndef ARCH_HOST_HOST_H
#define ARCH_HOST_HOST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/boot.h"
#include "core/trap.h"

/*
 * Host signals used as interrupts, one per IRQ of core/trap.h.  This is the
 * only list: intr.c builds its irq -> signal table from HOST_IRQ_SIGNALS,
 * and .gdbinit must pass exactly these to the program ("handle SIG... nostop
 * noprint pass").  Keep the two in step.
 */
#define HOST_SIG_TIMER		SIGALRM
#define HOST_SIG_IO		SIGIO
#define HOST_IRQ_SIGNALS	{ [IRQ_TIMER] = HOST_SIG_TIMER,		\
				  [IRQ_IO] = HOST_SIG_IO }

/* Host page size: configure accepts x86-64 hosts only. */
#define HOST_PAGE_SIZE		4096UL

/* ---- boot.c ---- */

/*
 * Parse the command line, prepare the host machine and boot the kernel;
 * returns only the exit status of --help, --version or --showconfig, and
 * exits with status 2 on a usage or host error.  init_fn replaces the
 * normal boot when non-NULL (tests and bench programs); ubd0 then has no
 * default, only the disks the command line names.
 */
int host_main(int argc, char **argv, int (*init_fn)(void));

/* ---- cmdline.c ---- */

/* Default mem=, in MiB and in bytes. */
#define CMDLINE_DEFAULT_MEM_MIB	256
#define CMDLINE_DEFAULT_MEM	((uint64_t)CMDLINE_DEFAULT_MEM_MIB << 20)
/* Smallest mem= accepted, bytes. */
#define CMDLINE_MIN_MEM		(16ULL << 20)

/* What the command line asks the program to do. */
enum cmdline_action {
	CMDLINE_BOOT,
	CMDLINE_HELP,
	CMDLINE_VERSION,
	CMDLINE_SHOWCONFIG,
};

/* One parse: its result and, on failure, one line saying what is wrong. */
struct cmdline {
	struct boot_config *cfg;	/* filled in by cmdline_parse() */
	enum cmdline_action action;
	bool default_ubd0;		/* ubd0 is rootfs.img by default */
	char err[256];			/* no "vmlinux-host: ", no newline */
};

/*
 * Fill in cl->cfg (which must be zeroed) and cl->action from argv.
 * Returns 0, or -EINVAL / -ENOMEM with the reason in cl->err.
 */
int cmdline_parse(struct cmdline *cl, int argc, char **argv);
/* Print the --help text on stdout. */
void cmdline_help(void);

/* ---- physmem.c ---- */

/* Create and map size bytes of physical memory; 0 or -errno. */
int physmem_init(uint64_t size);
/* The memfd behind physical memory, for mapping it into stubs. */
int physmem_fd(void);

/* ---- intr.c ---- */

/*
 * Install the interrupt signal handlers and make the calling thread the
 * vCPU thread that receives them.  Returns 0 or -errno.
 */
int intr_init(void);
/* From any host thread: make irq pending and signal the vCPU thread. */
void intr_raise(int irq);
/*
 * On the vCPU thread: make irq pending without a signal.  It runs when
 * interrupts are next enabled, or at once if they are.
 */
void intr_post(int irq);

/* ---- ubd.c ---- */

/*
 * Open and lock the disk images of cl->cfg, make the io_uring and start
 * the completion helper thread.  Returns 0, or -errno with one line (no
 * "vmlinux-host: ", no newline) in err.  Before boot.
 */
int ubd_host_init(const struct cmdline *cl, char *err, size_t size);
/*
 * From arch_idle(), with the interrupt signals blocked: if disk I/O is in
 * flight, sleep in the io_uring until a completion or a signal that mask
 * allows, and post IRQ_IO for what completed.  Returns 0 after such a
 * sleep, -ENOENT if no I/O is in flight.
 */
int ubd_idle(const sigset_t *mask);

/* ---- timer.c ---- */

/* Create the tick timer, aimed at the calling (vCPU) thread; 0 or -errno. */
int timer_init(void);
/*
 * Stop the periodic tick and arm a one-shot wake-up after timeout_ns
 * (UINT64_MAX: none).  Returns 0 or -errno.
 */
int timer_tick_pause(uint64_t timeout_ns);
/* Restart the periodic tick stopped by timer_tick_pause(), if it ran. */
void timer_tick_resume(void);

/* ---- stack.c ---- */

/* True if addr lies in the guard page of a live kernel stack. */
bool stack_guard_hit(uintptr_t addr);

/* ---- switch.S ---- */

/*
 * First code of a new context (see ctx.c): calls r12(r13) on an aligned
 * stack; never returns.  Not callable from C.
 */
void switch_trampoline(void);

/* ---- term.c ---- */

/* Save the host terminal's settings if stdin is a terminal. */
void term_init(void);
/* Put the saved terminal settings back; idempotent, async-signal-safe. */
void term_restore(void);

/* ---- exit.c ---- */

/*
 * Install the handlers that turn fatal host signals into kernel panics
 * (on an alternate stack) and SIGINT/SIGTERM/SIGHUP into an exit.
 * Returns 0 or -errno.
 */
int exit_init(void);

#endif
