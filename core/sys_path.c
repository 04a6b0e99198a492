/*
 * System calls that name files by path, part one: opening, the namespace
 * (mkdir, mknod, link, symlink, unlink, rmdir, rename, readlink), the
 * current and root directories, getdents64, mount and umount, sync.  The
 * attribute calls (stat, chmod, utimensat, ...) are in core/sys_stat.c.
 *
 * As xv6's sysfile.c, this layer only checks and converts arguments: it
 * copies paths in from the guest (at most VFS_PATH_MAX bytes with the NUL,
 * -ENAMETOOLONG beyond), turns an *at() call's dirfd into the VFS's base
 * (KAT_FDCWD and absolute paths: none), and calls fs/vfs.h, which does
 * the walk, the permission and type checks and the umask.  Results go
 * back through copyout.
 */
#include "core/abi.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "fs/writeback.h"

/* The O_TMPFILE bit without O_DIRECTORY (Linux's __O_TMPFILE). */
#define KO_TMPFILE_BIT	(KO_TMPFILE & ~KO_DIRECTORY)
/* What an O_PATH open keeps of its flags. */
#define KO_PATH_FLAGS	(KO_PATH | KO_DIRECTORY | KO_NOFOLLOW | KO_CLOEXEC)
/* A getdents64 bounce buffer is at most this big (a short read is fine). */
#define GETDENTS_MAX	(32 * 1024)

/* mount(2) flags accepted but not enforced yet (per-mount attributes). */
#define MOUNT_IGNORED	(KMS_NOSUID | KMS_NODEV | KMS_NOEXEC |		\
			 KMS_SYNCHRONOUS | KMS_MANDLOCK | KMS_DIRSYNC |	\
			 KMS_NOSYMFOLLOW | KMS_NOATIME |		\
			 KMS_NODIRATIME | KMS_SILENT | KMS_RELATIME |	\
			 KMS_STRICTATIME | KMS_LAZYTIME)

/* ---- paths and dirfds (shared with core/sys_stat.c) ---- */

/*
 * Copy the guest path upath into ap->name and resolve dfd for it: the
 * dirfd's file when the path is relative and dfd is not KAT_FDCWD.  An
 * empty path is -ENOENT unless at_flags has KAT_EMPTY_PATH (checked
 * before the dirfd, as Linux).  Returns 0, -EFAULT, -ENAMETOOLONG,
 * -ENOENT, -EBADF or -ENOMEM; call at_path_put() either way.
 */
int
at_path_get(struct at_path *ap, int dfd, uintptr_t upath,
	    unsigned int at_flags)
{
	long n;
	int err;

	ap->dir = NULL;
	ap->base = NULL;
	ap->name = kmalloc(VFS_PATH_MAX);
	if (ap->name == NULL)
		return -ENOMEM;
	n = copyinstr(ap->name, upath, VFS_PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0 && !(at_flags & KAT_EMPTY_PATH))
		return -ENOENT;
	if (ap->name[0] == '/' || dfd == KAT_FDCWD)
		return 0;
	err = fdtable_file(current->files, dfd, &ap->dir);
	if (err != 0) {
		ap->dir = NULL;
		return err;
	}
	ap->base = &ap->dir->path;
	return 0;
}

/* Release what at_path_get() took (also after it failed). */
void
at_path_put(struct at_path *ap)
{
	if (ap->dir != NULL)
		file_put(ap->dir);
	kfree(ap->name);
	ap->dir = NULL;
	ap->name = NULL;
	ap->base = NULL;
}

/* ---- open ---- */

/* Linux's build_open_flags() for open(2) and openat(2). */
static int
open_flags(int flags, unsigned int *out)
{
	unsigned int f = (unsigned int)flags | KO_LARGEFILE;

	if (f & KO_PATH)
		f &= KO_PATH_FLAGS;
	if (f & KO_TMPFILE_BIT) {
		if ((f & (KO_TMPFILE | KO_CREAT)) != KO_TMPFILE)
			return -EINVAL;
		if ((f & KO_ACCMODE) == KO_RDONLY)
			return -EINVAL;
	}
	*out = f;
	return 0;
}

