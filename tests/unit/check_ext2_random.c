/*
 * A seeded randomized differential test of ext2: thousands of operations
 * (writes at random offsets, truncates, creates, renames, links, unlinks,
 * symlinks, mkdir, rmdir) are applied both to a host directory, the
 * model, and to the ext2 image through the VFS; every result (0 or the
 * errno) must agree.  At the end both trees must agree on names, types,
 * sizes, link counts and contents, before and after a remount, and
 * e2fsck must find nothing.  The seed is printed so a failure can be
 * replayed (EXT2_SEED=n); EXT2_OPS=n runs longer, EXT2_TRACE=1 logs
 * every operation.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/vfs.h"
#include "tests/unit/check_ext2.h"
#include "tests/unit/ext2_util.h"
#include "tests/unit/unit.h"

#define RANDOM_OPS	3000
#define MAX_WRITE	16384

static const char *const rdirs[] = { "", "/a", "/b", "/a/c", "/b/d",
				     "/a/c/e" };
static const char *const rnames[] = { "f0", "f1", "f2", "f3", "a", "b", "c",
				      "d", "e" };

static const char *model;
static uint8_t wbuf[MAX_WRITE];

struct rop {
	int kind;
	char p1[64], p2[64];
	uint64_t off;
	size_t len;
	unsigned int flags;
};

enum {
	OP_WRITE, OP_TRUNCATE, OP_MKDIR, OP_RMDIR, OP_UNLINK, OP_RENAME,
	OP_LINK, OP_SYMLINK, OP_CREATE, OP_SYNC, OP_KINDS
};

static const char *const op_names[] = {
	"write", "truncate", "mkdir", "rmdir", "unlink", "rename", "link",
	"symlink", "create", "sync",
};

static void
random_path(char *p, size_t size)
{
	snprintf(p, size, "%s/%s", rdirs[unit_rng() % 6], rnames[unit_rng() %
								   9]);
}

static int
random_kind(void)
{
	static const int weights[OP_KINDS] = { 30, 8, 10, 6, 10, 12, 7, 5, 7,
					       1 };
	int r = (int)(unit_rng() % 96);

	for (int k = 0; k < OP_KINDS; k++) {
		if (r < weights[k])
			return k;
		r -= weights[k];
	}
	return OP_WRITE;
}

static uint64_t
random_offset(void)
{
	switch (unit_rng() % 10) {
	case 0:
		return unit_rng() % (4 << 20);
	case 1:
	case 2:
		return unit_rng() % (300 << 10);
	default:
		return unit_rng() % (40 << 10);
	}
}

static void
random_op(struct rop *op)
{
	static const unsigned int rflags[] = { 0, 0, 0, 0, 0, 0,
					       KRENAME_NOREPLACE,
					       KRENAME_EXCHANGE };

	memset(op, 0, sizeof(*op));
	op->kind = random_kind();
	random_path(op->p1, sizeof(op->p1));
	random_path(op->p2, sizeof(op->p2));
	op->off = op->kind == OP_TRUNCATE && unit_rng() % 4 == 0 ?
		  unit_rng() % (3 << 20) : random_offset();
	op->len = 1 + unit_rng() % MAX_WRITE;
	op->flags = rflags[unit_rng() % 8];
	/* Targets stay in the link's directory: a ".." could leave the
	 * model (and /mnt) after the link moved to the top. */
	if (op->kind == OP_SYMLINK)
		snprintf(op->p2, sizeof(op->p2), "%s", rnames[unit_rng() % 9]);
}

/* ---- the model ---- */

static int
host_err(int r)
{
	return r < 0 ? -errno : 0;
}

static int
host_write(const char *path, const struct rop *op)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pwrite(fd, wbuf, op->len, (off_t)op->off);
	close(fd);
	return n < 0 ? -errno : 0;
}

