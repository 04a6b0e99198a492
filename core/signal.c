/*
 * Signals: generation and the pending sets (DESIGN.md section 4).  A
 * signal is pending for a process (kill) or for one thread (tkill,
 * faults); each pending signal has a struct sigqueue holding its siginfo
 * (real-time signals queue one per send, the others at most one).  The
 * side effects Linux applies when a signal is sent happen here too:
 * SIGCONT resumes a stopped process and discards pending stops, a stop
 * discards a pending SIGCONT, a fatal signal starts the group's exit at
 * once.  Delivery on the way back to user mode is core/signal_deliver.c;
 * the system calls are core/sys_signal.c.
 *
 * Everything here is guarded by proc_lock, a sleeping lock: interrupt
 * handlers (the tty's job-control characters, timers) go through
 * signal_send_irq(), which hands the work to the ksignald thread.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"

static void (*session_exit_hook)(int sid);	/* [I] drivers/tty */
int nr_stopped;				/* [p] stopped processes */

void
session_exit_hook_register(void (*fn)(int sid))
{
	session_exit_hook = fn;
}

void
signal_session_exit(struct process *p)
{
	if (session_exit_hook != NULL && p->pid == p->sid)
		session_exit_hook(p->sid);
}

/* ---- what a signal does ---- */

bool
sig_default_ignored(int sig)
{
	return sig < KSIGRTMIN && (KSIG_BIT(sig) & SIG_DFL_IGNORE);
}

bool
sig_default_stops(int sig)
{
	return sig < KSIGRTMIN && (KSIG_BIT(sig) & SIG_DFL_STOP);
}

/* Would sig sent to p do nothing at all?  (proc_lock held) */
static bool
sig_ignored(struct process *p, struct task *t, int sig)
{
	uint64_t h = p->sigactions[sig - 1].handler;
	struct task *u;

	/* A blocked signal waits: the handler may change meanwhile. */
	if (t != NULL && (t->sig_blocked & KSIG_BIT(sig)))
		return false;
	if (t == NULL)
		list_for_each_entry(u, &p->threads, thread_node)
			if ((u->sig_blocked | u->real_blocked) & KSIG_BIT(sig))
				return false;
	if (h == KSIG_IGN)
		return true;
	if (h != KSIG_DFL)
		return false;
	/* init gets only the signals it handles (as Linux's). */
	if (p == init_process)
		return true;
	return sig_default_ignored(sig);
}

/* Would sig, delivered with its current action, end p? (proc_lock) */
static bool
sig_fatal(struct process *p, int sig)
{
	if (sig == KSIGKILL)
		return p != init_process;
	if (p->sigactions[sig - 1].handler != KSIG_DFL || p == init_process)
		return false;
	return !sig_default_ignored(sig) && !sig_default_stops(sig);
}

/* ---- pending sets ---- */

static void
sigqueue_free(struct sigqueue *q)
{
	q->owner->nr_sigqueued--;
	list_del(&q->node);
	kfree(q);
}

/* Drop every queued entry of the signals in mask from a set. */
static void
sigqueue_flush(uint64_t *pending, struct list_head *queue, uint64_t mask)
{
	struct sigqueue *q, *n;

	*pending &= ~mask;
	list_for_each_entry_safe(q, n, queue, node) {
		if (KSIG_BIT(q->info.signo) & mask)
			sigqueue_free(q);
	}
}

void
sigqueue_flush_task(struct task *t)
{
	sigqueue_flush(&t->sig_pending, &t->sig_queue, ~0ULL);
}

void
sig_flush_process(struct process *p, uint64_t mask)
{
	struct task *t;

	sigqueue_flush(&p->sig_pending, &p->sig_queue, mask);
	list_for_each_entry(t, &p->threads, thread_node)
		sigqueue_flush(&t->sig_pending, &t->sig_queue, mask);
}

int
sig_take(uint64_t *pending, struct list_head *queue, int sig,
	 struct ksiginfo *info)
{
	struct sigqueue *q, *found = NULL;
	bool more = false;

