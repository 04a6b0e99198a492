/*
 * The virtual filesystem: the objects every filesystem shares (super
 * blocks, inodes, dentries, mounts, open files), the operations tables a
 * filesystem provides, and the in-kernel API that system calls and the
 * FUSE export both use.  DESIGN.md section 5.
 *
 * Objects:
 *   struct super_block  one mounted filesystem instance (ext2 on ubda, ...)
 *   struct inode        one file; cached by (sb, ino) while referenced
 *   struct dentry       one name in a directory -> inode (NULL: negative)
 *   struct mount        a super block attached at a dentry of another mount
 *   struct vpath        (mount, dentry): a location in the tree
 *   struct file         an open file: vpath, position, flags
 *
 * Locking (lock order, outermost first):
 *   mount_mutex (mount table changes) > vfs_rename_mutex (renames between
 *   directories) > file.pos_lock > inode.lock (parent before child; two
 *   directories of one rename: an ancestor first, else in address order;
 *   then the victim) > sb.lock > page_cache state [i]
 * Reference counts, the dentry/inode hash tables, the LRU and dirty lists,
 * the mount table and dentry names are guarded by disabling interrupts
 * ([i]); everything that may sleep uses the mutexes.
 * [I] immutable after creation, [l] inode.lock, [s] sb.lock.
 *
 * All functions return 0 or a count, or -errno (core/errno.h).
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/abi.h"
#include "core/list.h"
#include "core/mutex.h"

#define VFS_NAME_MAX	255	/* bytes in one path component */
#define VFS_PATH_MAX	4096	/* bytes in a path, with the NUL */
#define VFS_MAX_SYMLINKS 40	/* ELOOP after this many */

struct super_block;
struct inode;
struct dentry;
struct mount;
struct file;
struct page;
struct kstat;
struct kstatfs;
struct poll_table;
struct wait_queue;

/* Who is asking: permission checks and owner of new files. */
struct cred {
	uint32_t uid, gid;		/* real */
	uint32_t euid, egid;		/* effective */
	uint32_t suid, sgid;		/* saved set-user/group-ID */
	uint32_t fsuid, fsgid;		/* used for filesystem access */
	unsigned int ngroups;
	uint32_t groups[32];
};

/* True if cr has gid as its fsgid or a supplementary group. */
bool cred_in_group(const struct cred *cr, uint32_t gid);

/* A location in the tree. */
struct vpath {
	struct mount *mnt;
	struct dentry *dentry;
};

/* Take and drop a reference to both halves of a location. */
void vpath_get(const struct vpath *p);
void vpath_put(struct vpath *p);

/* ---- operations a filesystem provides ---- */

struct fs_type {
	const char *name;		/* "ext2", "tmpfs", "devfs" */
	bool needs_device;		/* mount source is a block device */
	/*
	 * Read the filesystem and fill in sb: ops, block_size, magic, root
	 * (a referenced inode, which the VFS takes over), fs_info, and
	 * maxbytes/flags/readonly if not the defaults.  On entry bdev, dev,
	 * readonly (from MNT_RDONLY) and maxbytes (2^63-1) are set.  On
	 * failure the VFS frees the inodes still cached and the sb; the
	 * filesystem frees its own fs_info.
	 */
	int (*fill_super)(struct super_block *sb, const char *options);
	struct list_head node;		/* registry */
};

struct super_ops {
	/* Allocate a zeroed inode (the filesystem may embed struct inode). */
	struct inode *(*alloc_inode)(struct super_block *sb);
	/* Free what alloc_inode made. */
	void (*free_inode)(struct inode *inode);
	/* Read inode->ino's metadata from disk into inode. */
	int (*read_inode)(struct inode *inode);
	/* Write a dirty inode's metadata back (to the buffer cache). */
	int (*write_inode)(struct inode *inode);
	/*
	 * The last reference went and nlink is 0: free its blocks and the
	 * on-disk inode.  The VFS has dropped the cached pages; free_inode
	 * follows.
	 */
	void (*evict_inode)(struct inode *inode);
	/* Write everything dirty the filesystem holds; wait if asked. */
	int (*sync_fs)(struct super_block *sb, bool wait);
	/* Unmount: write back and free fs_info (after sync_fs). */
	void (*put_super)(struct super_block *sb);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Remount read-only or read-write. */
	int (*remount)(struct super_block *sb, bool readonly);
};

