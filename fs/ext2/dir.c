/*
 * ext2 directories: linear lists of variable-length entries {inode,
 * rec_len, name_len, file_type, name} packed in whole blocks, read and
 * written through the buffer cache.  Every block is checked when it is
 * read (rec_len aligned, at least the name's size and inside the block,
 * inode numbers in range); a bad one is -EIO with a message naming the
 * directory.
 *
 * Adding reuses an unused entry or splits an entry's slack, else appends
 * a block; deleting merges the entry into the previous one of its block
 * (or marks it unused when it is the first).  readdir cookies are
 * block * block_size + offset; after entries were merged, resuming scans
 * the block from its start and skips what lies before the cookie, so an
 * entry is never returned twice nor skipped unless it was removed.  Any
 * change clears EXT2_INDEX_FL: an htree index mke2fs built would be stale.
 * The VFS holds dir->lock around all of these.
 */
#include "core/errno.h"
#include "core/string.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"

#define EXT2_NO_OFF	UINT32_MAX

static const uint8_t ext2_ft_to_dt[EXT2_FT_MAX] = {
	[EXT2_FT_UNKNOWN] = KDT_UNKNOWN, [EXT2_FT_REG_FILE] = KDT_REG,
	[EXT2_FT_DIR] = KDT_DIR, [EXT2_FT_CHRDEV] = KDT_CHR,
	[EXT2_FT_BLKDEV] = KDT_BLK, [EXT2_FT_FIFO] = KDT_FIFO,
	[EXT2_FT_SOCK] = KDT_SOCK, [EXT2_FT_SYMLINK] = KDT_LNK,
};

/* Where an entry is: its block (referenced), offset and predecessor. */
struct ext2_dir_slot {
	struct buffer *bh;
	uint32_t lblk;
	uint32_t off;
	uint32_t prev;			/* EXT2_NO_OFF: first in its block */
};

static struct ext2_dirent *
ext2_dirent_at(void *data, uint32_t off)
{
	return (struct ext2_dirent *)((uint8_t *)data + off);
}

static bool
ext2_has_filetype(const struct ext2_sb_info *sbi)
{
	return ext2_le32(sbi->es->s_feature_incompat) & EXT2_INCOMPAT_FILETYPE;
}

/* ---- reading and checking blocks ---- */

/* What is wrong with the entry at off of a block, or NULL. */
static const char *
ext2_dirent_problem(const struct ext2_sb_info *sbi,
		    const struct ext2_dirent *de, uint32_t off)
{
	uint32_t rec = ext2_le16(de->rec_len);

	if (rec < EXT2_DIR_REC_LEN(1))
		return "rec_len too small";
	if (rec % 4 != 0)
		return "misaligned rec_len";
	if (rec > sbi->block_size - off)
		return "rec_len past the block";
	if (rec < EXT2_DIR_REC_LEN(de->name_len))
		return "name_len past rec_len";
	if (ext2_le32(de->inode) > sbi->inodes_count)
		return "inode number out of range";
	if (de->inode != 0 && de->name_len == 0)
		return "empty name";
	return NULL;
}

static int
ext2_dir_check(struct inode *dir, uint32_t lblk, void *data)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	const char *why;

	for (uint32_t off = 0; off < sbi->block_size;) {
		struct ext2_dirent *de = ext2_dirent_at(data, off);

		why = ext2_dirent_problem(sbi, de, off);
		if (why != NULL) {
			ext2_error(dir->sb, dir->ino, "directory block %u "
				   "offset %u: %s", lblk, off, why);
			return -EIO;
		}
		off += ext2_le16(de->rec_len);
	}
	return 0;
}

/* Blocks of dir; -EIO if its size is not whole blocks. */
static int
ext2_dir_nblocks(struct inode *dir, uint32_t *n)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);

	if ((dir->size & (sbi->block_size - 1)) != 0 ||
	    (dir->size >> sbi->block_bits) > UINT32_MAX) {
		ext2_error(dir->sb, dir->ino, "directory size %llu is not "
			   "whole blocks", (unsigned long long)dir->size);
		return -EIO;
	}
	*n = (uint32_t)(dir->size >> sbi->block_bits);
	return 0;
}

