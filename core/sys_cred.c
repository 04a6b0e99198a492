/*
 * Credentials and resource limits: the get/set calls for real,
 * effective, saved and filesystem user and group IDs and the
 * supplementary groups (struct cred, fs/vfs.h), and getrlimit, setrlimit
 * and prlimit64 on struct process's rlim array.
 *
 * The ID rules are Linux's with "root" meaning effective uid 0 (we have
 * no capabilities): root may set any ID; others may only pick among
 * their current real, effective and saved IDs, as each call allows.  The
 * filesystem ID follows the effective one.  Each task owns its struct
 * cred (current->cred), changed in place by its own thread; musl and
 * glibc make every thread of a process repeat the call.  A task without
 * a cred of its own (a kernel thread) acts as root and cannot change.
 *
 * Locking: a cred is written only by its own task; the rlim array is
 * guarded by proc_lock, which is taken before an fdtable's lock.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/process.h"
#include "core/string.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define KID_NONE	0xffffffffU	/* (uid_t)-1: leave unchanged */
#define KNGROUPS_MAX	32		/* struct cred's groups[] */

/* The four IDs of one kind (user or group) in a struct cred. */
struct ids {
	uint32_t *r, *e, *s, *fs;
};

static struct ids
cred_uids(struct cred *c)
{
	struct ids ids = { &c->uid, &c->euid, &c->suid, &c->fsuid };

	return ids;
}

static struct ids
cred_gids(struct cred *c)
{
	struct ids ids = { &c->gid, &c->egid, &c->sgid, &c->fsgid };

	return ids;
}

/* True if the caller acts as root. */
static bool
is_root(void)
{
	return current_cred()->euid == 0;
}

/* True if id is one of the real, effective or saved IDs. */
static bool
ids_has(const struct ids *ids, uint32_t id)
{
	return id == *ids->r || id == *ids->e || id == *ids->s;
}

/* setuid/setgid: root sets all four, others the effective one to the
 * real or saved ID. */
static long
ids_set(struct ids ids, uint32_t id, bool root)
{
	if (id == KID_NONE)
		return -EINVAL;
	if (root) {
		*ids.r = *ids.s = id;
	} else if (id != *ids.r && id != *ids.s) {
		return -EPERM;
	}
	*ids.e = *ids.fs = id;
	return 0;
}

/* setreuid/setregid: a new real ID must be the real or effective one; a
 * new effective ID any of the three.  The saved ID becomes the new
 * effective one if the real ID was given or the effective one differs
 * from the old real one. */
static long
ids_set_re(struct ids ids, uint32_t r, uint32_t e, bool root)
{
	uint32_t old_r = *ids.r;

	if (r != KID_NONE && !root && r != *ids.r && r != *ids.e)
		return -EPERM;
	if (e != KID_NONE && !root && !ids_has(&ids, e))
		return -EPERM;
	if (r != KID_NONE)
		*ids.r = r;
	if (e != KID_NONE)
		*ids.e = e;
	if (r != KID_NONE || (e != KID_NONE && e != old_r))
		*ids.s = *ids.e;
	*ids.fs = *ids.e;
	return 0;
}

/* setresuid/setresgid: each given ID must be one of the three. */
static long
ids_set_res(struct ids ids, uint32_t r, uint32_t e, uint32_t s, bool root)
{
	if (!root && ((r != KID_NONE && !ids_has(&ids, r)) ||
		      (e != KID_NONE && !ids_has(&ids, e)) ||
		      (s != KID_NONE && !ids_has(&ids, s))))
		return -EPERM;
	if (r != KID_NONE)
		*ids.r = r;
	if (e != KID_NONE)
		*ids.e = e;
	if (s != KID_NONE)
		*ids.s = s;
	*ids.fs = *ids.e;
	return 0;
}

/* setfsuid/setfsgid: the old filesystem ID, whether or not it changed. */
static long
ids_set_fs(struct ids ids, uint32_t id, bool root)
{
	uint32_t old = *ids.fs;

	if (id == KID_NONE)
		return old;
	if (root || ids_has(&ids, id) || id == old)
		*ids.fs = id;
	return old;
}

/* getresuid/getresgid: copy the three IDs out. */
static long
ids_get_res(struct ids ids, uintptr_t ur, uintptr_t ue, uintptr_t us)
{
	if (copyout(ur, ids.r, sizeof(uint32_t)) != 0 ||
	    copyout(ue, ids.e, sizeof(uint32_t)) != 0 ||
	    copyout(us, ids.s, sizeof(uint32_t)) != 0)
		return -EFAULT;
	return 0;
}

