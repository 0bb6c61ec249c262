/* test_gzip.c: unit tests of src/util/gzip.h (Accept-Encoding, gzip members with secrets kept apart). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/gzip.h"
#include "util/strbuf.h"

static void
test_accepted(void **state)
{
	(void)state;
	assert_true(gzip_accepted("gzip"));
	assert_true(gzip_accepted("gzip, deflate, br"));
	assert_true(gzip_accepted("br;q=1.0, GZIP;q=0.5"));
	assert_true(gzip_accepted("x-gzip"));
	assert_true(gzip_accepted("*"));
	assert_true(gzip_accepted("identity, *;q=0.1"));
	assert_false(gzip_accepted(NULL));
	assert_false(gzip_accepted(""));
	assert_false(gzip_accepted("identity"));
	assert_false(gzip_accepted("deflate, br"));
	assert_false(gzip_accepted("gzip;q=0"));
	assert_false(gzip_accepted("gzip; q=0.000, deflate"));
	assert_false(gzip_accepted("*;q=0"));
	assert_false(gzip_accepted("gzip;q=0, *"));
	assert_true(gzip_accepted("gzip, *;q=0"));
	assert_false(gzip_accepted("gzipx, xgzip"));
}

/* Inflates a gzip member; the text (free() it) and its length. */
static char *
gunzip(const char *gz, size_t len, size_t *outlen)
{
	z_stream	z;
	char		*buf;
	size_t		 cap = 1 << 20;
	int		 rc;

	buf = malloc(cap);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)gz;
	z.avail_in = len;
	z.next_out = (unsigned char *)buf;
	z.avail_out = cap;
	rc = inflate(&z, Z_FINISH);
	assert_int_equal(rc, Z_STREAM_END);
	assert_int_equal(z.avail_in, 0);	/* nothing after the member */
	*outlen = z.total_out;
	inflateEnd(&z);
	return (buf);
}

static void
round_trip(const char *text, const size_t *at, size_t n, size_t slen)
{
	struct strbuf	 gz;
	char		*back;
	size_t		 len;

	sb_init(&gz);
	assert_int_equal(gzip_encode(text, strlen(text), at, n, slen, 6, &gz),
	    0);
	back = gunzip(gz.data, gz.len, &len);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(back, text, len);
	free(back);
	sb_free(&gz);
}

static void
test_round_trip(void **state)
{
	size_t	at[2];
	char	*big;
	size_t	i;

	(void)state;
	round_trip("", NULL, 0, 0);
	round_trip("hello hello hello hello", NULL, 0, 0);
	at[0] = 0;
	round_trip("SECRETtail", at, 1, 6);
	at[0] = 4;
	round_trip("headSECRET", at, 1, 6);
	at[0] = 2;
	at[1] = 10;
	round_trip("abSECRETxySECRETzz", at, 2, 6);
	/* Larger than a stored block and than one output buffer. */
	big = malloc(200001);
	for (i = 0; i < 200000; i++)
		big[i] = "abcdefghij"[(i * 7919) % 10];
	big[200000] = '\0';
	at[0] = 1000;
	round_trip(big, at, 1, 100000);
	round_trip(big, NULL, 0, 0);
	free(big);
}

static void
test_bad_ranges(void **state)
{
	struct strbuf	gz;
	size_t		at[2] = { 5, 2 };

	(void)state;
	sb_init(&gz);
	assert_int_equal(gzip_encode("0123456789", 10, at, 2, 2, 6, &gz), -1);
	assert_int_equal(gz.len, 0);
	at[0] = 9;
	assert_int_equal(gzip_encode("0123456789", 10, at, 1, 2, 6, &gz), -1);
	assert_int_equal(gz.len, 0);
	sb_free(&gz);
}

/*
 * BREACH: a reflected guess that matches the secret must not make the
 * answer shorter than one that does not. The wrong guess is the secret
 * reversed: the same letters, so only matching could tell them apart.
 */
static void
test_secret_not_matched(void **state)
{
	const char	*secret = "3f9a1c77be04d2e58a6610fc9b2d4e71";
	char		 right[256], wrong[256];
	struct strbuf	 a, b;
	size_t		 at;

	(void)state;
	(void)snprintf(right, sizeof(right), "<input value=\"%s\"><p>q=%s</p>",
	    secret, secret);
	(void)snprintf(wrong, sizeof(wrong), "<input value=\"%s\"><p>q=%s</p>",
	    secret, "17e4d2b9cf0166a85e2d40eb77c1a9f3");
	at = strlen("<input value=\"");
	sb_init(&a);
	sb_init(&b);
	/* Without the secret marked, the right guess compresses better. */
	assert_int_equal(gzip_encode(right, strlen(right), NULL, 0, 0, 9, &a), 0);
	assert_int_equal(gzip_encode(wrong, strlen(wrong), NULL, 0, 0, 9, &b), 0);
	assert_true(a.len < b.len);
	sb_reset(&a);
	sb_reset(&b);
	assert_int_equal(gzip_encode(right, strlen(right), &at, 1,
	    strlen(secret), 9, &a), 0);
	assert_int_equal(gzip_encode(wrong, strlen(wrong), &at, 1,
	    strlen(secret), 9, &b), 0);
	assert_int_equal(a.len, b.len);
	sb_free(&a);
	sb_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_secret_not_matched),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
