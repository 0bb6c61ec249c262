/* outbox.c: the tickets' email SQL: the outbox rows written inside ticket transactions, the mailer's claim and settle, the emailed replies already seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
exec_step(struct db_stmt *st)
{
	int	rc;

	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

int
outbox_ticket_created(struct store *db, long long ticket_id, const char *lang,
    const char *email, long long now)
{
	struct db_stmt	*st;

	/* Recorded even with mail off: mail may be turned on later. */
	if (lang != NULL && lang[0] != '\0') {
		if (db_prepare(db, "INSERT INTO ticket_lang(ticket_id, "
		    "lang) VALUES (?, ?)", &st) != 0)
			return (-1);
		db_bind_int64(st, 1, ticket_id);
		db_bind_text(st, 2, lang);
		if (exec_step(st) != 0)
			return (-1);
	}
	if (!mail_on)
		return (0);
	if (db_prepare(db, "INSERT INTO mail_outbox(ticket_id, kind, "
	    "rcpt, created_at, next_at) VALUES (?, 'received', ?, ?, ?)",
	    &st) != 0)
		return (-1);
	db_bind_int64(st, 1, ticket_id);
	db_bind_text(st, 2, email);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, now);
	return (exec_step(st));
}

int
outbox_enqueue(struct store *db, long long ticket_id, const char *kind,
    long long event_id, long long now)
{
	struct db_stmt	*st;

	if (!mail_on)
		return (0);
	/* To the address the ticket has now. */
	if (db_prepare(db, "INSERT INTO mail_outbox(ticket_id, kind, "
	    "event_id, rcpt, created_at, next_at) SELECT id, ?2, ?3, email, "
	    "?4, ?4 FROM tickets WHERE id = ?1", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, ticket_id);
	db_bind_text(st, 2, kind);
	if (event_id > 0)
		db_bind_int64(st, 3, event_id);
	else
		db_bind_null(st, 3);
	db_bind_int64(st, 4, now);
	return (exec_step(st));
}

int
mail_in_seen_add(struct store *db, long long ticket_id, const char *message_id,
    long long now)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "INSERT INTO mail_in_seen(message_id, "
	    "ticket_id, ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	    &st) != 0)
		return (-1);
	db_bind_text(st, 1, message_id);
	db_bind_int64(st, 2, ticket_id);
	db_bind_int64(st, 3, now);
	if (db_step(st) != STORE_DONE)
		rc = -1;
	else
		rc = db_changes(db) == 1 ? 1 : 0;
	db_finalize(st);
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

/*
 * One UPDATE of the mailer's in its own transaction, run again by db_tx
 * when PostgreSQL cannot serialize it (two nodes' mailers at once).
 */
struct update {
	const char	*sql;
	void		(*bind)(struct db_stmt *, const void *);
	const void	*arg;
	long long	 changed;
};

static int
update_tx(struct store *db, void *arg)
{
	struct update	*u = arg;
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, u->sql, &st) != 0)
		return (-1);
	u->bind(st, u->arg);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	u->changed = db_changes(db);
	db_finalize(st);
	return (rc);
}

/* The rows sql changed, or -1. */
static long long
update_once(struct store *db, const char *sql,
    void (*bind)(struct db_stmt *, const void *), const void *arg)
{
	struct update	u = { sql, bind, arg, 0 };

	return (db_tx(db, update_tx, &u) == 0 ? u.changed : -1);
}

struct recover_args {
	long long	now, claimed_before;
};

static void
recover_bind(struct db_stmt *st, const void *arg)
{
	const struct recover_args	*r = arg;

	db_bind_int64(st, 1, r->now);
	db_bind_int64(st, 2, r->claimed_before);
}

