/*
 * System calls that name files by path, part two: attributes.  The stat
 * family (stat, lstat, fstat, newfstatat, statx), access and faccessat,
 * chmod and chown by path and fd, utimensat, truncate, statfs and umask.
 *
 * As core/sys_path.c (whose at_path helpers these use), this layer checks
 * and converts arguments only: fs/stat.c does the lookups and permission
 * rules and fills struct kstat, which statx converts to struct kstatx.
 */
#include "core/abi.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/string.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

/* statx(2) flags we take (the sync type is ignored: nothing is remote). */
#define STATX_FLAGS	(KAT_SYMLINK_NOFOLLOW | KAT_NO_AUTOMOUNT |	\
			 KAT_EMPTY_PATH | KAT_STATX_SYNC_TYPE)

/* ---- the stat family ---- */

/* stat of dfd/upath (at_flags as newfstatat's) into the guest's ust. */
static long
stat_at(int dfd, uintptr_t upath, uintptr_t ust, unsigned int at_flags)
{
	struct at_path ap;
	struct kstat st;
	int err;

	/* There is no automounting: KAT_NO_AUTOMOUNT changes nothing. */
	at_flags &= ~(unsigned int)KAT_NO_AUTOMOUNT;
	err = at_path_get(&ap, dfd, upath, at_flags);
	if (err == 0)
		err = vfs_stat(ap.base, ap.name, at_flags, &st);
	at_path_put(&ap);
	if (err == 0 && copyout(ust, &st, sizeof(st)) != 0)
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE2(stat, uintptr_t, upath, uintptr_t, ust)
{
	return stat_at(KAT_FDCWD, upath, ust, 0);
}

SYSCALL_DEFINE2(lstat, uintptr_t, upath, uintptr_t, ust)
{
	return stat_at(KAT_FDCWD, upath, ust, KAT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dfd, uintptr_t, upath, uintptr_t, ust,
		int, flags)
{
	return stat_at(dfd, upath, ust, (unsigned int)flags);
}

SYSCALL_DEFINE2(fstat, int, fd, uintptr_t, ust)
{
	struct kstat st;
	struct file *f;
	int err;

	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = vfs_fstat(f, &st);
	file_put(f);
	if (err == 0 && copyout(ust, &st, sizeof(st)) != 0)
		err = -EFAULT;
	return err;
}

static struct kstatx_timestamp
statx_time(struct ktimespec t)
{
	struct kstatx_timestamp x = {
		.tv_sec = t.tv_sec, .tv_nsec = (uint32_t)t.tv_nsec,
	};

	return x;
}

/* Convert st to x: the basic stats; there is no birth time. */
static void
statx_fill(const struct kstat *st, struct kstatx *x)
{
	memset(x, 0, sizeof(*x));
	x->stx_mask = KSTATX_BASIC_STATS;
	x->stx_blksize = (uint32_t)st->st_blksize;
	x->stx_nlink = (uint32_t)st->st_nlink;
	x->stx_uid = st->st_uid;
	x->stx_gid = st->st_gid;
	x->stx_mode = (uint16_t)st->st_mode;
	x->stx_ino = st->st_ino;
	x->stx_size = (uint64_t)st->st_size;
	x->stx_blocks = (uint64_t)st->st_blocks;
	x->stx_atime = statx_time(st->st_atim);
	x->stx_mtime = statx_time(st->st_mtim);
	x->stx_ctime = statx_time(st->st_ctim);
	x->stx_rdev_major = KMAJOR((uint32_t)st->st_rdev);
	x->stx_rdev_minor = KMINOR((uint32_t)st->st_rdev);
	x->stx_dev_major = KMAJOR((uint32_t)st->st_dev);
	x->stx_dev_minor = KMINOR((uint32_t)st->st_dev);
}

/*
 * statx(2): what we have whatever mask asks for (the basic stats);
 * stx_mask says which.  The sync-type flags are checked, then ignored.
 */
SYSCALL_DEFINE5(statx, int, dfd, uintptr_t, upath, unsigned int, flags,
		unsigned int, mask, uintptr_t, ubuf)
{
	struct at_path ap;
	struct kstatx x;
	struct kstat st;
	unsigned int at_flags = flags & (KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH);
	int err;

	if (flags & ~STATX_FLAGS)
		return -EINVAL;
	if ((flags & KAT_STATX_SYNC_TYPE) == KAT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & KSTATX__RESERVED)
		return -EINVAL;
	err = at_path_get(&ap, dfd, upath, at_flags);
	if (err == 0)
		err = vfs_stat(ap.base, ap.name, at_flags, &st);
	at_path_put(&ap);
	if (err != 0)
		return err;
	statx_fill(&st, &x);
	return copyout(ubuf, &x, sizeof(x)) != 0 ? -EFAULT : 0;
}

/* ---- access ---- */

/* access(2) at dfd; the VFS checks mode and at_flags. */
static long
access_at(int dfd, uintptr_t upath, int mode, unsigned int at_flags)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, dfd, upath, at_flags);
	if (err == 0)
		err = vfs_access(ap.base, ap.name, mode, at_flags);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE2(access, uintptr_t, upath, int, mode)
{
	return access_at(KAT_FDCWD, upath, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dfd, uintptr_t, upath, int, mode)
{
	return access_at(dfd, upath, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dfd, uintptr_t, upath, int, mode,
		int, flags)
{
	return access_at(dfd, upath, mode, (unsigned int)flags);
}

/* ---- owner and permissions ---- */

/*
 * chmod(2) at dfd.  The raw fchmodat(2) has no flags argument (glibc and
 * musl emulate AT_SYMLINK_NOFOLLOW); fchmodat2(2) would pass them here,
 * where the VFS answers -EOPNOTSUPP for a symlink.
 */
static long
chmod_at(int dfd, uintptr_t upath, uint32_t mode, unsigned int at_flags)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, dfd, upath, at_flags);
	if (err == 0)
		err = vfs_chmod(ap.base, ap.name, mode, at_flags);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE2(chmod, uintptr_t, upath, uint32_t, mode)
{
	return chmod_at(KAT_FDCWD, upath, mode, 0);
}

SYSCALL_DEFINE3(fchmodat, int, dfd, uintptr_t, upath, uint32_t, mode)
{
	return chmod_at(dfd, upath, mode, 0);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	struct file *f;
	int err;

	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = vfs_fchmod(f, mode);
	file_put(f);
	return err;
}

/* chown(2) at dfd; (uint32_t)-1 leaves an id as it is. */
static long
chown_at(int dfd, uintptr_t upath, uint32_t uid, uint32_t gid,
	 unsigned int at_flags)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, dfd, upath, at_flags);
	if (err == 0)
		err = vfs_chown(ap.base, ap.name, uid, gid, at_flags);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE3(chown, uintptr_t, upath, uint32_t, uid, uint32_t, gid)
{
	return chown_at(KAT_FDCWD, upath, uid, gid, 0);
}

SYSCALL_DEFINE3(lchown, uintptr_t, upath, uint32_t, uid, uint32_t, gid)
{
	return chown_at(KAT_FDCWD, upath, uid, gid, KAT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE5(fchownat, int, dfd, uintptr_t, upath, uint32_t, uid,
		uint32_t, gid, int, flags)
{
	return chown_at(dfd, upath, uid, gid, (unsigned int)flags);
}

SYSCALL_DEFINE3(fchown, int, fd, uint32_t, uid, uint32_t, gid)
{
	struct file *f;
	int err;

	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = vfs_fchown(f, uid, gid);
	file_put(f);
	return err;
}

/* umask(2): the old mask. */
SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	return vfs_umask(mask & 0777);
}

/* ---- times ---- */

/* futimens(3): utimensat(2) on fd itself, which takes no flags. */
static long
utimens_fd(int fd, const struct ktimespec *ts, int flags)
{
	struct file *f;
	int err;

	if (flags != 0)
		return -EINVAL;
	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = vfs_futimens(f, ts);
	file_put(f);
	return err;
}

/*
 * utimensat(2): utimes NULL sets both times to now; UTIME_NOW and
 * UTIME_OMIT as usual (both omitted: 0 at once, the path unchecked).  A
 * NULL path with a real dirfd is futimens(fd), as Linux allows.
 */
SYSCALL_DEFINE4(utimensat, int, dfd, uintptr_t, upath, uintptr_t, utimes,
		int, flags)
{
	struct ktimespec ts[2], *tp = NULL;
	struct at_path ap;
	int err;

	if (utimes != 0) {
		if (copyin(ts, utimes, sizeof(ts)) != 0)
			return -EFAULT;
		if (ts[0].tv_nsec == KUTIME_OMIT &&
		    ts[1].tv_nsec == KUTIME_OMIT)
			return 0;
		tp = ts;
	}
	if (upath == 0 && dfd != KAT_FDCWD)
		return utimens_fd(dfd, tp, flags);
	if (flags & ~(KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH))
		return -EINVAL;
	err = at_path_get(&ap, dfd, upath, (unsigned int)flags);
	if (err == 0)
		err = vfs_utimens(ap.base, ap.name, tp, (unsigned int)flags);
	at_path_put(&ap);
	return err;
}

/* ---- size and filesystem ---- */

/* truncate(2); ftruncate(2) is with the other fd calls. */
SYSCALL_DEFINE2(truncate, uintptr_t, upath, int64_t, length)
{
	struct at_path ap;
	int err;

	if (length < 0)
		return -EINVAL;
	err = at_path_get(&ap, KAT_FDCWD, upath, 0);
	if (err == 0)
		err = vfs_truncate(NULL, ap.name, (uint64_t)length);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE2(statfs, uintptr_t, upath, uintptr_t, ubuf)
{
	struct at_path ap;
	struct kstatfs st;
	int err;

	err = at_path_get(&ap, KAT_FDCWD, upath, 0);
	if (err == 0)
		err = vfs_statfs(NULL, ap.name, &st);
	at_path_put(&ap);
	if (err == 0 && copyout(ubuf, &st, sizeof(st)) != 0)
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE2(fstatfs, int, fd, uintptr_t, ubuf)
{
	struct kstatfs st;
	struct file *f;
	int err;

	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = vfs_fstatfs(f, &st);
	file_put(f);
	if (err == 0 && copyout(ubuf, &st, sizeof(st)) != 0)
		err = -EFAULT;
	return err;
}
