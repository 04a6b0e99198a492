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
#define HOST_SIG_FUSE		SIGURG
#define HOST_SIG_SHUTDOWN	SIGPWR
#define HOST_SIG_USER		SIGVTALRM
#define HOST_SIG_CONSOLE	SIGSTKFLT
#define HOST_IRQ_SIGNALS	{ [IRQ_TIMER] = HOST_SIG_TIMER,		\
				  [IRQ_IO] = HOST_SIG_IO,		\
				  [IRQ_FUSE] = HOST_SIG_FUSE,		\
				  [IRQ_SHUTDOWN] = HOST_SIG_SHUTDOWN,	\
				  [IRQ_USER] = HOST_SIG_USER,		\
				  [IRQ_CONSOLE] = HOST_SIG_CONSOLE }

/* Host page size: configure accepts x86-64 hosts only. */
#define HOST_PAGE_SIZE		4096UL

/* ---- boot.c ---- */

/* The program's name for messages: "vmlinux-host" or "vmlinux-fuse". */
extern const char *host_progname;
/*
 * Set by vmlinux-fuse before host_main(): boot only to serve the image
 * at fuse= with these options (boot_config.fuse_only).
 */
struct fuse_host_opts;
extern const struct fuse_host_opts *host_fuse_image;

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

/* ---- user.c ---- */

struct arch_user;
/* The host pid of u's stub (tests kill it). */
pid_t arch_user_host_pid(const struct arch_user *u);

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
/* The tick's period in ns; UINT64_MAX while there is none. */
uint64_t timer_tick_period(void);
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
/*
 * Put the host terminal (stdin) in raw mode, output processing off too,
 * and raise IRQ_CONSOLE on SIGWINCH.  0, or -ENOTTY if stdin is not a
 * terminal.
 */
int term_raw(void);
/* True if the host terminal is in raw mode and stdout is a terminal. */
bool term_crlf(void);
/* Save stdin's file status flags for term_restore() to put back. */
void term_save_flags(void);

/* ---- console.c ---- */

/* The host fd the kernel console writes to (STDOUT_FILENO by default). */
extern int host_console_fd;
/* From the SIGWINCH handler: note the resize and raise IRQ_CONSOLE. */
void console_host_winch(void);

/* ---- fuse.c ---- */

/* How the FUSE export is set up (vmlinux-fuse's options, or fuse=). */
struct fuse_host_opts {
	bool live;		/* the guest's tree: no host caching */
	bool single_thread;	/* -s: one reader thread */
	bool debug;		/* -d: libfuse's request log */
	const char *options;	/* -o, passed to libfuse; NULL: none */
	const char *fsname;	/* the mount's source in /proc/mounts */
	const char *subtype;	/* type fuse.<subtype> */
	int ready_fd;		/* write a byte once mounted; -1: none */
};

/*
 * Before boot: check that dir is a usable mount point (not a stale FUSE
 * mount) and make the libfuse session, rejecting bad options.  Returns 0,
 * or -errno with one line (no program name, no newline) in err.
 */
int fuse_host_init(const char *dir, const struct fuse_host_opts *o,
		   char *err, size_t size);
/* At exit: unmount the export if it is still mounted. */
void fuse_host_exit(void);
/* From a fatal signal handler: detach the mount (async-signal-safe). */
void fuse_host_abort(void);

/* ---- exit.c ---- */

/*
 * Install the handlers that turn fatal host signals into kernel panics
 * (on an alternate stack) and SIGINT/SIGTERM/SIGHUP into an exit.
 * Returns 0 or -errno.
 */
int exit_init(void);

#endif
