/* test_store.c: unit tests of the shared store: migrations, the secret, staff tokens and sessions, the funnel event buffer. */
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

#include "auth/sessions.h"
#include "auth/tokens.h"
#include "deflection/events.h"
#include "store/db.h"
#include "testdb.h"

static char	dir[] = "/tmp/hc-test-store.XXXXXX";

static struct store *
open_fresh(const char *name)
{
	char	 path[256];
	struct store	*db;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	db = testdb_open(path);
	assert_non_null(db);
	return (db);
}

static long long
count(struct store *db, const char *sql)
{
	struct db_stmt	*st;
	long long	 n;

	assert_int_equal(db_prepare(db, sql, &st), STORE_OK);
	assert_int_equal(db_step(st), STORE_ROW);
	n = db_col_int64(st, 0);
	db_finalize(st);
	return (n);
}

static void
test_migrations_run_once(void **state)
{
	struct store		*db;
	long long	 applied;
	int		 n;

	(void)state;
	db = open_fresh("m.db");
	applied = count(db, "SELECT count(*) FROM schema_migrations");
	n = db_migrate(db);
	assert_int_equal(count(db, "SELECT count(*) FROM schema_migrations"),
	    applied);
	assert_int_equal(n, applied);
	db_close(db);
}

static void
test_secret_is_stable(void **state)
{
	struct store		*db;
	unsigned char	 a[DB_SECRET_LEN], b[DB_SECRET_LEN], zero[DB_SECRET_LEN];

	(void)state;
	db = open_fresh("s.db");
	memset(zero, 0, sizeof(zero));
	assert_int_equal(db_secret(db, a), 0);
	assert_int_equal(db_secret(db, b), 0);
	assert_memory_equal(a, b, DB_SECRET_LEN);
	assert_memory_not_equal(a, zero, DB_SECRET_LEN);
	db_close(db);
}

static void
test_tokens_add_check_revoke(void **state)
{
	struct store			*db;
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

	assert_int_equal(token_revoke(db, TOKEN_BY_NAME, "alice"), 1);
	assert_int_equal(token_check(db, editor, NULL, &who), 0);
	assert_int_equal(token_revoke(db, TOKEN_BY_NAME, "alice"), 0);

	assert_int_equal(token_add(db, "admin", "x", editor, err,
	    sizeof(err)), -1);
	assert_int_equal(token_add(db, "agent", "", editor, err,
	    sizeof(err)), -1);
	assert_int_equal(token_add(db, "agent", "a\nb", editor, err,
	    sizeof(err)), -1);
	db_close(db);
}

static void
test_events_buffer_then_flush(void **state)
{
	struct store		*db;
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
	db_close(db);
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
	struct store		*db, *other;
	const char	*msg;
	char		 path[256];
	double		 t0, t1, t2;
	int		 retry;

	(void)state;
	/* SQLite's lock: PostgreSQL has no lock another program holds. */
	if (testdb_pg())
		skip();
	db = open_fresh("lock.db");
	(void)snprintf(path, sizeof(path), "%s/lock.db", dir);
	other = db_open(path);
	assert_non_null(other);
	assert_int_equal(db_exec(other, "BEGIN EXCLUSIVE"), STORE_OK);
	t0 = seconds();
	assert_int_equal(db_begin(db), -1);
	t1 = seconds();
	assert_true(t1 - t0 >= 4.9 && t1 - t0 < 5.5);
	assert_int_equal(db_write_error(NULL), STORE_BUSY);
	msg = db_error_message(db_write_error(NULL), &retry);
	assert_non_null(strstr(msg, "locked by another program"));
	assert_int_equal(retry, 5);
	assert_int_equal(db_write_probe(db), STORE_BUSY);
	assert_int_equal(db_begin(db), -1);
	t2 = seconds();
	assert_true(t2 - t1 < 1.0);
	(void)db_exec(other, "ROLLBACK");
	assert_int_equal(db_write_probe(db), STORE_OK);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_write_error(NULL), 0);
	assert_non_null(strstr(db_error_message(STORE_FULL, NULL),
	    "disk is full"));
	db_close(other);
	db_close(db);
}

