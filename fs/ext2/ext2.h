/*
 * The second extended filesystem: on-disk structures, the in-memory
 * super block and inode information, and the functions the files of
 * fs/ext2/ share.  DESIGN.md section 5.
 *
 * Every multi-byte on-disk field is little-endian and is only touched
 * through ext2_le16/ext2_le32 (disk to CPU) and ext2_cpu16/ext2_cpu32 (CPU
 * to disk), so the code is right on either byte order.  Block numbers
 * are 32 bits (no 64bit feature); file offsets are 64 bits.
 *
 * Files: super.c (mount, unmount, statfs, group descriptors, errors),
 * check.c (mount-time checks of the super block and groups), balloc.c
 * (block bitmaps), ialloc.c (inode bitmaps), inode.c (inodes on disk),
 * bmap.c (logical to physical blocks), truncate.c (freeing blocks),
 * dir.c (directory entries), namei.c (inode_ops), file.c (file data
 * through the page cache).
 *
 * Locking, outermost first: the VFS's inode.lock (directories: entries;
 * files: size) > ext2_inode_info.map_lock [m] (the block tree, i_blocks)
 * > ext2_sb_info.alloc_lock [a] (bitmaps, group descriptors, super block
 * counts and features) > the buffer cache.  [I] immutable after mount or
 * after the inode was read, [l] the VFS inode.lock.
 */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/kernel.h"
#include "core/mutex.h"
#include "fs/vfs.h"

struct buffer;

/* ---- byte order ---- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define EXT2_SWAP16(x)	__builtin_bswap16(x)
#define EXT2_SWAP32(x)	__builtin_bswap32(x)
#else
#define EXT2_SWAP16(x)	(x)
#define EXT2_SWAP32(x)	(x)
#endif

/* A little-endian 16-bit disk field as a CPU value. */
static inline uint16_t
ext2_le16(uint16_t v)
{
	return EXT2_SWAP16(v);
}

/* A little-endian 32-bit disk field as a CPU value. */
static inline uint32_t
ext2_le32(uint32_t v)
{
	return EXT2_SWAP32(v);
}

/* A CPU value as a little-endian 16-bit disk field. */
static inline uint16_t
ext2_cpu16(uint16_t v)
{
	return EXT2_SWAP16(v);
}

/* A CPU value as a little-endian 32-bit disk field. */
static inline uint32_t
ext2_cpu32(uint32_t v)
{
	return EXT2_SWAP32(v);
}

/* Add delta to a little-endian 16- or 32-bit disk field. */
#define EXT2_ADD16(f, d)	((f) = ext2_cpu16((uint16_t)(ext2_le16(f) + \
							     (d))))
#define EXT2_ADD32(f, d)	((f) = ext2_cpu32((uint32_t)(ext2_le32(f) + \
							     (d))))

/* ---- constants of the format ---- */

#define EXT2_SUPER_MAGIC	0xEF53
#define EXT2_SUPER_OFFSET	1024	/* bytes from the start of the disk */
#define EXT2_SUPER_SIZE		1024
#define EXT2_MIN_BLOCK_LOG	10	/* 1 KiB */
#define EXT2_MAX_BLOCK_LOG	12	/* 4 KiB */
#define EXT2_GOOD_OLD_REV	0
#define EXT2_DYNAMIC_REV	1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_ROOT_INO		2
#define EXT2_LINK_MAX		32000
#define EXT2_NAME_LEN		255
#define EXT2_DESC_SIZE		32

/* s_state */
#define EXT2_VALID_FS		0x0001	/* cleanly unmounted */
#define EXT2_ERROR_FS		0x0002	/* errors detected */

/* s_feature_compat */
#define EXT2_COMPAT_RESIZE_INODE	0x0010
#define EXT2_COMPAT_SPARSE_SUPER2	0x0200
/* s_feature_ro_compat */
#define EXT2_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_RO_COMPAT_BTREE_DIR	0x0004
#define EXT2_RO_COMPAT_SUPPORTED	(EXT2_RO_COMPAT_SPARSE_SUPER | \
					 EXT2_RO_COMPAT_LARGE_FILE | \
					 EXT2_RO_COMPAT_BTREE_DIR)
/* s_feature_incompat */
#define EXT2_INCOMPAT_FILETYPE		0x0002
#define EXT2_INCOMPAT_SUPPORTED		EXT2_INCOMPAT_FILETYPE

/* i_flags */
#define EXT2_INDEX_FL		0x00001000	/* hashed-indexed directory */

/* i_block */
#define EXT2_NDIR_BLOCKS	12
#define EXT2_IND_BLOCK		12
#define EXT2_DIND_BLOCK		13
#define EXT2_TIND_BLOCK		14
#define EXT2_N_BLOCKS		15

