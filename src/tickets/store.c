/* store.c: the ticket store on SQLite: create (idempotent, durable), read, list by SLA due, change, comment, escalate, export. */
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attachments.h"
#include "deflection/events.h"
#include "internal.h"
#include "store/db.h"
#include "tickets.h"
#include "util/hmac.h"
#include "util/strbuf.h"
#include "util/text.h"

#define REF_ATTEMPTS	20

/* The columns ticket_get and the list read, in this order. */
#define TICKET_COLUMNS	"id, ref, subject, body, name, email, category, " \
			"grp, priority, status, channel, created_at, " \
			"updated_at, due_at, first_response_at, escalated, " \
			"context, article, query, thread_id"

static const char	*raise_sql = "CASE priority WHEN 'low' THEN 'normal' "
			    "WHEN 'normal' THEN 'high' ELSE 'urgent' END";

void
ticket_token(const unsigned char secret[32], const char *ref,
    char out[TICKET_TOKEN_LEN])
{
	hmac_hex(secret, "ticket:", ref, strlen(ref),
	    (TICKET_TOKEN_LEN - 1) / 2, out);
}

int
ticket_token_valid(const unsigned char secret[32], const char *ref,
    const char *presented)
{
	char	expected[TICKET_TOKEN_LEN];

	if (ref == NULL || presented == NULL ||
	    strlen(presented) != TICKET_TOKEN_LEN - 1)
		return (0);
	ticket_token(secret, ref, expected);
	return (hmac_equal(expected, presented, TICKET_TOKEN_LEN - 1));
}

int
ticket_ref_valid(const char *s)
{
	static const char	shape[] = "HC-dddd-dddddd";
	size_t			i;

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return (0);
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != shape[i])
			return (0);
	}
	return (1);
}

/* SHA-256 over the content fields: what "the same ticket" means. */
static void
content_digest(const struct ticket_input *in, char out[65])
{
	const char	*parts[6];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len;
	EVP_MD_CTX	*c;
	size_t		 i;

	parts[0] = in->name;
	parts[1] = in->email;
	parts[2] = in->subject;
	parts[3] = in->body;
	parts[4] = in->category;
	parts[5] = in->priority ? in->priority : "normal";
	c = EVP_MD_CTX_new();
	(void)EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	for (i = 0; i < 6; i++) {
		if (parts[i] != NULL)
			(void)EVP_DigestUpdate(c, parts[i], strlen(parts[i]));
		(void)EVP_DigestUpdate(c, "", 1);
	}
	/* Files too, so that a retry with other files is a conflict. */
	for (i = 0; i < (size_t)in->nattachments; i++)
		(void)EVP_DigestUpdate(c, in->attachments[i].sha256, 64);
	(void)EVP_DigestFinal_ex(c, md, &len);
	EVP_MD_CTX_free(c);
	hex_encode(md, 32, out);
}

/* Inside the transaction: an earlier ticket with this key, if any. */
static enum ticket_result
idem_lookup(struct store *db, const unsigned char secret[32], const char *key,
    const char *digest, struct ticket_created *out, int *found)
{
	struct db_stmt		*st;
	enum ticket_result	 r;
	int			 rc;

	*found = 0;
	if (db_prepare(db, "SELECT i.digest, t.ref, t.status FROM "
	    "ticket_idempotency i JOIN tickets t ON t.id = i.ticket_id WHERE "
	    "i.key = ?", &st) != 0)
		return (TICKET_ERROR);
	db_bind_text(st, 1, key);
	r = TICKET_CREATED;
	if ((rc = db_step(st)) == STORE_ROW) {
		*found = 1;
		if (strcmp((const char *)db_col_text(st, 0), digest))
			r = TICKET_CONFLICT;
		else {
			r = TICKET_REPLAYED;
			(void)snprintf(out->ref, sizeof(out->ref), "%s",
			    db_col_text(st, 1));
			(void)snprintf(out->status, sizeof(out->status), "%s",
			    db_col_text(st, 2));
			ticket_token(secret, out->ref, out->token);
		}
	} else if (rc != STORE_DONE)
		r = TICKET_ERROR;
	db_finalize(st);
	return (r);
}

