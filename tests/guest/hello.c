/* The smallest guest: write to the console and exit 0 as init. */
#include <unistd.h>
#include "guest.h"

int
main(int argc, char **argv)
{
	static const char msg[] = "hello from the guest\n";

	CHECK(argc >= 1 && argv[0] != NULL);
	CHECK(write(1, msg, sizeof(msg) - 1) == sizeof(msg) - 1);
	CHECK(getpid() == 1);
	return 0;
}