/*
 * Directory and metadata operations.  The VFS holds dir->lock (and the
 * victim's lock where there is one) around every call, has checked
 * permissions and the type rules, and passes names that are valid
 * components (no '/', not "." or "..", at most VFS_NAME_MAX bytes).  The
 * filesystem keeps nlink, ".." and the timestamps of the directories and
 * inodes it changes (ctime/mtime = vfs_now()), and returns -ENOTEMPTY,
 * -EMLINK, -ENOSPC as they arise.  Inodes it hands back are referenced.
 */
struct inode_ops {
	/* Find name in dir: *out = referenced inode, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **out);
	/*
	 * Make a new inode of mode named name: any type including
	 * directories (mode has the type bits and the umask applied; rdev
	 * for devices).  inode_init_owner() sets owner and group.
	 */
	int (*create)(struct inode *dir, const char *name, size_t len,
		      uint32_t mode, uint32_t rdev, const struct cred *cr,
		      struct inode **out);
	int (*link)(struct inode *dir, const char *name, size_t len,
		    struct inode *target);
	int (*unlink)(struct inode *dir, const char *name, size_t len,
		      struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, size_t len,
		     struct inode *victim);
	int (*symlink)(struct inode *dir, const char *name, size_t len,
		       const char *target, const struct cred *cr,
		       struct inode **out);
	/* Copy the symlink's target (not NUL-terminated); returns length. */
	int (*readlink)(struct inode *inode, char *buf, size_t size);
	/*
	 * Move old_dir/old_name to new_dir/new_name.  victim is the inode
	 * new_name named before (NULL if none); the VFS has checked the
	 * type rules and flags (KRENAME_EXCHANGE swaps the two).
	 */
	int (*rename)(struct inode *old_dir, const char *old_name,
		      size_t old_len, struct inode *new_dir,
		      const char *new_name, size_t new_len,
		      struct inode *victim, unsigned int flags);
	/*
	 * Change the size of a regular file to size.  The VFS has already
	 * dropped the cached pages beyond it (pagecache_truncate) and set
	 * inode->size = size; the filesystem frees the blocks beyond size
	 * (or prepares for growth).  The VFS sets the times after it
	 * returns (and restores the old size if it fails).  inode->lock
	 * held.
	 */
	int (*truncate)(struct inode *inode, uint64_t size);
	/*
	 * Call emit for each entry from *pos on, "." and ".." first.  *pos
	 * is an opaque cookie below 2^63 (0: the start), stable across
	 * calls and unlinks: when emit is called for an entry *pos must be
	 * that entry's cookie, and it is advanced past the entry only after
	 * emit returned true.  Stop when emit returns false.  dir->lock held.
	 */
	int (*readdir)(struct inode *dir, uint64_t *pos,
		       bool (*emit)(void *ctx, const char *name, size_t len,
				    uint64_t ino, unsigned int type),
		       void *ctx);
};

/* Data of regular files lives in the page cache through these. */
struct page_cache_ops {
	/* Fill page with the file's data at page index (zeros for holes). */
	int (*readpage)(struct inode *inode, uint64_t index, void *page);
	/*
	 * Optional: fill the n pages page[i] at index[i] (ascending)
	 * together, submitting all their I/O before waiting once.  0, or
	 * the first -errno: then none of them counts as read.  The
	 * bytes past the end of the file need not be zeros (the cache
	 * zeroes them).  NULL: readpage, page by page.
	 */
	int (*readpages)(struct inode *inode, const uint64_t *index,
			 void *const *page, unsigned int n);
	/*
	 * Write page index back to disk (blocks prepare_write made; holes
	 * it did not fill are allocated here as needed).
	 */
	int (*writepage)(struct inode *inode, uint64_t index, const void *page,
			 size_t len);
	/*
	 * Optional: write back the n pages page[i] at index[i] (ascending)
	 * together, submitting all their I/O before waiting once; the bytes
	 * past inode->size are not written.  0, or the first -errno: then
	 * all n pages stay dirty.  NULL: writepage, page by page.
	 */
	int (*writepages)(struct inode *inode, const uint64_t *index,
			  void *const *page, unsigned int n);
	/*
	 * Before data is copied into [pos, pos+len): make sure the blocks
	 * behind it exist (allocate them), so a full disk is -ENOSPC now.
	 * Called with inode->lock held.  NULL: nothing to prepare.
	 * pagecache_write calls it once per page: the range lies within
	 * one page, which is cached and referenced meanwhile (read first
	 * unless the write covers what it holds), and inode->size is still
	 * the size before the copy.  On failure nothing is copied and the
	 * file must be as it was: no block past inode->size, and what a
	 * new block inside it reads is what the hole there read (zeros).
	 */
	int (*prepare_write)(struct inode *inode, uint64_t pos, size_t len);
};

