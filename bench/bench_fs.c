/*
 * Filesystem benchmark, the same workload two ways:
 *   bench_fs ubd0=IMG [mem=...]   in the kernel: mounts IMG (ext2) as the
 *                                 root and runs through the VFS API
 *   bench_fs --host DIR           on the host: libc calls in DIR (e.g. a
 *                                 loop mount of an ext2 image)
 * Figures: create / stat / read / delete 10,000 files of 4 KiB (files/s),
 * then a 256 MiB sequential write with fsync and a sequential read (MB/s).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arch-host/host.h"
#include "core/abi.h"
#include "core/slab.h"
#include "fs/vfs.h"

#define NFILES		10000
#define FILE_SIZE	4096
#define SEQ_SIZE	(256UL << 20)
#define SEQ_CHUNK	(1UL << 20)

/* One backend: the kernel's VFS or the host's libc. */
struct fs_ops {
	int (*create)(const char *path, const void *buf, size_t len);
	int (*stat)(const char *path);
	int (*read)(const char *path, void *buf, size_t len);
	int (*remove)(const char *path);
	int (*mkdir)(const char *path);
	int (*seq_write)(const char *path, const void *buf);
	int (*seq_read)(const char *path, void *buf);
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- in the kernel ---- */

static int
k_create(const char *path, const void *buf, size_t len)
{
	struct file *f;
	long n;
	int err = vfs_open(NULL, path, KO_WRONLY | KO_CREAT | KO_TRUNC, 0644,
			   &f);

	if (err)
		return err;
	n = vfs_write(f, buf, len);
	file_put(f);
	return n == (long)len ? 0 : -1;
}

static int
k_stat(const char *path)
{
	struct kstat st;

	return vfs_stat(NULL, path, 0, &st);
}

static int
k_read(const char *path, void *buf, size_t len)
{
	struct file *f;
	long n;
	int err = vfs_open(NULL, path, KO_RDONLY, 0, &f);

	if (err)
		return err;
	n = vfs_read(f, buf, len);
	file_put(f);
	return n == (long)len ? 0 : -1;
}

static int
k_remove(const char *path)
{
	return vfs_unlink(NULL, path);
}

static int
k_mkdir(const char *path)
{
	return vfs_mkdir(NULL, path, 0755);
}

static int
k_seq_write(const char *path, const void *buf)
{
	struct file *f;
	int err = vfs_open(NULL, path, KO_WRONLY | KO_CREAT | KO_TRUNC, 0644,
			   &f);

	if (err)
		return err;
	for (size_t done = 0; done < SEQ_SIZE && err == 0; done += SEQ_CHUNK)
		if (vfs_write(f, buf, SEQ_CHUNK) != (long)SEQ_CHUNK)
			err = -1;
	if (err == 0)
		err = vfs_fsync(f, false);
	file_put(f);
	return err;
}

static int
k_seq_read(const char *path, void *buf)
{
	struct file *f;
	int err = vfs_open(NULL, path, KO_RDONLY, 0, &f);

	if (err)
		return err;
	for (size_t done = 0; done < SEQ_SIZE && err == 0; done += SEQ_CHUNK)
		if (vfs_read(f, buf, SEQ_CHUNK) != (long)SEQ_CHUNK)
			err = -1;
	file_put(f);
	return err;
}

static const struct fs_ops kernel_ops = {
	k_create, k_stat, k_read, k_remove, k_mkdir, k_seq_write, k_seq_read,
};

/* ---- on the host ---- */

static int
h_create(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int
h_stat(const char *path)
{
	struct stat st;

	return stat(path, &st);
}

static int
h_read(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int
h_mkdir(const char *path)
{
	return mkdir(path, 0755);
}

static int
h_seq_write(const char *path, const void *buf)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int err = fd < 0 ? -1 : 0;

	for (size_t done = 0; done < SEQ_SIZE && err == 0; done += SEQ_CHUNK)
		if (write(fd, buf, SEQ_CHUNK) != (ssize_t)SEQ_CHUNK)
			err = -1;
	if (err == 0)
		err = fsync(fd);
	if (fd >= 0)
		close(fd);
	return err;
}

static int
h_seq_read(const char *path, void *buf)
{
	int fd = open(path, O_RDONLY);
	int err = fd < 0 ? -1 : 0;

	for (size_t done = 0; done < SEQ_SIZE && err == 0; done += SEQ_CHUNK)
		if (read(fd, buf, SEQ_CHUNK) != (ssize_t)SEQ_CHUNK)
			err = -1;
	if (fd >= 0)
		close(fd);
	return err;
}

static const struct fs_ops host_ops = {
	h_create, h_stat, h_read, unlink, h_mkdir, h_seq_write, h_seq_read,
};

/* ---- the workload ---- */

static const char *top = "";
static const char *label = "kernel";

/* Run one pass over the files; print files/s.  Returns the failures. */
static int
files_pass(const char *what, const struct fs_ops *ops, char *buf)
{
	double t0 = now_s();
	char path[256];
	int bad = 0;

	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/files/f%05d", top, i);
		if (strcmp(what, "create") == 0)
			bad += ops->create(path, buf, FILE_SIZE) != 0;
		else if (strcmp(what, "stat") == 0)
			bad += ops->stat(path) != 0;
		else if (strcmp(what, "read") == 0)
			bad += ops->read(path, buf, FILE_SIZE) != 0;
		else
			bad += ops->remove(path) != 0;
	}
	printf("%s: %-6s %d files of 4 KiB: %8.0f files/s%s\n", label, what,
	       NFILES, NFILES / (now_s() - t0), bad ? " (ERRORS)" : "");
	return bad;
}

static int
seq_pass(const struct fs_ops *ops, char *buf)
{
	char path[256];
	double t0 = now_s();
	int bad;

	snprintf(path, sizeof(path), "%s/big", top);
	bad = ops->seq_write(path, buf) != 0;
	printf("%s: write  256 MiB + fsync: %7.0f MB/s%s\n", label,
	       SEQ_SIZE / 1e6 / (now_s() - t0), bad ? " (ERRORS)" : "");
	t0 = now_s();
	bad += ops->seq_read(path, buf) != 0;
	printf("%s: read   256 MiB (cached): %7.0f MB/s%s\n", label,
	       SEQ_SIZE / 1e6 / (now_s() - t0), bad ? " (ERRORS)" : "");
	return bad;
}

static int
workload(const struct fs_ops *ops, char *buf)
{
	char path[256];
	int bad;

	memset(buf, 'x', SEQ_CHUNK);
	snprintf(path, sizeof(path), "%s/files", top);
	bad = ops->mkdir(path) != 0;
	bad += files_pass("create", ops, buf);
	bad += files_pass("stat", ops, buf);
	bad += files_pass("read", ops, buf);
	bad += files_pass("delete", ops, buf);
	bad += seq_pass(ops, buf);
	fflush(stdout);
	return bad ? 1 : 0;
}

static int
kernel_body(void)
{
	char *buf = kmalloc(SEQ_CHUNK);
	int err = vfs_mount("/dev/ubda", NULL, "ext2", 0, NULL);

	if (err || buf == NULL) {
		printf("bench_fs: cannot mount /dev/ubda as ext2 (%d)\n", err);
		return 1;
	}
	err = workload(&kernel_ops, buf);
	kfree(buf);
	vfs_sync();
	vfs_shutdown();
	return err;
}

int
main(int argc, char **argv)
{
	static char buf[SEQ_CHUNK];

	if (argc == 3 && strcmp(argv[1], "--host") == 0) {
		top = argv[2];
		label = "host  ";
		return workload(&host_ops, buf);
	}
	return host_main(argc, argv, kernel_body);
}
