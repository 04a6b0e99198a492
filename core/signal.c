/*
 * Signals: sending, pending sets, the questions sleepers and the terminal
 * ask, and delivery on return to user mode (DESIGN.md section 4).
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal.h"
#include "core/string.h"

static void (*session_exit_hook)(int sid);	/* [I] drivers/tty */

void
session_exit_hook_register(void (*fn)(int sid))
{
	session_exit_hook = fn;
}

int
kill_pgrp(int pgid, int sig)
{
	int found = 0;

	if (pgid <= 0)
		return -ESRCH;
	for (int pid = 1; pid < TID_MAX; pid++) {
		struct process *q = process_find(pid);

		if (q == NULL)
			continue;
		if (q->state == PROC_ALIVE && q->pgid == pgid) {
			send_signal(q, sig);
			found++;
		}
		process_put(q);
	}
	return found ? 0 : -ESRCH;
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
pgrp_is_orphaned(int pgid)
{
	bool orphaned = true;

	mutex_lock(&proc_lock);
	for (int pid = 1; pid < TID_MAX && orphaned; pid++) {
		struct process *q = process_find_locked(pid);
		struct process *par;

		if (q == NULL || q->state != PROC_ALIVE || q->pgid != pgid)
			continue;
		par = q->parent;
		if (par != NULL && par->pgid != pgid && par->sid == q->sid)
			orphaned = false;
	}
	mutex_unlock(&proc_lock);
	return orphaned;
}

int
send_signal_info(struct process *p, struct task *t, int sig,
		 const struct ksiginfo *info)
{
	(void)t;
	(void)info;
	return send_signal(p, sig);
}