	list_for_each_entry(q, queue, node) {
		if (q->info.signo != sig)
			continue;
		if (found != NULL) {
			more = true;
			break;
		}
		found = q;
	}
	if (!more)
		*pending &= ~KSIG_BIT(sig);
	if (found == NULL) {
		/* The entry could not be allocated: a bare kernel signal. */
		memset(info, 0, sizeof(*info));
		info->signo = sig;
		info->code = KSI_KERNEL;
		return sig;
	}
	*info = found->info;
	sigqueue_free(found);
	return sig;
}

/*
 * Queue info on one of p's pending sets.  -EAGAIN if a real-time signal
 * from a process cannot be: no memory, or p has RLIMIT_SIGPENDING
 * signals queued (the kernel's own then come without their siginfo).
 */
static int
sig_enqueue(struct process *p, uint64_t *pending, struct list_head *queue,
	    const struct ksiginfo *info)
{
	int sig = info->signo;
	struct sigqueue *q = NULL;

	if (sig < KSIGRTMIN && (*pending & KSIG_BIT(sig)))
		return 0;		/* standard signals do not queue */
	if (sig < KSIGRTMIN ||
	    (uint64_t)p->nr_sigqueued < p->rlim[KRLIMIT_SIGPENDING].cur)
		q = kmalloc(sizeof(*q));
	if (q == NULL && sig >= KSIGRTMIN && info->code != KSI_KERNEL)
		return -EAGAIN;
	if (q != NULL) {
		q->info = *info;
		q->owner = p;
		p->nr_sigqueued++;
		list_add_tail(&q->node, queue);
	}
	*pending |= KSIG_BIT(sig);
	return 0;
}

/* ---- side effects of sending ---- */

/* SIGCONT resumes p; a stop signal discards a pending SIGCONT. */
static void
sig_prepare(struct process *p, int sig)
{
	if (sig_default_stops(sig)) {
		sig_flush_process(p, KSIG_BIT(KSIGCONT));
		return;
	}
	if (sig != KSIGCONT)
		return;
	sig_flush_process(p, SIG_DFL_STOP);
	if (!p->stopped)
		return;
	p->stopped = false;
	nr_stopped--;
	p->stop_report = false;
	p->cont_report = true;
	signal_notify_parent(p, KCLD_CONTINUED, KSIGCONT);
	wq_wake_all(&p->stop_wq);
}

/* Wake t if a signal may end its sleep. */
static void
sig_wake(struct task *t)
{
	if (t->state == TASK_INTERRUPTIBLE)
		sched_wake(t);
}

/* The thread of p that should take a process-wide sig; NULL: none. */
static struct task *
sig_pick_thread(struct process *p, int sig)
{
	struct task *t;

	if (current->proc == p && !(current->sig_blocked & KSIG_BIT(sig)))
		return current;
	list_for_each_entry(t, &p->threads, thread_node)
		if (!(t->sig_blocked & KSIG_BIT(sig)))
			return t;
	return NULL;
}

/* A fatal signal: the whole group exits now, as Linux's complete. */
static void
sig_group_exit(struct process *p, int sig)
{
	struct task *t;

	p->exiting = true;
	p->exit_status = sig;
	if (p->stopped) {
		p->stopped = false;
		nr_stopped--;
	}
	sig_flush_process(p, ~0ULL);
	list_for_each_entry(t, &p->threads, thread_node)
		sched_wake(t);
	wq_wake_all(&p->stop_wq);
}

/* Let a thread notice the new signal (proc_lock held). */
static void
sig_complete(struct process *p, struct task *t, int sig)
{
	struct task *to = t != NULL ? t : sig_pick_thread(p, sig);

	wq_wake_all(&p->signalfd_wq);
	if (to == NULL)
		return;		/* every thread blocks it: it waits */
	if (sig_fatal(p, sig) &&
	    (sig == KSIGKILL ||
	     !((to->sig_blocked | to->real_blocked) & KSIG_BIT(sig)))) {
		sig_group_exit(p, sig);
		return;
	}
	sig_wake(to);
	if (sig == KSIGKILL)
		wq_wake_all(&p->stop_wq);
}

