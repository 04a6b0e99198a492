/*
 * The VFS suite, namespace operations: mkdir, mknod, unlink, rmdir, hard
 * links and every kind of rename, with their error cases and link counts.
 */
#include <check.h>
#include <string.h>

#include "core/errno.h"
#include "fs/devices.h"
#include "fs/vfs.h"
#include "tests/unit/vfs_test.h"

VFS_TEST(test_vfs_mkdir_basics)
{
	struct kstat st;

	ck_assert_int_eq(vfs_mkdir(NULL, "/a", 0777), 0);
	st = xstat("/a");
	ck_assert_uint_eq(st.st_mode, KS_IFDIR | 0755);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_uint_eq(xstat("/").st_nlink, 3);
	ck_assert_int_eq(vfs_mkdir(NULL, "/a", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(NULL, "/nope/b", 0755), -ENOENT);
	put_file("/f", "x");
	ck_assert_int_eq(vfs_mkdir(NULL, "/f", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(NULL, "/f/b", 0755), -ENOTDIR);
	ck_assert_int_eq(vfs_mkdir(NULL, "/", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(NULL, "/a/.", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(NULL, "/a/..", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(NULL, "", 0755), -ENOENT);
	ck_assert_int_eq(vfs_mkdir(NULL, "a/sub", 01777), 0);
	ck_assert_uint_eq(xstat("/a/sub").st_mode, KS_IFDIR | 01755);
	ck_assert_uint_eq(xstat("/a").st_nlink, 3);
}
END_TEST

static long
dev_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)buf;
	*pos += len;
	return (long)len;
}

static const struct file_ops test_dev_ops = {
	.write = dev_write,
};

static struct chrdev test_dev = {
	.name = "testdev", .major = 42, .minor = 0, .count = 4,
	.fops = &test_dev_ops,
};

VFS_TEST(test_vfs_mknod_types)
{
	struct file *f;
	struct kstat st;

	ck_assert_int_eq(vfs_mknod(NULL, "/p", KS_IFIFO | 0644, 0), 0);
	ck_assert(KS_ISFIFO(xstat("/p").st_mode));
	ck_assert_int_eq(open_err("/p", KO_RDONLY, 0), -ENXIO);
	ck_assert_int_eq(vfs_mknod(NULL, "/sock", KS_IFSOCK | 0644, 0), 0);
	ck_assert_int_eq(open_err("/sock", KO_RDONLY, 0), -ENXIO);
	ck_assert_int_eq(vfs_mknod(NULL, "/reg", 0644, 0), 0);
	ck_assert_uint_eq(xstat("/reg").st_mode, KS_IFREG | 0644);
	ck_assert_int_eq(vfs_mknod(NULL, "/c", KS_IFCHR | 0666,
				   KMKDEV(42, 1)), 0);
	st = xstat("/c");
	ck_assert(KS_ISCHR(st.st_mode));
	ck_assert_uint_eq(st.st_rdev, KMKDEV(42, 1));
	ck_assert_int_eq(open_err("/c", KO_RDWR, 0), -ENXIO);
	ck_assert_int_eq(chrdev_register(&test_dev), 0);
	f = xopen("/c", KO_WRONLY | KO_TRUNC, 0);
	ck_assert_int_eq(vfs_write(f, "abc", 3), 3);
	ck_assert_int_eq(vfs_read(f, &st, 1), -EBADF);
	file_put(f);
	ck_assert_int_eq(vfs_mknod(NULL, "/dir", KS_IFDIR | 0755, 0), -EPERM);
	ck_assert_int_eq(vfs_mknod(NULL, "/bad", 0170000, 0), -EINVAL);
	ck_assert_int_eq(vfs_mknod(NULL, "/p", KS_IFIFO | 0644, 0), -EEXIST);
	ck_assert_int_eq(vfs_chmod(NULL, "/", 0777, 0), 0);
	as_user(1000, 1000);
	ck_assert_int_eq(vfs_mknod(NULL, "/c2", KS_IFCHR | 0600, 0), -EPERM);
	ck_assert_int_eq(vfs_mknod(NULL, "/p2", KS_IFIFO | 0600, 0), 0);
}
END_TEST

VFS_TEST(test_vfs_unlink_rmdir_errors)
{
	struct kstat st;

	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0755), 0);
	put_file("/d/f", "x");
	ck_assert_int_eq(vfs_rmdir(NULL, "/d"), -ENOTEMPTY);
	ck_assert_int_eq(vfs_unlink(NULL, "/d"), -EISDIR);
	ck_assert_int_eq(vfs_rmdir(NULL, "/d/f"), -ENOTDIR);
	ck_assert_int_eq(vfs_rmdir(NULL, "/d/."), -EINVAL);
	ck_assert_int_eq(vfs_rmdir(NULL, "/d/.."), -ENOTEMPTY);
	ck_assert_int_eq(vfs_rmdir(NULL, "/"), -EBUSY);
	ck_assert_int_eq(vfs_unlink(NULL, "/d/."), -EISDIR);
	ck_assert_int_eq(vfs_unlink(NULL, "/d/none"), -ENOENT);
	ck_assert_int_eq(vfs_rmdir(NULL, "/none"), -ENOENT);
	ck_assert_int_eq(vfs_unlink(NULL, "/d/f"), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/d/f", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_rmdir(NULL, "/d"), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/d", 0, &st), -ENOENT);
	ck_assert_uint_eq(xstat("/").st_nlink, 2);
	ck_assert_int_eq(vfs_mkdir(NULL, "/m", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/m", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_rmdir(NULL, "/m"), -EBUSY);
	ck_assert_int_eq(vfs_rmdir(NULL, "/m/"), -EBUSY);
	ck_assert_int_eq(vfs_umount("/m", 0), 0);
	ck_assert_int_eq(vfs_rmdir(NULL, "/m"), 0);
}
END_TEST

VFS_TEST(test_vfs_unlink_open_file_lives_on)
{
	struct kstatfs before, during, after;
	struct file *f;
	struct kstat st;
	char buf[8];

	ck_assert_int_eq(vfs_statfs(NULL, "/", &before), 0);
	put_file("/f", "alive");
	f = xopen("/f", KO_RDWR, 0);
	ck_assert_int_eq(vfs_unlink(NULL, "/f"), 0);
	ck_assert_int_eq(open_err("/f", KO_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 5);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 0);
	ck_assert_int_eq(vfs_statfs(NULL, "/", &during), 0);
	ck_assert_uint_eq(during.f_ffree, before.f_ffree - 1);
	ck_assert_uint_eq(during.f_bfree, before.f_bfree - 1);
	/* A new file of the same name is another inode. */
	put_file("/f", "new");
	ck_assert_uint_ne(xstat("/f").st_ino, st.st_ino);
	ck_assert_int_eq(vfs_unlink(NULL, "/f"), 0);
	file_put(f);
	ck_assert_int_eq(vfs_statfs(NULL, "/", &after), 0);
	ck_assert_uint_eq(after.f_ffree, before.f_ffree);
	ck_assert_uint_eq(after.f_bfree, before.f_bfree);
}
END_TEST

VFS_TEST(test_vfs_hard_link_counts)
{
	char buf[16];
	struct kstat a, b;

	put_file("/a", "shared");
	ck_assert_int_eq(vfs_link(NULL, "/a", NULL, "/b", 0), 0);
	a = xstat("/a");
	b = xstat("/b");
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_uint_eq(a.st_nlink, 2);
	ck_assert_int_eq(vfs_link(NULL, "/a", NULL, "/c", 0), 0);
	ck_assert_uint_eq(xstat("/b").st_nlink, 3);
	ck_assert_int_eq(vfs_unlink(NULL, "/a"), 0);
	ck_assert_uint_eq(xstat("/c").st_nlink, 2);
	ck_assert_uint_eq(get_file("/c", buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "shared");
	ck_assert_int_eq(vfs_link(NULL, "/b", NULL, "/c", 0), -EEXIST);
	ck_assert_int_eq(vfs_link(NULL, "/none", NULL, "/x", 0), -ENOENT);
	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0755), 0);
	ck_assert_int_eq(vfs_link(NULL, "/d", NULL, "/e", 0), -EPERM);
	ck_assert_int_eq(vfs_link(NULL, "/b", NULL, "/b", 0x1), -EINVAL);
	ck_assert_int_eq(vfs_mkdir(NULL, "/m", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/m", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_link(NULL, "/b", NULL, "/m/x", 0), -EXDEV);
	/* linkat links a symlink itself unless AT_SYMLINK_FOLLOW. */
	ck_assert_int_eq(vfs_symlink("b", NULL, "/sl"), 0);
	ck_assert_int_eq(vfs_link(NULL, "/sl", NULL, "/sl2", 0), 0);
	ck_assert(KS_ISLNK(xlstat("/sl2").st_mode));
	ck_assert_uint_eq(xlstat("/sl").st_nlink, 2);
	ck_assert_int_eq(vfs_link(NULL, "/sl", NULL, "/b2", KAT_SYMLINK_FOLLOW),
			 0);
	ck_assert_uint_eq(xstat("/b").st_nlink, 3);
	ck_assert(KS_ISREG(xlstat("/b2").st_mode));
}
END_TEST

VFS_TEST(test_vfs_link_updates_ctime)
{
	struct kstat before, after;

	put_file("/a", "x");
	before = xstat("/a");
	clock_advance(5);
	ck_assert_int_eq(vfs_link(NULL, "/a", NULL, "/b", 0), 0);
	after = xstat("/a");
	ck_assert_int_gt(after.st_ctim.tv_sec, before.st_ctim.tv_sec);
	ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_gt(xstat("/").st_mtim.tv_sec, before.st_ctim.tv_sec);
}
END_TEST

VFS_TEST(test_vfs_rename_files)
{
	char buf[16];
	struct file *f;
	struct kstat st;

	put_file("/a", "A");
	ck_assert_int_eq(vfs_rename(NULL, "/a", NULL, "/b", 0), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/a", 0, &st), -ENOENT);
	get_file("/b", buf, sizeof(buf));
	ck_assert_str_eq(buf, "A");
	put_file("/c", "C");
	f = xopen("/c", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_rename(NULL, "/b", NULL, "/c", 0), 0);
	get_file("/c", buf, sizeof(buf));
	ck_assert_str_eq(buf, "A");
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'C');
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 0);
	file_put(f);
	ck_assert_int_eq(vfs_link(NULL, "/c", NULL, "/h", 0), 0);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/h", 0), 0);
	ck_assert_uint_eq(xstat("/c").st_nlink, 2);
	ck_assert_uint_eq(xstat("/h").st_nlink, 2);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/c", 0), 0);
	ck_assert_int_eq(vfs_rename(NULL, "/none", NULL, "/x", 0), -ENOENT);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/nodir/x", 0), -ENOENT);
	ck_assert_int_eq(vfs_rename(NULL, "/.", NULL, "/x", 0), -EBUSY);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/", 0), -EBUSY);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/..", 0), -EBUSY);
}
END_TEST

