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

static void
bind_opt(sqlite3_stmt *st, int col, const char *s)
{
	if (s != NULL && s[0] != '\0')
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
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
idem_lookup(sqlite3 *db, const unsigned char secret[32], const char *key,
    const char *digest, struct ticket_created *out, int *found)
{
	sqlite3_stmt		*st;
	enum ticket_result	 r;
	int			 rc;

	*found = 0;
	if (sqlite3_prepare_v2(db, "SELECT i.digest, t.ref, t.status FROM "
	    "ticket_idempotency i JOIN tickets t ON t.id = i.ticket_id WHERE "
	    "i.key = ?", -1, &st, NULL) != SQLITE_OK)
		return (TICKET_ERROR);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	r = TICKET_CREATED;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		if (strcmp((const char *)sqlite3_column_text(st, 0), digest))
			r = TICKET_CONFLICT;
		else {
			r = TICKET_REPLAYED;
			(void)snprintf(out->ref, sizeof(out->ref), "%s",
			    sqlite3_column_text(st, 1));
			(void)snprintf(out->status, sizeof(out->status), "%s",
			    sqlite3_column_text(st, 2));
			ticket_token(secret, out->ref, out->token);
		}
	} else if (rc != SQLITE_DONE)
		r = TICKET_ERROR;
	sqlite3_finalize(st);
	return (r);
}

