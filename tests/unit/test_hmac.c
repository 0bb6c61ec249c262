/* test_hmac.c: unit tests of src/util/hmac.h and form_stamp.h: known answers (Python's hmac module), stamps forged, expired, from the future. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/form_stamp.h"
#include "util/hmac.h"
#include "tickets/tickets.h"

static unsigned char	key[HMAC_KEY_LEN];
static unsigned char	other[HMAC_KEY_LEN];

static int
setup(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < HMAC_KEY_LEN; i++) {
		key[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}
	return (0);
}

/* python3: hmac.new(bytes(range(32)), b"ticket:HC-2026-000001", sha256) */
static void
test_known_answer(void **state)
{
	char	hex[2 * HMAC_LEN + 1];

	(void)state;
	hmac_hex(key, "ticket:", "HC-2026-000001", 14, HMAC_LEN, hex);
	assert_string_equal(hex, "3f95afc77d0d2c06a08a922c298e7d07"
	    "6b652b5f9f1dae43fc0cdea015e65fb7");
}

/* Status links sent before the helpers were merged must keep working. */
static void
test_ticket_token_unchanged(void **state)
{
	char	token[TICKET_TOKEN_LEN];

	(void)state;
	ticket_token(key, "HC-2026-000001", token);
	assert_string_equal(token, "3f95afc77d0d2c06a08a922c298e7d07");
	assert_true(ticket_token_valid(key, "HC-2026-000001", token));
	token[0] = token[0] == 'a' ? 'b' : 'a';
	assert_false(ticket_token_valid(key, "HC-2026-000001", token));
}

static void
test_stamp_age(void **state)
{
	char	stamp[FORM_STAMP_LEN];

	(void)state;
	form_stamp_make(key, "community", 1700000000, stamp);
	assert_string_equal(stamp,
	    "1700000000.af9a359bfdfcb56ac0654747c0387a3d");
	assert_int_equal(form_stamp_age(key, "community", stamp, 1700000000),
	    0);
	assert_int_equal(form_stamp_age(key, "community", stamp, 1700000042),
	    42);
	/* A minute of clock skew is forgiven, more is not. */
	assert_int_equal(form_stamp_age(key, "community", stamp, 1699999950),
	    0);
	assert_int_equal(form_stamp_age(key, "community", stamp, 1699999000),
	    -1);
}

static void
test_stamp_refused(void **state)
{
	char	stamp[FORM_STAMP_LEN];

	(void)state;
	form_stamp_make(key, "ticket", 1700000000, stamp);
	/* Another form, another key, a changed time, junk. */
	assert_int_equal(form_stamp_age(key, "community", stamp, 1700000005),
	    -1);
	assert_int_equal(form_stamp_age(other, "ticket", stamp, 1700000005),
	    -1);
	stamp[9] = stamp[9] == '1' ? '2' : '1';
	assert_int_equal(form_stamp_age(key, "ticket", stamp, 1700000005), -1);
	assert_int_equal(form_stamp_age(key, "ticket", NULL, 1), -1);
	assert_int_equal(form_stamp_age(key, "ticket", "", 1), -1);
	assert_int_equal(form_stamp_age(key, "ticket", "-5.abc", 1), -1);
	assert_int_equal(form_stamp_age(key, "ticket",
	    "99999999999999999999999.00000000000000000000000000000000", 1),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_ticket_token_unchanged),
		cmocka_unit_test(test_stamp_age),
		cmocka_unit_test(test_stamp_refused),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
