/*
 * Running guest code: the loop every guest thread lives in.  It runs the
 * thread's registers in its address space's stub with arch_run_user()
 * and handles what comes back: a system call (the table in
 * core/syscall_table.c), a page fault (core/pgtable.c via mm_fault), a
 * CPU exception (a signal), a preemption, or the stub's death.  Also the
 * pool of pre-started stubs that keeps fork and exec off the host's
 * process creation.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/kthread.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/timer.h"
#include "core/trap.h"

/* ---- the stub pool ---- */

#define STUB_POOL_SIZE	8	/* stubs kept for reuse */
#define STUB_POOL_MIN	2	/* kstubd starts new ones below this */

static struct arch_user *stub_pool[STUB_POOL_SIZE];	/* [i] */
static int stub_pool_count;				/* [i] */
static struct task *stub_pool_task;			/* [I] the filler */
static struct wait_queue stub_pool_wq = WAIT_QUEUE_INIT(stub_pool_wq);
static bool stub_deaths;				/* [i] trap_user() */

void
trap_user(void)
{
	stub_deaths = true;
	wq_wake_all(&stub_pool_wq);
}

/*
 * Stubs died on the host: SIGKILL the processes that ran in them, so
 * that even one asleep in the kernel ends now.
 */
static void
stub_reap_deaths(void)
{
	unsigned long s = arch_intr_save();

	stub_deaths = false;
	arch_intr_restore(s);
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *p = process_find(pid);
		bool dead;

		if (p == NULL)
			continue;
		mutex_lock(&proc_lock);
		dead = p->state == PROC_ALIVE && p->mm != NULL &&
		       p->mm->user != NULL && arch_user_dead(p->mm->user);
		mutex_unlock(&proc_lock);
		if (dead) {
			pr_warn("%s[%d]: its stub died on the host: killed\n",
				p->comm, p->pid);
			send_signal(p, KSIGKILL);
		}
		process_put(p);
	}
}

/* Take a stub from the pool; NULL if it is empty. */
static struct arch_user *
stub_pool_take(void)
{
	struct arch_user *u = NULL;
	unsigned long s = arch_intr_save();

	/* The oldest: a used stub's last guest has had time to park. */
	if (stub_pool_count > 0) {
		u = stub_pool[0];
		memmove(&stub_pool[0], &stub_pool[1],
			--stub_pool_count * sizeof(stub_pool[0]));
	}
	arch_intr_restore(s);
	if (stub_pool_task != NULL && READ_ONCE(stub_pool_count) <
				      STUB_POOL_MIN)
		wq_wake_all(&stub_pool_wq);
	return u;
}

/* Put u in the pool; false if it is full. */
static bool
stub_pool_add(struct arch_user *u)
{
	unsigned long s = arch_intr_save();
	bool added = stub_pool_count < STUB_POOL_SIZE;

	if (added)
		stub_pool[stub_pool_count++] = u;
	arch_intr_restore(s);
	return added;
}

/* The pool's kernel thread: keep STUB_POOL_MIN stubs ready. */
static int
stub_pool_fill(void *arg)
{
	(void)arg;
	for (;;) {
		struct arch_user *u;

		wait_event(&stub_pool_wq,
			   READ_ONCE(stub_pool_count) < STUB_POOL_MIN ||
			   READ_ONCE(stub_deaths));
		if (READ_ONCE(stub_deaths)) {
			stub_reap_deaths();
			continue;
		}
		if (arch_user_create(&u) != 0) {
			msleep(100);	/* the host refuses: try later */
			continue;
		}
		if (!stub_pool_add(u))
			arch_user_destroy(u);
	}
	return 0;
}

int
user_stub_get(struct arch_user **out)
{
	struct arch_user *u;

	while ((u = stub_pool_take()) != NULL) {
		if (arch_user_claim(u) == 0) {
			*out = u;
			return 0;
		}
		/* Killed on the host while idle, or its last guest is not
		 * where it must be. */
		arch_user_destroy(u);
	}
	if (stub_pool_task == NULL)
		kthread_create(&stub_pool_task, stub_pool_fill, NULL,
			       "kstubd");
	return arch_user_create(out);
}

