/*
 * The end of threads and processes: exit and exit_group, zombies, the
 * re-parenting of orphans to init, and wait4/waitid.  When init itself
 * ends, the kernel stops every other process and shuts down with init's
 * status (its exit code, or 128 + the signal that killed it).
 */
#include "core/boot.h"
#include "core/errno.h"
#include "core/futex.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/timer.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define KWNOHANG	0x00000001
#define KWUNTRACED	0x00000002
#define KWSTOPPED	0x00000002
#define KWEXITED	0x00000004
#define KWCONTINUED	0x00000008
#define KWNOWAIT	0x01000000
#define KWNOTHREAD	0x20000000
#define KWALL		0x40000000
#define KWCLONE		0x80000000U

#define KP_ALL		0
#define KP_PID		1
#define KP_PGID		2

struct ktimeval_ru {
	int64_t tv_sec, tv_usec;
};

struct krusage {
	struct ktimeval_ru ru_utime, ru_stime;
	int64_t rest[14];
};
_Static_assert(sizeof(struct krusage) == 144, "struct rusage");

/* The part of siginfo_t waitid fills in (128 bytes in all). */
struct ksiginfo_chld {
	int32_t si_signo, si_errno, si_code, pad;
	int32_t si_pid, si_uid, si_status, pad2;
	int64_t si_utime, si_stime;
	uint8_t rest[80];
};
_Static_assert(sizeof(struct ksiginfo_chld) == 128, "siginfo_t");

/* A child's reported state. */
struct wait_result {
	int pid, uid, status;
	int code;			/* KCLD_* for waitid */
	uint64_t utime_ns, stime_ns;
};

/* ---- the end of a thread and of a process ---- */

/* CLONE_CHILD_CLEARTID: zero the word and wake one futex waiter. */
static void
exit_clear_tid(struct task *t, struct mm *mm)
{
	int zero = 0;

	if (t->clear_child_tid == 0 || mm == NULL)
		return;
	if (mm_copyout(mm, t->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake(mm, t->clear_child_tid, 1);
	t->clear_child_tid = 0;
}

/* Release what the task holds of its own: files, fs context, cred. */
static void
exit_task_state(struct task *t)
{
	struct fdtable *files = t->files;
	struct fs_struct *fs = t->fs;
	struct cred *cr = t->cred;

	t->files = NULL;
	t->fs = NULL;
	t->cred = NULL;
	if (files != NULL)
		fdtable_put(files);
	if (fs != NULL)
		fs_struct_put(fs);
	kfree(cr);
}

/*
 * init ended: stop everyone else, then shut down with its status as the
 * host exit status.  Never returns.
 */
/* True while a process other than init and the caller is alive. */
static bool
others_alive(void)
{
	struct process *self = current_proc();
	bool any = false;

	mutex_lock(&proc_lock);
	for (int pid = 2; pid < TID_MAX && !any; pid++) {
		struct process *p = process_find_locked(pid);

		any = p != NULL && p != self && p->state == PROC_ALIVE;
	}
	mutex_unlock(&proc_lock);
	return any;
}

void
process_shutdown(int code)
{
	for (int pid = 2; pid < TID_MAX; pid++) {
		struct process *p = process_find(pid);

		if (p != NULL) {
			send_signal(p, KSIGKILL);
			process_put(p);
		}
	}
	/* Let them run their exits (stubs die with us in any case). */
	for (int i = 0; i < 1000 && others_alive(); i++)
		schedule_yield();
	for (int i = 0; i < 100 && others_alive(); i++)
		msleep(10);
	kernel_halt(code);
}

static __noreturn void
exit_init(int status)
{
	int code = (status & 0x7f) ? 128 + (status & 0x7f)
				   : (status >> 8) & 0xff;

	if (status & 0x7f)
		pr_notice("init: killed by signal %d\n", status & 0x7f);
	else
		pr_info("init: exited with status %d\n", code);
	process_shutdown(code);
}

/* Give p's children to init; wake init if a zombie is among them. */
static void
exit_reparent(struct process *p)
{
	struct process *c, *n;
	bool zombie = false;

	if (list_empty(&p->children))
		return;
	list_for_each_entry_safe(c, n, &p->children, sibling) {
		list_del(&c->sibling);
		c->parent = init_process;
		list_add_tail(&c->sibling, &init_process->children);
		zombie |= c->state == PROC_ZOMBIE;
	}
	if (zombie)
		wq_wake_all(&init_process->child_wq);
}

/* Does group pgid have a stopped member? (proc_lock held) */
static bool
pgrp_has_stopped(int pgid)
{
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find_locked(pid);

		if (q != NULL && q->state == PROC_ALIVE && q->pgid == pgid &&
		    q->stopped)
			return true;
	}
	return false;
}

/* Hang up and continue group pgid if it is orphaned and stopped. */
static void
exit_orphan_check(struct process *p, int pgid)
{
	struct ksiginfo info;

	if (!pgrp_has_stopped(pgid) || !sig_pgrp_orphaned_locked(pgid))
		return;
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find_locked(pid);

		if (q == NULL || q->state != PROC_ALIVE || q->pgid != pgid ||
		    q == p)
			continue;
		sig_info_kernel(&info, KSIGHUP);
		sig_send_locked(q, NULL, KSIGHUP, &info, false);
		sig_info_kernel(&info, KSIGCONT);
		sig_send_locked(q, NULL, KSIGCONT, &info, false);
	}
}

