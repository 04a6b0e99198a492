/*
 * The ext2 filesystem on the fake machine: images made by the host's
 * mke2fs are opened as a fake disk, mounted through the VFS in a kernel
 * thread, put through a scenario with the vfs_* API, unmounted, and then
 * judged by `e2fsck -fn` and read back (by debugfs or by mounting again).
 *
 * This file holds the tests of files and mounts; check_ext2_dirs.c those
 * of directories, links and renames; check_ext2_space.c those of full
 * disks, reserved blocks and failing disks; check_ext2_images.c those of
 * images made elsewhere (populated, corrupt, other features); and
 * check_ext2_random.c the randomized differential test.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kthread.h"
#include "core/sched.h"
#include "core/timer.h"
#include "fs/vfs.h"
#include "fs/writeback.h"
#include "tests/fake/fake.h"
#include "tests/unit/check_ext2.h"
#include "tests/unit/ext2_util.h"
#include "tests/unit/unit.h"

static const char *img;			/* the test's image */

/* ---- mount state ---- */

static int
scen_mount_state(void *arg)
{
	(void)arg;
	KOK(ext2t_mount(0));
	/* While mounted read-write the image is not clean. */
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 56) >> 16 & 1, 0);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_mount_state)
{
	uint16_t count_before;

	img = ext2t_mkfs("a.img", "-b 1024", 4096);
	ext2t_peek(img, 1024 + 52, &count_before, 2);
	ext2t_run_on(img, false, scen_mount_state, NULL);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 52) & 0xffff,
			 count_before + 1);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 56) >> 16, 1);
	ck_assert_uint_ne(ext2t_peek32(img, 1024 + 44), 0);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- every inode type ---- */

static char long_target[700];

static int
scen_make_types(void *arg)
{
	(void)arg;
	vfs_umask(0);
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/dir", 0750));
	KOK(ext2t_write("/mnt/dir/file", "hello", 5, 0));
	KOK(vfs_symlink("dir/file", NULL, "/mnt/fast"));
	KOK(vfs_symlink(long_target, NULL, "/mnt/slow"));
	KOK(vfs_mknod(NULL, "/mnt/null", KS_IFCHR | 0666, KMKDEV(1, 3)));
	KOK(vfs_mknod(NULL, "/mnt/big", KS_IFCHR | 0600,
		      KMKDEV(300, 70000)));
	KOK(vfs_mknod(NULL, "/mnt/sda", KS_IFBLK | 0660, KMKDEV(8, 1)));
	KOK(vfs_mknod(NULL, "/mnt/fifo", KS_IFIFO | 0644, 0));
	KOK(vfs_mknod(NULL, "/mnt/sock", KS_IFSOCK | 0755, 0));
	KERR(vfs_mkdir(NULL, "/mnt/dir", 0755), EEXIST);
	KOK(ext2t_umount());
	return 0;
}

static void
check_link(const char *path, const char *want)
{
	char buf[1024];
	int n = vfs_readlink(NULL, path, buf, sizeof(buf));

	ck_assert_int_eq(n, (int)strlen(want));
	ck_assert(memcmp(buf, want, (size_t)n) == 0);
}