int
outbox_recover(struct store *db, long long now, long long claimed_before)
{
	struct recover_args	r = { now, claimed_before };

	/* A claim without a time is from before claimed_at: old. */
	return ((int)update_once(db, "UPDATE mail_outbox SET state = "
	    "'queued', next_at = ?1, last_error = 'the mailer stopped during "
	    "attempt ' || coalesce(attempt_id, '?') || ': sent again with the "
	    "same Message-ID' WHERE state = 'sending' AND "
	    "coalesce(claimed_at, 0) < ?2", recover_bind, &r));
}

int
outbox_due(struct store *db, long long now, long long *ids, int max)
{
	struct db_stmt	*st;
	int		 n, rc;

	if (db_prepare(db, "SELECT id FROM mail_outbox WHERE state = "
	    "'queued' AND next_at <= ? ORDER BY next_at, id LIMIT ?",
	    &st) != 0)
		return (-1);
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, max);
	n = 0;
	while ((rc = db_step(st)) == STORE_ROW && n < max)
		ids[n++] = db_col_int64(st, 0);
	db_finalize(st);
	return (rc == STORE_DONE || rc == STORE_ROW ? n : -1);
}

static char *
col_dup(struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		return (NULL);
	return (xstrdup(db_col_text(st, i)));
}

/* Inside the claim's transaction: the message's parts. 1, or -1. */
static int
claim_read(struct store *db, long long id, struct outbox_msg *out)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "SELECT o.id, o.ticket_id, o.created_at, "
	    "(SELECT min(f.id) FROM mail_outbox f WHERE f.ticket_id = "
	    "o.ticket_id), o.attempts, o.kind, t.ref, coalesce(l.lang, ''), "
	    "o.rcpt, t.name, t.subject, e.body FROM mail_outbox o JOIN "
	    "tickets t ON t.id = o.ticket_id LEFT JOIN ticket_lang l ON "
	    "l.ticket_id = o.ticket_id LEFT JOIN ticket_events e ON e.id = "
	    "o.event_id WHERE o.id = ?", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, id);
	rc = -1;
	if (db_step(st) == STORE_ROW) {
		out->id = db_col_int64(st, 0);
		out->ticket_id = db_col_int64(st, 1);
		out->created_at = db_col_int64(st, 2);
		out->first_id = db_col_int64(st, 3);
		out->attempts = db_col_int64(st, 4);
		(void)snprintf(out->kind, sizeof(out->kind), "%s",
		    db_col_text(st, 5));
		(void)snprintf(out->ref, sizeof(out->ref), "%s",
		    db_col_text(st, 6));
		(void)snprintf(out->lang, sizeof(out->lang), "%s",
		    db_col_text(st, 7));
		out->rcpt = col_dup(st, 8);
		out->name = col_dup(st, 9);
		out->subject = col_dup(st, 10);
		out->body = col_dup(st, 11);
		rc = 1;
	}
	db_finalize(st);
	return (rc);
}

/* outbox_claim's transaction: the row, the attempt, the answer. */
struct claim {
	long long		 id;
	const char		*attempt;
	struct outbox_msg	*out;
	int			 claimed;
	int			 not_queued;
};

static int
claim_tx(struct store *db, void *arg)
{
	struct claim	*c = arg;
	struct db_stmt	*st;
	enum store_status rc;

	outbox_msg_free(c->out);
	c->claimed = c->not_queued = 0;
	/*
	 * Only a queued row is taken, and RETURNING says whether this
	 * transaction took it. Two nodes' mailers claiming one row: on
	 * SQLite the write lock orders them; on PostgreSQL the second
	 * waits for the first's row lock and fails to serialize, and
	 * db_tx runs it again: it then finds the row "sending", not
	 * queued, and leaves it.
	 */
	if (db_prepare(db, "UPDATE mail_outbox SET state = 'sending', "
	    "attempt_id = ?, attempts = attempts + 1, claimed_at = ? WHERE "
	    "id = ? AND state = 'queued' RETURNING id", &st) != 0)
		return (-1);
	db_bind_text(st, 1, c->attempt);
	db_bind_int64(st, 2, (long long)time(NULL));
	db_bind_int64(st, 3, c->id);
	rc = db_step(st);
	db_finalize(st);
	if (rc == STORE_DONE) {
		c->not_queued = 1;	/* nothing to commit */
		return (-1);
	}
	if (rc != STORE_ROW)
		return (-1);
	if (claim_read(db, c->id, c->out) != 1) {
		outbox_msg_free(c->out);
		return (-1);
	}
	c->claimed = 1;
	return (0);
}

