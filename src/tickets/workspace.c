/* workspace.c: the agent's workspace on SQLite: reply and changes in one transaction, the customer's other tickets. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "attachments.h"
#include "internal.h"
#include "store/db.h"
#include "workspace.h"

/* The ticket's current values, inside the transaction. */
struct now_state {
	long long	id;
	long long	created_at;
	int		responded;
	char		status[16];
	char		priority[16];
	char		group[80];
};

static int
state_get(sqlite3 *db, const char *ref, struct now_state *c)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT id, created_at, first_response_at "
	    "IS NOT NULL, status, priority, grp FROM tickets WHERE ref = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->created_at = sqlite3_column_int64(st, 1);
		c->responded = sqlite3_column_int(st, 2);
		(void)snprintf(c->status, sizeof(c->status), "%s",
		    sqlite3_column_text(st, 3));
		(void)snprintf(c->priority, sizeof(c->priority), "%s",
		    sqlite3_column_text(st, 4));
		(void)snprintf(c->group, sizeof(c->group), "%s",
		    sqlite3_column_text(st, 5));
		rc = 1;
	} else
		rc = rc == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

static int
event(sqlite3 *db, long long id, long long now, const char *kind,
    const char *actor, int public, const char *body, const char *old_value,
    const char *new_value)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO ticket_events(ticket_id, ts, "
	    "kind, actor, public, body, old_value, new_value) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, public);
	sqlite3_bind_text(st, 6, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, old_value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, new_value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

/*
 * Sets a column (named here, never by input) when the value differs, with
 * its event; for the priority of an unanswered ticket, the due time too.
 */
static int
change(sqlite3 *db, struct now_state *c, const char *column,
    const char *kind, const char *actor, char *current, size_t len,
    const char *value, long long now)
{
	sqlite3_stmt	*st;
	char		 sql[160];
	int		 rc;

	if (value == NULL || !strcmp(value, current))
		return (0);
	(void)snprintf(sql, sizeof(sql), "UPDATE tickets SET %s = ?1, "
	    "updated_at = ?2%s WHERE id = ?3", column, !strcmp(kind,
	    "priority") && !c->responded ? ", due_at = ?4" : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, c->id);
	if (sqlite3_bind_parameter_count(st) == 4)
		sqlite3_bind_int64(st, 4, c->created_at +
		    3600LL * tickets_sla_hours(value));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	if (rc == 0)
		rc = event(db, c->id, now, kind, actor, 0, NULL, current,
		    value);
	if (rc == 0)
		(void)snprintf(current, len, "%s", value);
	return (rc);
}

enum ticket_act_result
ticket_act(sqlite3 *db, const char *ref, const char *actor, int public_reply,
    const char *body, const struct ticket_change *ch,
    const struct attachment_blob *files, int nfiles)
{
	struct now_state	 c;
	sqlite3_stmt		*st;
	const char		*status;
	long long		 now, ev;
	int			 rc, text;

	now = (long long)time(NULL);
	text = body != NULL && body[strspn(body, " \t\r\n")] != '\0';
	status = ch != NULL ? ch->status : NULL;
	if (db_begin(db) != 0)
		return (TICKET_ACT_ERROR);
	if ((rc = state_get(db, ref, &c)) != 1) {
		db_rollback(db);
		return (rc == 0 ? TICKET_ACT_NO_TICKET : TICKET_ACT_ERROR);
	}
	/*
	 * Files go with the text they were sent with, and the customer's
	 * email about a public reply (never a note) with both: one
	 * transaction.
	 */
	if (text) {
		if (event(db, c.id, now, public_reply ? "reply" : "note", actor,
		    public_reply, body, NULL, NULL) != 0)
			goto fail;
		ev = sqlite3_last_insert_rowid(db);
		if (attachments_link(db, c.id, ev, files, nfiles, now) != 0 ||
		    (public_reply && outbox_enqueue(db, c.id, "reply", ev,
		    now) != 0))
			goto fail;
	}
	/* A first public answer opens a new ticket, unless told otherwise. */
	if (text && public_reply && status == NULL && !strcmp(c.status, "new"))
		status = "open";
	/* Solved: the customer is told, with the rating question. */
	if (status != NULL && !strcmp(status, "solved") &&
	    strcmp(c.status, "solved") && outbox_enqueue(db, c.id, "solved", 0,
	    now) != 0)
		goto fail;
	if (change(db, &c, "status", "status", actor, c.status,
	    sizeof(c.status), status, now) != 0 ||
	    (ch != NULL && change(db, &c, "priority", "priority", actor,
	    c.priority, sizeof(c.priority), ch->priority, now) != 0) ||
	    (ch != NULL && change(db, &c, "grp", "group", actor, c.group,
	    sizeof(c.group), ch->group, now) != 0))
		goto fail;
	if (text) {
		if (sqlite3_prepare_v2(db, "UPDATE tickets SET updated_at = ?1, "
		    "first_response_at = CASE WHEN ?2 AND first_response_at IS "
		    "NULL THEN ?1 ELSE first_response_at END WHERE id = ?3", -1,
		    &st, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int(st, 2, public_reply);
		sqlite3_bind_int64(st, 3, c.id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
		if (rc != 0)
			goto fail;
	}
	return (db_commit(db) == 0 ? TICKET_ACT_DONE : TICKET_ACT_ERROR);
fail:
	db_rollback(db);
	return (TICKET_ACT_ERROR);
}

json_t *
tickets_by_email(sqlite3 *db, const char *email, const char *ref, int max)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	int		 rc;

	/* Emails are compared as typed, but without regard to case. */
	if (sqlite3_prepare_v2(db, "SELECT ref, subject, status, created_at "
	    "FROM tickets WHERE email = ?1 COLLATE NOCASE AND ref <> ?2 "
	    "ORDER BY created_at DESC, id DESC LIMIT ?3", -1, &st, NULL) !=
	    SQLITE_OK)
		return (NULL);
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, max);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}",
		    "ref", (const char *)sqlite3_column_text(st, 0), "subject",
		    (const char *)sqlite3_column_text(st, 1), "status",
		    (const char *)sqlite3_column_text(st, 2), "created_at",
		    (json_int_t)sqlite3_column_int64(st, 3)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}

json_t *
ticket_feedback(sqlite3 *db, const char *ref)
{
	static const char *const	cols[] = { "slug", "helpful", "reason",
					    "comment", NULL };
	sqlite3_stmt	*st;
	json_t		*arr;
	int		 rc;

	/* A vote changed after the ticket is not what the customer saw. */
	if (sqlite3_prepare_v2(db, "SELECT v.slug, v.helpful, v.reason, "
	    "v.comment FROM votes v JOIN tickets t ON t.visitor = v.visitor "
	    "WHERE t.ref = ?1 AND v.ts <= t.created_at AND v.ts >= "
	    "t.created_at - 7 * 86400 ORDER BY v.ts DESC LIMIT 20", -1, &st,
	    NULL) != SQLITE_OK)
		return (NULL);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	arr = json_array();
	rc = db_rows_json(st, cols, arr);
	sqlite3_finalize(st);
	if (rc != 0) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}
