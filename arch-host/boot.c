/*
 * Host-side boot: from main() to start_kernel().  Parse the command line,
 * answer --help, --version and --showconfig, open the disk images, then
 * make the host machine (terminal, fatal-signal handlers, physical memory,
 * interrupts, timer) and hand the boot context to the kernel.  Anything
 * wrong before boot is reported as one "vmlinux-host: ..." line on stderr
 * with exit status 2.  vmlinux-fuse (fuse_main.c) boots through here too.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch-host/host.h"
#include "config.h"
#include "core/boot.h"
#include "core/timer.h"

#define USAGE_EXIT_STATUS	2

static struct boot_config boot_cfg;

const char *host_progname = "vmlinux-host";
const struct fuse_host_opts *host_fuse_image;

static __attribute__((noreturn, format(printf, 1, 2))) void
boot_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", host_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	term_restore();
	exit(USAGE_EXIT_STATUS);
}

static void
print_version(void)
{
	printf("vmlinux-host %s\n", PACKAGE_VERSION);
}

static void
print_config(void)
{
	print_version();
	printf("build flags: %s\n"
	       "HZ: %d\n"
	       "default mem: %dM\n"
	       "host features used:\n"
	       "  memfd_create   physical memory, one shared mapping\n"
	       "  timer_create   timer interrupt (CLOCK_MONOTONIC, "
	       "SIGEV_THREAD_ID, SIGALRM)\n"
	       "  signals        interrupts, behind a software enable flag\n"
	       "  sigaltstack    reporting fatal signals and stack overflows\n"
	       "  termios        restoring the host terminal\n"
	       "  io_uring       disk I/O (liburing; registered files, "
	       "eventfd)\n"
	       "  flock          one writer per disk image\n"
	       "  libfuse3       fuse=DIR and vmlinux-fuse (low-level API, "
	       "/dev/fuse)\n",
	       CONFIG_BUILD_FLAGS, HZ, CMDLINE_DEFAULT_MEM_MIB);
}

/* --help, --version, --showconfig: print on stdout, exit status 0. */
static int
print_info(enum cmdline_action action)
{
	if (action == CMDLINE_HELP)
		cmdline_help();
	else if (action == CMDLINE_VERSION)
		print_version();
	else
		print_config();
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * The disks.  A program with its own init_fn (tests, benchmarks) does not
 * mount a root filesystem, so it gets only the disks it names.
 */
static void
disks_init(struct cmdline *cl)
{
	static char msg[PATH_MAX + 256];

	if (cl->cfg->init_fn != NULL && cl->default_ubd0) {
		cl->cfg->disks[0].path = NULL;
		cl->default_ubd0 = false;
	}
	if (ubd_host_init(cl, msg, sizeof(msg)) != 0)
		boot_fail("%s", msg);
}

/*
 * fuse=DIR (or vmlinux-fuse's mount point): check DIR and prepare the
 * libfuse session now, so that a bad one stops us before boot.
 */
static void
fuse_prepare(struct boot_config *cfg)
{
	static const struct fuse_host_opts live = {
		.live = true, .fsname = "vmlinux-host",
		.subtype = "vmlinux-host", .ready_fd = -1,
	};
	static char prefix[PATH_MAX + 32];
	char msg[PATH_MAX + 256];

	if (cfg->fuse_dir == NULL)
		return;
	cfg->fuse_only = host_fuse_image != NULL;
	if (cfg->fuse_only) {
		/* vmlinux-fuse's messages name the image, not ubda. */
		snprintf(prefix, sizeof(prefix), "%s: %s: ", host_progname,
			 host_fuse_image->fsname);
		cfg->console_prefix = prefix;
	}
	if (fuse_host_init(cfg->fuse_dir, cfg->fuse_only ? host_fuse_image
							 : &live,
			   msg, sizeof(msg)) != 0)
		boot_fail("%s", msg);
}

/* The host machine: everything start_kernel() expects to find. */
static void
machine_init(const struct boot_config *cfg)
{
	int err;

	term_init();
	err = exit_init();
	if (err)
		boot_fail("cannot install signal handlers: %s", strerror(-err));
	err = physmem_init(cfg->mem_size);
	if (err)
		boot_fail("cannot make %lluM of physical memory: %s",
			  (unsigned long long)(cfg->mem_size >> 20),
			  strerror(-err));
	err = intr_init();
	if (err)
		boot_fail("cannot set up interrupts: %s", strerror(-err));
	err = timer_init();
	if (err)
		boot_fail("cannot create the timer: %s", strerror(-err));
}

/*
 * Parse the command line, prepare the host machine and boot the kernel.
 * Returns only the status of --help, --version or --showconfig; exits
 * with status 2 on a usage or host error (a bad disk image among them).
 * init_fn, if not NULL, runs instead of the normal boot (tests and bench
 * programs); then ubd0 is only there if the command line gives it.
 */
int
host_main(int argc, char **argv, int (*init_fn)(void))
{
	struct cmdline cl = { .cfg = &boot_cfg };

	if (cmdline_parse(&cl, argc, argv) != 0)
		boot_fail("%s", cl.err);
	if (cl.action != CMDLINE_BOOT)
		return print_info(cl.action);
	boot_cfg.init_fn = init_fn;
	fuse_prepare(&boot_cfg);
	disks_init(&cl);
	machine_init(&boot_cfg);
	start_kernel(&boot_cfg);
}
