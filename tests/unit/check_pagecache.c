/*
 * The page cache, the buffer cache and write-back on the fake machine,
 * against a fake disk backed by a temporary host file (the real block
 * layer in between).  The VFS core is not linked: each test builds a
 * super block and inodes by hand, with page_cache_ops that map page i of
 * an inode to the disk bytes at its disk_off + i * PAGE_SIZE (a page is a
 * block), and this file provides the few VFS functions write-back calls
 * (iget_ref, iput, vfs_for_each_sb).  Test bodies sleep, so they run in
 * kernel threads; the test's main context idles, jumping the fake clock
 * to the next timer whenever every thread sleeps.  Data is checked by
 * reading the host file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/errno.h"
#include "core/kthread.h"
#include "core/mutex.h"
#include "core/page.h"
#include "core/sched.h"
#include "core/timer.h"
#include "drivers/blk.h"
#include "fs/buffer.h"
#include "fs/pagecache.h"
#include "fs/radix_tree.h"
#include "fs/vfs.h"
#include "fs/writeback.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"

#define MEM_SIZE	(32 * MIB)
#define DISK_SIZE	(8 * MIB)
#define MAX_SBS		4
#define MAX_JOBS	4
#define MAX_LOG		64

/* An inode of the test filesystem. */
struct tinode {
	struct inode inode;
	uint64_t disk_off;		/* where page 0 lives on the disk */
};

static int disk_fd;			/* the disk's host file, for checks */
static struct block_device *bdev;
static struct super_block sb, sb2;
static struct super_block *sbs[MAX_SBS];
static int nsbs;
static uint64_t next_ino;

static int nr_readpage, nr_writepage, nr_written, nr_write_inode, nr_sync_fs;
static bool fail_readpage, fail_writepage, fail_write_inode, last_sync_wait;
static uint64_t wp_index[MAX_LOG];	/* writepage calls: index, len */
static size_t wp_len[MAX_LOG];
static unsigned int readpage_delay_ms, writepage_delay_ms;

/* ---- the VFS functions write-back needs ---- */

void
iget_ref(struct inode *inode)
{
	inode->refcount++;
}

void
iput(struct inode *inode)
{
	ck_assert_int_gt(inode->refcount, 0);
	inode->refcount--;
}

void
vfs_for_each_sb(void (*fn)(struct super_block *sb, void *arg), void *arg)
{
	for (int i = 0; i < nsbs; i++)
		fn(sbs[i], arg);
}

/* ---- the test filesystem ---- */

static uint64_t
disk_pos(struct inode *inode, uint64_t index)
{
	return container_of(inode, struct tinode, inode)->disk_off +
	       index * PAGE_SIZE;
}

static int
disk_readpage(struct inode *inode, uint64_t index, void *page)
{
	nr_readpage++;
	if (readpage_delay_ms)
		msleep(readpage_delay_ms);
	if (fail_readpage)
		return -EIO;
	return blk_rw_sync(bdev, BIO_READ, disk_pos(inode, index) / 512,
			   page, PAGE_SIZE, 0);
}

static void
log_writepage(uint64_t index, size_t len)
{
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_le(len, PAGE_SIZE);
	if (nr_writepage < MAX_LOG) {
		wp_index[nr_writepage] = index;
		wp_len[nr_writepage] = len;
	}
	nr_writepage++;
}

/* A page is a block here: write all of it, as a filesystem writes the
 * blocks that hold the valid bytes. */
static int
disk_writepage(struct inode *inode, uint64_t index, const void *page,
	       size_t len)
{
	int err;

	log_writepage(index, len);
	if (writepage_delay_ms)
		msleep(writepage_delay_ms);
	if (fail_writepage)
		return -EIO;
	err = blk_rw_sync(bdev, BIO_WRITE, disk_pos(inode, index) / 512,
			  (void *)page, PAGE_SIZE, 0);
	nr_written += err == 0;
	return err;
}

static const struct page_cache_ops disk_pcops = {
	.readpage = disk_readpage,
	.writepage = disk_writepage,
};

/* A file whose backing store is nowhere: holes read as zeros, writes are
 * only counted (sparse files, throttling). */
static int
mem_readpage(struct inode *inode, uint64_t index, void *page)
{
	(void)inode;
	(void)index;
	nr_readpage++;
	memset(page, 0, PAGE_SIZE);
	return 0;
}

static int
mem_writepage(struct inode *inode, uint64_t index, const void *page,
	      size_t len)
{
	(void)inode;
	(void)page;
	log_writepage(index, len);
	return 0;
}

static const struct page_cache_ops mem_pcops = {
	.readpage = mem_readpage,
	.writepage = mem_writepage,
};

/* On the disk, with blocks to prepare: -ENOSPC for any range reaching
 * past prep_limit.  Records the reads done by the time of each call. */
static uint64_t prep_limit;
static int nr_prepare, prep_reads_seen;

static int
prep_prepare_write(struct inode *inode, uint64_t pos, size_t len)
{
	(void)inode;
	nr_prepare++;
	prep_reads_seen = nr_readpage;
	ck_assert_uint_le((pos & (PAGE_SIZE - 1)) + len, PAGE_SIZE);
	return pos + len > prep_limit ? -ENOSPC : 0;
}

static const struct page_cache_ops prep_pcops = {
	.readpage = disk_readpage,
	.writepage = disk_writepage,
	.prepare_write = prep_prepare_write,
};

/* tmpfs-like: no writepage, pages stay dirty. */
static const struct page_cache_ops nowb_pcops = {
	.readpage = mem_readpage,
};

static int
test_write_inode(struct inode *inode)
{
	(void)inode;
	nr_write_inode++;
	return fail_write_inode ? -EIO : 0;
}

static int
test_sync_fs(struct super_block *s, bool wait)
{
	(void)s;
	nr_sync_fs++;
	last_sync_wait = wait;
	return 0;
}

static const struct super_ops test_sops = {
	.write_inode = test_write_inode,
	.sync_fs = test_sync_fs,
};

static void
sb_setup(struct super_block *s, struct block_device *dev)
{
	memset(s, 0, sizeof(*s));
	s->ops = &test_sops;
	s->bdev = dev;
	mutex_init(&s->lock, "sb");
	list_init(&s->inodes);
	list_init(&s->dirty);
	sbs[nsbs++] = s;
}

static struct inode *
make_inode(struct super_block *s, const struct page_cache_ops *ops,
	   uint64_t disk_off, uint64_t size)
{
	struct tinode *ti = calloc(1, sizeof(*ti));
	struct inode *inode = &ti->inode;

	ck_assert_ptr_nonnull(ti);
	ti->disk_off = disk_off;
	inode->sb = s;
	inode->ino = ++next_ino;
	inode->mode = KS_IFREG | 0644;
	inode->size = size;
	inode->refcount = 1;
	inode->pcops = ops;
	mutex_init(&inode->lock, "inode");
	list_init(&inode->dirty_node);
	list_init(&inode->hash_node);
	list_add_tail(&inode->sb_node, &s->inodes);
	ck_assert_int_eq(pagecache_inode_init(inode), 0);
	return inode;
}

static void
mark_inode_dirty(struct inode *inode)
{
	inode->state |= I_DIRTY;
	list_add_tail(&inode->dirty_node, &inode->sb->dirty);
}

/* ---- helpers ---- */

static void
pattern(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 29 + i * 13 + (i >> 9) + 1);
}

static void
host_read(uint64_t off, void *buf, size_t len)
{
	ck_assert_int_eq(pread(disk_fd, buf, len, (off_t)off), (ssize_t)len);
}

static void
host_write(uint64_t off, const void *buf, size_t len)
{
	ck_assert_int_eq(pwrite(disk_fd, buf, len, (off_t)off), (ssize_t)len);
}