/* Open-file operations; defaults (generic_*) serve regular files. */
struct file_ops {
	int (*open)(struct inode *inode, struct file *f);
	void (*release)(struct inode *inode, struct file *f);
	long (*read)(struct file *f, void *buf, size_t len, uint64_t *pos);
	long (*write)(struct file *f, const void *buf, size_t len,
		      uint64_t *pos);
	int (*fsync)(struct file *f, bool datasync);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	/*
	 * Optional: the KPOLL* events f is ready for now.  If pt is not
	 * NULL, first register with poll_wait() every wait queue that is
	 * woken (wq_wake_all) when the answer may change.  NULL: always
	 * KPOLL_DEFAULT (regular files, /dev/null...).  May sleep.
	 */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
};

/* poll(2) events (Linux values). */
#define KPOLLIN		0x0001
#define KPOLLPRI	0x0002
#define KPOLLOUT	0x0004
#define KPOLLERR	0x0008
#define KPOLLHUP	0x0010
#define KPOLLNVAL	0x0020
#define KPOLLRDNORM	0x0040
#define KPOLLRDBAND	0x0080
#define KPOLLWRNORM	0x0100
#define KPOLLWRBAND	0x0200
#define KPOLLMSG	0x0400
#define KPOLLRDHUP	0x2000
#define KPOLL_DEFAULT	(KPOLLIN | KPOLLOUT | KPOLLRDNORM | KPOLLWRNORM)

/*
 * What a poll callback registers its wait queues with: poll, select and
 * their relatives (core/sys_poll.c) fill in queue to put the caller on
 * wq until it is woken.
 */
struct poll_table {
	void (*queue)(struct poll_table *pt, struct wait_queue *wq);
};

/* Register wq with the poller behind pt (nothing if pt is NULL). */
static inline void
poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	if (pt != NULL && pt->queue != NULL)
		pt->queue(pt, wq);
}

/* ---- the objects ---- */

struct super_block {
	const struct fs_type *type;	/* [I] */
	const struct super_ops *ops;	/* [I] */
	struct block_device *bdev;	/* [I] NULL for tmpfs, devfs */
	uint32_t dev;			/* [I] st_dev (KMKDEV) */
	uint32_t block_size;		/* [I] */
	uint64_t magic;			/* [I] statfs f_type */
	uint64_t maxbytes;		/* [I] largest file size */
	unsigned int flags;		/* [I] SB_* */
	bool readonly;			/* [s] */
	struct inode *root;		/* [I] after fill_super */
	void *fs_info;			/* [I] the filesystem's own */
	struct mutex lock;		/* allocation state of the fs */
	struct list_head inodes;	/* [i] cached inodes */
	struct list_head dirty;		/* [i] inodes with dirty metadata */
	int refcount;			/* [i] mounts of it */
};

/*
 * sb->flags.  SB_KEEP_INODES: there is no backing store (tmpfs); inodes
 * with links stay cached until unmount instead of going to the LRU, and
 * the filesystem's own structures may point at them without a reference.
 */
#define SB_KEEP_INODES	0x1

/*
 * inode->state.  I_DIRTY is set exactly while the inode is on sb->dirty;
 * whoever writes it back clears both (interrupts off) before calling
 * write_inode and calls inode_mark_dirty() again if that fails.
 */
