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
/* The host signal (SIGTERM, SIGINT, SIGHUP) behind IRQ_SHUTDOWN, or 0. */
int arch_stop_signal(void);
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
/* True while an interrupt handler (a trap_* entry point) runs. */
bool arch_in_interrupt(void);
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

/* ---- user mode (arch-host/user.c: guest code in stub processes) ---- */

/* Guest addresses are below this; the stub window lies above. */
#define ARCH_USER_TOP	0x7f0000000000ULL

/* The guest's general registers, in Linux's user_regs_struct order. */
struct user_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};

/* Why arch_run_user() returned. */
enum arch_trap_kind {
	ARCH_TRAP_SYSCALL,	/* regs->rax: the number; rip: after it */
	ARCH_TRAP_FAULT,	/* a page fault at addr with access */
	ARCH_TRAP_SIGNAL,	/* ud2, int3, divide error...: hostsig */
	ARCH_TRAP_INTERRUPTED,	/* arch_user_kick() stopped the guest */
	ARCH_TRAP_DEAD,		/* the stub is gone (killed on the host) */
};

#define ARCH_ACCESS_READ	1
#define ARCH_ACCESS_WRITE	2
#define ARCH_ACCESS_EXEC	4
#define ARCH_ACCESS_PRESENT	8	/* the host page was mapped */

struct arch_trap {
	int kind;		/* enum arch_trap_kind */
	int hostsig;		/* ARCH_TRAP_SIGNAL, FAULT: host signal */
	int code;		/* its si_code */
	int access;		/* ARCH_TRAP_FAULT: ARCH_ACCESS_* */
	uint64_t addr;		/* FAULT: address; SIGNAL: si_addr */
	bool foreign;		/* SYSCALL: not a native x86-64 call */
};

/* Host protections for arch_user_map() and arch_user_protect(). */
#define ARCH_PROT_READ	1
#define ARCH_PROT_WRITE	2
#define ARCH_PROT_EXEC	4

/* One guest address space: a stub process (one guest thread for now). */
struct arch_user;

/*
 * Start a stub with an empty address space and the initial FP state.
 * 0 or -errno (-ENOMEM, -EAGAIN when the host refuses a process).
 * Sleeps the vCPU until the stub is ready.
 */
int arch_user_create(struct arch_user **out);
/* Kill the stub and free u. */
void arch_user_destroy(struct arch_user *u);
/*
 * Make u as arch_user_create() would, for another address space: the
 * queued changes dropped, every mapping removed (before the guest runs
 * next), the initial FP state.  0, or -ECHILD if the stub is dead.
 */
int arch_user_reset(struct arch_user *u);
/*
 * Before a stub from the pool serves a new address space: make sure that
 * no guest code of the last one can run in it any more.  0, or nonzero:
 * destroy it.  May sleep the vCPU a little.
 */
int arch_user_claim(struct arch_user *u);
/*
 * True if no guest code can run in u until it is let run again (checked
 * now, waiting very little): the frames it maps may then be freed before
 * the unmap is applied.  Such a stub needs no arch_user_claim() either.
 */
bool arch_user_parked(struct arch_user *u);
/* Give dst the FP/SSE/AVX registers src's guest has (fork). */
void arch_user_copy_fpu(struct arch_user *dst, struct arch_user *src);
/*
 * Threads sharing a stub: copy the FP registers of the guest that ran
 * last in u into buf (ARCH_FPU_SIZE bytes; 0, or -EFAULT/-E2BIG when
 * they cannot be saved), and load a saved set back for the next run.
 */
#define ARCH_FPU_SIZE	4096
int arch_user_fpu_save(struct arch_user *u, void *buf);
void arch_user_fpu_load(struct arch_user *u, const void *buf);
/*
 * Signal frames: the FP state of the guest that ran last in u as Linux
 * puts it on a guest stack (an fxsave or xsave area with its software
 * bytes, then FP_XSTATE_MAGIC2 after an xsave area).  _frame_size is its
 * size; _get copies it into buf (len bytes at least; its size or
 * -E2BIG); _set loads one from a guest frame, checked as Linux's
 * sigreturn checks it (0 or -EINVAL); _reset gives the initial state.
 */
size_t arch_user_fpu_frame_size(struct arch_user *u);
long arch_user_fpu_get(struct arch_user *u, void *buf, size_t len);
int arch_user_fpu_set(struct arch_user *u, const void *buf, size_t len);
void arch_user_fpu_reset(struct arch_user *u);
/*
 * Queue changes to u's host mappings, applied before the guest runs
 * next (or by arch_user_flush()): map len bytes of physical memory at pa
 * to guest address addr, unmap, change protections.  Page-aligned, below
 * ARCH_USER_TOP.  0, or -EINVAL for a bad range.
 */