/*
 * The address space u served is gone: keep the stub for the next one
 * (emptied, initial FP state) unless the pool is full or it is dead.
 * Starting a stub is a host fork and exec; reusing one costs an munmap.
 */
void
user_stub_put(struct arch_user *u)
{
	if (arch_user_reset(u) != 0 || !stub_pool_add(u))
		arch_user_destroy(u);
}

/* ---- FP registers of threads sharing a stub ---- */

/*
 * The stub's signal frame holds the FP registers of the thread that ran
 * in it last (mm->fpu_owner).  Threads of one address space, and a vfork
 * child, take turns there: each has a buffer (t->fpu) where its
 * registers wait while another runs.  A thread alone in its mm never
 * copies anything.
 */
int
user_fpu_share(struct task *child)
{
	struct task *t = current;
	struct mm *mm = t->proc->mm;

	if (t->fpu == NULL)
		t->fpu = kmalloc(ARCH_FPU_SIZE);
	child->fpu = kmalloc(ARCH_FPU_SIZE);
	if (t->fpu == NULL || child->fpu == NULL) {
		kfree(child->fpu);
		child->fpu = NULL;
		return -ENOMEM;
	}
	/* The caller just trapped: its registers are in the frame. */
	mm->fpu_owner = t;
	if (arch_user_fpu_save(mm->user, child->fpu) != 0) {
		/* An unusual frame: the child shares what the stub has. */
		kfree(child->fpu);
		child->fpu = NULL;
	}
	return 0;
}

void
user_mm_leave(struct task *t, struct mm *mm)
{
	unsigned long s = arch_intr_save();

	t->last_user = NULL;	/* the stub may go with mm */
	arch_intr_restore(s);
	if (mm != NULL && mm->fpu_owner == t)
		mm->fpu_owner = NULL;
	kfree(t->fpu);
	t->fpu = NULL;
}

/* Before t runs in mm's stub: put its FP registers in the frame. */
static void
user_fpu_switch(struct task *t, struct mm *mm)
{
	struct task *old = mm->fpu_owner;

	if (old == t)
		return;
	if (old != NULL && old->fpu != NULL &&
	    arch_user_fpu_save(mm->user, old->fpu) != 0) {
		kfree(old->fpu);	/* cannot happen: the frame fitted */
		old->fpu = NULL;
	}
	if (t->fpu != NULL)
		arch_user_fpu_load(mm->user, t->fpu);
	mm->fpu_owner = t;
}

/* FP registers for signal frames: t's, brought into its stub first. */
size_t
user_fpu_frame_size(struct task *t)
{
	return arch_user_fpu_frame_size(t->proc->mm->user);
}

long
user_fpu_get(struct task *t, void *buf, size_t len)
{
	user_fpu_switch(t, t->proc->mm);
	return arch_user_fpu_get(t->proc->mm->user, buf, len);
}

int
user_fpu_set(struct task *t, const void *buf, size_t len)
{
	user_fpu_switch(t, t->proc->mm);
	return arch_user_fpu_set(t->proc->mm->user, buf, len);
}

void
user_fpu_reset(struct task *t)
{
	user_fpu_switch(t, t->proc->mm);
	arch_user_fpu_reset(t->proc->mm->user);
}

/* ---- traps ---- */