#define I_NEW		0x1	/* being read; others wait */
#define I_DIRTY		0x2	/* metadata to write back */
#define I_FREEING	0x4	/* being evicted */
#define I_DEAD		0x8	/* removed directory: no new entries */
#define I_BAD		0x10	/* read_inode failed; being dropped */

struct inode {
	struct super_block *sb;		/* [I] */
	uint64_t ino;			/* [I] */
	uint32_t mode;			/* [l] type [I], permissions [l] */
	uint32_t uid, gid;		/* [l] */
	uint32_t nlink;			/* [l] */
	uint32_t rdev;			/* [I] devices */
	uint64_t size;			/* [l] */
	uint64_t blocks;		/* [l] 512-byte units allocated */
	struct ktimespec atime, mtime, ctime;	/* [l] */
	unsigned int state;		/* [i] I_* */
	int refcount;			/* [i] */
	struct mutex lock;		/* i_rwsem: metadata, directory */
	const struct inode_ops *iops;	/* [I] */
	const struct file_ops *fops;	/* [I] */
	const struct page_cache_ops *pcops;	/* [I] regular files */
	struct page_tree *pages;	/* [i] cached pages by index */
	unsigned long nr_pages;		/* [i] */
	unsigned long nr_dirty;		/* [i] */
	struct list_head sb_node;	/* [i] sb->inodes */
	struct list_head dirty_node;	/* [i] sb->dirty */
	struct list_head hash_node;	/* [i] inode cache by (sb, ino) */
	struct list_head lru_node;	/* [i] unused inodes */
};

/*
 * A dentry references its parent and its inode.  Unlinked or replaced
 * dentries are unhashed and live on only while referenced; rename moves
 * the dentry (new parent and name, changed with interrupts off).
 */
struct dentry {
	char *name;			/* [i] component, NUL-terminated */
	size_t len;			/* [i] */
	uint32_t hash;			/* [i] of name */
	struct super_block *sb;		/* [I] */
	struct dentry *parent;		/* [i] NULL for a root */
	struct inode *inode;		/* [l of parent] NULL: negative */
	struct list_head hash_node;	/* [i] lookup hash by (parent, name) */
	struct list_head lru_node;	/* [i] unused dentries */
	int refcount;			/* [i] */
	int mounted;			/* [i] mounts on this dentry */
};

struct mount {
	struct super_block *sb;		/* [I] */
	struct dentry *root;		/* [I] sb's root dentry */
	struct mount *parent;		/* [I] NULL for the root mount */
	struct dentry *mountpoint;	/* [I] in parent */
	unsigned int flags;		/* MNT_RDONLY ... */
	struct list_head node;		/* [i] mount table */
	char *source;			/* [I] "/dev/ubda", "tmpfs" */
	int refcount;			/* [i] the table, vpaths, walks */
};

#define MNT_RDONLY	0x1

/* True if writes through m are refused (-EROFS). */
bool mnt_readonly(const struct mount *m);

struct file {
	struct vpath path;		/* [I] referenced */
	struct inode *inode;		/* [I] */
	unsigned int flags;		/* KO_* (status flags may change) */
	unsigned int mode;		/* FMODE_* */
	uint64_t pos;			/* [pos_lock] dirs: readdir cookie */
	struct mutex pos_lock;
	const struct file_ops *ops;	/* [I] */
	void *private;			/* for the file's driver */
	int refcount;			/* [i] fd table entries, users */
};

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_PATH	0x4	/* O_PATH: fstat, fchdir, *at base only */
#define FMODE_STREAM	0x8	/* no position: lseek/pread/pwrite -ESPIPE */

/* Per-task filesystem context: where paths start, and the umask. */
struct fs_struct {
	struct vpath root;		/* [i] */
	struct vpath cwd;		/* [i] */
	uint32_t umask;			/* [i] */
	int refcount;			/* [i] CLONE_FS sharers */
};

/* A copy of src for a new process (fork without CLONE_FS); referenced. */
int fs_struct_copy(struct fs_struct *src, struct fs_struct **out);
void fs_struct_get(struct fs_struct *fs);
/* Drop a reference; the last one releases root and cwd. */
void fs_struct_put(struct fs_struct *fs);

/* ---- boot and registration ---- */

