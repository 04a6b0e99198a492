/*
 * ext2 inodes on disk: finding an inode in its group's inode table,
 * reading it into the VFS inode (with the ext2 fields kept beside it in
 * struct ext2_inode_info), writing it back, setting up new inodes, and
 * freeing an unlinked inode's blocks and number when the VFS evicts it.
 *
 * write_inode updates only the fields this driver manages and leaves the
 * rest of the on-disk inode (osd fields, checksums, in-inode attributes)
 * as it found them; new inodes were zeroed by ext2_new_inode().  Inodes
 * of 256 bytes or more carry nanosecond timestamps when their
 * i_extra_isize covers the *_extra fields.
 */
#include "core/errno.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/buffer.h"
#include "fs/devices.h"
#include "fs/ext2/ext2.h"

/* ---- memory ---- */

/* super_ops.alloc_inode: an ext2_inode_info with the VFS inode in it. */
struct inode *
ext2_alloc_inode(struct super_block *sb)
{
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei));

	(void)sb;
	if (ei == NULL)
		return NULL;
	mutex_init(&ei->map_lock, "ext2_map");
	return &ei->vfs;
}

/* super_ops.free_inode. */
void
ext2_free_inode_mem(struct inode *inode)
{
	kfree(EXT2_I(inode));
}

/* ---- locating ---- */

/* Where inode ino lives: its inode table buffer and offset. */
int
ext2_inode_loc(struct super_block *sb, uint64_t ino, struct buffer **bh,
	       uint32_t *off)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	uint32_t g, idx, blk;

	if (ino == 0 || ino > sbi->inodes_count) {
		ext2_error(sb, ino, "inode number out of range");
		return -EIO;
	}
	g = (uint32_t)((ino - 1) / sbi->inodes_per_group);
	idx = (uint32_t)((ino - 1) % sbi->inodes_per_group);
	blk = ext2_le32(ext2_gd(sbi, g)->bg_inode_table) +
	      idx / sbi->inodes_per_block;
	*off = (idx % sbi->inodes_per_block) * sbi->inode_size;
	return buffer_read(sb->bdev, blk, sbi->block_size, bh);
}

/* ---- ops and special fields ---- */

/* Point inode's ops at the tables for its type. */
void
ext2_set_ops(struct inode *inode)
{
	switch (inode->mode & KS_IFMT) {
	case KS_IFREG:
		inode->iops = &ext2_file_iops;
		inode->fops = &generic_file_ops;
		inode->pcops = &ext2_pcops;
		break;
	case KS_IFDIR:
		inode->iops = &ext2_dir_iops;
		inode->fops = &generic_dir_ops;
		break;
	case KS_IFLNK:
		inode->iops = &ext2_symlink_iops;
		break;
	default:
		inode->iops = &ext2_special_iops;
		init_special_inode(inode, inode->mode, inode->rdev);
		break;
	}
}

/* True for a symlink whose target is in i_block. */
bool
ext2_is_fast_symlink(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint64_t acl = ei->file_acl != 0 ?
		       ext2_sectors_per_block(EXT2_SB(inode->sb)) : 0;

	return KS_ISLNK(inode->mode) && inode->blocks == acl;
}

/* Store rdev as Linux does: the old 16-bit form when it fits. */
void
ext2_set_rdev(struct inode *inode, uint32_t rdev)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint32_t ma = KMAJOR(rdev), mi = KMINOR(rdev);

	init_special_inode(inode, inode->mode, rdev);
	if (ma < 256 && mi < 256) {
		ei->data[0] = ext2_cpu32(ma << 8 | mi);
		ei->data[1] = 0;
		return;
	}
	ei->data[0] = 0;
	ei->data[1] = ext2_cpu32((mi & 0xff) | ma << 8 | (mi & ~0xffU) << 12);
}

static uint32_t
ext2_get_rdev(const struct ext2_inode_info *ei)
{
	uint32_t old = ext2_le32(ei->data[0]), dev = ext2_le32(ei->data[1]);

	if (old != 0)
		return KMKDEV((old >> 8) & 0xff, old & 0xff);
	return KMKDEV((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) &
							    0xfff00));
}

/* ---- timestamps ---- */

static struct ktimespec
ext2_decode_time(uint32_t sec, const uint32_t *extra)
{
	struct ktimespec ts = { .tv_sec = (int32_t)sec, .tv_nsec = 0 };

	if (extra != NULL) {
		uint32_t x = ext2_le32(*extra);

		ts.tv_sec += (int64_t)(x & 3) << 32;
		ts.tv_nsec = x >> 2;
	}
	return ts;
}