static int
scen_check_types(void *arg)
{
	struct kstat st;
	char buf[8];

	(void)arg;
	KOK(ext2t_mount(0));
	st = ext2t_lstat_ok("/mnt/dir");
	ck_assert_uint_eq(st.st_mode, KS_IFDIR | 0750);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(ext2t_read("/mnt/dir/file", buf, 8, 0), 5);
	ck_assert(memcmp(buf, "hello", 5) == 0);
	st = ext2t_lstat_ok("/mnt/fast");
	ck_assert_uint_eq(st.st_blocks, 0);
	check_link("/mnt/fast", "dir/file");
	check_link("/mnt/slow", long_target);
	ck_assert_int_eq(ext2t_read("/mnt/fast", buf, 8, 0), 5);
	st = ext2t_lstat_ok("/mnt/null");
	ck_assert_uint_eq(st.st_mode, KS_IFCHR | 0666);
	ck_assert_uint_eq(st.st_rdev, KMKDEV(1, 3));
	st = ext2t_lstat_ok("/mnt/big");
	ck_assert_uint_eq(st.st_rdev, KMKDEV(300, 70000));
	st = ext2t_lstat_ok("/mnt/sda");
	ck_assert_uint_eq(st.st_mode, KS_IFBLK | 0660);
	ck_assert_uint_eq(st.st_rdev, KMKDEV(8, 1));
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/fifo").st_mode, KS_IFIFO | 0644);
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/sock").st_mode,
			  KS_IFSOCK | 0755);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_all_inode_types)
{
	char *out;

	memset(long_target, 'x', sizeof(long_target) - 1);
	memcpy(long_target, "a/long/target/", 14);
	img = ext2t_mkfs("types.img", "-b 1024", 4096);
	ext2t_run_on(img, false, scen_make_types, NULL);
	ext2t_fsck_clean(img);
	out = ext2t_debugfs(img, "cat /dir/file");
	ck_assert_str_eq(out, "hello");
	free(out);
	out = ext2t_debugfs(img, "stat /big");
	ck_assert_msg(strstr(out, "Device major/minor number: 300:70000"),
		      "%s", out);
	free(out);
	ext2t_run_on(img, false, scen_check_types, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- file data through every kind of block ---- */

static const char *const layouts[] = {
	"-b 1024 -I 128",
	"-b 2048 -I 256",
	"-b 4096 -I 256",
	"-r 0 -b 1024",
	"-r 1 -b 1024 -I 256 -O ^filetype,^dir_index,^resize_inode",
};

static const size_t sizes[] = {
	0, 1, 1023, 1024, 1025, 4096, 12 * 1024, 13 * 1024 + 7, 300000,
	2200000,
};

static uint8_t *big_buf;

static int
scen_write_sizes(void *arg)
{
	char path[64];

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "/mnt/d/f%zu", i);
		ext2t_pattern(big_buf, sizes[i], i, 0);
		KOK(ext2t_write(path, big_buf, sizes[i], 0));
	}
	KOK(ext2t_umount());
	return 0;
}

static int
scen_read_sizes(void *arg)
{
	uint8_t *want = malloc(2200000);
	char path[64];

	(void)arg;
	KOK(ext2t_mount(MNT_RDONLY));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "/mnt/d/f%zu", i);
		ext2t_pattern(want, sizes[i], i, 0);
		ck_assert_int_eq(ext2t_lstat_ok(path).st_size, (long)sizes[i]);
		ck_assert_int_eq(ext2t_read(path, big_buf, sizes[i] + 10, 0),
				 (long)sizes[i]);
		ck_assert_msg(memcmp(big_buf, want, sizes[i]) == 0,
			      "content of %s", path);
	}
	KOK(ext2t_umount());
	free(want);
	return 0;
}

START_TEST(test_ext2_file_data_layouts)
{
	char *out;

	big_buf = malloc(2200000 + 16);
	img = ext2t_mkfs("data.img", layouts[_i], 16384);
	ext2t_run_on(img, false, scen_write_sizes, NULL);
	ext2t_fsck_clean(img);
	ext2t_run_on(img, false, scen_read_sizes, NULL);
	out = ext2t_debugfs(img, "dump /d/f9 /dev/stdout");
	free(out);
	ck_assert_int_eq(ext2t_sh("debugfs -R 'dump /d/f8 %s' '%s' "
				  ">/dev/null 2>&1", ext2t_path("f8"), img), 0);
	{
		FILE *f = fopen(ext2t_path("f8"), "rb");
		uint8_t *want = malloc(300000);

		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fread(big_buf, 1, 300001, f), 300000);
		fclose(f);
		ext2t_pattern(want, 300000, 8, 0);
		ck_assert(memcmp(big_buf, want, 300000) == 0);
		free(want);
	}
	ext2t_fsck_clean(img);
	free(big_buf);
}
END_TEST

