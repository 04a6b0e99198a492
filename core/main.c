/*
 * start_kernel: bring the kernel up on the boot context, which then becomes
 * the idle task.  Order: log and clock, memory (buddy, slab, page and
 * buffer caches), scheduler, devices, the VFS and its filesystem types,
 * the timer interrupt, then the first kernel thread ("init"), which mounts
 * the root filesystem and devfs and starts the first process.  Also
 * kernel_halt(), the one way out of a running kernel: it writes everything
 * back and unmounts, so images are left clean.
 */
#include "config.h"
#include "core/boot.h"
#include "core/errno.h"
#include "core/kthread.h"
#include "core/page.h"
#include "core/pipe.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/timer.h"
#include "core/trap.h"
#include "core/wait.h"
#include "drivers/blk.h"
#include "drivers/mem.h"
#include "drivers/tty/console.h"
#include "drivers/tty/tty.h"
#include "drivers/ubd.h"
#include "fs/buffer.h"
#include "fs/devices.h"
#include "fs/devpts.h"
#include "fs/fdtable.h"
#include "fs/filesystems.h"
#include "fs/fuse.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "fs/writeback.h"

const struct boot_config *boot_config;

static void
print_banner(const struct boot_config *cfg)
{
	unsigned long total = nr_frames * (PAGE_SIZE / KIB);
	unsigned long avail = buddy_free_frames() * (PAGE_SIZE / KIB);

	pr_notice("vmlinux-host version %s (gcc %s) HZ=%d\n",
		  PACKAGE_VERSION, __VERSION__, HZ);
	pr_info("Command line: %s\n", cfg->cmdline ? cfg->cmdline : "");
	pr_info("Memory: %luK/%luK available, %lu free frames\n", avail,
		total, buddy_free_frames());
}

static bool fs_mounted;		/* the root is mounted: unmount at halt */
static bool halting;		/* [i] kernel_halt() has begun */
static bool shutdown_asked;	/* [i] by the host: trap_shutdown() */
static struct wait_queue shutdown_wq = WAIT_QUEUE_INIT(shutdown_wq);

/* Write everything back and unmount every filesystem. */
static void
kernel_unmount_all(void)
{
	if (!fs_mounted)
		return;
	fuse_export_stop();
	writeback_stop();
	vfs_sync();
	vfs_shutdown();
	fs_mounted = false;
}

void
kernel_halt(int status)
{
	unsigned long s = arch_intr_save();
	bool second = halting;

	halting = true;
	arch_intr_restore(s);
	if (second) {
		/* Someone else is halting the machine: wait for the end. */
		for (;;)
			wait_event(&shutdown_wq, false);
	}
	kernel_unmount_all();
	pr_notice("reboot: Power down (status %d)\n", status);
	arch_exit(status);
}

void
trap_shutdown(void)
{
	shutdown_asked = true;
	wq_wake_all(&shutdown_wq);
}

/*
 * Shut down cleanly when the host asks (SIGTERM, SIGINT, SIGHUP to the
 * kernel): exit 128+signal, or 0 for vmlinux-fuse, whose unmount by a
 * signal is the normal way out.
 */
static int
shutdown_thread(void *arg)
{
	const struct boot_config *cfg = arg;
	int sig;

	wait_event(&shutdown_wq, shutdown_asked);
	sig = arch_stop_signal();
	pr_notice("shutdown: asked by the host (signal %d)\n", sig);
	kernel_halt(cfg->fuse_only ? 0 : 128 + sig);
	return 0;
}

/* Mount root= as /, read-only with "ro". */
static int
mount_root(const struct boot_config *cfg)
{
	struct block_device *bdev = blk_lookup(cfg->root);
	bool ro = cfg->root_ro;
	int err;

	if (bdev == NULL) {
		pr_err("VFS: Cannot open root device \"%s\": no such "
		       "device (error %d)\n", cfg->root, -ENXIO);
		return -ENXIO;
	}
	if (bdev->readonly && !ro) {
		pr_warn("VFS: %s is read-only: mounting the root read-only\n",
			cfg->root);
		ro = true;
	}
	err = vfs_mount(cfg->root, NULL, cfg->rootfstype,
			ro ? MNT_RDONLY : 0, NULL);
	if (err) {
		/* vmlinux-fuse: the filesystem's own line says why. */
		if (!cfg->fuse_only)
			pr_err("VFS: Cannot mount root device \"%s\" as %s "
			       "(error %d)\n", cfg->root, cfg->rootfstype,
			       err);
		return err;
	}
	fs_mounted = true;
	pr_info("VFS: Mounted root (%s filesystem)%s on device %u:%u.\n",
		cfg->rootfstype, ro ? " readonly" : "",
		bdev->major, bdev->minor);
	return 0;
}

/* Mount devfs on /dev if the root has that directory. */
static void
mount_dev(void)
{
	struct kstat st;
	int err = vfs_stat(NULL, "/dev", 0, &st);

	if (err == 0)
		err = vfs_mount("devfs", "/dev", "devfs", 0, NULL);
	if (err) {
		pr_warn("devfs: not mounted on /dev (error %d)\n", err);
		return;
	}
	pr_info("devfs: mounted\n");
	err = devpts_mount_boot();
	if (err)
		pr_warn("devpts: not mounted on /dev/pts (error %d)\n", err);
}

