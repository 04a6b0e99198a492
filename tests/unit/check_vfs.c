/*
 * The VFS suite: path walks, namespace operations, files, attributes,
 * tmpfs, fd tables and the inode and dentry caches, on the fake machine.
 * Each test body runs in a kernel thread (operations may sleep) with a
 * tmpfs root; this file holds the harness, main() and the path-walk tests
 * ("..", mounts, symlinks, ELOOP, ENAMETOOLONG, trailing slashes, cwd,
 * O_PATH and empty paths).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/kthread.h"
#include "core/page.h"
#include "core/sched.h"
#include "core/timer.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"
#include "tests/unit/vfs_test.h"

static void (*test_body)(void);
static int alive;
static struct cred test_cred;

static int
vfs_runner(void *arg)
{
	(void)arg;
	ck_assert_int_eq(vfs_mount("tmpfs", NULL, "tmpfs", 0, NULL), 0);
	test_body();
	current->cred = NULL;
	alive--;
	return 0;
}

void
vfs_spawn(int (*fn)(void *), void *arg)
{
	struct task *t;

	ck_assert_int_eq(kthread_create(&t, fn, arg, "vfs%d", alive), 0);
	task_put(t);		/* freed when it ends */
	alive++;
}

void
vfs_spawn_done(void)
{
	alive--;
}

void
vfs_run(void (*body)(void))
{
	test_body = body;
	vfs_spawn(vfs_runner, NULL);
	fake_idle_until(&alive);
}

struct file *
xopen(const char *path, unsigned int flags, uint32_t mode)
{
	struct file *f = NULL;
	int err = vfs_open(NULL, path, flags, mode, &f);

	ck_assert_msg(err == 0, "open(%s): %d", path, err);
	return f;
}

int
open_err(const char *path, unsigned int flags, uint32_t mode)
{
	struct file *f;
	int err = vfs_open(NULL, path, flags, mode, &f);

	if (err == 0)
		file_put(f);
	return err;
}

void
put_file(const char *path, const char *data)
{
	struct file *f = xopen(path, KO_WRONLY | KO_CREAT | KO_TRUNC, 0644);
	size_t len = strlen(data);

	ck_assert_int_eq(vfs_write(f, data, len), (long)len);
	file_put(f);
}

