/*
 * The signal system calls: dispositions and masks (rt_sigaction,
 * rt_sigprocmask, sigaltstack), sending (kill, tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo), waiting (pause, rt_sigsuspend,
 * rt_sigtimedwait, rt_sigpending) and restart_syscall; and what fork,
 * exec and exit do to a process's signal state.  Sending and delivery
 * are core/signal.c and core/signal_deliver.c.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/timer.h"
#include "fs/vfs.h"

#define KSIG_BLOCK	0
#define KSIG_UNBLOCK	1
#define KSIG_SETMASK	2

/* ---- fork, exec, exit ---- */

void
signal_fork(struct task *t, bool thread)
{
	struct task *cur = current;

	t->sig_blocked = cur->sig_blocked;
	if (thread)
		return;	/* a thread starts without an alternate stack */
	t->sas_sp = cur->sas_sp;
	t->sas_size = cur->sas_size;
}

void
signal_exec(void)
{
	struct process *p = current_proc();

	mutex_lock(&proc_lock);
	for (int i = 0; i < NSIG; i++) {
		struct ksigaction *sa = &p->sigactions[i];

		if (sa->handler > KSIG_IGN)
			sa->handler = KSIG_DFL;
		sa->flags = 0;
		sa->restorer = 0;
		sa->mask = 0;
	}
	mutex_unlock(&proc_lock);
	current->sas_sp = 0;
	current->sas_size = 0;
}

void
signal_exit_task(struct task *t)
{
	mutex_lock(&proc_lock);
	sigqueue_flush_task(t);
	mutex_unlock(&proc_lock);
}

void
signal_exit_process(struct process *p)
{
	ktimer_del(&p->itimer);
	mutex_lock(&proc_lock);
	sig_flush_process(p, ~0ULL);
	mutex_unlock(&proc_lock);
}

/* ---- dispositions and masks ---- */

