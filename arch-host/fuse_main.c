/*
 * The vmlinux-fuse program: mount an ext2 image on the host, like
 * fuse2fs, by booting the kernel core without user mode.  It parses its
 * own command line, daemonizes unless -f (the parent exits 0 once the
 * mount is live, or with the child's status if it failed), and then boots
 * through host_main() with the image as ubd0 and the mount point as fuse=,
 * so the image goes through the ubd driver, the block layer, ext2 and the
 * VFS exactly as in vmlinux-host.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch-host/host.h"
#include "config.h"

#define USAGE_EXIT_STATUS	2

struct fuse_cli {
	bool foreground, debug, single, readonly;
	char *options;		/* all -o, joined with commas */
	const char *image, *mountpoint;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vmlinux-fuse [-f] [-d] [-s] [-o OPTIONS] IMAGE MOUNTPOINT\n"
"Mount the ext2 file system in IMAGE at MOUNTPOINT through FUSE, served by\n"
"the vmlinux-host kernel (its block layer, ext2 and VFS).\n"
"\n"
"  -f            stay in the foreground (default: become a daemon once\n"
"                mounted)\n"
"  -d            debug: log every FUSE request and the kernel (implies -f)\n"
"  -s            serve requests on one host thread\n"
"  -o OPTIONS    mount options, comma-separated: ro, rw, and the FUSE\n"
"                options (allow_other, default_permissions, fsname=NAME,\n"
"                subtype=NAME, auto_unmount, ...)\n"
"  -h, --help    this text\n"
"  -V, --version the version\n"
"\n"
"Unmount with 'fusermount3 -u MOUNTPOINT' (or umount, or SIGTERM/SIGINT):\n"
"everything is written back and the file system is marked clean.\n");
}

static __attribute__((noreturn)) void
cli_fail(const char *what)
{
	fprintf(stderr, "vmlinux-fuse: %s (try 'vmlinux-fuse --help')\n",
		what);
	exit(USAGE_EXIT_STATUS);
}

/* Append one -o argument; note ro/rw. */
static void
cli_add_options(struct fuse_cli *c, const char *arg)
{
	size_t old = c->options != NULL ? strlen(c->options) : 0;
	char *tok, *copy, *save = NULL;

	c->options = realloc(c->options, old + strlen(arg) + 2);
	if (c->options == NULL)
		cli_fail("out of memory");
	if (old != 0)
		c->options[old++] = ',';
	strcpy(c->options + old, arg);
	copy = strdup(arg);
	if (copy == NULL)
		cli_fail("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "ro") == 0)
			c->readonly = true;
		else if (strcmp(tok, "rw") == 0)
			c->readonly = false;
	}
	free(copy);
}

static void
cli_parse(struct fuse_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "fdso:hV", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'f': c->foreground = true; break;
		case 'd': c->debug = c->foreground = true; break;
		case 's': c->single = true; break;
		case 'o': cli_add_options(c, optarg); break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("vmlinux-fuse %s\n", PACKAGE_VERSION); exit(0);
		default: cli_fail(optopt == 'o' ? "-o needs an argument"
						: "unknown option");
		}
	}
	if (argc - optind != 2)
		cli_fail(argc - optind < 2 ? "need IMAGE and MOUNTPOINT"
					   : "too many arguments");
	c->image = argv[optind];
	c->mountpoint = argv[optind + 1];
}

/*
 * Fork: the parent waits for the child to mount (one byte on the pipe)
 * and exits 0, or with the child's status if it ends first.  Returns the
 * pipe's write end in the child.
 */
static int
daemonize(void)
{
	int pfd[2], status;
	char ok;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		cli_fail(strerror(errno));
	pid = fork();
	if (pid < 0)
		cli_fail(strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		setsid();
		return pfd[1];
	}
	close(pfd[1]);
	if (read(pfd[0], &ok, 1) == 1)
		_exit(0);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		_exit(1);
	_exit(WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1);
}

/* "key=VALUE" in a new string. */
static char *
param(const char *key, const char *value)
{
	char *s;

	if (asprintf(&s, "%s=%s", key, value) < 0)
		cli_fail("out of memory");
	return s;
}

/* The program's entry: see the comment at the top. */
int
main(int argc, char **argv)
{
	static struct fuse_host_opts opts = { .subtype = "vmlinux-fuse" };
	struct fuse_cli c = { .image = NULL };
	char *image, *kargv[8];
	int n = 0;

	cli_parse(&c, argc, argv);
	image = realpath(c.image, NULL);
	if (image == NULL)
		image = strdup(c.image);
	opts.single_thread = c.single;
	opts.debug = c.debug;
	opts.options = c.options;
	opts.fsname = image;
	opts.ready_fd = c.foreground ? -1 : daemonize();
	host_progname = "vmlinux-fuse";
	host_console_fd = STDERR_FILENO;
	host_fuse_image = &opts;
	kargv[n++] = argv[0];
	kargv[n++] = param(c.readonly ? "ubd0r" : "ubd0", image);
	kargv[n++] = c.readonly ? "ro" : "rw";
	kargv[n++] = c.debug ? "loglevel=8" : "loglevel=5";
	kargv[n++] = "mem=1G";
	kargv[n++] = param("fuse", c.mountpoint);
	kargv[n] = NULL;
	return host_main(n, kargv, NULL);
}
