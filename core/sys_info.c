/*
 * Informational system calls: who the system is (uname, sethostname,
 * setdomainname, with the strings core/utsname.h exports), how it is
 * doing (sysinfo), the kernel log for dmesg (syslog), entropy
 * (getrandom), per-process odds and ends (prctl, getpriority,
 * setpriority) and the one-CPU answers to sched_{get,set}affinity and
 * getcpu.
 *
 * struct process has no field for the nice value, the parent-death
 * signal or the dumpable flag, so they live in a small table keyed by
 * (pid, start time), which tells a reused pid apart; a process without
 * an entry has the defaults (nice 0, no signal, dumpable).  The nice
 * value is bookkeeping only: the RR scheduler does not weigh it.
 *
 * Locking: the names are guarded by disabling interrupts; the attribute
 * table by attr_lock, taken before proc_lock.
 */
#include "arch-host/arch.h"
#include "config.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/page.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/timer.h"
#include "core/utsname.h"
#include "fs/vfs.h"

/* ---- names ---- */

static char uts_hostname[KUTS_LEN] = "(none)";		/* [i] */
static char uts_domainname[KUTS_LEN] = "(none)";	/* [i] */

const char *
utsname_sysname(void)
{
	return "Linux";
}

const char *
utsname_release(void)
{
	return "6.1.0-vmlinux-host";
}

const char *
utsname_version(void)
{
	return "#1 SMP vmlinux-host " PACKAGE_VERSION;
}

const char *
utsname_machine(void)
{
	return "x86_64";
}

const char *
utsname_hostname(void)
{
	return uts_hostname;
}

const char *
utsname_domainname(void)
{
	return uts_domainname;
}

void
utsname_copy(struct kutsname *u)
{
	unsigned long s;

	memset(u, 0, sizeof(*u));
	kstrlcpy(u->sysname, utsname_sysname(), KUTS_LEN);
	kstrlcpy(u->release, utsname_release(), KUTS_LEN);
	kstrlcpy(u->version, utsname_version(), KUTS_LEN);
	kstrlcpy(u->machine, utsname_machine(), KUTS_LEN);
	s = arch_intr_save();
	kstrlcpy(u->nodename, uts_hostname, KUTS_LEN);
	kstrlcpy(u->domainname, uts_domainname, KUTS_LEN);
	arch_intr_restore(s);
}

/* Replace dst (KUTS_LEN bytes) with the len bytes at name. */
static int
uts_set(char *dst, const char *name, size_t len)
{
	unsigned long s;

	if (len > KHOST_NAME_MAX)
		return -EINVAL;
	s = arch_intr_save();
	memset(dst, 0, KUTS_LEN);
	memcpy(dst, name, strnlen(name, len));
	arch_intr_restore(s);
	return 0;
}

int
utsname_set_hostname(const char *name, size_t len)
{
	return uts_set(uts_hostname, name, len);
}

int
utsname_set_domainname(const char *name, size_t len)
{
	return uts_set(uts_domainname, name, len);
}

/* True if the caller acts as root (effective uid 0). */
static bool
caller_is_root(void)
{
	return current_cred()->euid == 0;
}

SYSCALL_DEFINE1(uname, uintptr_t, ubuf)
{
	struct kutsname u;

	utsname_copy(&u);
	return copyout(ubuf, &u, sizeof(u));
}

/* sethostname and setdomainname: check, copy in, store. */
static long
uts_set_from_user(char *dst, uintptr_t uname, int len)
{
	char buf[KHOST_NAME_MAX];
	int err;

	if (!caller_is_root())
		return -EPERM;
	if (len < 0 || len > KHOST_NAME_MAX)
		return -EINVAL;
	err = copyin(buf, uname, (size_t)len);
	if (err)
		return err;
	return uts_set(dst, buf, (size_t)len);
}

SYSCALL_DEFINE2(sethostname, uintptr_t, uname, int, len)
{
	return uts_set_from_user(uts_hostname, uname, len);
}

SYSCALL_DEFINE2(setdomainname, uintptr_t, uname, int, len)
{
	return uts_set_from_user(uts_domainname, uname, len);
}

/* ---- sysinfo ---- */

