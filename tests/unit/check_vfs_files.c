/*
 * The VFS suite, files and directories: open flags and their errors,
 * read/write/pread/pwrite, O_APPEND, lseek, truncate and sparse files,
 * getdents64 (a thousand entries through a small buffer, stability
 * across unlinks, d_off) and tmpfs's own limits and options.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/slab.h"
#include "fs/vfs.h"
#include "tests/unit/vfs_test.h"

VFS_TEST(test_vfs_open_flag_errors)
{
	struct file *f;
	char buf[4];

	put_file("/f", "data");
	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0755), 0);
	ck_assert_int_eq(open_err("/f", KO_RDWR | KO_CREAT | KO_EXCL, 0644),
			 -EEXIST);
	ck_assert_int_eq(open_err("/none", KO_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(open_err("", KO_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(open_err("/d", KO_WRONLY, 0), -EISDIR);
	ck_assert_int_eq(open_err("/d", KO_RDWR, 0), -EISDIR);
	ck_assert_int_eq(open_err("/d", KO_RDONLY | KO_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(open_err("/f", KO_RDONLY | KO_DIRECTORY, 0), -ENOTDIR);
	ck_assert_int_eq(open_err("/d", KO_RDONLY | KO_DIRECTORY, 0), 0);
	ck_assert_int_eq(open_err("/n", KO_RDWR | KO_CREAT | KO_DIRECTORY,
				  0644), -EINVAL);
	f = xopen("/d", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), -EISDIR);
	ck_assert_int_eq(vfs_write(f, buf, 1), -EBADF);
	file_put(f);
	f = xopen("/f", KO_WRONLY, 0);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), -EBADF);
	file_put(f);
	f = xopen("/f", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_write(f, "x", 1), -EBADF);
	ck_assert_int_eq(vfs_ftruncate(f, 0), -EINVAL);
	file_put(f);
	ck_assert_int_eq(open_err("/f", KO_RDWR | KO_TRUNC, 0), 0);
	ck_assert_int_eq(xstat("/f").st_size, 0);
}
END_TEST

VFS_TEST(test_vfs_read_write_roundtrip)
{
	size_t size = 100 * 1000 + 7;
	char *data = kmalloc(size), *back = kmalloc(size);
	struct file *f;

	for (size_t i = 0; i < size; i++)
		data[i] = (char)(i * 7 + i / 4096);
	f = xopen("/big", KO_RDWR | KO_CREAT, 0644);
	ck_assert_int_eq(vfs_write(f, data, 5000), 5000);
	ck_assert_int_eq(vfs_write(f, data + 5000, size - 5000),
			 (long)(size - 5000));
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_CUR), (int64_t)size);
	ck_assert_int_eq(vfs_read(f, back, 10), 0);
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_SET), 0);
	ck_assert_int_eq(vfs_read(f, back, size), (long)size);
	ck_assert_int_eq(memcmp(data, back, size), 0);
	ck_assert_int_eq(vfs_pread(f, back, 3, 4095), 3);
	ck_assert_int_eq(memcmp(back, data + 4095, 3), 0);
	ck_assert_int_eq(vfs_pwrite(f, "XYZ", 3, 8190), 3);
	ck_assert_int_eq(vfs_pread(f, back, 5, 8189), 5);
	ck_assert_int_eq(memcmp(back + 1, "XYZ", 3), 0);
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_CUR), (int64_t)size);
	ck_assert_int_eq(vfs_pread(f, back, 3, (uint64_t)INT64_MAX + 1),
			 -EINVAL);
	ck_assert_int_eq(xstat("/big").st_size, (int64_t)size);
	file_put(f);
	kfree(data);
	kfree(back);
}
END_TEST

VFS_TEST(test_vfs_write_times_and_suid)
{
	struct kstat before, after;
	struct file *f;

	put_file("/f", "x");
	ck_assert_int_eq(vfs_chmod(NULL, "/f", 06775, 0), 0);
	ck_assert_int_eq(vfs_chown(NULL, "/f", 1000, 1000, 0), 0);
	ck_assert_int_eq(vfs_chmod(NULL, "/f", 06775, 0), 0);
	before = xstat("/f");
	clock_advance(3);
	f = xopen("/f", KO_WRONLY, 0);
	ck_assert_int_eq(vfs_write(f, "y", 1), 1);	/* root keeps them */
	ck_assert_uint_eq(xstat("/f").st_mode, KS_IFREG | 06775);
	file_put(f);
	after = xstat("/f");
	ck_assert_int_gt(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_gt(after.st_ctim.tv_sec, before.st_ctim.tv_sec);
	as_user(1000, 1000);
	f = xopen("/f", KO_WRONLY, 0);
	ck_assert_int_eq(vfs_write(f, "", 0), 0);
	ck_assert_uint_eq(xstat("/f").st_mode, KS_IFREG | 06775);
	ck_assert_int_eq(vfs_write(f, "z", 1), 1);
	ck_assert_uint_eq(xstat("/f").st_mode, KS_IFREG | 0775);
	file_put(f);
}
END_TEST