static int
host_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int
host_apply(const struct rop *op)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s%s", model, op->p1);
	snprintf(b, sizeof(b), "%s%s", model, op->p2);
	switch (op->kind) {
	case OP_WRITE:
		return host_write(a, op);
	case OP_TRUNCATE:
		return host_err(truncate(a, (off_t)op->off));
	case OP_MKDIR:
		return host_err(mkdir(a, 0755));
	case OP_RMDIR:
		return host_err(rmdir(a));
	case OP_UNLINK:
		return host_err(unlink(a));
	case OP_RENAME:
		return host_err(renameat2(AT_FDCWD, a, AT_FDCWD, b,
					  op->flags));
	case OP_LINK:
		return host_err(link(a, b));
	case OP_SYMLINK:
		return host_err(symlink(op->p2, a));
	case OP_CREATE:
		return host_create(a);
	}
	return 0;
}

/* ---- the kernel ---- */

static int
kernel_create(const char *path)
{
	struct file *f;
	int err;

	err = vfs_open(NULL, path, KO_WRONLY | KO_CREAT | KO_EXCL, 0600, &f);
	if (err == 0)
		file_put(f);
	return err;
}

static int
kernel_apply(const struct rop *op)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "/mnt%s", op->p1);
	snprintf(b, sizeof(b), "/mnt%s", op->p2);
	switch (op->kind) {
	case OP_WRITE:
		return ext2t_write(a, wbuf, op->len, op->off);
	case OP_TRUNCATE:
		return vfs_truncate(NULL, a, op->off);
	case OP_MKDIR:
		return vfs_mkdir(NULL, a, 0755);
	case OP_RMDIR:
		return vfs_rmdir(NULL, a);
	case OP_UNLINK:
		return vfs_unlink(NULL, a);
	case OP_RENAME:
		return vfs_rename(NULL, a, NULL, b, op->flags);
	case OP_LINK:
		return vfs_link(NULL, a, NULL, b, 0);
	case OP_SYMLINK:
		return vfs_symlink(op->p2, NULL, a);
	case OP_CREATE:
		return kernel_create(a);
	case OP_SYNC:
		return vfs_sync();
	}
	return 0;
}

static int
scen_random(void *arg)
{
	uint64_t seed = *(uint64_t *)arg;
	const char *env = getenv("EXT2_OPS");
	int nops = env != NULL ? atoi(env) : RANDOM_OPS;
	struct rop op;
	int h, k;

	unit_rng_seed(seed);
	KOK(ext2t_mount(0));
	for (int i = 0; i < nops; i++) {
		random_op(&op);
		ext2t_pattern(wbuf, op.len, (uint64_t)i, op.off);
		h = host_apply(&op);
		k = kernel_apply(&op);
		if (getenv("EXT2_TRACE") != NULL)
			fprintf(stderr, "op %d: %s %s %s off %llu flags %u: "
				"%d %d\n", i, op_names[op.kind], op.p1, op.p2,
				(unsigned long long)op.off, op.flags, h, k);
		ck_assert_msg(h == k, "seed %llu op %d: %s %s %s off %llu "
			      "flags %u: host %d, ext2 %d",
			      (unsigned long long)seed, i, op_names[op.kind],
			      op.p1, op.p2, (unsigned long long)op.off,
			      op.flags, h, k);
	}
	ext2t_compare_tree(model, "/mnt", false);
	KOK(ext2t_umount());
	return 0;
}

static int
scen_compare_again(void *arg)
{
	(void)arg;
	KOK(ext2t_mount(MNT_RDONLY));
	ext2t_compare_tree(model, "/mnt", false);
	KOK(ext2t_umount());
	return 0;
}

static const char *const random_layouts[] = {
	"-b 1024 -I 128",
	"-b 4096 -I 256",
	"-r 0 -b 2048",
};