/* Does the host file hold len bytes of pattern seed at off? */
static bool
host_has(uint64_t off, size_t len, unsigned int seed)
{
	char *want = malloc(len), *got = malloc(len);
	bool same;

	pattern(want, len, seed);
	host_read(off, got, len);
	same = memcmp(want, got, len) == 0;
	free(want);
	free(got);
	return same;
}

static bool
all_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static long
locked_write(struct inode *inode, const void *buf, size_t len, uint64_t pos)
{
	long n;

	mutex_lock(&inode->lock);
	n = pagecache_write(inode, buf, len, pos);
	mutex_unlock(&inode->lock);
	return n;
}

static int
locked_writeback(struct inode *inode, uint64_t older)
{
	int err;

	mutex_lock(&inode->lock);
	err = pagecache_writeback(inode, older);
	mutex_unlock(&inode->lock);
	return err;
}

static struct disk_stats
stats(void)
{
	struct disk_stats st;

	blk_get_stats(bdev, &st);
	return st;
}

/* ---- running kernel threads ---- */

struct job {
	void (*fn)(long arg);
	long arg;
};

static int alive;

static int
job_main(void *arg)
{
	struct job *j = arg;

	j->fn(j->arg);
	alive--;
	return 0;
}

/* Run the jobs in kernel threads, idling until every one has returned. */
static void
run_jobs(struct job *jobs, int n)
{
	struct task *t[MAX_JOBS];

	alive = n;
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(kthread_create(&t[i], job_main, &jobs[i],
						"job%d", i), 0);
	fake_idle_until(&alive);
	for (int i = 0; i < n; i++)
		kthread_join(t[i]);
}

static void
run_body(void (*fn)(long arg))
{
	struct job j = { fn, 0 };

	run_jobs(&j, 1);
}

/* ---- fixture ---- */

static void
setup(void)
{
	char path[] = "/tmp/check_pagecache.XXXXXX";

	fake_boot(MEM_SIZE);
	ck_assert_int_eq(pagecache_init(), 0);
	ck_assert_int_eq(buffer_init(), 0);
	disk_fd = mkstemp(path);
	ck_assert_int_ge(disk_fd, 0);
	ck_assert_int_eq(ftruncate(disk_fd, DISK_SIZE), 0);
	ck_assert_int_eq(fake_disk_open(path, "ubda", false, &bdev), 0);
	unlink(path);
	nsbs = 0;
	sb_setup(&sb, bdev);
	nr_readpage = nr_writepage = nr_written = 0;
	nr_write_inode = nr_sync_fs = 0;
	nr_prepare = prep_reads_seen = 0;
	prep_limit = UINT64_MAX;
	fail_readpage = fail_writepage = fail_write_inode = false;
	readpage_delay_ms = writepage_delay_ms = 0;
}

static void
teardown(void)
{
	fake_disk_close(bdev);
	close(disk_fd);
}

/* ---- the radix tree ---- */

#define NR_KEYS	3000

static uint64_t keys[NR_KEYS];

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Distinct keys, sorted: small, mid-sized and up to 2^64 - 1. */
static void
make_keys(void)
{
	unit_rng_seed(42);
	for (int i = 0; i < NR_KEYS; i++) {
		uint64_t r = unit_rng();

		keys[i] = i % 3 == 0 ? r % 500 : i % 3 == 1 ? r >> 20 : r;
		keys[i] = keys[i] * NR_KEYS + (uint64_t)i % NR_KEYS;
	}
	keys[0] = UINT64_MAX;
	qsort(keys, NR_KEYS, sizeof(keys[0]), cmp_u64);
}

static void *
item_of(uint64_t key)
{
	return (void *)(uintptr_t)((key << 3) | 1);
}

static void
tree_insert(struct radix_tree *t, uint64_t key)
{
	struct radix_node *spare = NULL;
	int err;

	while ((err = radix_tree_insert(t, key, item_of(key), &spare)) ==
	       -EAGAIN) {
		spare = radix_node_alloc();
		ck_assert_ptr_nonnull(spare);
	}
	ck_assert_int_eq(err, 0);
	if (spare != NULL)
		radix_node_free(spare);
}

/* Walk with radix_tree_next(): exactly the keys i with i % step == 0. */
static void
tree_check_walk(struct radix_tree *t, int step)
{
	uint64_t index = 0;
	void *item;
	int i = 0;

	while ((item = radix_tree_next(t, &index)) != NULL) {
		ck_assert_int_lt(i, NR_KEYS);
		ck_assert_uint_eq(index, keys[i]);
		ck_assert_ptr_eq(item, item_of(keys[i]));
		i += step;
		if (index == UINT64_MAX)
			break;
		index++;
	}
	ck_assert_int_ge(i, NR_KEYS);
}

START_TEST(test_radix_tree_matches_a_sorted_model)
{
	struct radix_tree t = RADIX_TREE_INIT;
	unsigned long free0 = buddy_free_frames();
	struct radix_node *spare;

	ck_assert_int_eq(radix_tree_init(), 0);
	make_keys();
	for (int i = NR_KEYS - 1; i >= 0; i--)
		tree_insert(&t, keys[i * 7 % NR_KEYS]);
	for (int i = 0; i < NR_KEYS; i++)
		ck_assert_ptr_eq(radix_tree_lookup(&t, keys[i]),
				 item_of(keys[i]));
	ck_assert_ptr_null(radix_tree_lookup(&t, keys[5] + 1));
	tree_check_walk(&t, 1);
	for (int i = 0; i < NR_KEYS; i++)
		if (i % 2 != 0)
			radix_tree_delete(&t, keys[i]);
	tree_check_walk(&t, 2);
	ck_assert_ptr_null(radix_tree_lookup(&t, keys[1]));
	for (int i = 0; i < NR_KEYS; i += 2)
		radix_tree_delete(&t, keys[i]);
	/* The last delete freed every node. */
	ck_assert_ptr_null(t.root);
	ck_assert_uint_eq(t.height, 0);
	/* An insertion given up half-way leaves empty nodes to destroy. */
	spare = radix_node_alloc();
	ck_assert_int_eq(radix_tree_insert(&t, 1ULL << 40, item_of(1), &spare),
			 -EAGAIN);
	ck_assert_ptr_null(spare);
	ck_assert_ptr_nonnull(t.root);
	ck_assert_ptr_null(radix_tree_next(&t, &(uint64_t){ 0 }));
	radix_tree_destroy(&t);
	ck_assert_ptr_null(t.root);
	ck_assert_uint_le(free0 - buddy_free_frames(), 2);
}
END_TEST

/* ---- page cache: reading and writing ---- */

static void
body_write_then_writeback(long unused)
{
	size_t len = 3 * PAGE_SIZE + 100;
	char *buf = malloc(len), *back = malloc(len);
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 0);

	(void)unused;
	pattern(buf, len, 1);
	ck_assert_int_eq(locked_write(inode, buf, len, 0), (long)len);
	ck_assert_uint_eq(inode->size, len);
	ck_assert_uint_eq(inode->nr_pages, 4);
	ck_assert_uint_eq(inode->nr_dirty, 4);
	ck_assert_uint_eq(pagecache_nr_dirty(), 4);
	ck_assert_int_eq(pagecache_read(inode, back, len + 50, 0), (long)len);
	ck_assert_mem_eq(back, buf, len);
	ck_assert_int_eq(nr_readpage, 0);	/* all past the old end */
	host_read(0, back, 16);
	ck_assert(all_zero(back, 16));		/* nothing written yet */
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	ck_assert_uint_eq(inode->nr_dirty, 0);
	ck_assert_uint_eq(pagecache_nr_dirty(), 0);
	ck_assert_int_eq(nr_writepage, 4);
	ck_assert_uint_eq(wp_index[3], 3);
	ck_assert_uint_eq(wp_len[3], 100);	/* valid bytes of the last */
	ck_assert_uint_eq(wp_len[0], PAGE_SIZE);
	ck_assert(host_has(0, len, 1));
	free(buf);
	free(back);
}

