/* test_outbox.c: unit tests of the community's search outbox as a log: two nodes' readers, a transaction still open, pruning, a node pruned past, db_changed. */
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

#include "community/community.h"
#include "search/search.h"
#include "store/db.h"
#include "testdb.h"

#define DBPATH	"/tmp/hc-test-outbox.db"
#define INDEX_A	"/tmp/hc-test-outbox-index-a"
#define INDEX_B	"/tmp/hc-test-outbox-index-b"

/* Two nodes on one database: each its own index folder and name. */
struct nodes {
	struct store		*db;
	struct cm_outbox_reader	 a;
	struct cm_outbox_reader	 b;
	long long		 now;
};

static int
setup(void **state)
{
	struct nodes	*n;

	n = calloc(1, sizeof(*n));
	if (n == NULL || system("rm -rf " INDEX_A " " INDEX_B) != 0)
		return (-1);
	if ((n->db = testdb_open(DBPATH)) == NULL)
		return (-1);
	n->a.index_path = INDEX_A;
	n->a.node = "node-a";
	n->b.index_path = INDEX_B;
	n->b.node = "node-b";
	n->now = (long long)time(NULL);
	*state = n;
	return (0);
}

static int
teardown(void **state)
{
	struct nodes	*n = *state;

	cm_outbox_reader_free(&n->a);
	cm_outbox_reader_free(&n->b);
	db_close(n->db);
	free(n);
	return (0);
}

static long long
thread(struct store *db, const char *title)
{
	struct cm_new	 n;
	long long	 id;
	char		 hash[17];

	memset(&n, 0, sizeof(n));
	n.visitor = "v1";
	n.author = "Alice";
	n.title = title;
	n.body_md = n.body_html = n.body_plain = "A body to index.";
	n.lang = "en";
	n.status = CM_PUBLISHED;
	cm_body_hash(title, "", hash);
	n.body_hash = hash;
	assert_int_equal(cm_thread_create(db, &n, &id), CM_WRITE_OK);
	return (id);
}

static long long
count(struct store *db, const char *sql)
{
	struct db_stmt	*st;
	long long	 v = -1;

	assert_int_equal(db_prepare(db, sql, &st), 0);
	if (db_step(st) == STORE_ROW)
		v = db_col_int64(st, 0);
	db_finalize(st);
	return (v);
}

struct doc_find {
	char	 id[40];
	char	 hash[128];
	int	 found;
};

static void
find_doc(const char *id, const char *hash, void *arg)
{
	struct doc_find	*f = arg;

	if (strcmp(id, f->id) == 0) {
		f->found = 1;
		(void)snprintf(f->hash, sizeof(f->hash), "%s", hash);
	}
}

/* 1 when the index at path holds thread id (its version in hash), else 0. */
static int
indexed(const char *path, long long id, char *hash, size_t len)
{
	struct doc_find	 f;
	hc_index	*ix;

	memset(&f, 0, sizeof(f));
	(void)snprintf(f.id, sizeof(f.id), "thread:%lld", id);
	assert_int_equal(hc_index_open(path, 0, &ix), HC_SEARCH_OK);
	assert_int_equal(hc_index_each(ix, find_doc, &f), HC_SEARCH_OK);
	hc_index_close(ix);
	if (hash != NULL)
		(void)snprintf(hash, len, "%s", f.hash);
	return (f.found);
}

/* Both nodes read every thread; the log keeps rows until both have. */
static void
test_two_nodes(void **state)
{
	struct nodes	*n = *state;
	long long	 t1, t2, t3, cursor;

	t1 = thread(n->db, "Pairing the remote control");
	t2 = thread(n->db, "Charging the headphones");
	/* New indexes: a reconcile, then reading from its horizon. */
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 2);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 2);
	assert_true(indexed(INDEX_A, t1, NULL, 0) &&
	    indexed(INDEX_A, t2, NULL, 0));
	assert_true(indexed(INDEX_B, t1, NULL, 0) &&
	    indexed(INDEX_B, t2, NULL, 0));
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 0);

	t3 = thread(n->db, "Resetting the router password");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_true(indexed(INDEX_A, t3, NULL, 0));
	/* Node A's read took nothing from node B. */
	assert_false(indexed(INDEX_B, t3, NULL, 0));
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	assert_true(indexed(INDEX_B, t3, NULL, 0));
	/* Read again: nothing new for either. */
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 0);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 0);
	assert_int_equal(count(n->db, "SELECT count(*) FROM search_cursors"),
	    2);

	/* A reader started again takes its cursor from its index. */
	cursor = n->b.cursor;
	cm_outbox_reader_free(&n->b);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 0);
	assert_true(n->b.started);
	assert_int_equal(n->b.cursor, cursor);
}

/* Pruning keeps what a live, slower node has not read. */
static void
test_prune_keeps_slow_node(void **state)
{
	struct nodes	*n = *state;
	long long	 t1, left;

	(void)thread(n->db, "A first question for both");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	t1 = thread(n->db, "Only node A has read this one");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_true(cm_outbox_prune(n->db, n->now, CM_OUTBOX_LIVE) >= 0);
	left = count(n->db, "SELECT count(*) FROM search_outbox");
	assert_true(left >= 1);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	assert_true(indexed(INDEX_B, t1, NULL, 0));
	/* Both have read it: it goes, and the mark rises to their cursor. */
	assert_true(cm_outbox_prune(n->db, n->now, CM_OUTBOX_LIVE) >= 1);
	assert_int_equal(count(n->db, "SELECT count(*) FROM search_outbox"),
	    0);
	assert_int_equal(count(n->db, "SELECT below FROM search_pruned"),
	    n->a.cursor < n->b.cursor ? n->a.cursor : n->b.cursor);
}