/*
 * POSIX: a process group that p's exit orphans and that has a stopped
 * member gets SIGHUP and SIGCONT (proc_lock held; p is not yet a
 * zombie, its children not yet re-parented, so both are looked at as
 * they will be: p no longer counts).
 */
static void
exit_orphan_groups(struct process *p)
{
	struct process *c;

	if (nr_stopped == 0)
		return;
	p->state = PROC_REAPED;		/* not a member any more */
	exit_orphan_check(p, p->pgid);
	list_for_each_entry(c, &p->children, sibling)
		if (c->pgid != p->pgid && c->sid == p->sid)
			exit_orphan_check(p, c->pgid);
	p->state = PROC_ALIVE;
}

/* Tell the parent p is a zombie: its exit signal and its waiters. */
static void
exit_notify(struct process *p, bool autoreap)
{
	int st = p->exit_status, sig = st & 0x7f;

	if (autoreap && p->parent->sigactions[KSIGCHLD - 1].handler ==
			KSIG_IGN) {
		wq_wake_all(&p->parent->child_wq);
		return;
	}
	if (sig != 0)
		signal_notify_parent(p, (st & 0x80) ? KCLD_DUMPED :
					KCLD_KILLED, sig);
	else
		signal_notify_parent(p, KCLD_EXITED, (st >> 8) & 0xff);
}

/* The last thread of p is gone: free its memory and become a zombie. */
static void
exit_process(struct process *p)
{
	struct process *parent;
	struct mm *mm;
	bool autoreap;

	mutex_lock(&proc_lock);
	mm = p->mm;
	p->mm = NULL;
	mutex_unlock(&proc_lock);
	mm_put(mm);
	vfork_release(p);
	if (p == init_process)
		exit_init(p->exit_status);
	signal_exit_process(p);
	signal_session_exit(p);
	mutex_lock(&proc_lock);
	exit_orphan_groups(p);
	exit_reparent(p);
	p->state = PROC_ZOMBIE;
	parent = p->parent;
	autoreap = p->exit_signal == KSIGCHLD &&
		   (parent->sigactions[KSIGCHLD - 1].handler == KSIG_IGN ||
		    (parent->sigactions[KSIGCHLD - 1].flags & KSA_NOCLDWAIT));
	if (autoreap) {
		list_del(&p->sibling);
		process_unhash(p);
	}
	exit_notify(p, autoreap);
	mutex_unlock(&proc_lock);
	if (autoreap)
		process_put(p);
}