/* The caller's own cred to change, or NULL for a task that has none. */
static struct cred *
cred_mut(void)
{
	return current->cred;
}

SYSCALL_DEFINE0(getuid)
{
	return current_cred()->uid;
}

SYSCALL_DEFINE0(geteuid)
{
	return current_cred()->euid;
}

SYSCALL_DEFINE0(getgid)
{
	return current_cred()->gid;
}

SYSCALL_DEFINE0(getegid)
{
	return current_cred()->egid;
}

SYSCALL_DEFINE1(setuid, uint32_t, uid)
{
	struct cred *c = cred_mut();

	return c ? ids_set(cred_uids(c), uid, is_root()) : -EPERM;
}

SYSCALL_DEFINE1(setgid, uint32_t, gid)
{
	struct cred *c = cred_mut();

	return c ? ids_set(cred_gids(c), gid, is_root()) : -EPERM;
}

SYSCALL_DEFINE2(setreuid, uint32_t, ruid, uint32_t, euid)
{
	struct cred *c = cred_mut();

	return c ? ids_set_re(cred_uids(c), ruid, euid, is_root()) : -EPERM;
}

SYSCALL_DEFINE2(setregid, uint32_t, rgid, uint32_t, egid)
{
	struct cred *c = cred_mut();

	return c ? ids_set_re(cred_gids(c), rgid, egid, is_root()) : -EPERM;
}

SYSCALL_DEFINE3(setresuid, uint32_t, ruid, uint32_t, euid, uint32_t, suid)
{
	struct cred *c = cred_mut();

	if (c == NULL)
		return -EPERM;
	return ids_set_res(cred_uids(c), ruid, euid, suid, is_root());
}

SYSCALL_DEFINE3(setresgid, uint32_t, rgid, uint32_t, egid, uint32_t, sgid)
{
	struct cred *c = cred_mut();

	if (c == NULL)
		return -EPERM;
	return ids_set_res(cred_gids(c), rgid, egid, sgid, is_root());
}

SYSCALL_DEFINE3(getresuid, uintptr_t, ur, uintptr_t, ue, uintptr_t, us)
{
	struct cred c = *current_cred();

	return ids_get_res(cred_uids(&c), ur, ue, us);
}

SYSCALL_DEFINE3(getresgid, uintptr_t, ur, uintptr_t, ue, uintptr_t, us)
{
	struct cred c = *current_cred();

	return ids_get_res(cred_gids(&c), ur, ue, us);
}

SYSCALL_DEFINE1(setfsuid, uint32_t, uid)
{
	struct cred *c = cred_mut();

	if (c == NULL)
		return current_cred()->fsuid;
	return ids_set_fs(cred_uids(c), uid, is_root());
}

SYSCALL_DEFINE1(setfsgid, uint32_t, gid)
{
	struct cred *c = cred_mut();

	if (c == NULL)
		return current_cred()->fsgid;
	return ids_set_fs(cred_gids(c), gid, is_root());
}

SYSCALL_DEFINE2(getgroups, int, size, uintptr_t, ulist)
{
	const struct cred *c = current_cred();
	int n = (int)MIN(c->ngroups, KNGROUPS_MAX);

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return n;
	if (size < n)
		return -EINVAL;
	if (n > 0 &&
	    copyout(ulist, c->groups, (size_t)n * sizeof(uint32_t)) != 0)
		return -EFAULT;
	return n;
}

SYSCALL_DEFINE2(setgroups, int, size, uintptr_t, ulist)
{
	uint32_t groups[KNGROUPS_MAX];
	struct cred *c = cred_mut();

	if (c == NULL || !is_root())
		return -EPERM;
	if (size < 0 || size > KNGROUPS_MAX)
		return -EINVAL;
	if (size > 0 &&
	    copyin(groups, ulist, (size_t)size * sizeof(uint32_t)) != 0)
		return -EFAULT;
	memcpy(c->groups, groups, (size_t)size * sizeof(uint32_t));
	c->ngroups = (unsigned int)size;
	return 0;
}

/* ---- resource limits ---- */

/*
 * Linux's rule for prlimit64 on another process: root, or the caller's
 * real IDs equal all of the target's real, effective and saved IDs.
 * The target's IDs are its first live thread's.
 */
