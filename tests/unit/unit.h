/*
 * Helpers shared by the Check suites: a seeded random generator that gives
 * the same sequence on every host, and the runner every main() uses.
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t unit_rng_state = 0x9e3779b97f4a7c15ULL;

/* Restart the generator from seed (not 0). */
static inline void
unit_rng_seed(uint64_t seed)
{
	unit_rng_state = seed;
}

/* Next value of xorshift64*. */
static inline uint64_t
unit_rng(void)
{
	unit_rng_state ^= unit_rng_state >> 12;
	unit_rng_state ^= unit_rng_state << 25;
	unit_rng_state ^= unit_rng_state >> 27;
	return unit_rng_state * 0x2545f4914f6cdd1dULL;
}

/* Run every test of the runner's suites; return main()'s exit status. */
static inline int
unit_run(SRunner *sr, enum print_output mode)
{
	int failed;

	srunner_run_all(sr, mode);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
