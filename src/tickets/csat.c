/* csat.c: customer satisfaction in the store: the answer per ticket (latest counts), its event, and the CSAT figures by day, group and agent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csat.h"
#include "deflection/figures.h"
#include "store/db.h"
#include "util/text.h"

static const char *const	good_reasons[] = { "fast", "solved", "friendly",
				    "other", NULL };
static const char *const	bad_reasons[] = { "slow", "not_solved",
				    "unfriendly", "other", NULL };

const char *const *
csat_reasons(const char *rating)
{
	if (rating != NULL && !strcmp(rating, "good"))
		return (good_reasons);
	if (rating != NULL && !strcmp(rating, "bad"))
		return (bad_reasons);
	return (NULL);
}

static void
problem(struct ticket_problem *p, const char *field, const char *code,
    const char *message, const char *key)
{
	p->field = field;
	p->code = code;
	p->message = message;
	p->key = key;
}

int
csat_validate(const struct csat_answer *a, struct ticket_problem *p)
{
	const char *const	*r;

	if ((r = csat_reasons(a->rating)) == NULL) {
		problem(p, "rating", "invalid_rating", "Choose good or bad.",
		    "cs_err_rating");
		return (1);
	}
	for (; a->reason != NULL && *r != NULL; r++)
		if (!strcmp(*r, a->reason))
			break;
	if (a->reason == NULL || *r == NULL) {
		problem(p, "reason", "invalid_reason", !strcmp(a->rating,
		    "good") ? "Choose a reason: fast, solved, friendly or "
		    "other." : "Choose a reason: slow, not_solved, unfriendly "
		    "or other.", "cs_err_reason");
		return (1);
	}
	/* Empty is the same as no comment; a comment may span lines. */
	if (a->comment != NULL && a->comment[strspn(a->comment, " \t\r\n")] !=
	    '\0' && text_field_check(a->comment, CSAT_COMMENT_MAX, 1) !=
	    TEXT_OK) {
		problem(p, "comment", "invalid_comment", "The comment must be "
		    "text of at most 1000 characters.", "cs_err_comment");
		return (1);
	}
	return (0);
}

/* Inside the transaction: the ticket's id and status; 1, 0 (none), -1. */
static int
ticket_state(struct store *db, const char *ref, long long *id, char *status,
    size_t len)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "SELECT id, status FROM tickets WHERE "
	    "ref = ?", &st) != 0)
		return (-1);
	db_bind_text(st, 1, ref);
	if ((rc = db_step(st)) == STORE_ROW) {
		*id = db_col_int64(st, 0);
		(void)snprintf(status, len, "%s", db_col_text(st, 1));
		rc = 1;
	} else
		rc = rc == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

/* The earlier rating into old (empty when none); 0 or -1. */
static int
old_rating(struct store *db, long long id, char *old, size_t len)
{
	struct db_stmt	*st;
	int		 rc;

	old[0] = '\0';
	if (db_prepare(db, "SELECT rating FROM ticket_ratings WHERE "
	    "ticket_id = ?", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == STORE_ROW)
		(void)snprintf(old, len, "%s", db_col_text(st, 0));
	db_finalize(st);
	return (rc == STORE_ROW || rc == STORE_DONE ? 0 : -1);
}

static int
exec_bound(struct store *db, const char *sql, long long id, long long now,
    const char *a, const char *b, const char *c)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, sql, &st) != 0)
		return (-1);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	db_bind_text(st, 3, a);
	db_bind_opt(st, 4, b);
	db_bind_text(st, 5, c != NULL && c[strspn(c, " \t\r\n")] != '\0' ?
	    c : NULL);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

enum csat_result
csat_record(struct store *db, const char *ref, const struct csat_answer *a,
    long long now)
{
	enum csat_result	 r;
	long long		 id;
	char			 status[16], old[8];
	int			 rc;

	if (now == 0)
		now = (long long)time(NULL);
	if (db_begin(db) != 0)
		return (CSAT_ERROR);
	r = CSAT_ERROR;
	if ((rc = ticket_state(db, ref, &id, status, sizeof(status))) != 1) {
		r = rc == 0 ? CSAT_NO_TICKET : CSAT_ERROR;
		goto fail;
	}
	/* Asked once the work is done; an open ticket is still in hand. */
	if (strcmp(status, "solved") && strcmp(status, "closed")) {
		r = CSAT_NOT_SOLVED;
		goto fail;
	}
	if (old_rating(db, id, old, sizeof(old)) != 0)
		goto fail;
	/* ?3 rating, ?4 reason, ?5 comment; the latest answer counts. */
	if (exec_bound(db, "INSERT INTO ticket_ratings(ticket_id, rated_at, "
	    "rating, reason, comment) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT"
	    "(ticket_id) DO UPDATE SET rated_at = excluded.rated_at, rating = "
	    "excluded.rating, reason = excluded.reason, comment = "
	    "excluded.comment", id, now, a->rating, a->reason,
	    a->comment) != 0)
		goto fail;
	/* The agents see it in the ticket's history: ?3 new, ?4 old. */
	if (exec_bound(db, "INSERT INTO ticket_events(ticket_id, ts, kind, "
	    "actor, public, new_value, old_value, body) VALUES (?1, ?2, "
	    "'rating', 'requester', 0, ?3, ?4, ?5)", id, now, a->rating, old,
	    NULL) != 0)
		goto fail;
	if (db_commit(db) != 0)
		return (CSAT_ERROR);
	return (old[0] != '\0' ? CSAT_REPLACED : CSAT_RECORDED);
fail:
	db_rollback(db);
	return (r);
}