/* open(2) relative to dfd: the new fd or -errno. */
static long
open_at(int dfd, uintptr_t upath, int flags, uint32_t mode)
{
	struct at_path ap;
	unsigned int kflags;
	struct file *f;
	int err;

	err = open_flags(flags, &kflags);
	if (err != 0)
		return err;
	err = at_path_get(&ap, dfd, upath, 0);
	/*
	 * The close-on-exec flag belongs to the fd, not the file.  FIFOs
	 * open through their inode's fops (core/pipe.c's
	 * pipe_fifo_file_ops, set by init_special_inode()): the VFS calls
	 * pipe_fifo_open(), which may wait for a partner.
	 */
	if (err == 0)
		err = vfs_open(ap.base, ap.name, kflags & ~KO_CLOEXEC, mode,
			       &f);
	at_path_put(&ap);
	if (err != 0)
		return err;
	err = fdtable_alloc(current->files, f, 0, (kflags & KO_CLOEXEC) != 0);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(open, uintptr_t, upath, int, flags, uint32_t, mode)
{
	return open_at(KAT_FDCWD, upath, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dfd, uintptr_t, upath, int, flags,
		uint32_t, mode)
{
	return open_at(dfd, upath, flags, mode);
}

SYSCALL_DEFINE2(creat, uintptr_t, upath, uint32_t, mode)
{
	return open_at(KAT_FDCWD, upath, KO_CREAT | KO_WRONLY | KO_TRUNC,
		       mode);
}

/* ---- making and removing names ---- */

static long
mkdir_at(int dfd, uintptr_t upath, uint32_t mode)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, dfd, upath, 0);
	if (err == 0)
		err = vfs_mkdir(ap.base, ap.name, mode);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE2(mkdir, uintptr_t, upath, uint32_t, mode)
{
	return mkdir_at(KAT_FDCWD, upath, mode);
}

SYSCALL_DEFINE3(mkdirat, int, dfd, uintptr_t, upath, uint32_t, mode)
{
	return mkdir_at(dfd, upath, mode);
}

/* mknod(2): dev is the 32-bit encoding of KMKDEV. */
static long
mknod_at(int dfd, uintptr_t upath, uint32_t mode, uint32_t dev)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, dfd, upath, 0);
	if (err == 0)
		err = vfs_mknod(ap.base, ap.name, mode, dev);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE3(mknod, uintptr_t, upath, uint32_t, mode, uint32_t, dev)
{
	return mknod_at(KAT_FDCWD, upath, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dfd, uintptr_t, upath, uint32_t, mode,
		uint32_t, dev)
{
	return mknod_at(dfd, upath, mode, dev);
}

/* unlink(2) or, with KAT_REMOVEDIR, rmdir(2). */
static long
unlink_at(int dfd, uintptr_t upath, int flags)
{
	struct at_path ap;
	int err;

	if (flags & ~KAT_REMOVEDIR)
		return -EINVAL;
	err = at_path_get(&ap, dfd, upath, 0);
	if (err == 0 && (flags & KAT_REMOVEDIR))
		err = vfs_rmdir(ap.base, ap.name);
	else if (err == 0)
		err = vfs_unlink(ap.base, ap.name);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE1(rmdir, uintptr_t, upath)
{
	return unlink_at(KAT_FDCWD, upath, KAT_REMOVEDIR);
}

SYSCALL_DEFINE1(unlink, uintptr_t, upath)
{
	return unlink_at(KAT_FDCWD, upath, 0);
}

SYSCALL_DEFINE3(unlinkat, int, dfd, uintptr_t, upath, int, flags)
{
	return unlink_at(dfd, upath, flags);
}

/* link(2): the VFS checks flags (KAT_SYMLINK_FOLLOW, KAT_EMPTY_PATH). */
static long
link_at(int odfd, uintptr_t uold, int ndfd, uintptr_t unew, int flags)
{
	struct at_path o, n = { .name = NULL };
	int err;

	err = at_path_get(&o, odfd, uold, (unsigned int)flags);
	if (err == 0)
		err = at_path_get(&n, ndfd, unew, 0);
	if (err == 0)
		err = vfs_link(o.base, o.name, n.base, n.name,
			       (unsigned int)flags);
	at_path_put(&n);
	at_path_put(&o);
	return err;
}

SYSCALL_DEFINE2(link, uintptr_t, uold, uintptr_t, unew)
{
	return link_at(KAT_FDCWD, uold, KAT_FDCWD, unew, 0);
}

SYSCALL_DEFINE5(linkat, int, odfd, uintptr_t, uold, int, ndfd,
		uintptr_t, unew, int, flags)
{
	return link_at(odfd, uold, ndfd, unew, flags);
}

/* symlink(2): the target is stored as given, never walked here. */
static long
symlink_at(uintptr_t utarget, int dfd, uintptr_t upath)
{
	struct at_path t, ap = { .name = NULL };
	int err;

	err = at_path_get(&t, KAT_FDCWD, utarget, 0);
	if (err == 0)
		err = at_path_get(&ap, dfd, upath, 0);
	if (err == 0)
		err = vfs_symlink(t.name, ap.base, ap.name);
	at_path_put(&ap);
	at_path_put(&t);
	return err;
}

SYSCALL_DEFINE2(symlink, uintptr_t, utarget, uintptr_t, upath)
{
	return symlink_at(utarget, KAT_FDCWD, upath);
}

SYSCALL_DEFINE3(symlinkat, uintptr_t, utarget, int, dfd, uintptr_t, upath)
{
	return symlink_at(utarget, dfd, upath);
}

/*
 * readlink(2): the target, not NUL-terminated, cut to size.  An empty
 * path names the dirfd itself (an O_PATH|O_NOFOLLOW symlink); if that is
 * not a symlink the answer is -ENOENT, as Linux's.
 */
static long
readlink_at(int dfd, uintptr_t upath, uintptr_t ubuf, int size)
{
	struct at_path ap;
	char *buf;
	int n;

	if (size <= 0)
		return -EINVAL;
	size = MIN(size, VFS_PATH_MAX);
	buf = kmalloc((size_t)size);
	if (buf == NULL)
		return -ENOMEM;
	n = at_path_get(&ap, dfd, upath, KAT_EMPTY_PATH);
	if (n == 0) {
		n = vfs_readlink(ap.base, ap.name, buf, (size_t)size);
		if (n == -EINVAL && ap.name[0] == '\0')
			n = -ENOENT;
	}
	if (n > 0 && copyout(ubuf, buf, (size_t)n) != 0)
		n = -EFAULT;
	kfree(buf);
	at_path_put(&ap);
	return n;
}

SYSCALL_DEFINE3(readlink, uintptr_t, upath, uintptr_t, ubuf, int, size)
{
	return readlink_at(KAT_FDCWD, upath, ubuf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dfd, uintptr_t, upath, uintptr_t, ubuf,
		int, size)
{
	return readlink_at(dfd, upath, ubuf, size);
}

/* rename(2): the VFS checks flags (KRENAME_NOREPLACE, KRENAME_EXCHANGE). */
static long
rename_at(int odfd, uintptr_t uold, int ndfd, uintptr_t unew,
	  unsigned int flags)
{
	struct at_path o, n = { .name = NULL };
	int err;

	err = at_path_get(&o, odfd, uold, 0);
	if (err == 0)
		err = at_path_get(&n, ndfd, unew, 0);
	if (err == 0)
		err = vfs_rename(o.base, o.name, n.base, n.name, flags);
	at_path_put(&n);
	at_path_put(&o);
	return err;
}

SYSCALL_DEFINE2(rename, uintptr_t, uold, uintptr_t, unew)
{
	return rename_at(KAT_FDCWD, uold, KAT_FDCWD, unew, 0);
}

SYSCALL_DEFINE4(renameat, int, odfd, uintptr_t, uold, int, ndfd,
		uintptr_t, unew)
{
	return rename_at(odfd, uold, ndfd, unew, 0);
}

SYSCALL_DEFINE5(renameat2, int, odfd, uintptr_t, uold, int, ndfd,
		uintptr_t, unew, unsigned int, flags)
{
	return rename_at(odfd, uold, ndfd, unew, flags);
}

/* ---- directories ---- */

/*
 * getdents64(2): as many whole records as fit in count bytes (at most
 * GETDENTS_MAX per call), 0 at the end; -EINVAL if not even one fits.
 */
SYSCALL_DEFINE3(getdents64, int, fd, uintptr_t, ubuf, unsigned int, count)
{
	size_t len = MIN(count, GETDENTS_MAX);
	struct file *f;
	void *buf;
	long n;

	n = fdtable_file(current->files, fd, &f);
	if (n != 0)
		return n;
	buf = kmalloc(MAX(len, 8));
	n = buf != NULL ? vfs_getdents64(f, buf, len) : -ENOMEM;
	if (n > 0 && copyout(ubuf, buf, (size_t)n) != 0)
		n = -EFAULT;
	kfree(buf);
	file_put(f);
	return n;
}

/* getcwd(2): the length with the NUL (the raw call's), or -ERANGE. */
SYSCALL_DEFINE2(getcwd, uintptr_t, ubuf, unsigned long, size)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	int n;

	if (buf == NULL)
		return -ENOMEM;
	n = vfs_getcwd(buf, MIN(size, VFS_PATH_MAX));
	if (n > 0 && copyout(ubuf, buf, (size_t)n) != 0)
		n = -EFAULT;
	kfree(buf);
	return n;
}

SYSCALL_DEFINE1(chdir, uintptr_t, upath)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, KAT_FDCWD, upath, 0);
	if (err == 0)
		err = vfs_chdir(ap.name);
	at_path_put(&ap);
	return err;
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f;
	int err;

	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = vfs_fchdir(f);
	file_put(f);
	return err;
}

