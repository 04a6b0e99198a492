/*
 * Private declarations shared by the VFS's own files in fs/, not by
 * the filesystems or the system call layer: the dentry cache, the path
 * walk, mounts, and the checks several operations share.
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fs/vfs.h"

/* ---- inode.c ---- */

/* Set up the inode cache. */
void inode_cache_init(void);
/*
 * Free every unreferenced inode of sb (at unmount or after a failed
 * fill_super); returns how many inodes of sb are still referenced.
 */
unsigned long inode_evict_sb(struct super_block *sb);
/* Mark a removed directory I_DEAD: no new entries, lookups fail. */
void inode_set_dead(struct inode *inode);
/* True if cr may change inode's attributes: owner or root. */
bool inode_owner_or_root(const struct inode *inode, const struct cred *cr);

/* ---- dcache.c ---- */

/* Set up the dentry cache. */
void dcache_init(void);
/* The hashed child name of parent (referenced, maybe negative) or NULL. */
struct dentry *dcache_lookup(struct dentry *parent, const char *name,
			     size_t len);
/* A new unhashed, negative child of parent (referenced; it references
 * parent).  NULL on ENOMEM. */
struct dentry *dentry_alloc(struct dentry *parent, const char *name,
			    size_t len);
/* The root dentry of a super block for inode (whose reference it takes). */
struct dentry *dentry_alloc_root(struct inode *root);
/* Give d its inode (NULL: negative; the reference is taken over) and put
 * it in the hash. */
void dcache_add(struct dentry *d, struct inode *inode);
/* Make a negative dentry positive (taking over the reference). */
void dentry_instantiate(struct dentry *d, struct inode *inode);
/* Take a reference (also to an unused cached dentry). */
void dentry_get(struct dentry *d);
/* Drop a reference; unused hashed dentries stay cached on the LRU. */
void dentry_put(struct dentry *d);
/* Take d out of the hash: lookups no longer find it. */
void dcache_drop(struct dentry *d);
/* True if lookups cannot find d (removed, replaced, a root). */
bool dentry_unhashed(const struct dentry *d);
/* The parent of d, referenced (d itself for a root). */
struct dentry *dentry_parent_get(struct dentry *d);
/* A kmalloc'd, NUL-terminated copy of a name, for dcache_move. */
char *dentry_name_dup(const char *name, size_t len);
/* Rename d to name (from dentry_name_dup, taken over) in new_parent and
 * rehash it.  vfs_rename_mutex or the one parent's lock held. */
void dcache_move(struct dentry *d, struct dentry *new_parent, char *name,
		 size_t len);
/* Swap the places of two hashed dentries (KRENAME_EXCHANGE). */
void dcache_exchange(struct dentry *a, struct dentry *b);
/* True if anc is d or one of its ancestors (vfs_rename_mutex held). */
bool dentry_is_ancestor(struct dentry *anc, struct dentry *d);
/* Free every unused dentry of sb. */
void dcache_shrink_sb(struct super_block *sb);

/* ---- mount.c ---- */

/* Take and drop a reference to a mount (freed only by unmount). */
void mnt_get(struct mount *m);
void mnt_put(struct mount *m);
/* Move p down into whatever is mounted on it, the newest mount first. */
void vpath_follow_mounts(struct vpath *p);
/* True if p is the root of its mount. */
bool vpath_is_mnt_root(const struct vpath *p);

/* ---- fs_struct.c ---- */

/* Reset the boot context: no root or cwd yet, umask 022. */
void fs_struct_init(void);

/* Make the root mount the root and cwd of the boot context. */
void fs_struct_set_boot_root(const struct vpath *root);
/* Drop the boot context's root and cwd (at shutdown). */
void fs_struct_release_boot(void);
/* Referenced copies of the current task's root and cwd (cwd may be
 * NULL); -ENOENT before the root is mounted. */
int fs_struct_get_paths(struct vpath *root, struct vpath *cwd);

/* ---- namei.c: the path walk ---- */

enum last_type {
	LAST_NORM,		/* a name */
	LAST_ROOT,		/* "/" */
	LAST_DOT,		/* "." */
	LAST_DOTDOT,		/* ".." */
};

struct nameidata {
	struct vpath path;	/* where the walk is (referenced) */
	struct vpath root;	/* the task's root (referenced) */
	const char *last;	/* final component, not NUL-terminated */
	size_t last_len;
	enum last_type last_type;
	bool trailing;		/* the final component was followed by '/' */
	int nlinks;		/* symlinks followed so far */
	char *body;		/* link body last points into, or NULL */
};

/* Start a walk of path (not empty) from base (NULL: the cwd). */
int namei_start(struct nameidata *nd, const struct vpath *base,
		const char *path);
/* Walk all of path but its final component, which goes to nd->last. */
int namei_parent(struct nameidata *nd, const char *path);
/* Step onto nd->last, following a final symlink if follow (or if the
 * path had a trailing slash, which also requires a directory). */
int namei_last(struct nameidata *nd, bool follow);
/*
 * nd->last named the symlink link (in nd->path): count it, read its body
 * into nd->body and walk all of the body but its final component, which
 * becomes nd->last.  For vfs_open()'s creation loop.
 */
int namei_trailing_link(struct nameidata *nd, struct dentry *link);
/* Release what the walk holds. */
void namei_done(struct nameidata *nd);
/*
 * The child name of dir, from the dcache or the filesystem (referenced,
 * maybe negative).  dir's inode lock held.
 */
int namei_lookup_locked(struct dentry *dir, const char *name, size_t len,
			struct dentry **out);

/* ---- dirops.c ---- */

/* May cr make an entry in dir?  -ENOENT (removed), -EACCES. */
int vfs_may_create(struct inode *dir, const struct cred *cr);
/* May cr remove victim (a directory if isdir) from dir? */
int vfs_may_delete(struct inode *dir, struct inode *victim, bool isdir,
		   const struct cred *cr);

/* ---- read_write.c ---- */


/* Set the atime of p's inode to now if relatime says so and the mount is
 * writable: with the inode's lock held, or taking it. */
void vfs_touch_atime_locked(const struct vpath *p);
void vfs_touch_atime(const struct vpath *p);
/* Clear setuid/setgid as a write or truncate by cr does (lock held). */
void vfs_kill_suid(struct inode *inode, const struct cred *cr);

/* ---- stat.c ---- */

/*
 * Truncate regular file inode to size for an open, truncate or ftruncate:
 * limits, the page cache, the filesystem, setuid/setgid, and mtime/ctime
 * if the size changed or always.  inode->lock held.
 */
int vfs_do_truncate(struct inode *inode, uint64_t size, bool always_times);

/* ---- tmpfs.c ---- */

/* Register "tmpfs". */
int tmpfs_register(void);

/* Time helpers. */
static inline int
ktime_cmp(struct ktimespec a, struct ktimespec b)
{
	if (a.tv_sec != b.tv_sec)
		return a.tv_sec < b.tv_sec ? -1 : 1;
	if (a.tv_nsec != b.tv_nsec)
		return a.tv_nsec < b.tv_nsec ? -1 : 1;
	return 0;
}

#endif
