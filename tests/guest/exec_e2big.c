/*
 * execve's argument limits: one string may have 128 KiB with its NUL
 * (MAX_ARG_STRLEN), more is E2BIG; all strings and pointers together
 * must stay within RLIMIT_STACK / 4 (2 MiB with the default 8 MiB), in
 * argv or in envp.  The test execs itself.
 */
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define STRLEN_MAX	(128 * 1024)
#define PIECE		(120 * 1024)

static const char *self;

/* A string of n 'x'. */
static char *
xs(size_t n)
{
	char *s = malloc(n + 1);

	CHECK(s != NULL);
	memset(s, 'x', n);
	s[n] = '\0';
	return s;
}

/* Exec self with argv/envp in a child; 0 if it ran, else the errno. */
static int
try_exec(char **args, char **env)
{
	struct rlimit rl = { 8 << 20, 8 << 20 };
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		/* The host may have a bigger stack limit: use Linux's default. */
		setrlimit(RLIMIT_STACK, &rl);
		execve(self, args, env);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) > 100);
	return WEXITSTATUS(status) == 0 ? 0 : WEXITSTATUS(status) - 100;
}

/* argv: self, "ran", then n strings of len bytes; envp: none. */
static int
try_args(int n, size_t len, int in_env)
{
	char **v = calloc(n + 3, sizeof(char *));
	char *s = xs(len), *env0[] = { NULL };
	char *args[] = { (char *)self, "ran", NULL };
	int i, r;

	CHECK(v != NULL);
	v[0] = (char *)self;
	v[1] = "ran";
	for (i = 0; i < n; i++)
		v[2 + i] = s;
	if (in_env)
		r = try_exec(args, v + 2);
	else
		r = try_exec(v, env0);
	free(s);
	free(v);
	return r;
}

int
main(int argc, char **argv)
{
	self = (const char *)getauxval(AT_EXECFN);
	if (argc > 1)
		return strcmp(argv[1], "ran") == 0 ? 0 : 1;
	/* One string: the NUL counts. */
	CHECK(try_args(1, STRLEN_MAX - 1, 0) == 0);
	CHECK(try_args(1, STRLEN_MAX, 0) == E2BIG);
	CHECK(try_args(1, 1024 * 1024, 0) == E2BIG);
	CHECK(try_args(1, STRLEN_MAX - 1, 1) == 0);
	CHECK(try_args(1, STRLEN_MAX, 1) == E2BIG);
	/* The total: 15 pieces fit in 2 MiB, 18 do not. */
	CHECK(try_args(15, PIECE, 0) == 0);
	CHECK(try_args(18, PIECE, 0) == E2BIG);
	CHECK(try_args(15, PIECE, 1) == 0);
	CHECK(try_args(18, PIECE, 1) == E2BIG);
	/* Many small strings: the pointers count too. */
	CHECK(try_args(300000, 0, 0) == E2BIG);
	return 0;
}
