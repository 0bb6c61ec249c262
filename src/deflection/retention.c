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

long long
retention_rollup(struct store *db, int days, long long now, int max_days)
{
	struct db_stmt	*st;
	long long	 cutoff, oldest, upto, moved;
	int		 locked;

	st = NULL;
	/* Whole days only, so that a day is raw or rolled up, not both. */
	cutoff = (now / 86400 - days) * 86400;
	if (db_begin(db) == -1)
		return (-1);
	/*
	 * Every node runs this timer: one at a time does the work, the
	 * others find the lock taken and skip (on SQLite the write lock of
	 * BEGIN IMMEDIATE is that lock). Two at once would both count the
	 * same raw events into event_daily.
	 */
	if ((locked = db_job_lock(db, "retention")) != 1) {
		db_rollback(db);
		return (locked == 0 ? 0 : -1);
	}
	if (db_prepare(db, "SELECT min(ts) FROM events", &st) != 0 ||
	    db_step(st) != STORE_ROW)
		goto fail;
	if (db_col_null(st, 0) ||
	    (oldest = db_col_int64(st, 0)) >= cutoff) {
		db_finalize(st);
		db_rollback(db);
		return (0);
	}
	db_finalize(st);
	st = NULL;
	upto = (oldest / 86400 + max_days) * 86400;
	if (upto > cutoff)
		upto = cutoff;
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
	moved = db_changes(db);
	db_finalize(st);
	if (db_commit(db) == -1)
		return (-1);
	return (moved);

fail:
	db_finalize(st);
	db_rollback(db);
	return (-1);
}