START_TEST(test_pagecache_write_then_writeback_reaches_disk)
{
	run_body(body_write_then_writeback);
}
END_TEST

static void
body_read_from_disk(long unused)
{
	char *buf = malloc(4 * PAGE_SIZE), *want = malloc(4 * PAGE_SIZE);
	struct inode *inode = make_inode(&sb, &disk_pcops, 8192, 10000);
	struct page *p;

	(void)unused;
	pattern(want, 3 * PAGE_SIZE, 2);
	host_write(8192, want, 3 * PAGE_SIZE);
	ck_assert_int_eq(pagecache_read(inode, buf, 20000, 0), 10000);
	ck_assert_mem_eq(buf, want, 10000);
	ck_assert_int_eq(nr_readpage, 3);
	ck_assert_int_eq(pagecache_read(inode, buf, 100, 10000), 0);
	ck_assert_int_eq(pagecache_read(inode, buf, 100, 9990), 10);
	ck_assert_mem_eq(buf, want + 9990, 10);
	ck_assert_int_eq(pagecache_read(inode, buf, 10000, 0), 10000);
	ck_assert_int_eq(nr_readpage, 3);	/* all hits */
	/* The disk holds more than the file: the cache shows zeros. */
	ck_assert_int_eq(pagecache_get(inode, 2, true, &p), 0);
	ck_assert(all_zero((char *)page_address(p) + 10000 - 8192,
			   3 * PAGE_SIZE - 10000));
	pagecache_put(p);
	free(buf);
	free(want);
}

START_TEST(test_pagecache_read_from_disk_limited_by_size)
{
	run_body(body_read_from_disk);
}
END_TEST

static void
body_partial_write(long unused)
{
	char *page = malloc(PAGE_SIZE), *want = malloc(4 * PAGE_SIZE);
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 3 * PAGE_SIZE);

	(void)unused;
	pattern(want, 3 * PAGE_SIZE, 3);
	host_write(0, want, 3 * PAGE_SIZE);
	ck_assert_int_eq(locked_write(inode, "0123456789", 10, 4096 + 100),
			 10);
	ck_assert_int_eq(nr_readpage, 1);	/* the rest of page 1 */
	memcpy(want + 4096 + 100, "0123456789", 10);
	pattern(page, PAGE_SIZE, 4);
	ck_assert_int_eq(locked_write(inode, page, PAGE_SIZE, 8192),
			 (long)PAGE_SIZE);
	memcpy(want + 8192, page, PAGE_SIZE);
	ck_assert_int_eq(locked_write(inode, "xy", 2, 3 * PAGE_SIZE + 5), 2);
	ck_assert_int_eq(nr_readpage, 1);	/* whole page, past the end */
	memset(want + 3 * PAGE_SIZE, 0, 5);
	memcpy(want + 3 * PAGE_SIZE + 5, "xy", 2);
	ck_assert_uint_eq(inode->size, 3 * PAGE_SIZE + 7);
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	for (int i = 0; i < 3; i++) {
		host_read((uint64_t)i * PAGE_SIZE, page, PAGE_SIZE);
		ck_assert_mem_eq(page, want + i * PAGE_SIZE, PAGE_SIZE);
	}
	host_read(3 * PAGE_SIZE, page, 7);
	ck_assert_mem_eq(page, want + 3 * PAGE_SIZE, 7);
	free(page);
	free(want);
}

START_TEST(test_pagecache_partial_write_reads_page_first)
{
	run_body(body_partial_write);
}
END_TEST

/* A page that cannot be prepared ends the write short; nothing of it is
 * copied, and a page made from zeros for it is not left behind. */
static void
body_prepare_fails(long unused)
{
	char *buf = malloc(4 * PAGE_SIZE), *back = malloc(PAGE_SIZE);
	struct inode *inode = make_inode(&sb, &prep_pcops, 0, 0);
	struct inode *old = make_inode(&sb, &prep_pcops, 16 * PAGE_SIZE,
				       8 * PAGE_SIZE);

	(void)unused;
	pattern(buf, 4 * PAGE_SIZE, 7);
	prep_limit = 2 * PAGE_SIZE + 100;
	ck_assert_int_eq(locked_write(inode, buf, 4 * PAGE_SIZE, 0),
			 (long)(2 * PAGE_SIZE));
	ck_assert_int_eq(nr_prepare, 3);
	ck_assert_uint_eq(inode->size, 2 * PAGE_SIZE);
	ck_assert_uint_eq(inode->nr_pages, 2);		/* page 2 dropped */
	ck_assert_uint_eq(inode->nr_dirty, 2);
	ck_assert_int_eq(locked_write(inode, buf, 1, 3 * PAGE_SIZE), -ENOSPC);
	ck_assert_uint_eq(inode->size, 2 * PAGE_SIZE);
	ck_assert_int_eq(locked_write(inode, "x", 1, 5), 1);
	/* Whole pages of a file on disk: zeroed, not read, then failed. */
	host_write(16 * PAGE_SIZE, buf, 4 * PAGE_SIZE);
	prep_limit = 0;
	ck_assert_int_eq(locked_write(old, buf + PAGE_SIZE, PAGE_SIZE, 0),
			 -ENOSPC);
	ck_assert_int_eq(nr_readpage, 0);
	ck_assert_uint_eq(old->nr_pages, 0);
	ck_assert_int_eq(pagecache_read(old, back, PAGE_SIZE, 0),
			 (long)PAGE_SIZE);
	ck_assert_mem_eq(back, buf, PAGE_SIZE);		/* the disk's data */
	/* A partial write reads the page before preparing its blocks. */
	prep_limit = UINT64_MAX;
	ck_assert_int_eq(locked_write(old, "abc", 3, 2 * PAGE_SIZE + 9), 3);
	ck_assert_int_eq(nr_readpage, 2);
	ck_assert_int_eq(prep_reads_seen, 2);
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	buf[5] = 'x';
	host_read(0, back, PAGE_SIZE);
	ck_assert_mem_eq(back, buf, PAGE_SIZE);
	free(buf);
	free(back);
}

START_TEST(test_pagecache_failed_prepare_ends_write_short)
{
	run_body(body_prepare_fails);
}
END_TEST

/* ---- truncate ---- */

static void
body_truncate(long unused)
{
	char *buf = malloc(3 * PAGE_SIZE);
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 0);

	(void)unused;
	pattern(buf, 3 * PAGE_SIZE, 5);
	ck_assert_int_eq(locked_write(inode, buf, 3 * PAGE_SIZE, 0),
			 (long)(3 * PAGE_SIZE));
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	/* Evict everything: the partial page must come back from disk. */
	ck_assert_uint_eq(pagecache_reclaim(100), 3);
	ck_assert_uint_eq(inode->nr_pages, 0);
	mutex_lock(&inode->lock);
	ck_assert_int_eq(pagecache_truncate(inode, 5000), 0);
	inode->size = 5000;
	mutex_unlock(&inode->lock);
	ck_assert_uint_eq(inode->nr_pages, 1);
	ck_assert_uint_eq(inode->nr_dirty, 1);
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	ck_assert(host_has(0, 5000, 5));
	host_read(5000, buf, 8192 - 5000);
	ck_assert(all_zero(buf, 8192 - 5000));
	/* Grow again, with the page evicted: the gap reads as zeros. */
	ck_assert_uint_eq(pagecache_reclaim(100), 1);
	ck_assert_int_eq(locked_write(inode, "z", 1, 9999), 1);
	ck_assert_int_eq(pagecache_read(inode, buf, 10000, 0), 10000);
	ck_assert(all_zero(buf + 5000, 4999));
	ck_assert_int_eq(buf[9999], 'z');
	free(buf);
}