/* Adds a ticket event; its id, or -1. */
long long
ticket_event_add(struct store *db, long long ticket_id, long long ts,
    const char *kind, const char *actor, int public, const char *body,
    const char *old_value, const char *new_value)
{
	struct db_stmt	*st;
	long long	 id;

	if (db_prepare(db, "INSERT INTO ticket_events(ticket_id, ts, "
	    "kind, actor, public, body, old_value, new_value) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, ticket_id);
	db_bind_int64(st, 2, ts);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, actor);
	db_bind_int64(st, 5, public);
	db_bind_opt(st, 6, body);
	db_bind_opt(st, 7, old_value);
	db_bind_opt(st, 8, new_value);
	id = db_step(st) == STORE_ROW ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	return (id);
}

static int
add_event(struct store *db, long long ticket_id, long long ts, const char *kind,
    const char *actor, int public, const char *body, const char *old_value,
    const char *new_value)
{
	return (ticket_event_add(db, ticket_id, ts, kind, actor, public, body,
	    old_value, new_value) == -1 ? -1 : 0);
}

/* Inserts the row under a fresh random ref; the id, or -1. */
static long long
insert_ticket(struct store *db, const struct ticket_input *in, long long now,
    const char *group, const char *priority, long long due, const char *ctx,
    char ref[TICKET_REF_LEN])
{
	struct db_stmt	*st;
	unsigned char	 rnd[4];
	struct tm	 tm;
	time_t		 t;
	long long	 id;
	enum store_status rc;
	int		 i;

	if (db_prepare(db, "INSERT INTO tickets(ref, created_at, "
	    "updated_at, name, email, subject, body, category, grp, priority, "
	    "status, channel, due_at, visitor, article, query, thread_id, "
	    "context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, "
	    "?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING RETURNING id", &st) != 0)
		return (-1);
	t = (time_t)now;
	(void)gmtime_r(&t, &tm);
	id = -1;
	/* Random, so refs say nothing about volume; retry on a clash. */
	for (i = 0; i < REF_ATTEMPTS && id == -1; i++) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			break;
		(void)snprintf(ref, TICKET_REF_LEN, "HC-%04u-%06u",
		    (unsigned)(tm.tm_year + 1900) % 10000u,
		    (unsigned)(((uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 |
		    (uint32_t)rnd[2] << 8 | rnd[3]) % 1000000u));
		db_reset(st);
		db_bind_text(st, 1, ref);
		db_bind_int64(st, 2, now);
		db_bind_int64(st, 3, now);
		db_bind_text(st, 4, in->name);
		db_bind_text(st, 5, in->email);
		db_bind_text(st, 6, in->subject);
		db_bind_text(st, 7, in->body);
		db_bind_opt(st, 8, in->category);
		db_bind_text(st, 9, group);
		db_bind_text(st, 10, priority);
		db_bind_text(st, 11, in->channel);
		db_bind_int64(st, 12, due);
		db_bind_opt(st, 13, in->visitor);
		db_bind_opt(st, 14, in->article);
		db_bind_opt(st, 15, in->query);
		if (in->thread_id > 0)
			db_bind_int64(st, 16, in->thread_id);
		else
			db_bind_null(st, 16);
		db_bind_text(st, 17, ctx);
		/*
		 * A clash returns no row. ON CONFLICT rather than catching
		 * the error: PostgreSQL aborts the whole transaction on a
		 * failed statement, so the next try could not run.
		 */
		if ((rc = db_step(st)) == STORE_ROW)
			id = db_col_int64(st, 0);
		else if (rc != STORE_DONE)
			break;
	}
	db_finalize(st);
	return (id);
}

static int
idem_insert(struct store *db, const char *key, const char *digest, long long id,
    long long now)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "INSERT INTO ticket_idempotency(key, "
	    "digest, ticket_id, created_at) VALUES (?, ?, ?, ?)", &st) != 0)
		return (-1);
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, digest);
	db_bind_int64(st, 3, id);
	db_bind_int64(st, 4, now);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

/* What ticket_create's transaction needs, and what it found. */
struct create_tx {
	const unsigned char		*secret;
	const struct ticket_input	*in;
	struct ticket_created		*out;
	const char			*priority, *group, *ctx;
	char				 digest[65];
	long long			 now, due;
	enum ticket_result		 r;
};

