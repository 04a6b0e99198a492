/*
 * tmpfs internals shared by fs/tmpfs.c (super block, inodes, file data)
 * and fs/tmpfs_dir.c (directories), and tmpfs_fill_super() for devfs.
 * Every tmpfs inode stays in the inode cache while it has links
 * (SB_KEEP_INODES), so directory entries point at inodes without holding
 * references; file data are pages of the page cache that are never
 * written back and never reclaimed.
 *
 * Locking: a directory's entries by its inode lock [l]; the space and
 * inode counters by sb.lock [s].
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include "core/kernel.h"
#include "core/list.h"
#include "fs/vfs.h"

#define TMPFS_DIRENT_SIZE	20	/* a directory's size per entry */
#define TMPFS_FIRST_COOKIE	2	/* readdir: 0 is ".", 1 is ".." */

struct tmpfs_sb {
	uint64_t max_pages;		/* [I] 0: no limit */
	uint64_t max_inodes;		/* [I] 0: no limit */
	uint64_t used_pages;		/* [s] */
	uint64_t nr_inodes;		/* [s] */
	uint64_t next_ino;		/* [s] */
	uint32_t root_mode;		/* [I] permission bits of "/" */
	uint32_t root_uid, root_gid;	/* [I] */
};

struct tmpfs_inode {
	struct inode vfs;
	struct list_head entries;	/* [l] directories: by cookie */
	uint64_t next_cookie;		/* [l] directories */
	uint64_t parent_ino;		/* [l] directories: ".." */
	char *target;			/* [I] symlinks, NUL-terminated */
	uint64_t acct_pages;		/* [s] dirty pages in used_pages */
};

struct tmpfs_dirent {
	struct list_head node;		/* [l] in the directory's entries */
	uint64_t cookie;		/* [l] readdir position */
	struct inode *inode;		/* [l] not referenced (see above) */
	size_t len;			/* [I] */
	char name[];			/* [I] not NUL-terminated */
};

static inline struct tmpfs_inode *
TMPFS_I(struct inode *inode)
{
	return container_of(inode, struct tmpfs_inode, vfs);
}

static inline struct tmpfs_sb *
TMPFS_SB(struct super_block *sb)
{
	return sb->fs_info;
}

/* tmpfs.c */

/* Make sb a new, empty tmpfs (options as for mount); devfs builds on it. */
int tmpfs_fill_super(struct super_block *sb, const char *options);

/*
 * A new inode of mode (with its owner from dir and cr) on sb, I_NEW and
 * referenced, nlink 1; -ENOSPC past nr_inodes.  The caller links it and
 * calls inode_ready().
 */
int tmpfs_new_inode(struct super_block *sb, struct inode *dir, uint32_t mode,
		    uint32_t rdev, const struct cred *cr, struct inode **out);
/* Set mtime and ctime of inode to now. */
void tmpfs_touch(struct inode *inode);

/* tmpfs_dir.c */

extern const struct inode_ops tmpfs_dir_iops;
/* Free the entries of a directory being freed. */
void tmpfs_dir_free(struct inode *dir);

#endif