START_TEST(test_pagecache_truncate_zeroes_tail_on_disk)
{
	run_body(body_truncate);
}
END_TEST

static void
body_truncate_cached(long unused)
{
	char *buf = malloc(3 * PAGE_SIZE);
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 0);

	(void)unused;
	pattern(buf, 3 * PAGE_SIZE, 6);
	ck_assert_int_eq(locked_write(inode, buf, 3 * PAGE_SIZE, 0),
			 (long)(3 * PAGE_SIZE));
	ck_assert_uint_eq(pagecache_nr_dirty(), 3);
	mutex_lock(&inode->lock);
	ck_assert_int_eq(pagecache_truncate(inode, PAGE_SIZE + 1), 0);
	inode->size = PAGE_SIZE + 1;
	/* Growing reads nothing and dirties nothing more. */
	ck_assert_int_eq(pagecache_truncate(inode, 2 * PAGE_SIZE + 7), 0);
	inode->size = 2 * PAGE_SIZE + 7;
	mutex_unlock(&inode->lock);
	ck_assert_uint_eq(inode->nr_pages, 2);
	ck_assert_uint_eq(pagecache_nr_dirty(), 2);	/* page 2 dropped */
	ck_assert_int_eq(nr_readpage, 0);
	ck_assert_int_eq(pagecache_read(inode, buf, 3 * PAGE_SIZE, 0),
			 (long)(2 * PAGE_SIZE + 7));
	ck_assert(all_zero(buf + PAGE_SIZE + 1, PAGE_SIZE + 6));
	ck_assert_int_eq(nr_readpage, 1);	/* page 2: a hole on disk */
	free(buf);
}

START_TEST(test_pagecache_truncate_drops_and_zeroes_cached)
{
	run_body(body_truncate_cached);
}
END_TEST

/* ---- sparse files ---- */

static void
body_sparse(long unused)
{
	const uint64_t pos1 = (1ULL << 40) + 123, pos2 = (1ULL << 62) + 7;
	unsigned long free0 = buddy_free_frames();
	struct inode *inode = make_inode(&sb, &mem_pcops, 0, 0);
	char buf[16];

	(void)unused;
	ck_assert_int_eq(locked_write(inode, "hello", 5, pos1), 5);
	ck_assert_int_eq(locked_write(inode, "world", 5, pos2), 5);
	ck_assert_uint_eq(inode->size, pos2 + 5);
	ck_assert_uint_eq(inode->nr_pages, 2);
	/* Two pages, a few tree nodes and their slab: no big tables. */
	ck_assert_uint_lt(free0 - buddy_free_frames(), 12);
	ck_assert_int_eq(pagecache_read(inode, buf, 5, pos1), 5);
	ck_assert_mem_eq(buf, "hello", 5);
	ck_assert_int_eq(pagecache_read(inode, buf, 5, pos2), 5);
	ck_assert_mem_eq(buf, "world", 5);
	ck_assert_int_eq(pagecache_read(inode, buf, 16, 1ULL << 50), 16);
	ck_assert(all_zero(buf, 16));
	ck_assert_int_eq(locked_write(inode, "x", 1, PAGECACHE_MAX_BYTES),
			 -EFBIG);
	ck_assert_int_eq(locked_write(inode, "abcde", 5,
				      PAGECACHE_MAX_BYTES - 2), 2);
	ck_assert_uint_eq(inode->nr_pages, 4);
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	ck_assert_int_eq(nr_writepage, 3);	/* the hole page is clean */
	mutex_lock(&inode->lock);
	ck_assert_int_eq(pagecache_truncate(inode, pos1 + 5), 0);
	mutex_unlock(&inode->lock);
	ck_assert_uint_eq(inode->nr_pages, 1);
	pagecache_inode_free(inode);
	ck_assert_uint_eq(pagecache_nr_pages(), 0);
	ck_assert_uint_lt(free0 - buddy_free_frames(), 4);
}

START_TEST(test_pagecache_sparse_offsets_above_2_40)
{
	run_body(body_sparse);
}
END_TEST

/* ---- write-back ---- */

static void
body_old_pages(long unused)
{
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 0);
	char page[PAGE_SIZE];

	(void)unused;
	pattern(page, PAGE_SIZE, 7);
	ck_assert_int_eq(locked_write(inode, page, PAGE_SIZE, 0),
			 (long)PAGE_SIZE);
	fake_clock_ns += 3 * NSEC_PER_SEC;
	ck_assert_int_eq(locked_write(inode, page, PAGE_SIZE, PAGE_SIZE),
			 (long)PAGE_SIZE);
	/* Dirtying a dirty page again does not make it younger. */
	ck_assert_int_eq(locked_write(inode, page, 10, 0), 10);
	fake_clock_ns += 3 * NSEC_PER_SEC;
	ck_assert_int_eq(locked_writeback(inode, 5 * NSEC_PER_SEC), 0);
	ck_assert_int_eq(nr_writepage, 1);
	ck_assert_uint_eq(wp_index[0], 0);
	ck_assert_uint_eq(inode->nr_dirty, 1);
	ck_assert(host_has(0, PAGE_SIZE, 7));
	ck_assert(!host_has(PAGE_SIZE, PAGE_SIZE, 7));
	fake_clock_ns += 3 * NSEC_PER_SEC;
	ck_assert_int_eq(locked_writeback(inode, 5 * NSEC_PER_SEC), 0);
	ck_assert_int_eq(nr_writepage, 2);
	ck_assert_uint_eq(wp_index[1], 1);
	ck_assert(host_has(PAGE_SIZE, PAGE_SIZE, 7));
}

START_TEST(test_pagecache_writeback_only_old_pages)
{
	run_body(body_old_pages);
}
END_TEST

static void
body_dirty_counts(long unused)
{
	struct inode *a = make_inode(&sb, &disk_pcops, 0, 0);
	struct inode *b = make_inode(&sb, &nowb_pcops, 0, 0);
	char page[PAGE_SIZE] = { 1 };

	(void)unused;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(locked_write(a, page, 100, 0), 100);
	ck_assert_uint_eq(a->nr_dirty, 1);
	ck_assert_int_eq(locked_write(a, page, PAGE_SIZE, 5 * PAGE_SIZE),
			 (long)PAGE_SIZE);
	ck_assert_int_eq(locked_write(b, page, PAGE_SIZE, 0),
			 (long)PAGE_SIZE);
	ck_assert_uint_eq(a->nr_dirty, 2);
	ck_assert_uint_eq(b->nr_dirty, 1);
	ck_assert_uint_eq(pagecache_nr_dirty(), 3);
	ck_assert_uint_eq(pagecache_nr_pages(), 3);
	mutex_lock(&a->lock);
	ck_assert_int_eq(pagecache_truncate(a, PAGE_SIZE), 0);
	mutex_unlock(&a->lock);
	ck_assert_uint_eq(a->nr_dirty, 1);
	ck_assert_uint_eq(pagecache_nr_dirty(), 2);
	/* No backing store: write-back leaves the page dirty. */
	ck_assert_int_eq(locked_writeback(b, 0), 0);
	ck_assert_uint_eq(b->nr_dirty, 1);
	pagecache_inode_free(a);
	pagecache_inode_free(b);
	ck_assert_uint_eq(pagecache_nr_dirty(), 0);
	ck_assert_uint_eq(pagecache_nr_pages(), 0);
	ck_assert_int_eq(nr_writepage, 0);
}

START_TEST(test_pagecache_dirty_counts)
{
	run_body(body_dirty_counts);
}
END_TEST