/* db_tx's body: look the key up, or write the ticket, its event, its key. */
static int
create_tx(struct store *db, void *arg)
{
	struct create_tx		*c = arg;
	const struct ticket_input	*in = c->in;
	long long			 id;
	int				 found;

	if (in->idem_key != NULL) {
		c->r = idem_lookup(db, c->secret, in->idem_key, c->digest,
		    c->out, &found);
		/* Found: nothing to write; the answer is in c->r. */
		if (found || c->r == TICKET_ERROR)
			return (-1);
	}
	c->r = TICKET_ERROR;
	if ((id = insert_ticket(db, in, c->now, c->group, c->priority,
	    c->due, c->ctx, c->out->ref)) == -1 ||
	    add_event(db, id, c->now, "created", "requester", 1, NULL, NULL,
	    "new") != 0 ||
	    attachments_link(db, id, 0, in->attachments, in->nattachments,
	    c->now) != 0)
		return (-1);
	/*
	 * Another node committed the same key since the look-up (PostgreSQL
	 * only: SQLite's write lock was held since BEGIN): run again, and
	 * the look-up answers it as a replay.
	 */
	if (in->idem_key != NULL && idem_insert(db, in->idem_key, c->digest,
	    id, c->now) != 0)
		return (db_last(db) == STORE_DUPLICATE ? DB_TX_AGAIN : -1);
	/* The customer's language, and the email: with the ticket or not. */
	if (outbox_ticket_created(db, id, in->lang, in->email, c->now) != 0)
		return (-1);
	/* The funnel's event commits with the ticket, or neither does. */
	if (in->visitor != NULL && event_ticket_submitted(db, in->visitor,
	    c->now, c->out->ref, in->article, in->query, in->thread_id) != 0)
		return (-1);
	c->r = TICKET_CREATED;
	return (0);
}

enum ticket_result
ticket_create(struct store *db, const unsigned char secret[32],
    const struct ticket_input *in, struct ticket_created *out)
{
	struct create_tx	 c;
	char			*ctx;
	int			 rank, kw;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.secret = secret;
	c.in = in;
	c.out = out;
	c.now = in->now ? in->now : (long long)time(NULL);
	rank = ticket_priority_rank(in->priority ? in->priority : "normal");
	if ((kw = tickets_keyword_rank(in->subject, in->body)) > rank)
		rank = kw;
	c.priority = rank == 0 ? "low" : rank == 1 ? "normal" : rank == 2 ?
	    "high" : "urgent";
	c.group = tickets_route_group(in->category);
	c.due = c.now + 3600LL * tickets_sla_hours(c.priority);
	ctx = in->context ? json_dumps(in->context, JSON_COMPACT) : NULL;
	c.ctx = ctx ? ctx : "{}";
	content_digest(in, c.digest);
	c.r = TICKET_ERROR;
	/* A replay or a conflict rolls back (nothing written) on purpose. */
	if (db_tx(db, create_tx, &c) == 0) {
		ticket_token(secret, out->ref, out->token);
		(void)snprintf(out->status, sizeof(out->status), "new");
	} else if (c.r == TICKET_CREATED)
		c.r = TICKET_ERROR;	/* the commit failed */
	free(ctx);
	return (c.r);
}

/* ---- Reading ---- */

/* 1 when no first response came and the due time has passed. */
static int
overdue(struct db_stmt *st, long long now)
{
	const char	*status;

	status = (const char *)db_col_text(st, 9);
	return (db_col_null(st, 14) &&
	    db_col_int64(st, 13) < now && status != NULL &&
	    (!strcmp(status, "new") || !strcmp(status, "open")));
}

