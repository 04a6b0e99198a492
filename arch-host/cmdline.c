/*
 * The command line, in Linux/UML kernel-parameter conventions: key=value
 * words this file knows (the param table below) are kernel parameters and
 * fill in struct boot_config; unknown key=value words become init's
 * environment; other words, and everything after "--", become init's
 * arguments.  Words starting with '-' before "--" are options (--help and
 * friends).  Nothing is printed here except --help: a bad word is reported
 * as one line in struct cmdline for boot.c to print.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "arch-host/host.h"
#include "core/printk.h"

/* One kernel parameter: its handler and its line in --help. */
struct param {
	const char *name;	/* key; "ubd" matches ubdN and ubdNr */
	bool flag;		/* a bare word (ro, quiet), not key=value */
	int (*set)(struct cmdline *cl, const char *key, const char *val);
	const char *usage;
	const char *meaning;
	const char *dflt;	/* NULL: nothing to say */
};

static int __attribute__((format(printf, 2, 3)))
cmdline_fail(struct cmdline *cl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cl->err, sizeof(cl->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
cmdline_nomem(struct cmdline *cl)
{
	snprintf(cl->err, sizeof(cl->err), "out of memory");
	return -ENOMEM;
}

/* An unsigned decimal number: no sign, no blanks; *end is what follows. */
static int
parse_decimal(const char *s, char **end, unsigned long long *out)
{
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, end, 10);
	return errno == ERANGE ? -ERANGE : 0;
}

/* A size: decimal with an optional K, M or G suffix (either case). */
static int
parse_size(const char *s, uint64_t *out)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;
	int err;

	err = parse_decimal(s, &end, &n);
	if (err)
		return err;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	}
	if (shift)
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (n > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)n << shift;
	return 0;
}

/* A whole decimal number in [lo, hi]. */
static int
parse_int(const char *s, int lo, int hi, int *out)
{
	unsigned long long n;
	char *end;

	if (parse_decimal(s, &end, &n) != 0 || *end != '\0')
		return -EINVAL;
	if (n < (unsigned long long)lo || n > (unsigned long long)hi)
		return -ERANGE;
	*out = (int)n;
	return 0;
}

static uint64_t
host_total_ram(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0)
		return UINT64_MAX;
	return (uint64_t)si.totalram * si.mem_unit;
}

static int
set_mem(struct cmdline *cl, const char *key, const char *val)
{
	uint64_t size = 0, host = host_total_ram();
	int err = parse_size(val, &size);

	if (err == -EINVAL)
		return cmdline_fail(cl, "%s=%s: not a size (a number with an "
				    "optional K, M or G suffix)", key, val);
	if (size < CMDLINE_MIN_MEM && err == 0)
		return cmdline_fail(cl, "%s=%s: too small (the minimum is "
				    "%lluM)", key, val, CMDLINE_MIN_MEM >> 20);
	if (size > host || err == -ERANGE)
		return cmdline_fail(cl, "%s=%s: more than the host's memory "
				    "(the host has %lluM)", key, val,
				    (unsigned long long)(host >> 20));
	cl->cfg->mem_size = size & ~((uint64_t)HOST_PAGE_SIZE - 1);
	return 0;
}

/* ubdN=FILE or ubdNr=FILE, N in 0..BOOT_MAX_DISKS-1. */
static int
set_disk(struct cmdline *cl, const char *key, const char *val)
{
	int n = key[3] - '0';
	bool ro = key[4] == 'r';
	struct boot_disk *d;

	if (n < 0 || n >= BOOT_MAX_DISKS || key[4 + ro] != '\0')
		return cmdline_fail(cl, "%s=%s: unknown disk (ubd0-ubd%d, "
				    "or ubd0r-ubd%dr for read-only)", key, val,
				    BOOT_MAX_DISKS - 1, BOOT_MAX_DISKS - 1);
	d = &cl->cfg->disks[n];
	if (d->path != NULL)
		return cmdline_fail(cl, "%s=%s: disk ubd%d is already given "
				    "(%s)", key, val, n, d->path);
	d->path = val;
	d->readonly = ro;
	return 0;
}

static int
set_root(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	cl->cfg->root = val;
	return 0;
}

static int
set_rootfstype(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	cl->cfg->rootfstype = val;
	return 0;
}

static int
set_ro(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	(void)val;
	cl->cfg->root_ro = true;
	return 0;
}

static int
set_rw(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	(void)val;
	cl->cfg->root_ro = false;
	return 0;
}

