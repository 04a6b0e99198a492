/*
 * uname: a Linux x86_64 system whose nodename is the host name;
 * sethostname checks its length (EINVAL past 64 bytes) and, given the
 * current name again, leaves uname reporting it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/utsname.h>
#include <unistd.h>
#include "guest.h"

int
main(void)
{
	struct utsname u;
	char host[128], long_name[80];

	CHECK(uname(&u) == 0);
	CHECK(strcmp(u.sysname, "Linux") == 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(u.release[0] >= '1' && u.release[0] <= '9');
	CHECK(strchr(u.release, '.') != NULL);
	CHECK(u.version[0] == '#');
	CHECK(gethostname(host, sizeof(host)) == 0);
	CHECK(strcmp(host, u.nodename) == 0);
	CHECK(strlen(u.domainname) < sizeof(u.domainname));

	memset(long_name, 'x', sizeof(long_name));
	CHECK_ERR(sethostname(long_name, 65), EINVAL);
	if (geteuid() == 0) {
		CHECK(sethostname(host, strlen(host)) == 0);
		CHECK(uname(&u) == 0);
		CHECK(strcmp(u.nodename, host) == 0);
	}
	return 0;
}
