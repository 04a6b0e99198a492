/*
 * The system call table: core/syscalls.h expanded into handlers and
 * names indexed by Linux x86-64 numbers, and the dispatcher that the user
 * mode loop (core/user.c) calls for every trapped system call.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/syscall.h"

#define NR_SYSCALLS	448

struct syscall_entry {
	long (*fn)(const uint64_t *args);
	const char *name;
};

static const struct syscall_entry syscall_table[NR_SYSCALLS] = {
#define SYSCALL(nr, n)	[nr] = { sys_##n, #n },
#define SYSNAME(nr, n)	[nr] = { NULL, #n },
#include "core/syscalls.h"
#undef SYSCALL
#undef SYSNAME
};

const char *
syscall_name(unsigned long nr)
{
	return nr < NR_SYSCALLS ? syscall_table[nr].name : NULL;
}

/*
 * Say once per process which call it made that has no handler.  The
 * first NOSYS_LOGGED distinct numbers are remembered per process.
 */
static void
log_nosys(unsigned long nr)
{
	struct process *p = current_proc();
	const char *name = syscall_name(nr);

	if (p != NULL && !process_note_nosys(p, nr))
		return;
	if (name != NULL)
		pr_info("%s[%d]: system call %s (%lu) not implemented\n",
			current->comm, p != NULL ? p->pid : 0, name, nr);
	else
		pr_info("%s[%d]: unknown system call %lu\n", current->comm,
			p != NULL ? p->pid : 0, nr);
}

long
syscall_dispatch(unsigned long nr, const uint64_t *args)
{
	if (nr < NR_SYSCALLS && syscall_table[nr].fn != NULL)
		return syscall_table[nr].fn(args);
	log_nosys(nr);
	return -ENOSYS;
}
