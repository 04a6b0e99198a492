/*
 * ext2 directories, links and renames on the fake machine: hard links and
 * their counts, rename of files and directories over existing names and
 * across directories (".." and link counts) and KRENAME_EXCHANGE, a
 * directory of 10,000 entries, a deep tree, and readdir cookies that stay
 * valid while entries are removed and added.  Each test ends with
 * `e2fsck -fn`.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/vfs.h"
#include "tests/unit/check_ext2.h"
#include "tests/unit/ext2_util.h"

static const char *img;

/* ---- hard links and unlink ---- */

static int
scen_links(void *arg)
{
	uint64_t ffree0, bfree0;
	char buf[16];

	(void)arg;
	KOK(ext2t_mount(0));
	ffree0 = ext2t_free_inodes();
	bfree0 = ext2t_free_blocks();
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	KOK(ext2t_write("/mnt/f", "linked", 6, 0));
	KOK(vfs_link(NULL, "/mnt/f", NULL, "/mnt/g", 0));
	KOK(vfs_link(NULL, "/mnt/f", NULL, "/mnt/d/h", 0));
	KERR(vfs_link(NULL, "/mnt/d", NULL, "/mnt/dl", 0), EPERM);
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/g").st_nlink, 3);
	KOK(vfs_unlink(NULL, "/mnt/f"));
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/d/h").st_nlink, 2);
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/g").st_nlink, 2);
	ck_assert_int_eq(ext2t_read("/mnt/d/h", buf, 16, 0), 6);
	KOK(vfs_unlink(NULL, "/mnt/g"));
	KOK(vfs_unlink(NULL, "/mnt/d/h"));
	KOK(vfs_rmdir(NULL, "/mnt/d"));
	KOK(vfs_sync());
	ck_assert_uint_eq(ext2t_free_inodes(), ffree0);
	ck_assert_uint_eq(ext2t_free_blocks(), bfree0);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_hard_links)
{
	img = ext2t_mkfs("links.img", "-b 1024", 4096);
	ext2t_run_on(img, false, scen_links, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- rename ---- */

/* Exchange a file and a directory across directories; remount. */
static void
rename_exchange(void)
{
	struct kstat st;

	KOK(vfs_rename(NULL, "/mnt/f2", NULL, "/mnt/a/empty",
		       KRENAME_EXCHANGE));
	ck_assert(KS_ISDIR(ext2t_lstat_ok("/mnt/f2").st_mode));
	ck_assert(KS_ISREG(ext2t_lstat_ok("/mnt/a/empty").st_mode));
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/a").st_nlink, 2);
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt").st_nlink, 6);
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	st = ext2t_lstat_ok("/mnt/f2/..");
	ck_assert_uint_eq(st.st_ino, 2);
	st = ext2t_lstat_ok("/mnt/b/sub/..");
	ck_assert_uint_eq(st.st_ino, ext2t_lstat_ok("/mnt/b").st_ino);
	KOK(ext2t_umount());
}

static int
scen_rename(void *arg)
{
	uint64_t ffree0;
	char buf[16];

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/a", 0755));
	KOK(vfs_mkdir(NULL, "/mnt/b", 0755));
	KOK(vfs_mkdir(NULL, "/mnt/a/sub", 0755));
	KOK(vfs_mkdir(NULL, "/mnt/a/sub/x", 0755));
	KOK(ext2t_write("/mnt/f1", "one", 3, 0));
	KOK(ext2t_write("/mnt/f2", "two", 3, 0));
	ffree0 = ext2t_free_inodes();
	/* A file over a file: the old target goes. */
	KOK(vfs_rename(NULL, "/mnt/f1", NULL, "/mnt/f2", 0));
	ck_assert_uint_eq(ext2t_free_inodes(), ffree0 + 1);
	ck_assert_int_eq(ext2t_read("/mnt/f2", buf, 16, 0), 3);
	ck_assert(memcmp(buf, "one", 3) == 0);
	/* A directory to another directory. */
	KOK(vfs_rename(NULL, "/mnt/a/sub", NULL, "/mnt/b/sub", 0));
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/a").st_nlink, 2);
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/b").st_nlink, 3);
	/* A directory over an empty one, and not over a full one. */
	KOK(vfs_mkdir(NULL, "/mnt/a/empty", 0755));
	KERR(vfs_rename(NULL, "/mnt/a/empty", NULL, "/mnt/b/sub", 0),
	     ENOTEMPTY);
	KOK(vfs_rename(NULL, "/mnt/b/sub/x", NULL, "/mnt/a/empty", 0));
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/a").st_nlink, 3);
	ck_assert_uint_eq(ext2t_lstat_ok("/mnt/b/sub").st_nlink, 2);
	rename_exchange();
	return 0;
}

START_TEST(test_ext2_rename_dirs_and_links)
{
	img = ext2t_mkfs("rename.img", "-b 1024", 8192);
	ext2t_run_on(img, false, scen_rename, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- big and deep directories ---- */

#define BIG_N 10000

static int
scen_big_dir(void *arg)
{
	struct kstat st;
	char path[64];
	struct file *f;

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/big", 0755));
	for (int i = 0; i < BIG_N; i++) {
		snprintf(path, sizeof(path), "/mnt/big/entry-number-%d", i);
		KOK(vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &f));
		file_put(f);
	}
	ck_assert_int_eq(ext2t_count_dir("/mnt/big"), BIG_N + 2);
	for (int i = 0; i < BIG_N; i += 2) {
		snprintf(path, sizeof(path), "/mnt/big/entry-number-%d", i);
		KOK(vfs_unlink(NULL, path));
	}
	ck_assert_int_eq(ext2t_count_dir("/mnt/big"), BIG_N / 2 + 2);
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	ck_assert_int_eq(ext2t_count_dir("/mnt/big"), BIG_N / 2 + 2);
	ext2t_lstat_ok("/mnt/big/entry-number-9999");
	KERR(ext2t_lstat("/mnt/big/entry-number-9998", &st), ENOENT);
	KERR(vfs_rmdir(NULL, "/mnt/big"), ENOTEMPTY);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_directory_10000_entries)
{
	img = ext2t_mkfs("big.img", "-b 1024 -N 12000", 32768);
	ext2t_run_on(img, false, scen_big_dir, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

static int
scen_deep(void *arg)
{
	char path[2048] = "/mnt";

	(void)arg;
	KOK(ext2t_mount(0));
	for (int i = 0; i < 100; i++) {
		strcat(path, "/dir");
		KOK(vfs_mkdir(NULL, path, 0755));
	}
	strcat(path, "/leaf");
	KOK(ext2t_write(path, "deep", 4, 0));
	KOK(ext2t_umount());
	KOK(ext2t_mount(0));
	ck_assert_uint_eq(ext2t_lstat_ok(path).st_size, 4);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_deep_tree)
{
	img = ext2t_mkfs("deep.img", "-b 4096", 8192);
	ext2t_run_on(img, false, scen_deep, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- readdir while entries come and go ---- */

/* Name i was returned; unlink it and another, add a new name.  An
 * entry gone in an earlier batch must not come back. */
static void
readdir_step(int i, int batch, char *seen, int *gone)
{
	char path[64];
	struct file *g;
	int j = (i * 7 + 13) % 400;

	ck_assert_msg(i < 400 && !seen[i], "name%d twice", i);
	ck_assert_msg(gone[i] == 0 || gone[i] == batch, "name%d after its "
		      "unlink", i);
	seen[i] = 1;
	snprintf(path, sizeof(path), "/mnt/d/name%d", i);
	ck_assert_int_eq(vfs_unlink(NULL, path), gone[i] ? -ENOENT : 0);
	gone[i] = batch;
	snprintf(path, sizeof(path), "/mnt/d/name%d", j);
	if (vfs_unlink(NULL, path) == 0)
		gone[j] = batch;
	snprintf(path, sizeof(path), "/mnt/d/new%d", i);
	KOK(vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &g));
	file_put(g);
}

static int
scen_readdir_stable(void *arg)
{
	static char buf[300], seen[400];
	static int gone[400];
	char path[64];
	struct file *f, *g;
	int batch = 0;
	long n;

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/mnt/d/name%d", i);
		KOK(vfs_open(NULL, path, KO_CREAT | KO_WRONLY, 0644, &g));
		file_put(g);
	}
	KOK(vfs_open(NULL, "/mnt/d", KO_RDONLY | KO_DIRECTORY, 0, &f));
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		batch++;
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);
			int i;

			off += d->d_reclen;
			if (sscanf(d->d_name, "name%d", &i) == 1)
				readdir_step(i, batch, seen, gone);
		}
	}
	ck_assert_int_eq(n, 0);
	file_put(f);
	for (int i = 0; i < 400; i++)
		ck_assert_msg(seen[i] || gone[i], "name%d never seen", i);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_readdir_cookies_stable)
{
	img = ext2t_mkfs("readdir.img", "-b 1024", 4096);
	ext2t_run_on(img, false, scen_readdir_stable, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

TCase *
ext2_dirs_tcase(void (*setup)(void))
{
	TCase *tc = tcase_create("dirs");

	tcase_add_unchecked_fixture(tc, ext2t_tmpdir_create,
				    ext2t_tmpdir_remove);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ext2_hard_links);
	tcase_add_test(tc, test_ext2_rename_dirs_and_links);
	tcase_add_test(tc, test_ext2_directory_10000_entries);
	tcase_add_test(tc, test_ext2_deep_tree);
	tcase_add_test(tc, test_ext2_readdir_cookies_stable);
	return tc;
}
