/*
 * ext2 inode operations: lookup, creation of every file type, hard links,
 * unlink, rmdir, symlinks (fast ones in i_block, slow ones in a block),
 * readlink and rename (over an existing name, of directories with their
 * ".." and link counts, and KRENAME_EXCHANGE).
 *
 * The VFS holds the locks of the directories and victims and has checked
 * permissions and type rules; this file keeps the on-disk link counts
 * right: a directory has 2 + its subdirectories, a file one per entry.
 * A new inode that cannot be linked in is dropped with nlink 0, and the
 * eviction frees what it had.
 */
#include "core/errno.h"
#include "core/string.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"

static int
ext2_lookup(struct inode *dir, const char *name, size_t len,
	    struct inode **out)
{
	uint32_t ino;
	int err;

	err = ext2_dir_find(dir, name, len, &ino);
	if (err != 0)
		return err;
	if (ino == dir->ino) {
		ext2_error(dir->sb, dir->ino, "directory loop: entry \"%.*s\" "
			   "names its own directory", (int)len, name);
		return -EIO;
	}
	return iget(dir->sb, ino, out);
}

/* ---- new inodes ---- */

/* Allocate and set up a new inode of mode in dir, not linked yet. */
static int
ext2_new_child(struct inode *dir, uint32_t mode, const struct cred *cr,
	       struct inode **out)
{
	uint32_t ino;
	int err;

	if (dir->sb->readonly)
		return -EROFS;
	err = ext2_new_inode(dir, mode, &ino);
	if (err != 0)
		return err;
	err = inode_new(dir->sb, ino, out);
	if (err != 0) {
		ext2_free_inode(dir->sb, ino, KS_ISDIR(mode));
		return err;
	}
	ext2_init_new_inode(dir, *out, mode, cr);
	inode_mark_dirty(*out);
	return 0;
}

/* Give up a new inode: its eviction frees it. */
static void
ext2_discard_child(struct inode *inode)
{
	inode->nlink = 0;
	inode_mark_dirty(inode);
	inode_ready(inode);
	iput(inode);
}

/* Link the new inode into dir as name and hand it out. */
static int
ext2_link_child(struct inode *dir, const char *name, size_t len,
		struct inode *inode, struct inode **out)
{
	int err;

	err = ext2_dir_add(dir, name, len, inode);
	if (err != 0) {
		ext2_discard_child(inode);
		return err;
	}
	if (KS_ISDIR(inode->mode)) {
		dir->nlink++;
		inode_mark_dirty(dir);
	}
	inode_ready(inode);
	*out = inode;
	return 0;
}

static int
ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
	    uint32_t rdev, const struct cred *cr, struct inode **out)
{
	struct inode *inode;
	int err;

	if (ext2_mode_ft(mode) == EXT2_FT_UNKNOWN)
		return -EINVAL;
	if (KS_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_new_child(dir, mode, cr, &inode);
	if (err != 0)
		return err;
	if (KS_ISCHR(mode) || KS_ISBLK(mode))
		ext2_set_rdev(inode, rdev);
	if (KS_ISDIR(mode)) {
		inode->nlink = 2;
		err = ext2_dir_make(inode, dir);
		if (err != 0) {
			ext2_discard_child(inode);
			return err;
		}
	}
	return ext2_link_child(dir, name, len, inode, out);
}

/* Write a slow symlink's target into its first block. */
static int
ext2_write_slow_link(struct inode *inode, const char *target, size_t len)
{
	struct buffer *bh;
	uint32_t pblk;
	int err;

	err = ext2_bmap(inode, 0, true, &pblk);
	if (err != 0)
		return err;
	err = buffer_get(inode->sb->bdev, pblk, inode->sb->block_size, &bh);
	if (err != 0)
		return err;
	memset(bh->data, 0, inode->sb->block_size);
	memcpy(bh->data, target, len);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	return 0;
}

static int
ext2_symlink(struct inode *dir, const char *name, size_t len,
	     const char *target, const struct cred *cr, struct inode **out)
{
	size_t tlen = strlen(target);
	struct inode *inode;
	int err = 0;

	if (tlen == 0)
		return -ENOENT;
	if (tlen + 1 > dir->sb->block_size)
		return -ENAMETOOLONG;
	err = ext2_new_child(dir, KS_IFLNK | 0777, cr, &inode);
	if (err != 0)
		return err;
	if (tlen < sizeof(EXT2_I(inode)->data))
		memcpy(EXT2_I(inode)->data, target, tlen);
	else
		err = ext2_write_slow_link(inode, target, tlen);
	if (err != 0) {
		ext2_discard_child(inode);
		return err;
	}
	inode->size = tlen;
	return ext2_link_child(dir, name, len, inode, out);
}

static int
ext2_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = MIN(size, inode->size);
	struct buffer *bh;
	uint32_t pblk;
	int err;

	if (ext2_is_fast_symlink(inode)) {
		if (inode->size >= sizeof(EXT2_I(inode)->data))
			goto out_bad;
		memcpy(buf, EXT2_I(inode)->data, n);
		return (int)n;
	}
	if (inode->size >= inode->sb->block_size)
		goto out_bad;
	err = ext2_bmap(inode, 0, false, &pblk);
	if (err != 0)
		return err;
	if (pblk == 0)
		goto out_bad;
	err = buffer_read(inode->sb->bdev, pblk, inode->sb->block_size, &bh);
	if (err != 0)
		return err;
	memcpy(buf, bh->data, n);
	buffer_put(bh);
	return (int)n;
out_bad:
	ext2_error(inode->sb, inode->ino, "bad symlink of size %llu",
		   (unsigned long long)inode->size);
	return -EIO;
}

/* ---- links ---- */

static int
ext2_link(struct inode *dir, const char *name, size_t len,
	  struct inode *target)
{
	int err;

