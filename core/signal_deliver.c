/*
 * Delivery of signals on the way back to user mode, as Linux does it on
 * x86-64: the next deliverable signal is taken off the thread's and then
 * the process's pending set; its action is to ignore it, to stop the
 * process (a group stop, reported to the parent), to end the process, or
 * to run a handler.  A handler gets an rt_sigframe on the guest stack
 * (or the alternate one): the return address (sa_restorer), a ucontext
 * with the registers, the signal mask and the FP state, and the siginfo.
 * rt_sigreturn takes it all back.  An interrupted system call's
 * -ERESTART* result becomes -EINTR or a restart here.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"

#define KSS_ONSTACK	1
#define KSS_DISABLE	2
#define KMINSIGSTKSZ	2048

#define KUC_FP_XSTATE		1
#define KUC_SIGCONTEXT_SS	2
#define KUC_STRICT_RESTORE_SS	4

#define EFLAGS_TF	0x100
#define EFLAGS_DF	0x400
#define EFLAGS_RF	0x10000
/* What sigreturn may change: CF PF AF ZF SF TF DF OF RF AC. */
#define EFLAGS_FIX	0x40dd5
#define SYSCALL_INSN_LEN	2
#define NR_restart_syscall	219

#define USER_CS		0x33
#define USER_SS		0x2b

/* Linux's struct sigcontext (x86-64). */
struct ksigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct ksigcontext) == 256, "struct sigcontext");

struct kucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct kstack_user uc_stack;
	struct ksigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct krt_sigframe {
	uint64_t pretcode;
	struct kucontext uc;
	struct ksiginfo info;
};
_Static_assert(sizeof(struct krt_sigframe) == 440, "struct rt_sigframe");

/* ---- the alternate stack ---- */

/* Is sp on t's alternate stack? */
static bool
on_sig_stack(const struct task *t, uint64_t sp)
{
	return t->sas_size != 0 && sp > t->sas_sp &&
	       sp - t->sas_sp <= t->sas_size;
}

/* sigaltstack's flags for t at sp. */
static int
sas_flags(const struct task *t, uint64_t sp)
{
	if (t->sas_size == 0)
		return KSS_DISABLE;
	return on_sig_stack(t, sp) ? KSS_ONSTACK : 0;
}

long
signal_altstack(const struct kstack_user *ss, struct kstack_user *old,
		uint64_t sp)
{
	struct task *t = current;

	if (old != NULL) {
		old->ss_sp = t->sas_sp;
		old->ss_flags = sas_flags(t, sp);
		old->ss_size = t->sas_size;
	}
	if (ss == NULL)
		return 0;
	if (on_sig_stack(t, sp))
		return -EPERM;
	if (ss->ss_flags != 0 && ss->ss_flags != KSS_DISABLE &&
	    ss->ss_flags != KSS_ONSTACK)
		return -EINVAL;
	if (ss->ss_flags == KSS_DISABLE) {
		t->sas_sp = 0;
		t->sas_size = 0;
		return 0;
	}
	if (ss->ss_size < KMINSIGSTKSZ)
		return -ENOMEM;
	t->sas_sp = ss->ss_sp;
	t->sas_size = ss->ss_size;
	return 0;
}

/* ---- system call restarts ---- */

static bool
is_restart(long ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	       ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK;
}

/* Make the guest issue the call again. */
static void
restart_call(struct user_regs *r, uint64_t nr)
{
	r->rax = nr;
	r->rip -= SYSCALL_INSN_LEN;
}

/* No handler runs: every interrupted call is restarted. */
static void
restart_no_handler(struct task *t)
{
	long ret = (long)t->regs.rax;

	if (!t->in_syscall)
		return;
	t->in_syscall = false;
	if (!is_restart(ret))
		return;
	if (ret == -ERESTART_RESTARTBLOCK)
		restart_call(&t->regs, NR_restart_syscall);
	else
		restart_call(&t->regs, t->regs.orig_rax);
}