/* Read and check block lblk of dir. */
static int
ext2_dir_read(struct inode *dir, uint32_t lblk, struct buffer **out)
{
	uint32_t pblk;
	int err;

	err = ext2_bmap(dir, lblk, false, &pblk);
	if (err == 0 && pblk == 0) {
		ext2_error(dir->sb, dir->ino, "hole at directory block %u",
			   lblk);
		err = -EIO;
	}
	if (err == 0)
		err = buffer_read(dir->sb->bdev, pblk, dir->sb->block_size,
				  out);
	if (err != 0)
		return err;
	/* Checked once per load from disk: ext2 keeps what it writes
	 * valid, so a block only needs checking when it is read again. */
	if ((*out)->verified)
		return 0;
	err = ext2_dir_check(dir, lblk, (*out)->data);
	if (err != 0)
		buffer_put(*out);
	else
		(*out)->verified = true;
	return err;
}

/* The directory changed: times, and no more index. */
static void
ext2_dir_touch(struct inode *dir)
{
	dir->mtime = dir->ctime = vfs_now();
	EXT2_I(dir)->flags &= ~EXT2_INDEX_FL;
	inode_mark_dirty(dir);
}

/* ---- searching ---- */

static bool
ext2_name_is(const struct ext2_dirent *de, const char *name, size_t len)
{
	return de->inode != 0 && de->name_len == len &&
	       memcmp(de->name, name, len) == 0;
}

/* Find name in one block: fill s->off and s->prev. */
static bool
ext2_block_find(struct ext2_sb_info *sbi, void *data, const char *name,
		size_t len, struct ext2_dir_slot *s)
{
	uint32_t prev = EXT2_NO_OFF;

	for (uint32_t off = 0; off < sbi->block_size;) {
		struct ext2_dirent *de = ext2_dirent_at(data, off);

		if (ext2_name_is(de, name, len)) {
			s->off = off;
			s->prev = prev;
			return true;
		}
		prev = off;
		off += ext2_le16(de->rec_len);
	}
	return false;
}

/* Find name in dir, from the block found last; s->bh is referenced. */
static int
ext2_dir_search(struct inode *dir, const char *name, size_t len,
		struct ext2_dir_slot *s)
{
	struct ext2_inode_info *ei = EXT2_I(dir);
	uint32_t n, start;
	int err;

	err = ext2_dir_nblocks(dir, &n);
	if (err != 0)
		return err;
	start = ei->lookup_hint < n ? ei->lookup_hint : 0;
	for (uint32_t i = 0; i < n; i++) {
		s->lblk = (start + i) % n;
		err = ext2_dir_read(dir, s->lblk, &s->bh);
		if (err != 0)
			return err;
		if (ext2_block_find(EXT2_SB(dir->sb), s->bh->data, name, len,
				    s)) {
			ei->lookup_hint = s->lblk;
			return 0;
		}
		buffer_put(s->bh);
	}
	return -ENOENT;
}

/* Find name in dir. */
int
ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino)
{
	struct ext2_dir_slot s;
	int err;

	err = ext2_dir_search(dir, name, len, &s);
	if (err != 0)
		return err;
	*ino = ext2_le32(ext2_dirent_at(s.bh->data, s.off)->inode);
	buffer_put(s.bh);
	return 0;
}

/* ---- changing entries ---- */

/* Make the entry at de name -> inode. */
static void
ext2_fill_entry(struct ext2_sb_info *sbi, struct ext2_dirent *de,
		const char *name, size_t len, struct inode *inode)
{
	de->inode = ext2_cpu32((uint32_t)inode->ino);
	de->name_len = (uint8_t)len;
	de->file_type = ext2_has_filetype(sbi) ? ext2_mode_ft(inode->mode) : 0;
	memcpy(de->name, name, len);
}

/* Point the entry name of dir at inode. */
int
ext2_dir_set(struct inode *dir, const char *name, size_t len,
	     struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	struct ext2_dirent *de;
	struct ext2_dir_slot s;
	int err;

	err = ext2_dir_search(dir, name, len, &s);
	if (err != 0)
		return err;
	de = ext2_dirent_at(s.bh->data, s.off);
	de->inode = ext2_cpu32((uint32_t)inode->ino);
	de->file_type = ext2_has_filetype(sbi) ? ext2_mode_ft(inode->mode) : 0;
	buffer_mark_dirty(s.bh);
	buffer_put(s.bh);
	ext2_dir_touch(dir);
	return 0;
}