/* A row of TICKET_COLUMNS as JSON; full adds body, email and context. */
static json_t *
row_json(struct db_stmt *st, int full, long long now)
{
	json_t		*o, *ctx;
	const char	*c;

	o = json_object();
	json_object_set_new(o, "ref", db_col_json(st, 1));
	json_object_set_new(o, "subject", db_col_json(st, 2));
	json_object_set_new(o, "name", db_col_json(st, 4));
	json_object_set_new(o, "category", db_col_json(st, 6));
	json_object_set_new(o, "group", db_col_json(st, 7));
	json_object_set_new(o, "priority", db_col_json(st, 8));
	json_object_set_new(o, "status", db_col_json(st, 9));
	json_object_set_new(o, "channel", db_col_json(st, 10));
	json_object_set_new(o, "created_at", db_col_json(st, 11));
	json_object_set_new(o, "updated_at", db_col_json(st, 12));
	json_object_set_new(o, "due_at", db_col_json(st, 13));
	json_object_set_new(o, "first_response_at", db_col_json(st, 14));
	json_object_set_new(o, "escalated",
	    json_boolean(db_col_int64(st, 15)));
	json_object_set_new(o, "overdue", json_boolean(overdue(st, now)));
	if (!full)
		return (o);
	json_object_set_new(o, "body", db_col_json(st, 3));
	json_object_set_new(o, "email", db_col_json(st, 5));
	c = (const char *)db_col_text(st, 16);
	if ((ctx = c ? json_loads(c, 0, NULL) : NULL) == NULL)
		ctx = json_object();
	json_object_set_new(ctx, "article", db_col_json(st, 17));
	json_object_set_new(ctx, "query", db_col_json(st, 18));
	json_object_set_new(ctx, "thread", db_col_json(st, 19));
	json_object_set_new(o, "context", ctx);
	return (o);
}

static json_t *
events_json(struct store *db, long long id, int public_only)
{
	struct db_stmt	*st;
	json_t		*arr;

	if (db_prepare(db, "SELECT id, ts, kind, actor, public, body, "
	    "old_value, new_value FROM ticket_events WHERE ticket_id = ? AND "
	    "(public = 1 OR ? = 0) ORDER BY id", &st) != 0)
		return (NULL);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, public_only);
	arr = json_array();
	while (db_step(st) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, "
		    "s:b, s:o, s:o, s:o}", "id", db_col_json(st, 0), "ts",
		    db_col_json(st, 1), "kind", db_col_json(st, 2), "actor",
		    db_col_json(st, 3), "public", db_col_int64(st, 4),
		    "body", db_col_json(st, 5), "old", db_col_json(st, 6),
		    "new", db_col_json(st, 7)));
	db_finalize(st);
	return (arr);
}

json_t *
ticket_get(struct store *db, const char *ref, int public_only, int *missing)
{
	struct db_stmt	*st;
	json_t		*o, *ev;
	long long	 id;
	int		 rc;

	*missing = 0;
	if (db_prepare(db, "SELECT " TICKET_COLUMNS " FROM tickets "
	    "WHERE ref = ?", &st) != 0)
		return (NULL);
	db_bind_text(st, 1, ref);
	o = NULL;
	if ((rc = db_step(st)) == STORE_DONE)
		*missing = 1;
	if (rc == STORE_ROW) {
		id = db_col_int64(st, 0);
		o = row_json(st, 1, (long long)time(NULL));
		if ((ev = events_json(db, id, public_only)) == NULL) {
			json_decref(o);
			o = NULL;
		} else
			json_object_set_new(o, "events", ev);
	}
	db_finalize(st);
	return (o);
}

/* The WHERE clause for a filter; binds follow the order written. */
static void
list_where(struct strbuf *sb, const struct ticket_filter *f)
{
	/* Written exactly as the partial indexes, so that they are used. */
	if (f->overdue)
		sb_puts(sb, " WHERE first_response_at IS NULL AND status IN "
		    "('new','open') AND due_at < ?3");
	else if (f->status == NULL)
		sb_puts(sb, " WHERE status IN ('new','open','pending')");
	if (f->status != NULL)
		sb_puts(sb, f->overdue ? " AND status = ?1" :
		    " WHERE status = ?1");
	if (f->group != NULL)
		sb_puts(sb, " AND grp = ?2");
}

static void
list_bind(struct db_stmt *st, const struct ticket_filter *f, long long now)
{
	if (f->status != NULL)
		db_bind_text(st, 1, f->status);
	if (f->group != NULL)
		db_bind_text(st, 2, f->group);
	if (f->overdue)
		db_bind_int64(st, 3, now);
}

