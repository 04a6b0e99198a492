/*
 * Credentials as root: setresuid/getresuid and setresgid/getresgid
 * round trips, setgroups/getgroups, setfsuid; then, in a child that
 * drops to uid 1000, setuid(0) fails with EPERM while moving among its
 * own IDs still works, and setgroups needs root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static void
unprivileged_child(void)
{
	uid_t r, e, s;
	gid_t groups[1] = { 0 };

	CHECK(setgroups(0, NULL) == 0);
	CHECK(setresgid(1000, 1000, 1000) == 0);
	CHECK(setresuid(1000, 1000, 0) == 0);
	CHECK(getuid() == 1000 && geteuid() == 1000);
	/* The saved ID 0 still lets us become root again. */
	CHECK(seteuid(0) == 0 && geteuid() == 0);
	CHECK(setuid(1000) == 0);
	CHECK(getresuid(&r, &e, &s) == 0);
	CHECK(r == 1000 && e == 1000 && s == 1000);
	CHECK_ERR(setuid(0), EPERM);
	CHECK_ERR(seteuid(0), EPERM);
	CHECK_ERR(setresuid(-1, 0, -1), EPERM);
	CHECK_ERR(setreuid(0, -1), EPERM);
	CHECK_ERR(setgid(0), EPERM);
	CHECK_ERR(setgroups(1, groups), EPERM);
	CHECK_ERR(sethostname("x", 1), EPERM);
	CHECK(setuid(1000) == 0);
	CHECK(setfsuid(0) == 1000);
	CHECK(setfsuid(-1) == 1000);	/* unchanged */
	_exit(0);
}

/* As root: a full round trip, then we are no longer root. */
static void
root_child(void)
{
	uid_t r, e, s;

	CHECK(setresuid(1, 2, 3) == 0);
	CHECK(getresuid(&r, &e, &s) == 0);
	CHECK(r == 1 && e == 2 && s == 3);
	CHECK(getuid() == 1 && geteuid() == 2);
	/* Effective uid 2 is not root: only our own IDs are allowed. */
	CHECK_ERR(setresuid(0, 0, 0), EPERM);
	CHECK(setresuid(3, 1, -1) == 0);
	CHECK(getresuid(&r, &e, &s) == 0 && r == 3 && e == 1 && s == 3);
	CHECK(setreuid(-1, 3) == 0);
	CHECK(getresuid(&r, &e, &s) == 0 && r == 3 && e == 3 && s == 3);
	CHECK_ERR(setuid(0), EPERM);
	_exit(0);
}

/* Run fn in a child; true if it exited 0. */
static int
in_child(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		fn();
	CHECK(waitpid(pid, &status, 0) == pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
main(void)
{
	gid_t gr, ge, gs, groups[4] = { 10, 20, 30, 40 }, got[8];

	if (geteuid() != 0)
		return 77;
	CHECK(setresgid(5, 6, 7) == 0);
	CHECK(getresgid(&gr, &ge, &gs) == 0);
	CHECK(gr == 5 && ge == 6 && gs == 7);
	CHECK(getgid() == 5 && getegid() == 6);
	CHECK(setgid(0) == 0);
	CHECK(getresgid(&gr, &ge, &gs) == 0 && gr == 0 && ge == 0 && gs == 0);

	CHECK(setgroups(4, groups) == 0);
	CHECK(getgroups(0, NULL) == 4);
	CHECK(getgroups(8, got) == 4);
	CHECK(memcmp(got, groups, sizeof(groups)) == 0);
	CHECK_ERR(getgroups(2, got), EINVAL);
	CHECK(setgroups(0, NULL) == 0);
	CHECK(getgroups(8, got) == 0);

	CHECK(setfsuid(123) == 0);
	CHECK(setfsuid(0) == 123);
	CHECK(getuid() == 0 && geteuid() == 0);
	CHECK_ERR(getresuid((uid_t *)8, (uid_t *)8, (uid_t *)8), EFAULT);

	CHECK(in_child(root_child));
	CHECK(in_child(unprivileged_child));
	CHECK(geteuid() == 0);
	return 0;
}
