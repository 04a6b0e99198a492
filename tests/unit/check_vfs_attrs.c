/*
 * The VFS suite, attributes and permissions: what a non-root task may
 * open, search, remove and change (EACCES against EPERM, sticky
 * directories, groups, setuid/setgid clearing), what root may, umask,
 * access(), utimensat's NOW/OMIT, and read-only mounts (EROFS).
 */
#include <check.h>
#include <string.h>

#include "core/errno.h"
#include "fs/vfs.h"
#include "tests/unit/vfs_test.h"

VFS_TEST(test_vfs_perm_nonroot_eacces)
{
	struct kstat st;

	ck_assert_int_eq(vfs_mkdir(NULL, "/priv", 0700), 0);
	put_file("/priv/x", "x");
	put_file("/pub", "p");
	ck_assert_int_eq(vfs_mkdir(NULL, "/pubdir", 0755), 0);
	put_file("/pubdir/z", "z");
	as_user(1000, 1000);
	ck_assert_int_eq(open_err("/pub", KO_WRONLY, 0), -EACCES);
	ck_assert_int_eq(open_err("/pub", KO_RDONLY | KO_TRUNC, 0), -EACCES);
	ck_assert_int_eq(open_err("/pub", KO_RDONLY, 0), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/priv/x", 0, &st), -EACCES);
	ck_assert_int_eq(vfs_stat(NULL, "/priv", 0, &st), 0);
	ck_assert_int_eq(open_err("/priv", KO_RDONLY, 0), -EACCES);
	ck_assert_int_eq(vfs_mkdir(NULL, "/pubdir/y", 0755), -EACCES);
	ck_assert_int_eq(vfs_unlink(NULL, "/pubdir/z"), -EACCES);
	ck_assert_int_eq(vfs_rename(NULL, "/pubdir/z", NULL, "/z", 0),
			 -EACCES);
	/* "/" of tmpfs is sticky: not theirs, not the owner's: EPERM. */
	ck_assert_int_eq(vfs_unlink(NULL, "/pubdir"), -EPERM);
	ck_assert_int_eq(vfs_rmdir(NULL, "/pubdir"), -EPERM);
	ck_assert_int_eq(vfs_chdir("/priv"), -EACCES);
	ck_assert_int_eq(vfs_truncate(NULL, "/pub", 0), -EACCES);
	ck_assert_int_eq(vfs_access(NULL, "/pub", KR_OK, 0), 0);
	ck_assert_int_eq(vfs_access(NULL, "/pub", KW_OK, 0), -EACCES);
	ck_assert_int_eq(vfs_access(NULL, "/pub", KF_OK, 0), 0);
	ck_assert_int_eq(vfs_access(NULL, "/pub", 8, 0), -EINVAL);
	as_root();
	ck_assert_int_eq(vfs_stat(NULL, "/priv/x", 0, &st), 0);
}
END_TEST

VFS_TEST(test_vfs_perm_attr_changes_eperm)
{
	const struct ktimespec ts[2] = { { 10, 0 }, { 20, 0 } };

	put_file("/pub", "p");
	as_user(1000, 1000);
	ck_assert_int_eq(vfs_chmod(NULL, "/pub", 0777, 0), -EPERM);
	ck_assert_int_eq(vfs_chown(NULL, "/pub", 1000, -1, 0), -EPERM);
	ck_assert_int_eq(vfs_chown(NULL, "/pub", -1, 1000, 0), -EPERM);
	ck_assert_int_eq(vfs_chown(NULL, "/pub", -1, -1, 0), 0);
	ck_assert_int_eq(vfs_utimens(NULL, "/pub", ts, 0), -EPERM);
	ck_assert_int_eq(vfs_utimens(NULL, "/pub", NULL, 0), -EACCES);
	/* Their own file: chmod yes, giving it away no. */
	put_file("/mine", "m");
	ck_assert_uint_eq(xstat("/mine").st_uid, 1000);
	ck_assert_int_eq(vfs_chmod(NULL, "/mine", 0600, 0), 0);
	ck_assert_int_eq(vfs_chown(NULL, "/mine", 0, -1, 0), -EPERM);
	ck_assert_int_eq(vfs_chown(NULL, "/mine", 1000, 1000, 0), 0);
	ck_assert_int_eq(vfs_chown(NULL, "/mine", -1, 3000, 0), -EPERM);
	user_cred()->ngroups = 1;
	user_cred()->groups[0] = 3000;
	ck_assert_int_eq(vfs_chown(NULL, "/mine", -1, 3000, 0), 0);
	ck_assert_uint_eq(xstat("/mine").st_gid, 3000);
	ck_assert_int_eq(vfs_utimens(NULL, "/mine", ts, 0), 0);
	ck_assert_int_eq(xstat("/mine").st_mtim.tv_sec, 20);
	as_root();
	ck_assert_int_eq(vfs_chown(NULL, "/pub", 1000, 2000, 0), 0);
	ck_assert_uint_eq(xstat("/pub").st_uid, 1000);
}
END_TEST

VFS_TEST(test_vfs_perm_sticky_directory)
{
	ck_assert_int_eq(vfs_mkdir(NULL, "/tmp", 0777), 0);
	ck_assert_int_eq(vfs_chmod(NULL, "/tmp", 01777, 0), 0);
	as_user(1000, 1000);
	put_file("/tmp/mine", "m");
	as_user(1001, 1001);
	ck_assert_int_eq(vfs_unlink(NULL, "/tmp/mine"), -EPERM);
	ck_assert_int_eq(vfs_rename(NULL, "/tmp/mine", NULL, "/tmp/x", 0),
			 -EPERM);
	put_file("/tmp/theirs", "t");
	ck_assert_int_eq(vfs_rename(NULL, "/tmp/theirs", NULL, "/tmp/mine", 0),
			 -EPERM);
	ck_assert_int_eq(vfs_unlink(NULL, "/tmp/theirs"), 0);
	as_user(1000, 1000);
	ck_assert_int_eq(vfs_unlink(NULL, "/tmp/mine"), 0);
	as_root();
	put_file("/tmp/r", "r");
	ck_assert_int_eq(vfs_chmod(NULL, "/tmp", 0777, 0), 0);
	as_user(1001, 1001);
	ck_assert_int_eq(vfs_unlink(NULL, "/tmp/r"), 0);
}
END_TEST

VFS_TEST(test_vfs_perm_groups_and_root)
{
	put_file("/grp", "g");
	ck_assert_int_eq(vfs_chown(NULL, "/grp", 0, 2000, 0), 0);
	ck_assert_int_eq(vfs_chmod(NULL, "/grp", 0060, 0), 0);
	as_user(1000, 1000);
	ck_assert_int_eq(open_err("/grp", KO_RDWR, 0), -EACCES);
	user_cred()->ngroups = 2;
	user_cred()->groups[0] = 7;
	user_cred()->groups[1] = 2000;
	ck_assert_int_eq(open_err("/grp", KO_RDWR, 0), 0);
	as_user(2000, 2000);
	ck_assert_int_eq(vfs_chown(NULL, "/", 2000, -1, 0), -EPERM);
	as_root();
	/* The owner's bits count for the owner, even if the group's allow. */
	put_file("/own", "o");
	ck_assert_int_eq(vfs_chown(NULL, "/own", 1000, 1000, 0), 0);
	ck_assert_int_eq(vfs_chmod(NULL, "/own", 0070, 0), 0);
	as_user(1000, 1000);
	ck_assert_int_eq(open_err("/own", KO_RDONLY, 0), -EACCES);
	as_root();
	/* Root reads and writes anything, executes what anyone may. */
	ck_assert_int_eq(vfs_chmod(NULL, "/grp", 0, 0), 0);
	ck_assert_int_eq(open_err("/grp", KO_RDWR, 0), 0);
	ck_assert_int_eq(vfs_access(NULL, "/grp", KX_OK, 0), -EACCES);
	ck_assert_int_eq(vfs_chmod(NULL, "/grp", 0001, 0), 0);
	ck_assert_int_eq(vfs_access(NULL, "/grp", KX_OK, 0), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/closed", 0), 0);
	ck_assert_int_eq(vfs_access(NULL, "/closed", KX_OK | KW_OK, 0), 0);
	put_file("/closed/in", "x");
}
END_TEST

VFS_TEST(test_vfs_perm_setgid_rules)
{
	ck_assert_int_eq(vfs_mkdir(NULL, "/sg", 0777), 0);
	ck_assert_int_eq(vfs_chown(NULL, "/sg", 0, 500, 0), 0);
	ck_assert_int_eq(vfs_chmod(NULL, "/sg", 02777, 0), 0);
	as_user(1000, 1000);
	put_file("/sg/f", "f");
	ck_assert_uint_eq(xstat("/sg/f").st_gid, 500);
	ck_assert_int_eq(vfs_mkdir(NULL, "/sg/d", 0755), 0);
	ck_assert_uint_eq(xstat("/sg/d").st_mode, KS_IFDIR | 02755);
	ck_assert_uint_eq(xstat("/sg/d").st_gid, 500);
	/* Not in the file's group: chmod drops setgid. */
	ck_assert_int_eq(vfs_chmod(NULL, "/sg/f", 02755, 0), 0);
	ck_assert_uint_eq(xstat("/sg/f").st_mode, KS_IFREG | 0755);
	ck_assert_int_eq(open_err("/sg/g", KO_WRONLY | KO_CREAT, 02755), 0);
	ck_assert_uint_eq(xstat("/sg/g").st_mode, KS_IFREG | 0755);
	as_root();
	ck_assert_int_eq(vfs_chmod(NULL, "/sg/f", 06755, 0), 0);
	ck_assert_int_eq(vfs_chown(NULL, "/sg/f", 1000, -1, 0), 0);
	ck_assert_uint_eq(xstat("/sg/f").st_mode, KS_IFREG | 0755);
	ck_assert_int_eq(vfs_chmod(NULL, "/sg/f", 06745, 0), 0);
	ck_assert_int_eq(vfs_chown(NULL, "/sg/f", -1, -1, 0), 0);
	ck_assert_uint_eq(xstat("/sg/f").st_mode, KS_IFREG | 02745);
}
END_TEST

VFS_TEST(test_vfs_umask_applies)
{
	ck_assert_uint_eq(vfs_umask(077), 022);
	ck_assert_int_eq(open_err("/f", KO_WRONLY | KO_CREAT, 0666), 0);
	ck_assert_uint_eq(xstat("/f").st_mode, KS_IFREG | 0600);
	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0777), 0);
	ck_assert_uint_eq(xstat("/d").st_mode, KS_IFDIR | 0700);
	ck_assert_int_eq(vfs_mknod(NULL, "/p", KS_IFIFO | 0666, 0), 0);
	ck_assert_uint_eq(xstat("/p").st_mode, KS_IFIFO | 0600);
	ck_assert_int_eq(vfs_symlink("f", NULL, "/l"), 0);
	ck_assert_uint_eq(xlstat("/l").st_mode, KS_IFLNK | 0777);
	ck_assert_uint_eq(vfs_umask(0), 077);
	ck_assert_int_eq(vfs_mkdir(NULL, "/e", 01777), 0);
	ck_assert_uint_eq(xstat("/e").st_mode, KS_IFDIR | 01777);
	/* chmod does not apply the umask. */
	ck_assert_uint_eq(vfs_umask(0777), 0);
	ck_assert_int_eq(vfs_chmod(NULL, "/f", 0644, 0), 0);
	ck_assert_uint_eq(xstat("/f").st_mode, KS_IFREG | 0644);
}
END_TEST