json_t *
ticket_list(struct store *db, const struct ticket_filter *f)
{
	struct strbuf	 sb;
	struct db_stmt	*st;
	json_t		*o, *arr;
	long long	 now, total;
	int		 page, per;

	now = f->now ? f->now : (long long)time(NULL);
	page = f->page > 0 ? f->page : 1;
	per = f->per_page > 0 ? f->per_page : 50;
	o = NULL;
	st = NULL;
	sb_init(&sb);
	sb_puts(&sb, "SELECT count(*) FROM tickets");
	/* The planner would take the status index and read every row. */
	if (f->overdue && f->status == NULL && f->group == NULL &&
	    db_backend(db) == DB_SQLITE)
		sb_puts(&sb, " INDEXED BY tickets_unanswered_due");
	list_where(&sb, f);
	if (db_prepare(db, sb.data, &st) != 0)
		goto done;
	list_bind(st, f, now);
	if (db_step(st) != STORE_ROW)
		goto done;
	total = db_col_int64(st, 0);
	db_finalize(st);
	st = NULL;

	sb_reset(&sb);
	sb_puts(&sb, "SELECT " TICKET_COLUMNS " FROM tickets");
	list_where(&sb, f);
	sb_puts(&sb, " ORDER BY due_at, id LIMIT ?4 OFFSET ?5");
	if (db_prepare(db, sb.data, &st) != 0)
		goto done;
	list_bind(st, f, now);
	db_bind_int64(st, 4, per);
	db_bind_int64(st, 5, (long long)(page - 1) * per);
	arr = json_array();
	while (db_step(st) == STORE_ROW)
		json_array_append_new(arr, row_json(st, 0, now));
	o = json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total,
	    "page", page, "per_page", per, "tickets", arr);
done:
	db_finalize(st);
	sb_free(&sb);
	return (o);
}

/* ---- Changing ---- */

int
ticket_current_get(struct store *db, const char *ref,
    struct ticket_current *c)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "SELECT id, created_at, first_response_at "
	    "IS NOT NULL, status, priority, grp FROM tickets WHERE ref = ?",
	    &st) != 0)
		return (-1);
	db_bind_text(st, 1, ref);
	if ((rc = db_step(st)) == STORE_ROW) {
		c->id = db_col_int64(st, 0);
		c->created_at = db_col_int64(st, 1);
		c->responded = db_col_int64(st, 2);
		(void)snprintf(c->status, sizeof(c->status), "%s",
		    db_col_text(st, 3));
		(void)snprintf(c->priority, sizeof(c->priority), "%s",
		    db_col_text(st, 4));
		(void)snprintf(c->group, sizeof(c->group), "%s",
		    db_col_text(st, 5));
		rc = 1;
	} else
		rc = rc == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

/* Sets one column (named by the caller, never by input) and records it. */
int
ticket_field_set(struct store *db, const struct ticket_current *c,
    const char *column, const char *kind, const char *actor,
    const char *old_value, const char *new_value, long long now)
{
	struct db_stmt	*st;
	char		 sql[200];
	int		 rc;

	(void)snprintf(sql, sizeof(sql), "UPDATE tickets SET %s = ?, "
	    "updated_at = ? WHERE id = ?", column);
	if (db_prepare(db, sql, &st) != 0)
		return (-1);
	db_bind_text(st, 1, new_value);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, c->id);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	if (rc == 0)
		rc = add_event(db, c->id, now, kind, actor, 0, NULL, old_value,
		    new_value);
	return (rc);
}

