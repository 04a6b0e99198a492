/*
 * The guest ABI: Linux x86-64 structure layouts and constants that guests
 * and the FUSE export see, under kernel-prefixed names (STYLE.md rule 6)
 * so that host code can include this next to libc headers.  Values are
 * Linux's; layouts are checked with _Static_assert where it matters.
 */
#ifndef CORE_ABI_H
#define CORE_ABI_H

#include <stdint.h>

/* ---- file types and permission bits (st_mode) ---- */
#define KS_IFMT		0170000
#define KS_IFSOCK	0140000
#define KS_IFLNK	0120000
#define KS_IFREG	0100000
#define KS_IFBLK	0060000
#define KS_IFDIR	0040000
#define KS_IFCHR	0020000
#define KS_IFIFO	0010000
#define KS_ISUID	04000
#define KS_ISGID	02000
#define KS_ISVTX	01000
#define KS_IRWXU	00700
#define KS_IRWXG	00070
#define KS_IRWXO	00007

#define KS_ISREG(m)	(((m) & KS_IFMT) == KS_IFREG)
#define KS_ISDIR(m)	(((m) & KS_IFMT) == KS_IFDIR)
#define KS_ISLNK(m)	(((m) & KS_IFMT) == KS_IFLNK)
#define KS_ISCHR(m)	(((m) & KS_IFMT) == KS_IFCHR)
#define KS_ISBLK(m)	(((m) & KS_IFMT) == KS_IFBLK)
#define KS_ISFIFO(m)	(((m) & KS_IFMT) == KS_IFIFO)
#define KS_ISSOCK(m)	(((m) & KS_IFMT) == KS_IFSOCK)

/* ---- open(2) flags ---- */
#define KO_ACCMODE	00000003
#define KO_RDONLY	00000000
#define KO_WRONLY	00000001
#define KO_RDWR		00000002
#define KO_CREAT	00000100
#define KO_EXCL		00000200
#define KO_NOCTTY	00000400
#define KO_TRUNC	00001000
#define KO_APPEND	00002000
#define KO_NONBLOCK	00004000
#define KO_DSYNC	00010000
#define KO_DIRECT	00040000
#define KO_LARGEFILE	00100000
#define KO_DIRECTORY	00200000
#define KO_NOFOLLOW	00400000
#define KO_NOATIME	01000000
#define KO_CLOEXEC	02000000
#define KO_SYNC		04010000
#define KO_PATH		010000000
#define KO_TMPFILE	020200000

/* ---- *at(2) flags and special values ---- */
#define KAT_FDCWD		(-100)
#define KAT_SYMLINK_NOFOLLOW	0x100
#define KAT_REMOVEDIR		0x200
#define KAT_SYMLINK_FOLLOW	0x400
#define KAT_EACCESS		0x200
#define KAT_EMPTY_PATH		0x1000

/* renameat2(2) */
#define KRENAME_NOREPLACE	(1 << 0)
#define KRENAME_EXCHANGE	(1 << 1)
#define KRENAME_WHITEOUT	(1 << 2)

/* lseek(2) */
#define KSEEK_SET	0
#define KSEEK_CUR	1
#define KSEEK_END	2
#define KSEEK_DATA	3
#define KSEEK_HOLE	4

/* access(2) */
#define KF_OK	0
#define KX_OK	1
#define KW_OK	2
#define KR_OK	4

/* utimensat(2) */
#define KUTIME_NOW	((1L << 30) - 1L)
#define KUTIME_OMIT	((1L << 30) - 2L)

/* getdents64 d_type */
#define KDT_UNKNOWN	0
#define KDT_FIFO	1
#define KDT_CHR		2
#define KDT_DIR		4
#define KDT_BLK		6
#define KDT_REG		8
#define KDT_LNK		10
#define KDT_SOCK	12

/* Device numbers as Linux encodes them in a 32-bit dev_t for stat. */
#define KMKDEV(ma, mi)	((((ma) & 0xfff) << 8) | ((mi) & 0xff) | \
			 (((mi) & ~0xffU) << 12))
#define KMAJOR(d)	(((d) >> 8) & 0xfff)
#define KMINOR(d)	(((d) & 0xff) | (((d) >> 12) & 0xfff00))

struct ktimespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct ktimeval {
	int64_t tv_sec;
	int64_t tv_usec;
};
_Static_assert(sizeof(struct ktimeval) == 16, "struct timeval is 16 bytes");

