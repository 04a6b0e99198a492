/*
 * getrandom: fills the buffer (two draws differ and are not all zero),
 * accepts GRND_NONBLOCK, GRND_RANDOM and GRND_INSECURE, refuses other
 * flags and RANDOM|INSECURE with EINVAL, and a bad buffer with EFAULT.
 */
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

int
main(void)
{
	unsigned char a[64], b[64], zero[64];
	static unsigned char big[1 << 20];
	int nonzero = 0;

	memset(zero, 0, sizeof(zero));
	CHECK(getrandom(a, sizeof(a), 0) == sizeof(a));
	CHECK(getrandom(b, sizeof(b), GRND_NONBLOCK) == sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);
	CHECK(getrandom(a, 16, GRND_RANDOM) == 16);
	CHECK(syscall(SYS_getrandom, a, 16, GRND_INSECURE) == 16);
	CHECK(getrandom(a, 0, 0) == 0);
	CHECK(getrandom(big, sizeof(big), 0) == sizeof(big));
	for (size_t i = 0; i < sizeof(big); i += 4096)
		nonzero += big[i] != 0;
	CHECK(nonzero > 200);
	CHECK_ERR(getrandom(a, 16, 0x80), EINVAL);
	CHECK_ERR(syscall(SYS_getrandom, a, 16, GRND_RANDOM | GRND_INSECURE),
		  EINVAL);
	CHECK_ERR(getrandom((void *)8, 16, 0), EFAULT);
	return 0;
}