/* Without a first response yet, a new priority moves the due time. */
int
ticket_due_replan(struct store *db, const struct ticket_current *c,
    const char *priority)
{
	struct db_stmt	*st;
	int		 rc;

	if (c->responded)
		return (0);
	if (db_prepare(db, "UPDATE tickets SET due_at = ? WHERE id = ?",
	    &st) != 0)
		return (-1);
	db_bind_int64(st, 1, c->created_at +
	    3600LL * tickets_sla_hours(priority));
	db_bind_int64(st, 2, c->id);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

/* What ticket_current_get's 0 (no such ticket) or -1 means to a caller. */
static enum ticket_change_result
not_current(int found)
{
	return (found == 0 ? TICKET_NOT_FOUND : TICKET_CHANGE_FAILED);
}

enum ticket_change_result
ticket_update(struct store *db, const char *ref, const char *actor,
    const struct ticket_change *ch)
{
	struct ticket_current			c;
	enum ticket_change_result	r;
	long long			now;
	int				found;

	now = (long long)time(NULL);
	if (db_begin(db) != 0)
		return (TICKET_CHANGE_FAILED);
	if ((found = ticket_current_get(db, ref, &c)) != 1) {
		r = not_current(found);
		goto fail;
	}
	r = TICKET_CHANGE_FAILED;
	if (ch->status != NULL && strcmp(ch->status, c.status) &&
	    (ticket_field_set(db, &c, "status", "status", actor, c.status,
	    ch->status, now) != 0 || (!strcmp(ch->status, "solved") &&
	    outbox_enqueue(db, c.id, "solved", 0, now) != 0)))
		goto fail;
	if (ch->priority != NULL && strcmp(ch->priority, c.priority) &&
	    (ticket_field_set(db, &c, "priority", "priority", actor, c.priority,
	    ch->priority, now) != 0 ||
	    ticket_due_replan(db, &c, ch->priority) != 0))
		goto fail;
	if (ch->group != NULL && strcmp(ch->group, c.group) &&
	    ticket_field_set(db, &c, "grp", "group", actor, c.group, ch->group,
	    now) != 0)
		goto fail;
	return (db_commit(db) == 0 ? TICKET_CHANGED : TICKET_CHANGE_FAILED);
fail:
	db_rollback(db);
	return (r);
}

/*
 * Every comment: with message_id that of an emailed reply (added once),
 * with files linked to the new event; *event_id (may be NULL) gets its id.
 */
static enum ticket_change_result
comment_tx(struct store *db, const char *ref, const char *actor, int is_agent,
    int public_reply, const char *body, const char *message_id,
    const struct attachment_blob *files, int nfiles, long long *event_id)
{
	struct ticket_current			 c;
	struct db_stmt			*st;
	enum ticket_change_result	 r;
	const char			*next;
	long long			 now, ev;
	int				 found, rc;

	now = (long long)time(NULL);
	if (db_begin(db) != 0)
		return (TICKET_CHANGE_FAILED);
	if ((found = ticket_current_get(db, ref, &c)) != 1) {
		r = not_current(found);
		goto fail;
	}
	/* Closed is final for the requester: a new question, a new ticket. */
	if (!is_agent && !strcmp(c.status, "closed")) {
		r = TICKET_CLOSED;
		goto fail;
	}
	/* An emailed reply delivered again adds nothing. */
	if (message_id != NULL && (rc = mail_in_seen_add(db, c.id,
	    message_id, now)) != 1) {
		r = rc == 0 ? TICKET_ALREADY_ADDED : TICKET_CHANGE_FAILED;
		goto fail;
	}
	r = TICKET_CHANGE_FAILED;
	if (!is_agent)
		public_reply = 1;
	if ((ev = ticket_event_add(db, c.id, now, public_reply ? "reply" :
	    "note", actor, public_reply, body, NULL, NULL)) == -1)
		goto fail;
	if (attachments_link(db, c.id, ev, files, nfiles, now) != 0)
		goto fail;
	if (event_id != NULL)
		*event_id = ev;
	/* The customer is told of a public reply; never of a note. */
	if (is_agent && public_reply && outbox_enqueue(db, c.id, "reply", ev,
	    now) != 0)
		goto fail;
	next = NULL;
	if (is_agent && public_reply && !strcmp(c.status, "new"))
		next = "open";
	else if (!is_agent && (!strcmp(c.status, "pending") ||
	    !strcmp(c.status, "solved")))
		next = "open";
	if (next != NULL && ticket_field_set(db, &c, "status", "status", actor,
	    c.status, next, now) != 0)
		goto fail;
	if (db_prepare(db, "UPDATE tickets SET updated_at = ?1, "
	    "first_response_at = CASE WHEN ?2 <> 0 AND first_response_at IS NULL "
	    "THEN ?1 ELSE first_response_at END WHERE id = ?3", &st) != 0)
		goto fail;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, is_agent && public_reply);
	db_bind_int64(st, 3, c.id);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	if (rc != 0)
		goto fail;
	return (db_commit(db) == 0 ? TICKET_CHANGED : TICKET_CHANGE_FAILED);
fail:
	db_rollback(db);
	return (r);
}

enum ticket_change_result
ticket_comment(struct store *db, const char *ref, const char *actor,
    int is_agent, int public_reply, const char *body)
{
	return (comment_tx(db, ref, actor, is_agent, public_reply, body, NULL,
	    NULL, 0, NULL));
}

enum ticket_change_result
ticket_comment_files(struct store *db, const char *ref, const char *actor,
    int is_agent, int public_reply, const char *body,
    const struct attachment_blob *files, int nfiles, long long *event_id)
{
	return (comment_tx(db, ref, actor, is_agent, public_reply, body, NULL,
	    files, nfiles, event_id));
}

