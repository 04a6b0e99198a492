/*
 * Tasks and the scheduler.  A task is one kernel thread of control with its
 * own kernel stack; the scheduler picks the next one through a
 * struct sched_class (the policy), and schedule() switches to it.
 *
 * Locking: all run-queue and task-state fields are guarded by disabling
 * interrupts ([i]); [I] fields are immutable after task creation.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "arch-host/arch.h"
#include "core/list.h"

#define TASK_COMM_LEN		16
#define KSTACK_SIZE		(64 * 1024)
#define TID_MAX			32768	/* ids are 1..TID_MAX-1 (pid_max) */

enum task_state {
	TASK_RUNNING,		/* on the run queue or current */
	TASK_INTERRUPTIBLE,	/* sleeping; signals may wake it (later) */
	TASK_UNINTERRUPTIBLE,	/* sleeping until explicitly woken */
	TASK_DEAD,		/* exited; waiting to be reaped */
};

struct kthread;
struct cred;
struct fs_struct;
struct fdtable;
struct process;

struct task {
	struct arch_ctx ctx;		/* [i] saved kernel context */
	volatile int state;		/* [i] enum task_state */
	int tid;			/* [I] also the guest's pid/tid (exec
					   from a thread: the pid, set
					   under proc_lock) */
	bool tid_kept;			/* [i] the id outlives the task: a
					   process leader's pid, freed when
					   the zombie is reaped */
	char comm[TASK_COMM_LEN];	/* [i] name */
	void *stack;			/* [I] kernel stack */
	size_t stack_size;		/* [I] */
	int refcount;			/* [i] */
	int preempt_count;		/* [i] >0: no preemption */
	bool on_rq;			/* [i] queued in the sched class */
	bool is_idle;			/* [I] the idle task */
	int time_slice;			/* [i] ticks left (RR) */
	struct list_head run_node;	/* [i] run queue link */
	struct list_head all_node;	/* [i] all_tasks link */
	uint64_t nr_switches;		/* [i] times switched in */
	uint64_t runtime_ticks;		/* [i] ticks spent running */
	struct kthread *kthread;	/* [I] kernel-thread bookkeeping */
	struct cred *cred;		/* [I] who the task acts as */
	struct fs_struct *fs;		/* [i] root, cwd, umask */
	struct fdtable *files;		/* [i] open files (processes) */
	/* Guest threads (core/process.h, core/user.c); NULL proc: kernel. */
	struct process *proc;		/* [I] the thread group */
	struct list_head thread_node;	/* [p] in proc->threads */
	struct user_regs regs;		/* [t] guest registers */
	struct arch_user *in_user;	/* [i] running guest code there */
	uint64_t sig_blocked;		/* [t] the signal mask */
	uint64_t sig_pending;		/* [p] thread-directed signals */
	struct list_head sig_queue;	/* [p] their struct sigqueues */
	uint64_t real_blocked;		/* [t] sigtimedwait's real mask */
	uint64_t saved_sigmask;		/* [t] sigsuspend's old mask */
	bool restore_sigmask;		/* [t] put it back after a signal */
	bool in_syscall;		/* [t] regs hold a call's result */
	uint64_t sas_sp, sas_size;	/* [t] sigaltstack */
	int sas_flags;			/* [t] KSS_DISABLE or 0 */
	long (*restart_fn)(struct task *t);	/* [t] restart_syscall */
	uint64_t restart_arg[4];	/* [t] its state */
	uint64_t clear_child_tid;	/* [t] CLONE_CHILD_CLEARTID word */
	uint64_t robust_list;		/* [t] set_robust_list head */
	uint64_t robust_len;		/* [t] */
	uint64_t utime_ns, stime_ns;	/* [t] time in guest and kernel */
	void *fpu;			/* [t] FP registers (shared stub) */
	struct arch_user *last_user;	/* [i] the stub it last ran in */
	void (*entry)(void *arg);	/* [I] first function on the stack */
	void *entry_arg;		/* [I] */
};

/*
 * A scheduling policy.  Each hook runs with interrupts disabled.
 */
struct sched_class {
	const char *name;
	/* Make t runnable (t->on_rq is set by the caller). */
	void (*enqueue)(struct task *t);
	/* Remove a runnable t that is not current. */
	void (*dequeue)(struct task *t);
	/* Remove and return the next task to run; NULL if none. */
	struct task *(*pick_next)(void);
	/* A timer tick charged to curr; may call sched_set_need_resched(). */
	void (*tick)(struct task *curr);
	/* True if a task other than current is runnable. */
	bool (*has_runnable)(void);
	/* Set up per-policy fields of a new task. */
	void (*task_init)(struct task *t);
};

extern const struct sched_class sched_rr_class;

/* The running task. */
extern struct task *current;
/* All tasks, for ps-like listings; guarded by disabling interrupts. */
extern struct list_head all_tasks;

/*
 * Make the boot context the idle task and select the policy by name
 * ("rr").  Returns -EINVAL for an unknown policy.
 */
int sched_init(const char *policy);
/* Name of the active policy. */
const char *sched_policy_name(void);

/*
 * Create a task that will run fn(arg) on a new kernel stack; it is not
 * runnable until sched_wake().  Returns 0 or -ENOMEM.
 */
int task_create(struct task **out, const char *name, void (*fn)(void *),
		void *arg);
/* Free a task from task_create() that was never woken. */
void task_abort(struct task *t);
/* Release an id kept past its task (tid_kept) once nobody uses it. */
void tid_free(int tid);
/* Take and drop a reference; the last put frees a dead task. */
void task_get(struct task *t);
void task_put(struct task *t);
/* End the current task; it is freed once it is off-CPU and unreferenced. */
__attribute__((noreturn)) void task_exit(void);

/*
 * Give up the CPU.  If current->state is not TASK_RUNNING the task sleeps
 * until sched_wake().  May be called with interrupts on or off; returns in
 * the same state.  Must not be called from an interrupt handler.
 */
void schedule(void);
/* Make t runnable if it sleeps; returns true if it was woken.  Any context. */
bool sched_wake(struct task *t);
/* Let other runnable tasks of the same policy run first. */
void schedule_yield(void);
/* Called from the timer interrupt with the ticks that passed. */
void sched_tick(unsigned long ticks);
/* Ask for a reschedule at the next preemption point. */
void sched_set_need_resched(void);
/* True if a reschedule is due. */
bool sched_need_resched(void);

/* Forbid and allow preemption of the current task (nestable). */
void preempt_disable(void);
void preempt_enable(void);

/* The idle loop, run by the boot context once boot is done. */
__attribute__((noreturn)) void sched_idle_loop(void);

/* Total context switches since boot. */
uint64_t sched_nr_switches(void);

#endif
