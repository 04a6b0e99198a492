/*
 * ext2 against images made or changed outside the kernel: trees put in by
 * `mke2fs -d` read back byte for byte with every stat field, htree
 * directories and extended attribute blocks from e2fsprogs, and images
 * with corrupt metadata or foreign features, which must be refused or
 * give -EIO with a message, never a crash.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/check_ext2.h"
#include "tests/unit/ext2_util.h"

static const char *img;
static const char *tree;

/* ---- host trees ---- */

static void
host_file(const char *rel, size_t size, off_t at, mode_t mode)
{
	char path[512];
	uint8_t *buf = malloc(size + 1);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ext2t_pattern(buf, size, (uint64_t)strlen(rel), 0);
	ck_assert_int_eq(pwrite(fd, buf, size, at), (ssize_t)size);
	fchmod(fd, mode);
	close(fd);
	free(buf);
}

static void
host_sh(const char *cmd)
{
	ck_assert_msg(ext2t_sh("cd '%s' && %s", tree, cmd) == 0, "%s", cmd);
}

/* A tree with every kind of file, some owners, modes and times. */
static void
make_host_tree(void)
{
	char target[300];

	tree = ext2t_path("tree");
	ext2t_sh("rm -rf '%s'", tree);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	host_sh("mkdir -p sub/deeper && chmod 700 sub/deeper");
	host_file("empty", 0, 0, 0644);
	host_file("small", 100, 0, 0640);
	host_file("k1", 1024, 0, 0600);
	host_file("mid", 50000, 0, 0644);
	host_file("big", 2500000, 0, 0644);
	host_file("sparse", 1000, 10 << 20, 0644);
	host_file("sub/deeper/suid", 10, 0, 04755);
	host_file("sub/hl1", 3000, 0, 0644);
	host_sh("ln sub/hl1 hl2 && ln -s small fastlink && mkfifo fifo");
	memset(target, 'q', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	ext2t_sh("cd '%s' && ln -s '%s' slowlink", tree, target);
	/* Devices and owners only when the host lets us (root). */
	if (ext2t_sh("cd '%s' && mknod cdev c 4 64 && mknod bdev b 259 300000"
		     " && chown 1234:5678 small sub && chown -h 7:8 fastlink",
		     tree) != 0)
		ext2t_sh("cd '%s' && rm -f cdev bdev", tree);
	host_sh("touch -h -d @1600000000 fastlink slowlink && "
		"touch -d @1600000001 empty small k1 mid big sparse fifo "
		"sub/hl1 sub/deeper/suid && touch -d @1600000002 sub/deeper "
		"sub . && ( [ ! -e cdev ] || touch -d @1600000003 cdev bdev )");
}

static int
scen_compare(void *arg)
{
	(void)arg;
	KOK(ext2t_mount(MNT_RDONLY));
	ext2t_compare_tree(tree, "/mnt", true);
	KOK(ext2t_umount());
	return 0;
}

static const char *const populate_opts[] = {
	"-b 1024 -I 128",
	"-b 4096 -I 256",
	"-r 0 -b 2048",
};

START_TEST(test_ext2_populated_image_reads_back)
{
	char opts[512];

	make_host_tree();
	snprintf(opts, sizeof(opts), "%s -d '%s'", populate_opts[_i], tree);
	img = ext2t_mkfs("pop.img", opts, 16384);
	ext2t_fsck_clean(img);
	ext2t_run_on(img, true, scen_compare, NULL);
}
END_TEST

/*
 * Read-ahead: a file of data runs and holes, with an odd size, read cold
 * in many patterns (pattern _i of the loop test) on a fresh mount each
 * time, must give the host's bytes: sequential in small and large steps,
 * backwards, strided, and the last bytes alone.
 */
#define RA_SIZE		(3 * 1048576 + 12345)

static const struct ra_pattern {
	long start, step, end;	/* offsets start, start+step, ... < end */
	size_t len;		/* bytes per read */
} ra_patterns[] = {
	{ 0, 1, 20000, 1 },			/* byte by byte */
	{ 0, 4095, RA_SIZE, 4095 },
	{ 0, 131072, RA_SIZE, 131072 },
	{ 0, 1048576, RA_SIZE, 1048576 },
	{ RA_SIZE - 4096, -4096, RA_SIZE, 4096 },	/* backwards */
	{ 5000, 300000, RA_SIZE, 70000 },	/* strided, unaligned */
	{ RA_SIZE - 7, 1, RA_SIZE, 100 },	/* the tail, past the end */
};

static int
scen_read_pattern(void *arg)
{
	const struct ra_pattern *pt = &ra_patterns[(uintptr_t)arg];
	char host[512];
	size_t cap = pt->len + 100;
	uint8_t *a = malloc(cap), *b = malloc(cap);
	long reads = 0;
	int fd;

	snprintf(host, sizeof(host), "%s/ra", tree);
	fd = open(host, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	KOK(ext2t_mount(MNT_RDONLY));
	for (long off = pt->start; off >= 0 && off < pt->end;
	     off += pt->step, reads++) {
		ssize_t n = pread(fd, a, pt->len, off);

		ck_assert_int_ge(n, 0);
		ck_assert_int_eq(ext2t_read("/mnt/ra", b, pt->len,
					    (uint64_t)off), (long)n);
		ck_assert_msg(memcmp(a, b, (size_t)n) == 0,
			      "pattern %lu: data at %ld",
			      (unsigned long)(uintptr_t)arg, off);
	}
	ck_assert_int_gt(reads, 0);
	KOK(ext2t_umount());
	close(fd);
	free(a);
	free(b);
	return 0;
}

/*
 * The block holding the end of the file has garbage past the end: a page
 * read with others must still keep zeros there, as a write further on in
 * the same page then shows.
 */
static int
scen_tail_zero(void *arg)
{
	static uint8_t buf[131072];
	uint8_t zero[100] = { 0 };

	(void)arg;
	KOK(ext2t_mount(0));
	for (uint64_t off = 0; off < RA_SIZE; off += sizeof(buf))
		ck_assert_int_gt(ext2t_read("/mnt/ra", buf, sizeof(buf), off),
				 0);
	KOK(ext2t_write("/mnt/ra", "x", 1, RA_SIZE + 100));
	ck_assert_int_eq(ext2t_read("/mnt/ra", buf, 100, RA_SIZE), 100);
	ck_assert_msg(memcmp(buf, zero, 100) == 0,
		      "bytes past the old end are not zeros");
	KOK(ext2t_umount());
	return 0;
}

/* Fill the on-disk block holding the end of /ra past that end with 0xaa. */
static void
dirty_tail_block(const char *image, unsigned int bsize)
{
	char req[64], *out;
	uint8_t junk[4096];
	unsigned long pblk;
	size_t in = RA_SIZE % bsize;

	snprintf(req, sizeof(req), "bmap /ra %lu",
		 (unsigned long)(RA_SIZE / bsize));
	out = ext2t_debugfs(image, req);
	pblk = strtoul(out, NULL, 10);
	free(out);
	ck_assert_uint_gt(pblk, 0);
	memset(junk, 0xaa, sizeof(junk));
	ext2t_poke(image, (uint64_t)pblk * bsize + in, junk, bsize - in);
}

START_TEST(test_ext2_read_patterns_cold)
{
	char host[512];
	uint8_t *buf = malloc(RA_SIZE);
	int fd;

	tree = ext2t_path("ratree");
	ext2t_sh("rm -rf '%s'", tree);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	snprintf(host, sizeof(host), "%s/ra", tree);
	fd = open(host, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ext2t_pattern(buf, RA_SIZE, 7, 0);
	/* Data runs of odd lengths with holes between them. */
	for (long off = 0; off < RA_SIZE; off += 200000) {
		size_t n = off + 150000 < RA_SIZE ? 150000 :
			   (size_t)(RA_SIZE - off);

		ck_assert_int_eq(pwrite(fd, buf + off, n, off), (ssize_t)n);
	}
	/* And data up to the odd end. */
	ck_assert_int_eq(pwrite(fd, buf + RA_SIZE - 5000, 5000,
				RA_SIZE - 5000), 5000);
	close(fd);
	free(buf);
	snprintf(host, sizeof(host), "-b %d -d '%s'", _i ? 1024 : 4096, tree);
	img = ext2t_mkfs("ra.img", host, 16384);
	for (uintptr_t k = 0; k < sizeof(ra_patterns) / sizeof(ra_patterns[0]);
	     k++)
		ext2t_run_on(img, true, scen_read_pattern, (void *)k);
	dirty_tail_block(img, _i ? 1024 : 4096);
	ext2t_run_on(img, false, scen_tail_zero, NULL);
}
END_TEST

/* After the kernel changed a populated image, the host still agrees. */
static int
scen_modify_populated(void *arg)
{
	uint8_t buf[5000];

	(void)arg;
	KOK(ext2t_mount(0));
	ext2t_compare_tree(tree, "/mnt", false);
	ext2t_pattern(buf, sizeof(buf), 99, 0);
	KOK(ext2t_write("/mnt/mid", buf, sizeof(buf), 70000));
	KOK(vfs_unlink(NULL, "/mnt/hl2"));
	KOK(vfs_rename(NULL, "/mnt/sub", NULL, "/mnt/sub2", 0));
	KOK(vfs_truncate(NULL, "/mnt/big", 1000));
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_populated_image_modified)
{
	char opts[512];
	char *out;

	make_host_tree();
	snprintf(opts, sizeof(opts), "-b 1024 -d '%s'", tree);
	img = ext2t_mkfs("popmod.img", opts, 16384);
	ext2t_run_on(img, false, scen_modify_populated, NULL);
	ext2t_fsck_clean(img);
	out = ext2t_debugfs(img, "stat /sub2/hl1");
	ck_assert_msg(strstr(out, "Links: 1") != NULL, "%s", out);
	free(out);
}
END_TEST

/* ---- htree directories from e2fsck -D ---- */

static int
scen_htree(void *arg)
{
	char path[64];

	(void)arg;
	KOK(ext2t_mount(0));
	for (int i = 0; i < 400; i += 3) {
		snprintf(path, sizeof(path), "/mnt/many/file-%d", i);
		KOK(vfs_unlink(NULL, path));
	}
	KOK(ext2t_write("/mnt/many/new", "n", 1, 0));
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_htree_directory_modified)
{
	char opts[512], *out;

	tree = ext2t_path("tree");
	ext2t_sh("rm -rf '%s'", tree);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	host_sh("mkdir many && cd many && for i in $(seq 0 399); do "
		": > file-$i; done");
	snprintf(opts, sizeof(opts), "-b 1024 -O dir_index -d '%s'", tree);
	img = ext2t_mkfs("htree.img", opts, 8192);
	ext2t_sh("e2fsck -fyD '%s' >/dev/null 2>&1", img);
	ext2t_fsck_clean(img);
	out = ext2t_debugfs(img, "stat /many");
	ck_assert_msg(strstr(out, "Flags: 0x1000") != NULL, "%s", out);
	free(out);
	ext2t_run_on(img, false, scen_htree, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- extended attribute blocks ---- */

static int
scen_xattr_make(void *arg)
{
	(void)arg;
	KOK(ext2t_mount(0));
	KOK(ext2t_write("/mnt/f", "f", 1, 0));
	KOK(ext2t_write("/mnt/g", "g", 1, 0));
	KOK(ext2t_umount());
	return 0;
}

static int
scen_xattr_unlink(void *arg)
{
	const char *name = arg;
	char path[32];

	snprintf(path, sizeof(path), "/mnt/%s", name);
	KOK(ext2t_mount(0));
	KOK(vfs_unlink(NULL, path));
	KOK(ext2t_umount());
	return 0;
}

static uint32_t
file_acl_of(const char *path)
{
	char req[64], *out, *p;
	uint32_t acl = 0;

	snprintf(req, sizeof(req), "stat %s", path);
	out = ext2t_debugfs(img, req);
	p = strstr(out, "File ACL: ");
	if (p != NULL)
		acl = (uint32_t)strtoul(p + 10, NULL, 10);
	free(out);
	return acl;
}

START_TEST(test_ext2_xattr_block_shared_and_freed)
{
	uint32_t acl;
	char req[128];

	img = ext2t_mkfs("xattr.img", "-b 1024 -I 128", 4096);
	ext2t_run_on(img, false, scen_xattr_make, NULL);
	ext2t_sh("debugfs -w -R 'ea_set /f user.test some-value' '%s' "
		 ">/dev/null 2>&1", img);
	acl = file_acl_of("/f");
	ck_assert_uint_ne(acl, 0);
	/* Share the block with /g: refcount 2, /g's i_blocks count it. */
	snprintf(req, sizeof(req), "sif /g file_acl %u", acl);
	ext2t_sh("debugfs -w -R '%s' '%s' >/dev/null 2>&1", req, img);
	ext2t_sh("debugfs -w -R 'sif /g blocks 4' '%s' >/dev/null 2>&1", img);
	ext2t_poke32(img, (uint64_t)acl * 1024 + 4, 2);
	ext2t_fsck_clean(img);
	ext2t_run_on(img, false, scen_xattr_unlink, (void *)"f");
	ext2t_fsck_clean(img);
	ck_assert_uint_eq(ext2t_peek32(img, (uint64_t)acl * 1024 + 4), 1);
	ext2t_run_on(img, false, scen_xattr_unlink, (void *)"g");
	ext2t_fsck_clean(img);
}
END_TEST

/* ---- corrupt images ---- */

/* Where things are in the corruption test's image. */
struct layout {
	uint32_t f_inode_off;		/* byte offset of /f's inode */
	uint32_t d_block;		/* /d's first block */
	uint32_t f_ind;			/* /f's indirect block */
};

static struct layout lay;

static uint32_t
debugfs_number(const char *req, const char *key)
{
	char *out = ext2t_debugfs(img, req), *p = strstr(out, key);
	uint32_t v;

	ck_assert_msg(p != NULL, "%s: no %s in %s", req, key, out);
	v = (uint32_t)strtoul(p + strlen(key), NULL, 0);
	free(out);
	return v;
}

static void
make_corruptible(void)
{
	char opts[512];

	tree = ext2t_path("tree");
	ext2t_sh("rm -rf '%s'", tree);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	host_sh("mkdir d && : > d/x && : > d/y");
	host_file("f", 20000, 0, 0644);
	snprintf(opts, sizeof(opts), "-b 1024 -I 128 -d '%s'", tree);
	img = ext2t_mkfs("bad.img", opts, 4096);
	lay.f_inode_off = debugfs_number("imap /f", "located at block ") *
			  1024 + debugfs_number("imap /f", "offset ");
	lay.d_block = debugfs_number("bmap /d 0", "");
	lay.f_ind = debugfs_number("stat /f", "(IND):");
}

/* Corruptions the mount must refuse, by patch: offset and value. */
struct patch {
	const char *what;
	uint64_t off;
	uint32_t value;
	int width;
};

static const struct patch sb_patches[] = {
	{ "magic", 1024 + 56, 0x1234, 2 },
	{ "log block size", 1024 + 24, 9, 4 },
	{ "blocks per group", 1024 + 32, 0, 4 },
	{ "inodes count", 1024 + 0, 1025, 4 },
	{ "inode size", 1024 + 88, 100, 2 },
	{ "first data block", 1024 + 20, 0, 4 },
	{ "blocks count", 1024 + 4, 0x7fffffff, 4 },
	{ "revision", 1024 + 76, 7, 4 },
	{ "inode table", 2048 + 8, 0xffffff, 4 },
	{ "block bitmap", 2048 + 0, 0, 4 },
	{ "incompat meta_bg", 1024 + 96, 0x12, 4 },
	{ "incompat needs_recovery", 1024 + 96, 0x6, 4 },
};

static int
scen_refused(void *arg)
{
	int *err = arg;

	*err = ext2t_mount(0);
	if (*err == 0)
		KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_corrupt_metadata_refused)
{
	const struct patch *p = &sb_patches[_i];
	int err = 0;

	make_corruptible();
	if (p->width == 2)
		ext2t_poke16(img, p->off, (uint16_t)p->value);
	else
		ext2t_poke32(img, p->off, p->value);
	fake_console_clear();
	ext2t_run_on(img, false, scen_refused, &err);
	ck_assert_msg(err == -EINVAL, "%s: mount gave %d", p->what, err);
	ck_assert_msg(strstr(fake_console, "ext2 (ubda)") != NULL,
		      "%s: no message: %s", p->what, fake_console);
}
END_TEST

START_TEST(test_ext2_corrupt_root_inode_refused)
{
	int err = 0;

	make_corruptible();
	/* Inode 2 is the second of the first inode table block. */
	ext2t_poke16(img, (uint64_t)ext2t_peek32(img, 2048 + 8) * 1024 + 128,
		     0x81a4);
	ext2t_run_on(img, false, scen_refused, &err);
	ck_assert_int_eq(err, -EINVAL);
}
END_TEST

/* Corruptions found after mounting: -EIO and a message. */
static int
scen_eio(void *arg)
{
	int which = (int)(uintptr_t)arg;
	char buf[2048];
	struct kstat st;
	int err;

	KOK(ext2t_mount(0));
	fake_console_clear();
	switch (which) {
	case 0:	/* /f's first block out of range */
	case 1:	/* /f's first block is the superblock */
		KERR(ext2t_read("/mnt/f", buf, 1024, 0), EIO);
		ck_assert_int_eq(vfs_unlink(NULL, "/mnt/f"), 0);
		break;
	case 2:	/* /f's type is no type */
		KERR(ext2t_lstat("/mnt/f", &st), EIO);
		break;
	case 3:	/* bad rec_len in /d */
	case 4:	/* inode number out of range in /d */
	case 5:	/* name_len past rec_len in /d */
		KERR(ext2t_count_dir("/mnt/d"), EIO);
		KERR(ext2t_lstat("/mnt/d/x", &st), EIO);
		KERR(vfs_mkdir(NULL, "/mnt/d/new", 0755), EIO);
		break;
	case 6:	/* /f's indirect block points out of range */
		ck_assert_int_eq(ext2t_read("/mnt/f", buf, 1024, 0), 1024);
		KERR(ext2t_read("/mnt/f", buf, 1024, 12 * 1024), EIO);
		err = vfs_truncate(NULL, "/mnt/f", 100);
		ck_assert(err == 0 || err == -EIO);
		break;
	case 7:	/* a directory entry names its own directory */
		KERR(ext2t_lstat("/mnt/d/loop", &st), EIO);
		KERR(ext2t_lstat("/mnt/d/loop/loop/x", &st), EIO);
		break;
	}
	ck_assert_msg(strstr(fake_console, "inode ") != NULL,
		      "case %d: no message naming the inode: %s", which,
		      fake_console);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_corrupt_inodes_and_blocks_eio)
{
	uint64_t d;

	make_corruptible();
	d = (uint64_t)lay.d_block * 1024;
	switch (_i) {
	case 0:
		ext2t_poke32(img, lay.f_inode_off + 40, 0xfffffff);
		break;
	case 1:
		ext2t_poke32(img, lay.f_inode_off + 40, 1);
		break;
	case 2:
		ext2t_poke16(img, lay.f_inode_off, 0xf1a4);
		break;
	case 3:
		ext2t_poke16(img, d + 4, 5);
		break;
	case 4:
		ext2t_poke32(img, d + 24, 0xffffff);
		break;
	case 5:
		ext2t_poke16(img, d + 12 + 6, 200);
		break;
	case 6:
		ext2t_poke32(img, (uint64_t)lay.f_ind * 1024, 0xffffff00);
		break;
	case 7:
		ext2t_sh("debugfs -w -R 'ln /d /d/loop' '%s' >/dev/null 2>&1",
			 img);
		break;
	}
	ext2t_run_on(img, false, scen_eio, (void *)(uintptr_t)_i);
}
END_TEST

/* A live inode that a corrupt bitmap calls free is not reused. */
static int
scen_live_inode(void *arg)
{
	static uint8_t buf[20000], want[20000];

	(void)arg;
	KOK(ext2t_mount(0));
	fake_console_clear();
	KOK(ext2t_write("/mnt/new", "new", 3, 0));
	ck_assert_msg(strstr(fake_console, "free in the inode bitmap") != NULL,
		      "%s", fake_console);
	ck_assert_int_eq(ext2t_read("/mnt/f", buf, sizeof(buf), 0), 20000);
	ext2t_pattern(want, sizeof(want), 1, 0);
	ck_assert(memcmp(buf, want, sizeof(want)) == 0);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_corrupt_inode_bitmap_spares_live_inode)
{
	uint32_t ino, bitmap;
	uint8_t byte;

	make_corruptible();
	ino = debugfs_number("stat /f", "Inode: ");
	bitmap = ext2t_peek32(img, 2048 + 4);
	ext2t_peek(img, (uint64_t)bitmap * 1024 + (ino - 1) / 8, &byte, 1);
	byte &= (uint8_t)~(1U << ((ino - 1) % 8));
	ext2t_poke(img, (uint64_t)bitmap * 1024 + (ino - 1) / 8, &byte, 1);
	ext2t_run_on(img, false, scen_live_inode, NULL);
}
END_TEST

/* ---- foreign features and states ---- */

static int
scen_plain(void *arg)
{
	uint8_t buf[3000];

	(void)arg;
	KOK(ext2t_mount(0));
	KOK(vfs_mkdir(NULL, "/mnt/d", 0755));
	ext2t_pattern(buf, sizeof(buf), 5, 0);
	KOK(ext2t_write("/mnt/d/f", buf, sizeof(buf), 100000));
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_ext4_image_refused)
{
	int err = 0;

	img = ext2t_path("ext4.img");
	ck_assert_int_eq(ext2t_sh("mke2fs -q -F -t ext4 '%s' 8M >/dev/null "
				  "2>&1", img), 0);
	fake_console_clear();
	ext2t_run_on(img, false, scen_refused, &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_msg(strstr(fake_console, "extent") != NULL, "%s",
		      fake_console);
}
END_TEST

/* An ext3 image without a journal to replay is an ext2 one to us. */
START_TEST(test_ext2_clean_ext3_image_mounts)
{
	img = ext2t_path("ext3.img");
	ck_assert_int_eq(ext2t_sh("mke2fs -q -F -t ext3 '%s' 8M >/dev/null "
				  "2>&1", img), 0);
	ext2t_run_on(img, false, scen_plain, NULL);
	ext2t_fsck_clean(img);
}
END_TEST

static int
scen_ro_compat(void *arg)
{
	struct file *f;

	(void)arg;
	KOK(ext2t_mount(0));
	KERR(vfs_mkdir(NULL, "/mnt/d", 0755), EROFS);
	KERR(vfs_open(NULL, "/mnt/x", KO_CREAT | KO_WRONLY, 0644, &f), EROFS);
	KERR(vfs_remount("/mnt", 0), EROFS);
	KOK(ext2t_umount());
	return 0;
}

START_TEST(test_ext2_unknown_ro_compat_mounts_read_only)
{
	img = ext2t_mkfs("rocompat.img", "-b 1024", 4096);
	ext2t_poke32(img, 1024 + 100, ext2t_peek32(img, 1024 + 100) | 0x20);
	ck_assert_int_eq(ext2t_sh("cp '%s' '%s'", img, ext2t_path("rc.copy")),
			 0);
	fake_console_clear();
	ext2t_run_on(img, false, scen_ro_compat, NULL);
	ck_assert_msg(strstr(fake_console, "dir_nlink") != NULL, "%s",
		      fake_console);
	ck_assert_msg(strstr(fake_console, "read-only") != NULL, "%s",
		      fake_console);
	ck_assert_int_eq(ext2t_sh("cmp -s '%s' '%s'", img,
				  ext2t_path("rc.copy")), 0);
}
END_TEST

START_TEST(test_ext2_error_state_mounts_with_warning)
{
	img = ext2t_mkfs("errors.img", "-b 1024", 4096);
	ext2t_poke16(img, 1024 + 58, 3);
	fake_console_clear();
	ext2t_run_on(img, false, scen_plain, NULL);
	ck_assert_msg(strstr(fake_console, "errors") != NULL, "%s",
		      fake_console);
	ck_assert_int_eq(ext2t_peek32(img, 1024 + 56) >> 16, 3);
}
END_TEST

TCase *
ext2_images_tcase(void (*setup)(void))
{
	TCase *tc = tcase_create("images");

	tcase_add_unchecked_fixture(tc, ext2t_tmpdir_create,
				    ext2t_tmpdir_remove);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_ext2_populated_image_reads_back, 0,
			    sizeof(populate_opts) / sizeof(populate_opts[0]));
	tcase_add_test(tc, test_ext2_populated_image_modified);
	tcase_add_loop_test(tc, test_ext2_read_patterns_cold, 0, 2);
	tcase_add_test(tc, test_ext2_htree_directory_modified);
	tcase_add_test(tc, test_ext2_xattr_block_shared_and_freed);
	tcase_add_loop_test(tc, test_ext2_corrupt_metadata_refused, 0,
			    sizeof(sb_patches) / sizeof(sb_patches[0]));
	tcase_add_test(tc, test_ext2_corrupt_root_inode_refused);
	tcase_add_loop_test(tc, test_ext2_corrupt_inodes_and_blocks_eio, 0, 8);
	tcase_add_test(tc, test_ext2_corrupt_inode_bitmap_spares_live_inode);
	tcase_add_test(tc, test_ext2_ext4_image_refused);
	tcase_add_test(tc, test_ext2_clean_ext3_image_mounts);
	tcase_add_test(tc, test_ext2_unknown_ro_compat_mounts_read_only);
	tcase_add_test(tc, test_ext2_error_state_mounts_with_warning);
	return tc;
}