/* revoke names its key: an id never matches a token named like it. */
static void
test_token_revoke_by_id_or_name(void **state)
{
	struct store			*db;
	struct token_owner	 who;
	char			 a[TOKEN_LEN], b[TOKEN_LEN], err[100];

	(void)state;
	db = open_fresh("r.db");
	assert_int_equal(token_add(db, "agent", "2", a, err, sizeof(err)), 0);
	assert_int_equal(token_add(db, "agent", "bob", b, err, sizeof(err)),
	    0);
	/* Token 2 is bob; the token named "2" is token 1. */
	assert_int_equal(token_revoke(db, TOKEN_BY_ID, "2"), 1);
	assert_int_equal(token_check(db, b, NULL, &who), 0);
	assert_int_equal(token_check(db, a, NULL, &who), 1);
	assert_int_equal(token_revoke(db, TOKEN_BY_ID, "2x"), 0);
	assert_int_equal(token_revoke(db, TOKEN_BY_ID, "0"), 0);
	assert_int_equal(token_revoke(db, TOKEN_BY_ID, "-1"), 0);
	assert_int_equal(token_revoke(db, TOKEN_BY_NAME, "2"), 1);
	assert_int_equal(token_check(db, a, NULL, &who), 0);
	db_close(db);
}

/* Sessions on a clock of the test's own: idle and absolute limits. */
static void
test_sessions_expire_and_end(void **state)
{
	struct store			*db;
	struct token_owner	 who;
	struct session_limits	 lim = { 100, 1000 };
	char			 tok[TOKEN_LEN], ed[TOKEN_LEN], err[100];
	char			 s1[SESSION_ID_LEN], s2[SESSION_ID_LEN];
	long long		 t0 = 1000000, t;
	long long		 agent_id;

	(void)state;
	db = open_fresh("s.db");
	assert_int_equal(token_add(db, "agent", "ann", tok, err, sizeof(err)),
	    0);
	assert_int_equal(token_add(db, "editor", "eve", ed, err, sizeof(err)),
	    0);
	assert_int_equal(token_check(db, tok, NULL, &who), 1);
	agent_id = who.id;
	assert_int_equal(session_create(db, agent_id, t0, s1), SESSION_OK);
	assert_int_equal(strlen(s1), SESSION_ID_LEN - 1);
	/* Only the digest is kept; the token is never the session. */
	assert_int_equal(count(db, "SELECT count(*) FROM staff_sessions"), 1);
	assert_int_equal(session_check(db, tok, NULL, t0, &lim, &who),
	    SESSION_NONE);
	assert_int_equal(session_check(db, s1, "agent", t0 + 10, &lim, &who),
	    SESSION_OK);
	assert_string_equal(who.name, "ann");
	assert_int_equal(session_check(db, s1, "editor", t0 + 10, &lim, &who),
	    SESSION_FORBIDDEN);
	/* Use keeps it alive past the idle limit, up to the absolute one. */
	for (t = t0 + 90; t < t0 + 1000; t += 90)
		assert_int_equal(session_check(db, s1, NULL, t, &lim, &who),
		    SESSION_OK);
	assert_int_equal(session_check(db, s1, NULL, t0 + 1001, &lim, &who),
	    SESSION_EXPIRED);
	assert_int_equal(session_check(db, s1, NULL, t0 + 1002, &lim, &who),
	    SESSION_NONE);
	/* Idle: 101 s without a request. */
	assert_int_equal(session_create(db, agent_id, t0, s2), SESSION_OK);
	assert_string_not_equal(s1, s2);
	assert_int_equal(session_check(db, s2, NULL, t0 + 100, &lim, &who),
	    SESSION_OK);
	assert_int_equal(session_check(db, s2, NULL, t0 + 201, &lim, &who),
	    SESSION_EXPIRED);
	/* Logout ends it. */
	assert_int_equal(session_create(db, agent_id, t0, s1), SESSION_OK);
	assert_int_equal(session_end(db, s1), SESSION_OK);
	assert_int_equal(session_check(db, s1, NULL, t0 + 1, &lim, &who),
	    SESSION_NONE);
	/* Revoking the token ends its sessions, not the others'. */
	assert_int_equal(session_create(db, agent_id, t0, s1), SESSION_OK);
	assert_int_equal(token_check(db, ed, NULL, &who), 1);
	assert_int_equal(session_create(db, who.id, t0, s2), SESSION_OK);
	assert_int_equal(token_revoke(db, TOKEN_BY_NAME, "ann"), 1);
	assert_int_equal(session_check(db, s1, NULL, t0 + 1, &lim, &who),
	    SESSION_NONE);
	assert_int_equal(session_check(db, s2, "agent", t0 + 1, &lim, &who),
	    SESSION_OK);
	assert_int_equal(count(db, "SELECT count(*) FROM staff_sessions"), 1);
	/* Garbage ids. */
	assert_int_equal(session_check(db, "", NULL, t0, &lim, &who),
	    SESSION_NONE);
	assert_int_equal(session_check(db, NULL, NULL, t0, &lim, &who),
	    SESSION_NONE);
	assert_int_equal(session_end(db, "' OR 1=1 --"), SESSION_NONE);
	db_close(db);
}