static int
add_event(sqlite3 *db, long long ticket_id, long long ts, const char *kind,
    const char *actor, int public, const char *body, const char *old_value,
    const char *new_value)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO ticket_events(ticket_id, ts, "
	    "kind, actor, public, body, old_value, new_value) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, public);
	bind_opt(st, 6, body);
	bind_opt(st, 7, old_value);
	bind_opt(st, 8, new_value);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

/* Inserts the row under a fresh random ref; the id, or -1. */
static long long
insert_ticket(sqlite3 *db, const struct ticket_input *in, long long now,
    const char *group, const char *priority, long long due, const char *ctx,
    char ref[TICKET_REF_LEN])
{
	sqlite3_stmt	*st;
	unsigned char	 rnd[4];
	struct tm	 tm;
	time_t		 t;
	long long	 id;
	int		 i, rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO tickets(ref, created_at, "
	    "updated_at, name, email, subject, body, category, grp, priority, "
	    "status, channel, due_at, visitor, article, query, thread_id, "
	    "context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, "
	    "?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
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
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_text(st, 4, in->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, in->email, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, in->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, in->body, -1, SQLITE_STATIC);
		bind_opt(st, 8, in->category);
		sqlite3_bind_text(st, 9, group, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, priority, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, in->channel, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 12, due);
		bind_opt(st, 13, in->visitor);
		bind_opt(st, 14, in->article);
		bind_opt(st, 15, in->query);
		if (in->thread_id > 0)
			sqlite3_bind_int64(st, 16, in->thread_id);
		else
			sqlite3_bind_null(st, 16);
		sqlite3_bind_text(st, 17, ctx, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			id = sqlite3_last_insert_rowid(db);
		else if (sqlite3_extended_errcode(db) !=
		    SQLITE_CONSTRAINT_UNIQUE)
			break;
	}
	sqlite3_finalize(st);
	return (id);
}

static int
idem_insert(sqlite3 *db, const char *key, const char *digest, long long id,
    long long now)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO ticket_idempotency(key, "
	    "digest, ticket_id, created_at) VALUES (?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

enum ticket_result
ticket_create(sqlite3 *db, const unsigned char secret[32],
    const struct ticket_input *in, struct ticket_created *out)
{
	enum ticket_result	 r;
	const char		*priority, *group;
	char			 digest[65], *ctx;
	long long		 now, id, due;
	int			 rank, kw, found;

	memset(out, 0, sizeof(*out));
	now = in->now ? in->now : (long long)time(NULL);
	rank = ticket_priority_rank(in->priority ? in->priority : "normal");
	if ((kw = tickets_keyword_rank(in->subject, in->body)) > rank)
		rank = kw;
	priority = rank == 0 ? "low" : rank == 1 ? "normal" : rank == 2 ?
	    "high" : "urgent";
	group = tickets_route_group(in->category);
	due = now + 3600LL * tickets_sla_hours(priority);
	ctx = in->context ? json_dumps(in->context, JSON_COMPACT) : NULL;
	content_digest(in, digest);

	r = TICKET_ERROR;
	if (db_begin(db) != 0)
		goto out;
	if (in->idem_key != NULL) {
		r = idem_lookup(db, secret, in->idem_key, digest, out, &found);
		if (found || r == TICKET_ERROR) {
			db_rollback(db);
			goto out;
		}
	}
	r = TICKET_ERROR;
	if ((id = insert_ticket(db, in, now, group, priority, due,
	    ctx ? ctx : "{}", out->ref)) == -1 ||
	    add_event(db, id, now, "created", "requester", 1, NULL, NULL,
	    "new") != 0 ||
	    attachments_link(db, id, 0, in->attachments, in->nattachments,
	    now) != 0 ||
	    (in->idem_key != NULL && idem_insert(db, in->idem_key, digest, id,
	    now) != 0)) {
		db_rollback(db);
		goto out;
	}
	/* The customer's language, and the email: with the ticket or not. */
	if (outbox_ticket_created(db, id, in->lang, in->email, now) != 0) {
		db_rollback(db);
		goto out;
	}
	/* The funnel's event commits with the ticket, or neither does. */
	if (in->visitor != NULL && event_ticket_submitted(db, in->visitor, now,
	    out->ref, in->article, in->query, in->thread_id) != 0) {
		db_rollback(db);
		goto out;
	}
	if (db_commit(db) != 0)
		goto out;
	ticket_token(secret, out->ref, out->token);
	(void)snprintf(out->status, sizeof(out->status), "new");
	r = TICKET_CREATED;
out:
	free(ctx);
	return (r);
}

/* ---- Reading ---- */

static json_t *
col_string(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return (json_null());
	return (json_string((const char *)sqlite3_column_text(st, i)));
}

static json_t *
col_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return (json_null());
	return (json_integer(sqlite3_column_int64(st, i)));
}

/* 1 when no first response came and the due time has passed. */
static int
overdue(sqlite3_stmt *st, long long now)
{
	const char	*status;

	status = (const char *)sqlite3_column_text(st, 9);
	return (sqlite3_column_type(st, 14) == SQLITE_NULL &&
	    sqlite3_column_int64(st, 13) < now && status != NULL &&
	    (!strcmp(status, "new") || !strcmp(status, "open")));
}

/* A row of TICKET_COLUMNS as JSON; full adds body, email and context. */
static json_t *
row_json(sqlite3_stmt *st, int full, long long now)
{
	json_t		*o, *ctx;
	const char	*c;

	o = json_object();
	json_object_set_new(o, "ref", col_string(st, 1));
	json_object_set_new(o, "subject", col_string(st, 2));
	json_object_set_new(o, "name", col_string(st, 4));
	json_object_set_new(o, "category", col_string(st, 6));
	json_object_set_new(o, "group", col_string(st, 7));
	json_object_set_new(o, "priority", col_string(st, 8));
	json_object_set_new(o, "status", col_string(st, 9));
	json_object_set_new(o, "channel", col_string(st, 10));
	json_object_set_new(o, "created_at", col_int(st, 11));
	json_object_set_new(o, "updated_at", col_int(st, 12));
	json_object_set_new(o, "due_at", col_int(st, 13));
	json_object_set_new(o, "first_response_at", col_int(st, 14));
	json_object_set_new(o, "escalated",
	    json_boolean(sqlite3_column_int(st, 15)));
	json_object_set_new(o, "overdue", json_boolean(overdue(st, now)));
	if (!full)
		return (o);
	json_object_set_new(o, "body", col_string(st, 3));
	json_object_set_new(o, "email", col_string(st, 5));
	c = (const char *)sqlite3_column_text(st, 16);
	if ((ctx = c ? json_loads(c, 0, NULL) : NULL) == NULL)
		ctx = json_object();
	json_object_set_new(ctx, "article", col_string(st, 17));
	json_object_set_new(ctx, "query", col_string(st, 18));
	json_object_set_new(ctx, "thread", col_int(st, 19));
	json_object_set_new(o, "context", ctx);
	return (o);
}

static json_t *
events_json(sqlite3 *db, long long id, int public_only)
{
	sqlite3_stmt	*st;
	json_t		*arr;

	if (sqlite3_prepare_v2(db, "SELECT id, ts, kind, actor, public, body, "
	    "old_value, new_value FROM ticket_events WHERE ticket_id = ? AND "
	    "(public = 1 OR ? = 0) ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return (NULL);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, public_only);
	arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, "
		    "s:b, s:o, s:o, s:o}", "id", col_int(st, 0), "ts",
		    col_int(st, 1), "kind", col_string(st, 2), "actor",
		    col_string(st, 3), "public", sqlite3_column_int(st, 4),
		    "body", col_string(st, 5), "old", col_string(st, 6),
		    "new", col_string(st, 7)));
	sqlite3_finalize(st);
	return (arr);
}

json_t *
ticket_get(sqlite3 *db, const char *ref, int public_only, int *missing)
{
	sqlite3_stmt	*st;
	json_t		*o, *ev;
	long long	 id;
	int		 rc;

	*missing = 0;
	if (sqlite3_prepare_v2(db, "SELECT " TICKET_COLUMNS " FROM tickets "
	    "WHERE ref = ?", -1, &st, NULL) != SQLITE_OK)
		return (NULL);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	o = NULL;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		*missing = 1;
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		o = row_json(st, 1, (long long)time(NULL));
		if ((ev = events_json(db, id, public_only)) == NULL) {
			json_decref(o);
			o = NULL;
		} else
			json_object_set_new(o, "events", ev);
	}
	sqlite3_finalize(st);
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
list_bind(sqlite3_stmt *st, const struct ticket_filter *f, long long now)
{
	if (f->status != NULL)
		sqlite3_bind_text(st, 1, f->status, -1, SQLITE_STATIC);
	if (f->group != NULL)
		sqlite3_bind_text(st, 2, f->group, -1, SQLITE_STATIC);
	if (f->overdue)
		sqlite3_bind_int64(st, 3, now);
}

json_t *
ticket_list(sqlite3 *db, const struct ticket_filter *f)
{
	struct strbuf	 sb;
	sqlite3_stmt	*st;
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
	if (f->overdue && f->status == NULL && f->group == NULL)
		sb_puts(&sb, " INDEXED BY tickets_unanswered_due");
	list_where(&sb, f);
	if (sqlite3_prepare_v2(db, sb.data, -1, &st, NULL) != SQLITE_OK)
		goto done;
	list_bind(st, f, now);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto done;
	total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;

	sb_reset(&sb);
	sb_puts(&sb, "SELECT " TICKET_COLUMNS " FROM tickets");
	list_where(&sb, f);
	sb_puts(&sb, " ORDER BY due_at, id LIMIT ?4 OFFSET ?5");
	if (sqlite3_prepare_v2(db, sb.data, -1, &st, NULL) != SQLITE_OK)
		goto done;
	list_bind(st, f, now);
	sqlite3_bind_int(st, 4, per);
	sqlite3_bind_int64(st, 5, (long long)(page - 1) * per);
	arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, row_json(st, 0, now));
	o = json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total,
	    "page", page, "per_page", per, "tickets", arr);
done:
	sqlite3_finalize(st);
	sb_free(&sb);
	return (o);
}