SYSCALL_DEFINE1(chroot, uintptr_t, upath)
{
	struct at_path ap;
	int err;

	err = at_path_get(&ap, KAT_FDCWD, upath, 0);
	if (err == 0)
		err = vfs_chroot(ap.name);
	at_path_put(&ap);
	return err;
}

/* ---- mount, umount2, sync ---- */

/*
 * Copy an optional guest string of mount(2) into a new buffer (*out
 * stays NULL for a NULL pointer).  Strings that do not end within a page
 * are -EINVAL.
 */
static int
mount_string(uintptr_t ustr, char **out)
{
	long n;

	*out = NULL;
	if (ustr == 0)
		return 0;
	*out = kmalloc(VFS_PATH_MAX);
	if (*out == NULL)
		return -ENOMEM;
	n = copyinstr(*out, ustr, VFS_PATH_MAX);
	if (n == -ENAMETOOLONG)
		return -EINVAL;
	return n < 0 ? (int)n : 0;
}

/* A new mount of fstype (required) from source at target. */
static int
mount_new(const char *target, uintptr_t usource, uintptr_t utype,
	  unsigned long flags, uintptr_t udata)
{
	char *source, *type, *data = NULL;
	int err;

	err = mount_string(utype, &type);
	if (err == 0 && type == NULL)
		err = -EINVAL;
	if (err == 0)
		err = mount_string(usource, &source);
	else
		source = NULL;
	if (err == 0)
		err = mount_string(udata, &data);
	if (err == 0)
		err = vfs_mount(source, target, type,
				(flags & KMS_RDONLY) ? MNT_RDONLY : 0, data);
	kfree(data);
	kfree(source);
	kfree(type);
	return err;
}

