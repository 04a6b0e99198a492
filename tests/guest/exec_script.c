/*
 * "#!" scripts: the interpreter gets "interp [arg] script argv[1]...",
 * the optional argument being the rest of the line, trimmed, as one
 * word.  The scripts name this program as their interpreter; it checks
 * the argv it is run with.
 */
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static const char *self;

static void
write_script(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	CHECK(fd >= 0);
	CHECK(write(fd, line, strlen(line)) == (ssize_t)strlen(line));
	CHECK(write(fd, "exit 1\n", 7) == 7);
	CHECK(close(fd) == 0);
	CHECK(chmod(path, 0755) == 0);
}

/* Run script with argv { "name", "a", "b c" }; its exit status. */
static int
run(const char *script)
{
	char *args[] = { "name", "a", "b c", NULL };
	char var[300];
	char *env[] = { var, NULL };
	int status;
	pid_t pid;

	snprintf(var, sizeof(var), "SCRIPT_SELF=%s", self);
	pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		execve(script, args, env);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * As the interpreter (self is then the script: AT_EXECFN is what was
 * exec'ed): argv[1] says which line was used.
 */
static int
interpreter(int argc, char **argv)
{
	const char *interp = getenv("SCRIPT_SELF");
	int i = 1;

	CHECK(strcmp(argv[0], interp) == 0);
	if (strcmp(argv[1], "with-arg") == 0)
		i = 2;
	else if (strcmp(argv[1], "one  two") == 0)
		i = 2;
	else if (argv[1][0] == 'y') {
		/* The line was cut after 255 bytes: so was the argument. */
		CHECK(strlen(argv[1]) == 255 - 3 - strlen(interp));
		CHECK(strspn(argv[1], "y") == strlen(argv[1]));
		i = 2;
	}
	CHECK(argc == i + 3);
	CHECK(strncmp(argv[i], "/tmp/exec_script_", 17) == 0);
	CHECK(strcmp(argv[i], self) == 0);
	CHECK(strcmp(argv[i + 1], "a") == 0);
	CHECK(strcmp(argv[i + 2], "b c") == 0);
	CHECK(argv[i + 3] == NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	char line[512];

	self = (const char *)getauxval(AT_EXECFN);
	if (getenv("SCRIPT_SELF") != NULL)
		return interpreter(argc, argv);
	snprintf(line, sizeof(line), "#!%s with-arg\n", self);
	write_script("/tmp/exec_script_arg", line);
	CHECK(run("/tmp/exec_script_arg") == 0);

	snprintf(line, sizeof(line), "#!%s\n", self);
	write_script("/tmp/exec_script_noarg", line);
	CHECK(run("/tmp/exec_script_noarg") == 0);

	snprintf(line, sizeof(line), "#! \t%s   one  two \t \n", self);
	write_script("/tmp/exec_script_spaces", line);
	CHECK(run("/tmp/exec_script_spaces") == 0);

	/* A line longer than 255 bytes cuts the argument... */
	snprintf(line, sizeof(line), "#!%s %0300d\n", self, 0);
	memset(line + 3 + strlen(self), 'y', 300);
	write_script("/tmp/exec_script_long", line);
	CHECK(run("/tmp/exec_script_long") == 0);
	/* ...but never the interpreter's path. */
	memset(line, 'z', 300);
	memcpy(line, "#!/", 3);
	strcpy(line + 300, "\n");
	write_script("/tmp/exec_script_cut", line);
	CHECK(run("/tmp/exec_script_cut") == 100 + ENOEXEC);

	/* An interpreter that does not exist; an empty "#!" line. */
	write_script("/tmp/exec_script_bad", "#!/nonexistent/interp\n");
	CHECK(run("/tmp/exec_script_bad") == 100 + ENOENT);
	write_script("/tmp/exec_script_empty", "#!   \n");
	CHECK(run("/tmp/exec_script_empty") == 100 + ENOEXEC);

	unlink("/tmp/exec_script_arg");
	unlink("/tmp/exec_script_noarg");
	unlink("/tmp/exec_script_spaces");
	unlink("/tmp/exec_script_bad");
	unlink("/tmp/exec_script_empty");
	unlink("/tmp/exec_script_long");
	unlink("/tmp/exec_script_cut");
	return 0;
}
