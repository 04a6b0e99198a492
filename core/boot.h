/*
 * What arch-host hands the kernel at boot: the parsed command line.
 * arch-host/cmdline.c fills it in; core/main.c reads it.
 */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_DISKS	8
#define BOOT_MAX_WORDS	256

struct boot_disk {
	const char *path;	/* NULL: no disk in this slot */
	bool readonly;		/* ubdNr= */
};

struct boot_config {
	uint64_t mem_size;		/* mem=, bytes */
	struct boot_disk disks[BOOT_MAX_DISKS];
	const char *root;		/* root=, e.g. "/dev/ubda" */
	const char *rootfstype;		/* rootfstype= */
	bool root_ro;			/* ro / rw */
	const char *init;		/* init=, NULL: the fallback list */
	int loglevel;			/* console log level, 0-8 */
	const char *sched;		/* sched= policy name */
	int ncpus;			/* ncpus= */
	const char *fuse_dir;		/* fuse=, NULL: off */
	bool fuse_only;			/* vmlinux-fuse: serve fuse_dir, no
					   devfs, no init; end at unmount */
	const char *console_prefix;	/* console lines start with it, not
					   a timestamp; NULL: timestamps */
	int init_argc;			/* words for init after its argv[0] */
	const char *init_argv[BOOT_MAX_WORDS];
	int init_envc;			/* unknown key=value words */
	const char *init_envp[BOOT_MAX_WORDS];
	const char *cmdline;		/* the whole command line, one string */
	/*
	 * Run this in the first kernel thread instead of the normal boot
	 * (mounting root and starting init); its return value becomes the
	 * exit status.  Used by bench/ programs.  NULL for a normal boot.
	 */
	int (*init_fn)(void);
};

/* Boot the kernel on the current (boot) context; never returns. */
__attribute__((noreturn)) void start_kernel(const struct boot_config *cfg);

/* The configuration the kernel booted with. */
extern const struct boot_config *boot_config;

/* Shut down and leave the host process with status. */
__attribute__((noreturn)) void kernel_halt(int status);

#endif
