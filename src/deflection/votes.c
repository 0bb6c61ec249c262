/* votes.c: the votes table: one row per (visitor, article), replaced by a second vote, written with its event in one transaction. */
#include <string.h>
#include <time.h>

#include "events.h"
#include "votes.h"
#include "store/db.h"

const char *const	vote_reasons[] = {
	"outdated", "unclear", "not_my_issue", "wrong_language", "other", NULL
};

int
vote_reason_valid(const char *reason)
{
	size_t	i;

	if (reason == NULL)
		return (0);
	for (i = 0; vote_reasons[i] != NULL; i++)
		if (!strcmp(reason, vote_reasons[i]))
			return (1);
	return (0);
}

static void
bind_opt(sqlite3_stmt *st, int col, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

int
vote_write(sqlite3 *db, const char *visitor, const char *slug, int helpful,
    const char *reason, const char *comment)
{
	sqlite3_stmt	*st;
	long long	 now;
	int		 existed, rc;

	now = (long long)time(NULL);
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM votes WHERE visitor = ? AND "
	    "slug = ?", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, visitor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	existed = (rc == SQLITE_ROW);
	sqlite3_finalize(st);
	/* The latest vote is the visitor's opinion: replace, keep one row. */
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO votes(visitor, slug, "
	    "helpful, reason, comment, ts) VALUES (?, ?, ?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, visitor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, helpful ? 1 : 0);
	bind_opt(st, 4, helpful ? NULL : reason);
	bind_opt(st, 5, helpful ? NULL : comment);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if (event_vote(db, visitor, now, slug, helpful, reason) == -1)
		return (-1);
	return (existed ? 0 : 1);

fail:
	sqlite3_finalize(st);
	return (-1);
}

int
vote_cast(sqlite3 *db, const char *visitor, const char *slug, int helpful,
    const char *reason, const char *comment)
{
	int	rc;

	if (db_begin(db) == -1)
		return (-1);
	if ((rc = vote_write(db, visitor, slug, helpful, reason,
	    comment)) == -1) {
		db_rollback(db);
		return (-1);
	}
	return (db_commit(db) == -1 ? -1 : rc);
}

long long
vote_count(sqlite3 *db, const char *slug)
{
	sqlite3_stmt	*st;
	long long	 n;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM votes WHERE slug = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return (n);
}
