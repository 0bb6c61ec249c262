/* test_framing.c: unit tests of src/util/framing.h (request head end, RFC 9112 body framing). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/framing.h"

static enum framing
check(const char *head, uint64_t *body)
{
	size_t	n;

	n = framing_head_len(head, strlen(head));
	assert_true(n > 0);
	return (framing_check(head, n, body));
}

static void
test_head_len(void **state)
{
	const char	*two = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n";

	(void)state;
	assert_int_equal(framing_head_len(two, strlen(two)), 27);
	assert_int_equal(framing_head_len("GET / HTTP/1.1\r\nHost: x\r\n", 25), 0);
	assert_int_equal(framing_head_len("GET / HTTP/1.1\nHost: x\n\nrest", 28), 24);
	/* As Kore: a CRLF CRLF anywhere wins over an earlier LF LF. */
	assert_int_equal(framing_head_len("A\n\nB\r\n\r\n", 9), 8);
}

static void
test_ok(void **state)
{
	uint64_t	body;

	(void)state;
	assert_int_equal(check("POST /x HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 16\r\n\r\n", &body), FRAMING_OK);
	assert_int_equal(body, 16);
	assert_int_equal(check("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &body),
	    FRAMING_OK);
	assert_int_equal(body, 0);
	assert_int_equal(check("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	    &body), FRAMING_OK);
	assert_int_equal(check("put /x HTTP/1.1\r\ncontent-length:  7 \r\n"
	    "Content-Length: 7\r\n\r\n", &body), FRAMING_OK);
	assert_int_equal(body, 7);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length: "
	    "99999999999999999999999\r\n\r\n", &body), FRAMING_OK);
	assert_true(body == UINT64_MAX);
}

static void
test_ambiguous(void **state)
{
	uint64_t	body;

	(void)state;
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", &body), FRAMING_CL_AND_TE);
	assert_int_equal(check("POST /x HTTP/1.1\r\ntransfer-encoding: x\r\n"
	    "content-length: 5\r\n\r\n", &body), FRAMING_CL_AND_TE);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length: 2\r\n"
	    "Content-Length: 40\r\n\r\n", &body), FRAMING_CL_DIFFERENT);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length: +16\r\n\r\n",
	    &body), FRAMING_CL_NOT_DIGITS);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
	    &body), FRAMING_CL_NOT_DIGITS);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n",
	    &body), FRAMING_CL_NOT_DIGITS);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n",
	    &body), FRAMING_CL_NOT_DIGITS);
	assert_int_equal(check("POST /x HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", &body), FRAMING_TE);
	assert_int_equal(check("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\n",
	    &body), FRAMING_BODY_NOT_ALLOWED);
	assert_int_equal(check("POST /x HTTP/1.1\r\nContent-Length : 2\r\n\r\n",
	    &body), FRAMING_BAD_FIELD_NAME);
	assert_int_equal(check("GET / HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n", &body),
	    FRAMING_FOLDED);
	/* A bare CR ends a line for Kore, so it does here. */
	assert_int_equal(check("POST /x HTTP/1.1\r\nX: y\rContent-Length: 1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", &body), FRAMING_CL_AND_TE);
}

static void
test_statuses_and_messages(void **state)
{
	int	f;

	(void)state;
	assert_int_equal(framing_status(FRAMING_TE), 411);
	assert_int_equal(framing_status(FRAMING_CL_AND_TE), 400);
	for (f = FRAMING_CL_AND_TE; f <= FRAMING_FOLDED; f++)
		assert_true(strlen(framing_message((enum framing)f)) > 20);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_head_len),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_statuses_and_messages),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
