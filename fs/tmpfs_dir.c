/*
 * tmpfs directories: a list of entries in the order they were made, each
 * with a readdir cookie that never changes (a rename into a directory
 * makes a new entry with a new cookie), so a readdir that resumes at a
 * cookie sees every entry that stayed exactly once, whatever was removed
 * meanwhile.  "." and ".." are cookies 0 and 1.  The inode_ops keep link
 * counts (a directory has 2 plus one per subdirectory), ".." and the
 * timestamps; the VFS holds the directory locks.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/tmpfs.h"

static struct tmpfs_dirent *
tmpfs_find(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de;

	list_for_each_entry(de, &TMPFS_I(dir)->entries, node) {
		if (de->len == len && memcmp(de->name, name, len) == 0)
			return de;
	}
	return NULL;
}

static struct tmpfs_dirent *
tmpfs_dirent_alloc(const char *name, size_t len)
{
	struct tmpfs_dirent *de = kmalloc(sizeof(*de) + len);

	if (de != NULL) {
		de->len = len;
		memcpy(de->name, name, len);
	}
	return de;
}

/* Append de for inode to dir with the next cookie. */
static void
tmpfs_dirent_add(struct inode *dir, struct tmpfs_dirent *de,
		 struct inode *inode)
{
	struct tmpfs_inode *td = TMPFS_I(dir);

	de->inode = inode;
	de->cookie = td->next_cookie++;
	list_add_tail(&de->node, &td->entries);
	dir->size += TMPFS_DIRENT_SIZE;
	tmpfs_touch(dir);
}

static void
tmpfs_dirent_remove(struct inode *dir, struct tmpfs_dirent *de)
{
	list_del(&de->node);
	kfree(de);
	dir->size -= TMPFS_DIRENT_SIZE;
	tmpfs_touch(dir);
}

void
tmpfs_dir_free(struct inode *dir)
{
	struct tmpfs_dirent *de, *next;

	list_for_each_entry_safe(de, next, &TMPFS_I(dir)->entries, node)
		kfree(de);
	list_init(&TMPFS_I(dir)->entries);
}

static int
tmpfs_lookup(struct inode *dir, const char *name, size_t len,
	     struct inode **out)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (de == NULL)
		return -ENOENT;
	iget_ref(de->inode);
	*out = de->inode;
	return 0;
}

/* A new subdirectory adds a link to its parent. */
static void
tmpfs_link_subdir(struct inode *dir, struct inode *sub)
{
	TMPFS_I(sub)->parent_ino = dir->ino;
	dir->nlink++;
}

/* Link the new inode as name in dir and make it ready. */
static int
tmpfs_add_new(struct inode *dir, const char *name, size_t len,
	      struct inode *inode, struct inode **out)
{
	struct tmpfs_dirent *de = tmpfs_dirent_alloc(name, len);

	if (de == NULL) {
		inode->nlink = 0;
		inode_ready(inode);
		iput(inode);
		return -ENOMEM;
	}
	if (KS_ISDIR(inode->mode))
		tmpfs_link_subdir(dir, inode);
	tmpfs_dirent_add(dir, de, inode);
	inode_ready(inode);
	*out = inode;
	return 0;
}

static int
tmpfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
	     uint32_t rdev, const struct cred *cr, struct inode **out)
{
	struct inode *inode;
	int err;

	err = tmpfs_new_inode(dir->sb, dir, mode, rdev, cr, &inode);
	if (err != 0)
		return err;
	return tmpfs_add_new(dir, name, len, inode, out);
}

static int
tmpfs_symlink(struct inode *dir, const char *name, size_t len,
	      const char *target, const struct cred *cr, struct inode **out)
{
	size_t tlen = strlen(target);
	struct inode *inode;
	char *copy;
	int err;

	copy = kmalloc(tlen + 1);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, target, tlen + 1);
	err = tmpfs_new_inode(dir->sb, dir, KS_IFLNK | 0777, 0, cr, &inode);
	if (err != 0) {
		kfree(copy);
		return err;
	}
	TMPFS_I(inode)->target = copy;
	inode->size = tlen;
	return tmpfs_add_new(dir, name, len, inode, out);
}

static int
tmpfs_link(struct inode *dir, const char *name, size_t len,
	   struct inode *target)
{
	struct tmpfs_dirent *de = tmpfs_dirent_alloc(name, len);