START_TEST(test_ext2_random_differential)
{
	const char *env = getenv("EXT2_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 0) :
			0x5eed0000ULL + (uint64_t)_i;
	struct block_device *bdev;
	const char *img;

	fprintf(stderr, "ext2 random test: seed %llu, layout %s\n",
		(unsigned long long)seed, random_layouts[_i]);
	model = ext2t_path("model");
	ext2t_sh("rm -rf '%s'", model);
	ck_assert_int_eq(mkdir(model, 0755), 0);
	img = ext2t_mkfs("random.img", random_layouts[_i], 65536);
	bdev = ext2t_disk(img, false);
	ck_assert_int_eq(ext2t_run(scen_random, &seed), 0);
	ext2t_fsck_clean(img);
	ck_assert_int_eq(ext2t_run(scen_compare_again, NULL), 0);
	ext2t_disk_close(bdev);
}
END_TEST

/* One operation of the full-disk test on a random name; its result. */
static int
full_disk_op(int i)
{
	char path[300];
	uint64_t r = unit_rng();
	int kind = (int)(r % 10);

	snprintf(path, sizeof(path), "/mnt/d%d/%s%d", (int)(r >> 8) % 3,
		 kind == 8 ? "a-rather-long-name-that-fills-blocks-" : "f",
		 (int)(r >> 16) % (kind == 8 ? 200 : 12));
	if (kind < 6) {
		size_t len = 4096 + (size_t)(r >> 24) % (MAX_WRITE - 4096);

		ext2t_pattern(wbuf, len, (uint64_t)i, 0);
		return ext2t_write(path, wbuf, len, (r >> 40) % (512 << 10));
	}
	if (kind == 6)
		return vfs_truncate(NULL, path, (r >> 40) % (256 << 10));
	if (kind == 7)
		return vfs_unlink(NULL, path);
	if (kind == 8)
		return ext2t_write(path, "x", 1, 0);
	snprintf(path, sizeof(path), "/mnt/d%d/s%d", (int)(r >> 8) % 3,
		 (int)(r >> 16) % 50);
	return vfs_mkdir(NULL, path, 0755);
}

/*
 * A disk too small for what is written to it: allocations keep failing
 * half way (data blocks, indirect blocks, directory blocks, inodes), in
 * the call that needs them and never at write-back, and whatever happened
 * e2fsck must find a consistent file system.
 */
static int
scen_random_full(void *arg)
{
	int nospc = 0;

	unit_rng_seed(*(uint64_t *)arg);
	KOK(ext2t_mount(0));
	for (int d = 0; d < 3; d++) {
		char path[32];

		snprintf(path, sizeof(path), "/mnt/d%d", d);
		KOK(vfs_mkdir(NULL, path, 0755));
	}
	for (int i = 0; i < RANDOM_OPS; i++) {
		nospc += full_disk_op(i) == -ENOSPC;
		/* The writes had their blocks: write-back cannot fail. */
		if (i % 16 == 0)
			KOK(vfs_sync());
	}
	fprintf(stderr, "ext2 full-disk test: %d ENOSPC\n", nospc);
	ck_assert_int_gt(nospc, 10);
	ext2t_umount();
	return 0;
}

START_TEST(test_ext2_random_full_disk)
{
	const char *env = getenv("EXT2_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 0) :
			0xf011ULL + (uint64_t)_i;
	struct block_device *bdev;
	const char *img;

	img = ext2t_mkfs("full.img", _i == 0 ? "-b 1024 -N 96 -m 0" :
			 "-b 4096 -N 64 -m 0", 1024);
	bdev = ext2t_disk(img, false);
	ck_assert_int_eq(ext2t_run(scen_random_full, &seed), 0);
	ext2t_disk_close(bdev);
	ext2t_fsck_clean(img);
}
END_TEST

TCase *
ext2_random_tcase(void (*setup)(void))
{
	TCase *tc = tcase_create("random");

	tcase_add_unchecked_fixture(tc, ext2t_tmpdir_create,
				    ext2t_tmpdir_remove);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_ext2_random_differential, 0,
			    sizeof(random_layouts) /
			    sizeof(random_layouts[0]));
	tcase_add_loop_test(tc, test_ext2_random_full_disk, 0, 2);
	return tc;
}