static void
body_writepage_error(long unused)
{
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 0);
	char buf[2 * PAGE_SIZE];

	(void)unused;
	pattern(buf, sizeof(buf), 8);
	ck_assert_int_eq(locked_write(inode, buf, sizeof(buf), 0),
			 (long)sizeof(buf));
	fake_disk_fail_after(bdev, 1);
	ck_assert_int_eq(locked_writeback(inode, 0), -EIO);
	ck_assert_uint_eq(inode->nr_dirty, 1);
	ck_assert_uint_eq(pagecache_nr_dirty(), 1);
	ck_assert(host_has(0, PAGE_SIZE, 8));
	fake_disk_fail_after(bdev, 0);
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	ck_assert_uint_eq(inode->nr_dirty, 0);
	ck_assert(host_has(0, sizeof(buf), 8));
}

START_TEST(test_pagecache_writepage_error_keeps_page_dirty)
{
	run_body(body_writepage_error);
}
END_TEST

static struct inode *shared_inode;
static int expect_err;

/* Job 0 writes shared_inode's two dirty pages, slowly; job 1 comes later,
 * finds nothing dirty, and must still wait for them and share the result. */
static void
body_writeback_waiter(long i)
{
	if (i == 1)
		msleep(1);
	ck_assert_int_eq(pagecache_writeback(shared_inode, 0), expect_err);
	ck_assert_int_eq(nr_writepage, 2);
	ck_assert_int_eq(nr_written, expect_err ? 1 : 2);
	ck_assert_uint_eq(shared_inode->nr_dirty, expect_err ? 1 : 0);
}

static void
body_dirty_shared(long seed)
{
	char buf[2 * PAGE_SIZE];

	pattern(buf, sizeof(buf), (unsigned int)seed);
	ck_assert_int_eq(locked_write(shared_inode, buf, sizeof(buf), 0),
			 (long)sizeof(buf));
	nr_writepage = nr_written = 0;
}

START_TEST(test_pagecache_integrity_writeback_waits_for_others)
{
	struct job jobs[2] = { { body_writeback_waiter, 0 },
			       { body_writeback_waiter, 1 } };
	struct job dirty = { body_dirty_shared, 24 };

	shared_inode = make_inode(&sb, &disk_pcops, 0, 0);
	writepage_delay_ms = 5;
	run_jobs(&dirty, 1);
	expect_err = 0;
	run_jobs(jobs, 2);
	ck_assert(host_has(0, 2 * PAGE_SIZE, 24));
	dirty.arg = 25;
	run_jobs(&dirty, 1);
	fake_disk_fail_after(bdev, 1);		/* page 1 fails */
	expect_err = -EIO;
	run_jobs(jobs, 2);
	fake_disk_fail_after(bdev, 0);
}
END_TEST

static void
body_background_error(long unused)
{
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 0);

	(void)unused;
	ck_assert_int_eq(locked_write(inode, "late", 4, 0), 4);
	fake_clock_ns += 6 * NSEC_PER_SEC;
	fail_writepage = true;
	ck_assert_int_eq(locked_writeback(inode, 5 * NSEC_PER_SEC), -EIO);
	ck_assert_uint_eq(inode->nr_dirty, 1);
	fail_writepage = false;
	/* fsync retries the page itself: its own success is what counts. */
	ck_assert_int_eq(locked_writeback(inode, 0), 0);
	ck_assert_uint_eq(inode->nr_dirty, 0);
	ck_assert_int_eq(nr_written, 1);
}

START_TEST(test_pagecache_failed_background_write_retried)
{
	run_body(body_background_error);
}
END_TEST

/* ---- read errors and concurrency ---- */

static void
body_readpage_error(long unused)
{
	struct inode *inode = make_inode(&sb, &disk_pcops, 0, 3 * PAGE_SIZE);
	char buf[3 * PAGE_SIZE];
	struct page *p;

	(void)unused;
	pattern(buf, sizeof(buf), 9);
	host_write(0, buf, sizeof(buf));
	fail_readpage = true;
	ck_assert_int_eq(pagecache_get(inode, 1, true, &p), -EIO);
	ck_assert_uint_eq(inode->nr_pages, 0);
	ck_assert_int_eq(pagecache_read(inode, buf, 10, PAGE_SIZE), -EIO);
	fail_readpage = false;
	ck_assert_int_eq(pagecache_get(inode, 1, true, &p), 0);
	ck_assert_int_eq(nr_readpage, 3);	/* read again, not cached */
	ck_assert_mem_eq(page_address(p), buf + PAGE_SIZE, PAGE_SIZE);
	pagecache_put(p);
	/* An error of the disk itself comes back the same way. */
	fake_disk_fail_after(bdev, 1);
	ck_assert_int_eq(pagecache_read(inode, buf, 3 * PAGE_SIZE, 0),
			 (long)PAGE_SIZE * 2);	/* page 0 read, 1 cached */
	ck_assert_int_eq(pagecache_read(inode, buf, 10, 2 * PAGE_SIZE), -EIO);
	ck_assert_uint_eq(inode->nr_pages, 2);
	fake_disk_fail_after(bdev, 0);
}

START_TEST(test_pagecache_readpage_error_not_cached)
{
	run_body(body_readpage_error);
}
END_TEST

static struct page *seen[MAX_JOBS];

static void
body_reader(long i)
{
	char want[PAGE_SIZE];

	pattern(want, PAGE_SIZE, 10);
	ck_assert_int_eq(pagecache_get(shared_inode, 0, true, &seen[i]), 0);
	ck_assert_mem_eq(page_address(seen[i]), want, PAGE_SIZE);
}

START_TEST(test_pagecache_concurrent_readers_share_one_read)
{
	struct job jobs[3] = {
		{ body_reader, 0 }, { body_reader, 1 }, { body_reader, 2 },
	};
	char buf[PAGE_SIZE];

	pattern(buf, sizeof(buf), 10);
	host_write(0, buf, sizeof(buf));
	shared_inode = make_inode(&sb, &disk_pcops, 0, PAGE_SIZE);
	readpage_delay_ms = 10;
	run_jobs(jobs, 3);
	ck_assert_int_eq(nr_readpage, 1);
	ck_assert_ptr_eq(seen[0], seen[1]);
	ck_assert_ptr_eq(seen[0], seen[2]);
	ck_assert_int_eq(seen[0]->refcount, 4);	/* the cache + 3 */
	for (int i = 0; i < 3; i++)
		pagecache_put(seen[i]);
	ck_assert_uint_eq(pagecache_reclaim(10), 1);
}
END_TEST

/* ---- memory pressure ---- */

/* Take every free frame, then as many more as reclaim yields.  Returns
 * the frames got after the free lists ran dry. */
static unsigned long
exhaust_memory(struct page ***held, unsigned long *nheld)
{
	unsigned long n = 0, max = nr_frames, extra = 0;
	struct page **v = malloc(max * sizeof(*v));
	struct page *p;

	while (buddy_free_frames() > 0) {
		v[n] = buddy_alloc(0);
		ck_assert_ptr_nonnull(v[n]);
		n++;
	}
	while ((p = buddy_alloc(0)) != NULL) {
		v[n++] = p;
		extra++;
	}
	*held = v;
	*nheld = n;
	return extra;
}

static void
release_memory(struct page **v, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		buddy_free(v[i], 0);
	free(v);
}