static uint32_t
ext2_encode_extra(struct ktimespec ts)
{
	uint32_t epoch = (uint32_t)((ts.tv_sec - (int32_t)ts.tv_sec) >> 32);

	return ext2_cpu32((epoch & 3) | (uint32_t)ts.tv_nsec << 2);
}

/* ---- reading ---- */

/* Refuse inode numbers no directory entry may name. */
static int
ext2_check_ino(struct super_block *sb, uint64_t ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (ino == EXT2_ROOT_INO ||
	    (ino >= sbi->first_ino && ino <= sbi->inodes_count))
		return 0;
	ext2_error(sb, ino, "reserved or out-of-range inode number");
	return -EIO;
}

static bool
ext2_mode_valid(uint32_t mode)
{
	return ext2_mode_ft(mode) != EXT2_FT_UNKNOWN;
}

/* The VFS fields of inode from raw. */
static void
ext2_fill_vfs(struct inode *inode, const struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	const bool x = ei->extra_isize >= EXT2_EXTRA_TIMES;

	inode->mode = ext2_le16(raw->i_mode);
	inode->uid = ext2_le16(raw->i_uid) |
		     (uint32_t)ext2_le16(raw->i_uid_high) << 16;
	inode->gid = ext2_le16(raw->i_gid) |
		     (uint32_t)ext2_le16(raw->i_gid_high) << 16;
	inode->nlink = ext2_le16(raw->i_links_count);
	inode->size = ext2_le32(raw->i_size);
	if (KS_ISREG(inode->mode))
		inode->size |= (uint64_t)ext2_le32(raw->i_size_high) << 32;
	inode->blocks = ext2_le32(raw->i_blocks);
	inode->atime = ext2_decode_time(raw->i_atime,
					x ? &raw->i_atime_extra : NULL);
	inode->mtime = ext2_decode_time(raw->i_mtime,
					x ? &raw->i_mtime_extra : NULL);
	inode->ctime = ext2_decode_time(raw->i_ctime,
					x ? &raw->i_ctime_extra : NULL);
}

/* The ext2 fields of inode from raw. */
static void
ext2_fill_info(struct inode *inode, const struct ext2_inode *raw)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);

	ei->extra_isize = 0;
	if (sbi->inode_size > EXT2_GOOD_OLD_INODE_SIZE) {
		uint32_t x = ext2_le16(raw->i_extra_isize);

		if (x % 4 == 0 &&
		    x <= sbi->inode_size - EXT2_GOOD_OLD_INODE_SIZE)
			ei->extra_isize = (uint16_t)x;
	}
	memcpy(ei->data, raw->i_block, sizeof(ei->data));
	ei->flags = ext2_le32(raw->i_flags);
	ei->file_acl = ext2_le32(raw->i_file_acl);
	ei->dtime = ext2_le32(raw->i_dtime);
	ei->dir_acl = 0;
	if (!KS_ISREG(ext2_le16(raw->i_mode)))
		ei->dir_acl = ext2_le32(raw->i_size_high);
	ei->generation = ext2_le32(raw->i_generation);
	ei->group = (uint32_t)((inode->ino - 1) / sbi->inodes_per_group);
}

/* super_ops.read_inode. */
int
ext2_read_inode(struct inode *inode)
{
	struct super_block *sb = inode->sb;
	struct ext2_inode *raw;
	struct buffer *bh;
	uint32_t off;
	int err;

	err = ext2_check_ino(sb, inode->ino);
	if (err == 0)
		err = ext2_inode_loc(sb, inode->ino, &bh, &off);
	if (err != 0)
		return err;
	raw = (struct ext2_inode *)((uint8_t *)bh->data + off);
	ext2_fill_info(inode, raw);
	ext2_fill_vfs(inode, raw);
	buffer_put(bh);
	if (inode->nlink == 0 || !ext2_mode_valid(inode->mode)) {
		ext2_error(sb, inode->ino, "%s inode is referenced",
			   inode->nlink == 0 ? "deleted" : "invalid");
		return -EIO;
	}
	if (KS_ISCHR(inode->mode) || KS_ISBLK(inode->mode))
		inode->rdev = ext2_get_rdev(EXT2_I(inode));
	ext2_set_ops(inode);
	return 0;
}

/* ---- writing ---- */

