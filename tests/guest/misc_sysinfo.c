/*
 * sysinfo: uptime agrees with CLOCK_BOOTTIME, free memory is below the
 * total, at least one process runs, mem_unit is set; a bad pointer is
 * EFAULT.
 */
#include <sys/sysinfo.h>
#include <time.h>
#include "guest.h"

int
main(void)
{
	struct sysinfo si;
	struct timespec ts;

	CHECK(sysinfo(&si) == 0);
	CHECK(clock_gettime(CLOCK_BOOTTIME, &ts) == 0);
	CHECK((long)si.uptime >= 0 && (long)si.uptime <= ts.tv_sec + 1);
	CHECK((long)si.uptime + 2 >= ts.tv_sec);
	CHECK(si.mem_unit >= 1);
	CHECK(si.totalram > 0 && si.freeram > 0);
	CHECK(si.freeram <= si.totalram);
	CHECK((unsigned long long)si.totalram * si.mem_unit >= 16ULL << 20);
	CHECK(si.procs >= 1);
	CHECK_ERR(sysinfo((struct sysinfo *)8), EFAULT);
	return 0;
}
