/*
 * Helpers of the ext2 Check suite: a temporary directory per test case,
 * images made by the host's mke2fs, e2fsck and debugfs runs, byte
 * patches of images, and running a scenario through the VFS in a kernel
 * thread of the fake machine with the image mounted at /mnt.
 */
#ifndef TESTS_UNIT_EXT2_UTIL_H
#define TESTS_UNIT_EXT2_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct block_device;
struct file;
struct kstat;

/* Assert a kernel call returned 0, or the given -errno. */
#define KOK(e)		ck_assert_int_eq((e), 0)
#define KERR(e, err)	ck_assert_int_eq((e), -(err))

/* ---- host side ---- */

/* The test case's temporary directory (an unchecked fixture makes it in
 * the parent and removes it with everything in it). */
extern char ext2t_dir[];
void ext2t_tmpdir_create(void);
void ext2t_tmpdir_remove(void);
/* ext2t_dir/name into a static buffer (one of four, round robin). */
const char *ext2t_path(const char *name);
/* Run a shell command line; its exit status (-1 if it did not run). */
__attribute__((format(printf, 1, 2))) int ext2t_sh(const char *fmt, ...);
/* Make image name of kib KiB with mke2fs -q -F -t ext2 opts; its path. */
const char *ext2t_mkfs(const char *name, const char *opts, unsigned long kib);
/* e2fsck -fn the image: fail the test (with e2fsck's output) unless it
 * finds nothing. */
void ext2t_fsck_clean(const char *img);
/* debugfs -R req on img: its output (malloc'd, NUL-terminated). */
char *ext2t_debugfs(const char *img, const char *req);
/* Read or overwrite len bytes of img at off. */
void ext2t_peek(const char *img, uint64_t off, void *buf, size_t len);
void ext2t_poke(const char *img, uint64_t off, const void *buf, size_t len);
uint32_t ext2t_peek32(const char *img, uint64_t off);
void ext2t_poke32(const char *img, uint64_t off, uint32_t v);
void ext2t_poke16(const char *img, uint64_t off, uint16_t v);
/* Fill buf with bytes that depend on seed and the offset in the file. */
void ext2t_pattern(void *buf, size_t len, uint64_t seed, uint64_t off);

/* ---- the fake machine ---- */

/* Boot the fake machine with the VFS, the caches and ext2 (setup). */
void ext2t_boot(void);
/* Run fn(arg) in a kernel thread until it returns; its return value. */
int ext2t_run(int (*fn)(void *), void *arg);
/* Open img as the disk "ubda" (read-only if ro). */
struct block_device *ext2t_disk(const char *img, bool ro);
void ext2t_disk_close(struct block_device *bdev);

/* Open image as the disk, run fn(arg) in a kernel thread (it must
 * return 0), close the disk. */
void ext2t_run_on(const char *image, bool ro, int (*fn)(void *), void *arg);

/* ---- in a kernel thread ---- */

/* Mount "ubda" as ext2 on /mnt (tmpfs root made on first use). */
int ext2t_mount(unsigned int flags);
/* Unmount /mnt (writes everything back). */
int ext2t_umount(void);
/* Write len bytes at off of path, creating it (mode 0644). */
int ext2t_write(const char *path, const void *buf, size_t len, uint64_t off);
/* Read up to len bytes at off of path; bytes read or -errno. */
long ext2t_read(const char *path, void *buf, size_t len, uint64_t off);
/* Number of entries of directory path ("." and ".." included). */
long ext2t_count_dir(const char *path);
/* stat without following a final symlink. */
int ext2t_lstat(const char *path, struct kstat *st);
/* ext2t_lstat that must succeed. */
struct kstat ext2t_lstat_ok(const char *path);
/* statfs of /mnt: free blocks and free inodes. */
uint64_t ext2t_free_blocks(void);
uint64_t ext2t_free_inodes(void);
/*
 * Compare the host tree at host with the kernel tree at kpath: names,
 * types, sizes, link counts, file contents and link targets, and with
 * attrs also permissions, owners, mtime, ctime (seconds) and device
 * numbers.  Fails the
 * test at the first difference.
 */
void ext2t_compare_tree(const char *host, const char *kpath, bool attrs);

#endif