VFS_TEST(test_vfs_utimens_now_omit)
{
	struct ktimespec ts[2] = { { 100, 5 }, { 200, 6 } };
	struct kstat st, prev;

	put_file("/f", "x");
	ck_assert_int_eq(vfs_utimens(NULL, "/f", ts, 0), 0);
	st = xstat("/f");
	ck_assert_int_eq(st.st_atim.tv_sec, 100);
	ck_assert_int_eq(st.st_atim.tv_nsec, 5);
	ck_assert_int_eq(st.st_mtim.tv_sec, 200);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 6);
	ck_assert_int_gt(st.st_ctim.tv_sec, 1700000000);
	ts[0].tv_nsec = KUTIME_OMIT;
	ts[1].tv_sec = 300;
	ck_assert_int_eq(vfs_utimens(NULL, "/f", ts, 0), 0);
	st = xstat("/f");
	ck_assert_int_eq(st.st_atim.tv_sec, 100);
	ck_assert_int_eq(st.st_mtim.tv_sec, 300);
	clock_advance(10);
	ts[1].tv_nsec = KUTIME_OMIT;
	prev = xstat("/f");
	ck_assert_int_eq(vfs_utimens(NULL, "/nonexistent", ts, 0), 0);
	ck_assert_int_eq(vfs_utimens(NULL, "/f", ts, 0), 0);
	st = xstat("/f");
	ck_assert_int_eq(st.st_ctim.tv_sec, prev.st_ctim.tv_sec);
	ts[0].tv_nsec = KUTIME_NOW;
	ck_assert_int_eq(vfs_utimens(NULL, "/f", ts, 0), 0);
	st = xstat("/f");
	ck_assert_int_gt(st.st_atim.tv_sec, prev.st_ctim.tv_sec);
	ck_assert_int_eq(st.st_mtim.tv_sec, 300);
	ck_assert_int_eq(vfs_utimens(NULL, "/f", NULL, 0), 0);
	st = xstat("/f");
	ck_assert_int_eq(st.st_mtim.tv_sec, st.st_ctim.tv_sec);
	ck_assert_int_eq(st.st_atim.tv_nsec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = 1000000000;
	ck_assert_int_eq(vfs_utimens(NULL, "/f", ts, 0), -EINVAL);
	ck_assert_int_eq(vfs_utimens(NULL, "/none", NULL, 0), -ENOENT);
	/* AT_SYMLINK_NOFOLLOW: the link's times, not the file's. */
	ck_assert_int_eq(vfs_symlink("f", NULL, "/l"), 0);
	ts[0] = (struct ktimespec){ 7, 0 };
	ts[1] = (struct ktimespec){ 8, 0 };
	ck_assert_int_eq(vfs_utimens(NULL, "/l", ts, KAT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(xlstat("/l").st_mtim.tv_sec, 8);
	ck_assert_int_ne(xstat("/l").st_mtim.tv_sec, 8);
}
END_TEST

VFS_TEST(test_vfs_atime_relatime)
{
	char buf[4];
	struct kstat a, b;

	put_file("/f", "x");
	a = xstat("/f");
	clock_advance(5);
	get_file("/f", buf, sizeof(buf));	/* atime <= mtime: updated */
	b = xstat("/f");
	ck_assert_int_gt(b.st_atim.tv_sec, a.st_atim.tv_sec);
	clock_advance(5);
	get_file("/f", buf, sizeof(buf));	/* newer than mtime: kept */
	a = xstat("/f");
	ck_assert_int_eq(a.st_atim.tv_sec, b.st_atim.tv_sec);
	clock_advance(24 * 3600);
	get_file("/f", buf, sizeof(buf));	/* a day old: updated */
	a = xstat("/f");
	ck_assert_int_gt(a.st_atim.tv_sec, b.st_atim.tv_sec);
}
END_TEST

VFS_TEST(test_vfs_readonly_mount_erofs)
{
	const struct ktimespec ts[2] = { { 1, 0 }, { 2, 0 } };
	struct kstatfs sfs;
	char buf[8];

	ck_assert_int_eq(vfs_mkdir(NULL, "/ro", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/ro", "tmpfs", 0, NULL), 0);
	put_file("/ro/f", "data");
	ck_assert_int_eq(vfs_mkdir(NULL, "/ro/d", 0755), 0);
	ck_assert_int_eq(vfs_remount("/ro", MNT_RDONLY), 0);
	ck_assert_int_eq(open_err("/ro/f", KO_WRONLY, 0), -EROFS);
	ck_assert_int_eq(open_err("/ro/f", KO_RDONLY | KO_TRUNC, 0), -EROFS);
	ck_assert_int_eq(open_err("/ro/new", KO_WRONLY | KO_CREAT, 0644),
			 -EROFS);
	ck_assert_int_eq(open_err("/ro/f", KO_RDONLY | KO_CREAT, 0644), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/ro/x", 0755), -EROFS);
	ck_assert_int_eq(vfs_mkdir(NULL, "/ro/d", 0755), -EEXIST);
	ck_assert_int_eq(vfs_unlink(NULL, "/ro/f"), -EROFS);
	ck_assert_int_eq(vfs_unlink(NULL, "/ro/none"), -EROFS);
	ck_assert_int_eq(vfs_rmdir(NULL, "/ro/d"), -EROFS);
	ck_assert_int_eq(vfs_rename(NULL, "/ro/f", NULL, "/ro/g", 0), -EROFS);
	ck_assert_int_eq(vfs_link(NULL, "/ro/f", NULL, "/ro/g", 0), -EROFS);
	ck_assert_int_eq(vfs_symlink("f", NULL, "/ro/s"), -EROFS);
	ck_assert_int_eq(vfs_mknod(NULL, "/ro/p", KS_IFIFO | 0644, 0), -EROFS);
	ck_assert_int_eq(vfs_chmod(NULL, "/ro/f", 0600, 0), -EROFS);
	ck_assert_int_eq(vfs_chown(NULL, "/ro/f", 1, 1, 0), -EROFS);
	ck_assert_int_eq(vfs_utimens(NULL, "/ro/f", ts, 0), -EROFS);
	ck_assert_int_eq(vfs_truncate(NULL, "/ro/f", 0), -EROFS);
	ck_assert_int_eq(vfs_access(NULL, "/ro/f", KW_OK, 0), -EROFS);
	ck_assert_uint_eq(get_file("/ro/f", buf, sizeof(buf)), 4);
	ck_assert_int_eq(vfs_statfs(NULL, "/ro", &sfs), 0);
	ck_assert_int_eq(sfs.f_flags & 1, 1);
	ck_assert_int_eq(vfs_remount("/ro", 0), 0);
	put_file("/ro/f", "again");
	ck_assert_int_eq(vfs_umount("/ro", 0), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/ro", "tmpfs", MNT_RDONLY, NULL),
			 0);
	ck_assert_int_eq(open_err("/ro/x", KO_WRONLY | KO_CREAT, 0644),
			 -EROFS);
}
END_TEST

TCase *
vfs_tcase_attrs(void)
{
	TCase *tc = tcase_create("attrs");

	tcase_add_test(tc, test_vfs_perm_nonroot_eacces);
	tcase_add_test(tc, test_vfs_perm_attr_changes_eperm);
	tcase_add_test(tc, test_vfs_perm_sticky_directory);
	tcase_add_test(tc, test_vfs_perm_groups_and_root);
	tcase_add_test(tc, test_vfs_perm_setgid_rules);
	tcase_add_test(tc, test_vfs_umask_applies);
	tcase_add_test(tc, test_vfs_utimens_now_omit);
	tcase_add_test(tc, test_vfs_atime_relatime);
	tcase_add_test(tc, test_vfs_readonly_mount_erofs);
	return tc;
}