/* Set up the caches of the VFS; before any mount.  0 or -ENOMEM. */
int vfs_init(void);
/* Make a filesystem type mountable by name. */
int vfs_register_fs(struct fs_type *type);
/*
 * Mount source (a block device name for types that need one) of type at
 * target (an existing directory), or as the root when target is NULL and
 * nothing is mounted yet; flags MNT_RDONLY.  The kernel thread that mounts
 * the root gets it as its root and cwd.
 */
int vfs_mount(const char *source, const char *target, const char *type,
	      unsigned int flags, const char *options);
/* Unmount target; -EBUSY if anything under it is in use (MNT_FORCE: sync
 * and detach anyway at shutdown). */
int vfs_umount(const char *target, unsigned int flags);
#define MNT_FORCE	0x2
/* Make the mount at target read-only or read-write (flags MNT_RDONLY). */
int vfs_remount(const char *target, unsigned int flags);
/* Call fn for every mounted super block (for sync and the flusher). */
void vfs_for_each_sb(void (*fn)(struct super_block *sb, void *arg),
		     void *arg);
/* Write everything back and unmount every filesystem, innermost first. */
void vfs_shutdown(void);

/* ---- tasks ---- */

/* The credentials and fs context of the current task (never NULL). */
const struct cred *current_cred(void);
struct fs_struct *current_fs(void);

/* ---- the in-kernel API (system calls and the FUSE export use it) ----
 *
 * Paths are kernel strings; base is where a relative path starts (NULL:
 * the current directory), as the *at() calls' dirfd.  at_flags take
 * KAT_SYMLINK_NOFOLLOW, KAT_EMPTY_PATH, KAT_SYMLINK_FOLLOW, KAT_REMOVEDIR
 * as the corresponding system call does.  Permission checks use
 * current_cred().  Everything returns 0, a count, or -errno.
 */
/* Open path (KO_* flags; mode for KO_CREAT); *out has one reference. */
int vfs_open(const struct vpath *base, const char *path, unsigned int flags,
	     uint32_t mode, struct file **out);
/* Open the file at p, which a lookup found (flags as vfs_open, no KO_CREAT). */
int vfs_open_path(const struct vpath *p, unsigned int flags,
		  struct file **out);
/* Resolve path to a referenced location (at_flags as for vfs_stat). */
int vfs_lookup(const struct vpath *base, const char *path,
	       unsigned int at_flags, struct vpath *out);
/* Take and drop references to an open file; the last put releases it. */
void file_get(struct file *f);
void file_put(struct file *f);
long vfs_read(struct file *f, void *buf, size_t len);
long vfs_write(struct file *f, const void *buf, size_t len);
long vfs_pread(struct file *f, void *buf, size_t len, uint64_t pos);
long vfs_pwrite(struct file *f, const void *buf, size_t len, uint64_t pos);
/* Returns the new position. */
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
/* Fill buf with struct kdirent64 records; 0 at the end. */
long vfs_getdents64(struct file *f, void *buf, size_t len);
int vfs_fsync(struct file *f, bool datasync);
int vfs_ftruncate(struct file *f, uint64_t size);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_fchmod(struct file *f, uint32_t mode);
int vfs_fchown(struct file *f, uint32_t uid, uint32_t gid);
int vfs_futimens(struct file *f, const struct ktimespec ts[2]);
int vfs_fstatfs(struct file *f, struct kstatfs *st);
int vfs_fchdir(struct file *f);

int vfs_stat(const struct vpath *base, const char *path, unsigned int at_flags,
	     struct kstat *st);
int vfs_access(const struct vpath *base, const char *path, int mode,
	       unsigned int at_flags);
int vfs_mkdir(const struct vpath *base, const char *path, uint32_t mode);
int vfs_mknod(const struct vpath *base, const char *path, uint32_t mode,
	      uint32_t dev);
int vfs_rmdir(const struct vpath *base, const char *path);
int vfs_unlink(const struct vpath *base, const char *path);
int vfs_link(const struct vpath *obase, const char *opath,
	     const struct vpath *nbase, const char *npath,
	     unsigned int at_flags);
int vfs_symlink(const char *target, const struct vpath *base,
		const char *path);
