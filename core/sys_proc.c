/*
 * Process system calls that are not creation or exit: ids, process
 * groups and sessions, kill/tkill/tgkill, recording signal dispositions
 * and masks (delivery to handlers is the signals issue's), the thread
 * pointer and tid words, sched_yield and reboot.
 */
#include "core/boot.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/syscall.h"
#include "fs/vfs.h"


#define KARCH_SET_GS	0x1001
#define KARCH_SET_FS	0x1002
#define KARCH_GET_FS	0x1003
#define KARCH_GET_GS	0x1004

#define KREBOOT_MAGIC1		0xfee1deadU
#define KREBOOT_CMD_RESTART	0x01234567U
#define KREBOOT_CMD_HALT	0xcdef0123U
#define KREBOOT_CMD_CAD_ON	0x89abcdefU
#define KREBOOT_CMD_CAD_OFF	0x00000000U
#define KREBOOT_CMD_POWER_OFF	0x4321fedcU

/* ---- ids ---- */

SYSCALL_DEFINE0(getpid)
{
	return current_proc()->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->tid;
}

SYSCALL_DEFINE0(getppid)
{
	struct process *p = current_proc();
	int ppid;

	mutex_lock(&proc_lock);
	ppid = p->parent != NULL ? p->parent->pid : 0;
	mutex_unlock(&proc_lock);
	return ppid;
}

/* pid 0 or a process: referenced, or NULL. */
static struct process *
proc_arg(int pid)
{
	struct process *p = current_proc();

	if (pid == 0) {
		process_get(p);
		return p;
	}
	return process_find(pid);
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct process *p = proc_arg(pid);
	int pgid;

	if (p == NULL)
		return -ESRCH;
	mutex_lock(&proc_lock);
	pgid = p->pgid;
	mutex_unlock(&proc_lock);
	process_put(p);
	return pgid;
}

SYSCALL_DEFINE0(getpgrp)
{
	return current_proc()->pgid;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct process *p = proc_arg(pid);
	int sid;

	if (p == NULL)
		return -ESRCH;
	mutex_lock(&proc_lock);
	sid = p->sid;
	mutex_unlock(&proc_lock);
	process_put(p);
	return sid;
}

/* True if some live process has process group pgid in session sid. */
static bool
pgrp_exists(int pgid, int sid)
{
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find_locked(pid);

		if (q != NULL && q->state == PROC_ALIVE && q->pgid == pgid &&
		    q->sid == sid)
			return true;
	}
	return false;
}

/* setpgid's checks on target p with caller cur (proc_lock held). */
static int
setpgid_check(struct process *cur, struct process *p, int pgid)
{
	if (p != cur && p->parent != cur)
		return -ESRCH;
	if (p != cur && p->did_exec)
		return -EACCES;
	if (p->sid != cur->sid || p->pid == p->sid)
		return -EPERM;
	if (pgid != p->pid && !pgrp_exists(pgid, cur->sid))
		return -EPERM;
	return 0;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct process *cur = current_proc(), *p;
	int err;

	if (pgid < 0)
		return -EINVAL;
	p = proc_arg(pid);
	if (p == NULL)
		return -ESRCH;
	if (pgid == 0)
		pgid = p->pid;
	mutex_lock(&proc_lock);
	err = p->state == PROC_ALIVE ? setpgid_check(cur, p, pgid) : -ESRCH;
	if (err == 0)
		p->pgid = pgid;
	mutex_unlock(&proc_lock);
	process_put(p);
	return err;
}

SYSCALL_DEFINE0(setsid)
{
	struct process *p = current_proc();
	int err;

	mutex_lock(&proc_lock);
	err = pgrp_exists(p->pid, p->sid) || p->pgid == p->pid ? -EPERM : 0;
	if (err == 0) {
		p->sid = p->pid;
		p->pgid = p->pid;
	}
	mutex_unlock(&proc_lock);
	return err ? err : p->pid;
}

/* ---- threads ---- */

SYSCALL_DEFINE2(arch_prctl, int, code, uint64_t, addr)
{
	switch (code) {
	case KARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		current->regs.fs_base = addr;
		return 0;
	case KARCH_GET_FS:
		return copyout(addr, &current->regs.fs_base, sizeof(uint64_t));
	case KARCH_GET_GS:
		return copyout(addr, &current->regs.gs_base, sizeof(uint64_t));
	default:
		/* GS base, CPUID faulting, CET: not on this machine. */
		return -EINVAL;
	}
}

SYSCALL_DEFINE1(set_tid_address, uintptr_t, utid)
{
	current->clear_child_tid = utid;
	return current->tid;
}

SYSCALL_DEFINE2(set_robust_list, uintptr_t, uhead, size_t, len)
{
	if (len != 24)
		return -EINVAL;
	current->robust_list = uhead;
	current->robust_len = len;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, uintptr_t, uhead, uintptr_t, ulen)
{
	uint64_t head = current->robust_list, len = 24;

	if (pid != 0 && pid != current->tid)
		return -EPERM;
	if (copyout(uhead, &head, sizeof(head)) != 0 ||
	    copyout(ulen, &len, sizeof(len)) != 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE0(sched_yield)
{
	schedule_yield();
	return 0;
}

SYSCALL_DEFINE4(reboot, unsigned int, magic1, unsigned int, magic2,
		unsigned int, cmd, uintptr_t, uarg)
{
	(void)uarg;
	if (current_cred()->euid != 0)
		return -EPERM;
	if (magic1 != KREBOOT_MAGIC1 ||
	    (magic2 != 672274793 && magic2 != 85072278 &&
	     magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	switch (cmd) {
	case KREBOOT_CMD_CAD_ON:
	case KREBOOT_CMD_CAD_OFF:
		return 0;
	case KREBOOT_CMD_POWER_OFF:
	case KREBOOT_CMD_HALT:
	case KREBOOT_CMD_RESTART:
		pr_notice("reboot: asked by %s[%d]\n", current->comm,
			  current->tid);
		process_shutdown(0);
	default:
		return -EINVAL;
	}
}