json_t *
csat_get(struct store *db, const char *ref)
{
	struct db_stmt	*st;
	json_t		*o;
	int		 rc;

	if (db_prepare(db, "SELECT r.rating, r.reason, r.comment, "
	    "r.rated_at FROM ticket_ratings r JOIN tickets t ON t.id = "
	    "r.ticket_id WHERE t.ref = ?", &st) != 0)
		return (NULL);
	db_bind_text(st, 1, ref);
	o = NULL;
	if ((rc = db_step(st)) == STORE_ROW)
		o = json_pack("{s:s, s:s, s:o, s:I}", "rating",
		    db_col_text(st, 0), "reason",
		    db_col_text(st, 1), "comment",
		    db_col_null(st, 2) ? json_null() :
		    json_string(db_col_text(st, 2)),
		    "rated_at", (json_int_t)db_col_int64(st, 3));
	else if (rc == STORE_DONE)
		o = json_null();
	db_finalize(st);
	return (o);
}

/*
 * One row per solved ticket: its last solve in the range, the group, the
 * agent of record and the answer. ?1 from, ?2 to.
 */
#define SOLVED_SQL \
	"WITH s AS (SELECT e.ticket_id AS tid, e.id AS eid, e.ts AS ts, " \
	"e.actor AS actor FROM ticket_events e WHERE e.kind = 'status' AND " \
	"e.new_value = 'solved' AND e.id = (SELECT max(x.id) FROM " \
	"ticket_events x WHERE x.ticket_id = e.ticket_id AND x.kind = " \
	"'status' AND x.new_value = 'solved') AND e.ts >= ?1 AND e.ts < ?2), " \
	"a AS (SELECT (s.ts - ?1) / 86400 AS d, t.grp AS grp, coalesce((" \
	"SELECT substr(r.actor, 7) FROM ticket_events r WHERE " \
	"r.ticket_id = s.tid AND r.kind = 'reply' AND r.public = 1 AND " \
	"substr(r.actor, 1, 6) = 'agent:' AND r.id < s.eid ORDER BY r.id " \
	"DESC LIMIT 1), CASE WHEN substr(s.actor, 1, 6) = 'agent:' THEN " \
	"substr(s.actor, 7) END, '') AS agent, g.rating AS rating FROM s " \
	"JOIN tickets t ON t.id = s.tid LEFT JOIN ticket_ratings g ON " \
	"g.ticket_id = s.tid) "

static json_t *
rate_json(long long num, long long den)
{
	double	v;

	return (figures_ratio(num, den, &v) ? json_real(v) : json_null());
}

/* The counts and both rates of one row, under key name. */
static json_t *
counts_json(const char *name, const char *value, long long solved,
    long long answered, long long good)
{
	return (json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:o}", name, value,
	    "solved", (json_int_t)solved, "answered", (json_int_t)answered,
	    "good", (json_int_t)good, "bad", (json_int_t)(answered - good),
	    "csat", rate_json(good, answered), "response_rate",
	    rate_json(answered, solved)));
}

/* Groups the rows by key (an SQL expression) into arr; 0 or -1. */
static int
grouped(struct store *db, const char *key, const char *name, long long from,
    long long to, json_t *arr)
{
	struct db_stmt	*st;
	char		 sql[2048];
	int		 rc;

	(void)snprintf(sql, sizeof(sql), SOLVED_SQL "SELECT %s AS k, "
	    "count(*), count(rating), coalesce(sum(CASE WHEN rating = 'good' "
	    "THEN 1 ELSE 0 END), 0) FROM "
	    "a GROUP BY k ORDER BY k", key);
	if (db_prepare(db, sql, &st) != 0)
		return (-1);
	db_bind_int64(st, 1, from);
	db_bind_int64(st, 2, to);
	while ((rc = db_step(st)) == STORE_ROW)
		json_array_append_new(arr, counts_json(name,
		    db_col_text(st, 0),
		    db_col_int64(st, 1), db_col_int64(st, 2),
		    db_col_int64(st, 3)));
	db_finalize(st);
	return (rc == STORE_DONE ? 0 : -1);
}

json_t *
csat_summary(struct store *db, long long from, long long to)
{
	json_t		*o, *days, *rows, *d, *row;
	long long	 t, solved, answered, good, i;
	char		 day[11];
	size_t		 k;
	int		 err;

	err = 0;
	rows = json_array();
	err |= grouped(db, "d", "d", from, to, rows);
	/* Every day of the range, days without solved tickets included. */
	days = json_array();
	for (t = from; t < to; t += 86400) {
		figures_format_day(t, day);
		json_array_append_new(days, counts_json("day", day, 0, 0, 0));
	}
	solved = answered = good = 0;
	json_array_foreach(rows, k, row) {
		i = atoll(json_string_value(json_object_get(row, "d")));
		if ((d = json_array_get(days, (size_t)i)) == NULL)
			continue;
		figures_format_day(from + 86400 * i, day);
		json_array_set_new(days, (size_t)i, counts_json("day", day,
		    json_integer_value(json_object_get(row, "solved")),
		    json_integer_value(json_object_get(row, "answered")),
		    json_integer_value(json_object_get(row, "good"))));
		solved += json_integer_value(json_object_get(row, "solved"));
		answered += json_integer_value(json_object_get(row,
		    "answered"));
		good += json_integer_value(json_object_get(row, "good"));
	}
	json_decref(rows);
	o = counts_json("name", "all", solved, answered, good);
	json_object_del(o, "name");
	json_object_set_new(o, "daily", days);
	rows = json_array();
	err |= grouped(db, "grp", "group", from, to, rows);
	json_object_set_new(o, "groups", rows);
	rows = json_array();
	err |= grouped(db, "agent", "agent", from, to, rows);
	json_object_set_new(o, "agents", rows);
	if (err) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}