/* ---- Changing ---- */

/* Inside a transaction: the ticket's id and current values. */
struct current {
	long long	id;
	long long	created_at;
	int		responded;
	char		status[16];
	char		priority[16];
	char		group[80];
};

static int
current_get(sqlite3 *db, const char *ref, struct current *c)
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

/* Sets one column (named by the caller, never by input) and records it. */
static int
set_field(sqlite3 *db, const struct current *c, const char *column,
    const char *kind, const char *actor, const char *old_value,
    const char *new_value, long long now)
{
	sqlite3_stmt	*st;
	char		 sql[200];
	int		 rc;

	(void)snprintf(sql, sizeof(sql), "UPDATE tickets SET %s = ?, "
	    "updated_at = ? WHERE id = ?", column);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, new_value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, c->id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	if (rc == 0)
		rc = add_event(db, c->id, now, kind, actor, 0, NULL, old_value,
		    new_value);
	return (rc);
}

/* Without a first response yet, a new priority moves the due time. */
static int
replan_due(sqlite3 *db, const struct current *c, const char *priority)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (c->responded)
		return (0);
	if (sqlite3_prepare_v2(db, "UPDATE tickets SET due_at = ? WHERE id = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_int64(st, 1, c->created_at +
	    3600LL * tickets_sla_hours(priority));
	sqlite3_bind_int64(st, 2, c->id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

/* What current_get's 0 (no such ticket) or -1 means to a caller. */
static enum ticket_change_result
not_current(int found)
{
	return (found == 0 ? TICKET_NOT_FOUND : TICKET_CHANGE_FAILED);
}

enum ticket_change_result
ticket_update(sqlite3 *db, const char *ref, const char *actor,
    const struct ticket_change *ch)
{
	struct current			c;
	enum ticket_change_result	r;
	long long			now;
	int				found;

	now = (long long)time(NULL);
	if (db_begin(db) != 0)
		return (TICKET_CHANGE_FAILED);
	if ((found = current_get(db, ref, &c)) != 1) {
		r = not_current(found);
		goto fail;
	}
	r = TICKET_CHANGE_FAILED;
	if (ch->status != NULL && strcmp(ch->status, c.status) &&
	    (set_field(db, &c, "status", "status", actor, c.status, ch->status,
	    now) != 0 || (!strcmp(ch->status, "solved") &&
	    outbox_enqueue(db, c.id, "solved", 0, now) != 0)))
		goto fail;
	if (ch->priority != NULL && strcmp(ch->priority, c.priority) &&
	    (set_field(db, &c, "priority", "priority", actor, c.priority,
	    ch->priority, now) != 0 || replan_due(db, &c, ch->priority) != 0))
		goto fail;
	if (ch->group != NULL && strcmp(ch->group, c.group) &&
	    set_field(db, &c, "grp", "group", actor, c.group, ch->group,
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
comment_tx(sqlite3 *db, const char *ref, const char *actor, int is_agent,
    int public_reply, const char *body, const char *message_id,
    const struct attachment_blob *files, int nfiles, long long *event_id)
{
	struct current			 c;
	sqlite3_stmt			*st;
	enum ticket_change_result	 r;
	const char			*next;
	long long			 now, ev;
	int				 found, rc;

	now = (long long)time(NULL);
	if (db_begin(db) != 0)
		return (TICKET_CHANGE_FAILED);
	if ((found = current_get(db, ref, &c)) != 1) {
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
	if (add_event(db, c.id, now, public_reply ? "reply" : "note", actor,
	    public_reply, body, NULL, NULL) != 0)
		goto fail;
	ev = sqlite3_last_insert_rowid(db);
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
	if (next != NULL && set_field(db, &c, "status", "status", actor,
	    c.status, next, now) != 0)
		goto fail;
	if (sqlite3_prepare_v2(db, "UPDATE tickets SET updated_at = ?1, "
	    "first_response_at = CASE WHEN ?2 AND first_response_at IS NULL "
	    "THEN ?1 ELSE first_response_at END WHERE id = ?3", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, is_agent && public_reply);
	sqlite3_bind_int64(st, 3, c.id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	if (rc != 0)
		goto fail;
	return (db_commit(db) == 0 ? TICKET_CHANGED : TICKET_CHANGE_FAILED);
fail:
	db_rollback(db);
	return (r);
}

enum ticket_change_result
ticket_comment(sqlite3 *db, const char *ref, const char *actor,
    int is_agent, int public_reply, const char *body)
{
	return (comment_tx(db, ref, actor, is_agent, public_reply, body, NULL,
	    NULL, 0, NULL));
}

enum ticket_change_result
ticket_comment_files(sqlite3 *db, const char *ref, const char *actor,
    int is_agent, int public_reply, const char *body,
    const struct attachment_blob *files, int nfiles, long long *event_id)
{
	return (comment_tx(db, ref, actor, is_agent, public_reply, body, NULL,
	    files, nfiles, event_id));
}

enum ticket_change_result
ticket_comment_mail(sqlite3 *db, const char *ref, const char *body,
    const char *message_id, const struct attachment_blob *files, int nfiles)
{
	return (comment_tx(db, ref, "requester", 0, 1, body, message_id, files,
	    nfiles, NULL));
}

int
tickets_escalate(sqlite3 *db, long long now)
{
	struct strbuf	 sb;
	sqlite3_stmt	*st;
	int		 n;
	static const char	*due = " FROM tickets WHERE escalated = 0 AND "
	    "first_response_at IS NULL AND status IN ('new','open') AND "
	    "due_at < ?1";

	/*
	 * Both statements in one write transaction: the second worker to run
	 * finds nothing left (escalated = 1), so the job is idempotent.
	 */
	if (db_begin(db) != 0)
		return (-1);
	n = -1;
	st = NULL;
	sb_init(&sb);
	sb_printf(&sb, "INSERT INTO ticket_events(ticket_id, ts, kind, actor, "
	    "public, old_value, new_value) SELECT id, ?1, 'escalated', "
	    "'system', 0, priority, %s%s", raise_sql, due);
	if (sqlite3_prepare_v2(db, sb.data, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	sb_reset(&sb);
	sb_printf(&sb, "UPDATE tickets SET escalated = 1, updated_at = ?1, "
	    "priority = %s WHERE id IN (SELECT id%s)", raise_sql, due);
	if (sqlite3_prepare_v2(db, sb.data, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	n = sqlite3_changes(db);
	sqlite3_finalize(st);
	st = NULL;
	sb_free(&sb);
	if (db_commit(db) != 0)
		return (-1);
	return (n);
fail:
	sqlite3_finalize(st);
	sb_free(&sb);
	db_rollback(db);
	return (-1);
}

int
tickets_export(sqlite3 *db, FILE *fp)
{
	sqlite3_stmt	*st;
	json_t		*o;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT " TICKET_COLUMNS " FROM tickets "
	    "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o = row_json(st, 1, (long long)time(NULL));
		json_object_set_new(o, "type", json_string("ticket"));
		(void)json_dumpf(o, fp, JSON_COMPACT);
		fputc('\n', fp);
		json_decref(o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_prepare_v2(db, "SELECT t.ref, e.id, "
	    "e.ts, e.kind, e.actor, e.public, e.body, e.old_value, e.new_value "
	    "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id ORDER "
	    "BY e.id", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, "
		    "s:o}", "type", "event", "ref", col_string(st, 0), "id",
		    col_int(st, 1), "ts", col_int(st, 2), "kind",
		    col_string(st, 3), "actor", col_string(st, 4), "public",
		    sqlite3_column_int(st, 5), "body", col_string(st, 6),
		    "old", col_string(st, 7), "new", col_string(st, 8));
		(void)json_dumpf(o, fp, JSON_COMPACT);
		fputc('\n', fp);
		json_decref(o);
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE && !ferror(fp) ? 0 : -1);
}