/* ---- sparse and large files ---- */

#define GIB_ (1024ULL * 1024 * 1024)

static int
scen_sparse(void *arg)
{
	uint64_t offs[] = { 0, 3 * GIB_ + 5, 5 * GIB_ + 123, 12 * GIB_ };
	static char buf[4096], want[4096], zero[4096];
	uint64_t free0;
	struct kstat st;

	(void)arg;
	KOK(ext2t_mount(0));
	free0 = ext2t_free_blocks();
	for (int i = 0; i < 4; i++) {
		ext2t_pattern(buf, sizeof(buf), (uint64_t)i, 0);
		KOK(ext2t_write("/mnt/sparse", buf, sizeof(buf), offs[i]));
	}
	st = ext2t_lstat_ok("/mnt/sparse");
	ck_assert_uint_eq(st.st_size, 12 * GIB_ + 4096);
	ck_assert_int_lt(st.st_blocks, 200);
	for (int i = 0; i < 4; i++) {
		ext2t_pattern(want, sizeof(want), (uint64_t)i, 0);
		ck_assert_int_eq(ext2t_read("/mnt/sparse", buf, 4096, offs[i]),
				 4096);
		ck_assert(memcmp(buf, want, 4096) == 0);
	}
	ck_assert_int_eq(ext2t_read("/mnt/sparse", buf, 4096, 4 * GIB_), 4096);
	ck_assert(memcmp(buf, zero, 4096) == 0);
	KOK(vfs_truncate(NULL, "/mnt/sparse", 4 * GIB_));
	KOK(vfs_truncate(NULL, "/mnt/sparse", 3 * GIB_));
	ck_assert_int_lt(free0 - ext2t_free_blocks(), 20);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_sparse_large_file)
{
	img = ext2t_mkfs("sparse.img", "-b 1024 -O ^large_file", 8192);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 100) & 2, 0);
	ext2t_run_on(img, false, scen_sparse, NULL);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 100) & 2, 2);
	ext2t_fsck_clean(img);
}
END_TEST

START_TEST(test_ext2_large_file_rev0)
{
	img = ext2t_mkfs("sparse0.img", "-r 0 -b 1024", 8192);
	ext2t_run_on(img, false, scen_sparse, NULL);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 76), 1);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 100) & 2, 2);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- truncate ---- */

static int
scen_truncate(void *arg)
{
	uint8_t *buf = malloc(3 << 20), *want = malloc(3 << 20);
	uint64_t free0;

	(void)arg;
	KOK(ext2t_mount(0));
	free0 = ext2t_free_blocks();
	ext2t_pattern(buf, 3 << 20, 7, 0);
	KOK(ext2t_write("/mnt/t", buf, 3 << 20, 0));
	KOK(vfs_sync());
	ck_assert_uint_gt(free0 - ext2t_free_blocks(), 3072);
	KOK(vfs_truncate(NULL, "/mnt/t", 5000));
	KOK(vfs_sync());
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/t").st_blocks, 10);
	ck_assert_uint_eq(free0 - ext2t_free_blocks(), 5);
	KOK(vfs_truncate(NULL, "/mnt/t", 3000));
	KOK(vfs_truncate(NULL, "/mnt/t", 2 << 20));
	ck_assert_int_eq(ext2t_read("/mnt/t", buf, 3 << 20, 0), 2 << 20);
	ext2t_pattern(want, 3000, 7, 0);
	memset(want + 3000, 0, (2 << 20) - 3000);
	ck_assert(memcmp(buf, want, 2 << 20) == 0);
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	ck_assert_int_eq(ext2t_read("/mnt/t", buf, 3 << 20, 0), 2 << 20);
	ck_assert(memcmp(buf, want, 2 << 20) == 0);
	KOK(vfs_truncate(NULL, "/mnt/t", 0));
	KOK(vfs_sync());
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/t").st_blocks, 0);
	ck_assert_uint_eq(ext2t_free_blocks(), free0);
	KOK(ext2t_umount());
	free(buf);
	free(want);
	return 0;
}