VFS_TEST(test_vfs_append_writes_at_end)
{
	char buf[16];
	struct file *f;

	f = xopen("/log", KO_WRONLY | KO_CREAT | KO_APPEND, 0644);
	ck_assert_int_eq(vfs_write(f, "ab", 2), 2);
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_SET), 0);
	ck_assert_int_eq(vfs_write(f, "cd", 2), 2);
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_CUR), 4);
	ck_assert_int_eq(vfs_pwrite(f, "ef", 2, 0), 2);	/* Linux appends */
	file_put(f);
	get_file("/log", buf, sizeof(buf));
	ck_assert_str_eq(buf, "abcdef");
}
END_TEST

VFS_TEST(test_vfs_lseek_rules)
{
	char buf[200];
	struct file *f, *d;

	memset(buf, 'x', 100);
	buf[100] = '\0';
	put_file("/f", buf);
	f = xopen("/f", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_lseek(f, 10, KSEEK_SET), 10);
	ck_assert_int_eq(vfs_lseek(f, 5, KSEEK_CUR), 15);
	ck_assert_int_eq(vfs_lseek(f, -20, KSEEK_CUR), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_CUR), 15);
	ck_assert_int_eq(vfs_lseek(f, -1, KSEEK_END), 99);
	ck_assert_int_eq(vfs_lseek(f, 10, KSEEK_END), 110);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 0);
	ck_assert_int_eq(vfs_lseek(f, -1, KSEEK_SET), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, 0, 7), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, INT64_MAX, KSEEK_SET), INT64_MAX);
	ck_assert_int_eq(vfs_lseek(f, 1, KSEEK_CUR), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, 5, KSEEK_DATA), 5);
	ck_assert_int_eq(vfs_lseek(f, 100, KSEEK_DATA), -ENXIO);
	ck_assert_int_eq(vfs_lseek(f, 5, KSEEK_HOLE), 100);
	ck_assert_int_eq(vfs_lseek(f, -1, KSEEK_HOLE), -ENXIO);
	file_put(f);
	d = xopen("/", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_lseek(d, 0, KSEEK_END), -EINVAL);
	ck_assert_int_eq(vfs_lseek(d, 0, KSEEK_SET), 0);
	file_put(d);
}
END_TEST