/* Extended attribute blocks (i_file_acl). */
#define EXT2_XATTR_MAGIC	0xEA020000

/* Directory entry file types (INCOMPAT_FILETYPE). */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7
#define EXT2_FT_MAX		8

/* Bytes a directory entry with a name of len bytes needs. */
#define EXT2_DIR_REC_LEN(len)	(((len) + 8 + 3) & ~3U)

/* ---- on-disk structures ---- */

struct ext2_super_block {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	uint16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint32_t s_blocks_count_hi;
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_hi;
	uint16_t s_min_extra_isize;
	uint16_t s_want_extra_isize;
	uint32_t s_flags;
	uint8_t s_pad1[0x24c - 0x164];
	uint32_t s_backup_bgs[2];	/* COMPAT_SPARSE_SUPER2 */
	uint8_t s_pad2[1024 - 0x254];
};
_Static_assert(sizeof(struct ext2_super_block) == 1024, "super block size");
_Static_assert(offsetof(struct ext2_super_block, s_first_ino) == 84, "rev1");
_Static_assert(offsetof(struct ext2_super_block, s_flags) == 0x160, "flags");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group_desc) == EXT2_DESC_SIZE, "gd size");

struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;		/* 512-byte units */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high;		/* i_dir_acl for directories */
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* Past EXT2_GOOD_OLD_INODE_SIZE, covered by i_extra_isize. */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;		/* nanoseconds << 2 | epoch bits */
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
};
_Static_assert(offsetof(struct ext2_inode, i_extra_isize) == 128, "inode");

/* i_extra_isize that covers the three *_extra timestamps. */
#define EXT2_EXTRA_TIMES	16
/* i_extra_isize given to new inodes when there is room. */
#define EXT2_NEW_EXTRA_ISIZE	32

struct ext2_dirent {
	uint32_t inode;			/* 0: unused entry */
	uint16_t rec_len;		/* to the next entry */
	uint8_t name_len;
	uint8_t file_type;		/* EXT2_FT_* if INCOMPAT_FILETYPE */
	char name[];
};

/* ---- in memory ---- */

struct ext2_sb_info {
	struct super_block *sb;		/* [I] */
	struct buffer *sbh;		/* [I] the block with the super block */
	struct ext2_super_block *es;	/* [a] in sbh->data */
	struct buffer **gdh;		/* [I] group descriptor blocks */
	uint32_t block_size;		/* [I] bytes */
	uint32_t block_bits;		/* [I] log2(block_size) */
	uint32_t addr_per_block;	/* [I] block numbers per block */
	uint32_t blocks_count;		/* [I] */
	uint32_t inodes_count;		/* [I] */
	uint32_t first_data_block;	/* [I] */
	uint32_t blocks_per_group;	/* [I] */
	uint32_t inodes_per_group;	/* [I] */
	uint32_t groups;		/* [I] */
	uint32_t gdb_count;		/* [I] group descriptor blocks */
	uint32_t desc_per_block;	/* [I] */
	uint32_t reserved_gdt;		/* [I] resize_inode's GDT blocks */
	uint32_t inode_size;		/* [a] bytes (rev 0 upgrade: same) */
	uint32_t inodes_per_block;	/* [I] */
	uint32_t itb_per_group;		/* [I] inode table blocks */
	uint32_t first_ino;		/* [a] first non-reserved inode */
	uint32_t r_blocks;		/* [I] reserved for resuid/resgid */
	uint32_t resuid, resgid;	/* [I] */
	uint32_t overhead;		/* [I] metadata blocks, for statfs */
	uint16_t mount_state;		/* [a] s_state to write at unmount */
	bool ro_features;		/* [I] unknown RO_COMPAT: read-only */
	bool active;			/* [I] mounted: the super block may be
					 * written */
	uint32_t generation;		/* [a] next i_generation */
	struct mutex alloc_lock;
};

struct ext2_inode_info {
	struct inode vfs;
	uint32_t data[EXT2_N_BLOCKS];	/* [m] i_block, little-endian */
	uint32_t flags;			/* [l] i_flags */
	uint32_t file_acl;		/* [l] extended attribute block */
	uint32_t dtime;			/* [l] */
	uint32_t dir_acl;		/* [l] i_size_high of non-files */
	uint32_t generation;		/* [l] */
	uint16_t extra_isize;		/* [l] 0 for 128-byte inodes */
	uint32_t group;			/* [I] block group of the inode */
	uint32_t last_alloc;		/* [m] last block allocated: a goal */
	uint32_t add_hint;		/* [l] directory block to try first */
	uint32_t lookup_hint;		/* [l] directory block found last */
	struct mutex map_lock;
};

/* The ext2 information of a VFS super block or inode. */
static inline struct ext2_sb_info *
EXT2_SB(const struct super_block *sb)
{
	return sb->fs_info;
}