static void
ext2_fill_times(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	raw->i_atime = ext2_cpu32((uint32_t)inode->atime.tv_sec);
	raw->i_mtime = ext2_cpu32((uint32_t)inode->mtime.tv_sec);
	raw->i_ctime = ext2_cpu32((uint32_t)inode->ctime.tv_sec);
	raw->i_dtime = ext2_cpu32(ei->dtime);
	if (EXT2_SB(inode->sb)->inode_size <= EXT2_GOOD_OLD_INODE_SIZE)
		return;
	raw->i_extra_isize = ext2_cpu16(ei->extra_isize);
	if (ei->extra_isize < EXT2_EXTRA_TIMES)
		return;
	raw->i_atime_extra = ext2_encode_extra(inode->atime);
	raw->i_mtime_extra = ext2_encode_extra(inode->mtime);
	raw->i_ctime_extra = ext2_encode_extra(inode->ctime);
}

/* Copy inode into raw; the block tree under map_lock. */
static void
ext2_fill_raw(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	raw->i_mode = ext2_cpu16((uint16_t)inode->mode);
	raw->i_uid = ext2_cpu16((uint16_t)inode->uid);
	raw->i_uid_high = ext2_cpu16((uint16_t)(inode->uid >> 16));
	raw->i_gid = ext2_cpu16((uint16_t)inode->gid);
	raw->i_gid_high = ext2_cpu16((uint16_t)(inode->gid >> 16));
	raw->i_links_count = ext2_cpu16((uint16_t)inode->nlink);
	raw->i_size = ext2_cpu32((uint32_t)inode->size);
	raw->i_size_high = ext2_cpu32(KS_ISREG(inode->mode) ?
				      (uint32_t)(inode->size >> 32) :
				      ei->dir_acl);
	raw->i_flags = ext2_cpu32(ei->flags);
	raw->i_file_acl = ext2_cpu32(ei->file_acl);
	raw->i_generation = ext2_cpu32(ei->generation);
	ext2_fill_times(inode, raw);
	mutex_lock(&ei->map_lock);
	raw->i_blocks = ext2_cpu32((uint32_t)inode->blocks);
	memcpy(raw->i_block, ei->data, sizeof(raw->i_block));
	mutex_unlock(&ei->map_lock);
}

/* super_ops.write_inode: into the inode table buffer. */
int
ext2_write_inode(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct buffer *bh;
	uint32_t off;
	int err;

	if (inode->sb->readonly)
		return 0;
	err = ext2_inode_loc(inode->sb, inode->ino, &bh, &off);
	if (err != 0)
		return err;
	ext2_fill_raw(inode, (struct ext2_inode *)((uint8_t *)bh->data + off));
	buffer_mark_dirty(bh);
	buffer_put(bh);
	if (KS_ISREG(inode->mode) && inode->size > 0x7fffffffULL) {
		mutex_lock(&sbi->alloc_lock);
		ext2_set_ro_feature(sbi, EXT2_RO_COMPAT_LARGE_FILE);
		mutex_unlock(&sbi->alloc_lock);
	}
	return 0;
}

/* ---- new inodes ---- */

/* Fields of a new inode of mode in dir, owned by cr. */
void
ext2_init_new_inode(struct inode *dir, struct inode *inode, uint32_t mode,
		    const struct cred *cr)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ktimespec now = vfs_now();

	inode_init_owner(inode, dir, mode, cr);
	inode->nlink = 1;
	inode->size = 0;
	inode->blocks = 0;
	inode->atime = inode->mtime = inode->ctime = now;
	memset(ei->data, 0, sizeof(ei->data));
	ei->flags = ei->file_acl = ei->dtime = ei->dir_acl = 0;
	ei->extra_isize = 0;
	if (sbi->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_NEW_EXTRA_ISIZE)
		ei->extra_isize = EXT2_NEW_EXTRA_ISIZE;
	mutex_lock(&sbi->alloc_lock);
	ei->generation = sbi->generation++;
	mutex_unlock(&sbi->alloc_lock);
	ei->group = (uint32_t)((inode->ino - 1) / sbi->inodes_per_group);
	ei->last_alloc = ei->add_hint = ei->lookup_hint = 0;
	ext2_set_ops(inode);
}

/* ---- eviction ---- */

/* Does inode own blocks through i_block? */
static bool
ext2_has_block_tree(struct inode *inode)
{
	return KS_ISREG(inode->mode) || KS_ISDIR(inode->mode) ||
	       (KS_ISLNK(inode->mode) && !ext2_is_fast_symlink(inode));
}

/* super_ops.evict_inode: free an unlinked inode's blocks and number. */
void
ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (inode->nlink != 0 || inode->sb->readonly)
		return;
	ei->dtime = (uint32_t)vfs_now().tv_sec;
	if (ext2_has_block_tree(inode))
		ext2_truncate_blocks(inode, 0);
	inode->size = 0;
	ext2_xattr_release(inode);
	if (ext2_write_inode(inode) != 0)
		return;
	ext2_free_inode(inode->sb, (uint32_t)inode->ino, KS_ISDIR(inode->mode));
}