/* A handler runs: restart or fail with -EINTR, as its flags say. */
static void
restart_handler(struct task *t, const struct ksigaction *sa)
{
	long ret = (long)t->regs.rax;

	if (!t->in_syscall)
		return;
	t->in_syscall = false;
	if (ret == -ERESTARTNOINTR ||
	    (ret == -ERESTARTSYS && (sa->flags & KSA_RESTART)))
		restart_call(&t->regs, t->regs.orig_rax);
	else if (is_restart(ret))
		t->regs.rax = (uint64_t)-EINTR;
}

/* ---- the frame ---- */

static void
sigcontext_fill(struct ksigcontext *sc, const struct user_regs *r)
{
	sc->r8 = r->r8;
	sc->r9 = r->r9;
	sc->r10 = r->r10;
	sc->r11 = r->r11;
	sc->r12 = r->r12;
	sc->r13 = r->r13;
	sc->r14 = r->r14;
	sc->r15 = r->r15;
	sc->rdi = r->rdi;
	sc->rsi = r->rsi;
	sc->rbp = r->rbp;
	sc->rbx = r->rbx;
	sc->rdx = r->rdx;
	sc->rax = r->rax;
	sc->rcx = r->rcx;
	sc->rsp = r->rsp;
	sc->rip = r->rip;
	sc->eflags = r->eflags;
	sc->cs = USER_CS;
	sc->ss = USER_SS;
}

static void
sigcontext_restore(struct user_regs *r, const struct ksigcontext *sc)
{
	r->r8 = sc->r8;
	r->r9 = sc->r9;
	r->r10 = sc->r10;
	r->r11 = sc->r11;
	r->r12 = sc->r12;
	r->r13 = sc->r13;
	r->r14 = sc->r14;
	r->r15 = sc->r15;
	r->rdi = sc->rdi;
	r->rsi = sc->rsi;
	r->rbp = sc->rbp;
	r->rbx = sc->rbx;
	r->rdx = sc->rdx;
	r->rax = sc->rax;
	r->rcx = sc->rcx;
	r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->eflags = (r->eflags & ~(uint64_t)EFLAGS_FIX) |
		    (sc->eflags & EFLAGS_FIX);
	r->orig_rax = (uint64_t)-1;
}

/* Where the frame goes: below the red zone, or on the alternate stack. */
static int
frame_place(struct task *t, const struct ksigaction *sa, size_t fpsize,
	    uint64_t *frame, uint64_t *fpstate)
{
	uint64_t sp = t->regs.rsp - 128;
	bool onstack = on_sig_stack(t, t->regs.rsp);

	if ((sa->flags & KSA_ONSTACK) && t->sas_size != 0 && !onstack) {
		sp = t->sas_sp + t->sas_size;
		onstack = true;
	}
	sp = (sp - fpsize) & ~63ULL;
	*fpstate = sp;
	sp = ((sp - sizeof(struct krt_sigframe)) & ~15ULL) - 8;
	if (onstack && !on_sig_stack(t, sp))
		return -EFAULT;	/* the alternate stack overflowed */
	*frame = sp;
	return 0;
}

/* Write the FP state at ufp; its size in *size.  0 or -errno. */
static int
frame_write_fpu(struct task *t, uint64_t ufp)
{
	void *buf = kmalloc(ARCH_FPU_SIZE);
	long n;
	int err;

	if (buf == NULL)
		return -ENOMEM;
	n = user_fpu_get(t, buf, ARCH_FPU_SIZE);
	err = n < 0 ? (int)n : copyout(ufp, buf, (size_t)n);
	kfree(buf);
	return err;
}