static void
body_reclaim(long unused)
{
	struct inode *a = make_inode(&sb, &disk_pcops, 0, 8 * PAGE_SIZE);
	struct inode *b = make_inode(&sb, &nowb_pcops, 0, 0);
	char *buf = malloc(10 * PAGE_SIZE);
	struct page **held, *p0;
	unsigned long nheld;

	(void)unused;
	pattern(buf, 10 * PAGE_SIZE, 11);
	host_write(0, buf, 8 * PAGE_SIZE);
	ck_assert_int_eq(pagecache_read(a, buf, 8 * PAGE_SIZE, 0),
			 (long)(8 * PAGE_SIZE));
	ck_assert_int_eq(pagecache_get(a, 0, true, &p0), 0);
	ck_assert_int_eq(locked_write(a, buf, 2 * PAGE_SIZE, 8 * PAGE_SIZE),
			 (long)(2 * PAGE_SIZE));
	ck_assert_int_eq(locked_write(b, buf, 2 * PAGE_SIZE, 0),
			 (long)(2 * PAGE_SIZE));
	ck_assert_uint_eq(pagecache_nr_pages(), 12);
	/* Out of frames: only the 7 clean unreferenced pages come back. */
	ck_assert_uint_ge(exhaust_memory(&held, &nheld), 7);
	ck_assert_uint_eq(pagecache_nr_pages(), 5);
	ck_assert_uint_eq(a->nr_pages, 3);
	ck_assert_uint_eq(pagecache_nr_dirty(), 4);
	ck_assert_mem_eq(page_address(p0), buf, PAGE_SIZE);
	release_memory(held, nheld);
	ck_assert_int_eq(pagecache_read(b, buf, 2 * PAGE_SIZE, 0),
			 (long)(2 * PAGE_SIZE));
	ck_assert(host_has(0, PAGE_SIZE, 11));
	ck_assert_int_eq(locked_writeback(a, 0), 0);
	ck_assert_uint_eq(pagecache_reclaim(100), 2);	/* 8 and 9 */
	pagecache_put(p0);
	ck_assert_uint_eq(pagecache_reclaim(100), 1);
	ck_assert_uint_eq(pagecache_nr_pages(), 2);	/* b's, dirty */
	free(buf);
}

START_TEST(test_pagecache_reclaim_only_clean_unreferenced)
{
	run_body(body_reclaim);
}
END_TEST

static void
body_dirty_limit(long unused)
{
	struct inode *inode = make_inode(&sb, &mem_pcops, 0, 0);
	unsigned long limit = pagecache_dirty_limit(), most = 0;
	char page[PAGE_SIZE] = { 2 };

	(void)unused;
	ck_assert_uint_gt(limit, 100);
	for (unsigned long i = 0; i < 2 * limit; i++) {
		ck_assert_int_eq(locked_write(inode, page, PAGE_SIZE,
					      i * PAGE_SIZE),
				 (long)PAGE_SIZE);
		most = MAX(most, pagecache_nr_dirty());
	}
	ck_assert_uint_le(most, limit + 1);
	ck_assert_uint_ge(nr_writepage, limit);
}

START_TEST(test_pagecache_dirty_limit_throttles_writer)
{
	run_body(body_dirty_limit);
}
END_TEST

/* Pages dirtied without pagecache_write() (as mmap will) are not
 * throttled; the next writer is, and waits for the flusher. */
static void
body_throttle_flusher(long unused)
{
	struct inode *a = make_inode(&sb, &mem_pcops, 0, 0);
	struct inode *b = make_inode(&sb, &mem_pcops, 0, 0);
	unsigned long limit = pagecache_dirty_limit();
	struct page *p;

	(void)unused;
	a->size = (limit + 1) * PAGE_SIZE;
	for (unsigned long i = 0; i <= limit; i++) {
		ck_assert_int_eq(pagecache_get(a, i, false, &p), 0);
		pagecache_mark_dirty(p);
		pagecache_put(p);
	}
	ck_assert(pagecache_dirty_over_background());
	/* No flusher: the writer cleans its own pages and goes on. */
	ck_assert_int_eq(locked_write(b, "b", 1, 0), 1);
	ck_assert_uint_eq(a->nr_dirty, limit + 1);
	ck_assert_int_eq(writeback_start(), 0);
	ck_assert_int_eq(locked_write(b, "b", 1, 1), 1);
	ck_assert_uint_eq(a->nr_dirty, 0);	/* written while b waited */
	ck_assert_uint_eq(b->nr_dirty, 1);	/* b was locked: skipped */
	/* a's pages, and b's once: it wrote itself back before waiting. */
	ck_assert_int_eq(nr_writepage, (int)limit + 2);
	writeback_stop();
}

START_TEST(test_writeback_throttled_writer_waits_for_flusher)
{
	run_body(body_throttle_flusher);
}
END_TEST

/* ---- buffer cache ---- */

static char expect[4096];

static void
body_buffer_hits(long unused)
{
	uint64_t reads = stats().ios[0];
	struct buffer *b, *b2;

	(void)unused;
	ck_assert_int_eq(buffer_read(bdev, 10, 1024, &b), 0);
	ck_assert_mem_eq(b->data, expect + 2048, 1024);
	ck_assert_uint_eq(stats().ios[0], reads + 1);
	buffer_put(b);
	ck_assert_int_eq(buffer_read(bdev, 10, 1024, &b2), 0);
	ck_assert_ptr_eq(b, b2);
	ck_assert_uint_eq(stats().ios[0], reads + 1);	/* a hit */
	ck_assert(b2->uptodate && !b2->dirty);
	ck_assert_int_eq(b2->refcount, 1);
	buffer_put(b2);
	ck_assert_int_eq(buffer_read(bdev, 5, 2048, &b), 0);	/* same bytes */
	ck_assert_uint_eq(stats().ios[0], reads + 2);
	ck_assert_mem_eq(b->data, b2->data, 1024);
	buffer_put(b);
	ck_assert_uint_eq(buffer_nr_bytes(), 3072);
	ck_assert_int_eq(buffer_read(bdev, 10, 1000, &b), -EINVAL);
	ck_assert_int_eq(buffer_read(bdev, DISK_SIZE / 1024, 1024, &b), -EIO);
	ck_assert_uint_eq(buffer_nr_bytes(), 3072);	/* not cached */
}

START_TEST(test_buffer_read_hits_and_misses)
{
	pattern(expect, sizeof(expect), 12);
	host_write(8192, expect, sizeof(expect));
	run_body(body_buffer_hits);
}
END_TEST

static void
body_buffer_get(long unused)
{
	uint64_t reads = stats().ios[0];
	struct buffer *b;

	(void)unused;
	ck_assert_int_eq(buffer_get(bdev, 20, 4096, &b), 0);
	ck_assert(all_zero(b->data, 4096));
	ck_assert(b->uptodate);
	memcpy(b->data, "kept", 4);
	buffer_put(b);
	ck_assert_int_eq(buffer_get(bdev, 20, 4096, &b), 0);
	ck_assert_mem_eq(b->data, "kept", 4);	/* cached: not zeroed */
	buffer_put(b);
	ck_assert_int_eq(buffer_read(bdev, 20, 4096, &b), 0);
	ck_assert_mem_eq(b->data, "kept", 4);
	buffer_put(b);
	ck_assert_uint_eq(stats().ios[0], reads);
}

START_TEST(test_buffer_get_zeroed_without_io)
{
	char buf[4096];

	pattern(buf, sizeof(buf), 13);
	host_write(20 * 4096, buf, sizeof(buf));
	run_body(body_buffer_get);
}
END_TEST

static void
body_buffer_sync(long unused)
{
	uint64_t writes = stats().ios[1];
	struct buffer *b, *kept[8];

	(void)unused;
	for (int i = 7; i >= 0; i--) {
		ck_assert_int_eq(buffer_get(bdev, 40 + i, 1024, &b), 0);
		pattern(b->data, 1024, 14 + i);
		buffer_mark_dirty(b);
		ck_assert(b->dirty);
		kept[i] = b;
	}
	ck_assert_int_eq(buffer_sync_dev(bdev, 0), 0);
	/* Sorted and submitted under one plug: one merged request. */
	ck_assert_uint_eq(stats().ios[1], writes + 1);
	for (int i = 0; i < 8; i++) {
		ck_assert(!kept[i]->dirty);
		ck_assert(host_has((40 + i) * 1024, 1024, 14 + i));
		buffer_put(kept[i]);
	}
	ck_assert_int_eq(buffer_sync_dev(bdev, 0), 0);
	ck_assert_uint_eq(stats().ios[1], writes + 1);	/* nothing dirty */
}

