/*
 * Processes (DESIGN.md section 4): a struct process is a thread group with
 * its pid, process group, session, parent and children, address space,
 * signal dispositions and exit status; its threads are struct tasks
 * (task->proc) that run guest code through arch_run_user() and enter the
 * kernel for system calls and faults (core/user.c).
 *
 * Locking: the process tree (parent, children, pids, state, exit status)
 * is guarded by proc_lock ([p]), a sleeping mutex; [I] fields are fixed
 * at creation; [t] fields belong to the owning thread.
 */
#ifndef CORE_PROCESS_H
#define CORE_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "core/list.h"
#include "core/mutex.h"
#include "core/sched.h"
#include "core/timer.h"
#include "core/wait.h"

struct mm;

#define NSIG		64
#define PID_MAX		32768
#define KSIG_BIT(sig)	(1ULL << ((sig) - 1))

/* Signal numbers (Linux x86-64). */
#define KSIGHUP		1
#define KSIGINT		2
#define KSIGQUIT	3
#define KSIGILL		4
#define KSIGTRAP	5
#define KSIGABRT	6
#define KSIGBUS		7
#define KSIGFPE		8
#define KSIGKILL	9
#define KSIGUSR1	10
#define KSIGSEGV	11
#define KSIGUSR2	12
#define KSIGPIPE	13
#define KSIGALRM	14
#define KSIGTERM	15
#define KSIGSTKFLT	16
#define KSIGCHLD	17
#define KSIGCONT	18
#define KSIGSTOP	19
#define KSIGTSTP	20
#define KSIGTTIN	21
#define KSIGTTOU	22
#define KSIGURG		23
#define KSIGXCPU	24
#define KSIGXFSZ	25
#define KSIGVTALRM	26
#define KSIGPROF	27
#define KSIGWINCH	28
#define KSIGIO		29
#define KSIGPWR		30
#define KSIGSYS		31

#define KSIG_DFL	0ULL
#define KSIG_IGN	1ULL

/* The kernel's struct sigaction for rt_sigaction (Linux x86-64 layout). */
struct ksigaction {
	uint64_t handler;	/* KSIG_DFL, KSIG_IGN or a guest address */
	uint64_t flags;		/* SA_* */
	uint64_t restorer;
	uint64_t mask;
};

/* Resource limits (RLIMIT_*, Linux numbering). */
#define KRLIMIT_CPU	0
#define KRLIMIT_FSIZE	1
#define KRLIMIT_DATA	2
#define KRLIMIT_STACK	3
#define KRLIMIT_CORE	4
#define KRLIMIT_RSS	5
#define KRLIMIT_NPROC	6
#define KRLIMIT_NOFILE	7
#define KRLIMIT_MEMLOCK	8
#define KRLIMIT_AS	9
#define KRLIMIT_SIGPENDING 11
#define KRLIMIT_NLIMITS	16
#define KRLIM_INFINITY	(~0ULL)

struct krlimit {
	uint64_t cur, max;
};

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE,		/* exited, waiting for wait4() */
	PROC_REAPED,		/* freed once unreferenced */
};

struct process {
	int pid;			/* [I] = the leader's tid */
	int pgid, sid;			/* [p] */
	int state;			/* [p] enum proc_state */
	int exit_status;		/* [p] wait status once a zombie */
	bool exiting;			/* [p] exit_group() or a fatal signal */
	struct process *parent;		/* [p] */
	struct list_head children;	/* [p] struct process, by sibling */
	struct list_head sibling;	/* [p] in parent->children */
	struct list_head threads;	/* [p] struct task, by thread_node */
	int nr_threads;			/* [p] live threads */
	struct wait_queue child_wq;	/* wait4() of this process sleeps */
	struct task *exec_task;		/* [p] exec'ing: the others exit */
	struct wait_queue exec_wq;	/* it waits there for them */
	struct mm *mm;			/* [t] the address space */
	char comm[16];			/* [t] the program's name */
	char exe_path[256];		/* [t] what execve ran, for /proc */
	struct ksigaction sigactions[NSIG];	/* [p] dispositions */
	uint64_t sig_pending;		/* [p] process-wide pending */
	struct list_head sig_queue;	/* [p] its struct sigqueues */
	int nr_sigqueued;		/* [p] sigqueues of it and its threads */
	int exit_signal;		/* [I] sent to the parent at exit */
	bool stopped;			/* [p] a group stop is in effect */
	int stop_sig;			/* [p] what stopped it */
	bool stop_report;		/* [p] wait(WUNTRACED) may see it */
	bool cont_report;		/* [p] wait(WCONTINUED) may see it */
	struct wait_queue stop_wq;	/* stopped threads sleep here */
	struct wait_queue signalfd_wq;	/* signalfds: a signal came */
	struct ktimer itimer;		/* [i] ITIMER_REAL */
	uint64_t it_interval_ns;	/* [i] its reload, 0: one-shot */
	struct krlimit rlim[KRLIMIT_NLIMITS];	/* [p] */
	uint64_t start_ns;		/* [I] for /proc and times */
	uint64_t utime_ns, stime_ns;	/* [p] of exited threads */
	uint64_t cutime_ns, cstime_ns;	/* [p] of waited-for children */
	struct task *vfork_parent;	/* [p] woken at exec or exit */
	bool did_exec;			/* [p] for setpgid's EACCES */
	uint64_t nosys_seen[7];		/* [t] unimplemented calls logged */
	int refcount;			/* [p] */
};