/* Remove name from dir: merge it into its predecessor. */
int
ext2_dir_delete(struct inode *dir, const char *name, size_t len)
{
	struct ext2_inode_info *ei = EXT2_I(dir);
	struct ext2_dirent *de, *prev;
	struct ext2_dir_slot s;
	int err;

	err = ext2_dir_search(dir, name, len, &s);
	if (err != 0)
		return err;
	de = ext2_dirent_at(s.bh->data, s.off);
	if (s.prev == EXT2_NO_OFF) {
		de->inode = 0;
	} else {
		prev = ext2_dirent_at(s.bh->data, s.prev);
		prev->rec_len = ext2_cpu16(ext2_le16(prev->rec_len) +
					   ext2_le16(de->rec_len));
	}
	buffer_mark_dirty(s.bh);
	buffer_put(s.bh);
	if (s.lblk < ei->add_hint)
		ei->add_hint = s.lblk;
	ext2_dir_touch(dir);
	return 0;
}

/* Offset of an entry with room for need more bytes, or EXT2_NO_OFF. */
static uint32_t
ext2_block_room(struct ext2_sb_info *sbi, void *data, uint32_t need)
{
	for (uint32_t off = 0; off < sbi->block_size;) {
		struct ext2_dirent *de = ext2_dirent_at(data, off);
		uint32_t rec = ext2_le16(de->rec_len);
		uint32_t used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;

		if (rec - used >= need)
			return off;
		off += rec;
	}
	return EXT2_NO_OFF;
}

/* Put name -> inode in the room of the entry at off. */
static void
ext2_insert_at(struct ext2_sb_info *sbi, void *data, uint32_t off,
	       const char *name, size_t len, struct inode *inode)
{
	struct ext2_dirent *de = ext2_dirent_at(data, off), *nde;
	uint32_t rec = ext2_le16(de->rec_len), used;

	if (de->inode != 0) {
		used = EXT2_DIR_REC_LEN(de->name_len);
		nde = ext2_dirent_at(data, off + used);
		nde->rec_len = ext2_cpu16((uint16_t)(rec - used));
		de->rec_len = ext2_cpu16((uint16_t)used);
		de = nde;
	}
	ext2_fill_entry(sbi, de, name, len, inode);
}

/* Append an empty block to dir; *out is its buffer, referenced. */
static int
ext2_dir_grow(struct inode *dir, uint32_t lblk, struct buffer **out)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	struct ext2_dirent *de;
	uint32_t pblk;
	int err;

	err = ext2_bmap(dir, lblk, true, &pblk);
	if (err != 0)
		return err;
	err = buffer_get(dir->sb->bdev, pblk, sbi->block_size, out);
	if (err != 0) {
		ext2_truncate_blocks(dir, dir->size);
		return err;
	}
	memset((*out)->data, 0, sbi->block_size);
	de = (*out)->data;
	de->rec_len = ext2_cpu16((uint16_t)sbi->block_size);
	dir->size += sbi->block_size;
	return 0;
}

/* Add name -> inode to dir. */
int
ext2_dir_add(struct inode *dir, const char *name, size_t len,
	     struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	struct ext2_inode_info *ei = EXT2_I(dir);
	uint32_t need = EXT2_DIR_REC_LEN(len), n, lblk, off = EXT2_NO_OFF;
	struct buffer *bh;
	int err;

	err = ext2_dir_nblocks(dir, &n);
	for (lblk = ei->add_hint < n ? ei->add_hint : 0;
	     err == 0 && lblk < n; lblk++) {
		err = ext2_dir_read(dir, lblk, &bh);
		if (err != 0)
			return err;
		off = ext2_block_room(sbi, bh->data, need);
		if (off != EXT2_NO_OFF)
			break;
		buffer_put(bh);
	}
	if (err == 0 && off == EXT2_NO_OFF) {
		err = ext2_dir_grow(dir, lblk, &bh);
		off = 0;
	}
	if (err != 0)
		return err;
	ext2_insert_at(sbi, bh->data, off, name, len, inode);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	ei->add_hint = lblk;
	ext2_dir_touch(dir);
	return 0;
}

/* ---- "." and ".." ---- */

