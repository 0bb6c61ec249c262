/* retention.c: keeps raw funnel events for RETENTION_DAYS, then keeps only their daily counts. */
#include <stddef.h>

#include "retention.h"
#include "store/db.h"

long long
retention_rollup(sqlite3 *db, int days, long long now, int max_days)
{
	sqlite3_stmt	*st;
	long long	 cutoff, oldest, upto, moved;

	st = NULL;
	/* Whole days only, so that a day is raw or rolled up, not both. */
	cutoff = (now / 86400 - days) * 86400;
	if (db_begin(db) == -1)
		return (-1);
	if (sqlite3_prepare_v2(db, "SELECT min(ts) FROM events", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL ||
	    (oldest = sqlite3_column_int64(st, 0)) >= cutoff) {
		sqlite3_finalize(st);
		db_rollback(db);
		return (0);
	}
	sqlite3_finalize(st);
	st = NULL;
	upto = (oldest / 86400 + max_days) * 86400;
	if (upto > cutoff)
		upto = cutoff;
	/*
	 * Votes keep their own table (the current vote of each visitor), so
	 * only the vote events go; tickets keep theirs in the ticket store.
	 */
	if (sqlite3_prepare_v2(db, "INSERT INTO event_daily(day, type, slug, "
	    "query, zero, n) SELECT date(ts, 'unixepoch'), type, "
	    "coalesce(slug, ''), CASE WHEN type = 'search' THEN "
	    "coalesce(norm_query, '') ELSE '' END, CASE WHEN type = 'search' "
	    "AND result_count = 0 THEN 1 ELSE 0 END, count(*) FROM events "
	    "WHERE ts < ?1 GROUP BY 1, 2, 3, 4, 5 ON CONFLICT(day, type, slug, "
	    "query, zero) DO UPDATE SET n = n + excluded.n", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, upto);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "DELETE FROM events WHERE ts < ?1", -1,
	    &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, upto);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	moved = sqlite3_changes(db);
	sqlite3_finalize(st);
	if (db_commit(db) == -1)
		return (-1);
	return (moved);

fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return (-1);
}