/*
 * mount(2) for root: a new mount (source, fstype and data as the
 * filesystem wants them) or, with MS_REMOUNT, read-only or read-write
 * again.  Per-mount attributes (nosuid, noatime, ...) are accepted and
 * not enforced; bind, move and propagation changes are -EINVAL for now.
 */
SYSCALL_DEFINE5(mount, uintptr_t, usource, uintptr_t, utarget,
		uintptr_t, utype, unsigned long, flags, uintptr_t, udata)
{
	struct at_path t;
	int err;

	if (current_cred()->euid != 0)
		return -EPERM;
	if ((flags & KMS_MGC_MSK) == KMS_MGC_VAL)
		flags &= ~KMS_MGC_MSK;
	if (flags & ~(unsigned long)(KMS_RDONLY | KMS_REMOUNT | MOUNT_IGNORED))
		return -EINVAL;
	err = at_path_get(&t, KAT_FDCWD, utarget, 0);
	if (err == 0 && (flags & KMS_REMOUNT))
		err = vfs_remount(t.name,
				  (flags & KMS_RDONLY) ? MNT_RDONLY : 0);
	else if (err == 0)
		err = mount_new(t.name, usource, utype, flags, udata);
	at_path_put(&t);
	return err;
}

/* With UMOUNT_NOFOLLOW a symlink is not a mount point: -EINVAL. */
static int
umount_nofollow(const char *target)
{
	struct vpath p;
	int err;

	err = vfs_lookup(NULL, target, KAT_SYMLINK_NOFOLLOW, &p);
	if (err != 0)
		return err;
	if (KS_ISLNK(p.dentry->inode->mode))
		err = -EINVAL;
	vpath_put(&p);
	return err;
}

/*
 * umount2(2) for root.  MNT_FORCE and MNT_DETACH are accepted, but a busy
 * filesystem stays mounted (-EBUSY): the VFS's forced unmount is for
 * shutdown and would leave open files dangling.
 */
SYSCALL_DEFINE2(umount2, uintptr_t, utarget, int, flags)
{
	struct at_path t;
	int err;

	if (flags & ~(KMNT_FORCE | KMNT_DETACH | KUMOUNT_NOFOLLOW))
		return -EINVAL;
	if (current_cred()->euid != 0)
		return -EPERM;
	err = at_path_get(&t, KAT_FDCWD, utarget, 0);
	if (err == 0 && (flags & KUMOUNT_NOFOLLOW))
		err = umount_nofollow(t.name);
	if (err == 0)
		err = vfs_umount(t.name, 0);
	at_path_put(&t);
	return err;
}

/* sync(2) cannot fail; errors stay with the pages and buffers. */
SYSCALL_DEFINE0(sync)
{
	vfs_sync();
	return 0;
}

/* syncfs(2): write back the filesystem fd is on. */
SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f;
	int err;

	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	err = writeback_sb(f->path.mnt->sb, 0);
	file_put(f);
	return err;
}