START_TEST(test_ext2_truncate_frees_blocks)
{
	img = ext2t_mkfs("trunc.img", "-b 1024", 16384);
	ext2t_run_on(img, false, scen_truncate, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- freed metadata blocks ---- */

/*
 * Indirect and directory blocks freed while their buffers are dirty are
 * reused at once as file data, which is written around the buffer cache:
 * the stale buffers must be dropped, never written over the data.
 */
static int
scen_reuse_metadata(void *arg)
{
	static uint8_t buf[65536], back[65536];
	static const uint64_t offs[] = { 12 << 10, 300 << 10, 600 << 10 };
	char path[96];
	uint64_t free0;

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	KOK(vfs_sync());
	free0 = ext2t_free_blocks();
	for (int i = 0; i < 3; i++)
		KOK(ext2t_write("/mnt/ind", "x", 1, offs[i]));
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/mnt/d/%060d", i);
		KOK(ext2t_write(path, "", 0, 0));
	}
	ck_assert_uint_ge(free0 - ext2t_free_blocks(), 12);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/mnt/d/%060d", i);
		KOK(vfs_unlink(NULL, path));
	}
	KOK(vfs_rmdir(NULL, "/mnt/d"));
	KOK(vfs_unlink(NULL, "/mnt/ind"));
	ck_assert_uint_eq(ext2t_free_blocks(), free0 + 1);
	ext2t_pattern(buf, sizeof(buf), 11, 0);
	KOK(ext2t_write("/mnt/data", buf, sizeof(buf), 0));
	KOK(vfs_sync());
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	ck_assert_int_eq(ext2t_read("/mnt/data", back, sizeof(back), 0),
			 (long)sizeof(back));
	ck_assert(memcmp(back, buf, sizeof(buf)) == 0);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_freed_metadata_never_lands_on_data)
{
	img = ext2t_mkfs("reuse.img", "-b 1024", 8192);
	ext2t_run_on(img, false, scen_reuse_metadata, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- read-only mounts ---- */

static int
scen_readonly(void *arg)
{
	struct file *f;
	char buf[8];

	KOK(ext2t_mount((unsigned int)(uintptr_t)arg));
	KERR(vfs_open(NULL, "/mnt/new", KO_CREAT | KO_WRONLY, 0644, &f),
	     EROFS);
	KERR(vfs_open(NULL, "/mnt/f", KO_WRONLY, 0, &f), EROFS);
	KERR(vfs_mkdir(NULL, "/mnt/d", 0755), EROFS);
	KERR(vfs_unlink(NULL, "/mnt/f"), EROFS);
	ck_assert_int_eq(ext2t_read("/mnt/f", buf, 8, 0), 3);
	KOK(ext2t_umount());
	return 0;
}

static int
scen_make_f(void *arg)
{
	(void)arg;
	KOK(ext2t_mount(0));
	KOK(ext2t_write("/mnt/f", "abc", 3, 0));
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_readonly_mount_refuses_writes)
{
	img = ext2t_mkfs("ro.img", "-b 1024", 4096);
	ext2t_run_on(img, false, scen_make_f, NULL);
	ck_assert_int_eq(ext2t_sh("cp '%s' '%s'", img, ext2t_path("ro.copy")),
			 0);
	/* A read-only disk, a read-only mount, and both. */
	ext2t_run_on(img, true, scen_readonly, (void *)0);
	ck_assert_int_eq(ext2t_sh("cmp -s '%s' '%s'", img,
				  ext2t_path("ro.copy")), 0);
	ext2t_run_on(img, false, scen_readonly, (void *)MNT_RDONLY);
	ck_assert_int_eq(ext2t_sh("cmp -s '%s' '%s'", img,
				  ext2t_path("ro.copy")), 0);
	ext2t_run_on(img, true, scen_readonly, (void *)MNT_RDONLY);
	ck_assert_int_eq(ext2t_sh("cmp -s '%s' '%s'", img,
				  ext2t_path("ro.copy")), 0);
}
END_TEST

/* ---- timestamps ---- */

static int
scen_times(void *arg)
{
	struct kstat a, b, d0, d1;

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	d0 = ext2t_lstat_ok("/mnt/d");
	fake_clock_ns += 3 * NSEC_PER_SEC;
	KOK(ext2t_write("/mnt/d/f", "x", 1, 0));
	a = ext2t_lstat_ok("/mnt/d/f");
	d1 = ext2t_lstat_ok("/mnt/d");
	ck_assert_int_gt(d1.st_mtim.tv_sec * 1000000000 + d1.st_mtim.tv_nsec,
			 d0.st_mtim.tv_sec * 1000000000 + d0.st_mtim.tv_nsec);
	fake_clock_ns += 3 * NSEC_PER_SEC;
	KOK(ext2t_write("/mnt/d/f", "y", 1, 1));
	b = ext2t_lstat_ok("/mnt/d/f");
	ck_assert_int_gt(b.st_mtim.tv_sec * 1000000000 + b.st_mtim.tv_nsec,
			 a.st_mtim.tv_sec * 1000000000 + a.st_mtim.tv_nsec);
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	a = ext2t_lstat_ok("/mnt/d/f");
	ck_assert_int_eq(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
	ck_assert_int_eq(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);
	KOK(vfs_unlink(NULL, "/mnt/d/f"));
	KOK(ext2t_umount());
	return (int)a.st_ino;
}

START_TEST(test_ext2_timestamps_and_dtime)
{
	struct block_device *b;
	char req[64], *out;
	int ino;

	img = ext2t_mkfs("times.img", "-b 1024 -I 256", 4096);
	b = ext2t_disk(img, false);
	ino = ext2t_run(scen_times, NULL);
	ext2t_disk_close(b);
	ck_assert_int_gt(ino, 11);
	snprintf(req, sizeof(req), "stat <%d>", ino);
	out = ext2t_debugfs(img, req);
	ck_assert_msg(strstr(out, "dtime:") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Links: 0") != NULL, "%s", out);
	free(out);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- allocation near the parent ---- */

static int
scen_locality(void *arg)
{
	uint32_t ipg = (uint32_t)(uintptr_t)arg, groups[4];
	char path[64];

	KOK(ext2t_mount(0));
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/mnt/d%d", i);
		KOK(vfs_mkdir(NULL, path, 0755));
		groups[i] = (uint32_t)((ext2t_lstat_ok(path).st_ino - 1) / ipg);
		snprintf(path, sizeof(path), "/mnt/d%d/file", i);
		KOK(ext2t_write(path, "z", 1, 0));
		ck_assert_uint_eq((ext2t_lstat_ok(path).st_ino - 1) / ipg,
				  groups[i]);
	}
	ck_assert_msg(groups[0] != groups[1] || groups[1] != groups[2],
		      "directories all in group %u", groups[0]);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_allocation_near_parent)
{
	uint32_t ipg;

	img = ext2t_mkfs("groups.img", "-b 1024 -g 1024 -N 512", 8192);
	ipg = ext2t_peek32(img, 1024 + 40);
	ext2t_run_on(img, false, scen_locality, (void *)(uintptr_t)ipg);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- kernel threads at once ---- */

static volatile int workers_left;

/* Things a worker does in the directory all workers share. */
static void
worker_shared(long id, int i, const uint8_t *buf)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), "/mnt/shared/w%ld-%d", id, i);
	snprintf(b, sizeof(b), "/mnt/shared/w%ld-%d", (id + 1) % 4, i - 1);
	KOK(ext2t_write(a, buf, 5000 + (size_t)i * 100, (uint64_t)i * 7000));
	if (i % 4 == 1)
		vfs_rename(NULL, a, NULL, b, 0);
	if (i % 4 == 2)
		vfs_truncate(NULL, b, 3000);
	if (i % 7 == 3)
		vfs_unlink(NULL, b);
}

static int
worker(void *arg)
{
	long id = (long)arg;
	uint8_t *buf = malloc(20000);
	char path[64];

	snprintf(path, sizeof(path), "/mnt/w%ld", id);
	KOK(vfs_mkdir(NULL, path, 0755));
	for (int i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "/mnt/w%ld/f%d", id, i);
		ext2t_pattern(buf, 20000, (uint64_t)(id * 100 + i), 0);
		KOK(ext2t_write(path, buf, 20000 - (size_t)i * 300, 0));
		if (i % 3 == 0)
			KOK(vfs_unlink(NULL, path));
		worker_shared(id, i, buf);
		/* Sleep now and then: the clock jumps, the flusher runs. */
		if (i % 5 == 0)
			msleep(i % 2 ? 1 : 2000);
		else
			schedule_yield();
	}
	workers_left--;
	free(buf);
	return 0;
}

static int
scen_concurrent(void *arg)
{
	struct task *t[4];

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/shared", 0755));
	KOK(writeback_start());
	workers_left = 4;
	for (long i = 0; i < 4; i++)
		KOK(kthread_create(&t[i], worker, (void *)i, "w%ld", i));
	for (int i = 0; i < 4; i++)
		kthread_join(t[i]);
	ck_assert_int_eq(workers_left, 0);
	writeback_stop();
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_concurrent_threads)
{
	img = ext2t_mkfs("conc.img", "-b 1024", 16384);
	ext2t_run_on(img, false, scen_concurrent, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- remount ---- */

static int
scen_remount(void *arg)
{
	(void)arg;
	KOK(ext2t_mount(0));
	KOK(ext2t_write("/mnt/f", "abc", 3, 0));
	KOK(vfs_remount("/mnt", MNT_RDONLY));
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 56) >> 16 & 1, 1);
	KERR(vfs_mkdir(NULL, "/mnt/d", 0755), EROFS);
	KOK(vfs_remount("/mnt", 0));
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 56) >> 16 & 1, 0);
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_remount_read_only_and_back)
{
	img = ext2t_mkfs("remount.img", "-b 2048", 4096);
	ext2t_run_on(img, false, scen_remount, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- the suite ---- */

static void
setup(void)
{
	ext2t_boot();
	fake_console_clear();
}

static TCase *
ops_tcase(void)
{
	TCase *tc = tcase_create("ops");

	tcase_add_unchecked_fixture(tc, ext2t_tmpdir_create,
				    ext2t_tmpdir_remove);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ext2_mount_state);
	tcase_add_test(tc, test_ext2_all_inode_types);
	tcase_add_loop_test(tc, test_ext2_file_data_layouts, 0,
			    sizeof(layouts) / sizeof(layouts[0]));
	tcase_add_test(tc, test_ext2_sparse_large_file);
	tcase_add_test(tc, test_ext2_large_file_rev0);
	tcase_add_test(tc, test_ext2_truncate_frees_blocks);
	tcase_add_test(tc, test_ext2_freed_metadata_never_lands_on_data);
	tcase_add_test(tc, test_ext2_readonly_mount_refuses_writes);
	tcase_add_test(tc, test_ext2_timestamps_and_dtime);
	tcase_add_test(tc, test_ext2_allocation_near_parent);
	tcase_add_test(tc, test_ext2_concurrent_threads);
	tcase_add_test(tc, test_ext2_remount_read_only_and_back);
	return tc;
}

int
main(void)
{
	Suite *s = suite_create("ext2");
	SRunner *sr;

	suite_add_tcase(s, ops_tcase());
	suite_add_tcase(s, ext2_dirs_tcase(setup));
	suite_add_tcase(s, ext2_space_tcase(setup));
	suite_add_tcase(s, ext2_images_tcase(setup));
	suite_add_tcase(s, ext2_random_tcase(setup));
	sr = srunner_create(s);
	return unit_run(sr, CK_NORMAL);
}
