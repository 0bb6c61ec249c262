/* test_helper_status.c: the helpers' shared status records: nothing before init, errors counted and cleared, a forked writer seen by the reader. */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/helper_status.h"

static void
test_status(void **state)
{
	struct helper_state	h;
	pid_t			pid;

	(void)state;
	/* hcctl's case: no shared records, every call harmless. */
	helper_status_error(HELPER_EVENTS, "x");
	assert_int_equal(helper_status_read(HELPER_EVENTS, &h), -1);
	assert_int_equal(helper_status_failing(HELPER_EVENTS), 0);

	assert_int_equal(helper_status_init(), 0);
	assert_int_equal(helper_status_read(HELPER_EVENTS, &h), 0);
	assert_int_equal(h.pid, 0);
	/* The helper is another process: its writes must reach the reader. */
	if ((pid = fork()) == 0) {
		helper_status_started(HELPER_EVENTS, getpid());
		helper_status_ok(HELPER_EVENTS);
		helper_status_error(HELPER_EVENTS, "writing failed: %s",
		    "disk I/O error");
		helper_status_error(HELPER_EVENTS, "writing failed: %s",
		    "database is locked");
		helper_status_build(12, 1, 1);
		helper_status_build(0, 1, 0);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(helper_status_read(HELPER_EVENTS, &h), 0);
	assert_int_equal(h.pid, pid);
	assert_true(h.last_ok > 0 && h.last_error >= h.last_ok);
	assert_true(h.failing_since > 0 && h.failing_since <= h.last_error);
	assert_int_equal(h.failures, 2);
	assert_string_equal(h.error, "writing failed: database is locked");
	assert_int_equal(helper_status_failing(HELPER_EVENTS), 2);
	/* A build that failed keeps the last good count. */
	assert_int_equal(helper_status_read(HELPER_WATCHER, &h), 0);
	assert_int_equal(h.articles, 0);
	assert_int_equal(h.good_articles, 12);

	helper_status_ok(HELPER_EVENTS);
	assert_int_equal(helper_status_read(HELPER_EVENTS, &h), 0);
	assert_int_equal(h.failures, 0);
	assert_int_equal(h.failing_since, 0);
}

static void
test_backoff(void **state)
{
	struct timespec	a, b;
	long		ms;
	int		i;

	(void)state;
	assert_int_equal(helper_status_init(), 0);
	/* After a success: no wait. */
	(void)clock_gettime(CLOCK_MONOTONIC, &a);
	helper_backoff(HELPER_WATCHER, 30000);
	(void)clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms < 50);
	/* Ten failures in a row: capped at max_ms, not 200 ms * 2^9. */
	for (i = 0; i < 10; i++)
		helper_status_error(HELPER_WATCHER, "cannot read");
	(void)clock_gettime(CLOCK_MONOTONIC, &a);
	helper_backoff(HELPER_WATCHER, 300);
	(void)clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 290 && ms < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_backoff),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