	if (de == NULL)
		return -ENOMEM;
	tmpfs_dirent_add(dir, de, target);
	target->nlink++;
	target->ctime = vfs_now();
	return 0;
}

/* victim lost its entry in dir. */
static void
tmpfs_drop_link(struct inode *dir, struct inode *victim)
{
	if (KS_ISDIR(victim->mode)) {
		victim->nlink = 0;
		dir->nlink--;
	} else {
		victim->nlink--;
	}
	victim->ctime = vfs_now();
}

static int
tmpfs_unlink(struct inode *dir, const char *name, size_t len,
	     struct inode *victim)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (de == NULL || de->inode != victim)
		return -ENOENT;
	tmpfs_dirent_remove(dir, de);
	tmpfs_drop_link(dir, victim);
	return 0;
}

static int
tmpfs_rmdir(struct inode *dir, const char *name, size_t len,
	    struct inode *victim)
{
	if (!list_empty(&TMPFS_I(victim)->entries))
		return -ENOTEMPTY;
	return tmpfs_unlink(dir, name, len, victim);
}

/* A directory moved from odir to ndir: links and "..". */
static void
tmpfs_move_subdir(struct inode *odir, struct inode *ndir, struct inode *sub)
{
	if (!KS_ISDIR(sub->mode) || odir == ndir)
		return;
	odir->nlink--;
	tmpfs_link_subdir(ndir, sub);
}

static int
tmpfs_exchange(struct inode *odir, struct tmpfs_dirent *ode,
	       struct inode *ndir, struct tmpfs_dirent *nde)
{
	struct inode *a = ode->inode, *b = nde->inode;

	ode->inode = b;
	nde->inode = a;
	tmpfs_move_subdir(odir, ndir, a);
	tmpfs_move_subdir(ndir, odir, b);
	a->ctime = b->ctime = vfs_now();
	tmpfs_touch(odir);
	tmpfs_touch(ndir);
	return 0;
}

static int
tmpfs_rename(struct inode *odir, const char *oname, size_t olen,
	     struct inode *ndir, const char *nname, size_t nlen,
	     struct inode *victim, unsigned int flags)
{
	struct tmpfs_dirent *ode = tmpfs_find(odir, oname, olen);
	struct tmpfs_dirent *nde = tmpfs_find(ndir, nname, nlen), *moved;
	struct inode *inode;

	if (ode == NULL || (nde != NULL ? nde->inode : NULL) != victim)
		return -ENOENT;
	if (flags & KRENAME_EXCHANGE)
		return tmpfs_exchange(odir, ode, ndir, nde);
	if (victim != NULL && KS_ISDIR(victim->mode) &&
	    !list_empty(&TMPFS_I(victim)->entries))
		return -ENOTEMPTY;
	moved = tmpfs_dirent_alloc(nname, nlen);
	if (moved == NULL)
		return -ENOMEM;
	if (nde != NULL) {
		tmpfs_dirent_remove(ndir, nde);
		tmpfs_drop_link(ndir, victim);
	}
	inode = ode->inode;
	tmpfs_dirent_remove(odir, ode);
	tmpfs_dirent_add(ndir, moved, inode);
	tmpfs_move_subdir(odir, ndir, inode);
	inode->ctime = vfs_now();
	return 0;
}

static int
tmpfs_readdir(struct inode *dir, uint64_t *pos,
	      bool (*emit)(void *ctx, const char *name, size_t len,
			   uint64_t ino, unsigned int type),
	      void *ctx)
{
	struct tmpfs_inode *td = TMPFS_I(dir);
	struct tmpfs_dirent *de;

	if (*pos == 0) {
		if (!emit(ctx, ".", 1, dir->ino, KDT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (!emit(ctx, "..", 2, td->parent_ino, KDT_DIR))
			return 0;
		*pos = TMPFS_FIRST_COOKIE;
	}
	list_for_each_entry(de, &td->entries, node) {
		if (de->cookie < *pos)
			continue;
		*pos = de->cookie;
		if (!emit(ctx, de->name, de->len, de->inode->ino,
			  (de->inode->mode & KS_IFMT) >> 12))
			return 0;
		*pos = de->cookie + 1;
	}
	return 0;
}

const struct inode_ops tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.symlink = tmpfs_symlink,
	.rename = tmpfs_rename,
	.readdir = tmpfs_readdir,
};