/* Nanoseconds as a struct timeval. */
static inline struct ktimeval
ns_to_timeval(uint64_t ns)
{
	struct ktimeval tv = {
		.tv_sec = (int64_t)(ns / 1000000000ULL),
		.tv_usec = (int64_t)(ns % 1000000000ULL / 1000ULL),
	};

	return tv;
}

/* struct stat of x86-64 Linux. */
struct kstat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t __pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;		/* 512-byte units */
	struct ktimespec st_atim;
	struct ktimespec st_mtim;
	struct ktimespec st_ctim;
	int64_t st_reserved[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat is 144 bytes");

/* struct statfs of x86-64 Linux. */
struct kstatfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct kstatfs) == 120, "struct statfs is 120 bytes");

/* The record getdents64(2) returns; d_name is NUL-terminated and the
 * record is padded to 8 bytes. */
struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* Filesystem magic numbers (statfs f_type). */
#define KEXT2_SUPER_MAGIC	0xEF53
#define KTMPFS_MAGIC		0x01021994
#define KPROC_SUPER_MAGIC	0x9fa0
#define KDEVFS_MAGIC		0x1373	/* Linux's devfs magic */

/* ---- stat family: *at flags of stat(2)/statx(2) and struct statx ---- */
#define KAT_NO_AUTOMOUNT	0x800
#define KAT_STATX_SYNC_TYPE	0x6000
#define KAT_STATX_SYNC_AS_STAT	0x0000
#define KAT_STATX_FORCE_SYNC	0x2000
#define KAT_STATX_DONT_SYNC	0x4000

/* statx(2) mask bits. */
#define KSTATX_TYPE		0x0001U
#define KSTATX_MODE		0x0002U
#define KSTATX_NLINK		0x0004U
#define KSTATX_UID		0x0008U
#define KSTATX_GID		0x0010U
#define KSTATX_ATIME		0x0020U
#define KSTATX_MTIME		0x0040U
#define KSTATX_CTIME		0x0080U
#define KSTATX_INO		0x0100U
#define KSTATX_SIZE		0x0200U
#define KSTATX_BLOCKS		0x0400U
#define KSTATX_BASIC_STATS	0x07ffU
#define KSTATX_BTIME		0x0800U
#define KSTATX_MNT_ID		0x1000U
#define KSTATX__RESERVED	0x80000000U

struct kstatx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

/* struct statx of Linux (the same on every architecture). */
struct kstatx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t __spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct kstatx_timestamp stx_atime;
	struct kstatx_timestamp stx_btime;
	struct kstatx_timestamp stx_ctime;
	struct kstatx_timestamp stx_mtime;
	uint32_t stx_rdev_major;
	uint32_t stx_rdev_minor;
	uint32_t stx_dev_major;
	uint32_t stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align;
	uint32_t stx_dio_offset_align;
	uint64_t __spare3[12];
};
_Static_assert(sizeof(struct kstatx) == 256, "struct statx is 256 bytes");
_Static_assert(__builtin_offsetof(struct kstatx, stx_rdev_major) == 128,
	       "struct statx: stx_rdev_major at 128");

/* ---- mount(2) and umount2(2) flags ---- */
#define KMS_RDONLY	0x1
#define KMS_NOSUID	0x2
#define KMS_NODEV	0x4
#define KMS_NOEXEC	0x8
#define KMS_SYNCHRONOUS	0x10
#define KMS_REMOUNT	0x20
#define KMS_MANDLOCK	0x40
#define KMS_DIRSYNC	0x80
#define KMS_NOSYMFOLLOW	0x100
#define KMS_NOATIME	0x400
#define KMS_NODIRATIME	0x800
#define KMS_BIND	0x1000
#define KMS_MOVE	0x2000
#define KMS_REC		0x4000
#define KMS_SILENT	0x8000
#define KMS_UNBINDABLE	(1 << 17)
#define KMS_PRIVATE	(1 << 18)
#define KMS_SLAVE	(1 << 19)
#define KMS_SHARED	(1 << 20)
#define KMS_RELATIME	(1 << 21)
#define KMS_STRICTATIME	(1 << 24)
#define KMS_LAZYTIME	(1 << 25)
#define KMS_MGC_MSK	0xffff0000UL	/* old magic in the top half */
#define KMS_MGC_VAL	0xc0ed0000UL

#define KMNT_FORCE		0x1
#define KMNT_DETACH		0x2
#define KMNT_EXPIRE		0x4
#define KUMOUNT_NOFOLLOW	0x8

#endif
