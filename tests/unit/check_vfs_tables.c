/*
 * The VFS suite, tables and caches: fd tables (lowest free fd, dup2,
 * close-on-exec, fork copies, limits), the inode cache (one read for
 * concurrent igets, failed reads, eviction, the LRU), the dentry cache
 * past its limit, and shutdown.  A small fake filesystem ("slowfs")
 * whose reads sleep drives the inode cache.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "core/errno.h"
#include "core/slab.h"
#include "core/timer.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "tests/unit/vfs_test.h"

/* ---- fd tables ---- */

VFS_TEST(test_vfs_fdtable_lowest_free)
{
	struct fdtable *t;
	struct file *f, *g;

	put_file("/x", "x");
	f = xopen("/x", KO_RDONLY, 0);
	ck_assert_int_eq(fdtable_create(&t), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(fdtable_alloc(t, f, 0, false), i);
	ck_assert_int_eq(f->refcount, 4);
	ck_assert_int_eq(fdtable_close(t, 1), 0);
	ck_assert_int_eq(fdtable_alloc(t, f, 0, false), 1);
	ck_assert_int_eq(fdtable_alloc(t, f, 10, false), 10);
	ck_assert_int_eq(fdtable_alloc(t, f, 0, false), 3);
	ck_assert_int_eq(fdtable_alloc(t, f, 10, false), 11);
	ck_assert_int_eq(fdtable_file(t, 10, &g), 0);
	ck_assert_ptr_eq(g, f);
	file_put(g);
	ck_assert_int_eq(fdtable_file(t, 7, &g), -EBADF);
	ck_assert_int_eq(fdtable_file(t, -1, &g), -EBADF);
	ck_assert_int_eq(fdtable_file(t, 100000, &g), -EBADF);
	ck_assert_int_eq(fdtable_close(t, 7), -EBADF);
	ck_assert_int_eq(fdtable_close(t, -3), -EBADF);
	ck_assert_int_eq(fdtable_alloc(t, f, 1024, false), -EINVAL);
	fdtable_put(t);
	ck_assert_int_eq(f->refcount, 1);
	file_put(f);
}
END_TEST

VFS_TEST(test_vfs_fdtable_dup2_and_cloexec)
{
	struct fdtable *t;
	struct file *f, *g;

	put_file("/x", "x");
	f = xopen("/x", KO_RDONLY, 0);
	g = xopen("/x", KO_RDONLY, 0);
	ck_assert_int_eq(fdtable_create(&t), 0);
	ck_assert_int_eq(fdtable_alloc(t, f, 0, false), 0);
	ck_assert_int_eq(fdtable_alloc(t, g, 0, true), 1);
	ck_assert_int_eq(fdtable_get_cloexec(t, 1), 1);
	ck_assert_int_eq(fdtable_get_cloexec(t, 0), 0);
	ck_assert_int_eq(fdtable_dup2(t, 0, 5, true), 5);
	ck_assert_int_eq(fdtable_get_cloexec(t, 5), 1);
	ck_assert_int_eq(fdtable_dup2(t, 0, 0, true), 0);
	ck_assert_int_eq(fdtable_get_cloexec(t, 0), 0);
	ck_assert_int_eq(fdtable_dup2(t, 9, 4, false), -EBADF);
	ck_assert_int_eq(fdtable_dup2(t, 0, 1024, false), -EBADF);
	ck_assert_int_eq(fdtable_dup2(t, 0, -1, false), -EBADF);
	/* dup2 onto an open fd closes what it held. */
	ck_assert_int_eq(g->refcount, 2);
	ck_assert_int_eq(fdtable_dup2(t, 0, 1, false), 1);
	ck_assert_int_eq(g->refcount, 1);
	ck_assert_int_eq(fdtable_get_cloexec(t, 1), 0);
	ck_assert_int_eq(fdtable_dup2(t, 0, 700, false), 700);
	ck_assert_int_eq(fdtable_alloc(t, g, 0, false), 2);
	ck_assert_int_eq(fdtable_set_cloexec(t, 2, true), 0);
	ck_assert_int_eq(fdtable_set_cloexec(t, 3, true), -EBADF);
	ck_assert_int_eq(fdtable_get_cloexec(t, 3), -EBADF);
	fdtable_close_on_exec(t);
	ck_assert_int_eq(fdtable_get_cloexec(t, 2), -EBADF);
	ck_assert_int_eq(fdtable_get_cloexec(t, 5), -EBADF);
	ck_assert_int_eq(fdtable_get_cloexec(t, 700), 0);
	ck_assert_int_eq(g->refcount, 1);
	ck_assert_int_eq(f->refcount, 4);	/* 0, 1, 700 and ours */
	fdtable_close_all(t);
	ck_assert_int_eq(f->refcount, 1);
	ck_assert_int_eq(fdtable_alloc(t, f, 0, false), 0);
	fdtable_put(t);
	file_put(f);
	file_put(g);
}
END_TEST

VFS_TEST(test_vfs_fdtable_fork_copy_and_limit)
{
	struct fdtable *t, *c;
	struct file *f, *got;
	int fd;

	put_file("/x", "x");
	f = xopen("/x", KO_RDONLY, 0);
	ck_assert_int_eq(fdtable_create(&t), 0);
	ck_assert_int_eq(fdtable_alloc(t, f, 0, false), 0);
	ck_assert_int_eq(fdtable_alloc(t, f, 3, true), 3);
	ck_assert_int_eq(fdtable_copy(t, &c), 0);
	ck_assert_int_eq(f->refcount, 5);
	ck_assert_int_eq(fdtable_get_cloexec(c, 3), 1);
	ck_assert_int_eq(fdtable_file(c, 0, &got), 0);
	ck_assert_ptr_eq(got, f);
	file_put(got);
	ck_assert_int_eq(fdtable_close(c, 0), 0);
	ck_assert_int_eq(fdtable_file(t, 0, &got), 0);
	file_put(got);
	ck_assert_int_eq(fdtable_alloc(c, f, 0, false), 0);
	fdtable_get(c);
	fdtable_put(c);
	fdtable_put(c);
	ck_assert_int_eq(f->refcount, 3);
	/* Limits: EMFILE when full, growth far past the first array. */
	ck_assert_int_eq(fdtable_set_limit(t, 6), 0);
	ck_assert_uint_eq(fdtable_limit(t), 6);
	while ((fd = fdtable_alloc(t, f, 0, false)) >= 0)
		ck_assert_int_lt(fd, 6);
	ck_assert_int_eq(fd, -EMFILE);
	ck_assert_int_eq(fdtable_alloc(t, f, 6, false), -EINVAL);
	ck_assert_int_eq(fdtable_set_limit(t, FDTABLE_MAX_LIMIT + 1), -EPERM);
	ck_assert_int_eq(fdtable_set_limit(t, 5000), 0);
	for (int i = 6; i < 3000; i++)
		ck_assert_int_eq(fdtable_alloc(t, f, 0, i % 2), i);
	ck_assert_int_eq(fdtable_get_cloexec(t, 2999), 1);
	ck_assert_int_eq(f->refcount, 3001);
	fdtable_put(t);
	ck_assert_int_eq(f->refcount, 1);
	file_put(f);
}
END_TEST

/* ---- the inode cache, through a filesystem whose reads sleep ---- */

static int slow_reads, slow_evicts, slow_frees, slow_allocs;
static bool slow_sleep;

static int
slow_lookup(struct inode *dir, const char *name, size_t len,
	    struct inode **out)
{
	(void)dir;
	(void)name;
	(void)len;
	(void)out;
	return -ENOENT;
}

static const struct inode_ops slow_iops = {
	.lookup = slow_lookup,
};

static struct inode *
slow_alloc(struct super_block *sb)
{
	(void)sb;
	slow_allocs++;
	return kzalloc(sizeof(struct inode));
}

static void
slow_free(struct inode *inode)
{
	slow_frees++;
	kfree(inode);
}

static int
slow_read(struct inode *inode)
{
	slow_reads++;
	if (slow_sleep)
		msleep(5);
	if (inode->ino == 666)
		return -EIO;
	inode->mode = inode->ino == 1 ? KS_IFDIR | 0755 : KS_IFREG | 0644;
	inode->nlink = inode->ino == 1 ? 2 : 1;
	inode->iops = &slow_iops;
	return 0;
}

static void
slow_evict(struct inode *inode)
{
	(void)inode;
	slow_evicts++;
}

static const struct super_ops slow_ops = {
	.alloc_inode = slow_alloc,
	.free_inode = slow_free,
	.read_inode = slow_read,
	.evict_inode = slow_evict,
};

static int
slow_fill(struct super_block *sb, const char *options)
{
	(void)options;
	sb->ops = &slow_ops;
	sb->block_size = 1024;
	return iget(sb, 1, &sb->root);
}

static struct fs_type slow_type = {
	.name = "slowfs",
	.fill_super = slow_fill,
};

static struct super_block *
slow_mount(void)
{
	struct super_block *sb;
	struct vpath p;

	slow_reads = slow_evicts = slow_frees = slow_allocs = 0;
	ck_assert_int_eq(vfs_register_fs(&slow_type), 0);
	ck_assert_int_eq(vfs_register_fs(&slow_type), -EBUSY);
	ck_assert_int_eq(vfs_mkdir(NULL, "/slow", 0755), 0);
	ck_assert_int_eq(vfs_mount("none", "/slow", "slowfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_lookup(NULL, "/slow", 0, &p), 0);
	sb = p.mnt->sb;
	vpath_put(&p);
	return sb;
}

struct iget_job {
	struct super_block *sb;
	uint64_t ino;
	struct inode *inode;
	int err;
	bool done;
};

static int
iget_thread(void *arg)
{
	struct iget_job *job = arg;

	job->err = iget(job->sb, job->ino, &job->inode);
	job->done = true;
	vfs_spawn_done();
	return 0;
}

/* iget ino of sb from two threads at once. */
static void
iget_twice(struct super_block *sb, uint64_t ino, struct iget_job jobs[2])
{
	for (int i = 0; i < 2; i++) {
		jobs[i] = (struct iget_job){ .sb = sb, .ino = ino };
		vfs_spawn(iget_thread, &jobs[i]);
	}
	while (!jobs[0].done || !jobs[1].done)
		msleep(1);
}

VFS_TEST(test_vfs_iget_waits_for_new_inode)
{
	struct super_block *sb = slow_mount();
	struct iget_job jobs[2];
	struct inode *inode;

	slow_sleep = true;
	slow_reads = 0;
	iget_twice(sb, 5, jobs);
	ck_assert_int_eq(jobs[0].err, 0);
	ck_assert_int_eq(jobs[1].err, 0);
	ck_assert_ptr_eq(jobs[0].inode, jobs[1].inode);
	ck_assert_int_eq(slow_reads, 1);
	ck_assert_int_eq(jobs[0].inode->refcount, 2);
	iput(jobs[0].inode);
	iput(jobs[1].inode);
	ck_assert_int_eq(iget(sb, 5, &inode), 0);	/* from the LRU */
	ck_assert_ptr_eq(inode, jobs[0].inode);
	ck_assert_int_eq(slow_reads, 1);
	iput(inode);
	/* A failed read fails every waiter and leaves nothing cached. */
	iget_twice(sb, 666, jobs);
	ck_assert_int_eq(jobs[0].err, -EIO);
	ck_assert_int_eq(jobs[1].err, -EIO);
	ck_assert_int_eq(slow_allocs - slow_frees, 2);	/* root and 5 */
}
END_TEST

VFS_TEST(test_vfs_iput_evicts_unlinked_and_prunes)
{
	struct super_block *sb = slow_mount();
	struct inode *inode;
	int reads;

	slow_sleep = false;
	ck_assert_int_eq(iget(sb, 7, &inode), 0);
	inode->nlink = 0;
	iput(inode);
	ck_assert_int_eq(slow_evicts, 1);
	ck_assert_int_eq(slow_allocs - slow_frees, 1);
	for (uint64_t ino = 1000; ino < 4000; ino++) {
		ck_assert_int_eq(iget(sb, ino, &inode), 0);
		iput(inode);
	}
	ck_assert_int_gt(slow_frees, 900);
	reads = slow_reads;
	ck_assert_int_eq(iget(sb, 3999, &inode), 0);	/* still cached */
	iput(inode);
	ck_assert_int_eq(slow_reads, reads);
	ck_assert_int_eq(iget(sb, 1000, &inode), 0);	/* pruned */
	iput(inode);
	ck_assert_int_eq(slow_reads, reads + 1);
	ck_assert_int_eq(slow_evicts, 1);
	ck_assert_int_eq(vfs_umount("/slow", 0), 0);
	ck_assert_int_eq(slow_allocs, slow_frees);
}
END_TEST

/* ---- the dentry cache past its limit ---- */

VFS_TEST(test_vfs_dcache_prune_keeps_names)
{
	char path[64];
	struct kstat st;

	/* More names than the dcache keeps (and than the default inodes). */
	ck_assert_int_eq(vfs_mkdir(NULL, "/big", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/big", "tmpfs", 0, "nr_inodes=0"),
			 0);
	for (int d = 0; d < 10; d++) {
		snprintf(path, sizeof(path), "/big/d%d", d);
		ck_assert_int_eq(vfs_mkdir(NULL, path, 0755), 0);
		for (int i = 0; i < 1000; i++) {
			snprintf(path, sizeof(path), "/big/d%d/f%d", d, i);
			ck_assert_int_eq(vfs_mknod(NULL, path, 0644, 0), 0);
		}
	}
	for (int d = 0; d < 10; d++) {
		for (int i = 0; i < 1000; i += 7) {
			snprintf(path, sizeof(path), "/big/d%d/f%d", d, i);
			ck_assert_int_eq(vfs_stat(NULL, path, 0, &st), 0);
			snprintf(path, sizeof(path), "/big/d%d/g%d", d, i);
			ck_assert_int_eq(vfs_stat(NULL, path, 0, &st), -ENOENT);
		}
	}
	ck_assert_int_eq(vfs_unlink(NULL, "/big/d0/f0"), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/big/d0/f0", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_rename(NULL, "/big/d9", NULL, "/big/d0/moved", 0),
			 0);
	ck_assert_int_eq(vfs_stat(NULL, "/big/d0/moved/f999", 0, &st), 0);
	ck_assert_int_eq(vfs_umount("/big", 0), 0);
}
END_TEST

/* ---- mounts as a whole ---- */

static void
count_sb(struct super_block *sb, void *arg)
{
	(void)sb;
	(*(int *)arg)++;
}

VFS_TEST(test_vfs_shutdown_unmounts_all)
{
	struct kstat st;
	int n = 0;

	ck_assert_int_eq(vfs_mkdir(NULL, "/a", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/a", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_mkdir(NULL, "/a/b", 0755), 0);
	ck_assert_int_eq(vfs_mount("tmpfs", "/a/b", "tmpfs", 0, NULL), 0);
	put_file("/a/b/f", "f");
	vfs_for_each_sb(count_sb, &n);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(vfs_chdir("/a/b"), 0);
	vfs_shutdown();
	n = 0;
	vfs_for_each_sb(count_sb, &n);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(vfs_stat(NULL, "/", 0, &st), -ENOENT);
	ck_assert_int_eq(vfs_mount("tmpfs", NULL, "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_stat(NULL, "/a", 0, &st), -ENOENT);
}
END_TEST

TCase *
vfs_tcase_tables(void)
{
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_vfs_fdtable_lowest_free);
	tcase_add_test(tc, test_vfs_fdtable_dup2_and_cloexec);
	tcase_add_test(tc, test_vfs_fdtable_fork_copy_and_limit);
	tcase_add_test(tc, test_vfs_iget_waits_for_new_inode);
	tcase_add_test(tc, test_vfs_iput_evicts_unlinked_and_prunes);
	tcase_add_test(tc, test_vfs_dcache_prune_keeps_names);
	tcase_add_test(tc, test_vfs_shutdown_unmounts_all);
	return tc;
}