static inline struct ext2_inode_info *
EXT2_I(const struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs);
}

/* ---- super.c ---- */

/*
 * Report corruption found in inode ino (0: none in particular): log it
 * with pr_err and mark the file system as having errors.  Callers return
 * -EIO.  Any lock may be held but alloc_lock (it is taken).
 */
__printf(3, 4) void ext2_error(struct super_block *sb, uint64_t ino,
			       const char *fmt, ...);
/* As ext2_error() with alloc_lock already held. */
__printf(3, 4) void ext2_error_locked(struct super_block *sb, uint64_t ino,
				      const char *fmt, ...);
/* Group descriptor g (g < groups): a pointer into its pinned buffer. */
struct ext2_group_desc *ext2_gd(struct ext2_sb_info *sbi, uint32_t g);
/* Queue group descriptor g's block for write-back; alloc_lock held. */
void ext2_gd_dirty(struct ext2_sb_info *sbi, uint32_t g);
/* Queue the super block for write-back; alloc_lock held. */
void ext2_sb_dirty(struct ext2_sb_info *sbi);
/* True if group g holds a copy of the super block and descriptors. */
bool ext2_group_has_super(const struct ext2_sb_info *sbi, uint32_t g);
/* First block of group g. */
uint32_t ext2_group_first(const struct ext2_sb_info *sbi, uint32_t g);
/* Blocks in group g (the last group may be short). */
uint32_t ext2_group_nblocks(const struct ext2_sb_info *sbi, uint32_t g);
/* Set an RO_COMPAT feature (a file past 2 GiB: LARGE_FILE), upgrading a
 * revision 0 file system first.  alloc_lock held. */
void ext2_set_ro_feature(struct ext2_sb_info *sbi, uint32_t feature);

/* ---- check.c ---- */

/*
 * Check the super block's geometry and features against each other and
 * the disk, then read, pin and check the group descriptors.  0, or
 * -EINVAL (logged) / -EIO / -ENOMEM.  An unknown RO_COMPAT feature sets
 * sbi->ro_features and sb->readonly.
 */
int ext2_check_super(struct super_block *sb, struct ext2_sb_info *sbi);
/* Log that field what of the super block is bad (value); -EINVAL. */
int ext2_bad_super(struct super_block *sb, const char *what, uint32_t value);
/* Unpin the group descriptor blocks (any that were read). */
void ext2_put_groups(struct ext2_sb_info *sbi);
/* Set sbi->overhead and the super block's free counts from the groups. */
void ext2_count_groups(struct ext2_sb_info *sbi);

/* ---- balloc.c ---- */

/* True if bit nr of a bitmap is set. */
bool ext2_test_bit(const uint8_t *map, uint32_t nr);
/* Set or clear bit nr; return its previous value. */
bool ext2_set_bit(uint8_t *map, uint32_t nr);
bool ext2_clear_bit(uint8_t *map, uint32_t nr);
/* The first clear bit in [start, end), or end if there is none. */
uint32_t ext2_find_zero_bit(const uint8_t *map, uint32_t start,
			    uint32_t end);
/* True if count blocks from blk are all inside the file system and none
 * is metadata (super block copies, descriptors, bitmaps, inode tables). */
bool ext2_blocks_valid(struct ext2_sb_info *sbi, uint32_t blk,
		       uint32_t count);
/*
 * Allocate a block for inode near goal (0: near the inode's group):
 * *out is the block.  Reserved blocks only for resuid/resgid/root.
 * 0, -ENOSPC or -EIO.  The caller holds inode's map_lock or owns inode.
 */
int ext2_new_block(struct inode *inode, uint32_t goal, uint32_t *out);
/* Free count blocks from start.  0 or -EIO (not data blocks, or free
 * already: reported). */
int ext2_free_blocks(struct super_block *sb, uint64_t ino, uint32_t start,
		     uint32_t count);
/* Drop a block's cached buffer with any dirty data (buffer_forget) before
 * the block is freed and may become file data written around the buffer
 * cache.  For blocks whose buffer the caller does not hold. */
void ext2_forget_block(struct super_block *sb, uint32_t blk);

/* ---- ialloc.c ---- */

/*
 * Allocate an inode number for a new inode of mode in dir: directories go
 * to a lightly used group, others near dir.  The on-disk inode is zeroed.
 * *ino is the number.  0, -ENOSPC or -EIO.
 */
int ext2_new_inode(struct inode *dir, uint32_t mode, uint32_t *ino);
/* Mark inode ino (a directory if is_dir) free.  0 or -EIO. */
int ext2_free_inode(struct super_block *sb, uint32_t ino, bool is_dir);

/* ---- inode.c ---- */