enum ticket_change_result
ticket_comment_mail(struct store *db, const char *ref, const char *body,
    const char *message_id, const struct attachment_blob *files, int nfiles)
{
	return (comment_tx(db, ref, "requester", 0, 1, body, message_id, files,
	    nfiles, NULL));
}

/* tickets_escalate's transaction: now in, the count out. */
struct escalate {
	long long	 now;
	int		 n;
	int		 skipped;	/* another node holds the job */
};

static int
escalate_tx(struct store *db, void *arg)
{
	struct escalate	*e = arg;
	struct strbuf	 sb;
	struct db_stmt	*st;
	int		 rc;
	static const char	*due = " FROM tickets WHERE escalated = 0 AND "
	    "first_response_at IS NULL AND status IN ('new','open') AND "
	    "due_at < ?1";

	e->n = 0;
	/*
	 * Every node runs the job: one at a time, the others skip their
	 * turn (SQLite's write lock is already this lock). Without it two
	 * nodes on PostgreSQL would both read the same due tickets, and one
	 * would fail to serialize every time (db_tx runs that one again).
	 */
	if ((rc = db_job_lock(db, "tickets-sla")) != 1) {
		e->skipped = rc == 0;
		return (-1);
	}
	/*
	 * Both statements in one write transaction: the second worker to run
	 * finds nothing left (escalated = 1), so the job is idempotent.
	 */
	rc = -1;
	st = NULL;
	sb_init(&sb);
	sb_printf(&sb, "INSERT INTO ticket_events(ticket_id, ts, kind, actor, "
	    "public, old_value, new_value) SELECT id, ?1, 'escalated', "
	    "'system', 0, priority, %s%s", raise_sql, due);
	if (db_prepare(db, sb.data, &st) != 0)
		goto done;
	db_bind_int64(st, 1, e->now);
	if (db_step(st) != STORE_DONE)
		goto done;
	db_finalize(st);
	sb_reset(&sb);
	sb_printf(&sb, "UPDATE tickets SET escalated = 1, updated_at = ?1, "
	    "priority = %s WHERE id IN (SELECT id%s)", raise_sql, due);
	if (db_prepare(db, sb.data, &st) != 0)
		goto done;
	db_bind_int64(st, 1, e->now);
	if (db_step(st) != STORE_DONE)
		goto done;
	e->n = (int)db_changes(db);
	rc = 0;
done:
	db_finalize(st);
	sb_free(&sb);
	return (rc);
}

int
tickets_escalate(struct store *db, long long now)
{
	struct escalate	e;

	e.now = now;
	e.n = 0;
	e.skipped = 0;
	if (db_tx(db, escalate_tx, &e) == 0)
		return (e.n);
	return (e.skipped ? 0 : -1);
}

int
tickets_export(struct store *db, FILE *fp)
{
	struct db_stmt	*st;
	json_t		*o;
	int		 rc;

	if (db_prepare(db, "SELECT " TICKET_COLUMNS " FROM tickets "
	    "ORDER BY id", &st) != 0)
		return (-1);
	while ((rc = db_step(st)) == STORE_ROW) {
		o = row_json(st, 1, (long long)time(NULL));
		json_object_set_new(o, "type", json_string("ticket"));
		(void)json_dumpf(o, fp, JSON_COMPACT);
		fputc('\n', fp);
		json_decref(o);
	}
	db_finalize(st);
	if (rc != STORE_DONE || db_prepare(db, "SELECT t.ref, e.id, "
	    "e.ts, e.kind, e.actor, e.public, e.body, e.old_value, e.new_value "
	    "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id ORDER "
	    "BY e.id", &st) != 0)
		return (-1);
	while ((rc = db_step(st)) == STORE_ROW) {
		o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, "
		    "s:o}", "type", "event", "ref", db_col_json(st, 0), "id",
		    db_col_json(st, 1), "ts", db_col_json(st, 2), "kind",
		    db_col_json(st, 3), "actor", db_col_json(st, 4), "public",
		    db_col_int64(st, 5), "body", db_col_json(st, 6),
		    "old", db_col_json(st, 7), "new", db_col_json(st, 8));
		(void)json_dumpf(o, fp, JSON_COMPACT);
		fputc('\n', fp);
		json_decref(o);
	}
	db_finalize(st);
	return (rc == STORE_DONE && !ferror(fp) ? 0 : -1);
}
