/*
 * ext2 when space or the disk runs out: a full disk gives -ENOSPC for
 * data (from write(2) itself, never later at fsync), directory blocks and
 * inodes with nothing corrupted and everything write(2) reported kept,
 * the reserved blocks are kept for root, and a disk whose I/O starts
 * failing gives errors, never a crash or a hang.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched.h"
#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/check_ext2.h"
#include "tests/unit/ext2_util.h"

static const char *img;

/*
 * Free blocks a failed write may leave: it allocates page by page and
 * gives back what it took for the page it could not finish (all but one
 * of a page's 1 KiB blocks, and up to two indirect blocks).
 */
#define PAGE_SLACK	5

/* Write 1-byte files until no block is left; the error (-ENOSPC). */
static int
fill_last_blocks(void)
{
	char path[64];
	int err = 0;

	for (int i = 0; err == 0 && i < 64; i++) {
		snprintf(path, sizeof(path), "/mnt/last%d", i);
		err = ext2t_write(path, "z", 1, 0);
	}
	return err;
}

/* ---- a full disk ---- */

/* With no block left: entries that need a new directory block fail. */
static void
full_dir_enospc(void)
{
	uint64_t ffree = ext2t_free_inodes();
	char path[300];
	struct file *f;
	int err = 0;

	KERR(vfs_mkdir(NULL, "/mnt/nodir", 0755), ENOSPC);
	ck_assert_uint_eq(ext2t_free_inodes(), ffree);
	for (int i = 0; i < 100 && err == 0; i++) {
		snprintf(path, sizeof(path), "/mnt/%0200d", i);
		err = vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &f);
		if (err == 0)
			file_put(f);
	}
	ck_assert_int_eq(err, -ENOSPC);
}