VFS_TEST(test_vfs_truncate_up_down_sparse)
{
	char buf[16384];
	struct file *f;
	struct kstat st;

	put_file("/f", "0123456789");
	ck_assert_int_eq(vfs_truncate(NULL, "/f", 4), 0);
	ck_assert_uint_eq(get_file("/f", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "0123");
	ck_assert_int_eq(vfs_truncate(NULL, "/f", 10000), 0);
	ck_assert_uint_eq(get_file("/f", buf, sizeof(buf)), 10000);
	for (int i = 4; i < 10000; i++)
		ck_assert_int_eq(buf[i], 0);
	ck_assert_int_eq(vfs_truncate(NULL, "/f", 2), 0);
	ck_assert_int_eq(vfs_truncate(NULL, "/f", 10), 0);
	ck_assert_uint_eq(get_file("/f", buf, sizeof(buf)), 10);
	ck_assert_int_eq(memcmp(buf, "01\0\0\0\0\0\0\0\0", 10), 0);
	f = xopen("/f", KO_RDWR, 0);
	ck_assert_int_eq(vfs_pwrite(f, "X", 1, 1 << 20), 1);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_int_eq(st.st_size, (1 << 20) + 1);
	ck_assert_int_le(st.st_blocks, 3 * 8);
	ck_assert_int_eq(vfs_pread(f, buf, 8, (1 << 20) - 7), 8);
	ck_assert_int_eq(memcmp(buf, "\0\0\0\0\0\0\0X", 8), 0);
	ck_assert_int_eq(vfs_pread(f, buf, 4, 500000), 4);
	ck_assert_int_eq(memcmp(buf, "\0\0\0\0", 4), 0);
	ck_assert_int_eq(vfs_ftruncate(f, 0), 0);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(st.st_blocks, 0);
	file_put(f);
	ck_assert_int_eq(vfs_truncate(NULL, "/", 0), -EISDIR);
	ck_assert_int_eq(vfs_truncate(NULL, "/none", 0), -ENOENT);
	ck_assert_int_eq(vfs_truncate(NULL, "/f", (uint64_t)INT64_MAX + 1),
			 -EINVAL);
	ck_assert_int_eq(vfs_mknod(NULL, "/p", KS_IFIFO | 0644, 0), 0);
	ck_assert_int_eq(vfs_truncate(NULL, "/p", 0), -EINVAL);
}
END_TEST

VFS_TEST(test_vfs_truncate_times)
{
	struct kstat a, b;

	put_file("/f", "abc");
	a = xstat("/f");
	clock_advance(2);
	ck_assert_int_eq(vfs_truncate(NULL, "/f", 3), 0);	/* same size */
	b = xstat("/f");
	ck_assert_int_eq(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
	ck_assert_int_eq(vfs_truncate(NULL, "/f", 1), 0);
	b = xstat("/f");
	ck_assert_int_gt(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
	ck_assert_int_gt(b.st_ctim.tv_sec, a.st_ctim.tv_sec);
	clock_advance(2);
	ck_assert_int_eq(open_err("/f", KO_WRONLY | KO_TRUNC, 0), 0);
	ck_assert_int_eq(open_err("/f", KO_WRONLY | KO_TRUNC, 0), 0);
	a = xstat("/f");
	ck_assert_int_gt(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
}
END_TEST

/* Read every record of dir through a buffer of bufsize bytes. */
struct dirscan {
	int seen[1100];		/* by number of "f%04d" */
	int dots, calls, records;
	int64_t off_of_10th;
	char name_11th[32];
};

static void
scan_records(struct dirscan *ds, const char *buf, long n)
{
	const struct kdirent64 *d;
	int num;

	for (long pos = 0; pos < n; pos += d->d_reclen) {
		d = (const struct kdirent64 *)(buf + pos);
		ck_assert_int_eq(d->d_reclen % 8, 0);
		ck_assert_int_lt(strlen(d->d_name), d->d_reclen);
		ds->records++;
		if (ds->records == 10)
			ds->off_of_10th = d->d_off;
		if (ds->records == 11)
			snprintf(ds->name_11th, 32, "%s", d->d_name);
		if (ds->records <= 2) {
			ck_assert_str_eq(d->d_name,
					 ds->records == 1 ? "." : "..");
			ck_assert_int_eq(d->d_type, KDT_DIR);
			ds->dots++;
			continue;
		}
		ck_assert_int_eq(sscanf(d->d_name, "f%d", &num), 1);
		ck_assert_int_eq(d->d_type, KDT_REG);
		ds->seen[num]++;
	}
}

static void
scan_dir(struct file *f, struct dirscan *ds, size_t bufsize, int max_calls)
{
	char buf[512];
	long n;

	ck_assert_uint_le(bufsize, sizeof(buf));
	while (max_calls-- != 0 && (n = vfs_getdents64(f, buf, bufsize)) > 0) {
		ds->calls++;
		scan_records(ds, buf, n);
	}
}

static void
make_files(const char *dir, int from, int to)
{
	char path[64];

	for (int i = from; i < to; i++) {
		snprintf(path, sizeof(path), "%s/f%04d", dir, i);
		ck_assert_int_eq(open_err(path, KO_WRONLY | KO_CREAT, 0644), 0);
	}
}

VFS_TEST(test_vfs_getdents_1000_entries)
{
	static struct dirscan ds, again;
	char buf[512];
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(NULL, "/big", 0755), 0);
	make_files("/big", 0, 1000);
	f = xopen("/big", KO_RDONLY | KO_DIRECTORY, 0);
	ck_assert_int_eq(vfs_getdents64(f, buf, 16), -EINVAL);
	scan_dir(f, &ds, 200, -1);
	ck_assert_int_eq(ds.dots, 2);
	ck_assert_int_gt(ds.calls, 100);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(ds.seen[i], 1);
	ck_assert_int_eq(vfs_getdents64(f, buf, sizeof(buf)), 0);
	/* Rewind, and seek to the 10th record's d_off: the 11th follows. */
	ck_assert_int_eq(vfs_lseek(f, 0, KSEEK_SET), 0);
	scan_dir(f, &again, sizeof(buf), 1);
	ck_assert_int_eq(vfs_lseek(f, ds.off_of_10th, KSEEK_SET),
			 ds.off_of_10th);
	memset(&again, 0, sizeof(again));
	again.records = 10;
	scan_dir(f, &again, 64, 1);
	ck_assert_str_eq(again.name_11th, ds.name_11th);
	file_put(f);
}
END_TEST

VFS_TEST(test_vfs_getdents_stable_across_unlinks)
{
	static struct dirscan ds;
	char path[64];
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(NULL, "/d", 0755), 0);
	make_files("/d", 0, 100);
	f = xopen("/d", KO_RDONLY, 0);
	scan_dir(f, &ds, 256, 3);
	ck_assert_int_gt(ds.records, 2);
	/* Remove every odd entry, read or not, and add new ones. */
	for (int i = 1; i < 100; i += 2) {
		snprintf(path, sizeof(path), "/d/f%04d", i);
		ck_assert_int_eq(vfs_unlink(NULL, path), 0);
	}
	make_files("/d", 1000, 1010);
	scan_dir(f, &ds, 256, -1);
	for (int i = 0; i < 100; i += 2)
		ck_assert_int_eq(ds.seen[i], 1);
	for (int i = 1; i < 100; i += 2)
		ck_assert_int_le(ds.seen[i], 1);
	for (int i = 1000; i < 1010; i++)
		ck_assert_int_eq(ds.seen[i], 1);
	file_put(f);
	ck_assert_int_eq(vfs_rmdir(NULL, "/d"), -ENOTEMPTY);
}
END_TEST

VFS_TEST(test_vfs_getdents_removed_directory)
{
	char buf[256];
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(NULL, "/gone", 0755), 0);
	f = xopen("/gone", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_rmdir(NULL, "/gone"), 0);
	ck_assert_int_eq(vfs_getdents64(f, buf, sizeof(buf)), -ENOENT);
	file_put(f);
	f = xopen("/", KO_RDONLY, 0);
	ck_assert_int_gt(vfs_getdents64(f, buf, sizeof(buf)), 0);
	file_put(f);
	put_file("/f", "x");
	f = xopen("/f", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_getdents64(f, buf, sizeof(buf)), -ENOTDIR);
	file_put(f);
}
END_TEST

VFS_TEST(test_vfs_tmpfs_size_enospc)
{
	static char block[65536 + 4096];
	struct kstatfs st;
	struct file *f, *g;

	ck_assert_int_eq(vfs_mkdir(NULL, "/s", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/s", "tmpfs", 0, "size=64k"), 0);
	ck_assert_int_eq(vfs_statfs(NULL, "/s", &st), 0);
	ck_assert_int_eq(st.f_type, KTMPFS_MAGIC);
	ck_assert_int_eq(st.f_bsize, 4096);
	ck_assert_uint_eq(st.f_blocks, 16);
	ck_assert_uint_eq(st.f_bfree, 16);
	/* Holes take no space, not even once read. */
	ck_assert_int_eq(vfs_mknod(NULL, "/s/sparse", 0644, 0), 0);
	ck_assert_int_eq(vfs_truncate(NULL, "/s/sparse", 1 << 20), 0);
	f = xopen("/s/sparse", KO_RDONLY, 0);
	ck_assert_int_eq(vfs_read(f, block, sizeof(block)), sizeof(block));
	file_put(f);
	ck_assert_int_eq(vfs_statfs(NULL, "/s", &st), 0);
	ck_assert_uint_eq(st.f_bfree, 16);
	ck_assert_int_eq(xstat("/s/sparse").st_blocks, 0);
	f = xopen("/s/f", KO_RDWR | KO_CREAT, 0644);
	ck_assert_int_eq(vfs_write(f, block, 65536), 65536);
	ck_assert_int_eq(vfs_write(f, block, 1), -ENOSPC);
	ck_assert_int_eq(vfs_statfs(NULL, "/s", &st), 0);
	ck_assert_uint_eq(st.f_bfree, 0);
	ck_assert_uint_eq(st.f_bavail, 0);
	ck_assert_int_eq(vfs_pwrite(f, block, 4096, 0), 4096);
	ck_assert_int_eq(xstat("/s/f").st_size, 65536);
	g = xopen("/s/g", KO_RDWR | KO_CREAT, 0644);
	ck_assert_int_eq(vfs_write(g, block, 10), -ENOSPC);
	ck_assert_int_eq(vfs_ftruncate(f, 32768), 0);
	ck_assert_int_eq(vfs_statfs(NULL, "/s", &st), 0);
	ck_assert_uint_eq(st.f_bfree, 8);
	ck_assert_int_eq(vfs_write(g, block, 32768 + 100), 32768);
	ck_assert_int_eq(vfs_write(g, block, 100), -ENOSPC);
	file_put(g);
	ck_assert_int_eq(vfs_unlink(NULL, "/s/g"), 0);
	ck_assert_int_eq(vfs_statfs(NULL, "/s", &st), 0);
	ck_assert_uint_eq(st.f_bfree, 8);
	file_put(f);
	ck_assert_int_eq(vfs_umount("/s", 0), 0);
}
END_TEST

VFS_TEST(test_vfs_tmpfs_options)
{
	struct kstatfs st;
	struct kstat s;

	ck_assert_int_eq(vfs_mkdir(NULL, "/t", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/t", "tmpfs", 0, "size=12x"),
			 -EINVAL);
	ck_assert_int_eq(vfs_mount("tmpfs", "/t", "tmpfs", 0, "bogus=1"),
			 -EINVAL);
	ck_assert_int_eq(vfs_mount("tmpfs", "/t", "tmpfs", 0, "mode=8"),
			 -EINVAL);
	ck_assert_int_eq(vfs_mount("tmpfs", "/t", "tmpfs", 0,
				   "size=1m,mode=0700,uid=5,gid=6,nr_inodes=3"),
			 0);
	s = xstat("/t");
	ck_assert_uint_eq(s.st_mode, KS_IFDIR | 0700);
	ck_assert_uint_eq(s.st_uid, 5);
	ck_assert_uint_eq(s.st_gid, 6);
	ck_assert_int_eq(vfs_statfs(NULL, "/t", &st), 0);
	ck_assert_uint_eq(st.f_blocks, 256);
	ck_assert_uint_eq(st.f_files, 3);
	ck_assert_uint_eq(st.f_ffree, 2);
	ck_assert_int_eq(st.f_namelen, 255);
	put_file("/t/a", "a");
	ck_assert_int_eq(vfs_mkdir(NULL, "/t/b", 0755), 0);
	ck_assert_int_eq(open_err("/t/c", KO_WRONLY | KO_CREAT, 0644),
			 -ENOSPC);
	ck_assert_int_eq(vfs_symlink("a", NULL, "/t/d"), -ENOSPC);
	ck_assert_int_eq(vfs_unlink(NULL, "/t/a"), 0);
	ck_assert_int_eq(vfs_symlink("a", NULL, "/t/d"), 0);
	ck_assert_int_eq(vfs_umount("/t", 0), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/t", "tmpfs", 0, "size=50%"), 0);
	ck_assert_int_eq(vfs_statfs(NULL, "/t", &st), 0);
	ck_assert_uint_eq(st.f_blocks, 64 * 1024 * 1024 / 4096 / 2);
}
END_TEST

VFS_TEST(test_vfs_stat_fields)
{
	static char data[5000];
	struct kstatfs sfs;
	struct kstat root, a, b;
	struct file *f;

	root = xstat("/");
	ck_assert_uint_eq(root.st_mode, KS_IFDIR | 01777);
	ck_assert_int_eq(root.st_blksize, 4096);
	ck_assert_uint_eq(root.st_dev, KMKDEV(0, 1));
	f = xopen("/a", KO_WRONLY | KO_CREAT, 0640);
	ck_assert_int_eq(vfs_write(f, data, sizeof(data)), 5000);
	file_put(f);
	put_file("/b", "");
	a = xstat("/a");
	b = xstat("/b");
	ck_assert_uint_ne(a.st_ino, b.st_ino);
	ck_assert_uint_eq(a.st_dev, root.st_dev);
	ck_assert_int_eq(a.st_size, 5000);
	ck_assert_int_eq(a.st_blocks, 16);
	ck_assert_int_eq(b.st_blocks, 0);
	ck_assert_uint_eq(a.st_nlink, 1);
	ck_assert_uint_eq(a.st_uid, 0);
	ck_assert_uint_eq(a.st_mode, KS_IFREG | 0640);
	ck_assert_int_ge(a.st_mtim.tv_sec, 1700000000 + 1);
	ck_assert_int_eq(a.st_mtim.tv_sec, a.st_ctim.tv_sec);
	ck_assert_int_eq(vfs_statfs(NULL, "/a", &sfs), 0);
	ck_assert_int_eq(sfs.f_type, KTMPFS_MAGIC);
	ck_assert_int_eq(sfs.f_bsize, 4096);
	ck_assert_int_eq(sfs.f_namelen, 255);
	ck_assert_int_eq(sfs.f_flags & 1, 0);
	f = xopen("/a", KO_PATH, 0);
	ck_assert_int_eq(vfs_fstatfs(f, &sfs), 0);
	ck_assert_int_eq(sfs.f_type, KTMPFS_MAGIC);
	file_put(f);
}
END_TEST

TCase *
vfs_tcase_files(void)
{
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_vfs_open_flag_errors);
	tcase_add_test(tc, test_vfs_read_write_roundtrip);
	tcase_add_test(tc, test_vfs_write_times_and_suid);
	tcase_add_test(tc, test_vfs_append_writes_at_end);
	tcase_add_test(tc, test_vfs_lseek_rules);
	tcase_add_test(tc, test_vfs_truncate_up_down_sparse);
	tcase_add_test(tc, test_vfs_truncate_times);
	tcase_add_test(tc, test_vfs_getdents_1000_entries);
	tcase_add_test(tc, test_vfs_getdents_stable_across_unlinks);
	tcase_add_test(tc, test_vfs_getdents_removed_directory);
	tcase_add_test(tc, test_vfs_tmpfs_size_enospc);
	tcase_add_test(tc, test_vfs_tmpfs_options);
	tcase_add_test(tc, test_vfs_stat_fields);
	return tc;
}