/* The process tree lock. */
extern struct mutex proc_lock;
/* init (pid 1), the reaper of orphans. */
extern struct process *init_process;

/* The current task's process (NULL for kernel threads). */
static inline struct process *
current_proc(void)
{
	return current->proc;
}

/* The current process's address space. */
struct mm *current_mm(void);

/* Look up a live or zombie process by pid, referenced; NULL if none. */
struct process *process_find(int pid);
void process_get(struct process *p);
void process_put(struct process *p);

/*
 * Start the first process from kernel thread context: a new process with
 * pid 1 that execs path with argv/envp (NULL-terminated) and fds 0-2 on
 * /dev/console.  Returns only on failure (-errno); on success the calling
 * kernel thread becomes init.
 */
int process_start_init(const char *path, const char *const argv[],
		       const char *const envp[]);
/* Wait for init to exit; its wait status. */
int process_wait_init(void);

/*
 * Terminate the current thread's whole process with wait status
 * (exit_group, fatal signals).  Never returns.
 */
__attribute__((noreturn)) void do_exit_group(int status);
/* Terminate only the current thread (exit). */
__attribute__((noreturn)) void do_exit(int status);

/* Signals: core/signal.h. */
int send_signal(struct process *p, int sig);
bool signal_pending(void);
void force_signal(int sig, int code, uint64_t addr);

/* Allocate and free pids (also thread ids). */
int pid_alloc(void);
void pid_free(int pid);

/*
 * exec passed its point of no return in the current process: release a
 * vfork parent and reset handled signals to their default action.
 */
void process_exec_notify(void);

/*
 * True the first time p makes the unimplemented call nr (so it is
 * logged once per process).
 */
bool process_note_nosys(struct process *p, unsigned long nr);

/* Number of processes alive or zombie, for sysinfo. */
int process_count(void);

/* ---- between the process files (core/process.c, fork.c, exit.c,
 * user.c, sys_proc.c) ---- */

/* A new process for leader id pid, in the pid table; NULL: no memory. */
struct process *process_alloc(int pid);
/* The process with pid, unreferenced (proc_lock held); or NULL. */
struct process *process_find_locked(int pid);
/*
 * Stop every process but init, then shut the kernel down with code as
 * the host exit status (reboot(2), the end of init).
 */
__attribute__((noreturn)) void process_shutdown(int code);
/* Remove a reaped zombie from the pid table (proc_lock held). */
void process_unhash(struct process *p);
/* Linux's default resource limits. */
void process_default_rlimits(struct process *p);
/* Deliver pending signals before the current thread runs guest code:
 * handlers, stops, deaths, system call restarts (core/signal_deliver.c). */
void signal_deliver(void);
/* exec: handled signals back to the default, the alternate stack gone. */
void signal_exec(void);
/* fork/clone: the new thread t's signal state (mask, alternate stack). */
void signal_fork(struct task *t, bool thread);
/* p's last thread is gone: drop its pending signals and its timer. */
void signal_exit_process(struct process *p);
/* A dead thread: drop its pending signals. */
void signal_exit_task(struct task *t);
/* Tell p's parent that p exited, stopped or continued (proc_lock held):
 * SIGCHLD (or p's exit signal) with si_code why, wake its waiters. */
void signal_notify_parent(struct process *p, int why, int status);
/* The session leader p exits: the terminal layer's hook. */
void signal_session_exit(struct process *p);
/* Wake a parent waiting in vfork() for p to exec or exit. */
void vfork_release(struct process *p);
/* Run guest code for the current task, forever (core/user.c). */
__attribute__((noreturn)) void user_enter(void);

#endif
