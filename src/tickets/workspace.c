/* workspace.c: the agent's workspace in the store: reply and changes in one transaction, the customer's other tickets. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "attachments.h"
#include "internal.h"
#include "store/db.h"
#include "workspace.h"

/*
 * Sets a field when the value differs, with its event; a priority of an
 * unanswered ticket moves the due time too. current follows the change.
 */
static int
change(struct store *db, struct ticket_current *c, const char *column,
    const char *kind, const char *actor, char *current, size_t len,
    const char *value, long long now)
{
	if (value == NULL || !strcmp(value, current))
		return (0);
	if (ticket_field_set(db, c, column, kind, actor, current, value,
	    now) != 0 || (!strcmp(kind, "priority") &&
	    ticket_due_replan(db, c, value) != 0))
		return (-1);
	(void)snprintf(current, len, "%s", value);
	return (0);
}

enum ticket_act_result
ticket_act(struct store *db, const char *ref, const char *actor,
    int public_reply,
    const char *body, const struct ticket_change *ch,
    const struct attachment_blob *files, int nfiles)
{
	struct ticket_current	 c;
	struct db_stmt		*st;
	const char		*status;
	long long		 now, ev;
	int			 rc, text;

	now = (long long)time(NULL);
	text = body != NULL && body[strspn(body, " \t\r\n")] != '\0';
	status = ch != NULL ? ch->status : NULL;
	if (db_begin(db) != 0)
		return (TICKET_ACT_ERROR);
	if ((rc = ticket_current_get(db, ref, &c)) != 1) {
		db_rollback(db);
		return (rc == 0 ? TICKET_ACT_NO_TICKET : TICKET_ACT_ERROR);
	}
	/*
	 * Files go with the text they were sent with, and the customer's
	 * email about a public reply (never a note) with both: one
	 * transaction.
	 */
	if (text) {
		if ((ev = ticket_event_add(db, c.id, now, public_reply ?
		    "reply" : "note", actor, public_reply, body, NULL,
		    NULL)) == -1)
			goto fail;
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
		if (db_prepare(db, "UPDATE tickets SET updated_at = ?1, "
		    "first_response_at = CASE WHEN ?2 <> 0 AND first_response_at "
		    "IS NULL THEN ?1 ELSE first_response_at END WHERE id = ?3",
		    &st) != 0)
			goto fail;
		db_bind_int64(st, 1, now);
		db_bind_int64(st, 2, public_reply);
		db_bind_int64(st, 3, c.id);
		rc = db_step(st) == STORE_DONE ? 0 : -1;
		db_finalize(st);
		if (rc != 0)
			goto fail;
	}
	return (db_commit(db) == 0 ? TICKET_ACT_DONE : TICKET_ACT_ERROR);
fail:
	db_rollback(db);
	return (TICKET_ACT_ERROR);
}

json_t *
tickets_by_email(struct store *db, const char *email, const char *ref, int max)
{
	struct db_stmt	*st;
	json_t		*arr;
	int		 rc;

	/*
	 * Emails are compared as typed, but without regard to case, as the
	 * index tickets_email has them: NOCASE on SQLite, lower() on
	 * PostgreSQL (which has no NOCASE).
	 */
	if (db_prepare(db, db_backend(db) == DB_PG ? "SELECT ref, subject, "
	    "status, created_at FROM tickets WHERE lower(email) = lower(?1) "
	    "AND ref <> ?2 ORDER BY created_at DESC, id DESC LIMIT ?3" :
	    "SELECT ref, subject, status, created_at FROM tickets WHERE "
	    "email = ?1 COLLATE NOCASE AND ref <> ?2 ORDER BY created_at "
	    "DESC, id DESC LIMIT ?3", &st) != 0)
		return (NULL);
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, ref);
	db_bind_int64(st, 3, max);
	arr = json_array();
	while ((rc = db_step(st)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}",
		    "ref", db_col_text(st, 0), "subject",
		    db_col_text(st, 1), "status",
		    db_col_text(st, 2), "created_at",
		    (json_int_t)db_col_int64(st, 3)));
	db_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}

json_t *
ticket_feedback(struct store *db, const char *ref)
{
	static const char *const	cols[] = { "slug", "helpful", "reason",
					    "comment", NULL };
	struct db_stmt	*st;
	json_t		*arr;
	int		 rc;

	/* A vote changed after the ticket is not what the customer saw. */
	if (db_prepare(db, "SELECT v.slug, v.helpful, v.reason, "
	    "v.comment FROM votes v JOIN tickets t ON t.visitor = v.visitor "
	    "WHERE t.ref = ?1 AND v.ts <= t.created_at AND v.ts >= "
	    "t.created_at - 7 * 86400 ORDER BY v.ts DESC LIMIT 20", &st) != 0)
		return (NULL);
	db_bind_text(st, 1, ref);
	arr = json_array();
	rc = db_rows_json(st, cols, arr);
	db_finalize(st);
	if (rc != 0) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}
