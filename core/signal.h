/*
 * Signals (DESIGN.md section 4): what the rest of the kernel uses to send
 * them, to sleep so that they interrupt, and to ask about them.  The
 * process and thread fields live in core/process.h and core/sched.h; the
 * delivery on return to user mode is core/signal.c.
 *
 * Sleeping: a blocking call that a signal interrupts returns
 * -ERESTARTSYS.  Delivery turns it into -EINTR, or restarts the call when
 * the handler has SA_RESTART or no handler runs (a stop and continue, an
 * ignored signal).  -ERESTARTNOHAND restarts only when no handler runs;
 * -ERESTARTNOINTR always restarts.
 */
#ifndef CORE_SIGNAL_H
#define CORE_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "core/errno.h"
#include "core/process.h"
#include "core/wait.h"

/* si_code values (Linux). */
#define KSI_USER	0
#define KSI_KERNEL	0x80
#define KSI_QUEUE	(-1)
#define KSI_TIMER	(-2)
#define KSI_MESGQ	(-3)
#define KSI_ASYNCIO	(-4)
#define KSI_SIGIO	(-5)
#define KSI_TKILL	(-6)

#define KILL_ILLOPC	1
#define KILL_ILLOPN	2
#define KILL_PRVOPC	5
#define KFPE_INTDIV	1
#define KFPE_INTOVF	2
#define KFPE_FLTDIV	3
#define KSEGV_MAPERR	1
#define KSEGV_ACCERR	2
#define KBUS_ADRALN	1
#define KBUS_ADRERR	2
#define KTRAP_BRKPT	1
#define KTRAP_TRACE	2
#define KCLD_EXITED	1
#define KCLD_KILLED	2
#define KCLD_DUMPED	3
#define KCLD_TRAPPED	4
#define KCLD_STOPPED	5
#define KCLD_CONTINUED	6
#define KPOLL_IN	1
#define KPOLL_OUT	2
#define KPOLL_HUP	6

/* sa_flags (Linux). */
#define KSA_NOCLDSTOP	0x00000001ULL
#define KSA_NOCLDWAIT	0x00000002ULL
#define KSA_SIGINFO	0x00000004ULL
#define KSA_RESTORER	0x04000000ULL
#define KSA_ONSTACK	0x08000000ULL
#define KSA_RESTART	0x10000000ULL
#define KSA_NODEFER	0x40000000ULL
#define KSA_RESETHAND	0x80000000ULL

#define KSIGRTMIN	32
#define KSIGRTMAX	NSIG

/* Linux's siginfo_t for x86-64: 128 bytes. */
struct ksiginfo {
	int32_t signo;
	int32_t errno_;
	int32_t code;
	int32_t pad0;
	union {
		uint8_t raw[112];
		struct {		/* kill, tkill, sigqueue */
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} rt;
		struct {		/* timers */
			int32_t tid;
			int32_t overrun;
			uint64_t value;
		} timer;
		struct {		/* SIGCHLD */
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t pad;
			int64_t utime, stime;	/* clock ticks */
		} chld;
		struct {		/* SIGSEGV, SIGBUS, SIGFPE, SIGILL... */
			uint64_t addr;
		} fault;
		struct {		/* SIGIO, SIGPOLL */
			int64_t band;
			int32_t fd;
		} poll;
	};
};
_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo is 128 bytes");

/*
 * Send sig to process p from the kernel (si_code SI_KERNEL).  sig 0
 * only checks that p exists.  0 or -EINVAL.
 */
int send_signal(struct process *p, int sig);
/* Send with a siginfo (copied); to the thread t if t != NULL. */
int send_signal_info(struct process *p, struct task *t, int sig,
		     const struct ksiginfo *info);
/*
 * Send sig from the kernel to every process of group pgid (the tty's
 * job-control characters, hang-ups); sig 0 only checks that the group
 * exists.  0, or -ESRCH if there is none.  From an interrupt handler
 * the sending is left to a kernel thread (and 0 is returned).
 */
int kill_pgrp(int pgid, int sig);

/*
 * True if the current thread has a signal to deal with (a handler to
 * run, a stop, a death): a sleeper that waits TASK_INTERRUPTIBLE returns
 * -ERESTARTSYS when it is true.  Senders wake it with sched_wake().
 */
bool signal_pending(void);
/* True if sig would run a handler of the current thread now. */
bool signal_handled(int sig);
/* True if the current thread blocks sig or its process ignores it. */
bool signal_ignored_or_blocked(int sig);
/*
 * True if process group pgid is orphaned (POSIX): no member has a parent
 * in another group of the same session.  Such a group is not stopped by
 * SIGTTIN/SIGTTOU/SIGTSTP; the tty returns -EIO instead.
 */
bool pgrp_is_orphaned(int pgid);

/*
 * A fault or trap of the current thread: deliver sig with code and
 * address to it; a blocked or ignored one kills the process.
 */
void force_signal(int sig, int code, uint64_t addr);

/*
 * The terminal layer's hook: called when session leader p (p->pid ==
 * p->sid) exits, before its children are re-parented.  drivers/tty hangs
 * up the session's controlling terminal there.
 */
void session_exit_hook_register(void (*fn)(int sid));

/*
 * Sleep on wq until cond holds (0) or a signal is pending
 * (-ERESTARTSYS).
 */
#define wait_event_interruptible(wq, cond)				\
	({								\
		struct waiter __w = { .task = NULL };			\
		int __ret = 0;						\
		for (;;) {						\
			wq_prepare((wq), &__w, TASK_INTERRUPTIBLE);	\
			if (cond)					\
				break;					\
			if (signal_pending()) {				\
				__ret = -ERESTARTSYS;			\
				break;					\
			}						\
			schedule();					\
		}							\
		wq_finish((wq), &__w);					\
		__ret;							\
	})

#endif
