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

#endif