/*
 * hcctl backup: a consistent copy while another connection writes (its
 * open transaction is not in it), and restore puts it back. PostgreSQL
 * refuses both (pg_dump is its tool).
 */
static void
test_backup_restore(void **state)
{
	struct store	*db, *other;
	char		 path[256], copy[256], tok[TOKEN_LEN], err[100];

	(void)state;
	db = open_fresh("b.db");
	(void)snprintf(path, sizeof(path), "%s/b.db", dir);
	(void)snprintf(copy, sizeof(copy), "%s/b-copy.db", dir);
	(void)unlink(copy);
	if (testdb_pg()) {
		assert_int_equal(db_backup(db, copy), -1);
		assert_non_null(strstr(db_errmsg(db), "pg_dump"));
		db_close(db);
		return;
	}
	assert_int_equal(token_add(db, "agent", "one", tok, err,
	    sizeof(err)), 0);
	assert_non_null(other = db_open(path));
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(token_add(other, "agent", "uncommitted", tok, err,
	    sizeof(err)), 0);
	assert_int_equal(db_backup(db, copy), 0);
	db_rollback(other);
	db_close(other);
	assert_int_equal(token_add(db, "agent", "two", tok, err,
	    sizeof(err)), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM tokens"), 2);
	assert_int_equal(db_restore(db, copy), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM tokens"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM tokens WHERE "
	    "name = 'one'"), 1);
	/* Not a help center database: refused, nothing replaced. */
	assert_int_equal(db_restore(db, "/dev/null"), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM tokens"), 1);
	db_close(db);
}

/* db_lock: held by one connection until db_unlock; taken outside a transaction. */
static void
test_lock_taken_in_turn(void **state)
{
	struct store	*a, *b;
	char		 path[256];

	(void)state;
	a = open_fresh("lock.db");
	assert_int_equal(db_lock(a, "thread:1"), 0);
	if (!testdb_pg()) {
		/* SQLite: nothing to take; its write lock orders writers. */
		db_unlock(a, "thread:1");
		db_close(a);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/lock.db", dir);
	b = testdb_again(path);
	assert_non_null(b);
	assert_int_equal(count(b, "SELECT pg_try_advisory_lock("
	    "hashtext('thread:1'))::int"), 0);
	db_unlock(a, "thread:1");
	assert_int_equal(count(b, "SELECT pg_try_advisory_lock("
	    "hashtext('thread:1'))::int"), 1);
	/* Inside a transaction it is refused: the snapshot is already taken. */
	assert_int_equal(db_begin(a), 0);
	assert_int_equal(db_lock(a, "thread:2"), -1);
	db_rollback(a);
	db_close(b);
	db_close(a);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_migrations_run_once),
		cmocka_unit_test(test_secret_is_stable),
		cmocka_unit_test(test_tokens_add_check_revoke),
		cmocka_unit_test(test_token_revoke_by_id_or_name),
		cmocka_unit_test(test_sessions_expire_and_end),
		cmocka_unit_test(test_events_buffer_then_flush),
		cmocka_unit_test(test_locked_write_refused_in_time),
		cmocka_unit_test(test_backup_restore),
		cmocka_unit_test(test_lock_taken_in_turn),
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
