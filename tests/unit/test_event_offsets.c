/* test_event_offsets.c: the event writer's rings written exactly once: a commit reported failed after it committed is not written again; one that failed is. */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "deflection/event_ring.h"
#include "deflection/events.h"
#include "testdb.h"

#define NODE	"node-test"

static long long
count_rows(struct store *db, const char *sql)
{
	struct db_stmt	*st;
	long long	 n = -1;

	if (db_prepare(db, sql, &st) != 0)
		return (-1);
	if (db_step(st) == STORE_ROW)
		n = db_col_int64(st, 0);
	db_finalize(st);
	return (n);
}

static long long
events_count(struct store *db)
{
	return (count_rows(db, "SELECT COUNT(*) FROM events"));
}

static void
views(int n, const char *visitor)
{
	int	i;

	for (i = 0; i < n; i++)
		event_article_view(visitor, "invoice", "en");
}

static void
test_written_once(void **state)
{
	struct store	*db;
	pid_t		 pid;
	int		 status;

	(void)state;
	assert_non_null(db = testdb_open("/tmp/hc-test-event-offsets.db"));
	assert_int_equal(event_ring_init(2), 0);
	assert_int_equal(strlen(event_ring_run()), 16);

	/* Two workers' rings: this process is worker 0, a child worker 1. */
	if ((pid = fork()) == 0) {
		if (event_ring_attach(1) != 0)
			_exit(1);
		views(7, "w1");
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(event_ring_attach(0), 0);
	views(10, "w0");
	assert_int_equal(events_write_rings(db, NODE), 17);
	assert_int_equal(events_count(db), 17);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM event_offsets"),
	    2);

	/* Committed, but the reply was lost: reported as failed. */
	views(5, "w0");
	events_lose_next_reply();
	assert_int_equal(events_write_rings(db, NODE), -1);
	assert_int_equal(events_count(db), 22);
	/* The next batch reads the offsets back: only the new events. */
	views(3, "w0");
	assert_int_equal(events_write_rings(db, NODE), 3);
	assert_int_equal(events_count(db), 25);
	assert_int_equal(events_write_rings(db, NODE), 0);
	assert_int_equal(events_count(db), 25);

	/* A commit that did fail: the events are written by the next one. */
	views(4, "w0");
	assert_int_equal(db_exec(db, "ALTER TABLE events RENAME TO events_away"),
	    STORE_OK);
	assert_int_equal(events_write_rings(db, NODE), -1);
	assert_int_equal(db_exec(db, "ALTER TABLE events_away RENAME TO events"),
	    STORE_OK);
	assert_int_equal(events_count(db), 25);
	assert_int_equal(events_write_rings(db, NODE), 4);
	assert_int_equal(events_count(db), 29);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM events WHERE "
	    "visitor = 'w1'"), 7);

	/* At start: this node's earlier runs go, other nodes' stay. */
	assert_int_equal(db_exec(db, "INSERT INTO event_offsets VALUES "
	    "('" NODE "', 'earlier', 0, 99), ('node-other', 'x', 0, 5)"),
	    STORE_OK);
	assert_int_equal(events_offsets_prune(db, NODE), 0);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM event_offsets "
	    "WHERE node = '" NODE "'"), 2);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM event_offsets "
	    "WHERE node = 'node-other'"), 1);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_once),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