size_t
get_file(const char *path, char *buf, size_t size)
{
	struct file *f = xopen(path, KO_RDONLY, 0);
	size_t len = 0;
	long n;

	while ((n = vfs_read(f, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	ck_assert_int_eq(n, 0);
	buf[len] = '\0';
	file_put(f);
	return len;
}

struct kstat
xstat(const char *path)
{
	struct kstat st;
	int err = vfs_stat(NULL, path, 0, &st);

	ck_assert_msg(err == 0, "stat(%s): %d", path, err);
	return st;
}

struct kstat
xlstat(const char *path)
{
	struct kstat st;
	int err = vfs_stat(NULL, path, KAT_SYMLINK_NOFOLLOW, &st);

	ck_assert_msg(err == 0, "lstat(%s): %d", path, err);
	return st;
}

void
as_user(uint32_t uid, uint32_t gid)
{
	memset(&test_cred, 0, sizeof(test_cred));
	test_cred.uid = test_cred.euid = test_cred.fsuid = uid;
	test_cred.gid = test_cred.egid = test_cred.fsgid = gid;
	current->cred = &test_cred;
}

void
as_root(void)
{
	current->cred = NULL;
}

struct cred *
user_cred(void)
{
	return &test_cred;
}

void
clock_advance(unsigned int sec)
{
	fake_clock_ns += (uint64_t)sec * 1000000000ULL;
}

/* ---- path walks ---- */

static void
assert_same(const struct kstat *a, const struct kstat *b)
{
	ck_assert_uint_eq(a->st_dev, b->st_dev);
	ck_assert_uint_eq(a->st_ino, b->st_ino);
}

VFS_TEST(test_vfs_walk_relative_and_dots)
{
	struct kstat root = xstat("/"), st;

	ck_assert_int_eq(vfs_mkdir(NULL, "a", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "a/b", 0755), 0);
	put_file("/a/b/f", "x");
	st = xstat("/a/./b/../b//f");
	ck_assert_uint_eq(st.st_ino, xstat("a/b/f").st_ino);
	st = xstat("/..");
	assert_same(&st, &root);
	st = xstat("/../../a/../..");
	assert_same(&st, &root);
	st = xstat("///");
	assert_same(&st, &root);
	ck_assert_int_eq(vfs_stat(NULL, "", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_stat(NULL, "/a/nope/f", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_stat(NULL, "/a/b/f/g", 0, &st), -ENOTDIR);
	ck_assert_int_eq(vfs_stat(NULL, "/a/b/f/..", 0, &st), -ENOTDIR);
}
END_TEST

VFS_TEST(test_vfs_walk_dotdot_across_mounts)
{
	struct kstat root = xstat("/"), mnt, st;
	char cwd[64];

	ck_assert_int_eq(vfs_mkdir(NULL, "/mnt", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/mnt", "tmpfs", 0, NULL), 0);
	put_file("/mnt/inner", "in");
	mnt = xstat("/mnt");
	ck_assert_uint_ne(mnt.st_dev, root.st_dev);
	st = xstat("/mnt/..");
	assert_same(&st, &root);
	st = xstat("/mnt/../mnt/inner");
	ck_assert_uint_eq(st.st_dev, mnt.st_dev);
	ck_assert_int_eq(vfs_chdir("/mnt"), 0);
	st = xstat("..");
	assert_same(&st, &root);
	ck_assert_int_eq(vfs_getcwd(cwd, sizeof(cwd)), 5);
	ck_assert_str_eq(cwd, "/mnt");
	/* A second mount stacks on top; the cwd keeps the lower one. */
	ck_assert_int_eq(vfs_mount("tmpfs", "/mnt", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/mnt/inner", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_stat(NULL, "inner", 0, &st), 0);
	st = xstat("/mnt/..");
	assert_same(&st, &root);
	put_file("/mnt/top", "top");
	ck_assert_int_eq(vfs_chdir("/"), 0);
	ck_assert_int_eq(vfs_umount("/mnt", 0), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/mnt/inner", 0, &st), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/mnt/top", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_umount("/mnt", 0), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/mnt/inner", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_umount("/mnt", 0), -EINVAL);
}
END_TEST

VFS_TEST(test_vfs_mount_errors)
{
	put_file("/file", "x");
	ck_assert_int_eq(vfs_mount("tmpfs", "/nope", "tmpfs", 0, NULL),
			 -ENOENT);
	ck_assert_int_eq(vfs_mount("tmpfs", "/file", "tmpfs", 0, NULL),
			 -ENOTDIR);
	ck_assert_int_eq(vfs_mount("x", "/", "nofs", 0, NULL), -ENODEV);
	ck_assert_int_eq(vfs_mount("tmpfs", NULL, "tmpfs", 0, NULL), -EBUSY);
	ck_assert_int_eq(vfs_umount("/", 0), -EBUSY);
	ck_assert_int_eq(vfs_umount("/file", 0), -EINVAL);
}
END_TEST

VFS_TEST(test_vfs_umount_busy)
{
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(NULL, "/m", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/m", "tmpfs", 0, NULL), 0);
	put_file("/m/f", "data");
	f = xopen("/m/f", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_umount("/m", 0), -EBUSY);
	file_put(f);
	f = xopen("/m", KO_PATH, 0);
	ck_assert_int_eq(vfs_umount("/m", 0), -EBUSY);
	file_put(f);
	ck_assert_int_eq(vfs_chdir("/m"), 0);
	ck_assert_int_eq(vfs_umount("/m", 0), -EBUSY);
	ck_assert_int_eq(vfs_chdir("/"), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/m/sub", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/m/sub", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_umount("/m", 0), -EBUSY);
	ck_assert_int_eq(vfs_umount("/m/sub", 0), 0);
	ck_assert_int_eq(vfs_umount("/m", 0), 0);
	ck_assert_int_eq(open_err("/m/f", KO_RDONLY, 0), -ENOENT);
}
END_TEST

VFS_TEST(test_vfs_symlink_follow_rules)
{
	struct kstat st;
	char buf[64];
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0755), 0);
	put_file("/d/f", "data");
	ck_assert_int_eq(vfs_symlink("f", NULL, "/d/rel"), 0);
	ck_assert_int_eq(vfs_symlink("/d", NULL, "/abs"), 0);
	ck_assert_int_eq(vfs_symlink("d/f", NULL, "/rel2"), 0);
	ck_assert_uint_eq(get_file("/d/rel", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "data");
	ck_assert_uint_eq(get_file("/abs/rel", buf, sizeof(buf)), 4);
	ck_assert_uint_eq(get_file("/rel2", buf, sizeof(buf)), 4);
	st = xlstat("/d/rel");
	ck_assert(KS_ISLNK(st.st_mode));
	ck_assert_int_eq(st.st_size, 1);
	ck_assert(KS_ISREG(xstat("/d/rel").st_mode));
	ck_assert(KS_ISDIR(xlstat("/abs/").st_mode));
	ck_assert_int_eq(vfs_readlink(NULL, "/abs", buf, sizeof(buf)), 2);
	ck_assert_int_eq(memcmp(buf, "/d", 2), 0);
	ck_assert_int_eq(vfs_readlink(NULL, "/abs", buf, 1), 1);
	ck_assert_int_eq(vfs_readlink(NULL, "/d/f", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(open_err("/d/rel", KO_RDONLY | KO_NOFOLLOW, 0),
			 -ELOOP);
	f = xopen("/d/rel", KO_PATH | KO_NOFOLLOW, 0);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert(KS_ISLNK(st.st_mode));
	ck_assert_int_eq(vfs_readlink(&f->path, "", buf, sizeof(buf)), 1);
	file_put(f);
	ck_assert_int_eq(vfs_symlink("", NULL, "/e"), -ENOENT);
	ck_assert_int_eq(vfs_symlink("x", NULL, "/d/f"), -EEXIST);
}
END_TEST

VFS_TEST(test_vfs_symlink_dangling_create)
{
	struct kstat st;

	ck_assert_int_eq(vfs_symlink("/target", NULL, "/dang"), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/dang", 0, &st), -ENOENT);
	ck_assert_int_eq(open_err("/dang", KO_WRONLY | KO_CREAT | KO_EXCL,
				  0644), -EEXIST);
	ck_assert_int_eq(open_err("/dang", KO_WRONLY | KO_CREAT, 0600), 0);
	st = xstat("/target");
	ck_assert_uint_eq(st.st_mode, KS_IFREG | 0600);
	ck_assert_int_eq(vfs_symlink("nodir/x", NULL, "/dang2"), 0);
	ck_assert_int_eq(open_err("/dang2", KO_WRONLY | KO_CREAT, 0600),
			 -ENOENT);
}
END_TEST

VFS_TEST(test_vfs_symlink_loop_eloop)
{
	struct kstat st;

	ck_assert_int_eq(vfs_symlink("b", NULL, "/a"), 0);
	ck_assert_int_eq(vfs_symlink("a", NULL, "/b"), 0);
	ck_assert_int_eq(vfs_symlink("self", NULL, "/self"), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/a", 0, &st), -ELOOP);
	ck_assert_int_eq(vfs_stat(NULL, "/self/x", 0, &st), -ELOOP);
	ck_assert_int_eq(open_err("/a", KO_RDONLY, 0), -ELOOP);
	ck_assert_int_eq(open_err("/a", KO_RDWR | KO_CREAT, 0644), -ELOOP);
	ck_assert_int_eq(vfs_stat(NULL, "/a", KAT_SYMLINK_NOFOLLOW, &st), 0);
}
END_TEST

VFS_TEST(test_vfs_symlink_chain_of_40)
{
	char name[16], target[16];
	struct kstat st;

	ck_assert_int_eq(vfs_mkdir(NULL, "/l0", 0755), 0);
	put_file("/l0/f", "end");
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/l%d", i);
		snprintf(target, sizeof(target), "l%d", i - 1);
		ck_assert_int_eq(vfs_symlink(target, NULL, name), 0);
	}
	ck_assert_int_eq(vfs_stat(NULL, "/l40", 0, &st), 0);
	ck_assert(KS_ISDIR(st.st_mode));
	ck_assert_int_eq(vfs_stat(NULL, "/l40/f", 0, &st), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/l41", 0, &st), -ELOOP);
	ck_assert_int_eq(vfs_stat(NULL, "/l41/f", 0, &st), -ELOOP);
	ck_assert_int_eq(vfs_stat(NULL, "/l41", KAT_SYMLINK_NOFOLLOW, &st), 0);
}
END_TEST

VFS_TEST(test_vfs_name_too_long)
{
	static char path[VFS_PATH_MAX + 8];
	struct kstat st;
	size_t n;

	path[0] = '/';
	memset(path + 1, 'n', 255);
	path[256] = '\0';
	put_file(path, "ok");
	path[256] = 'n';
	path[257] = '\0';
	ck_assert_int_eq(vfs_stat(NULL, path, 0, &st), -ENAMETOOLONG);
	ck_assert_int_eq(open_err(path, KO_WRONLY | KO_CREAT, 0644),
			 -ENAMETOOLONG);
	ck_assert_int_eq(vfs_mkdir(NULL, path, 0755), -ENAMETOOLONG);
	/* "/./././...": 4095 bytes walk to "/", 4096 are too many. */
	path[0] = '/';
	for (n = 1; n + 2 <= VFS_PATH_MAX - 1; n += 2)
		memcpy(path + n, "./", 2);
	path[n] = '\0';
	ck_assert_uint_eq(n, VFS_PATH_MAX - 1);
	ck_assert_int_eq(vfs_stat(NULL, path, 0, &st), 0);
	path[n] = '.';
	path[n + 1] = '\0';
	ck_assert_int_eq(vfs_stat(NULL, path, 0, &st), -ENAMETOOLONG);
}
END_TEST

VFS_TEST(test_vfs_trailing_slash_rules)
{
	struct kstat st;

	put_file("/f", "x");
	ck_assert_int_eq(vfs_mkdir(NULL, "/d/", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/e//", 0755), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/f/", 0, &st), -ENOTDIR);
	ck_assert_int_eq(vfs_stat(NULL, "/d//", 0, &st), 0);
	ck_assert_int_eq(open_err("/f/", KO_RDONLY, 0), -ENOTDIR);
	ck_assert_int_eq(open_err("/d/", KO_RDONLY, 0), 0);
	ck_assert_int_eq(open_err("/new/", KO_WRONLY | KO_CREAT, 0644),
			 -EISDIR);
	ck_assert_int_eq(open_err("/f/", KO_WRONLY | KO_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(vfs_symlink("x", NULL, "/s/"), -ENOENT);
	ck_assert_int_eq(vfs_mknod(NULL, "/n/", KS_IFIFO | 0644, 0), -ENOENT);
	ck_assert_int_eq(vfs_link(NULL, "/f", NULL, "/g/", 0), -ENOENT);
	ck_assert_int_eq(vfs_symlink("x", NULL, "/f/"), -EEXIST);
	ck_assert_int_eq(vfs_unlink(NULL, "/f/"), -ENOTDIR);
	ck_assert_int_eq(vfs_unlink(NULL, "/d/"), -EISDIR);
	ck_assert_int_eq(vfs_unlink(NULL, "/none/"), -ENOENT);
	ck_assert_int_eq(vfs_rmdir(NULL, "/f/"), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(NULL, "/f", NULL, "/g/", 0), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(NULL, "/f/", NULL, "/g", 0), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(NULL, "/e/", NULL, "/e2/", 0), 0);
	ck_assert_int_eq(vfs_rmdir(NULL, "/d/"), 0);
	/* A symlink to a directory with a slash is the directory. */
	ck_assert_int_eq(vfs_symlink("e2", NULL, "/ln"), 0);
	ck_assert(KS_ISDIR(xlstat("/ln/").st_mode));
	ck_assert(KS_ISLNK(xlstat("/ln").st_mode));
}
END_TEST

VFS_TEST(test_vfs_chdir_getcwd)
{
	char buf[64];
	struct kstat st;
	struct file *f;

	ck_assert_int_eq(vfs_getcwd(buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(vfs_mkdir(NULL, "/a", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/a/b", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/a/b/c", 0755), 0);
	ck_assert_int_eq(vfs_chdir("/a/b"), 0);
	ck_assert_int_eq(vfs_chdir("c"), 0);
	ck_assert_int_eq(vfs_getcwd(buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "/a/b/c");
	ck_assert_int_eq(vfs_getcwd(buf, 6), -ERANGE);
	ck_assert_int_eq(vfs_chdir(".."), 0);
	ck_assert_int_eq(vfs_getcwd(buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "/a/b");
	put_file("/file", "x");
	ck_assert_int_eq(vfs_chdir("/file"), -ENOTDIR);
	ck_assert_int_eq(vfs_chdir("/none"), -ENOENT);
	f = xopen("/a", KO_PATH | KO_DIRECTORY, 0);
	ck_assert_int_eq(vfs_fchdir(f), 0);
	file_put(f);
	ck_assert_int_eq(vfs_getcwd(buf, sizeof(buf)), 3);
	ck_assert_int_eq(vfs_chdir("b/c"), 0);
	ck_assert_int_eq(vfs_rmdir(NULL, "/a/b/c"), 0);
	ck_assert_int_eq(vfs_getcwd(buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(vfs_stat(NULL, ".", 0, &st), 0);
	ck_assert_int_eq(st.st_nlink, 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "x", 0755), -ENOENT);
	ck_assert_int_eq(open_err("x", KO_WRONLY | KO_CREAT, 0644), -ENOENT);
	ck_assert_int_eq(vfs_chdir(".."), 0);
	ck_assert_int_eq(vfs_getcwd(buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "/a/b");
}
END_TEST

VFS_TEST(test_vfs_opath_and_empty_path)
{
	struct file *d, *f;
	struct kstat st;
	char buf[8];

	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0755), 0);
	put_file("/d/x", "xx");
	d = xopen("/d", KO_PATH, 0);
	ck_assert_int_eq(vfs_read(d, buf, sizeof(buf)), -EBADF);
	ck_assert_int_eq(vfs_getdents64(d, buf, sizeof(buf)), -EBADF);
	ck_assert_int_eq(vfs_lseek(d, 0, KSEEK_SET), -EBADF);
	ck_assert_int_eq(vfs_fstat(d, &st), 0);
	ck_assert(KS_ISDIR(st.st_mode));
	ck_assert_int_eq(vfs_stat(&d->path, "x", 0, &st), 0);
	ck_assert_int_eq(st.st_size, 2);
	ck_assert_int_eq(vfs_stat(&d->path, "", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_stat(&d->path, "", KAT_EMPTY_PATH, &st), 0);
	ck_assert(KS_ISDIR(st.st_mode));
	ck_assert_int_eq(vfs_open(&d->path, "x", KO_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 2);
	ck_assert_int_eq(vfs_link(&f->path, "", NULL, "/y", KAT_EMPTY_PATH),
			 0);
	ck_assert_int_eq(xstat("/d/x").st_nlink, 2);
	file_put(f);
	ck_assert_int_eq(vfs_mkdir(&d->path, "sub", 0755), 0);
	ck_assert(KS_ISDIR(xstat("/d/sub").st_mode));
	file_put(d);
	ck_assert_int_eq(vfs_stat(NULL, "", KAT_EMPTY_PATH, &st), 0);
	ck_assert_uint_eq(st.st_ino, xstat("/").st_ino);
	ck_assert_int_eq(open_err("/d/x", KO_PATH | KO_DIRECTORY, 0),
			 -ENOTDIR);
	ck_assert_int_eq(open_err("/d", KO_TMPFILE | KO_RDWR, 0600),
			 -EOPNOTSUPP);
}
END_TEST

TCase *
vfs_tcase_paths(void)
{
	TCase *tc = tcase_create("paths");

	tcase_add_test(tc, test_vfs_walk_relative_and_dots);
	tcase_add_test(tc, test_vfs_walk_dotdot_across_mounts);
	tcase_add_test(tc, test_vfs_mount_errors);
	tcase_add_test(tc, test_vfs_umount_busy);
	tcase_add_test(tc, test_vfs_symlink_follow_rules);
	tcase_add_test(tc, test_vfs_symlink_dangling_create);
	tcase_add_test(tc, test_vfs_symlink_loop_eloop);
	tcase_add_test(tc, test_vfs_symlink_chain_of_40);
	tcase_add_test(tc, test_vfs_name_too_long);
	tcase_add_test(tc, test_vfs_trailing_slash_rules);
	tcase_add_test(tc, test_vfs_chdir_getcwd);
	tcase_add_test(tc, test_vfs_opath_and_empty_path);
	return tc;
}

static void
setup(void)
{
	fake_boot(64 * MIB);
	ck_assert_int_eq(pagecache_init(), 0);
	ck_assert_int_eq(vfs_init(), 0);
	alive = 0;
}

static Suite *
vfs_suite(void)
{
	Suite *s = suite_create("vfs");
	TCase *tcs[] = {
		vfs_tcase_paths(), vfs_tcase_names(), vfs_tcase_files(),
		vfs_tcase_attrs(), vfs_tcase_tables(),
	};

	for (size_t i = 0; i < sizeof(tcs) / sizeof(tcs[0]); i++) {
		tcase_add_checked_fixture(tcs[i], setup, NULL);
		tcase_set_timeout(tcs[i], 60);
		suite_add_tcase(s, tcs[i]);
	}
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(vfs_suite());

	return unit_run(sr, CK_NORMAL);
}
