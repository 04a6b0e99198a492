/*
 * Processes: the pid table, lookups and references, and the start of
 * init.  Creation is in core/fork.c, the end of a process in
 * core/exit.c, running guest code in core/user.c, signals in
 * core/signal.c.
 *
 * Lock order: proc_lock, then a task's files/fs locks, then mm->lock.
 * A process is freed when its last reference goes (the pid table holds
 * one from creation until the zombie is reaped).
 */
#include "core/errno.h"
#include "core/exec.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/timer.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

struct mutex proc_lock = MUTEX_INIT(proc_lock, "proc_lock");
struct process *init_process;

static struct process *pid_table[TID_MAX];	/* [p] leaders by pid */
static int nr_processes;			/* [p] */

struct mm *
current_mm(void)
{
	return current->proc != NULL ? current->proc->mm : NULL;
}

/*
 * A new process whose leader will be the task with id pid: referenced
 * once for the pid table.  Not yet linked to a parent.  NULL: no memory.
 */
struct process *
process_alloc(int pid)
{
	struct process *p = kzalloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	p->pid = pid;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->threads);
	wq_init(&p->child_wq);
	wq_init(&p->exec_wq);
	wq_init(&p->stop_wq);
	wq_init(&p->signalfd_wq);
	list_init(&p->sig_queue);
	p->exit_signal = KSIGCHLD;
	itimer_init(p);
	p->refcount = 1;
	p->start_ns = ktime_ns();
	mutex_lock(&proc_lock);
	pid_table[pid] = p;
	nr_processes++;
	mutex_unlock(&proc_lock);
	return p;
}

/* Forget a reaped process's pid (proc_lock held); drops the table's ref. */
void
process_unhash(struct process *p)
{
	pid_table[p->pid] = NULL;
	nr_processes--;
	p->state = PROC_REAPED;
	tid_free(p->pid);
}

struct process *
process_find_locked(int pid)
{
	if (pid <= 0 || pid >= TID_MAX)
		return NULL;
	return pid_table[pid];
}

struct process *
process_find(int pid)
{
	struct process *p = NULL;

	if (pid <= 0 || pid >= TID_MAX)
		return NULL;
	mutex_lock(&proc_lock);
	p = pid_table[pid];
	if (p != NULL)
		p->refcount++;
	mutex_unlock(&proc_lock);
	return p;
}

void
process_get(struct process *p)
{
	mutex_lock(&proc_lock);
	p->refcount++;
	mutex_unlock(&proc_lock);
}

void
process_put(struct process *p)
{
	bool last;

	mutex_lock(&proc_lock);
	last = --p->refcount == 0;
	mutex_unlock(&proc_lock);
	if (last) {
		KASSERT(p->state == PROC_REAPED && p->mm == NULL);
		kfree(p);
	}
}

int
process_count(void)
{
	return nr_processes;
}

bool
process_note_nosys(struct process *p, unsigned long nr)
{
	uint64_t bit;

	if (nr >= 64 * ARRAY_SIZE(p->nosys_seen))
		return true;
	bit = 1ULL << (nr % 64);
	if (p->nosys_seen[nr / 64] & bit)
		return false;
	p->nosys_seen[nr / 64] |= bit;
	return true;
}

/* ---- exec ---- */

void
process_exec_notify(void)
{
	struct process *p = current_proc();

	signal_exec();
	mutex_lock(&proc_lock);
	p->did_exec = true;
	mutex_unlock(&proc_lock);
	if (current->cred != NULL) {
		/* No set-ID programs: the saved and fs ids follow. */
		current->cred->suid = current->cred->euid;
		current->cred->sgid = current->cred->egid;
		current->cred->fsuid = current->cred->euid;
		current->cred->fsgid = current->cred->egid;
	}
	vfork_release(p);
}

/* ---- init ---- */

/* Default resource limits, as Linux gives init. */
void
process_default_rlimits(struct process *p)
{
	for (int i = 0; i < KRLIMIT_NLIMITS; i++)
		p->rlim[i] = (struct krlimit){ KRLIM_INFINITY,
					       KRLIM_INFINITY };
	p->rlim[KRLIMIT_STACK].cur = USER_STACK_MAX;
	p->rlim[KRLIMIT_CORE].cur = 0;
	p->rlim[KRLIMIT_NOFILE] = (struct krlimit){ 1024, 4096 };
	p->rlim[KRLIMIT_NPROC] = (struct krlimit){ 4096, 4096 };
	p->rlim[KRLIMIT_SIGPENDING] = (struct krlimit){ 4096, 4096 };
	p->rlim[KRLIMIT_MEMLOCK] = (struct krlimit){ 8 << 20, 8 << 20 };
}

/* fds 0, 1 and 2 on /dev/console for init. */
static int
open_console(struct fdtable *files)
{
	struct file *f;
	int err = vfs_open(NULL, "/dev/console", KO_RDWR | KO_NOCTTY, 0, &f);

	if (err) {
		pr_warn("Warning: unable to open an initial console.\n");
		return err;
	}
	for (int fd = 0; fd < 3 && err >= 0; fd++)
		err = fdtable_alloc(files, f, 0, false);
	file_put(f);
	return err < 0 ? err : 0;
}

/* Make the current kernel thread the leader of process 1. */
static int
become_init(void)
{
	struct process *p;
	struct cred *cr;
	int err;

	if (current->tid != 1)
		return -EBUSY;	/* pid 1 must be the first thread's */
	p = process_alloc(1);
	cr = kzalloc(sizeof(*cr));
	if (p == NULL || cr == NULL)
		goto fail_nomem;
	err = mm_create(&p->mm);
	if (err)
		goto fail;
	process_default_rlimits(p);
	kstrlcpy(p->comm, "init", sizeof(p->comm));
	err = fdtable_create(&current->files);
	if (err)
		goto fail;
	fdtable_set_limit(current->files, 1024);
	err = fs_struct_copy(current_fs(), &current->fs);
	if (err)
		goto fail;
	*cr = *current_cred();
	current->cred = cr;
	current->tid_kept = true;
	process_get(p);		/* the thread's reference */
	current->proc = p;
	p->nr_threads = 1;
	list_add_tail(&current->thread_node, &p->threads);
	init_process = p;
	open_console(current->files);	/* init runs without one too */
	return 0;
fail_nomem:
	err = -ENOMEM;
fail:
	panic("cannot create the init process: error %d", err);
	return err;
}

int
process_start_init(const char *path, const char *const argv[],
		   const char *const envp[])
{
	int err;

	if (init_process == NULL) {
		err = become_init();
		if (err)
			return err;
	}
	err = exec_kernel(path, argv, envp);
	if (err)
		return err;
	user_enter();
}