/* A system call: the number in rax, arguments in the ABI's registers. */
static void
user_syscall(struct task *t, const struct arch_trap *trap)
{
	struct user_regs *r = &t->regs;
	uint64_t args[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	unsigned long nr = r->rax;

	r->orig_rax = nr;
	if (trap->foreign) {
		/* int 0x80 and the like: not the x86-64 ABI. */
		r->rax = (uint64_t)-ENOSYS;
		return;
	}
	t->in_syscall = true;	/* rt_sigreturn clears it */
	r->rax = (uint64_t)syscall_dispatch(nr, args);
}

/* A page fault the address space could not resolve: a signal. */
static void
user_bad_fault(struct task *t, const struct arch_trap *trap, int err)
{
	int sig = KSIGSEGV, code = KSEGV_MAPERR;

	if (err == -EACCES)
		code = KSEGV_ACCERR;
	if (err == -EIO) {
		sig = KSIGBUS;
		code = KBUS_ADRERR;
	}
	if (err == -ENOMEM) {
		pr_err("Out of memory: killed process %d (%s)\n",
		       t->proc->pid, t->proc->comm);
		sig = KSIGKILL;
	}
	/* As Linux: logged only when no handler will take it. */
	if (!signal_handled(sig))
		pr_info("%s[%d]: %s at %llx ip %llx sp %llx (%s)\n",
			t->comm, t->tid,
			sig == KSIGBUS ? "bus error" : "segfault",
			(unsigned long long)trap->addr,
			(unsigned long long)t->regs.rip,
			(unsigned long long)t->regs.rsp,
			(trap->access & ARCH_ACCESS_WRITE) ? "write" :
			(trap->access & ARCH_ACCESS_EXEC) ? "exec" : "read");
	force_signal(sig, code, trap->addr);
}

/* Handle what stopped the guest. */
static void
user_trap(struct task *t, const struct arch_trap *trap)
{
	int err;

	switch (trap->kind) {
	case ARCH_TRAP_SYSCALL:
		user_syscall(t, trap);
		break;
	case ARCH_TRAP_FAULT:
		err = mm_fault(t->proc->mm, trap->addr, trap->access);
		if (err)
			user_bad_fault(t, trap, err);
		break;
	case ARCH_TRAP_SIGNAL:
		force_signal(trap->hostsig, trap->code, trap->addr);
		break;
	case ARCH_TRAP_INTERRUPTED:
		break;
	default:
		pr_warn("%s[%d]: its stub died on the host: killed\n",
			t->comm, t->tid);
		do_exit_group(KSIGKILL);
	}
}

/* End the thread if its process is ending or another thread execs. */
static void
user_check_exit(struct task *t)
{
	struct process *p = t->proc;

	if (READ_ONCE(p->exiting))
		do_exit(p->exit_status);
	if (READ_ONCE(p->exec_task) != NULL && p->exec_task != t)
		do_exit(0);		/* another thread execs */
}

/* Run the guest once; false if the stub could not take the changes. */
static bool
user_run(struct task *t, struct arch_trap *trap)
{
	struct mm *mm = t->proc->mm;
	uint64_t t0 = ktime_ns();
	int err;

	/* No other thread of mm may run between the switch and the run. */
	preempt_disable();
	user_fpu_switch(t, mm);
	t->last_user = mm->user;
	WRITE_ONCE(t->in_user, mm->user);
	err = arch_run_user(mm->user, &t->regs, trap);
	WRITE_ONCE(t->in_user, NULL);
	preempt_enable();
	mm_settle(mm);
	t->utime_ns += ktime_ns() - t0;
	if (err == -ENOMEM) {
		/* The host's map count ran out: start the TLB afresh. */
		mm_tlb_flush_all(mm);
		return false;
	}
	if (err) {
		pr_err("%s[%d]: cannot run guest code (error %d): killed\n",
		       t->comm, t->tid, err);
		do_exit_group(KSIGKILL);
	}
	return true;
}

void
user_enter(void)
{
	struct task *t = current;
	struct arch_trap trap;

	for (;;) {
		uint64_t t1, switches;

		user_check_exit(t);
		signal_deliver();
		user_check_exit(t);
		if (!user_run(t, &trap))
			continue;
		t1 = ktime_ns();
		switches = t->nr_switches;
		user_trap(t, &trap);
		/* System time, not counting a sleep in the call. */
		if (t->nr_switches == switches)
			t->stime_ns += ktime_ns() - t1;
		if (sched_need_resched())
			schedule();
	}
}
