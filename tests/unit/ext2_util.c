/*
 * Helpers of the ext2 Check suite (see ext2_util.h): the host side makes
 * and checks images with e2fsprogs; the kernel side mounts them on the
 * fake machine and runs scenarios in a kernel thread while the test body,
 * as the idle task, lets the scheduler run until the thread is done.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/kthread.h"
#include "core/sched.h"
#include "core/timer.h"
#include "fs/buffer.h"
#include "fs/filesystems.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/ext2_util.h"

char ext2t_dir[256];

/* ---- host side ---- */

void
ext2t_tmpdir_create(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(ext2t_dir, sizeof(ext2t_dir), "%s/check_ext2.XXXXXX",
		 tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(ext2t_dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

void
ext2t_tmpdir_remove(void)
{
	if (ext2t_dir[0] != '\0')
		ext2t_sh("rm -rf '%s'", ext2t_dir);
}

const char *
ext2t_path(const char *name)
{
	static char bufs[4][512];
	static int next;
	char *p = bufs[next++ % 4];

	snprintf(p, sizeof(bufs[0]), "%s/%s", ext2t_dir, name);
	return p;
}

int
ext2t_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

const char *
ext2t_mkfs(const char *name, const char *opts, unsigned long kib)
{
	const char *img = ext2t_path(name);
	int st;

	unlink(img);
	st = ext2t_sh("mke2fs -q -F -t ext2 %s '%s' %luk >'%s.mkfs' 2>&1",
		      opts, img, kib, img);
	ck_assert_msg(st == 0, "mke2fs %s failed: %d", opts, st);
	return img;
}

/* The whole of a host file, NUL-terminated (malloc'd). */
static char *
ext2t_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, (1 << 16) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

void
ext2t_fsck_clean(const char *img)
{
	char log[600];
	char *out;
	int st;

	snprintf(log, sizeof(log), "%s.fsck", img);
	st = ext2t_sh("e2fsck -fn '%s' >'%s' 2>&1", img, log);
	if (st == 0)
		return;
	out = ext2t_slurp(log);
	fprintf(stderr, "e2fsck -fn %s: status %d\n%s\n", img, st, out);
	ck_abort_msg("e2fsck found problems (status %d): %.900s", st, out);
}

char *
ext2t_debugfs(const char *img, const char *req)
{
	char out[600];

	snprintf(out, sizeof(out), "%s.debugfs", img);
	ext2t_sh("debugfs -R '%s' '%s' >'%s' 2>/dev/null", req, img, out);
	return ext2t_slurp(out);
}

void
ext2t_peek(const char *img, uint64_t off, void *buf, size_t len)
{
	int fd = open(img, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void
ext2t_poke(const char *img, uint64_t off, const void *buf, size_t len)
{
	int fd = open(img, O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

uint32_t
ext2t_peek32(const char *img, uint64_t off)
{
	uint8_t b[4];

	ext2t_peek(img, off, b, 4);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

void
ext2t_poke32(const char *img, uint64_t off, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	ext2t_poke(img, off, b, 4);
}

void
ext2t_poke16(const char *img, uint64_t off, uint16_t v)
{
	uint8_t b[2] = { v, v >> 8 };

	ext2t_poke(img, off, b, 2);
}

void
ext2t_pattern(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t x = (seed + off + i) * 0x9e3779b97f4a7c15ULL;

		p[i] = (uint8_t)(x >> 56) | 1;
	}
}

/* ---- the fake machine ---- */

static void
ext2t_echo_console(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stderr);
}

void
ext2t_boot(void)
{
	/* EXT2_CONSOLE=1 shows what the kernel logs. */
	if (getenv("EXT2_CONSOLE") != NULL)
		fake_console_hook = ext2t_echo_console;
	fake_boot(192 * MIB);
	ck_assert_int_eq(pagecache_init(), 0);
	ck_assert_int_eq(buffer_init(), 0);
	ck_assert_int_eq(vfs_init(), 0);
	ck_assert_int_eq(ext2_init(), 0);
}

struct ext2t_job {
	int (*fn)(void *);
	void *arg;
	int result;
	int alive;			/* 1 until fn returned */
};

static int
ext2t_job_main(void *p)
{
	struct ext2t_job *job = p;

	job->result = job->fn(job->arg);
	job->alive = 0;
	return 0;
}

int
ext2t_run(int (*fn)(void *), void *arg)
{
	struct ext2t_job job = { .fn = fn, .arg = arg, .alive = 1 };
	struct task *t;

	ck_assert_int_eq(kthread_create(&t, ext2t_job_main, &job, "ext2t"), 0);
	fake_idle_until(&job.alive);
	kthread_join(t);
	return job.result;
}

struct block_device *
ext2t_disk(const char *img, bool ro)
{
	struct block_device *bdev;

	if (fake_console_hook != NULL)
		fprintf(stderr, "--- disk %s%s\n", img, ro ? " (ro)" : "");
	ck_assert_int_eq(fake_disk_open(img, "ubda", ro, &bdev), 0);
	return bdev;
}

void
ext2t_disk_close(struct block_device *bdev)
{
	fake_disk_close(bdev);
}

void
ext2t_run_on(const char *image, bool ro, int (*fn)(void *), void *arg)
{
	struct block_device *b = ext2t_disk(image, ro);

	ck_assert_int_eq(ext2t_run(fn, arg), 0);
	ext2t_disk_close(b);
}

/* ---- in a kernel thread ---- */

static bool ext2t_root_done;

int
ext2t_mount(unsigned int flags)
{
	int err;

	if (!ext2t_root_done) {
		err = vfs_mount("tmpfs", NULL, "tmpfs", 0, NULL);
		if (err != 0)
			return err;
		err = vfs_mkdir(NULL, "/mnt", 0755);
		if (err != 0)
			return err;
		ext2t_root_done = true;
	}
	return vfs_mount("ubda", "/mnt", "ext2", flags, NULL);
}

int
ext2t_umount(void)
{
	return vfs_umount("/mnt", 0);
}

int
ext2t_write(const char *path, const void *buf, size_t len, uint64_t off)
{
	struct file *f;
	long n;
	int err;

	err = vfs_open(NULL, path, KO_WRONLY | KO_CREAT, 0644, &f);
	if (err != 0)
		return err;
	n = vfs_pwrite(f, buf, len, off);
	file_put(f);
	if (n < 0)
		return (int)n;
	return n == (long)len ? 0 : -EIO;
}

long
ext2t_read(const char *path, void *buf, size_t len, uint64_t off)
{
	struct file *f;
	size_t done = 0;
	long n = 0;
	int err;

	err = vfs_open(NULL, path, KO_RDONLY, 0, &f);
	if (err != 0)
		return err;
	while (done < len) {
		n = vfs_pread(f, (char *)buf + done, len - done, off + done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	file_put(f);
	return n < 0 ? n : (long)done;
}

long
ext2t_count_dir(const char *path)
{
	static char buf[8192];
	struct file *f;
	long n, total = 0;
	int err;

	err = vfs_open(NULL, path, KO_RDONLY | KO_DIRECTORY, 0, &f);
	if (err != 0)
		return err;
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);

			total++;
			off += d->d_reclen;
		}
	}
	file_put(f);
	return n < 0 ? n : total;
}

int
ext2t_lstat(const char *path, struct kstat *st)
{
	return vfs_stat(NULL, path, KAT_SYMLINK_NOFOLLOW, st);
}

struct kstat
ext2t_lstat_ok(const char *path)
{
	struct kstat st;

	ck_assert_msg(ext2t_lstat(path, &st) == 0, "stat %s", path);
	return st;
}

uint64_t
ext2t_free_blocks(void)
{
	struct kstatfs st;

	KOK(vfs_statfs(NULL, "/mnt", &st));
	return st.f_bfree;
}

uint64_t
ext2t_free_inodes(void)
{
	struct kstatfs st;

	KOK(vfs_statfs(NULL, "/mnt", &st));
	return st.f_ffree;
}

/* ---- comparing trees ---- */

#define EXT2T_MAX_NAMES 2048

struct ext2t_names {
	char *v[EXT2T_MAX_NAMES];
	int n;
};

static int
ext2t_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
ext2t_add_name(struct ext2t_names *names, const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "lost+found") == 0)
		return;
	ck_assert_int_lt(names->n, EXT2T_MAX_NAMES);
	names->v[names->n++] = strdup(name);
}

static void
ext2t_host_names(const char *path, struct ext2t_names *names)
{
	DIR *d = opendir(path);
	struct dirent *e;

	ck_assert_msg(d != NULL, "opendir %s", path);
	while ((e = readdir(d)) != NULL)
		ext2t_add_name(names, e->d_name);
	closedir(d);
	qsort(names->v, (size_t)names->n, sizeof(char *), ext2t_cmp_names);
}

static void
ext2t_kernel_names(const char *path, struct ext2t_names *names)
{
	static char buf[8192];
	struct file *f;
	long n;

	ck_assert_int_eq(vfs_open(NULL, path, KO_RDONLY | KO_DIRECTORY, 0,
				  &f), 0);
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);

			ext2t_add_name(names, d->d_name);
			off += d->d_reclen;
		}
	}
	ck_assert_msg(n == 0, "getdents64 %s: %ld", path, n);
	file_put(f);
	qsort(names->v, (size_t)names->n, sizeof(char *), ext2t_cmp_names);
}