VFS_TEST(test_vfs_rename_directories)
{
	struct kstat st, d3;
	char cwd[32];

	ck_assert_int_eq(vfs_mkdir(NULL, "/d1", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/d1/sub", 0755), 0);
	put_file("/d1/sub/f", "f");
	ck_assert_int_eq(vfs_mkdir(NULL, "/d2", 0755), 0);
	ck_assert_int_eq(vfs_rename(NULL, "/d1/sub", NULL, "/d2/sub", 0), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/d2/sub/f", 0, &st), 0);
	ck_assert_uint_eq(xstat("/d1").st_nlink, 2);
	ck_assert_uint_eq(xstat("/d2").st_nlink, 3);
	ck_assert_uint_eq(xstat("/d2/sub/..").st_ino, xstat("/d2").st_ino);
	ck_assert_int_eq(vfs_chdir("/d2/sub"), 0);
	ck_assert_int_eq(vfs_rename(NULL, "/d2", NULL, "/d3", 0), 0);
	ck_assert_int_eq(vfs_getcwd(cwd, sizeof(cwd)), 8);
	ck_assert_str_eq(cwd, "/d3/sub");
	d3 = xstat("/d3");
	ck_assert_uint_eq(xstat("..").st_ino, d3.st_ino);
	ck_assert_int_eq(vfs_chdir("/"), 0);
	ck_assert_int_eq(vfs_rename(NULL, "/d3", NULL, "/d3/sub/x", 0),
			 -EINVAL);
	ck_assert_int_eq(vfs_rename(NULL, "/d3", NULL, "/d3/sub", 0), -EINVAL);
	ck_assert_int_eq(vfs_rename(NULL, "/d3/sub", NULL, "/d3", 0),
			 -ENOTEMPTY);
	ck_assert_int_eq(vfs_rename(NULL, "/d3/..", NULL, "/x", 0), -EBUSY);
}
END_TEST

VFS_TEST(test_vfs_rename_type_rules)
{
	struct kstat e;

	ck_assert_int_eq(vfs_mkdir(NULL, "/e", 0755), 0);
	put_file("/file", "x");
	ck_assert_int_eq(vfs_rename(NULL, "/e", NULL, "/file", 0), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(NULL, "/file", NULL, "/e", 0), -EISDIR);
	ck_assert_int_eq(vfs_mkdir(NULL, "/full", 0755), 0);
	put_file("/full/x", "x");
	ck_assert_int_eq(vfs_rename(NULL, "/e", NULL, "/full", 0), -ENOTEMPTY);
	ck_assert_int_eq(vfs_mkdir(NULL, "/empty", 0755), 0);
	e = xstat("/e");
	ck_assert_uint_eq(xstat("/").st_nlink, 5);
	ck_assert_int_eq(vfs_rename(NULL, "/e", NULL, "/empty", 0), 0);
	ck_assert_uint_eq(xstat("/empty").st_ino, e.st_ino);
	ck_assert_uint_eq(xstat("/").st_nlink, 4);
	ck_assert_int_eq(vfs_mkdir(NULL, "/m", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/m", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_rename(NULL, "/file", NULL, "/m/file", 0),
			 -EXDEV);
	ck_assert_int_eq(vfs_rename(NULL, "/m", NULL, "/m2", 0), -EBUSY);
	ck_assert_int_eq(vfs_rename(NULL, "/empty", NULL, "/m", 0), -EBUSY);
}
END_TEST

VFS_TEST(test_vfs_rename_noreplace_exchange)
{
	char buf[8];

	put_file("/a", "A");
	put_file("/b", "B");
	ck_assert_int_eq(vfs_rename(NULL, "/a", NULL, "/b", KRENAME_NOREPLACE),
			 -EEXIST);
	ck_assert_int_eq(vfs_rename(NULL, "/a", NULL, "/c", KRENAME_NOREPLACE),
			 0);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/b", KRENAME_EXCHANGE),
			 0);
	get_file("/c", buf, sizeof(buf));
	ck_assert_str_eq(buf, "B");
	get_file("/b", buf, sizeof(buf));
	ck_assert_str_eq(buf, "A");
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/none",
				    KRENAME_EXCHANGE), -ENOENT);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/b",
				    KRENAME_EXCHANGE | KRENAME_NOREPLACE),
			 -EINVAL);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/b", KRENAME_WHITEOUT),
			 -EINVAL);
	ck_assert_int_eq(vfs_rename(NULL, "/c", NULL, "/b", 8), -EINVAL);
}
END_TEST