/* super_ops of ext2 inodes. */
struct inode *ext2_alloc_inode(struct super_block *sb);
void ext2_free_inode_mem(struct inode *inode);
int ext2_read_inode(struct inode *inode);
int ext2_write_inode(struct inode *inode);
void ext2_evict_inode(struct inode *inode);
/* Set up a just-allocated inode of mode in dir for cr (owner, times,
 * flags, ops). */
void ext2_init_new_inode(struct inode *dir, struct inode *inode,
			 uint32_t mode, const struct cred *cr);
/* Point inode's ops at the tables for its type. */
void ext2_set_ops(struct inode *inode);
/* Store a device number in a new device inode's i_block. */
void ext2_set_rdev(struct inode *inode, uint32_t rdev);
/* True if inode is a symlink with its target in i_block. */
bool ext2_is_fast_symlink(struct inode *inode);
/* Locate inode ino on disk: its buffer (referenced) and the offset of the
 * inode in it.  0 or -EIO. */
int ext2_inode_loc(struct super_block *sb, uint64_t ino, struct buffer **bh,
		   uint32_t *off);

/* ---- bmap.c ---- */

/*
 * Map logical block lblk of inode to *pblk; a hole is 0 unless create,
 * which allocates the block and any missing indirect blocks (all or
 * none).  Takes map_lock.  0, -EFBIG, -ENOSPC or -EIO.
 */
int ext2_bmap(struct inode *inode, uint64_t lblk, bool create,
	      uint32_t *pblk);
/* As ext2_bmap() with map_lock held. */
int ext2_bmap_locked(struct inode *inode, uint64_t lblk, bool create,
		     uint32_t *pblk);
/* The largest file size the block tree and i_blocks can describe. */
uint64_t ext2_max_size(const struct ext2_sb_info *sbi);

/* ---- truncate.c ---- */

/* Free inode's blocks past size (and the indirect blocks that become
 * empty).  Takes map_lock.  0 or -EIO. */
int ext2_truncate_blocks(struct inode *inode, uint64_t size);
/* inode_ops.truncate of regular files. */
int ext2_setsize(struct inode *inode, uint64_t size);
/* Drop inode's reference to its extended attribute block.  0 or -EIO. */
int ext2_xattr_release(struct inode *inode);

/* ---- dir.c ---- */

/* Find name in dir: *ino, or -ENOENT; -EIO on a corrupt block. */
int ext2_dir_find(struct inode *dir, const char *name, size_t len,
		  uint32_t *ino);
/* Add an entry name -> inode to dir.  0, -ENOSPC, -EFBIG or -EIO. */
int ext2_dir_add(struct inode *dir, const char *name, size_t len,
		 struct inode *inode);
/* Remove the entry name from dir.  0, -ENOENT or -EIO. */
int ext2_dir_delete(struct inode *dir, const char *name, size_t len);
/* Point the existing entry name of dir at inode.  0, -ENOENT or -EIO. */
int ext2_dir_set(struct inode *dir, const char *name, size_t len,
		 struct inode *inode);
/* Point dir's ".." at parent.  0 or -EIO. */
int ext2_dir_set_parent(struct inode *dir, struct inode *parent);
/* Write the first block of a new directory: "." and "..".  0 or -errno. */
int ext2_dir_make(struct inode *dir, struct inode *parent);
/* 1 if dir holds only "." and "..", 0 if not, or -EIO. */
int ext2_dir_empty(struct inode *dir);
/* inode_ops.readdir. */
int ext2_readdir(struct inode *dir, uint64_t *pos,
		 bool (*emit)(void *ctx, const char *name, size_t len,
			      uint64_t ino, unsigned int type),
		 void *ctx);

/* ---- namei.c, file.c ---- */

extern const struct inode_ops ext2_dir_iops;
extern const struct inode_ops ext2_file_iops;
extern const struct inode_ops ext2_symlink_iops;
extern const struct inode_ops ext2_special_iops;
extern const struct page_cache_ops ext2_pcops;

/* ---- small helpers ---- */

/* The directory entry file type of a mode. */
static inline uint8_t
ext2_mode_ft(uint32_t mode)
{
	switch (mode & KS_IFMT) {
	case KS_IFREG:	return EXT2_FT_REG_FILE;
	case KS_IFDIR:	return EXT2_FT_DIR;
	case KS_IFCHR:	return EXT2_FT_CHRDEV;
	case KS_IFBLK:	return EXT2_FT_BLKDEV;
	case KS_IFIFO:	return EXT2_FT_FIFO;
	case KS_IFSOCK:	return EXT2_FT_SOCK;
	case KS_IFLNK:	return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

/* i_blocks units (512 bytes) in one block. */
static inline uint32_t
ext2_sectors_per_block(const struct ext2_sb_info *sbi)
{
	return sbi->block_size >> 9;
}

#endif