static int
set_init(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	cl->cfg->init = val;
	return 0;
}

static int
set_quiet(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	(void)val;
	cl->cfg->loglevel = CONSOLE_LOGLEVEL_QUIET;
	return 0;
}

static int
set_loglevel(struct cmdline *cl, const char *key, const char *val)
{
	if (parse_int(val, 0, 8, &cl->cfg->loglevel) != 0)
		return cmdline_fail(cl, "%s=%s: not a log level (0-8)", key,
				    val);
	return 0;
}

static int
set_sched(struct cmdline *cl, const char *key, const char *val)
{
	if (strcmp(val, "rr") == 0) {
		cl->cfg->sched = val;
		return 0;
	}
	if (strcmp(val, "mlfq") == 0 || strcmp(val, "cfs") == 0)
		return cmdline_fail(cl, "%s=%s: policy not available yet "
				    "(available: rr)", key, val);
	return cmdline_fail(cl, "%s=%s: unknown policy (available: rr)", key,
			    val);
}

static int
set_ncpus(struct cmdline *cl, const char *key, const char *val)
{
	int n = 0;

	if (parse_int(val, 0, INT_MAX, &n) == -EINVAL)
		return cmdline_fail(cl, "%s=%s: not a number", key, val);
	if (n != 1)
		return cmdline_fail(cl, "%s=%s: only 1 virtual CPU is "
				    "supported yet", key, val);
	cl->cfg->ncpus = n;
	return 0;
}

static int
set_fuse(struct cmdline *cl, const char *key, const char *val)
{
	(void)key;
	cl->cfg->fuse_dir = val;
	return 0;
}

static const struct param params[] = {
	{ "ubd", false, set_disk, "ubdN=FILE, ubdNr=FILE",
	  "disk N (0-7) backed by FILE; r = read-only",
	  "ubd0=rootfs.img next to the binary" },
	{ "root", false, set_root, "root=DEV", "root device", "/dev/ubda" },
	{ "rootfstype", false, set_rootfstype, "rootfstype=TYPE",
	  "root filesystem type", "ext2" },
	{ "ro", true, set_ro, "ro", "mount the root filesystem read-only",
	  NULL },
	{ "rw", true, set_rw, "rw", "mount the root filesystem read-write",
	  "rw" },
	{ "init", false, set_init, "init=PATH", "first process to run",
	  "/sbin/init, then /etc/init, /bin/init, /bin/sh" },
	{ "mem", false, set_mem, "mem=SIZE",
	  "guest physical memory; K, M or G suffix; at least 16M",
	  STRINGIFY(CMDLINE_DEFAULT_MEM_MIB) "M" },
	{ "quiet", true, set_quiet, "quiet",
	  "console log level 4: errors and warnings only", NULL },
	{ "loglevel", false, set_loglevel, "loglevel=N",
	  "console log level, 0-8", "7" },
	{ "sched", false, set_sched, "sched=rr|mlfq|cfs",
	  "scheduler policy (only rr exists yet)", "rr" },
	{ "ncpus", false, set_ncpus, "ncpus=N",
	  "virtual CPUs (only 1 is supported yet)", "1" },
	{ "fuse", false, set_fuse, "fuse=DIR",
	  "export the live guest filesystems at DIR on the host", "off" },
};

/* The param named by key; "ubd" takes any key "ubd<digit>...". */
static const struct param *
find_param(const char *key, bool has_val)
{
	const struct param *p;

	for (p = params; p < params + ARRAY_SIZE(params); p++) {
		if (p->flag == has_val)
			continue;
		if (strcmp(key, p->name) == 0)
			return p;
		if (p->set == set_disk && strncmp(key, "ubd", 3) == 0 &&
		    isdigit((unsigned char)key[3]))
			return p;
	}
	return NULL;
}

/*
 * Copy the key of word (up to '=') into key; return the value after '=',
 * or NULL for a bare word.  A key too long for the buffer matches nothing.
 */
static const char *
split_word(const char *word, char *key, size_t size)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);

	if (len >= size)
		len = 0;
	memcpy(key, word, len);
	key[len] = '\0';
	return eq ? eq + 1 : NULL;
}

static int
parse_option(struct cmdline *cl, const char *word)
{
	static const struct {
		const char *name;
		enum cmdline_action action;
	} options[] = {
		{ "--help", CMDLINE_HELP },
		{ "-h", CMDLINE_HELP },
		{ "--version", CMDLINE_VERSION },
		{ "--showconfig", CMDLINE_SHOWCONFIG },
	};

	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		if (strcmp(word, options[i].name) == 0) {
			cl->action = options[i].action;
			return 0;
		}
	}
	return cmdline_fail(cl, "unknown option %s (try --help)", word);
}