int
outbox_claim(struct store *db, long long id, const char *attempt,
    struct outbox_msg *out)
{
	struct claim	c;

	memset(out, 0, sizeof(*out));
	c.id = id;
	c.attempt = attempt;
	c.out = out;
	c.claimed = c.not_queued = 0;
	/* Durable before the transfer: a crash after it is seen at restart. */
	if (db_tx(db, claim_tx, &c) == 0)
		return (1);
	if (c.claimed) {
		/* Read, but the commit failed. */
		outbox_msg_free(out);
		return (-1);
	}
	return (c.not_queued ? 0 : -1);
}

struct settle_args {
	long long		 id, next_at;
	const char		*attempt, *state, *error;
};

static void
settle_bind(struct db_stmt *st, const void *arg)
{
	const struct settle_args	*a = arg;

	db_bind_text(st, 1, a->state);
	db_bind_int64(st, 2, a->next_at);
	db_bind_text(st, 3, a->error);
	db_bind_int64(st, 4, a->id);
	db_bind_text(st, 5, a->attempt);
	db_bind_int64(st, 6, (long long)time(NULL));
}

int
outbox_settle(struct store *db, long long id, const char *attempt,
    enum outbox_outcome outcome, long long next_at, const char *error)
{
	static const char	*states[] = { "sent", "queued", "unsure",
				    "failed" };
	struct settle_args	 a = { id, next_at, attempt, states[outcome],
				    error };

	return (update_once(db, "UPDATE mail_outbox SET state = ?1, "
	    "next_at = CASE WHEN ?1 = 'queued' THEN ?2 ELSE next_at END, "
	    "sent_at = CASE WHEN ?1 = 'sent' THEN ?6 ELSE sent_at END, "
	    "last_error = ?3 WHERE id = ?4 AND attempt_id = ?5 AND state = "
	    "'sending'", settle_bind, &a) == -1 ? -1 : 0);
}

json_t *
outbox_list(struct store *db, const char *state, int limit)
{
	static const char *const	 cols[] = { "id", "ref", "kind", "rcpt",
					    "state", "attempts", "created_at",
					    "next_at", "sent_at", "error",
					    NULL };
	struct db_stmt			*st;
	json_t				*arr;

	if (db_prepare(db, "SELECT o.id, t.ref, o.kind, o.rcpt, "
	    "o.state, o.attempts, o.created_at, o.next_at, o.sent_at, "
	    "o.last_error FROM mail_outbox o JOIN tickets t ON t.id = "
	    "o.ticket_id WHERE ?1 IS NULL OR o.state = ?1 ORDER BY o.id DESC "
	    "LIMIT ?2", &st) != 0)
		return (NULL);
	if (state != NULL)
		db_bind_text(st, 1, state);
	db_bind_int64(st, 2, limit);
	arr = json_array();
	if (db_rows_json(st, cols, arr) != 0) {
		json_decref(arr);
		arr = NULL;
	}
	db_finalize(st);
	return (arr);
}

static void
requeue_bind(struct db_stmt *st, const void *arg)
{
	db_bind_int64(st, 1, (long long)time(NULL));
	db_bind_int64(st, 2, *(const long long *)arg);
}

int
outbox_requeue(struct store *db, long long id)
{
	return ((int)update_once(db, "UPDATE mail_outbox SET state = "
	    "'queued', next_at = ? WHERE id = ? AND state IN ('unsure', "
	    "'failed')", requeue_bind, &id));
}