void
do_exit(int status)
{
	struct task *t = current;
	struct process *p = t->proc;
	bool last;

	exit_clear_tid(t, p->mm);
	user_mm_leave(t, p->mm);
	mutex_lock(&proc_lock);
	list_del(&t->thread_node);
	last = --p->nr_threads == 0;
	if (!p->exiting && p->exec_task == NULL)
		p->exit_status = status;
	if (last)
		p->exiting = true;
	if (p->exec_task != NULL && p->nr_threads == 1)
		wq_wake_all(&p->exec_wq);
	p->utime_ns += t->utime_ns;
	p->stime_ns += t->stime_ns;
	mutex_unlock(&proc_lock);
	exit_task_state(t);
	signal_exit_task(t);
	if (last)
		exit_process(p);
	t->proc = NULL;
	process_put(p);
	task_exit();
}

void
do_exit_group(int status)
{
	struct process *p = current_proc();
	struct task *t;

	mutex_lock(&proc_lock);
	if (!p->exiting) {
		p->exiting = true;
		p->exit_status = status;
	}
	list_for_each_entry(t, &p->threads, thread_node)
		if (t != current)
			sched_wake(t);
	mutex_unlock(&proc_lock);
	do_exit(status);
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_exit_group((code & 0xff) << 8);
}

/* ---- wait4 and waitid ---- */

/* Does child c match wait4's pid argument for the caller p? */
static bool
wait_match(struct process *p, struct process *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == p->pgid;
	return c->pgid == -pid;
}

/* A stopped or continued child c to report as options ask? */
static bool
wait_job_report(struct process *c, unsigned int options,
		struct wait_result *res)
{
	if ((options & KWSTOPPED) && c->stopped && c->stop_report) {
		res->status = (c->stop_sig << 8) | 0x7f;
		res->code = KCLD_STOPPED;
		if (!(options & KWNOWAIT))
			c->stop_report = false;
		return true;
	}
	if ((options & KWCONTINUED) && c->cont_report) {
		res->status = 0xffff;
		res->code = KCLD_CONTINUED;
		if (!(options & KWNOWAIT))
			c->cont_report = false;
		return true;
	}
	return false;
}

/* Report zombie c (reaped unless WNOWAIT: *reaped set then). */
static void
wait_reap(struct process *p, struct process *c, unsigned int options,
	  struct wait_result *res, struct process **reaped)
{
	int sig = c->exit_status & 0x7f;

	res->status = c->exit_status;
	res->code = sig == 0 ? KCLD_EXITED :
		    (c->exit_status & 0x80) ? KCLD_DUMPED : KCLD_KILLED;
	res->utime_ns = c->utime_ns + c->cutime_ns;
	res->stime_ns = c->stime_ns + c->cstime_ns;
	if (options & KWNOWAIT)
		return;
	p->cutime_ns += res->utime_ns;
	p->cstime_ns += res->stime_ns;
	list_del(&c->sibling);
	process_unhash(c);
	*reaped = c;
}

/*
 * Look for a matching child to report (proc_lock held): 1 and *res
 * filled, 0 if children match but none has news, -ECHILD if none
 * matches.  options: KWEXITED, KWSTOPPED, KWCONTINUED, KWNOWAIT.
 */
static int
wait_scan(struct process *p, int pid, unsigned int options,
	  struct wait_result *res, struct process **reaped)
{
	struct process *c;
	bool any = false;

	list_for_each_entry(c, &p->children, sibling) {
		if (!wait_match(p, c, pid))
			continue;
		any = true;
		res->pid = c->pid;
		res->uid = 0;
		res->utime_ns = c->utime_ns;
		res->stime_ns = c->stime_ns;
		if (c->state == PROC_ZOMBIE && (options & KWEXITED)) {
			wait_reap(p, c, options, res, reaped);
			return 1;
		}
		if (c->state == PROC_ALIVE && wait_job_report(c, options, res))
			return 1;
	}
	return any ? 0 : -ECHILD;
}

