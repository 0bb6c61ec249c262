/* retention.c: keeps raw funnel events for RETENTION_DAYS, then keeps only their daily counts. */
#include <stddef.h>

#include "retention.h"
#include "store/db.h"

/*
 * Raw events before ?1 as daily counts; day is the UTC date as text,
 * written the way each database can (SQLite date(), PostgreSQL to_char).
 */
#define ROLLUP(day) "INSERT INTO event_daily(day, type, slug, query, " \
	"zero, n) SELECT " day ", type, coalesce(slug, ''), CASE WHEN " \
	"type = 'search' THEN coalesce(norm_query, '') ELSE '' END, CASE " \
	"WHEN type = 'search' AND result_count = 0 THEN 1 ELSE 0 END, " \
	"count(*) FROM events WHERE ts < ?1 GROUP BY 1, 2, 3, 4, 5 ON " \
	"CONFLICT(day, type, slug, query, zero) DO UPDATE SET n = " \
	"event_daily.n + excluded.n"

/* retention_rollup's transaction: what it needs, what it did. */
struct rollup {
	long long	 cutoff, moved;
	int		 max_days;
	int		 done;		/* nothing (more) to do: not an error */
};

static int
rollup_tx(struct store *db, void *arg)
{
	struct rollup	*r = arg;
	struct db_stmt	*st;
	long long	 oldest, upto;
	int		 locked;

	st = NULL;
	r->moved = 0;
	r->done = 0;
	/*
	 * Every node runs this timer: one at a time does the work, the
	 * others find the lock taken and skip (on SQLite the write lock of
	 * BEGIN IMMEDIATE is that lock). Two at once would both count the
	 * same raw events into event_daily. A node that got the lock with
	 * a snapshot from before the other's commit fails to serialize on
	 * PostgreSQL, and db_tx runs it again: then it finds nothing.
	 */
	if ((locked = db_job_lock(db, "retention")) != 1) {
		r->done = locked == 0;
		return (-1);
	}
	if (db_prepare(db, "SELECT min(ts) FROM events", &st) != 0 ||
	    db_step(st) != STORE_ROW)
		goto fail;
	if (db_col_null(st, 0) ||
	    (oldest = db_col_int64(st, 0)) >= r->cutoff) {
		db_finalize(st);
		r->done = 1;
		return (-1);
	}
	db_finalize(st);
	st = NULL;
	upto = (oldest / 86400 + r->max_days) * 86400;
	if (upto > r->cutoff)
		upto = r->cutoff;
	/*
	 * Votes keep their own table (the current vote of each visitor), so
	 * only the vote events go; tickets keep theirs in the ticket store.
	 */
	if (db_prepare(db, db_backend(db) == DB_PG ? ROLLUP("to_char("
	    "to_timestamp(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD')") :
	    ROLLUP("date(ts, 'unixepoch')"), &st) != 0)
		goto fail;
	db_bind_int64(st, 1, upto);
	if (db_step(st) != STORE_DONE)
		goto fail;
	db_finalize(st);
	st = NULL;
	if (db_prepare(db, "DELETE FROM events WHERE ts < ?1", &st) != 0)
		goto fail;
	db_bind_int64(st, 1, upto);
	if (db_step(st) != STORE_DONE)
		goto fail;
	r->moved = db_changes(db);
	db_finalize(st);
	return (0);

fail:
	db_finalize(st);
	return (-1);
}

long long
retention_rollup(struct store *db, int days, long long now, int max_days)
{
	struct rollup	r;

	/* Whole days only, so that a day is raw or rolled up, not both. */
	r.cutoff = (now / 86400 - days) * 86400;
	r.max_days = max_days;
	r.moved = 0;
	r.done = 0;
	if (db_tx(db, rollup_tx, &r) == 0)
		return (r.moved);
	return (r.done ? 0 : -1);
}
