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

#define UPSERT	"INSERT INTO votes(visitor, slug, helpful, reason, comment, " \
		"ts) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (visitor, slug) " \
		"DO UPDATE SET helpful = excluded.helpful, reason = " \
		"excluded.reason, comment = excluded.comment, ts = excluded.ts"

int
vote_write(struct store *db, const char *visitor, const char *slug, int helpful,
    const char *reason, const char *comment)
{
	struct db_stmt		*st;
	enum store_status	 rc;
	long long		 now;
	int			 existed;

	now = (long long)time(NULL);
	existed = 0;
	/*
	 * SQLite: the transaction holds the one write lock, so the look
	 * and the write below cannot be split by another writer.
	 * PostgreSQL: two nodes could both look and find nothing; the
	 * upsert says itself whether it made the row (xmax = 0: no earlier
	 * version was replaced).
	 */
	if (db_backend(db) == DB_SQLITE) {
		if (db_prepare(db, "SELECT 1 FROM votes WHERE visitor = ? AND "
		    "slug = ?", &st) != 0)
			return (-1);
		db_bind_text(st, 1, visitor);
		db_bind_text(st, 2, slug);
		if ((rc = db_step(st)) != STORE_ROW && rc != STORE_DONE)
			goto fail;
		existed = (rc == STORE_ROW);
		db_finalize(st);
	}
	/* The latest vote is the visitor's opinion: replace, keep one row. */
	if (db_prepare(db, db_backend(db) == DB_PG ? UPSERT " RETURNING "
	    "(xmax = 0)" : UPSERT, &st) != 0)
		return (-1);
	db_bind_text(st, 1, visitor);
	db_bind_text(st, 2, slug);
	db_bind_int64(st, 3, helpful ? 1 : 0);
	db_bind_opt(st, 4, helpful ? NULL : reason);
	db_bind_opt(st, 5, helpful ? NULL : comment);
	db_bind_int64(st, 6, now);
	rc = db_step(st);
	if (db_backend(db) == DB_PG) {
		if (rc != STORE_ROW)
			goto fail;
		existed = !db_col_bool(st, 0);
	} else if (rc != STORE_DONE)
		goto fail;
	db_finalize(st);
	if (event_vote(db, visitor, now, slug, helpful, reason) == -1)
		return (-1);
	return (existed ? 0 : 1);

fail:
	db_finalize(st);
	return (-1);
}

/* vote_cast's arguments and vote_write's answer, for db_tx. */
struct vote_args {
	const char	*visitor, *slug, *reason, *comment;
	int		 helpful, result;
};

static int
cast_tx(struct store *db, void *arg)
{
	struct vote_args	*a = arg;

	a->result = vote_write(db, a->visitor, a->slug, a->helpful,
	    a->reason, a->comment);
	return (a->result == -1 ? -1 : 0);
}

int
vote_cast(struct store *db, const char *visitor, const char *slug, int helpful,
    const char *reason, const char *comment)
{
	struct vote_args	a;

	a.visitor = visitor;
	a.slug = slug;
	a.helpful = helpful;
	a.reason = reason;
	a.comment = comment;
	/* Run again whole when another node's vote made it fail (PostgreSQL). */
	if (db_tx(db, cast_tx, &a) == -1)
		return (-1);
	return (a.result);
}

long long
vote_count(struct store *db, const char *slug)
{
	struct db_stmt	*st;
	long long	 n;

	if (db_prepare(db, "SELECT count(*) FROM votes WHERE slug = ?",
	    &st) != 0)
		return (-1);
	db_bind_text(st, 1, slug);
	n = db_step(st) == STORE_ROW ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	return (n);
}