/* Point dir's ".." at parent. */
int
ext2_dir_set_parent(struct inode *dir, struct inode *parent)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	struct ext2_dirent *de;
	struct buffer *bh;
	int err;

	err = ext2_dir_read(dir, 0, &bh);
	if (err != 0)
		return err;
	de = ext2_dirent_at(bh->data, ext2_le16(((struct ext2_dirent *)
						 bh->data)->rec_len));
	if ((uint8_t *)de - (uint8_t *)bh->data >= sbi->block_size ||
	    !ext2_name_is(de, "..", 2)) {
		buffer_put(bh);
		ext2_error(dir->sb, dir->ino, "no \"..\" entry");
		return -EIO;
	}
	de->inode = ext2_cpu32((uint32_t)parent->ino);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	EXT2_I(dir)->flags &= ~EXT2_INDEX_FL;
	inode_mark_dirty(dir);
	return 0;
}

/* The first block of new directory dir. */
int
ext2_dir_make(struct inode *dir, struct inode *parent)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	struct ext2_dirent *de;
	struct buffer *bh;
	int err;

	err = ext2_dir_grow(dir, 0, &bh);
	if (err != 0)
		return err;
	de = bh->data;
	ext2_fill_entry(sbi, de, ".", 1, dir);
	de->rec_len = ext2_cpu16(EXT2_DIR_REC_LEN(1));
	de = ext2_dirent_at(bh->data, EXT2_DIR_REC_LEN(1));
	ext2_fill_entry(sbi, de, "..", 2, parent);
	de->rec_len = ext2_cpu16((uint16_t)(sbi->block_size -
					    EXT2_DIR_REC_LEN(1)));
	buffer_mark_dirty(bh);
	buffer_put(bh);
	return 0;
}

static bool
ext2_block_empty(struct ext2_sb_info *sbi, void *data)
{
	for (uint32_t off = 0; off < sbi->block_size;) {
		struct ext2_dirent *de = ext2_dirent_at(data, off);

		if (de->inode != 0 && !ext2_name_is(de, ".", 1) &&
		    !ext2_name_is(de, "..", 2))
			return false;
		off += ext2_le16(de->rec_len);
	}
	return true;
}

/* 1 if dir has only "." and "..". */
int
ext2_dir_empty(struct inode *dir)
{
	struct buffer *bh;
	uint32_t n;
	bool empty = true;
	int err;

	err = ext2_dir_nblocks(dir, &n);
	for (uint32_t lblk = 0; err == 0 && empty && lblk < n; lblk++) {
		err = ext2_dir_read(dir, lblk, &bh);
		if (err != 0)
			break;
		empty = ext2_block_empty(EXT2_SB(dir->sb), bh->data);
		buffer_put(bh);
	}
	return err != 0 ? err : empty;
}

/* ---- readdir ---- */

static unsigned int
ext2_dirent_type(struct ext2_sb_info *sbi, const struct ext2_dirent *de)
{
	if (!ext2_has_filetype(sbi) || de->file_type >= EXT2_FT_MAX)
		return KDT_UNKNOWN;
	return ext2_ft_to_dt[de->file_type];
}

/* Emit the entries of one block from the cookie *pos; false if emit
 * asked to stop. */
static bool
ext2_readdir_block(struct ext2_sb_info *sbi, void *data, uint64_t *pos,
		   bool (*emit)(void *, const char *, size_t, uint64_t,
				unsigned int),
		   void *ctx)
{
	uint64_t base = *pos & ~(uint64_t)(sbi->block_size - 1);
	uint32_t skip = (uint32_t)(*pos - base);

	for (uint32_t off = 0; off < sbi->block_size;) {
		struct ext2_dirent *de = ext2_dirent_at(data, off);
		uint32_t rec = ext2_le16(de->rec_len);

		if (off >= skip && de->inode != 0) {
			*pos = base + off;
			if (!emit(ctx, de->name, de->name_len,
				  ext2_le32(de->inode),
				  ext2_dirent_type(sbi, de)))
				return false;
		}
		off += rec;
	}
	*pos = base + sbi->block_size;
	return true;
}

/* inode_ops.readdir: entries from the cookie *pos on. */
int
ext2_readdir(struct inode *dir, uint64_t *pos,
	     bool (*emit)(void *ctx, const char *name, size_t len,
			  uint64_t ino, unsigned int type),
	     void *ctx)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	struct buffer *bh;
	bool more = true;
	uint32_t n;
	int err;

	err = ext2_dir_nblocks(dir, &n);
	while (err == 0 && more && (*pos >> sbi->block_bits) < n) {
		err = ext2_dir_read(dir, (uint32_t)(*pos >> sbi->block_bits),
				    &bh);
		if (err != 0)
			break;
		more = ext2_readdir_block(sbi, bh->data, pos, emit, ctx);
		buffer_put(bh);
	}
	return err;
}
