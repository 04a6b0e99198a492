/*
 * FUSE test of the live export (fuse=DIR): the real kernel boots with a
 * test body as its first thread, mounts ubd0 as the root, exports it at
 * DIR and talks to tests/fuse/live.sh through files, each side reading
 * what the other wrote through its own view (the VFS here, DIR there):
 *
 *   kernel: /k1 = "kernel 1"        host: sees DIR/k1, writes DIR/h1
 *   kernel: sees /h1 = "host 1", rewrites /k1 = "kernel 2", writes /k2
 *   host: sees DIR/k1 = "kernel 2", writes DIR/h2
 *   kernel: sees /h2, stops the export, unmounts; exit status 0 if every
 *   check passed.
 *
 * Usage: live ubd0=IMG fuse=DIR
 */
#include "arch-host/host.h"
#include "core/boot.h"
#include "core/errno.h"
#include "core/printk.h"
#include "core/string.h"
#include "core/timer.h"
#include "fs/fuse.h"
#include "fs/vfs.h"

#define WAIT_MS		20000

static int failures;

static int
put(const char *path, const char *text)
{
	struct file *f;
	long n;
	int err = vfs_open(NULL, path, KO_WRONLY | KO_CREAT | KO_TRUNC, 0644,
			   &f);

	if (err != 0)
		return err;
	n = vfs_write(f, text, strlen(text));
	file_put(f);
	return n == (long)strlen(text) ? 0 : -EIO;
}

/* Wait until path holds exactly text; 0, or -ETIMEDOUT. */
static int
await(const char *path, const char *text)
{
	char buf[64];

	for (int ms = 0; ms < WAIT_MS; ms += 5) {
		struct file *f;
		long n = -ENOENT;

		if (vfs_open(NULL, path, KO_RDONLY, 0, &f) == 0) {
			n = vfs_read(f, buf, sizeof(buf) - 1);
			file_put(f);
		}
		if (n >= 0) {
			buf[n] = '\0';
			if (strcmp(buf, text) == 0)
				return 0;
		}
		msleep(5);
	}
	pr_err("FAIL: %s never held \"%s\"\n", path, text);
	failures++;
	return -ETIMEDOUT;
}

static void
check(int err, const char *what)
{
	if (err != 0) {
		pr_err("FAIL: %s: error %d\n", what, err);
		failures++;
	}
}

static int
live_main(void)
{
	const char *dir = boot_config->fuse_dir;
	int err = vfs_mount("/dev/ubda", NULL, "ext2", 0, NULL);

	if (err != 0 || dir == NULL) {
		pr_err("FAIL: cannot mount the root or no fuse= (%d)\n", err);
		return 1;
	}
	err = fuse_export_start(dir);
	if (err == 0) {
		check(put("/k1", "kernel 1"), "write /k1");
		if (await("/h1", "host 1") == 0) {
			check(put("/k1", "kernel 2"), "rewrite /k1");
			check(put("/k2", "done"), "write /k2");
			await("/h2", "host 2");
		}
	}
	check(err, "start the export");
	fuse_export_stop();
	check(vfs_sync(), "sync");
	vfs_shutdown();
	pr_info("live: %d failures\n", failures);
	return failures != 0;
}

/* The program's entry: boot with live_main() as the first thread. */
int
main(int argc, char **argv)
{
	return host_main(argc, argv, live_main);
}
