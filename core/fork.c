/*
 * fork, vfork and clone: a new task (the child's first thread) with a
 * copy or a share of each part of the caller, as the CLONE_* flags say,
 * and the same registers but rax = 0.  A new address space is a
 * copy-on-write duplicate (mm_dup) with a stub of its own; CLONE_VM
 * shares the caller's, stub included: with one vCPU the threads of an
 * address space take turns in its stub.
 */
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
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define KCLONE_VM		0x00000100
#define KCLONE_FS		0x00000200
#define KCLONE_FILES		0x00000400
#define KCLONE_SIGHAND		0x00000800
#define KCLONE_PIDFD		0x00001000
#define KCLONE_PTRACE		0x00002000
#define KCLONE_VFORK		0x00004000
#define KCLONE_PARENT		0x00008000
#define KCLONE_THREAD		0x00010000
#define KCLONE_NEWNS		0x00020000
#define KCLONE_SYSVSEM		0x00040000
#define KCLONE_SETTLS		0x00080000
#define KCLONE_PARENT_SETTID	0x00100000
#define KCLONE_CHILD_CLEARTID	0x00200000
#define KCLONE_DETACHED		0x00400000
#define KCLONE_UNTRACED		0x00800000
#define KCLONE_CHILD_SETTID	0x01000000
#define KCLONE_IO		0x80000000UL
/* Namespaces and the rest we do not have. */
#define KCLONE_UNSUPPORTED	0x7e020000UL

static struct wait_queue vfork_wq = WAIT_QUEUE_INIT(vfork_wq);

struct clone_args {
	uint64_t flags;
	uintptr_t ustack;
	uintptr_t uparent_tid;
	uintptr_t uchild_tid;
	uint64_t tls;
};

/* Check the flag combinations Linux refuses. */
static int
clone_check(uint64_t flags)
{
	if (flags & KCLONE_UNSUPPORTED)
		return -EINVAL;
	if ((flags & KCLONE_THREAD) && !(flags & KCLONE_SIGHAND))
		return -EINVAL;
	if ((flags & KCLONE_SIGHAND) && !(flags & KCLONE_VM))
		return -EINVAL;
	if ((flags & KCLONE_PIDFD) || (flags & KCLONE_PTRACE))
		return -EINVAL;
	return 0;
}

/* The child's address space: shared, or a copy with its own stub. */
static int
clone_mm(uint64_t flags, struct mm **out)
{
	struct mm *cur = current_mm();
	struct arch_user *u;
	int err;

	if (flags & KCLONE_VM) {
		mm_get(cur);
		*out = cur;
		return 0;
	}
	err = user_stub_get(&u);
	if (err)
		return err;
	err = mm_dup(cur, out);
	if (err) {
		user_stub_put(u);
		return err;
	}
	/* The child starts with the parent's FP registers too. */
	if (cur->user != NULL)
		arch_user_copy_fpu(u, cur->user);
	mm_set_user(*out, u);
	return 0;
}

/* Files, filesystem context and credentials of the new task t. */
static int
clone_task_state(struct task *t, uint64_t flags)
{
	struct cred *cr = kmalloc(sizeof(*cr));
	int err;

	if (cr == NULL)
		return -ENOMEM;
	*cr = *current_cred();
	t->cred = cr;
	if (flags & KCLONE_FILES) {
		fdtable_get(current->files);
		t->files = current->files;
	} else {
		err = fdtable_copy(current->files, &t->files);
		if (err)
			return err;
	}
	if (flags & KCLONE_FS) {
		fs_struct_get(current->fs);
		t->fs = current->fs;
		return 0;
	}
	return fs_struct_copy(current->fs, &t->fs);
}

/* Undo clone_task_state() for a task that never ran. */
static void
clone_task_undo(struct task *t)
{
	if (t->files != NULL)
		fdtable_put(t->files);
	if (t->fs != NULL)
		fs_struct_put(t->fs);
	kfree(t->cred);
	t->files = NULL;
	t->fs = NULL;
	t->cred = NULL;
}

/* The first thing a new guest thread runs: straight to user mode. */
static void
clone_child_start(void *arg)
{
	(void)arg;
	user_enter();
}

/* A new process (not a thread) led by t, linked to its parent. */
static int
clone_process(struct task *t, uint64_t flags, struct process **out)
{
	struct process *cur = current_proc(), *p = process_alloc(t->tid);
	int err;

	if (p == NULL)
		return -ENOMEM;
	err = clone_mm(flags, &p->mm);
	if (err) {
		mutex_lock(&proc_lock);
		process_unhash(p);
		mutex_unlock(&proc_lock);
		t->tid_kept = true;	/* process_unhash freed the id */
		process_put(p);
		return err;
	}
	memcpy(p->comm, cur->comm, sizeof(p->comm));
	memcpy(p->exe_path, cur->exe_path, sizeof(p->exe_path));
	mutex_lock(&proc_lock);
	memcpy(p->sigactions, cur->sigactions, sizeof(p->sigactions));
	memcpy(p->rlim, cur->rlim, sizeof(p->rlim));
	p->exit_signal = (int)(flags & 0xff);
	p->pgid = cur->pgid;
	p->sid = cur->sid;
	p->parent = (flags & KCLONE_PARENT) && cur->parent != NULL ?
		    cur->parent : cur;
	list_add_tail(&p->sibling, &p->parent->children);
	mutex_unlock(&proc_lock);
	t->tid_kept = true;
	process_get(p);		/* the thread's reference */
	*out = p;
	return 0;
}