static bool
may_prlimit(struct process *p)
{
	const struct cred *me = current_cred(), *cr;
	struct task *t;
	bool ok = false;

	if (p == current_proc() || me->euid == 0)
		return true;
	mutex_lock(&proc_lock);
	if (!list_empty(&p->threads)) {
		t = list_first_entry(&p->threads, struct task, thread_node);
		cr = t->cred;
		ok = cr != NULL && me->uid == cr->uid &&
		     me->uid == cr->euid && me->uid == cr->suid &&
		     me->gid == cr->gid && me->gid == cr->egid &&
		     me->gid == cr->sgid;
	}
	mutex_unlock(&proc_lock);
	return ok;
}

/* Apply a new RLIMIT_NOFILE to p's fd table; the caller holds proc_lock. */
static void
rlimit_nofile_apply(struct process *p, uint64_t cur)
{
	struct fdtable *files = NULL;
	struct task *t;

	if (p == current_proc())
		files = current->files;
	else if (!list_empty(&p->threads)) {
		t = list_first_entry(&p->threads, struct task, thread_node);
		files = t->files;
	}
	/* The table cannot refuse every fd: a zero limit keeps one. */
	if (files != NULL)
		fdtable_set_limit(files, (unsigned int)MAX(1ULL,
			MIN(cur, (uint64_t)FDTABLE_MAX_LIMIT)));
}

/*
 * Read p's limit of resource into *old (if old) and replace it with
 * *new (if new).  Raising the maximum needs root.  0, -EINVAL, -EPERM.
 */
static int
do_prlimit(struct process *p, unsigned int resource,
	   const struct krlimit *new, struct krlimit *old)
{
	struct krlimit cur;

	if (resource >= KRLIMIT_NLIMITS)
		return -EINVAL;
	if (new != NULL && new->cur > new->max)
		return -EINVAL;
	if (new != NULL && resource == KRLIMIT_NOFILE &&
	    new->max > FDTABLE_MAX_LIMIT)
		return -EPERM;
	mutex_lock(&proc_lock);
	cur = p->rlim[resource];
	if (new != NULL && new->max > cur.max && !is_root()) {
		mutex_unlock(&proc_lock);
		return -EPERM;
	}
	if (new != NULL) {
		p->rlim[resource] = *new;
		if (resource == KRLIMIT_NOFILE)
			rlimit_nofile_apply(p, new->cur);
	}
	mutex_unlock(&proc_lock);
	if (old != NULL)
		*old = cur;
	return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, resource, uintptr_t, urlim)
{
	struct krlimit old;
	struct process *p = current_proc();
	int err;

	if (p == NULL)
		return -EINVAL;
	err = do_prlimit(p, resource, NULL, &old);
	if (err)
		return err;
	return copyout(urlim, &old, sizeof(old));
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, uintptr_t, urlim)
{
	struct krlimit new;
	struct process *p = current_proc();

	if (p == NULL)
		return -EINVAL;
	if (copyin(&new, urlim, sizeof(new)) != 0)
		return -EFAULT;
	return do_prlimit(p, resource, &new, NULL);
}

/* The process prlimit64 acts on, referenced: 0, -ESRCH or -EPERM. */
static int
prlimit_target(int pid, struct process **out)
{
	struct process *p = current_proc();

	if (p == NULL)
		return -ESRCH;
	if (pid == 0 || pid == p->pid) {
		process_get(p);
	} else {
		p = process_find(pid);
		if (p == NULL)
			return -ESRCH;
		if (!may_prlimit(p)) {
			process_put(p);
			return -EPERM;
		}
	}
	*out = p;
	return 0;
}

/* prlimit64(2): read and/or replace a limit of pid (0: the caller). */
SYSCALL_DEFINE4(prlimit64, int, pid, unsigned int, resource,
		uintptr_t, unew, uintptr_t, uold)
{
	struct krlimit new, old;
	struct process *p;
	int err;

	if (unew != 0 && copyin(&new, unew, sizeof(new)) != 0)
		return -EFAULT;
	err = prlimit_target(pid, &p);
	if (err)
		return err;
	err = do_prlimit(p, resource, unew != 0 ? &new : NULL,
			 uold != 0 ? &old : NULL);
	process_put(p);
	if (err == 0 && uold != 0 && copyout(uold, &old, sizeof(old)) != 0)
		err = -EFAULT;
	return err;
}