int
sig_send_locked(struct process *p, struct task *t, int sig,
		const struct ksiginfo *info, bool force)
{
	int err;

	KASSERT(sig >= 1 && sig <= NSIG);
	if (p->state != PROC_ALIVE || p->exiting)
		return 0;
	sig_prepare(p, sig);
	if (!force && sig_ignored(p, t, sig))
		return 0;
	if (t != NULL)
		err = sig_enqueue(p, &t->sig_pending, &t->sig_queue, info);
	else
		err = sig_enqueue(p, &p->sig_pending, &p->sig_queue, info);
	if (err == 0)
		sig_complete(p, t, sig);
	return err;
}

int
send_signal_info(struct process *p, struct task *t, int sig,
		 const struct ksiginfo *info)
{
	int err;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (sig == 0)
		return 0;
	mutex_lock(&proc_lock);
	err = sig_send_locked(p, t, sig, info, false);
	mutex_unlock(&proc_lock);
	return err;
}

void
sig_info_kernel(struct ksiginfo *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = KSI_KERNEL;
}

int
send_signal(struct process *p, int sig)
{
	struct ksiginfo info;

	sig_info_kernel(&info, sig);
	return send_signal_info(p, NULL, sig, &info);
}

int
kill_pgrp(int pgid, int sig)
{
	struct ksiginfo info;
	int found = 0;

	if (pgid <= 0 || sig < 0 || sig > NSIG)
		return pgid <= 0 ? -ESRCH : -EINVAL;
	if (arch_in_interrupt()) {
		signal_send_irq(-pgid, sig);
		return 0;
	}
	sig_info_kernel(&info, sig);
	mutex_lock(&proc_lock);
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find_locked(pid);

		if (q != NULL && q->state == PROC_ALIVE && q->pgid == pgid) {
			if (sig != 0)	/* 0: is there such a group? */
				sig_send_locked(q, NULL, sig, &info, false);
			found++;
		}
	}
	mutex_unlock(&proc_lock);
	return found ? 0 : -ESRCH;
}

void
force_signal(int sig, int code, uint64_t addr)
{
	struct process *p = current_proc();
	struct task *t = current;
	struct ksigaction *sa = &p->sigactions[sig - 1];
	struct ksiginfo info;

	memset(&info, 0, sizeof(info));
	info.signo = sig;
	info.code = code;
	info.fault.addr = addr;
	mutex_lock(&proc_lock);
	/* Blocked or ignored, a fault cannot be survived: the default. */
	if (sa->handler == KSIG_IGN || (t->sig_blocked & KSIG_BIT(sig))) {
		sa->handler = KSIG_DFL;
		t->sig_blocked &= ~KSIG_BIT(sig);
	}
	if (sa->handler == KSIG_DFL || sig == KSIGKILL)
		sig_group_exit(p, sig);		/* init too, as Linux */
	else
		sig_send_locked(p, t, sig, &info, true);
	mutex_unlock(&proc_lock);
}

/* ---- questions ---- */

bool
signal_pending(void)
{
	struct process *p = current_proc();
	struct task *t = current;

	/* Lock-free: sleepers call it with their state already set. */
	if (p == NULL)
		return false;
	if (READ_ONCE(p->exiting) || READ_ONCE(p->stopped))
		return true;
	if (READ_ONCE(p->exec_task) != NULL && p->exec_task != t)
		return true;
	return ((READ_ONCE(t->sig_pending) | READ_ONCE(p->sig_pending)) &
		~t->sig_blocked) != 0;
}

bool
signal_handled(int sig)
{
	struct process *p = current_proc();

	return p != NULL && sig != KSIGKILL &&
	       p->sigactions[sig - 1].handler > KSIG_IGN &&
	       !(current->sig_blocked & KSIG_BIT(sig));
}

bool
signal_ignored_or_blocked(int sig)
{
	struct process *p = current_proc();

	if (p == NULL || sig < 1 || sig > NSIG)
		return true;
	return (current->sig_blocked & KSIG_BIT(sig)) ||
	       p->sigactions[sig - 1].handler == KSIG_IGN;
}

