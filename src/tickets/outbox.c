/* outbox.c: the tickets' email SQL: the outbox rows written inside ticket transactions, the mailer's claim and settle, the emailed replies already seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "outbox.h"
#include "store/db.h"
#include "util/strbuf.h"

static int	mail_on;

void
tickets_mail_enable(int on)
{
	mail_on = on != 0;
}

int
tickets_mail_enabled(void)
{
	return (mail_on);
}

static int
exec_step(sqlite3_stmt *st)
{
	int	rc;

	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

int
outbox_ticket_created(sqlite3 *db, long long ticket_id, const char *lang,
    const char *email, long long now)
{
	sqlite3_stmt	*st;

	/* Recorded even with mail off: mail may be turned on later. */
	if (lang != NULL && lang[0] != '\0') {
		if (sqlite3_prepare_v2(db, "INSERT INTO ticket_lang(ticket_id, "
		    "lang) VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
			return (-1);
		sqlite3_bind_int64(st, 1, ticket_id);
		sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
		if (exec_step(st) != 0)
			return (-1);
	}
	if (!mail_on)
		return (0);
	if (sqlite3_prepare_v2(db, "INSERT INTO mail_outbox(ticket_id, kind, "
	    "rcpt, created_at, next_at) VALUES (?, 'received', ?, ?, ?)", -1,
	    &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	return (exec_step(st));
}

int
outbox_enqueue(sqlite3 *db, long long ticket_id, const char *kind,
    long long event_id, long long now)
{
	sqlite3_stmt	*st;

	if (!mail_on)
		return (0);
	/* To the address the ticket has now. */
	if (sqlite3_prepare_v2(db, "INSERT INTO mail_outbox(ticket_id, kind, "
	    "event_id, rcpt, created_at, next_at) SELECT id, ?2, ?3, email, "
	    "?4, ?4 FROM tickets WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (event_id > 0)
		sqlite3_bind_int64(st, 3, event_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, now);
	return (exec_step(st));
}

int
mail_in_seen_add(sqlite3 *db, long long ticket_id, const char *message_id,
    long long now)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO mail_in_seen("
	    "message_id, ticket_id, ts) VALUES (?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ticket_id);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = -1;
	else
		rc = sqlite3_changes(db) == 1 ? 1 : 0;
	sqlite3_finalize(st);
	return (rc);
}

/* ---- The mailer's side ---- */

void
outbox_msg_free(struct outbox_msg *m)
{
	free(m->rcpt);
	free(m->name);
	free(m->subject);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

int
outbox_recover(sqlite3 *db, long long now)
{
	sqlite3_stmt	*st;
	int		 n;

	if (db_begin(db) != 0)
		return (-1);
	if (sqlite3_prepare_v2(db, "UPDATE mail_outbox SET state = 'queued', "
	    "next_at = ?1, last_error = 'the mailer stopped during attempt ' "
	    "|| coalesce(attempt_id, '?') || ': sent again with the same "
	    "Message-ID' WHERE state = 'sending'", -1, &st, NULL) !=
	    SQLITE_OK) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_rollback(db);
		return (-1);
	}
	n = sqlite3_changes(db);
	sqlite3_finalize(st);
	return (db_commit(db) == 0 ? n : -1);
}

int
outbox_due(sqlite3 *db, long long now, long long *ids, int max)
{
	sqlite3_stmt	*st;
	int		 n, rc;

	if (sqlite3_prepare_v2(db, "SELECT id FROM mail_outbox WHERE state = "
	    "'queued' AND next_at <= ? ORDER BY next_at, id LIMIT ?", -1, &st,
	    NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return (NULL);
	return (xstrdup((const char *)sqlite3_column_text(st, i)));
}

/* Inside the claim's transaction: the message's parts. 1, or -1. */
static int
claim_read(sqlite3 *db, long long id, struct outbox_msg *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT o.id, o.ticket_id, o.created_at, "
	    "(SELECT min(f.id) FROM mail_outbox f WHERE f.ticket_id = "
	    "o.ticket_id), o.attempts, o.kind, t.ref, coalesce(l.lang, ''), "
	    "o.rcpt, t.name, t.subject, e.body FROM mail_outbox o JOIN "
	    "tickets t ON t.id = o.ticket_id LEFT JOIN ticket_lang l ON "
	    "l.ticket_id = o.ticket_id LEFT JOIN ticket_events e ON e.id = "
	    "o.event_id WHERE o.id = ?", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->ticket_id = sqlite3_column_int64(st, 1);
		out->created_at = sqlite3_column_int64(st, 2);
		out->first_id = sqlite3_column_int64(st, 3);
		out->attempts = sqlite3_column_int(st, 4);
		(void)snprintf(out->kind, sizeof(out->kind), "%s",
		    sqlite3_column_text(st, 5));
		(void)snprintf(out->ref, sizeof(out->ref), "%s",
		    sqlite3_column_text(st, 6));
		(void)snprintf(out->lang, sizeof(out->lang), "%s",
		    sqlite3_column_text(st, 7));
		out->rcpt = col_dup(st, 8);
		out->name = col_dup(st, 9);
		out->subject = col_dup(st, 10);
		out->body = col_dup(st, 11);
		rc = 1;
	}
	sqlite3_finalize(st);
	return (rc);
}

int
outbox_claim(sqlite3 *db, long long id, const char *attempt,
    struct outbox_msg *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (db_begin(db) != 0)
		return (-1);
	if (sqlite3_prepare_v2(db, "UPDATE mail_outbox SET state = 'sending', "
	    "attempt_id = ?, attempts = attempts + 1 WHERE id = ? AND state = "
	    "'queued'", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, attempt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto fail;
	}
	rc = sqlite3_changes(db);
	sqlite3_finalize(st);
	if (rc == 0) {
		db_rollback(db);
		return (0);
	}
	if (claim_read(db, id, out) != 1)
		goto fail;
	/* Durable before the transfer: a crash after it is seen at restart. */
	if (db_commit(db) != 0) {
		outbox_msg_free(out);
		return (-1);
	}
	return (1);
fail:
	outbox_msg_free(out);
	db_rollback(db);
	return (-1);
}

int
outbox_settle(sqlite3 *db, long long id, const char *attempt,
    enum outbox_outcome outcome, long long next_at, const char *error)
{
	static const char	*states[] = { "sent", "queued", "unsure",
				    "failed" };
	sqlite3_stmt		*st;

	if (db_begin(db) != 0)
		return (-1);
	if (sqlite3_prepare_v2(db, "UPDATE mail_outbox SET state = ?1, "
	    "next_at = CASE WHEN ?1 = 'queued' THEN ?2 ELSE next_at END, "
	    "sent_at = CASE WHEN ?1 = 'sent' THEN strftime('%s', 'now') ELSE "
	    "sent_at END, last_error = ?3 WHERE id = ?4 AND attempt_id = ?5 "
	    "AND state = 'sending'", -1, &st, NULL) != SQLITE_OK) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_text(st, 1, states[outcome], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, next_at);
	if (error != NULL)
		sqlite3_bind_text(st, 3, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_text(st, 5, attempt, -1, SQLITE_STATIC);
	if (exec_step(st) != 0) {
		db_rollback(db);
		return (-1);
	}
	return (db_commit(db));
}

json_t *
outbox_list(sqlite3 *db, const char *state, int limit)
{
	static const char *const	 cols[] = { "id", "ref", "kind", "rcpt",
					    "state", "attempts", "created_at",
					    "next_at", "sent_at", "error",
					    NULL };
	sqlite3_stmt			*st;
	json_t				*arr;

	if (sqlite3_prepare_v2(db, "SELECT o.id, t.ref, o.kind, o.rcpt, "
	    "o.state, o.attempts, o.created_at, o.next_at, o.sent_at, "
	    "o.last_error FROM mail_outbox o JOIN tickets t ON t.id = "
	    "o.ticket_id WHERE ?1 IS NULL OR o.state = ?1 ORDER BY o.id DESC "
	    "LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
		return (NULL);
	if (state != NULL)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	arr = json_array();
	if (db_rows_json(st, cols, arr) != 0) {
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	return (arr);
}

int
outbox_requeue(sqlite3 *db, long long id)
{
	sqlite3_stmt	*st;
	int		 n;

	if (db_begin(db) != 0)
		return (-1);
	if (sqlite3_prepare_v2(db, "UPDATE mail_outbox SET state = 'queued', "
	    "next_at = strftime('%s', 'now') WHERE id = ? AND state IN "
	    "('unsure', 'failed')", -1, &st, NULL) != SQLITE_OK) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_rollback(db);
		return (-1);
	}
	n = sqlite3_changes(db);
	sqlite3_finalize(st);
	return (db_commit(db) == 0 ? n : -1);
}