static int
scen_full(void *arg)
{
	static uint8_t buf[65536];
	char path[64];
	struct file *f;
	long w = 0;
	int err, n;

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_open(NULL, "/mnt/fill", KO_CREAT | KO_WRONLY, 0644, &f));
	ext2t_pattern(buf, sizeof(buf), 1, 0);
	/* No fsync: write(2) itself must see the disk full. */
	for (int i = 0; i < 200 && w >= 0; i++)
		w = vfs_write(f, buf, sizeof(buf));
	ck_assert_int_eq(w, -ENOSPC);
	ck_assert_uint_le(ext2t_free_blocks(), PAGE_SLACK);
	KERR(fill_last_blocks(), ENOSPC);
	ck_assert_uint_eq(ext2t_free_blocks(), 0);
	KERR(vfs_write(f, buf, 1), ENOSPC);
	/* Everything written has its blocks: write-back cannot fail. */
	KOK(vfs_fsync(f, false));
	full_dir_enospc();
	KOK(vfs_ftruncate(f, 100000));
	file_put(f);
	for (n = 0, err = 0; err == 0; n++) {
		snprintf(path, sizeof(path), "/mnt/i%d", n);
		err = vfs_mkdir(NULL, path, 0755);
	}
	ck_assert_int_eq(err, -ENOSPC);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_full_disk_enospc)
{
	img = ext2t_mkfs("full.img", "-b 1024 -N 64 -m 5", 2048);
	ext2t_run_on(img, false, scen_full, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- what a full disk keeps ---- */

#define FILL_FILES	2

/* Bytes each file of the fill test holds, as write(2) reported them. */
static uint64_t fill_size[FILL_FILES];

/*
 * Two files written in turn with chunks of many sizes (whole and partial
 * pages, across indirect blocks), never synced, until the disk is full:
 * every write returns its length, a short count or -ENOSPC.
 */
static int
scen_fill_reported(void *arg)
{
	static const size_t lens[] = { 65536, 5000, 777, 12288, 1, 4096,
				       3000 };
	static uint8_t buf[65536];
	struct file *f[FILL_FILES];
	char path[64];
	int nospc = 0;

	(void)arg;
	KOK(ext2t_mount(0));
	for (int i = 0; i < FILL_FILES; i++) {
		snprintf(path, sizeof(path), "/mnt/fill%d", i);
		KOK(vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &f[i]));
		fill_size[i] = 0;
	}
	for (int i = 0; i < 600; i++) {
		int k = i % FILL_FILES;
		size_t len = lens[i % 7];
		long w;

		ext2t_pattern(buf, len, (uint64_t)k + 1, fill_size[k]);
		w = vfs_write(f[k], buf, len);
		if (w == -ENOSPC) {
			nospc++;
			continue;
		}
		ck_assert_int_gt(w, 0);
		ck_assert_int_le(w, (long)len);
		fill_size[k] += (uint64_t)w;
	}
	ck_assert_int_gt(nospc, 100);
	ck_assert_uint_le(ext2t_free_blocks(), FILL_FILES * PAGE_SLACK);
	for (int i = 0; i < FILL_FILES; i++) {
		KOK(vfs_fsync(f[i], false));
		file_put(f[i]);
	}
	KOK(ext2t_umount());
	return 0;
}

/* After a remount: each file holds exactly what write(2) reported. */
static int
scen_fill_check(void *arg)
{
	static uint8_t want[4096], got[4096];
	char path[64];

	(void)arg;
	KOK(ext2t_mount(MNT_RDONLY));
	for (int i = 0; i < FILL_FILES; i++) {
		snprintf(path, sizeof(path), "/mnt/fill%d", i);
		ck_assert_uint_eq((uint64_t)ext2t_lstat_ok(path).st_size,
				  fill_size[i]);
		for (uint64_t off = 0; off < fill_size[i]; off += 4096) {
			size_t n = fill_size[i] - off < 4096 ?
				   (size_t)(fill_size[i] - off) : 4096;

			ck_assert_int_eq(ext2t_read(path, got, n, off),
					 (long)n);
			ext2t_pattern(want, n, (uint64_t)i + 1, off);
			ck_assert_mem_eq(got, want, n);
		}
	}
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_full_disk_keeps_what_write_reported)
{
	img = ext2t_mkfs("keep.img", "-b 1024 -N 32 -m 0", 2048);
	ext2t_run_on(img, false, scen_fill_reported, NULL);
	ext2t_fsck_clean(img);
	ext2t_run_on(img, true, scen_fill_check, NULL);
}
END_TEST

/*
 * A write into a hole of a sparse file that runs out of blocks half way
 * through its page: the blocks it got stay (inside the file, e2fsck is
 * content) but must read as the hole did, not as the freed file whose
 * data they held.
 */
static int
scen_hole_enospc(void *arg)
{
	static uint8_t buf[4096];
	struct file *f;
	struct kstat st;

	(void)arg;
	KOK(ext2t_mount(0));
	ext2t_pattern(buf, sizeof(buf), 5, 0);
	KOK(ext2t_write("/mnt/old", buf, 2048, 0));
	KOK(vfs_open(NULL, "/mnt/holey", KO_CREAT | KO_WRONLY, 0644, &f));
	KOK(vfs_ftruncate(f, 65536));
	KOK(vfs_sync());
	KOK(ext2t_write("/mnt/fill", buf, 0, 0));
	while (ext2t_write("/mnt/fill", buf, sizeof(buf),
			   (uint64_t)ext2t_lstat_ok("/mnt/fill").st_size) == 0)
		;
	KERR(fill_last_blocks(), ENOSPC);
	KOK(vfs_unlink(NULL, "/mnt/old"));
	ck_assert_uint_eq(ext2t_free_blocks(), 2);
	/* Page 2 is four holes: two get blocks, the third fails. */
	KERR(vfs_pwrite(f, buf, sizeof(buf), 8192), ENOSPC);
	ck_assert_uint_eq(ext2t_free_blocks(), 0);
	KOK(vfs_fstat(f, &st));
	ck_assert_int_eq(st.st_size, 65536);
	ck_assert_int_eq(st.st_blocks, 4);
	KOK(vfs_fsync(f, false));
	file_put(f);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(ext2t_read("/mnt/holey", buf, 4096, 8192), 4096);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	KOK(ext2t_umount());
	return 0;
}

/* After a remount: the hole's new blocks still read as zeros. */
static int
scen_hole_check(void *arg)
{
	static uint8_t buf[65536];

	(void)arg;
	KOK(ext2t_mount(MNT_RDONLY));
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(ext2t_read("/mnt/holey", buf, sizeof(buf), 0),
			 (long)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_enospc_in_a_hole_leaves_zeros)
{
	img = ext2t_mkfs("hole.img", "-b 1024 -N 32 -m 0", 1024);
	ext2t_run_on(img, false, scen_hole_enospc, NULL);
	ext2t_fsck_clean(img);
	ext2t_run_on(img, true, scen_hole_check, NULL);
}
END_TEST

/* ---- reserved blocks ---- */

static struct cred user_cred = {
	.uid = 1000, .gid = 1000, .euid = 1000, .egid = 1000,
	.fsuid = 1000, .fsgid = 1000,
};

/*
 * Write chunks until write(2) fails (no fsync in between: the write must
 * see the full disk itself), then fsync, which has nothing left to fail.
 * The write's error.
 */
static int
fill_until_error(const char *path)
{
	static uint8_t buf[16384];
	struct file *f = NULL;
	long w = 0;
	int err;

	ext2t_pattern(buf, sizeof(buf), 3, 0);
	err = vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &f);
	if (err != 0)
		return err;
	for (int i = 0; w >= 0 && i < 1000; i++)
		w = vfs_write(f, buf, sizeof(buf));
	ck_assert_int_eq(vfs_write(f, buf, sizeof(buf)), w);
	KOK(vfs_fsync(f, false));
	file_put(f);
	return w < 0 ? (int)w : 0;
}

static int
scen_reserved(void *arg)
{
	static uint8_t buf[65536];
	struct file *f = NULL;
	uint64_t reserved = (uint64_t)(uintptr_t)arg, free;

	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/u", 0777));
	KOK(vfs_chmod(NULL, "/mnt/u", 0777, 0));
	current->cred = &user_cred;
	KERR(fill_until_error("/mnt/u/user"), ENOSPC);
	current->cred = NULL;
	/* The user never took a reserved block, nor left many unused. */
	free = ext2t_free_blocks();
	ck_assert_uint_ge(free, reserved);
	ck_assert_uint_le(free, reserved + PAGE_SLACK);
	/* Root may: its write succeeds in full, and so does write-back. */
	KOK(vfs_open(NULL, "/mnt/root", KO_CREAT | KO_WRONLY, 0644, &f));
	ext2t_pattern(buf, sizeof(buf), 4, 0);
	ck_assert_int_eq(vfs_write(f, buf, sizeof(buf)), (long)sizeof(buf));
	ck_assert_uint_le(ext2t_free_blocks(), free - sizeof(buf) / 1024);
	KOK(vfs_fsync(f, false));
	file_put(f);
	KOK(vfs_unlink(NULL, "/mnt/u/user"));
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_reserved_blocks_only_for_root)
{
	uint32_t reserved;

	img = ext2t_mkfs("resv.img", "-b 1024 -m 10", 4096);
	reserved = ext2t_peek32(img, 1024 + 8);
	ck_assert_uint_gt(reserved, 100);
	ext2t_run_on(img, false, scen_reserved, (void *)(uintptr_t)reserved);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- disk errors ---- */

static struct block_device *fail_bdev;

/* Everything may fail once the disk does; nothing may crash or hang. */
static int
scen_io_errors(void *arg)
{
	static uint8_t buf[40000];
	char path[64];

	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	KOK(ext2t_write("/mnt/d/old", "old", 3, 0));
	KOK(vfs_sync());
	fake_disk_fail_after(fail_bdev, (unsigned long)(uintptr_t)arg);
	ext2t_pattern(buf, sizeof(buf), 9, 0);
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/mnt/d/f%d", i);
		ext2t_write(path, buf, sizeof(buf), (uint64_t)i * 70000);
		snprintf(path, sizeof(path), "/mnt/e%d", i);
		vfs_mkdir(NULL, path, 0755);
		ext2t_count_dir("/mnt/d");
		ext2t_read("/mnt/d/old", buf, 3, 0);
		if (i % 4 == 3)
			vfs_sync();
	}
	vfs_unlink(NULL, "/mnt/d/old");
	vfs_truncate(NULL, "/mnt/d/f3", 10);
	ext2t_umount();
	fake_disk_fail_after(fail_bdev, 0);
	return 0;
}

START_TEST(test_ext2_disk_errors_never_crash)
{
	img = ext2t_mkfs("ioerr.img", "-b 1024", 8192);
	fail_bdev = ext2t_disk(img, false);
	ck_assert_int_eq(ext2t_run(scen_io_errors,
				   (void *)(uintptr_t)(1 + _i * 7)), 0);
	ext2t_disk_close(fail_bdev);
}
END_TEST

TCase *
ext2_space_tcase(void (*setup)(void))
{
	TCase *tc = tcase_create("space");

	tcase_add_unchecked_fixture(tc, ext2t_tmpdir_create,
				    ext2t_tmpdir_remove);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ext2_full_disk_enospc);
	tcase_add_test(tc, test_ext2_full_disk_keeps_what_write_reported);
	tcase_add_test(tc, test_ext2_enospc_in_a_hole_leaves_zeros);
	tcase_add_test(tc, test_ext2_reserved_blocks_only_for_root);
	tcase_add_loop_test(tc, test_ext2_disk_errors_never_crash, 0, 6);
	return tc;
}