static void
ext2t_free_names(struct ext2t_names *names)
{
	for (int i = 0; i < names->n; i++)
		free(names->v[i]);
	names->n = 0;
}

static void
ext2t_compare_data(const char *host, const char *kpath, uint64_t size)
{
	static uint8_t a[65536], b[65536];
	int fd = open(host, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	for (uint64_t off = 0; off < size; off += sizeof(a)) {
		size_t n = size - off < sizeof(a) ? size - off : sizeof(a);

		ck_assert_int_eq(pread(fd, a, n, (off_t)off), (ssize_t)n);
		ck_assert_int_eq(ext2t_read(kpath, b, n, off), (long)n);
		ck_assert_msg(memcmp(a, b, n) == 0, "data of %s at %llu",
			      kpath, (unsigned long long)off);
	}
	close(fd);
}

static void
ext2t_compare_link(const char *host, const char *kpath)
{
	static char a[4096], b[4096];
	ssize_t n = readlink(host, a, sizeof(a));
	int m = vfs_readlink(NULL, kpath, b, sizeof(b));

	ck_assert_int_eq(m, (int)n);
	ck_assert_msg(memcmp(a, b, (size_t)n) == 0, "target of %s", kpath);
}

static void
ext2t_compare_attrs(const struct stat *h, const struct kstat *k,
		    const char *kpath)
{
	ck_assert_msg(h->st_mode == k->st_mode, "mode of %s: %o vs %o", kpath,
		      h->st_mode, k->st_mode);
	ck_assert_msg(h->st_uid == k->st_uid && h->st_gid == k->st_gid,
		      "owner of %s", kpath);
	ck_assert_msg(h->st_mtim.tv_sec == k->st_mtim.tv_sec,
		      "mtime of %s: %ld vs %lld", kpath,
		      (long)h->st_mtim.tv_sec, (long long)k->st_mtim.tv_sec);
	ck_assert_msg(h->st_ctim.tv_sec == k->st_ctim.tv_sec,
		      "ctime of %s", kpath);
	if (S_ISCHR(h->st_mode) || S_ISBLK(h->st_mode))
		ck_assert_msg(KMKDEV(major(h->st_rdev), minor(h->st_rdev)) ==
			      k->st_rdev, "rdev of %s", kpath);
}

/* Subdirectories of a host directory (its nlink less 2 on ext2). */
static unsigned long
ext2t_host_subdirs(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	unsigned long n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 &&
		     strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Compare one entry (already known to exist on both sides). */
static void
ext2t_compare_entry(const char *host, const char *kpath, bool attrs)
{
	struct stat h;
	struct kstat k;

	ck_assert_int_eq(lstat(host, &h), 0);
	ck_assert_msg(ext2t_lstat(kpath, &k) == 0, "stat %s", kpath);
	ck_assert_msg((h.st_mode & S_IFMT) == (k.st_mode & KS_IFMT),
		      "type of %s", kpath);
	if (S_ISDIR(h.st_mode))
		h.st_nlink = 2 + ext2t_host_subdirs(host);
	ck_assert_msg(h.st_nlink == k.st_nlink, "nlink of %s: %lu vs %llu",
		      kpath, (unsigned long)h.st_nlink,
		      (unsigned long long)k.st_nlink);
	if (!S_ISDIR(h.st_mode))
		ck_assert_msg(h.st_size == k.st_size, "size of %s: %lld vs "
			      "%lld", kpath, (long long)h.st_size,
			      (long long)k.st_size);
	if (attrs)
		ext2t_compare_attrs(&h, &k, kpath);
	if (S_ISREG(h.st_mode))
		ext2t_compare_data(host, kpath, (uint64_t)h.st_size);
	else if (S_ISLNK(h.st_mode))
		ext2t_compare_link(host, kpath);
	else if (S_ISDIR(h.st_mode))
		ext2t_compare_tree(host, kpath, attrs);
}

void
ext2t_compare_tree(const char *host, const char *kpath, bool attrs)
{
	/* Kernel threads have small stacks: keep the lists off them. */
	struct ext2t_names *hn = calloc(1, sizeof(*hn));
	struct ext2t_names *kn = calloc(1, sizeof(*kn));
	char *hp = malloc(1024), *kp = malloc(1024);

	ext2t_host_names(host, hn);
	ext2t_kernel_names(kpath, kn);
	ck_assert_msg(hn->n == kn->n, "%s: %d entries vs %d", kpath, hn->n,
		      kn->n);
	for (int i = 0; i < hn->n; i++) {
		ck_assert_msg(strcmp(hn->v[i], kn->v[i]) == 0, "%s: %s vs %s",
			      kpath, hn->v[i], kn->v[i]);
		snprintf(hp, 1024, "%s/%s", host, hn->v[i]);
		snprintf(kp, 1024, "%s/%s", kpath, kn->v[i]);
		ext2t_compare_entry(hp, kp, attrs);
	}
	ext2t_free_names(hn);
	ext2t_free_names(kn);
	free(hn);
	free(kn);
	free(hp);
	free(kp);
}