SYSCALL_DEFINE4(rt_sigaction, int, sig, uintptr_t, uact, uintptr_t, uoact,
		size_t, sigsetsize)
{
	struct process *p = current_proc();
	struct ksigaction act, old;

	if (sigsetsize != sizeof(uint64_t) || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (uact != 0 && copyin(&act, uact, sizeof(act)) != 0)
		return -EFAULT;
	if (uact != 0 && (sig == KSIGKILL || sig == KSIGSTOP))
		return -EINVAL;
	mutex_lock(&proc_lock);
	old = p->sigactions[sig - 1];
	if (uact != 0) {
		act.mask &= ~KSIG_UNBLOCKABLE;
		p->sigactions[sig - 1] = act;
		/* POSIX: setting a pending signal to ignored discards it. */
		if (act.handler == KSIG_IGN ||
		    (act.handler == KSIG_DFL && sig_default_ignored(sig)))
			sig_flush_process(p, KSIG_BIT(sig));
	}
	mutex_unlock(&proc_lock);
	if (uoact != 0 && copyout(uoact, &old, sizeof(old)) != 0)
		return -EFAULT;
	return 0;
}

/* Apply how/set to the current thread's mask. */
static int
sigmask_change(int how, uint64_t set)
{
	struct task *t = current;

	set &= ~KSIG_UNBLOCKABLE;
	if (how == KSIG_BLOCK)
		t->sig_blocked |= set;
	else if (how == KSIG_UNBLOCK)
		t->sig_blocked &= ~set;
	else if (how == KSIG_SETMASK)
		t->sig_blocked = set;
	else
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uintptr_t, uset, uintptr_t, uoset,
		size_t, sigsetsize)
{
	uint64_t set, old = current->sig_blocked;
	int err;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (uset != 0) {
		if (copyin(&set, uset, sizeof(set)) != 0)
			return -EFAULT;
		err = sigmask_change(how, set);
		if (err)
			return err;
	}
	if (uoset != 0 && copyout(uoset, &old, sizeof(old)) != 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, uintptr_t, uss, uintptr_t, uoss)
{
	struct kstack_user ss, old;
	long err;

	if (uss != 0 && copyin(&ss, uss, sizeof(ss)) != 0)
		return -EFAULT;
	err = signal_altstack(uss != 0 ? &ss : NULL, &old, current->regs.rsp);
	if (err == 0 && uoss != 0 && copyout(uoss, &old, sizeof(old)) != 0)
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(rt_sigpending, uintptr_t, uset, size_t, sigsetsize)
{
	struct process *p = current_proc();
	uint64_t set;

	if (sigsetsize > sizeof(uint64_t))
		return -EINVAL;
	mutex_lock(&proc_lock);
	set = (current->sig_pending | p->sig_pending) & current->sig_blocked;
	mutex_unlock(&proc_lock);
	return copyout(uset, &set, sigsetsize) != 0 ? -EFAULT : 0;
}

/* ---- sending ---- */

/* May the caller signal p with sig? (Linux's check_kill_permission) */
static int
kill_permitted(struct process *p, int sig)
{
	const struct cred *me = current_cred();
	const struct cred *them;
	struct task *leader;
	bool ok;

	if (me->euid == 0)
		return 0;
	mutex_lock(&proc_lock);
	ok = sig == KSIGCONT && p->sid == current_proc()->sid;
	leader = list_empty(&p->threads) ? NULL :
		 list_first_entry(&p->threads, struct task, thread_node);
	them = leader != NULL ? leader->cred : NULL;
	if (them != NULL &&
	    (me->euid == them->uid || me->euid == them->suid ||
	     me->uid == them->uid || me->uid == them->suid))
		ok = true;
	mutex_unlock(&proc_lock);
	return ok ? 0 : -EPERM;
}

/* The siginfo of kill() and friends from the caller. */
static void
info_user(struct ksiginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = code;
	info->rt.pid = current_proc()->pid;
	info->rt.uid = current_cred()->uid;
}

/* Send info to p (t: that thread) after the permission check. */
static int
kill_one(struct process *p, struct task *t, int sig,
	 const struct ksiginfo *info)
{
	int err = kill_permitted(p, sig);

	if (err == 0 && sig != 0)
		err = send_signal_info(p, t, sig, info);
	return err;
}

/* kill() for a group or everyone: 0 if any was signalled. */
static int
kill_many(int pgid, int sig, bool all, const struct ksiginfo *info)
{
	struct process *self = current_proc();
	int found = 0, err = -ESRCH;

	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find(pid);

		if (q == NULL)
			continue;
		if (q->state == PROC_ALIVE &&
		    (all ? q != self && pid != 1 : q->pgid == pgid)) {
			int e = kill_one(q, NULL, sig, info);

			found += e == 0;
			err = e;
		}
		process_put(q);
	}
	return found ? 0 : err;
}

/* kill(2) and rt_sigqueueinfo(2): pid as kill takes it. */
static long
do_kill(int pid, int sig, const struct ksiginfo *info)
{
	struct process *p;
	int err;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;	/* as Linux: -pid would overflow */
	if (pid == -1)
		return kill_many(0, sig, true, info);
	if (pid <= 0)
		return kill_many(pid == 0 ? current_proc()->pgid : -pid, sig,
				 false, info);
	p = process_find(pid);
	if (p == NULL)
		return -ESRCH;
	err = p->state == PROC_ALIVE ? kill_one(p, NULL, sig, info) : 0;
	process_put(p);
	return err;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct ksiginfo info;

	info_user(&info, sig, KSI_USER);
	return do_kill(pid, sig, &info);
}

/* The thread tid (of tgid if > 0), referenced with its process. */
static struct task *
thread_find(int tgid, int tid, struct process **pp)
{
	struct task *found = NULL;

	mutex_lock(&proc_lock);
	for (int pid = 1; pid < TID_MAX && found == NULL; pid++) {
		struct process *q = process_find_locked(pid);
		struct task *t;

		if (q == NULL || (tgid > 0 && q->pid != tgid))
			continue;
		list_for_each_entry(t, &q->threads, thread_node) {
			if (t->tid == tid) {
				found = t;
				*pp = q;
			}
		}
	}
	if (found != NULL) {
		(*pp)->refcount++;
		task_get(found);
	}
	mutex_unlock(&proc_lock);
	return found;
}

/* tkill, tgkill, rt_tgsigqueueinfo: to one thread. */
static long
do_tkill(int tgid, int tid, int sig, const struct ksiginfo *info)
{
	struct process *p;
	struct task *t;
	int err;

	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	t = thread_find(tgid, tid, &p);
	if (t == NULL)
		return -ESRCH;
	err = kill_one(p, t, sig, info);
	task_put(t);
	process_put(p);
	return err;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct ksiginfo info;

	info_user(&info, sig, KSI_TKILL);
	return do_tkill(0, tid, sig, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct ksiginfo info;

	if (tgid <= 0)
		return -EINVAL;
	info_user(&info, sig, KSI_TKILL);
	return do_tkill(tgid, tid, sig, &info);
}

/* A siginfo from the caller for sigqueue: may it claim that code? */
static int
info_from_user(struct ksiginfo *info, uintptr_t uinfo, int sig, int pid)
{
	if (copyin(info, uinfo, sizeof(*info)) != 0)
		return -EFAULT;
	/* Only the kernel sends SI_USER, SI_KERNEL and SI_TKILL to others. */
	if ((info->code >= 0 || info->code == KSI_TKILL) &&
	    pid != current_proc()->pid)
		return -EPERM;
	info->signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, uintptr_t, uinfo)
{
	struct ksiginfo info;
	int err = info_from_user(&info, uinfo, sig, pid);

	if (err)
		return err;
	if (pid <= 0)
		return -EINVAL;
	return do_kill(pid, sig, &info);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		uintptr_t, uinfo)
{
	struct ksiginfo info;
	int err = info_from_user(&info, uinfo, sig, tgid);

	if (err)
		return err;
	if (tgid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig, &info);
}

/* ---- waiting ---- */

/* Sleep until a signal is pending. */
static void
sleep_for_signal(void)
{
	unsigned long s;

	for (;;) {
		s = arch_intr_save();
		current->state = TASK_INTERRUPTIBLE;
		if (signal_pending())
			break;
		schedule();
		arch_intr_restore(s);
	}
	current->state = TASK_RUNNING;
	arch_intr_restore(s);
}

SYSCALL_DEFINE0(pause)
{
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE2(rt_sigsuspend, uintptr_t, umask, size_t, sigsetsize)
{
	struct task *t = current;
	uint64_t mask;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copyin(&mask, umask, sizeof(mask)) != 0)
		return -EFAULT;
	/* The old mask comes back once a handler has been set up. */
	t->saved_sigmask = t->sig_blocked;
	t->restore_sigmask = true;
	t->sig_blocked = mask & ~KSIG_UNBLOCKABLE;
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

int
sigwait_take(uint64_t set, struct ksiginfo *info)
{
	struct task *t = current;
	struct process *p = t->proc;
	uint64_t mine, shared;
	int sig = 0;

	mutex_lock(&proc_lock);
	mine = t->sig_pending & set;
	shared = p->sig_pending & set;
	if (mine != 0)
		sig = sig_take(&t->sig_pending, &t->sig_queue,
			       __builtin_ctzll(mine) + 1, info);
	else if (shared != 0)
		sig = sig_take(&p->sig_pending, &p->sig_queue,
			       __builtin_ctzll(shared) + 1, info);
	mutex_unlock(&proc_lock);
	return sig;
}

/* The deadline of sigtimedwait's timeout; UINT64_MAX: none. */
static int
sigwait_deadline(uintptr_t uts, uint64_t *deadline)
{
	struct ktimespec ts;

	*deadline = UINT64_MAX;
	if (uts == 0)
		return 0;
	if (copyin(&ts, uts, sizeof(ts)) != 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	*deadline = ktime_ns() + (uint64_t)ts.tv_sec * NSEC_PER_SEC +
		    (uint64_t)ts.tv_nsec;
	return 0;
}

SYSCALL_DEFINE4(rt_sigtimedwait, uintptr_t, uset, uintptr_t, uinfo,
		uintptr_t, uts, size_t, sigsetsize)
{
	struct task *t = current;
	struct ksiginfo info;
	uint64_t set, deadline;
	int sig, err;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copyin(&set, uset, sizeof(set)) != 0)
		return -EFAULT;
	set &= ~KSIG_UNBLOCKABLE;
	err = sigwait_deadline(uts, &deadline);
	if (err)
		return err;
	sig = sigwait_take(set, &info);
	if (sig == 0 && deadline > ktime_ns()) {
		/* Unblocked while we wait, but never fatal: real_blocked. */
		t->real_blocked = t->sig_blocked;
		t->sig_blocked &= ~set;
		ksleep_until(deadline);
		t->sig_blocked = t->real_blocked;
		t->real_blocked = 0;
		sig = sigwait_take(set, &info);
	}
	if (sig == 0)
		return signal_pending() ? -EINTR : -EAGAIN;
	if (uinfo != 0 && copyout(uinfo, &info, sizeof(info)) != 0)
		return -EFAULT;
	return sig;
}

SYSCALL_DEFINE0(restart_syscall)
{
	struct task *t = current;
	long (*fn)(struct task *t) = t->restart_fn;

	t->restart_fn = NULL;
	return fn != NULL ? fn(t) : -EINTR;
}
