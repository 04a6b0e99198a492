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
 *   vfs_rename_mutex > inode.lock (parent before child; two directories of
 *   one rename in address order) > sb.lock > page_cache state [i]
 * Reference counts and the dentry/inode hash tables are guarded by
 * disabling interrupts ([i]); everything that may sleep uses the mutexes.
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

/* Who is asking: permission checks and owner of new files. */
struct cred {
	uint32_t uid, gid;		/* real */
	uint32_t euid, egid;		/* effective */
	uint32_t fsuid, fsgid;		/* used for filesystem access */
	unsigned int ngroups;
	uint32_t groups[32];
};

/* A location in the tree. */
struct vpath {
	struct mount *mnt;
	struct dentry *dentry;
};

/* ---- operations a filesystem provides ---- */

struct fs_type {
	const char *name;		/* "ext2", "tmpfs", "devfs" */
	bool needs_device;		/* mount source is a block device */
	/* Read the filesystem and fill in sb (root inode in sb->root). */
	int (*fill_super)(struct super_block *sb, const char *options);
	struct list_head node;		/* registry */
};

struct super_ops {
	/* Allocate an inode (the filesystem may embed struct inode). */
	struct inode *(*alloc_inode)(struct super_block *sb);
	/* Free what alloc_inode made. */
	void (*free_inode)(struct inode *inode);
	/* Read inode->ino's metadata from disk into inode. */
	int (*read_inode)(struct inode *inode);
	/* Write a dirty inode's metadata back (to the buffer cache). */
	int (*write_inode)(struct inode *inode);
	/* The last reference went and nlink is 0: free its blocks, the inode. */
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
 * permissions, and passes names that are valid components (no '/', not
 * "." or "..", at most VFS_NAME_MAX bytes).
 */
struct inode_ops {
	/* Find name in dir: *out = referenced inode, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **out);
	/* Make a new inode of mode (any type; rdev for devices) named name. */
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
	/* Change the size (truncate up or down); the VFS updated times. */
	int (*truncate)(struct inode *inode, uint64_t size);
	/*
	 * Call emit for each entry from *pos on, advancing *pos (an opaque
	 * cookie, stable across calls); stop when emit returns false.
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
	/* Write page index back to disk (allocating blocks as needed). */
	int (*writepage)(struct inode *inode, uint64_t index, const void *page,
			 size_t len);
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
};

/* ---- the objects ---- */

struct super_block {
	const struct fs_type *type;	/* [I] */
	const struct super_ops *ops;	/* [I] */
	struct block_device *bdev;	/* [I] NULL for tmpfs, devfs */
	uint32_t dev;			/* [I] st_dev (KMKDEV) */
	uint32_t block_size;		/* [I] */
	uint64_t magic;			/* [I] statfs f_type */
	bool readonly;			/* [s] */
	struct inode *root;		/* [I] after fill_super */
	void *fs_info;			/* [I] the filesystem's own */
	struct mutex lock;		/* allocation state of the fs */
	struct list_head inodes;	/* [i] cached inodes */
	struct list_head dirty;		/* [i] inodes with dirty metadata */
	int refcount;			/* [i] mounts of it */
};

/* inode->state */
#define I_NEW		0x1	/* being read; others wait */
#define I_DIRTY		0x2	/* metadata to write back */
#define I_FREEING	0x4	/* being evicted */

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
};

struct dentry {
	char *name;			/* [I] component */
	size_t len;			/* [I] */
	struct dentry *parent;		/* [l of parent] */
	struct inode *inode;		/* [l of parent] NULL: negative */
	struct list_head children;	/* [i] */
	struct list_head child_node;	/* [i] in parent->children */
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
	int refcount;			/* [i] open files and walks */
};

#define MNT_RDONLY	0x1

struct file {
	struct vpath path;		/* [I] */
	struct inode *inode;		/* [I] */
	unsigned int flags;		/* KO_* (status flags may change) */
	unsigned int mode;		/* FMODE_READ | FMODE_WRITE */
	uint64_t pos;			/* [pos_lock] */
	struct mutex pos_lock;
	const struct file_ops *ops;	/* [I] */
	void *private;			/* for the file's driver */
	uint64_t dir_pos;		/* readdir cookie */
	int refcount;			/* [i] fd table entries, users */
};

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2

#endif
