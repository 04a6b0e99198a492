/*
 * Between the signal files (core/signal.c, signal_deliver.c,
 * sys_signal.c, itimer.c) and the process files that call them at fork,
 * exec and exit.  Everything named *_locked wants proc_lock held.
 */
#ifndef CORE_SIGNAL_INT_H
#define CORE_SIGNAL_INT_H

#include "core/signal.h"

/* Signals whose default action is to ignore them. */
#define SIG_DFL_IGNORE	(KSIG_BIT(KSIGCHLD) | KSIG_BIT(KSIGURG) | \
			 KSIG_BIT(KSIGWINCH) | KSIG_BIT(KSIGCONT))
/* ...to stop the process (job control). */
#define SIG_DFL_STOP	(KSIG_BIT(KSIGSTOP) | KSIG_BIT(KSIGTSTP) | \
			 KSIG_BIT(KSIGTTIN) | KSIG_BIT(KSIGTTOU))
/* Raised by the thread's own instructions: delivered first. */
#define SIG_SYNC	(KSIG_BIT(KSIGSEGV) | KSIG_BIT(KSIGBUS) | \
			 KSIG_BIT(KSIGILL) | KSIG_BIT(KSIGTRAP) | \
			 KSIG_BIT(KSIGFPE) | KSIG_BIT(KSIGSYS))
#define KSIG_UNBLOCKABLE (KSIG_BIT(KSIGKILL) | KSIG_BIT(KSIGSTOP))

/* stack_t (Linux x86-64). */
struct kstack_user {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

/* How many processes are stopped (proc_lock): exits look for orphaned
 * stopped groups only when there are any. */
extern int nr_stopped;

/* One pending signal with its siginfo. */
struct sigqueue {
	struct list_head node;		/* [p] in a sig_queue */
	struct process *owner;		/* [I] whose count it is in */
	struct ksiginfo info;
};

bool sig_default_ignored(int sig);
bool sig_default_stops(int sig);
/* A siginfo from the kernel (SI_KERNEL) for sig. */
void sig_info_kernel(struct ksiginfo *info, int sig);
/*
 * Send sig with info to p (t: to that thread).  force: even if ignored
 * (faults).  0 or -EAGAIN (no room for a real-time signal).
 */
int sig_send_locked(struct process *p, struct task *t, int sig,
		    const struct ksiginfo *info, bool force);
/* Drop every signal pending for thread t. */
void sigqueue_flush_task(struct task *t);
/* Drop the signals in mask pending for p and all its threads. */
void sig_flush_process(struct process *p, uint64_t mask);
/*
 * Take sig off a pending set: its oldest siginfo into info (the bit
 * stays set while more are queued).  Returns sig.
 */
int sig_take(uint64_t *pending, struct list_head *queue, int sig,
	     struct ksiginfo *info);
bool sig_pgrp_orphaned_locked(int pgid);
/* Take a signal of set pending for the current thread or its process
 * (lowest first) with its siginfo; 0 if none. */
int sigwait_take(uint64_t set, struct ksiginfo *info);
/* From interrupt context: send sig to pid target (-pgid: a group). */
void signal_send_irq(int target, int sig);
/* Start ksignald, which sends for interrupt handlers. */
int signal_init(void);
/*
 * sigaltstack for the current thread at stack pointer sp: the old
 * setting into *old (if not NULL), then ss applied (if not NULL).
 * 0, -EPERM (on it now), -EINVAL, -ENOMEM (too small).
 */
long signal_altstack(const struct kstack_user *ss, struct kstack_user *old,
		     uint64_t sp);
/*
 * The FP registers of guest thread t in a signal frame (core/user.c
 * brings them into its stub first): size, copy out, load, reset.
 */
size_t user_fpu_frame_size(struct task *t);
long user_fpu_get(struct task *t, void *buf, size_t len);
int user_fpu_set(struct task *t, const void *buf, size_t len);
void user_fpu_reset(struct task *t);
/* Set up p's ITIMER_REAL (core/sys_time.c). */
void itimer_init(struct process *p);
/* Sleep until ktime_ns() reaches deadline or a signal is pending: 0 at
 * the deadline, -EINTR for a signal (core/sys_time.c). */
int ksleep_until(uint64_t deadline);

#endif