/* A node gone longer than CM_OUTBOX_LIVE finds its rows pruned: it reconciles. */
static void
test_pruned_past_reconciles(void **state)
{
	struct nodes	*n = *state;
	long long	 later, t1, t2;

	(void)thread(n->db, "Seen by both nodes at first");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	/* Node B stops; node A goes on reading past the live window. */
	later = n->now + 2 * CM_OUTBOX_LIVE;
	t1 = thread(n->db, "Written while node B was away");
	t2 = thread(n->db, "Also written while node B was away");
	assert_int_equal(cm_outbox_read(n->db, &n->a, later), 2);
	/* Node B's cursor is not live: the rows it needs are pruned. */
	assert_true(cm_outbox_prune(n->db, later, CM_OUTBOX_LIVE) >= 2);
	assert_int_equal(count(n->db, "SELECT count(*) FROM search_outbox"),
	    0);
	assert_true(count(n->db, "SELECT below FROM search_pruned") >
	    n->b.cursor);
	/* Back: the whole index is compared with the database. */
	assert_int_equal(cm_outbox_read(n->db, &n->b, later), 2);
	assert_true(indexed(INDEX_B, t1, NULL, 0));
	assert_true(indexed(INDEX_B, t2, NULL, 0));
	assert_true(n->b.cursor >= count(n->db,
	    "SELECT below FROM search_pruned"));
	/* And from the horizon on as usual. */
	t1 = thread(n->db, "After node B came back");
	assert_int_equal(cm_outbox_read(n->db, &n->b, later), 1);
	assert_true(indexed(INDEX_B, t1, NULL, 0));
}

/*
 * PostgreSQL: a row whose transaction began first commits last. Its id
 * and transaction id are below the next thread's, which is read at once;
 * the held row must still be read once it commits.
 */
static void
test_open_transaction(void **state)
{
	struct nodes	*n = *state;
	struct store	*w;
	struct db_stmt	*st;
	char		 before[128], after[128];
	long long	 held, t1;
	int		 i;

	if (!testdb_pg())
		skip();		/* SQLite: writers take turns (BEGIN IMMEDIATE) */
	held = thread(n->db, "A thread edited in a long transaction");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	assert_true(indexed(INDEX_A, held, before, sizeof(before)));

	assert_non_null(w = testdb_again(DBPATH));
	assert_int_equal(db_begin(w), 0);
	assert_int_equal(db_prepare(w, "UPDATE threads SET title = "
	    "'Edited in a long transaction', updated = updated + 1 "
	    "WHERE id = ?", &st), 0);
	db_bind_int64(st, 1, held);
	assert_int_equal(db_step(st), STORE_DONE);
	db_finalize(st);
	assert_int_equal(db_prepare(w, "INSERT INTO search_outbox(thread_id) "
	    "VALUES (?)", &st), 0);
	db_bind_int64(st, 1, held);
	assert_int_equal(db_step(st), STORE_DONE);
	db_finalize(st);

	/* Committed after the held row was written: read now all the same. */
	t1 = thread(n->db, "Posted while another transaction is open");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	assert_true(indexed(INDEX_A, t1, NULL, 0));
	assert_true(indexed(INDEX_B, t1, NULL, 0));
	/* Not again at every read while the other stays open. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 0);
		assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 0);
	}
	/* Pruning takes nothing either node has yet to read. */
	assert_true(cm_outbox_prune(n->db, n->now, CM_OUTBOX_LIVE) >= 0);

	assert_int_equal(db_commit(w), 0);
	db_close(w);
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_int_equal(cm_outbox_read(n->db, &n->b, n->now), 1);
	assert_true(indexed(INDEX_A, held, after, sizeof(after)));
	assert_string_not_equal(before, after);
	assert_true(indexed(INDEX_B, held, after, sizeof(after)));
	assert_string_not_equal(before, after);
}

/* A rebuilt index (no cursor) reconciles; rows of an upgrade are indexed. */
static void
test_rebuilt_index(void **state)
{
	struct nodes	*n = *state;
	long long	 t1;

	t1 = thread(n->db, "Queued before the index existed");
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_true(indexed(INDEX_A, t1, NULL, 0));
	assert_int_equal(system("rm -rf " INDEX_A), 0);
	cm_outbox_reader_free(&n->a);
	assert_int_equal(cm_outbox_read(n->db, &n->a, n->now), 1);
	assert_true(indexed(INDEX_A, t1, NULL, 0));
}

/* db_changed: the first call, nothing, another connection's commit. */
static void
test_db_changed(void **state)
{
	struct nodes	*n = *state;
	struct store	*w;
	int		 i, rc = 0;

	assert_int_equal(db_changed(n->db, "search_outbox"), 1);
	assert_int_equal(db_changed(n->db, "search_outbox"), 0);
	assert_non_null(w = testdb_again(DBPATH));
	(void)thread(w, "Written by another connection");
	db_close(w);
	/* PostgreSQL: the notification comes at commit, before the poll. */
	for (i = 0; i < 50 && (rc = db_changed(n->db, "search_outbox")) == 0;
	    i++)
		(void)usleep(10 * 1000);
	assert_int_equal(rc, 1);
	assert_true(i < 50);
	assert_int_equal(db_changed(n->db, "search_outbox"), 0);
	/* SQLite: its own commits are not news (the watcher's writes). */
	if (!testdb_pg()) {
		(void)thread(n->db, "Written by this connection");
		assert_int_equal(db_changed(n->db, "search_outbox"), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_nodes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prune_keeps_slow_node,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pruned_past_reconciles,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_transaction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rebuilt_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_db_changed, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