/* Build the rt_sigframe for sig and point the registers at the handler. */
static int
frame_setup(struct task *t, int sig, const struct ksiginfo *info,
	    const struct ksigaction *sa, uint64_t oldmask)
{
	struct user_regs *r = &t->regs;
	struct krt_sigframe f;
	size_t fpsize = user_fpu_frame_size(t);
	uint64_t uframe, ufp;

	if (!(sa->flags & KSA_RESTORER))
		return -EFAULT;		/* x86-64 requires a restorer */
	if (frame_place(t, sa, fpsize, &uframe, &ufp) != 0)
		return -EFAULT;
	memset(&f, 0, sizeof(f));
	f.pretcode = sa->restorer;
	f.uc.uc_flags = KUC_SIGCONTEXT_SS | KUC_STRICT_RESTORE_SS |
			(fpsize > 512 ? KUC_FP_XSTATE : 0);
	f.uc.uc_stack.ss_sp = t->sas_sp;
	f.uc.uc_stack.ss_flags = sas_flags(t, r->rsp);
	f.uc.uc_stack.ss_size = t->sas_size;
	sigcontext_fill(&f.uc.uc_mcontext, r);
	f.uc.uc_mcontext.oldmask = oldmask;
	f.uc.uc_mcontext.fpstate = ufp;
	if (KSIG_BIT(sig) & SIG_SYNC)
		f.uc.uc_mcontext.cr2 = info->fault.addr;
	f.uc.uc_sigmask = oldmask;
	f.info = *info;
	if (frame_write_fpu(t, ufp) != 0 ||
	    copyout(uframe, &f, sizeof(f)) != 0)
		return -EFAULT;
	r->rdi = (uint64_t)sig;
	r->rsi = uframe + offsetof(struct krt_sigframe, info);
	r->rdx = uframe + offsetof(struct krt_sigframe, uc);
	r->rax = 0;
	r->rsp = uframe;
	r->rip = sa->handler;
	r->eflags &= ~(uint64_t)(EFLAGS_DF | EFLAGS_TF | EFLAGS_RF);
	/* The handler starts with clean FP registers, as on Linux. */
	user_fpu_reset(t);
	return 0;
}

/* Run sa's handler for sig; false if its frame could not be written. */
static bool
handle_signal(struct task *t, int sig, const struct ksiginfo *info,
	      const struct ksigaction *sa)
{
	uint64_t oldmask = t->restore_sigmask ? t->saved_sigmask
					      : t->sig_blocked;

	restart_handler(t, sa);
	if (frame_setup(t, sig, info, sa, oldmask) != 0)
		return false;
	t->restore_sigmask = false;
	t->sig_blocked |= sa->mask;
	if (!(sa->flags & KSA_NODEFER))
		t->sig_blocked |= KSIG_BIT(sig);
	t->sig_blocked &= ~KSIG_UNBLOCKABLE;
	return true;
}

/* The frame for sig could not be written: SIGSEGV, fatal if it was. */
static void
frame_fault(struct task *t, int sig)
{
	struct process *p = t->proc;

	pr_info("%s[%d]: bad signal frame for signal %d at sp %llx\n",
		t->comm, t->tid, sig, (unsigned long long)t->regs.rsp);
	mutex_lock(&proc_lock);
	if (sig == KSIGSEGV)
		p->sigactions[KSIGSEGV - 1].handler = KSIG_DFL;
	mutex_unlock(&proc_lock);
	force_signal(KSIGSEGV, KSI_KERNEL, 0);
}

/* ---- stops ---- */

/* Stop p for sig (proc_lock held); the caller then sleeps. */
static void
group_stop(struct process *p, int sig)
{
	struct task *t;

	p->stopped = true;
	nr_stopped++;
	p->stop_sig = sig;
	p->stop_report = true;
	p->cont_report = false;
	signal_notify_parent(p, KCLD_STOPPED, sig);
	list_for_each_entry(t, &p->threads, thread_node)
		if (t->state == TASK_INTERRUPTIBLE)
			sched_wake(t);
}

/* Sleep while p is stopped (until SIGCONT or SIGKILL). */
static void
stop_sleep(struct process *p)
{
	struct waiter w = { .task = NULL };

	for (;;) {
		wq_prepare(&p->stop_wq, &w, TASK_INTERRUPTIBLE);
		if (!READ_ONCE(p->stopped) || READ_ONCE(p->exiting))
			break;
		schedule();
	}
	wq_finish(&p->stop_wq, &w);
}

/* ---- taking the next signal ---- */

/* The next deliverable signal of t (proc_lock held), 0 if none. */
static int
dequeue(struct task *t, struct ksiginfo *info)
{
	struct process *p = t->proc;
	uint64_t mine = t->sig_pending & ~t->sig_blocked;
	uint64_t shared = p->sig_pending & ~t->sig_blocked;

	if (mine & SIG_SYNC)
		mine &= SIG_SYNC;
	if (mine != 0)
		return sig_take(&t->sig_pending, &t->sig_queue,
				__builtin_ctzll(mine) + 1, info);
	if (shared != 0)
		return sig_take(&p->sig_pending, &p->sig_queue,
				__builtin_ctzll(shared) + 1, info);
	return 0;
}