START_TEST(test_buffer_sync_writes_sorted_and_merged)
{
	run_body(body_buffer_sync);
}
END_TEST

static void
body_buffer_old(long unused)
{
	struct buffer *a, *b;

	(void)unused;
	ck_assert_int_eq(buffer_get(bdev, 30, 1024, &a), 0);
	pattern(a->data, 1024, 15);
	buffer_mark_dirty(a);
	fake_clock_ns += 6 * NSEC_PER_SEC;
	ck_assert_int_eq(buffer_get(bdev, 31, 1024, &b), 0);
	pattern(b->data, 1024, 16);
	buffer_mark_dirty(b);
	ck_assert_int_eq(buffer_sync_dev(bdev, 5 * NSEC_PER_SEC), 0);
	ck_assert(!a->dirty && b->dirty);
	ck_assert(host_has(30 * 1024, 1024, 15));
	ck_assert(!host_has(31 * 1024, 1024, 16));
	buffer_put(a);
	buffer_put(b);
}

START_TEST(test_buffer_sync_only_old_buffers)
{
	run_body(body_buffer_old);
}
END_TEST

static void
body_buffer_error(long unused)
{
	struct buffer *a, *b, *c;

	(void)unused;
	ck_assert_int_eq(buffer_get(bdev, 50, 1024, &a), 0);
	ck_assert_int_eq(buffer_get(bdev, 60, 1024, &b), 0);
	pattern(a->data, 1024, 17);
	pattern(b->data, 1024, 18);
	buffer_mark_dirty(a);
	buffer_mark_dirty(b);
	fake_disk_fail_after(bdev, 1);		/* 50 succeeds, 60 fails */
	ck_assert_int_eq(buffer_sync_dev(bdev, 0), -EIO);
	ck_assert(!a->dirty);
	ck_assert(b->dirty);
	ck_assert(host_has(50 * 1024, 1024, 17));
	fake_disk_fail_after(bdev, 1);
	ck_assert_int_eq(buffer_read(bdev, 70, 1024, &c), 0);
	ck_assert_int_eq(buffer_write_sync(b), -EIO);
	ck_assert(b->dirty);
	fake_disk_fail_after(bdev, 0);
	ck_assert_int_eq(buffer_write_sync(b), 0);
	ck_assert(!b->dirty);
	ck_assert(host_has(60 * 1024, 1024, 18));
	buffer_put(a);
	buffer_put(b);
	buffer_put(c);
}

START_TEST(test_buffer_write_error_stays_dirty)
{
	run_body(body_buffer_error);
}
END_TEST

static void
body_buffer_forget(long unused)
{
	uint64_t reads, writes = stats().ios[1];
	struct buffer *a, *b, *held;

	(void)unused;
	ck_assert_int_eq(buffer_read(bdev, 70, 1024, &a), 0);
	buffer_put(a);
	ck_assert_int_eq(buffer_get(bdev, 71, 1024, &b), 0);
	buffer_mark_dirty(b);
	buffer_put(b);
	ck_assert_int_eq(buffer_read(bdev, 72, 1024, &held), 0);
	buffer_forget_dev(bdev);
	ck_assert_uint_eq(buffer_nr_bytes(), 0);
	ck_assert_int_eq(buffer_sync_dev(bdev, 0), 0);
	ck_assert_uint_eq(stats().ios[1], writes);	/* dirty data dropped */
	reads = stats().ios[0];
	ck_assert_int_eq(buffer_read(bdev, 70, 1024, &a), 0);
	ck_assert_uint_eq(stats().ios[0], reads + 1);	/* a miss again */
	ck_assert_int_eq(buffer_read(bdev, 72, 1024, &b), 0);
	ck_assert_ptr_ne(b, held);		/* the old one is orphaned */
	buffer_put(held);			/* and freed here */
	buffer_put(a);
	buffer_put(b);
	ck_assert_uint_eq(buffer_nr_bytes(), 2048);
}

START_TEST(test_buffer_forget_drops_everything)
{
	run_body(body_buffer_forget);
}
END_TEST

/* A freed block's buffer: its dirty data never reaches the disk, and the
 * block is read afresh next time. */
static void
body_buffer_forget_one(long unused)
{
	uint64_t reads, writes = stats().ios[1];
	struct buffer *a, *b, *other;
	char old[1024];

	(void)unused;
	host_read(80 * 1024, old, sizeof(old));
	ck_assert_int_eq(buffer_read(bdev, 80, 1024, &a), 0);
	ck_assert_int_eq(buffer_read(bdev, 80, 1024, &other), 0);
	ck_assert_ptr_eq(a, other);
	ck_assert_int_eq(buffer_get(bdev, 81, 1024, &b), 0);
	pattern(a->data, 1024, 19);
	buffer_mark_dirty(a);
	buffer_mark_dirty(b);
	buffer_forget(a);
	ck_assert(!other->dirty);
	ck_assert_uint_eq(buffer_nr_bytes(), 1024);
	/* The other holder's changes stay out of the cache too. */
	buffer_mark_dirty(other);
	ck_assert(!other->dirty);
	buffer_put(other);			/* the last: freed */
	ck_assert_int_eq(buffer_sync_dev(bdev, 0), 0);
	ck_assert_uint_eq(stats().ios[1], writes + 1);	/* 81 alone */
	ck_assert(!host_has(80 * 1024, 1024, 19));
	reads = stats().ios[0];
	ck_assert_int_eq(buffer_read(bdev, 80, 1024, &a), 0);
	ck_assert_uint_eq(stats().ios[0], reads + 1);	/* a miss */
	ck_assert_mem_eq(a->data, old, sizeof(old));
	buffer_put(a);
	buffer_put(b);
}

START_TEST(test_buffer_forget_discards_dirty_data)
{
	char buf[1024];

	pattern(buf, sizeof(buf), 20);
	host_write(80 * 1024, buf, sizeof(buf));
	run_body(body_buffer_forget_one);
}
END_TEST

static void
body_buffer_reclaim(long unused)
{
	struct buffer *b, *held, *dirty;
	struct page **frames;
	unsigned long n;

	(void)unused;
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(buffer_read(bdev, 100 + i, 4096, &b), 0);
		buffer_put(b);
	}
	ck_assert_int_eq(buffer_read(bdev, 100, 4096, &held), 0);
	ck_assert_int_eq(buffer_read(bdev, 101, 4096, &dirty), 0);
	buffer_mark_dirty(dirty);
	buffer_put(dirty);
	ck_assert_uint_ge(exhaust_memory(&frames, &n), 6);
	ck_assert_uint_eq(buffer_nr_bytes(), 2 * 4096);
	release_memory(frames, n);
	ck_assert_int_eq(buffer_sync_dev(bdev, 0), 0);
	ck_assert_uint_eq(buffer_reclaim(100), 1);	/* 101, clean now */
	buffer_put(held);
	ck_assert_uint_eq(buffer_reclaim(100), 1);
	ck_assert_uint_eq(buffer_nr_bytes(), 0);
}

START_TEST(test_buffer_reclaim_frees_clean_unused)
{
	run_body(body_buffer_reclaim);
}
END_TEST

/* ---- whole filesystems ---- */