/* Write the child's tid where CLONE_PARENT_SETTID/CHILD_SETTID ask. */
static int
clone_settids(struct task *t, struct process *p, const struct clone_args *a)
{
	int tid = t->tid;

	if ((a->flags & KCLONE_PARENT_SETTID) &&
	    copyout(a->uparent_tid, &tid, sizeof(tid)) != 0)
		return -EFAULT;
	if ((a->flags & KCLONE_CHILD_SETTID) &&
	    mm_copyout(p->mm, a->uchild_tid, &tid, sizeof(tid)) != 0)
		return -EFAULT;
	if (a->flags & KCLONE_CHILD_CLEARTID)
		t->clear_child_tid = a->uchild_tid;
	return 0;
}

/* Sleep until the vfork child p has exec'ed or exited. */
static void
vfork_wait(struct process *p)
{
	wait_event(&vfork_wq, READ_ONCE(p->vfork_parent) == NULL);
}

void
vfork_release(struct process *p)
{
	mutex_lock(&proc_lock);
	if (p->vfork_parent != NULL) {
		p->vfork_parent = NULL;
		wq_wake_all(&vfork_wq);
	}
	mutex_unlock(&proc_lock);
}

/* Start the new thread t of process p with the caller's registers. */
static void
clone_start(struct task *t, struct process *p, const struct clone_args *a)
{
	t->proc = p;
	t->regs = current->regs;
	t->regs.rax = 0;
	if (a->ustack != 0)
		t->regs.rsp = a->ustack;
	if (a->flags & KCLONE_SETTLS)
		t->regs.fs_base = a->tls;
	signal_fork(t, a->flags & KCLONE_THREAD);
	memcpy(t->comm, current->comm, sizeof(t->comm));
	mutex_lock(&proc_lock);
	list_add_tail(&t->thread_node, &p->threads);
	p->nr_threads++;
	if (a->flags & KCLONE_VFORK)
		p->vfork_parent = current;
	mutex_unlock(&proc_lock);
	sched_wake(t);
}

/* Undo clone_process() (or the thread's reference) after a failure. */
static void
clone_abort(struct process *p, bool thread)
{
	if (!thread) {
		mutex_lock(&proc_lock);
		list_del(&p->sibling);
		process_unhash(p);
		mutex_unlock(&proc_lock);
		mm_put(p->mm);
		p->mm = NULL;
		process_put(p);	/* the pid table's reference */
	}
	process_put(p);
}

/* fork, vfork and clone: the child's id to the caller, or -errno. */
static long
do_clone(const struct clone_args *a)
{
	bool thread = a->flags & KCLONE_THREAD;
	struct process *p = NULL;
	struct task *t;
	long tid;
	int err = clone_check(a->flags);

	if (err)
		return err;
	if ((a->flags & KCLONE_SETTLS) && a->tls >= USER_TOP)
		return -EPERM;
	err = task_create(&t, current->comm, clone_child_start, NULL);
	if (err)
		return err;
	err = clone_task_state(t, a->flags);
	if (err == 0 && thread) {
		p = current_proc();
		process_get(p);
	} else if (err == 0) {
		err = clone_process(t, a->flags, &p);
	}
	if (err == 0)
		err = clone_settids(t, p, a);
	/* Last, as nothing frees t->fpu on the way out. */
	if (err == 0 && (a->flags & KCLONE_VM))
		err = user_fpu_share(t);
	if (err) {
		clone_task_undo(t);
		if (p != NULL)
			clone_abort(p, thread);
		task_abort(t);
		return err;
	}
	/* Once started the child may exit and be freed at any time. */
	tid = t->tid;
	if (a->flags & KCLONE_VFORK)
		process_get(p);	/* it may be reaped before we wake */
	clone_start(t, p, a);
	if (a->flags & KCLONE_VFORK) {
		vfork_wait(p);
		process_put(p);
	}
	return tid;
}

SYSCALL_DEFINE0(fork)
{
	struct clone_args a = { .flags = KSIGCHLD };

	return do_clone(&a);
}

SYSCALL_DEFINE0(vfork)
{
	struct clone_args a = {
		.flags = KCLONE_VM | KCLONE_VFORK | KSIGCHLD,
	};

	return do_clone(&a);
}

SYSCALL_DEFINE5(clone, uint64_t, flags, uintptr_t, ustack,
		uintptr_t, uparent_tid, uintptr_t, uchild_tid, uint64_t, tls)
{
	struct clone_args a = {
		.flags = flags, .ustack = ustack, .uparent_tid = uparent_tid,
		.uchild_tid = uchild_tid, .tls = tls,
	};

	/* The low byte is the signal the parent gets at the exit. */
	if ((flags & 0xff) > NSIG)
		return -EINVAL;
	return do_clone(&a);
}