int arch_user_map(struct arch_user *u, uint64_t addr, uint64_t len,
		  uint64_t pa, int prot);
int arch_user_unmap(struct arch_user *u, uint64_t addr, uint64_t len);
int arch_user_protect(struct arch_user *u, uint64_t addr, uint64_t len,
		      int prot);
/*
 * Apply the queued changes now.  0 or the host's -errno.  Whatever it
 * returns, no mapping an unmap or protect took away is left when it does
 * (a failed batch leaves no guest memory mapped at all; a dead stub none),
 * even if guest code is running: frames may be freed after it.
 */
int arch_user_flush(struct arch_user *u);
/* True if every change queued so far has been applied (as by a flush). */
bool arch_user_synced(const struct arch_user *u);
/*
 * Run the guest with regs (FS base included) until it traps; regs then
 * hold its registers and *t says why.  0, or the host's -errno when
 * queued changes failed (-ENOMEM: the host map count may be exhausted).
 * Called with interrupts enabled; they are taken while the guest runs.
 */
int arch_run_user(struct arch_user *u, struct user_regs *regs,
		  struct arch_trap *t);
/* True once u's stub has died (killed on the host, say). */
bool arch_user_dead(const struct arch_user *u);
/* From an interrupt: make a running guest trap back (INTERRUPTED). */
void arch_user_kick(struct arch_user *u);
/*
 * u's guest will not run again soon (its thread sleeps in the kernel or
 * lost the CPU): the stub should sleep instead of spinning.  It is told
 * once the next stub has been let run, so that its host CPU does not go
 * idle in between, or by arch_user_nap_now(), which the idle loop calls.
 */
void arch_user_nap(struct arch_user *u);
void arch_user_nap_now(void);

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

/* ---- FUSE export (arch-host/fuse.c on libfuse3; fs/fuse.c serves it) ----
 *
 * The host's FUSE requests arrive as IRQ_FUSE.  trap_fuse() takes them
 * with arch_fuse_fetch() and kernel threads answer each with exactly one
 * arch_fuse_reply_*() call, which sends the answer and frees the request.
 * Nodes are the kernel's 64-bit handles for files (ARCH_FUSE_ROOT is the
 * root); errors are -errno.
 */

#define ARCH_FUSE_ROOT	1

enum arch_fuse_op {
	ARCH_FUSE_LOOKUP, ARCH_FUSE_FORGET, ARCH_FUSE_BATCH_FORGET,
	ARCH_FUSE_GETATTR, ARCH_FUSE_SETATTR, ARCH_FUSE_READLINK,
	ARCH_FUSE_MKNOD, ARCH_FUSE_MKDIR, ARCH_FUSE_UNLINK, ARCH_FUSE_RMDIR,
	ARCH_FUSE_SYMLINK, ARCH_FUSE_RENAME, ARCH_FUSE_LINK, ARCH_FUSE_OPEN,
	ARCH_FUSE_READ, ARCH_FUSE_WRITE, ARCH_FUSE_FLUSH, ARCH_FUSE_RELEASE,
	ARCH_FUSE_FSYNC, ARCH_FUSE_OPENDIR, ARCH_FUSE_READDIR,
	ARCH_FUSE_READDIRPLUS, ARCH_FUSE_RELEASEDIR, ARCH_FUSE_FSYNCDIR,
	ARCH_FUSE_STATFS, ARCH_FUSE_ACCESS, ARCH_FUSE_CREATE,
	ARCH_FUSE_FALLOCATE,
	ARCH_FUSE_NR_OPS,
};

/* A file's attributes as the host sees them (times: seconds, ns). */
struct arch_fuse_attr {
	uint64_t ino, size, blocks;
	uint32_t mode, nlink, uid, gid, rdev, blksize;
	int64_t atime, mtime, ctime;
	uint32_t atime_ns, mtime_ns, ctime_ns;
};

/* What a SETATTR changes (arch_fuse_req.flags). */
#define ARCH_FUSE_SET_MODE	0x01
#define ARCH_FUSE_SET_UID	0x02
#define ARCH_FUSE_SET_GID	0x04
#define ARCH_FUSE_SET_SIZE	0x08
#define ARCH_FUSE_SET_ATIME	0x10	/* to attr.atime */
#define ARCH_FUSE_SET_MTIME	0x20
#define ARCH_FUSE_SET_ATIME_NOW	0x40
#define ARCH_FUSE_SET_MTIME_NOW	0x80

struct arch_fuse_statfs {
	uint64_t bsize, blocks, bfree, bavail, files, ffree, namemax;
	bool readonly;
};

struct arch_fuse_forget {
	uint64_t node, nlookup;
};

