/*
 * tmpfs: a filesystem in memory.  This file holds the super block (mount
 * options size=, nr_inodes=, mode=, uid=, gid=; statfs), the inodes and
 * the data of regular files, which live in the page cache: readpage
 * fills holes with zeros and there is no writepage, so the page cache
 * keeps the pages for as long as the file has them.  Directories are in
 * fs/tmpfs_dir.c.
 *
 * Space is counted in the pages that hold data: written pages stay dirty
 * for as long as the file has them (inode->nr_dirty, brought up to date
 * after every write and truncate), while zero pages that reading a hole
 * put in the cache stay clean and reclaimable.  A write that finds the
 * limit reached may still overwrite pages with data; any other page gets
 * -ENOSPC, and the write returns what it managed before.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/page.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/devices.h"
#include "fs/internal.h"
#include "fs/pagecache.h"
#include "fs/tmpfs.h"

static const struct super_ops tmpfs_super_ops;
static const struct inode_ops tmpfs_file_iops;
static const struct inode_ops tmpfs_symlink_iops;
static const struct inode_ops tmpfs_special_iops;
static const struct file_ops tmpfs_file_ops;
static const struct page_cache_ops tmpfs_pcops;

void
tmpfs_touch(struct inode *inode)
{
	inode->mtime = inode->ctime = vfs_now();
}

/* ---- space accounting ---- */

/* Count inode's pages with data as they are now; inode->lock held. */
static void
tmpfs_account(struct inode *inode)
{
	struct tmpfs_sb *sbi = TMPFS_SB(inode->sb);
	struct tmpfs_inode *ti = TMPFS_I(inode);
	uint64_t nr = inode->nr_dirty;

	mutex_lock(&inode->sb->lock);
	sbi->used_pages += nr - ti->acct_pages;
	ti->acct_pages = nr;
	mutex_unlock(&inode->sb->lock);
	inode->blocks = nr * (PAGE_SIZE / 512);
}

/* True if even a write of all new pages over [pos, pos+len) fits. */
static bool
tmpfs_room(struct inode *inode, uint64_t pos, size_t len)
{
	struct tmpfs_sb *sbi = TMPFS_SB(inode->sb);
	uint64_t pages = (pos + len - 1) / PAGE_SIZE - pos / PAGE_SIZE + 1;
	bool room;

	mutex_lock(&inode->sb->lock);
	room = sbi->max_pages == 0 || sbi->used_pages + pages <= sbi->max_pages;
	mutex_unlock(&inode->sb->lock);
	return room;
}

/* May a write touch page index?  -ENOSPC if it holds no data yet and
 * space is out. */
static int
tmpfs_reserve(struct inode *inode, uint64_t index)
{
	struct page *page;
	bool has_data;
	int err;

	if (tmpfs_room(inode, index * PAGE_SIZE, 1))
		return 0;
	/* A page of zeros read into the cache stays clean: reclaimable. */
	err = pagecache_get(inode, index, true, &page);
	if (err != 0)
		return err;
	has_data = (page->flags & PG_DIRTY) != 0;
	pagecache_put(page);
	return has_data ? 0 : -ENOSPC;
}

/* Write len bytes at pos, page by page once space is short. */
static long
tmpfs_write_pages(struct inode *inode, const char *buf, size_t len,
		  uint64_t pos)
{
	size_t done = 0, chunk;
	long n = 0;

	if (tmpfs_room(inode, pos, len)) {
		n = pagecache_write(inode, buf, len, pos);
		tmpfs_account(inode);
		return n;
	}
	while (done < len) {
		chunk = MIN(len - done, PAGE_SIZE - (pos + done) % PAGE_SIZE);
		n = tmpfs_reserve(inode, (pos + done) / PAGE_SIZE);
		if (n == 0)
			n = pagecache_write(inode, buf + done, chunk,
					    pos + done);
		tmpfs_account(inode);
		if (n <= 0)
			break;
		done += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	return done > 0 ? (long)done : n;
}

static long
tmpfs_file_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct inode *inode = f->inode;
	long n;

	mutex_lock(&inode->lock);
	n = generic_write_checks(f, pos, &len);
	if (n == 0 && len > 0)
		n = tmpfs_write_pages(inode, buf, len, *pos);
	if (n > 0)
		*pos += (uint64_t)n;
	mutex_unlock(&inode->lock);
	return n;
}

static int
tmpfs_truncate(struct inode *inode, uint64_t size)
{
	(void)size;
	tmpfs_account(inode);	/* the VFS dropped the pages past size */
	return 0;
}

static int
tmpfs_readpage(struct inode *inode, uint64_t index, void *page)
{
	(void)inode;
	(void)index;
	memset(page, 0, PAGE_SIZE);
	return 0;
}