	if (dir->sb->readonly)
		return -EROFS;
	if (target->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_dir_add(dir, name, len, target);
	if (err != 0)
		return err;
	target->nlink++;
	target->ctime = vfs_now();
	inode_mark_dirty(target);
	return 0;
}

/* One name of victim went away. */
static void
ext2_drop_link(struct inode *victim)
{
	if (victim->nlink > 0)
		victim->nlink--;
	victim->ctime = vfs_now();
	inode_mark_dirty(victim);
}

static int
ext2_unlink(struct inode *dir, const char *name, size_t len,
	    struct inode *victim)
{
	int err;

	if (dir->sb->readonly)
		return -EROFS;
	err = ext2_dir_delete(dir, name, len);
	if (err == 0)
		ext2_drop_link(victim);
	return err;
}

/* A directory victim leaves parent: its links and parent's "..". */
static void
ext2_drop_dir(struct inode *parent, struct inode *victim)
{
	victim->nlink = 0;
	victim->size = 0;
	victim->ctime = vfs_now();
	inode_mark_dirty(victim);
	if (parent->nlink > 0)
		parent->nlink--;
	inode_mark_dirty(parent);
}

static int
ext2_rmdir(struct inode *dir, const char *name, size_t len,
	   struct inode *victim)
{
	int err;

	if (dir->sb->readonly)
		return -EROFS;
	err = ext2_dir_empty(victim);
	if (err == 0)
		return -ENOTEMPTY;
	if (err < 0)
		return err;
	err = ext2_dir_delete(dir, name, len);
	if (err == 0)
		ext2_drop_dir(dir, victim);
	return err;
}

/* ---- rename ---- */

/* Directory src moved from odir to ndir: its ".." and the link counts. */
static int
ext2_move_dir(struct inode *src, struct inode *odir, struct inode *ndir)
{
	if (odir == ndir)
		return 0;
	odir->nlink--;
	ndir->nlink++;
	inode_mark_dirty(odir);
	inode_mark_dirty(ndir);
	return ext2_dir_set_parent(src, ndir);
}

/* Rename over victim or to a new name. */
static int
ext2_move(struct inode *odir, const char *oname, size_t olen,
	  struct inode *ndir, const char *nname, size_t nlen,
	  struct inode *src, struct inode *victim)
{
	bool isdir = KS_ISDIR(src->mode);
	int err;

	if (victim == src)
		return 0;
	if (victim != NULL && KS_ISDIR(victim->mode)) {
		err = ext2_dir_empty(victim);
		if (err <= 0)
			return err == 0 ? -ENOTEMPTY : err;
	}
	if (victim == NULL && isdir && odir != ndir &&
	    ndir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if (victim != NULL)
		err = ext2_dir_set(ndir, nname, nlen, src);
	else
		err = ext2_dir_add(ndir, nname, nlen, src);
	if (err == 0)
		err = ext2_dir_delete(odir, oname, olen);
	if (err != 0)
		return err;
	if (victim != NULL && KS_ISDIR(victim->mode))
		ext2_drop_dir(ndir, victim);
	else if (victim != NULL)
		ext2_drop_link(victim);
	return isdir ? ext2_move_dir(src, odir, ndir) : 0;
}

/* Swap the inodes two names refer to. */
static int
ext2_exchange(struct inode *odir, const char *oname, size_t olen,
	      struct inode *ndir, const char *nname, size_t nlen,
	      struct inode *src, struct inode *victim)
{
	bool sdir = KS_ISDIR(src->mode), vdir = KS_ISDIR(victim->mode);
	int err;

	err = ext2_dir_set(ndir, nname, nlen, src);
	if (err == 0)
		err = ext2_dir_set(odir, oname, olen, victim);
	if (err != 0 || odir == ndir)
		return err;
	if (sdir && vdir) {
		err = ext2_dir_set_parent(src, ndir);
		return err != 0 ? err : ext2_dir_set_parent(victim, odir);
	}
	if (sdir)
		return ext2_move_dir(src, odir, ndir);
	if (vdir)
		return ext2_move_dir(victim, ndir, odir);
	return 0;
}

static int
ext2_rename(struct inode *odir, const char *oname, size_t olen,
	    struct inode *ndir, const char *nname, size_t nlen,
	    struct inode *victim, unsigned int flags)
{
	struct inode *src;
	uint32_t ino;
	int err;

	if (odir->sb->readonly)
		return -EROFS;
	if ((flags & KRENAME_EXCHANGE) && victim == NULL)
		return -ENOENT;
	err = ext2_dir_find(odir, oname, olen, &ino);
	if (err == 0)
		err = iget(odir->sb, ino, &src);
	if (err != 0)
		return err;
	if (flags & KRENAME_EXCHANGE)
		err = ext2_exchange(odir, oname, olen, ndir, nname, nlen, src,
				    victim);
	else
		err = ext2_move(odir, oname, olen, ndir, nname, nlen, src,
				victim);
	if (err == 0) {
		src->ctime = vfs_now();
		inode_mark_dirty(src);
		if (victim != NULL && (flags & KRENAME_EXCHANGE)) {
			victim->ctime = src->ctime;
			inode_mark_dirty(victim);
		}
	}
	iput(src);
	return err;
}

/* ---- tables ---- */

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.symlink = ext2_symlink,
	.rename = ext2_rename,
	.readdir = ext2_readdir,
};

const struct inode_ops ext2_file_iops = {
	.truncate = ext2_setsize,
};

const struct inode_ops ext2_symlink_iops = {
	.readlink = ext2_readlink,
};

/* Devices, FIFOs and sockets: the VFS gives them their file ops. */
const struct inode_ops ext2_special_iops = {
	.readlink = NULL,
};