bool
sig_pgrp_orphaned_locked(int pgid)
{
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find_locked(pid);
		struct process *par;

		if (q == NULL || q->state != PROC_ALIVE || q->pgid != pgid)
			continue;
		par = q->parent;
		if (par != NULL && par->state == PROC_ALIVE &&
		    par->pgid != pgid && par->sid == q->sid)
			return false;
	}
	return true;
}

bool
pgrp_is_orphaned(int pgid)
{
	bool orphaned;

	mutex_lock(&proc_lock);
	orphaned = sig_pgrp_orphaned_locked(pgid);
	mutex_unlock(&proc_lock);
	return orphaned;
}

/* ---- the parent's SIGCHLD ---- */

void
signal_notify_parent(struct process *p, int why, int status)
{
	struct process *parent = p->parent;
	struct ksigaction *sa;
	struct ksiginfo info;
	int sig = why == KCLD_STOPPED || why == KCLD_CONTINUED ? KSIGCHLD
							       : p->exit_signal;

	if (parent == NULL)
		return;
	wq_wake_all(&parent->child_wq);
	sa = &parent->sigactions[KSIGCHLD - 1];
	if (sig == 0 || (sig == KSIGCHLD && why != KCLD_EXITED &&
			 why != KCLD_KILLED && why != KCLD_DUMPED &&
			 (sa->flags & KSA_NOCLDSTOP)))
		return;
	memset(&info, 0, sizeof(info));
	info.signo = sig;
	info.code = why;
	info.chld.pid = p->pid;
	info.chld.status = status;
	info.chld.utime = (int64_t)(p->utime_ns / (NSEC_PER_SEC / 100));
	info.chld.stime = (int64_t)(p->stime_ns / (NSEC_PER_SEC / 100));
	sig_send_locked(parent, NULL, sig, &info, false);
}

/* ---- from interrupt handlers: ksignald ---- */

#define IRQ_SIG_RING	64

static struct {
	int target;		/* pid, or -pgid */
	int sig;
} irq_sigs[IRQ_SIG_RING];			/* [i] */
static unsigned int irq_sig_head, irq_sig_tail;	/* [i] */
static struct wait_queue irq_sig_wq = WAIT_QUEUE_INIT(irq_sig_wq);
static struct task *irq_sig_task;		/* [I] ksignald */

void
signal_send_irq(int target, int sig)
{
	unsigned long s = arch_intr_save();

	if (irq_sig_head - irq_sig_tail < IRQ_SIG_RING) {
		irq_sigs[irq_sig_head % IRQ_SIG_RING].target = target;
		irq_sigs[irq_sig_head % IRQ_SIG_RING].sig = sig;
		irq_sig_head++;
	}
	arch_intr_restore(s);
	wq_wake_all(&irq_sig_wq);
}

/* Take the next queued send; false if none. */
static bool
irq_sig_next(int *target, int *sig)
{
	unsigned long s = arch_intr_save();
	bool any = irq_sig_head != irq_sig_tail;

	if (any) {
		*target = irq_sigs[irq_sig_tail % IRQ_SIG_RING].target;
		*sig = irq_sigs[irq_sig_tail % IRQ_SIG_RING].sig;
		irq_sig_tail++;
	}
	arch_intr_restore(s);
	return any;
}

static int
irq_sig_thread(void *arg)
{
	int target, sig;

	(void)arg;
	for (;;) {
		wait_event(&irq_sig_wq, READ_ONCE(irq_sig_head) !=
					READ_ONCE(irq_sig_tail));
		while (irq_sig_next(&target, &sig)) {
			struct process *p;

			if (target < 0) {
				kill_pgrp(-target, sig);
				continue;
			}
			p = process_find(target);
			if (p != NULL) {
				send_signal(p, sig);
				process_put(p);
			}
		}
	}
	return 0;
}

int
signal_init(void)
{
	return kthread_create(&irq_sig_task, irq_sig_thread, NULL,
			      "ksignald");
}
