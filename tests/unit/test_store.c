/* test_store.c: unit tests of the shared store: migrations, the secret, staff tokens, the funnel event buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/tokens.h"
#include "deflection/events.h"
#include "store/db.h"

static char	dir[] = "/tmp/hc-test-store.XXXXXX";

static sqlite3 *
open_fresh(const char *name)
{
	char	 path[256];
	sqlite3	*db;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	(void)unlink(path);
	db = db_open(path);
	assert_non_null(db);
	assert_true(db_migrate(db) > 0);
	return (db);
}

static long long
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 n;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

static void
test_migrations_run_once(void **state)
{
	sqlite3		*db;
	long long	 applied;
	int		 n;

	(void)state;
	db = open_fresh("m.db");
	applied = count(db, "SELECT count(*) FROM schema_migrations");
	n = db_migrate(db);
	assert_int_equal(count(db, "SELECT count(*) FROM schema_migrations"),
	    applied);
	assert_int_equal(n, applied);
	sqlite3_close(db);
}

static void
test_secret_is_stable(void **state)
{
	sqlite3		*db;
	unsigned char	 a[DB_SECRET_LEN], b[DB_SECRET_LEN], zero[DB_SECRET_LEN];

	(void)state;
	db = open_fresh("s.db");
	memset(zero, 0, sizeof(zero));
	assert_int_equal(db_secret(db, a), 0);
	assert_int_equal(db_secret(db, b), 0);
	assert_memory_equal(a, b, DB_SECRET_LEN);
	assert_memory_not_equal(a, zero, DB_SECRET_LEN);
	sqlite3_close(db);
}

static void
test_tokens_add_check_revoke(void **state)
{
	sqlite3			*db;
	struct token_owner	 who;
	char			 editor[TOKEN_LEN], agent[TOKEN_LEN], err[100];

	(void)state;
	db = open_fresh("t.db");
	assert_int_equal(token_add(db, "editor", "alice", editor, err,
	    sizeof(err)), 0);
	assert_int_equal(token_add(db, "agent", "bob", agent, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(editor), TOKEN_LEN - 1);
	assert_string_not_equal(editor, agent);
	/* Only the digest is stored. */
	assert_int_equal(count(db, "SELECT count(*) FROM tokens WHERE "
	    "digest LIKE 'hc_%'"), 0);

	assert_int_equal(token_check(db, agent, "agent", &who), 1);
	assert_string_equal(who.name, "bob");
	assert_int_equal(token_check(db, agent, "editor", &who), 0);
	/* An editor may work tickets too. */
	assert_int_equal(token_check(db, editor, "agent", &who), 1);
	assert_string_equal(who.role, "editor");

	/* One changed character, a prefix, garbage: all refused. */
	agent[10] = agent[10] == 'a' ? 'b' : 'a';
	assert_int_equal(token_check(db, agent, NULL, &who), 0);
	assert_int_equal(token_check(db, "hc_", NULL, &who), 0);
	assert_int_equal(token_check(db, "' OR 1=1 --", NULL, &who), 0);
	assert_int_equal(token_check(db, NULL, NULL, &who), 0);

	assert_int_equal(token_revoke(db, "alice"), 1);
	assert_int_equal(token_check(db, editor, NULL, &who), 0);
	assert_int_equal(token_revoke(db, "alice"), 0);

	assert_int_equal(token_add(db, "admin", "x", editor, err,
	    sizeof(err)), -1);
	assert_int_equal(token_add(db, "agent", "", editor, err,
	    sizeof(err)), -1);
	assert_int_equal(token_add(db, "agent", "a\nb", editor, err,
	    sizeof(err)), -1);
	sqlite3_close(db);
}

static void
test_events_buffer_then_flush(void **state)
{
	sqlite3		*db;
	struct event	 ev = EVENT_INIT;
	json_t		*ctx;
	char		 q[32];
	int		 i;

	(void)state;
	db = open_fresh("e.db");
	for (i = 0; i < 25; i++) {
		(void)snprintf(q, sizeof(q), "退款 %d", i);
		ev.type = EV_SEARCH;
		ev.visitor = i % 2 ? "v1" : "v2";
		ev.query = q;
		ev.result_count = i;
		events_record(&ev);
	}
	/* Nothing on disk until the flush. */
	assert_int_equal(count(db, "SELECT count(*) FROM events"), 0);
	assert_int_equal(events_flush(db), 25);
	assert_int_equal(count(db, "SELECT count(*) FROM events"), 25);
	assert_int_equal(events_flush(db), 0);

	ev = (struct event)EVENT_INIT;
	ev.type = EV_ARTICLE_VIEW;
	ev.visitor = "v1";
	ev.slug = "refund-time";
	ev.lang = "zh-CN";
	events_record(&ev);
	ev.slug = "refund-time";
	events_record(&ev);
	ev = (struct event)EVENT_INIT;
	ev.type = EV_VOTE;
	ev.visitor = "v1";
	ev.slug = "refund-time";
	ev.helpful = 0;
	ev.reason = "unclear";
	assert_int_equal(events_write(db, &ev), 0);

	/* The context flushes first, and keeps to this visitor. */
	ctx = events_visitor_context(db, "v1", 3600);
	assert_non_null(ctx);
	assert_int_equal(json_array_size(json_object_get(ctx, "searches")), 12);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(ctx, "searches"), 0), "query")), "退款 23");
	assert_int_equal(json_array_size(json_object_get(ctx, "articles")), 1);
	assert_int_equal(json_array_size(json_object_get(ctx, "votes")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(ctx, "votes"), 0), "reason")), "unclear");
	json_decref(ctx);
	sqlite3_close(db);
}

static double
seconds(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/*
 * Another program holds the write lock: the first write gives up after
 * about 5 s (by the clock: counting 0.5 ms sleeps took 7 s), says why,
 * and the next ones give up at once (250 ms) until a write gets through.
 */
static void
test_locked_write_refused_in_time(void **state)
{
	sqlite3		*db, *other;
	const char	*msg;
	double		 t0, t1, t2;
	int		 retry;

	(void)state;
	db = open_fresh("lock.db");
	other = db_open(sqlite3_db_filename(db, "main"));
	assert_non_null(other);
	assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL), SQLITE_OK);
	t0 = seconds();
	assert_int_equal(db_begin(db), -1);
	t1 = seconds();
	assert_true(t1 - t0 >= 4.9 && t1 - t0 < 5.5);
	assert_int_equal(db_write_error(NULL), SQLITE_BUSY);
	msg = db_error_message(db_write_error(NULL), &retry);
	assert_non_null(strstr(msg, "locked by another program"));
	assert_int_equal(retry, 5);
	assert_int_equal(db_write_probe(db), SQLITE_BUSY);
	assert_int_equal(db_begin(db), -1);
	t2 = seconds();
	assert_true(t2 - t1 < 1.0);
	(void)sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	assert_int_equal(db_write_probe(db), SQLITE_OK);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_write_error(NULL), 0);
	assert_non_null(strstr(db_error_message(SQLITE_FULL, NULL),
	    "disk is full"));
	sqlite3_close(other);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_migrations_run_once),
		cmocka_unit_test(test_secret_is_stable),
		cmocka_unit_test(test_tokens_add_check_revoke),
		cmocka_unit_test(test_events_buffer_then_flush),
		cmocka_unit_test(test_locked_write_refused_in_time),
	};
	char	cmd[300];
	int	rc;

	if (mkdtemp(dir) == NULL)
		return (1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	return (rc);
}