static void
body_writeback_sb(long unused)
{
	struct inode *a = make_inode(&sb, &disk_pcops, 0, 0);
	struct inode *b = make_inode(&sb, &disk_pcops, 64 * KIB, 0);
	uint64_t flushes = stats().flush_ios;
	char page[PAGE_SIZE];
	struct buffer *buf;

	(void)unused;
	pattern(page, PAGE_SIZE, 19);
	ck_assert_int_eq(locked_write(a, page, PAGE_SIZE, 0),
			 (long)PAGE_SIZE);
	ck_assert_int_eq(buffer_get(bdev, 1000, 1024, &buf), 0);
	pattern(buf->data, 1024, 20);
	buffer_mark_dirty(buf);
	buffer_put(buf);
	mark_inode_dirty(a);
	mark_inode_dirty(b);
	fail_write_inode = true;
	ck_assert_int_eq(writeback_sb(&sb, 0), -EIO);
	ck_assert_int_eq(nr_write_inode, 2);
	ck_assert(a->state & I_DIRTY);		/* failed: dirty again */
	ck_assert(!list_empty(&sb.dirty));
	fail_write_inode = false;
	ck_assert_int_eq(writeback_sb(&sb, 0), 0);
	ck_assert_int_eq(nr_write_inode, 4);
	ck_assert(!(a->state & I_DIRTY) && !(b->state & I_DIRTY));
	ck_assert(list_empty(&sb.dirty));
	ck_assert(host_has(0, PAGE_SIZE, 19));
	ck_assert(host_has(1000 * 1024, 1024, 20));
	ck_assert_int_eq(nr_sync_fs, 2);
	ck_assert(last_sync_wait);
	ck_assert_uint_eq(stats().flush_ios, flushes + 2);
	ck_assert_int_eq(a->refcount, 1);
	ck_assert_int_eq(b->refcount, 1);
}

START_TEST(test_writeback_sb_writes_pages_inodes_buffers)
{
	run_body(body_writeback_sb);
}
END_TEST

static void
body_fsync(long unused)
{
	struct inode *a = make_inode(&sb, &disk_pcops, 0, 0);
	struct inode *b = make_inode(&sb, &disk_pcops, 64 * KIB, 0);
	uint64_t flushes = stats().flush_ios;
	struct buffer *buf;

	(void)unused;
	ck_assert_int_eq(locked_write(a, "fsync", 5, 0), 5);
	ck_assert_int_eq(locked_write(b, "other", 5, 0), 5);
	ck_assert_int_eq(buffer_get(bdev, 1000, 1024, &buf), 0);
	pattern(buf->data, 1024, 23);
	buffer_mark_dirty(buf);
	mark_inode_dirty(a);
	mark_inode_dirty(b);
	ck_assert_int_eq(writeback_inode(a, false), 0);
	ck_assert_uint_eq(a->nr_dirty, 0);
	ck_assert_uint_eq(b->nr_dirty, 1);	/* only a's pages */
	ck_assert(!(a->state & I_DIRTY) && (b->state & I_DIRTY));
	ck_assert_int_eq(nr_write_inode, 1);
	ck_assert(!buf->dirty);			/* its metadata blocks */
	ck_assert(host_has(1000 * 1024, 1024, 23));
	ck_assert_uint_eq(stats().flush_ios, flushes + 1);
	ck_assert_int_eq(a->refcount, 1);
	buffer_put(buf);
}

START_TEST(test_writeback_inode_for_fsync)
{
	run_body(body_fsync);
}
END_TEST

static void
body_vfs_sync(long unused)
{
	struct inode *a = make_inode(&sb, &disk_pcops, 0, 0);
	struct inode *t = make_inode(&sb2, &nowb_pcops, 0, 0);

	(void)unused;
	ck_assert_int_eq(locked_write(a, "disk", 4, 0), 4);
	ck_assert_int_eq(locked_write(t, "tmpfs", 5, 0), 5);
	mark_inode_dirty(t);
	ck_assert_int_eq(vfs_sync(), 0);
	ck_assert_uint_eq(a->nr_dirty, 0);
	ck_assert_uint_eq(t->nr_dirty, 1);	/* nowhere to write it */
	ck_assert_int_eq(nr_sync_fs, 2);
	ck_assert_int_eq(nr_write_inode, 1);
	ck_assert(list_empty(&sb2.dirty));
}

START_TEST(test_writeback_vfs_sync_every_sb)
{
	sb_setup(&sb2, NULL);
	run_body(body_vfs_sync);
}
END_TEST

static void
body_flusher(long unused)
{
	struct inode *a = make_inode(&sb, &disk_pcops, 0, 0);
	char page[PAGE_SIZE];
	struct buffer *b;

	(void)unused;
	ck_assert_int_eq(writeback_start(), 0);
	ck_assert_int_eq(writeback_start(), -EBUSY);
	pattern(page, PAGE_SIZE, 21);
	ck_assert_int_eq(locked_write(a, page, PAGE_SIZE, 0),
			 (long)PAGE_SIZE);
	ck_assert_int_eq(buffer_get(bdev, 2000, 1024, &b), 0);
	pattern(b->data, 1024, 22);
	buffer_mark_dirty(b);
	buffer_put(b);
	msleep(4000);
	ck_assert_uint_eq(a->nr_dirty, 1);
	ck_assert(!host_has(0, PAGE_SIZE, 21));
	msleep(2000);
	ck_assert_uint_eq(a->nr_dirty, 0);
	ck_assert(host_has(0, PAGE_SIZE, 21));
	ck_assert(host_has(2000 * 1024, 1024, 22));
	ck_assert(!last_sync_wait);		/* a background pass */
	writeback_stop();
}

START_TEST(test_writeback_flusher_writes_after_5s)
{
	run_body(body_flusher);
}
END_TEST

static Suite *
pagecache_suite(void)
{
	Suite *s = suite_create("pagecache");
	TCase *tc = tcase_create("pagecache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_radix_tree_matches_a_sorted_model);
	tcase_add_test(tc, test_pagecache_write_then_writeback_reaches_disk);
	tcase_add_test(tc, test_pagecache_read_from_disk_limited_by_size);
	tcase_add_test(tc, test_pagecache_partial_write_reads_page_first);
	tcase_add_test(tc, test_pagecache_failed_prepare_ends_write_short);
	tcase_add_test(tc, test_pagecache_truncate_zeroes_tail_on_disk);
	tcase_add_test(tc, test_pagecache_truncate_drops_and_zeroes_cached);
	tcase_add_test(tc, test_pagecache_sparse_offsets_above_2_40);
	tcase_add_test(tc, test_pagecache_writeback_only_old_pages);
	tcase_add_test(tc, test_pagecache_dirty_counts);
	tcase_add_test(tc, test_pagecache_writepage_error_keeps_page_dirty);
	tcase_add_test(tc, test_pagecache_failed_background_write_retried);
	tcase_add_test(tc, test_pagecache_integrity_writeback_waits_for_others);
	tcase_add_test(tc, test_pagecache_readpage_error_not_cached);
	tcase_add_test(tc, test_pagecache_concurrent_readers_share_one_read);
	tcase_add_test(tc, test_pagecache_reclaim_only_clean_unreferenced);
	tcase_add_test(tc, test_pagecache_dirty_limit_throttles_writer);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_buffer_read_hits_and_misses);
	tcase_add_test(tc, test_buffer_get_zeroed_without_io);
	tcase_add_test(tc, test_buffer_sync_writes_sorted_and_merged);
	tcase_add_test(tc, test_buffer_sync_only_old_buffers);
	tcase_add_test(tc, test_buffer_write_error_stays_dirty);
	tcase_add_test(tc, test_buffer_forget_drops_everything);
	tcase_add_test(tc, test_buffer_forget_discards_dirty_data);
	tcase_add_test(tc, test_buffer_reclaim_frees_clean_unused);
	suite_add_tcase(s, tc);

	tc = tcase_create("writeback");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_writeback_sb_writes_pages_inodes_buffers);
	tcase_add_test(tc, test_writeback_inode_for_fsync);
	tcase_add_test(tc, test_writeback_vfs_sync_every_sb);
	tcase_add_test(tc, test_writeback_flusher_writes_after_5s);
	tcase_add_test(tc, test_writeback_throttled_writer_waits_for_flusher);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pagecache_suite());

	return unit_run(sr, CK_NORMAL);
}
