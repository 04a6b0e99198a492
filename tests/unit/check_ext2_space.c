/*
 * ext2 when space or the disk runs out: a full disk gives -ENOSPC for
 * data, directory blocks and inodes with nothing corrupted, the reserved
 * blocks are kept for root, and a disk whose I/O starts failing gives
 * errors, never a crash or a hang.
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
	int err = 0, n;

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_open(NULL, "/mnt/fill", KO_CREAT | KO_WRONLY, 0644, &f));
	ext2t_pattern(buf, sizeof(buf), 1, 0);
	for (int i = 0; i < 200 && err == 0; i++) {
		long w = vfs_write(f, buf, sizeof(buf));

		err = w < 0 ? (int)w : vfs_fsync(f, false);
	}
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_uint_eq(ext2t_free_blocks(), 0);
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

/* ---- reserved blocks ---- */

static struct cred user_cred = {
	.uid = 1000, .gid = 1000, .euid = 1000, .egid = 1000,
	.fsuid = 1000, .fsgid = 1000,
};

/* Write chunks (fsync each) until an error; the error. */
static int
fill_until_error(const char *path)
{
	static uint8_t buf[16384];
	struct file *f = NULL;
	int err;

	ext2t_pattern(buf, sizeof(buf), 3, 0);
	err = vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &f);
	for (int i = 0; err == 0 && i < 1000; i++) {
		long w = vfs_write(f, buf, sizeof(buf));

		err = w < 0 ? (int)w : vfs_fsync(f, false);
	}
	if (f != NULL)
		file_put(f);
	return err;
}

static int
scen_reserved(void *arg)
{
	struct file *f = NULL;
	uint64_t reserved = (uint64_t)(uintptr_t)arg;

	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/u", 0777));
	KOK(vfs_chmod(NULL, "/mnt/u", 0777, 0));
	current->cred = &user_cred;
	KERR(fill_until_error("/mnt/u/user"), ENOSPC);
	current->cred = NULL;
	ck_assert_uint_le(ext2t_free_blocks(), reserved);
	ck_assert_uint_ge(ext2t_free_blocks(), reserved - 32);
	KOK(vfs_open(NULL, "/mnt/root", KO_CREAT | KO_WRONLY, 0644, &f));
	ck_assert_int_eq(vfs_write(f, "rootdata", 8), 8);
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
	tcase_add_test(tc, test_ext2_reserved_blocks_only_for_root);
	tcase_add_loop_test(tc, test_ext2_disk_errors_never_crash, 0, 6);
	return tc;
}