VFS_TEST(test_vfs_rename_exchange_directories)
{
	ck_assert_int_eq(vfs_mkdir(NULL, "/p", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/q", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/p/x", 0755), 0);
	put_file("/p/x/in", "in");
	put_file("/q/y", "y");
	ck_assert_int_eq(vfs_rename(NULL, "/p/x", NULL, "/q/y",
				    KRENAME_EXCHANGE), 0);
	ck_assert(KS_ISDIR(xstat("/q/y").st_mode));
	ck_assert(KS_ISREG(xstat("/p/x").st_mode));
	ck_assert_uint_eq(xstat("/q/y/in").st_size, 2);
	ck_assert_uint_eq(xstat("/p").st_nlink, 2);
	ck_assert_uint_eq(xstat("/q").st_nlink, 3);
	ck_assert_uint_eq(xstat("/q/y/..").st_ino, xstat("/q").st_ino);
	ck_assert_int_eq(vfs_rename(NULL, "/q", NULL, "/q/y",
				    KRENAME_EXCHANGE), -EINVAL);
	ck_assert_int_eq(vfs_rename(NULL, "/q/y", NULL, "/q",
				    KRENAME_EXCHANGE), -EINVAL);
}
END_TEST

TCase *
vfs_tcase_names(void)
{
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_vfs_mkdir_basics);
	tcase_add_test(tc, test_vfs_mknod_types);
	tcase_add_test(tc, test_vfs_unlink_rmdir_errors);
	tcase_add_test(tc, test_vfs_unlink_open_file_lives_on);
	tcase_add_test(tc, test_vfs_hard_link_counts);
	tcase_add_test(tc, test_vfs_link_updates_ctime);
	tcase_add_test(tc, test_vfs_rename_files);
	tcase_add_test(tc, test_vfs_rename_directories);
	tcase_add_test(tc, test_vfs_rename_type_rules);
	tcase_add_test(tc, test_vfs_rename_noreplace_exchange);
	tcase_add_test(tc, test_vfs_rename_exchange_directories);
	return tc;
}