/* One word before "--": option, kernel parameter, env or init argument. */
static int
parse_word(struct cmdline *cl, const char *word)
{
	struct boot_config *cfg = cl->cfg;
	char key[32];
	const char *val = split_word(word, key, sizeof(key));
	const struct param *p = find_param(key, val != NULL);

	if (word[0] == '-')
		return parse_option(cl, word);
	if (p != NULL && val != NULL && *val == '\0')
		return cmdline_fail(cl, "%s: missing value (%s)", word,
				    p->usage);
	if (p != NULL)
		return p->set(cl, key, val);
	if (val != NULL)
		cfg->init_envp[cfg->init_envc++] = word;
	else
		cfg->init_argv[cfg->init_argc++] = word;
	return 0;
}

static void
set_defaults(struct boot_config *cfg)
{
	cfg->mem_size = CMDLINE_DEFAULT_MEM;
	cfg->root = "/dev/ubda";
	cfg->rootfstype = "ext2";
	cfg->root_ro = false;
	cfg->loglevel = CONSOLE_LOGLEVEL_DEFAULT;
	cfg->sched = "rr";
	cfg->ncpus = 1;
}

/* ubd0 defaults to rootfs.img in the directory of the running binary. */
static int
default_rootfs(struct cmdline *cl)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return cmdline_fail(cl, "cannot find the running binary for "
				    "the default ubd0: /proc/self/exe: %s",
				    strerror(errno));
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	if (asprintf(&path, "%s/rootfs.img", exe) < 0)
		return cmdline_nomem(cl);
	cl->cfg->disks[0].path = path;
	cl->default_ubd0 = true;
	return 0;
}

/* cfg->cmdline: the arguments joined by single spaces. */
static int
join_cmdline(struct cmdline *cl, int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (s == NULL)
		return cmdline_nomem(cl);
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	cl->cfg->cmdline = s;
	return 0;
}

/*
 * Fill in cl->cfg and cl->action from argv.  Words are taken in order; the
 * first option that prints something (--help, ...) stops the parse.
 * Returns 0, or -EINVAL / -ENOMEM with the reason in cl->err.
 */
int
cmdline_parse(struct cmdline *cl, int argc, char **argv)
{
	struct boot_config *cfg = cl->cfg;
	int i, err;

	set_defaults(cfg);
	cl->action = CMDLINE_BOOT;
	if (argc - 1 > BOOT_MAX_WORDS)
		return cmdline_fail(cl, "too many arguments (%d; at most %d)",
				    argc - 1, BOOT_MAX_WORDS);
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		err = parse_word(cl, argv[i]);
		if (err || cl->action != CMDLINE_BOOT)
			return err;
	}
	for (i++; i < argc; i++)
		cfg->init_argv[cfg->init_argc++] = argv[i];
	if (cfg->disks[0].path == NULL) {
		err = default_rootfs(cl);
		if (err)
			return err;
	}
	return join_cmdline(cl, argc, argv);
}

/* Print the --help text on stdout. */
void
cmdline_help(void)
{
	const struct param *p;

	printf("Usage: vmlinux-host [OPTION]... [PARAMETER]... [ARG]... "
	       "[-- ARG...]\n\n"
	       "Boot the hosted kernel.  key=value words are kernel "
	       "parameters (below);\nunknown key=value words become init's "
	       "environment; other words, and\nevery word after --, become "
	       "init's arguments.\n\nKernel parameters:\n");
	for (p = params; p < params + ARRAY_SIZE(params); p++) {
		printf("  %-22s %s\n", p->usage, p->meaning);
		if (p->dflt != NULL)
			printf("  %-22s (default: %s)\n", "", p->dflt);
	}
	printf("\nOptions:\n"
	       "  -h, --help             print this help and exit\n"
	       "  --version              print the version and exit\n"
	       "  --showconfig           print the build configuration and "
	       "exit\n"
	       "  --                     the words after it are init's "
	       "arguments, as they are\n\n"
	       "Exit status: init's exit status (128+N if a signal N killed "
	       "it); 0 after\nreboot or poweroff; %d after a kernel panic; "
	       "2 for a usage error or an\nunusable host (nothing is booted "
	       "then); 128+N if signal N stops the kernel.\n",
	       PANIC_EXIT_STATUS);
}
