/*
 * fake_boot(): bring up the core pieces most unit tests need on the fake
 * machine.  Kept apart from fake.c so a test of one allocator links only
 * what it uses.
 */
#include <stdlib.h>

#include "core/page.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/timer.h"
#include "tests/fake/fake.h"

void
fake_boot(size_t mem_size)
{
	fake_physmem_init(mem_size);
	buddy_init();
	slab_init();
	time_init();
	if (sched_init("rr") != 0)
		abort();
}