/* Wait for a child as wait4/waitid: 1 with *res, 0 (WNOHANG), -errno. */
static int
wait_child(int pid, unsigned int options, struct wait_result *res)
{
	struct process *p = current_proc(), *reaped = NULL;
	struct waiter w = { .task = NULL };
	int ret;

	for (;;) {
		wq_prepare(&p->child_wq, &w, TASK_INTERRUPTIBLE);
		mutex_lock(&proc_lock);
		ret = wait_scan(p, pid, options, res, &reaped);
		mutex_unlock(&proc_lock);
		if (ret != 0 || (options & KWNOHANG))
			break;
		if (signal_pending()) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	wq_finish(&p->child_wq, &w);
	if (reaped != NULL)
		process_put(reaped);
	return ret;
}

/* Fill a struct rusage with the times of r (others zero). */
static int
wait_copy_rusage(uintptr_t uru, const struct wait_result *r)
{
	struct krusage ru;

	if (uru == 0)
		return 0;
	memset(&ru, 0, sizeof(ru));
	ru.ru_utime.tv_sec = (int64_t)(r->utime_ns / NSEC_PER_SEC);
	ru.ru_utime.tv_usec = (int64_t)(r->utime_ns % NSEC_PER_SEC / 1000);
	ru.ru_stime.tv_sec = (int64_t)(r->stime_ns / NSEC_PER_SEC);
	ru.ru_stime.tv_usec = (int64_t)(r->stime_ns % NSEC_PER_SEC / 1000);
	return copyout(uru, &ru, sizeof(ru));
}

SYSCALL_DEFINE4(wait4, int, pid, uintptr_t, ustatus, unsigned int, options,
		uintptr_t, urusage)
{
	struct wait_result r;
	int ret;

	if (options & ~(KWNOHANG | KWUNTRACED | KWCONTINUED | KWNOTHREAD |
			KWALL | KWCLONE))
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;
	ret = wait_child(pid, (options & (KWNOHANG | KWUNTRACED |
					  KWCONTINUED)) | KWEXITED, &r);
	if (ret <= 0)
		return ret;
	if (ustatus != 0 && copyout(ustatus, &r.status, sizeof(int)) != 0)
		return -EFAULT;
	if (wait_copy_rusage(urusage, &r) != 0)
		return -EFAULT;
	return r.pid;
}

/* siginfo for waitid from a zombie's status. */
static void
wait_fill_siginfo(struct ksiginfo_chld *si, const struct wait_result *r)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = KSIGCHLD;
	si->si_pid = r->pid;
	si->si_uid = r->uid;
	si->si_code = r->code;
	if (r->code == KCLD_EXITED)
		si->si_status = (r->status >> 8) & 0xff;
	else if (r->code == KCLD_STOPPED)
		si->si_status = (r->status >> 8) & 0xff;
	else if (r->code == KCLD_CONTINUED)
		si->si_status = KSIGCONT;
	else
		si->si_status = r->status & 0x7f;
	si->si_utime = (int64_t)(r->utime_ns / (NSEC_PER_SEC / 100));
	si->si_stime = (int64_t)(r->stime_ns / (NSEC_PER_SEC / 100));
}

SYSCALL_DEFINE5(waitid, int, idtype, int, id, uintptr_t, uinfo,
		unsigned int, options, uintptr_t, urusage)
{
	struct ksiginfo_chld si;
	struct wait_result r;
	int pid, ret;

	if (options & ~(KWNOHANG | KWSTOPPED | KWEXITED | KWCONTINUED |
			KWNOWAIT | KWNOTHREAD | KWALL | KWCLONE))
		return -EINVAL;
	if (!(options & (KWEXITED | KWSTOPPED | KWCONTINUED)))
		return -EINVAL;
	if (idtype == KP_ALL)
		pid = -1;
	else if (idtype == KP_PID && id > 0)
		pid = id;
	else if (idtype == KP_PGID && id >= 0)
		pid = id == 0 ? 0 : -id;
	else
		return -EINVAL;
	ret = wait_child(pid, options, &r);
	if (ret < 0)
		return ret;
	if (ret == 0)
		memset(&si, 0, sizeof(si));
	else
		wait_fill_siginfo(&si, &r);
	if (uinfo != 0 && copyout(uinfo, &si, sizeof(si)) != 0)
		return -EFAULT;
	if (ret > 0 && wait_copy_rusage(urusage, &r) != 0)
		return -EFAULT;
	return 0;
}