static int
tmpfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = MIN(size, inode->size);

	memcpy(buf, TMPFS_I(inode)->target, n);
	return (int)n;
}

/* ---- inodes ---- */

static struct inode *
tmpfs_alloc_inode(struct super_block *sb)
{
	struct tmpfs_inode *ti = kzalloc(sizeof(*ti));

	(void)sb;
	if (ti == NULL)
		return NULL;
	list_init(&ti->entries);
	ti->next_cookie = TMPFS_FIRST_COOKIE;
	return &ti->vfs;
}

static void
tmpfs_free_inode(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	if (KS_ISDIR(inode->mode))
		tmpfs_dir_free(inode);
	kfree(ti->target);
	kfree(ti);
}

static void
tmpfs_evict_inode(struct inode *inode)
{
	struct tmpfs_sb *sbi = TMPFS_SB(inode->sb);

	mutex_lock(&inode->sb->lock);
	sbi->used_pages -= TMPFS_I(inode)->acct_pages;
	sbi->nr_inodes--;
	mutex_unlock(&inode->sb->lock);
}

/* Give a new inode the operations of its type. */
static void
tmpfs_set_ops(struct inode *inode)
{
	switch (inode->mode & KS_IFMT) {
	case KS_IFREG:
		inode->iops = &tmpfs_file_iops;
		inode->fops = &tmpfs_file_ops;
		inode->pcops = &tmpfs_pcops;
		break;
	case KS_IFDIR:
		inode->iops = &tmpfs_dir_iops;
		inode->size = 2 * TMPFS_DIRENT_SIZE;
		inode->nlink = 2;
		break;
	case KS_IFLNK:
		inode->iops = &tmpfs_symlink_iops;
		break;
	default:
		init_special_inode(inode, inode->mode, inode->rdev);
		inode->iops = &tmpfs_special_iops;
		break;
	}
}

/* Count one more inode and give it a number. */
static int
tmpfs_take_ino(struct super_block *sb, uint64_t *ino)
{
	struct tmpfs_sb *sbi = TMPFS_SB(sb);
	int err = 0;

	mutex_lock(&sb->lock);
	if (sbi->max_inodes != 0 && sbi->nr_inodes >= sbi->max_inodes) {
		err = -ENOSPC;
	} else {
		sbi->nr_inodes++;
		*ino = sbi->next_ino++;
	}
	mutex_unlock(&sb->lock);
	return err;
}

int
tmpfs_new_inode(struct super_block *sb, struct inode *dir, uint32_t mode,
		uint32_t rdev, const struct cred *cr, struct inode **out)
{
	struct inode *inode;
	uint64_t ino;
	int err;

	err = tmpfs_take_ino(sb, &ino);
	if (err != 0)
		return err;
	err = inode_new(sb, ino, &inode);
	if (err != 0) {
		mutex_lock(&sb->lock);
		TMPFS_SB(sb)->nr_inodes--;
		mutex_unlock(&sb->lock);
		return err;
	}
	inode_init_owner(inode, dir, mode, cr);
	inode->nlink = 1;
	inode->rdev = rdev;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	tmpfs_set_ops(inode);
	*out = inode;
	return 0;
}

/* ---- the super block ---- */

/* Parse a number with an optional k/m/g suffix (and % for size=). */
static int
tmpfs_parse_num(const char *s, size_t len, bool percent, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || i + 1 < len)
		return -EINVAL;
	if (i == len) {
		*out = v;
		return 0;
	}
	switch (s[i]) {
	case 'k': case 'K': *out = v << 10; return 0;
	case 'm': case 'M': *out = v << 20; return 0;
	case 'g': case 'G': *out = v << 30; return 0;
	case '%':
		if (!percent || v > 100)
			return -EINVAL;
		*out = nr_frames * PAGE_SIZE / 100 * v;
		return 0;
	default:
		return -EINVAL;
	}
}

static int
tmpfs_parse_octal(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '7' || v > max / 8)
			return -EINVAL;
		v = v * 8 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return v <= max ? 0 : -EINVAL;
}

/* If opt is key=value, point *val at the value. */
static bool
tmpfs_opt_is(const char *opt, size_t len, const char *key, const char **val,
	     size_t *vlen)
{
	size_t klen = strlen(key);

	if (len <= klen || strncmp(opt, key, klen) != 0 || opt[klen] != '=')
		return false;
	*val = opt + klen + 1;
	*vlen = len - klen - 1;
	return true;
}