/* Copy the link's target into buf (not NUL-terminated); its length. */
int vfs_readlink(const struct vpath *base, const char *path, char *buf,
		 size_t size);
/* flags: KRENAME_NOREPLACE, KRENAME_EXCHANGE (others: -EINVAL). */
int vfs_rename(const struct vpath *obase, const char *opath,
	       const struct vpath *nbase, const char *npath,
	       unsigned int flags);
int vfs_truncate(const struct vpath *base, const char *path, uint64_t size);
int vfs_chmod(const struct vpath *base, const char *path, uint32_t mode,
	      unsigned int at_flags);
/* uid/gid (uint32_t)-1: leave unchanged. */
int vfs_chown(const struct vpath *base, const char *path, uint32_t uid,
	      uint32_t gid, unsigned int at_flags);
/* ts NULL: both now; tv_nsec KUTIME_NOW / KUTIME_OMIT as utimensat(2). */
int vfs_utimens(const struct vpath *base, const char *path,
		const struct ktimespec ts[2], unsigned int at_flags);
int vfs_statfs(const struct vpath *base, const char *path,
	       struct kstatfs *st);
/* statfs of the filesystem p is on. */
int vfs_statfs_path(const struct vpath *p, struct kstatfs *st);
int vfs_chdir(const char *path);
int vfs_chroot(const char *path);
/* Write the current directory's path into buf, NUL-terminated; returns
 * its length with the NUL (as getcwd(2)), -ERANGE, -ENOENT if unlinked. */
int vfs_getcwd(char *buf, size_t size);
/* Set the current task's umask; returns the old one. */
uint32_t vfs_umask(uint32_t mask);
/* Write all dirty data and metadata of every filesystem and flush disks
 * (fs/writeback.c). */
int vfs_sync(void);

/* ---- for filesystems ---- */

/* Find or read inode ino of sb (referenced); see super_ops.read_inode. */
int iget(struct super_block *sb, uint64_t ino, struct inode **out);
/* A new, referenced inode for a file being created (state I_NEW cleared
 * by the caller with inode_ready()).  The inode is zeroed but for sb,
 * ino, lock, lists and the page tree. */
int inode_new(struct super_block *sb, uint64_t ino, struct inode **out);
void inode_ready(struct inode *inode);
/* Take another reference (also to a cached inode nobody references). */
void iget_ref(struct inode *inode);
/* Drop a reference; the last one of an unlinked inode evicts it. */
void iput(struct inode *inode);
/* Queue inode's metadata for write-back (nothing if no write_inode). */
void inode_mark_dirty(struct inode *inode);
/* The current time for timestamps. */
struct ktimespec vfs_now(void);
/* Standard permission check of inode for KR_OK/KW_OK/KX_OK: -EACCES, or
 * -EROFS for writing a file, directory or symlink of a read-only sb. */
int inode_permission(struct inode *inode, int mask, const struct cred *cr);
/* Owner, group and set-group-ID of a new inode of mode in dir, for cr;
 * sets inode->mode = mode (with S_ISGID adjusted), uid and gid. */
void inode_init_owner(struct inode *inode, struct inode *dir, uint32_t mode,
		      const struct cred *cr);
/* Fill st from inode. */
void inode_stat(struct inode *inode, struct kstat *st);
/*
 * For a filesystem's own write: with inode->lock held, apply O_APPEND
 * to *pos, limit *len by sb->maxbytes (-EFBIG past it), clear setuid
 * and setgid for non-root writers and set mtime/ctime.  *len may come
 * back 0 (nothing to write).
 */
int generic_write_checks(struct file *f, uint64_t *pos, size_t *len);
/* Generic read/write/fsync of regular files through the page cache. */
extern const struct file_ops generic_file_ops;
/* Its members, for a filesystem's own file_ops: read with atime, write
 * with generic_write_checks and inode->lock, fsync (writeback_inode). */
long generic_file_read(struct file *f, void *buf, size_t len, uint64_t *pos);
long generic_file_write(struct file *f, const void *buf, size_t len,
			uint64_t *pos);
int generic_file_fsync(struct file *f, bool datasync);
/* Directory file ops (getdents64 through inode_ops.readdir). */
extern const struct file_ops generic_dir_ops;

#endif
