/*
 * start_kernel: bring the kernel up on the boot context, which then becomes
 * the idle task.  Order: log and clock, memory (buddy, slab), scheduler,
 * timer interrupt, then the first kernel thread ("init"), which mounts the
 * root filesystem and starts the first process.  Also kernel_halt(), the
 * one way out of a running kernel.
 */
#include "config.h"
#include "core/boot.h"
#include "core/errno.h"
#include "core/kthread.h"
#include "core/page.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/timer.h"
#include "drivers/blk.h"
#include "drivers/ubd.h"

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

void
kernel_halt(int status)
{
	pr_notice("reboot: Power down (status %d)\n", status);
	arch_exit(status);
}

/*
 * Mount the root filesystem.  There is no filesystem driver yet, so this
 * fails the way Linux does when it cannot mount its root.
 */
static int
mount_root(const struct boot_config *cfg)
{
	struct block_device *bdev = blk_lookup(cfg->root);

	if (bdev == NULL) {
		pr_err("VFS: Cannot open root device \"%s\": no such "
		       "device (error %d)\n", cfg->root, -ENXIO);
		return -ENXIO;
	}
	pr_err("VFS: Cannot mount root device \"%s\": no %s filesystem "
	       "driver (error %d)\n", cfg->root, cfg->rootfstype, -ENODEV);
	return -ENODEV;
}

/* The first kernel thread: finish booting, then run init. */
static int
kernel_init(void *arg)
{
	const struct boot_config *cfg = arg;

	if (cfg->init_fn != NULL)
		kernel_halt(cfg->init_fn());
	if (mount_root(cfg) != 0)
		panic("VFS: Unable to mount root fs on %s", cfg->root);
	panic("No working init found");
}

void
start_kernel(const struct boot_config *cfg)
{
	struct task *init;
	int err;

	boot_config = cfg;
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
	if (err)
		panic("cannot set up the disks: error %d", err);
	err = arch_timer_start(HZ);
	if (err)
		panic("cannot start the timer interrupt: error %d", err);
	err = kthread_create(&init, kernel_init, (void *)cfg, "init");
	if (err)
		panic("cannot create the init thread: error %d", err);
	arch_intr_enable();
	sched_idle_loop();
}