static int
tmpfs_option(struct tmpfs_sb *sbi, const char *opt, size_t len)
{
	const char *v;
	uint64_t n;
	size_t vlen;
	int err = -EINVAL;

	if (tmpfs_opt_is(opt, len, "size", &v, &vlen)) {
		err = tmpfs_parse_num(v, vlen, true, &n);
		sbi->max_pages = DIV_ROUND_UP(n, PAGE_SIZE);
	} else if (tmpfs_opt_is(opt, len, "nr_inodes", &v, &vlen)) {
		err = tmpfs_parse_num(v, vlen, false, &sbi->max_inodes);
	} else if (tmpfs_opt_is(opt, len, "mode", &v, &vlen)) {
		err = tmpfs_parse_octal(v, vlen, 07777, &sbi->root_mode);
	} else if (tmpfs_opt_is(opt, len, "uid", &v, &vlen)) {
		err = tmpfs_parse_num(v, vlen, false, &n);
		sbi->root_uid = (uint32_t)n;
	} else if (tmpfs_opt_is(opt, len, "gid", &v, &vlen)) {
		err = tmpfs_parse_num(v, vlen, false, &n);
		sbi->root_gid = (uint32_t)n;
	}
	if (err != 0)
		pr_err("tmpfs: bad mount option \"%.*s\"\n", (int)len, opt);
	return err;
}

/* Parse "opt,opt,..." into sbi. */
static int
tmpfs_parse_options(struct tmpfs_sb *sbi, const char *opts)
{
	const char *end;
	int err;

	while (*opts != '\0') {
		end = strchr(opts, ',');
		if (end == NULL)
			end = opts + strlen(opts);
		if (end > opts) {
			err = tmpfs_option(sbi, opts, (size_t)(end - opts));
			if (err != 0)
				return err;
		}
		opts = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* Make the root directory. */
static int
tmpfs_make_root(struct super_block *sb)
{
	struct tmpfs_sb *sbi = TMPFS_SB(sb);
	struct cred cr = { .fsuid = sbi->root_uid, .fsgid = sbi->root_gid };
	struct inode *root;
	int err;

	err = tmpfs_new_inode(sb, NULL, KS_IFDIR | sbi->root_mode, 0, &cr,
			      &root);
	if (err != 0)
		return err;
	TMPFS_I(root)->parent_ino = root->ino;
	inode_ready(root);
	sb->root = root;
	return 0;
}

int
tmpfs_fill_super(struct super_block *sb, const char *options)
{
	struct tmpfs_sb *sbi = kzalloc(sizeof(*sbi));
	int err;

	if (sbi == NULL)
		return -ENOMEM;
	/* Linux's defaults: half of memory, as many inodes as pages. */
	sbi->max_pages = nr_frames / 2;
	sbi->max_inodes = nr_frames / 2;
	sbi->root_mode = 01777;
	sbi->next_ino = 1;
	err = tmpfs_parse_options(sbi, options);
	if (err != 0)
		goto out_free;
	sb->fs_info = sbi;
	sb->ops = &tmpfs_super_ops;
	sb->magic = KTMPFS_MAGIC;
	sb->block_size = PAGE_SIZE;
	sb->flags = SB_KEEP_INODES;
	err = tmpfs_make_root(sb);
	if (err == 0)
		return 0;
	sb->fs_info = NULL;
out_free:
	kfree(sbi);
	return err;
}

static int
tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb *sbi = TMPFS_SB(sb);

	mutex_lock(&sb->lock);
	st->f_blocks = sbi->max_pages;
	st->f_bfree = sbi->max_pages > sbi->used_pages
		      ? sbi->max_pages - sbi->used_pages : 0;
	st->f_files = sbi->max_inodes;
	st->f_ffree = sbi->max_inodes > sbi->nr_inodes
		      ? sbi->max_inodes - sbi->nr_inodes : 0;
	mutex_unlock(&sb->lock);
	st->f_type = KTMPFS_MAGIC;
	st->f_bsize = st->f_frsize = PAGE_SIZE;
	st->f_bavail = st->f_bfree;
	st->f_namelen = VFS_NAME_MAX;
	return 0;
}

static void
tmpfs_put_super(struct super_block *sb)
{
	kfree(sb->fs_info);
	sb->fs_info = NULL;
}

static const struct super_ops tmpfs_super_ops = {
	.alloc_inode = tmpfs_alloc_inode,
	.free_inode = tmpfs_free_inode,
	.evict_inode = tmpfs_evict_inode,
	.put_super = tmpfs_put_super,
	.statfs = tmpfs_statfs,
};

static const struct inode_ops tmpfs_file_iops = {
	.truncate = tmpfs_truncate,
};

static const struct inode_ops tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
};

static const struct file_ops tmpfs_file_ops = {
	.read = generic_file_read,
	.write = tmpfs_file_write,
	.fsync = generic_file_fsync,
};

static const struct page_cache_ops tmpfs_pcops = {
	.readpage = tmpfs_readpage,
};

static struct fs_type tmpfs_fs_type = {
	.name = "tmpfs",
	.fill_super = tmpfs_fill_super,
};

int
tmpfs_register(void)
{
	return vfs_register_fs(&tmpfs_fs_type);
}