enum deliver_step { STEP_DONE, STEP_AGAIN, STEP_STOP, STEP_DIE,
		    STEP_HANDLER };

/* Decide what the next pending signal does (proc_lock held). */
static enum deliver_step
deliver_one(struct task *t, int *sig, struct ksiginfo *info,
	    struct ksigaction *sa)
{
	struct process *p = t->proc;

	if (p->exiting)
		return STEP_DONE;
	if (p->stopped)
		return STEP_STOP;
	*sig = dequeue(t, info);
	if (*sig == 0)
		return STEP_DONE;
	*sa = p->sigactions[*sig - 1];
	if (sa->handler == KSIG_IGN)
		return STEP_AGAIN;
	if (sa->handler != KSIG_DFL) {
		if (sa->flags & KSA_RESETHAND)
			p->sigactions[*sig - 1].handler = KSIG_DFL;
		return STEP_HANDLER;
	}
	if (sig_default_ignored(*sig) || p == init_process)
		return STEP_AGAIN;
	if (sig_default_stops(*sig)) {
		/* An orphaned group is not stopped by the terminal. */
		if (*sig != KSIGSTOP && sig_pgrp_orphaned_locked(p->pgid))
			return STEP_AGAIN;
		group_stop(p, *sig);
		return STEP_STOP;
	}
	return STEP_DIE;
}

void
signal_deliver(void)
{
	struct task *t = current;
	struct process *p = t->proc;
	struct ksiginfo info;
	struct ksigaction sa;
	int sig = 0;

	if (!signal_pending() && !t->restore_sigmask) {
		restart_no_handler(t);
		return;
	}
	for (;;) {
		enum deliver_step step;

		mutex_lock(&proc_lock);
		step = deliver_one(t, &sig, &info, &sa);
		mutex_unlock(&proc_lock);
		if (step == STEP_DONE)
			break;
		if (step == STEP_STOP)
			stop_sleep(p);
		else if (step == STEP_DIE)
			do_exit_group(sig);	/* no core is written */
		else if (step == STEP_HANDLER && !handle_signal(t, sig, &info,
							       &sa))
			frame_fault(t, sig);
	}
	restart_no_handler(t);
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		t->sig_blocked = t->saved_sigmask;
	}
}

/* ---- rt_sigreturn ---- */

/* Load the FP state the frame points at (0: the initial state). */
static int
sigreturn_fpu(struct task *t, uint64_t ufp)
{
	size_t size = user_fpu_frame_size(t);
	void *buf;
	int err;

	if (ufp == 0) {
		user_fpu_reset(t);
		return 0;
	}
	buf = kmalloc(ARCH_FPU_SIZE);
	if (buf == NULL)
		return -ENOMEM;
	err = size > ARCH_FPU_SIZE ? -EFAULT : copyin(buf, ufp, size);
	if (err == 0)
		err = user_fpu_set(t, buf, size);
	kfree(buf);
	return err;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct task *t = current;
	struct kucontext uc;
	struct kstack_user ss;
	uint64_t uframe = t->regs.rsp - 8;

	t->in_syscall = false;
	if (copyin(&uc, uframe + offsetof(struct krt_sigframe, uc),
		   sizeof(uc)) != 0)
		goto bad;
	sigcontext_restore(&t->regs, &uc.uc_mcontext);
	t->sig_blocked = uc.uc_sigmask & ~KSIG_UNBLOCKABLE;
	if (sigreturn_fpu(t, uc.uc_mcontext.fpstate) != 0)
		goto bad;
	ss.ss_sp = uc.uc_stack.ss_sp;
	ss.ss_flags = uc.uc_stack.ss_flags;
	ss.ss_size = uc.uc_stack.ss_size;
	signal_altstack(&ss, NULL, t->regs.rsp);
	return (long)t->regs.rax;
bad:
	pr_info("%s[%d]: bad frame in rt_sigreturn at %llx\n", t->comm,
		t->tid, (unsigned long long)uframe);
	force_signal(KSIGSEGV, KSI_KERNEL, 0);
	return (long)t->regs.rax;
}