/*
 * init never ran: close the console it opened and drop its root and
 * cwd, so that nothing is busy at the unmount.
 */
static void
init_close_files(void)
{
	struct fs_struct *fs = current->fs;

	if (current->files != NULL)
		fdtable_close_all(current->files);
	current->fs = NULL;
	if (fs != NULL)
		fs_struct_put(fs);
}

/*
 * Start init as Linux does: init= or the fallback list, with the words
 * after "--" as its arguments.  On success this thread becomes process 1
 * and never returns here; the kernel halts when init exits.  If nothing
 * can run: write everything back and unmount (the image stays clean),
 * then panic as Linux does.
 */
static void
run_init(const struct boot_config *cfg)
{
	static const char *const fallback[] = {
		"/sbin/init", "/etc/init", "/bin/init", "/bin/sh",
	};
	const char *argv[BOOT_MAX_WORDS + 2];
	const char *envp[BOOT_MAX_WORDS + 3];
	int envc = 0, err;

	envp[envc++] = "HOME=/";
	envp[envc++] = "TERM=linux";
	for (int i = 0; i < cfg->init_envc && envc < BOOT_MAX_WORDS + 2; i++)
		envp[envc++] = cfg->init_envp[i];
	envp[envc] = NULL;
	for (int i = 0; i < cfg->init_argc && i < BOOT_MAX_WORDS; i++)
		argv[i + 1] = cfg->init_argv[i];
	argv[MIN(cfg->init_argc, BOOT_MAX_WORDS) + 1] = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fallback); i++) {
		const char *path = cfg->init ? cfg->init : fallback[i];

		argv[0] = path;
		err = process_start_init(path, argv, envp);
		if (cfg->init != NULL) {
			pr_err("Failed to execute %s (error %d)\n", path, err);
			init_close_files();
			kernel_unmount_all();
			panic("Requested init %s failed (error %d).", path,
			      err);
		}
		if (err != -ENOENT)
			pr_err("Starting init: %s exists but couldn't execute "
			       "it (error %d)\n", path, err);
	}
	init_close_files();
	kernel_unmount_all();
	panic("No working init found.  Try passing init= option to kernel.");
}

/* The first kernel thread: finish booting, then run init. */
static int
kernel_init(void *arg)
{
	const struct boot_config *cfg = arg;

	if (cfg->init_fn != NULL)
		kernel_halt(cfg->init_fn());
	if (mount_root(cfg) != 0) {
		if (cfg->fuse_only)
			kernel_halt(1);
		panic("VFS: Unable to mount root fs on %s", cfg->root);
	}
	if (!cfg->fuse_only)
		mount_dev();
	if (writeback_start() != 0)
		pr_err("writeback: cannot start the flusher thread\n");
	if (cfg->fuse_dir != NULL && fuse_export_start(cfg->fuse_dir) != 0)
		kernel_halt(1);
	if (cfg->fuse_only) {
		fuse_export_wait();
		kernel_halt(0);
	}
	console_start();
	run_init(cfg);
	return 0;
}

/* Memory caches and the VFS with its filesystem types; panics on error. */
static void
fs_init(void)
{
	int err = pagecache_init();

	if (err == 0)
		err = buffer_init();
	if (err == 0)
		err = vfs_init();
	if (err == 0)
		err = ext2_init();
	if (err == 0)
		err = devfs_init();
	if (err == 0)
		err = devpts_init();
	if (err)
		panic("cannot set up the filesystems: error %d", err);
	fifo_register(pipe_fifo_open);
}

void
start_kernel(const struct boot_config *cfg)
{
	struct task *init, *shutdown;
	int err;

	boot_config = cfg;
	printk_set_console_prefix(cfg->console_prefix);
	printk_set_time_base(arch_clock_monotonic());
	printk_set_console_level(cfg->loglevel);
	time_init();
	buddy_init();
	slab_init();
	print_banner(cfg);
	err = sched_init(cfg->sched);
	if (err)
		panic("sched_init(%s): error %d", cfg->sched, err);
	pr_info("sched: policy %s\n", sched_policy_name());
	err = ubd_init();
	if (err == 0)
		err = mem_init();
	if (err == 0)
		err = console_init();
	if (err == 0)
		err = pty_init();
	if (err)
		panic("cannot set up the devices: error %d", err);
	fs_init();
	tty_core_init();
	err = arch_timer_start(HZ);
	if (err)
		panic("cannot start the timer interrupt: error %d", err);
	err = kthread_create(&init, kernel_init, (void *)cfg, "init");
	if (err == 0)
		err = kthread_create(&shutdown, shutdown_thread, (void *)cfg,
				     "shutdown");
	if (err == 0)
		err = signal_init();
	if (err)
		panic("cannot create the first threads: error %d", err);
	arch_intr_enable();
	sched_idle_loop();
}