/* One request.  Pointers stay valid until the reply. */
struct arch_fuse_req {
	int op;				/* ARCH_FUSE_* */
	uint64_t node;			/* the file, or the parent directory */
	uint64_t node2;			/* RENAME: new parent; LINK: new parent */
	const char *name;		/* the entry in node (NUL-terminated) */
	const char *name2;		/* RENAME: new name; SYMLINK: target */
	uint64_t fh;			/* from OPEN, OPENDIR, CREATE */
	uint64_t offset;		/* READ, WRITE, READDIR*, FALLOCATE */
	uint64_t size;			/* bytes asked for, written, allocated */
	const void *wdata;		/* WRITE: the bytes */
	void *rbuf;			/* READ, READDIR*, READLINK: the reply */
	size_t rbuf_size;		/* room in rbuf */
	uint32_t mode, rdev;		/* MKNOD, MKDIR, CREATE; SETATTR mode */
	uint32_t flags;			/* OPEN/CREATE O_*, RENAME_*, SETATTR
					   ARCH_FUSE_SET_*, ACCESS mask, FSYNC
					   datasync, FALLOCATE mode */
	struct arch_fuse_attr attr;	/* SETATTR: uid, gid, size, times */
	bool has_fh;			/* SETATTR: fh is an open file */
	uint64_t nlookup;		/* FORGET */
	const struct arch_fuse_forget *forgets;	/* BATCH_FORGET */
	size_t nforgets;
	uint32_t uid, gid, pid;		/* the caller */
	uint32_t ngroups;		/* its supplementary groups */
	uint32_t groups[32];
	struct arch_fuse_req *next;	/* free for the kernel's queue */
};

/*
 * Mount the export at dir (checked before boot) and start serving it.
 * Returns 0 or -errno; arch_fuse_error() then says why in words.
 */
int arch_fuse_mount(const char *dir);
/* libfuse's account of the last failure of arch_fuse_mount(). */
const char *arch_fuse_error(void);
/* The queued requests, oldest first, linked by next; NULL if none. */
struct arch_fuse_req *arch_fuse_fetch(void);
/* True once the host has unmounted the export: no more requests. */
bool arch_fuse_ended(void);
/* Unmount the export (if still mounted) and stop its host threads. */
void arch_fuse_unmount(void);
/* Answer with an error (0: success without data) or nothing (FORGET). */
void arch_fuse_reply_err(struct arch_fuse_req *r, int err);
void arch_fuse_reply_none(struct arch_fuse_req *r);
/* LOOKUP, MKNOD, MKDIR, SYMLINK, LINK: node (0: a cached negative). */
void arch_fuse_reply_entry(struct arch_fuse_req *r, uint64_t node,
			   const struct arch_fuse_attr *a);
void arch_fuse_reply_create(struct arch_fuse_req *r, uint64_t node,
			    const struct arch_fuse_attr *a, uint64_t fh);
void arch_fuse_reply_attr(struct arch_fuse_req *r,
			  const struct arch_fuse_attr *a);
void arch_fuse_reply_open(struct arch_fuse_req *r, uint64_t fh);
void arch_fuse_reply_write(struct arch_fuse_req *r, size_t count);
/* READ, READDIR*: the first len bytes of rbuf.  READLINK: the target. */
void arch_fuse_reply_data(struct arch_fuse_req *r, size_t len);
void arch_fuse_reply_statfs(struct arch_fuse_req *r,
			    const struct arch_fuse_statfs *st);
/*
 * Encode one directory entry at buf (room bytes) for a READDIR (node and
 * a ignored but a->ino and a->mode) or READDIRPLUS (node 0: no lookup
 * counted) reply; next_off is where the next READDIR starts.  Returns the
 * entry's size, which is more than room if it did not fit (nothing
 * written then).
 */
size_t arch_fuse_add_dirent(struct arch_fuse_req *r, void *buf, size_t room,
			    const char *name, uint64_t node,
			    const struct arch_fuse_attr *a, uint64_t next_off);

/* ---- console input (drivers/tty/console.c; IRQ_CONSOLE) ---- */

/* What arch_console_input_start() found: stdin, stdout are terminals. */
#define ARCH_CONSOLE_IN_TTY	1
#define ARCH_CONSOLE_OUT_TTY	2

/* Raw host terminal, IRQ_CONSOLE on input and resizes; ARCH_CONSOLE_*. */
int arch_console_input_start(void);
/* Host input without blocking: a count, 0 at end of file, or -EAGAIN. */
long arch_console_read(char *buf, size_t len);
/* The host terminal's size; -ENOTTY if there is no terminal. */
int arch_console_winsize(unsigned short *rows, unsigned short *cols);
/* True once after each resize of the host terminal. */
bool arch_console_resized(void);
/* Write bytes to the host console as they are (the tty processed them). */
void arch_console_write_raw(const char *buf, size_t len);

#endif