/* struct sysinfo of x86-64 Linux. */
struct ksysinfo {
	int64_t uptime;			/* seconds since boot */
	uint64_t loads[3];		/* 1, 5, 15 minute loads << 16 */
	uint64_t totalram, freeram, sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs;
	uint16_t pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;		/* bytes per unit of the sizes */
	uint32_t pad3;
};
_Static_assert(sizeof(struct ksysinfo) == 112, "struct sysinfo is 112 bytes");

SYSCALL_DEFINE1(sysinfo, uintptr_t, uinfo)
{
	struct ksysinfo si;
	uint64_t up = ktime_ns();
	int procs = process_count();

	memset(&si, 0, sizeof(si));
	/* Linux rounds the uptime up to the next second. */
	si.uptime = (int64_t)((up + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
	si.totalram = (uint64_t)nr_frames * PAGE_SIZE;
	si.freeram = (uint64_t)buddy_free_frames() * PAGE_SIZE;
	si.procs = (uint16_t)MIN(procs, 0xffff);
	si.mem_unit = 1;
	return copyout(uinfo, &si, sizeof(si));
}

/* ---- syslog ---- */

#define KSYSLOG_ACTION_CLOSE		0
#define KSYSLOG_ACTION_OPEN		1
#define KSYSLOG_ACTION_READ		2
#define KSYSLOG_ACTION_READ_ALL		3
#define KSYSLOG_ACTION_READ_CLEAR	4
#define KSYSLOG_ACTION_CLEAR		5
#define KSYSLOG_ACTION_CONSOLE_OFF	6
#define KSYSLOG_ACTION_CONSOLE_ON	7
#define KSYSLOG_ACTION_CONSOLE_LEVEL	8
#define KSYSLOG_ACTION_SIZE_UNREAD	9
#define KSYSLOG_ACTION_SIZE_BUFFER	10

#define KSYSLOG_BUF_SIZE	(128 * KIB)	/* printk's ring */
#define KCONSOLE_LEVEL_MIN	1	/* CONSOLE_OFF: emergencies only */

static struct mutex syslog_lock = MUTEX_INIT(syslog_lock, "syslog");
static int saved_console_level = -1;	/* [syslog_lock] -1: none */

/* READ_ALL (and READ, which is not destructive here): copy the log out. */
static long
syslog_read(uintptr_t ubuf, int len, bool clear)
{
	size_t n;
	char *buf;
	long ret;

	if (ubuf == 0 || len < 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	n = MIN((size_t)len, printk_ring_used());
	if (n == 0)
		return 0;
	buf = kmalloc(n);
	if (buf == NULL)
		return -ENOMEM;
	n = printk_ring_copy(buf, n);
	ret = copyout(ubuf, buf, n);
	if (ret == 0)
		ret = (long)n;
	if (ret >= 0 && clear)
		printk_ring_clear();
	kfree(buf);
	return ret;
}

/* The console-level actions; the caller holds syslog_lock. */
static long
syslog_console(int type, int len)
{
	switch (type) {
	case KSYSLOG_ACTION_CONSOLE_OFF:
		if (saved_console_level == -1)
			saved_console_level = printk_console_level();
		printk_set_console_level(KCONSOLE_LEVEL_MIN);
		return 0;
	case KSYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_level != -1) {
			printk_set_console_level(saved_console_level);
			saved_console_level = -1;
		}
		return 0;
	default:
		if (len < 1 || len > 8)
			return -EINVAL;
		printk_set_console_level(MAX(len, KCONSOLE_LEVEL_MIN));
		saved_console_level = -1;
		return 0;
	}
}

/*
 * syslog(2) (klogctl) as dmesg and klogd use it.  READ does not block
 * or consume: it reads like READ_ALL.  SIZE_UNREAD is the whole log's
 * size (nothing tracks what was read); SIZE_BUFFER at least printk's
 * ring size, and enough for the formatted log.
 */
SYSCALL_DEFINE3(syslog, int, type, uintptr_t, ubuf, int, len)
{
	long ret;

	/* As Linux with dmesg_restrict=0: anyone may read the log. */
	if (type != KSYSLOG_ACTION_READ_ALL &&
	    type != KSYSLOG_ACTION_SIZE_BUFFER && !caller_is_root())
		return -EPERM;
	switch (type) {
	case KSYSLOG_ACTION_CLOSE:
	case KSYSLOG_ACTION_OPEN:
		return 0;
	case KSYSLOG_ACTION_READ:
	case KSYSLOG_ACTION_READ_ALL:
		return syslog_read(ubuf, len, false);
	case KSYSLOG_ACTION_READ_CLEAR:
		return syslog_read(ubuf, len, true);
	case KSYSLOG_ACTION_CLEAR:
		printk_ring_clear();
		return 0;
	case KSYSLOG_ACTION_CONSOLE_OFF:
	case KSYSLOG_ACTION_CONSOLE_ON:
	case KSYSLOG_ACTION_CONSOLE_LEVEL:
		mutex_lock(&syslog_lock);
		ret = syslog_console(type, len);
		mutex_unlock(&syslog_lock);
		return ret;
	case KSYSLOG_ACTION_SIZE_UNREAD:
		return (long)printk_ring_used();
	case KSYSLOG_ACTION_SIZE_BUFFER:
		return (long)MAX(KSYSLOG_BUF_SIZE,
				 ALIGN_UP(printk_ring_used(), PAGE_SIZE));
	default:
		return -EINVAL;
	}
}

/* ---- getrandom ---- */

#define KGRND_NONBLOCK	0x0001
#define KGRND_RANDOM	0x0002
#define KGRND_INSECURE	0x0004
#define KGRND_MAX	(32 * MIB)	/* bytes per call */
#define KGRND_CHUNK	256

/* getrandom(2): the host's entropy, never blocking; up to 32 MiB. */
SYSCALL_DEFINE3(getrandom, uintptr_t, ubuf, size_t, count, unsigned int, flags)
{
	uint8_t buf[KGRND_CHUNK];
	size_t done = 0, n;

	if (flags & ~(KGRND_NONBLOCK | KGRND_RANDOM | KGRND_INSECURE))
		return -EINVAL;
	if ((flags & KGRND_RANDOM) && (flags & KGRND_INSECURE))
		return -EINVAL;
	count = MIN(count, KGRND_MAX);
	while (done < count) {
		n = MIN(count - done, sizeof(buf));
		arch_random_bytes(buf, n);
		if (copyout(ubuf + done, buf, n) != 0)
			break;
		done += n;
		/* Like Linux, a long request stops early for a signal. */
		if (done % PAGE_SIZE == 0 && done < count && signal_pending())
			break;
	}
	memset(buf, 0, sizeof(buf));
	if (done == 0 && count != 0)
		return -EFAULT;
	return (long)done;
}

/* ---- per-process attributes: nice, pdeathsig, dumpable ---- */

#define ATTR_SLOTS	64

struct proc_attr {
	int pid;			/* 0: free slot */
	uint64_t start_ns;		/* tells a reused pid apart */
	int nice;
	int pdeathsig;
	int dumpable;
};

static struct mutex attr_lock = MUTEX_INIT(attr_lock, "proc_attr");
static struct proc_attr attrs[ATTR_SLOTS];	/* [attr_lock] */

static const struct proc_attr attr_default = { .dumpable = 1 };

/* True if slot a belongs to a process that still exists. */
static bool
attr_alive(const struct proc_attr *a)
{
	struct process *p = process_find(a->pid);
	bool alive = p != NULL && p->start_ns == a->start_ns;

	if (p != NULL)
		process_put(p);
	return alive;
}

/* A free slot, after forgetting the processes that are gone; NULL if
 * every slot holds a live process.  The caller holds attr_lock. */
static struct proc_attr *
attr_free_slot(void)
{
	struct proc_attr *a, *free_slot = NULL;

	for (a = attrs; a < attrs + ATTR_SLOTS; a++) {
		if (a->pid != 0 && !attr_alive(a))
			a->pid = 0;
		if (a->pid == 0 && free_slot == NULL)
			free_slot = a;
	}
	return free_slot;
}

/* p's slot, or NULL; with create, a new one with the defaults (NULL if
 * the table is full of live processes).  The caller holds attr_lock. */
static struct proc_attr *
attr_find(struct process *p, bool create)
{
	struct proc_attr *a;

	for (a = attrs; a < attrs + ATTR_SLOTS; a++)
		if (a->pid == p->pid && a->start_ns == p->start_ns)
			return a;
	if (!create || (a = attr_free_slot()) == NULL)
		return NULL;
	*a = attr_default;
	a->pid = p->pid;
	a->start_ns = p->start_ns;
	return a;
}

/* A copy of p's attributes. */
static struct proc_attr
attr_get(struct process *p)
{
	struct proc_attr *a, copy = attr_default;

	mutex_lock(&attr_lock);
	a = attr_find(p, false);
	if (a != NULL)
		copy = *a;
	mutex_unlock(&attr_lock);
	return copy;
}

/* Store one attribute of p (field: offset in struct proc_attr). */
static int
attr_set(struct process *p, size_t field, int value)
{
	struct proc_attr *a;
	int err = 0;

	mutex_lock(&attr_lock);
	a = attr_find(p, true);
	if (a == NULL)
		err = -EAGAIN;
	else
		*(int *)((char *)a + field) = value;
	mutex_unlock(&attr_lock);
	return err;
}

/* ---- prctl ---- */

#define KPR_SET_PDEATHSIG	1
#define KPR_GET_PDEATHSIG	2
#define KPR_GET_DUMPABLE	3
#define KPR_SET_DUMPABLE	4
#define KPR_SET_NAME		15
#define KPR_GET_NAME		16

/* PR_SET_NAME: the thread's name; the process's too for the leader. */
static long
prctl_set_name(uintptr_t uname)
{
	char name[TASK_COMM_LEN];
	struct process *p = current_proc();
	unsigned long s;
	long n;

	memset(name, 0, sizeof(name));
	n = copyinstr(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG) {
		/* Linux truncates a long name silently. */
		memset(name, 0, sizeof(name));
		n = copyin(name, uname, sizeof(name) - 1);
	}
	if (n < 0)
		return n;
	s = arch_intr_save();
	memcpy(current->comm, name, sizeof(name));
	arch_intr_restore(s);
	if (p != NULL && p->pid == current->tid)
		memcpy(p->comm, name, sizeof(p->comm));
	return 0;
}

/* PR_GET_NAME: copy the thread's name out (16 bytes). */
static long
prctl_get_name(uintptr_t uname)
{
	char name[TASK_COMM_LEN];
	unsigned long s = arch_intr_save();

	memcpy(name, current->comm, sizeof(name));
	arch_intr_restore(s);
	name[TASK_COMM_LEN - 1] = '\0';
	return copyout(uname, name, sizeof(name));
}

/*
 * prctl(2): names, the parent-death signal (stored, not yet delivered)
 * and the dumpable flag; any other option is -EINVAL.
 */
SYSCALL_DEFINE5(prctl, int, option, uint64_t, arg2, uint64_t, arg3,
		uint64_t, arg4, uint64_t, arg5)
{
	struct process *p = current_proc();
	int sig;

	(void)arg3;
	(void)arg4;
	(void)arg5;
	if (p == NULL)
		return -EINVAL;
	switch (option) {
	case KPR_SET_NAME:
		return prctl_set_name((uintptr_t)arg2);
	case KPR_GET_NAME:
		return prctl_get_name((uintptr_t)arg2);
	case KPR_SET_PDEATHSIG:
		if (arg2 > NSIG)
			return -EINVAL;
		return attr_set(p, offsetof(struct proc_attr, pdeathsig),
				(int)arg2);
	case KPR_GET_PDEATHSIG:
		sig = attr_get(p).pdeathsig;
		return copyout((uintptr_t)arg2, &sig, sizeof(sig));
	case KPR_GET_DUMPABLE:
		return attr_get(p).dumpable;
	case KPR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		return attr_set(p, offsetof(struct proc_attr, dumpable),
				(int)arg2);
	default:
		return -EINVAL;
	}
}

/* ---- getpriority, setpriority ---- */

#define KPRIO_PROCESS	0
#define KPRIO_PGRP	1
#define KPRIO_USER	2
#define KNICE_MIN	(-20)
#define KNICE_MAX	19

/*
 * The process that which/who names, referenced: PRIO_PROCESS looks the
 * pid up; PRIO_PGRP and PRIO_USER only know the caller's own group and
 * user (0 or its id), which select the caller alone.  0, -EINVAL, -ESRCH.
 */
static int
prio_target(int which, int who, struct process **out)
{
	struct process *self = current_proc();
	bool mine;

	if (self == NULL)
		return -ESRCH;
	switch (which) {
	case KPRIO_PROCESS:
		if (who != 0 && who != self->pid) {
			*out = process_find(who);
			return *out != NULL ? 0 : -ESRCH;
		}
		mine = true;
		break;
	case KPRIO_PGRP:
		mine = who == 0 || who == self->pgid;
		break;
	case KPRIO_USER:
		mine = who == 0 || (uint32_t)who == current_cred()->uid;
		break;
	default:
		return -EINVAL;
	}
	if (!mine)
		return -ESRCH;
	process_get(self);
	*out = self;
	return 0;
}

/* The credentials p's first live thread acts with (NULL: root). */
static const struct cred *
proc_cred(struct process *p)
{
	const struct cred *cr = NULL;
	struct task *t;

	mutex_lock(&proc_lock);
	if (!list_empty(&p->threads)) {
		t = list_first_entry(&p->threads, struct task, thread_node);
		cr = t->cred;
	}
	mutex_unlock(&proc_lock);
	return cr;
}

/* True if the caller may change p's nice value (or affinity). */
static bool
may_change(struct process *p)
{
	const struct cred *me = current_cred(), *cr;

	if (me->euid == 0 || p == current_proc())
		return true;
	cr = proc_cred(p);
	return cr != NULL && (cr->uid == me->euid || cr->euid == me->euid);
}

/* getpriority(2): 20 - nice, as the raw system call returns it. */
SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	struct process *p;
	int err = prio_target(which, who, &p);

	if (err)
		return err;
	err = 20 - attr_get(p).nice;
	process_put(p);
	return err;
}

/* setpriority(2): only root may lower a nice value (no RLIMIT_NICE). */
SYSCALL_DEFINE3(setpriority, int, which, int, who, int, nice)
{
	struct process *p;
	int err = prio_target(which, who, &p);

	if (err)
		return err;
	nice = MAX(KNICE_MIN, MIN(nice, KNICE_MAX));
	if (!may_change(p))
		err = -EPERM;
	else if (nice < attr_get(p).nice && !caller_is_root())
		err = -EACCES;
	else
		err = attr_set(p, offsetof(struct proc_attr, nice), nice);
	process_put(p);
	return err;
}

/* ---- one CPU: affinity and getcpu ---- */

#define KCPUMASK_SIZE	8	/* bytes of the kernel's cpumask */

/* Resolve pid (0: the caller) for the affinity calls: 0 or -ESRCH,
 * -EPERM (set only). */
static int
affinity_target(int pid, bool set)
{
	struct process *p;
	int err = 0;

	if (pid == 0 || pid == current->tid)
		return 0;
	p = process_find(pid);
	if (p == NULL)
		return -ESRCH;
	if (set && !may_change(p))
		err = -EPERM;
	process_put(p);
	return err;
}

/* sched_getaffinity(2): CPU 0; returns the mask's size, 8 bytes. */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len,
		uintptr_t, umask)
{
	uint64_t mask = 1;
	int err;

	if (len == 0 || len % sizeof(uint64_t) != 0)
		return -EINVAL;
	err = affinity_target(pid, false);
	if (err)
		return err;
	err = copyout(umask, &mask, KCPUMASK_SIZE);
	return err ? err : KCPUMASK_SIZE;
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len,
		uintptr_t, umask)
{
	uint64_t mask = 0;
	int err;

	err = copyin(&mask, umask, MIN(len, KCPUMASK_SIZE));
	if (err)
		return err;
	err = affinity_target(pid, true);
	if (err)
		return err;
	/* The new mask must contain an online CPU: CPU 0 is the only one. */
	return (mask & 1) ? 0 : -EINVAL;
}

SYSCALL_DEFINE3(getcpu, uintptr_t, ucpu, uintptr_t, unode, uintptr_t, ucache)
{
	unsigned int zero = 0;

	(void)ucache;
	if (ucpu != 0 && copyout(ucpu, &zero, sizeof(zero)) != 0)
		return -EFAULT;
	if (unode != 0 && copyout(unode, &zero, sizeof(zero)) != 0)
		return -EFAULT;
	return 0;
}
