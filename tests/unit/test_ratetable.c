/* test_ratetable.c: unit tests of src/util/ratetable.h (limits, windows, a full table that still limits). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/ratetable.h"

#define NSLOTS	16384

static uint64_t	table[NSLOTS];

static int
setup(void **state)
{
	(void)state;
	memset(table, 0, sizeof(table));
	return (0);
}

/* A spread of keys as FNV hashes of distinct clients would give. */
static uint32_t
spread(uint32_t i)
{
	uint32_t	h;

	h = i * 2654435761u;
	h ^= h >> 15;
	return (h * 2246822519u);
}

static void
test_limit_then_429(void **state)
{
	int	i, retry;

	(void)state;
	for (i = 0; i < 10; i++)
		assert_int_equal(ratetable_hit(table, NSLOTS, 42, 10, 60,
		    1000, &retry), 1);
	assert_int_equal(ratetable_hit(table, NSLOTS, 42, 10, 60, 1010,
	    &retry), 0);
	assert_int_equal(retry, 50);
	/* Another key is not affected. */
	assert_int_equal(ratetable_hit(table, NSLOTS, 43, 10, 60, 1010,
	    &retry), 1);
}

static void
test_window_reopens(void **state)
{
	int	i, retry;

	(void)state;
	for (i = 0; i < 3; i++)
		(void)ratetable_hit(table, NSLOTS, 7, 3, 2, 500, &retry);
	assert_int_equal(ratetable_hit(table, NSLOTS, 7, 3, 2, 501, &retry),
	    0);
	assert_int_equal(retry, 1);
	assert_int_equal(ratetable_hit(table, NSLOTS, 7, 3, 2, 502, &retry),
	    1);
}

/* The red team's case: the table full of other clients, one client sends 15. */
static void
test_full_table_still_limits(void **state)
{
	uint32_t	i;
	int		n, retry, allowed;

	(void)state;
	for (i = 1; i <= 30000; i++)
		(void)ratetable_hit(table, NSLOTS, spread(i), 10, 60, 2000,
		    &retry);
	allowed = 0;
	for (n = 0; n < 15; n++) {
		/* The flood goes on between the client's requests. */
		for (i = 0; i < 200; i++)
			(void)ratetable_hit(table, NSLOTS,
			    spread(40000 + n * 200 + i), 10, 60, 2001, &retry);
		allowed += ratetable_hit(table, NSLOTS, 0xdeadbeef, 10, 60,
		    2001, &retry);
	}
	assert_int_equal(allowed, 10);
}

/* A client being limited is the last to be evicted, even by heavier keys. */
static void
test_limited_key_survives_flood(void **state)
{
	uint32_t	i;
	int		n, retry;

	(void)state;
	for (n = 0; n < 10; n++)
		(void)ratetable_hit(table, NSLOTS, 0xabcdef, 10, 60, 3000,
		    &retry);
	for (i = 1; i <= 100000; i++)
		(void)ratetable_hit(table, NSLOTS, spread(i), 10, 60, 3001,
		    &retry);
	assert_int_equal(ratetable_hit(table, NSLOTS, 0xabcdef, 10, 60, 3002,
	    &retry), 0);
}

/* Expired entries are reused before any live one is evicted. */
static void
test_expired_slots_reused(void **state)
{
	uint32_t	i;
	int		n, retry;

	(void)state;
	for (i = 1; i <= 20000; i++)
		(void)ratetable_hit(table, NSLOTS, spread(i), 10, 2, 4000,
		    &retry);
	for (n = 0; n < 2; n++)
		assert_int_equal(ratetable_hit(table, NSLOTS, 99, 2, 60, 4010,
		    &retry), 1);
	assert_int_equal(ratetable_hit(table, NSLOTS, 99, 2, 60, 4010,
	    &retry), 0);
}

/* Key 0 marks an empty slot; it is counted as a key all the same. */
static void
test_key_zero(void **state)
{
	int	retry;

	(void)state;
	assert_int_equal(ratetable_hit(table, NSLOTS, 0, 1, 60, 10, &retry), 1);
	assert_int_equal(ratetable_hit(table, NSLOTS, 0, 1, 60, 10, &retry), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup(test_limit_then_429, setup),
		cmocka_unit_test_setup(test_window_reopens, setup),
		cmocka_unit_test_setup(test_full_table_still_limits, setup),
		cmocka_unit_test_setup(test_limited_key_survives_flood, setup),
		cmocka_unit_test_setup(test_expired_slots_reused, setup),
		cmocka_unit_test_setup(test_key_zero, setup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
