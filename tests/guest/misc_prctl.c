/*
 * prctl: PR_SET_NAME/PR_GET_NAME round trip (a long name is cut to 15
 * bytes), PR_SET_PDEATHSIG/PR_GET_PDEATHSIG, PR_GET_DUMPABLE/
 * PR_SET_DUMPABLE, and EINVAL for a bad signal or an unknown option.
 */
#include <signal.h>
#include <sys/prctl.h>
#include "guest.h"

int
main(void)
{
	char name[16];
	int sig = -1;

	CHECK(prctl(PR_SET_NAME, "misc-test", 0, 0, 0) == 0);
	memset(name, 'x', sizeof(name));
	CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
	CHECK(strcmp(name, "misc-test") == 0);
	CHECK(prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
	CHECK(strcmp(name, "a-name-longer-t") == 0);
	CHECK_ERR(prctl(PR_GET_NAME, (char *)8, 0, 0, 0), EFAULT);

	CHECK(prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 && sig == 0);
	CHECK(prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 && sig == SIGTERM);
	CHECK(prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) == 0);
	CHECK_ERR(prctl(PR_SET_PDEATHSIG, 1000, 0, 0, 0), EINVAL);

	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
	CHECK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
	CHECK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0);
	CHECK_ERR(prctl(PR_SET_DUMPABLE, 7, 0, 0, 0), EINVAL);
	CHECK_ERR(prctl(0x7fff1234, 0, 0, 0, 0), EINVAL);
	return 0;
}
