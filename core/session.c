/*
 * Sessions and process groups, as the terminal layer asks about them
 * (core/session.h): a walk of the process table under proc_lock.
 */
#include "core/process.h"
#include "core/session.h"

bool
pgrp_in_session(int pgid, int sid)
{
	bool found = false;

	if (pgid <= 0)
		return false;
	mutex_lock(&proc_lock);
	for (int pid = 1; pid < TID_MAX && !found; pid++) {
		struct process *q = process_find_locked(pid);

		found = q != NULL && q->state == PROC_ALIVE &&
			q->pgid == pgid && q->sid == sid;
	}
	mutex_unlock(&proc_lock);
	return found;
}
