/*
 * "#!" interpreters may themselves be scripts, five deep as on Linux:
 * a chain of five scripts ending in this program runs, a sixth script on
 * top fails with ELOOP.
 */
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define DEPTH	6

/* /tmp/exec_nest_<i> runs the previous one ("#!" this program for 1). */
static void
write_script(int i, const char *self)
{
	char path[64], line[300];
	int fd, n;

	snprintf(path, sizeof(path), "/tmp/exec_nest_%d", i);
	if (i == 1)
		n = snprintf(line, sizeof(line), "#!%s nest\n", self);
	else
		n = snprintf(line, sizeof(line), "#!/tmp/exec_nest_%d\n",
			     i - 1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK(write(fd, line, n) == n);
	CHECK(close(fd) == 0);
}

/* Exec script i; the exit status (100 + errno if exec failed). */
static int
run(int i)
{
	char path[64];
	char *args[] = { path, "last", NULL };
	char *env[] = { "NEST_TEST=1", NULL };
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/exec_nest_%d", i);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve(path, args, env);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Run through n scripts: argv is self nest 1, 2, ..., n, last. */
static int
interpreter(int argc, char **argv)
{
	int n = argc - 3, i;
	char path[64];

	CHECK(n >= 1 && strcmp(argv[1], "nest") == 0);
	for (i = 1; i <= n; i++) {
		snprintf(path, sizeof(path), "/tmp/exec_nest_%d", i);
		CHECK(strcmp(argv[1 + i], path) == 0);
	}
	CHECK(strcmp(argv[argc - 1], "last") == 0);
	return n;
}

int
main(int argc, char **argv)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	char path[64];
	int i;

	if (getenv("NEST_TEST") != NULL)
		return interpreter(argc, argv);
	for (i = 1; i <= DEPTH; i++)
		write_script(i, self);
	for (i = 1; i < DEPTH; i++)
		CHECK(run(i) == i);
	CHECK(run(DEPTH) == 100 + ELOOP);
	for (i = 1; i <= DEPTH; i++) {
		snprintf(path, sizeof(path), "/tmp/exec_nest_%d", i);
		unlink(path);
	}
	return 0;
}
