/* store.c: every SQL statement of the community domain: threads, answers, votes, reports, moderation, outbox rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community.h"
#include "store/db.h"
#include "util/strbuf.h"

static struct db_stmt *
prep(struct store *db, const char *sql)
{
	struct db_stmt	*st;

	if (db_prepare(db, sql, &st) != 0) {
		fprintf(stderr, "community: %s: %s\n", db_errmsg(db), sql);
		return (NULL);
	}
	return (st);
}

/* Runs a statement with int64 parameters only; 0 or -1. */
static int
exec_ll(struct store *db, const char *sql, long long a, long long b)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = prep(db, sql)) == NULL)
		return (-1);
	if (db_param_count(st) >= 1)
		db_bind_int64(st, 1, a);
	if (db_param_count(st) >= 2)
		db_bind_int64(st, 2, b);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

static int
outbox(struct store *db, long long thread_id)
{
	return (exec_ll(db, "INSERT INTO search_outbox(thread_id) VALUES (?)",
	    thread_id, 0));
}

/* Published answers and activity of a thread, after a change. */
static int
recount(struct store *db, long long thread_id)
{
	return (exec_ll(db, "UPDATE threads SET answers = (SELECT count(*) "
	    "FROM answers WHERE thread_id = ?1 AND status = 'published'), "
	    "accepted = CASE WHEN accepted IN (SELECT id FROM answers WHERE "
	    "thread_id = ?1 AND status = 'published') THEN accepted END "
	    "WHERE id = ?1", thread_id, 0));
}

void
cm_thread_free(struct cm_thread *t)
{
	free(t->visitor);
	free(t->author);
	free(t->title);
	free(t->body_md);
	free(t->body_html);
	free(t->body_plain);
	free(t->category);
	free(t->tags);
	free(t->lang);
	free(t->status);
	free(t->queue_reason);
	free(t->duplicate_of);
	memset(t, 0, sizeof(*t));
}

void
cm_answer_free(struct cm_answer *a)
{
	free(a->visitor);
	free(a->author);
	free(a->body_md);
	free(a->body_html);
	free(a->body_plain);
	free(a->status);
	free(a->queue_reason);
	memset(a, 0, sizeof(*a));
}

char *
cm_name_get(struct store *db, const char *visitor)
{
	struct db_stmt	*st;
	char		*name = NULL;

	if ((st = prep(db, "SELECT name FROM community_names WHERE "
	    "visitor = ?")) == NULL)
		return (NULL);
	db_bind_text(st, 1, visitor);
	if (db_step(st) == STORE_ROW)
		name = db_col_strdup(st, 0);
	db_finalize(st);
	return (name);
}

/*
 * Names stored before community-2 have no key yet: keyed here, once, in
 * the writer's transaction. A legacy name the rules now refuse gets an
 * empty key, which matches nothing.
 */
static int
names_backfill(struct store *db)
{
	struct db_stmt	*sel, *upd;
	char		*key;
	int		 rc;

	if ((sel = prep(db, "SELECT visitor, name FROM community_names "
	    "WHERE name_key IS NULL")) == NULL)
		return (-1);
	if ((upd = prep(db, "UPDATE community_names SET name_key = ? WHERE "
	    "visitor = ?")) == NULL) {
		db_finalize(sel);
		return (-1);
	}
	while ((rc = db_step(sel)) == STORE_ROW) {
		if (cm_name_check((const char *)db_col_text(sel, 1),
		    &key) != CM_NAME_OK)
			key = NULL;
		db_bind_text(upd, 1, key ? key : "");
		db_bind_text(upd, 2, db_col_text(sel, 0));
		free(key);
		if (db_step(upd) != STORE_DONE)
			break;
		db_reset(upd);
	}
	db_finalize(sel);
	db_finalize(upd);
	return (rc == STORE_DONE ? 0 : -1);
}

int
cm_name_taken(struct store *db, const char *key, const char *visitor)
{
	struct db_stmt	*st;
	int		 rc;

	if (names_backfill(db) != 0 || (st = prep(db, "SELECT EXISTS (SELECT "
	    "1 FROM community_names WHERE name_key = ? AND visitor <> ?)")) ==
	    NULL)
		return (-1);
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, visitor);
	rc = db_step(st) == STORE_ROW ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	return (rc);
}

/* 0 kept (or already chosen), 1 when another visitor holds the name, -1. */
static int
name_keep(struct store *db, const struct cm_new *n)
{
	struct db_stmt	*st;
	int		 rc;

	/* Checked again here: two first posts may race for one name. */
	if (n->name_key != NULL &&
	    (rc = cm_name_taken(db, n->name_key, n->visitor)) != 0)
		return (rc);
	if ((st = prep(db, "INSERT INTO community_names(visitor, "
	    "name, created, name_key) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT DO NOTHING")) == NULL)
		return (-1);
	db_bind_text(st, 1, n->visitor);
	db_bind_text(st, 2, n->author);
	db_bind_int64(st, 3, (long long)time(NULL));
	db_bind_text(st, 4, n->name_key);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

/* cm_thread_create's and cm_answer_create's transaction. */
struct create_tx {
	const struct cm_new	*n;
	long long		 thread_id;	/* the answer's thread */
	long long		*id;
	enum cm_write		 r;
};

/* db_tx's body: the thread; 0 to commit, -1 (r says why). */
static int
thread_tx(struct store *db, void *arg)
{
	struct create_tx	*c = arg;
	const struct cm_new	*n = c->n;
	struct db_stmt		*st = NULL;
	long long		 now = (long long)time(NULL);
	int			 kept;

	c->r = CM_WRITE_FAILED;
	if ((kept = name_keep(db, n)) == 1) {
		c->r = CM_WRITE_NAME_TAKEN;
		return (-1);
	}
	if (kept != 0 || (st = prep(db, "INSERT INTO threads(visitor, author, title, "
	    "body_md, body_html, body_plain, category, tags, lang, status, "
	    "queue_reason, body_hash, created, updated, activity) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id")) == NULL)
		goto fail;
	db_bind_text(st, 1, n->visitor);
	db_bind_text(st, 2, n->author);
	db_bind_text(st, 3, n->title);
	db_bind_text(st, 4, n->body_md);
	db_bind_text(st, 5, n->body_html);
	db_bind_text(st, 6, n->body_plain);
	db_bind_text(st, 7, n->category ? n->category : "");
	db_bind_text(st, 8, n->tags ? n->tags : "");
	db_bind_text(st, 9, n->lang);
	db_bind_text(st, 10, n->status);
	db_bind_text(st, 11, n->queue_reason);
	db_bind_text(st, 12, n->body_hash);
	db_bind_int64(st, 13, now);
	db_bind_int64(st, 14, now);
	db_bind_int64(st, 15, now);
	if (db_step(st) != STORE_ROW)
		goto fail;
	*c->id = db_col_int64(st, 0);
	if (outbox(db, *c->id) != 0)
		goto fail;
	db_finalize(st);
	c->r = CM_WRITE_OK;
	return (0);
fail:
	db_finalize(st);
	return (-1);
}

/* db_tx's body: the answer, its thread's count; 0, or -1 (r says why). */
static int
answer_tx(struct store *db, void *arg)
{
	struct create_tx	*c = arg;
	const struct cm_new	*n = c->n;
	struct db_stmt		*st = NULL;
	long long		 now = (long long)time(NULL);
	int			 kept;

	c->r = CM_WRITE_FAILED;
	if ((kept = name_keep(db, n)) == 1) {
		c->r = CM_WRITE_NAME_TAKEN;
		return (-1);
	}
	if (kept != 0 || (st = prep(db, "INSERT INTO answers(thread_id, visitor, author, "
	    "body_md, body_html, body_plain, status, queue_reason, body_hash, "
	    "created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id")) == NULL)
		goto fail;
	db_bind_int64(st, 1, c->thread_id);
	db_bind_text(st, 2, n->visitor);
	db_bind_text(st, 3, n->author);
	db_bind_text(st, 4, n->body_md);
	db_bind_text(st, 5, n->body_html);
	db_bind_text(st, 6, n->body_plain);
	db_bind_text(st, 7, n->status);
	db_bind_text(st, 8, n->queue_reason);
	db_bind_text(st, 9, n->body_hash);
	db_bind_int64(st, 10, now);
	db_bind_int64(st, 11, now);
	if (db_step(st) != STORE_ROW)
		goto fail;
	*c->id = db_col_int64(st, 0);
	if (recount(db, c->thread_id) != 0 ||
	    exec_ll(db, "UPDATE threads SET activity = ? WHERE id = ?", now,
	    c->thread_id) != 0 || outbox(db, c->thread_id) != 0)
		goto fail;
	db_finalize(st);
	c->r = CM_WRITE_OK;
	return (0);
fail:
	db_finalize(st);
	return (-1);
}

/*
 * Both run in db_tx: on PostgreSQL answers to one thread at once all
 * write its row (the count), and all but one fail to serialize; run
 * again, they are stored instead of answered 503.
 */
enum cm_write
cm_thread_create(struct store *db, const struct cm_new *n, long long *id)
{
	struct create_tx	c = { n, 0, id, CM_WRITE_FAILED };

	if (db_tx(db, thread_tx, &c) == 0)
		return (CM_WRITE_OK);
	return (c.r == CM_WRITE_NAME_TAKEN ? c.r : CM_WRITE_FAILED);
}

enum cm_write
cm_answer_create(struct store *db, long long thread_id, const struct cm_new *n,
    long long *id)
{
	struct create_tx	c = { n, thread_id, id, CM_WRITE_FAILED };
	char			lock[40];
	int			locked, rc;

	/*
	 * Answers to one thread all update its row: on PostgreSQL they take
	 * turns on the thread's lock first instead of failing to serialize
	 * (a busy thread had 0.5 % run out of attempts).
	 */
	(void)snprintf(lock, sizeof(lock), "thread:%lld", thread_id);
	locked = db_lock(db, lock) == 0;
	rc = db_tx(db, answer_tx, &c);
	if (locked)
		db_unlock(db, lock);
	if (rc == 0)
		return (CM_WRITE_OK);
	return (c.r == CM_WRITE_NAME_TAKEN ? c.r : CM_WRITE_FAILED);
}

#define THREAD_COLS	"id, visitor, author, title, body_md, body_html, " \
			"body_plain, category, tags, lang, status, " \
			"queue_reason, duplicate_of, locked, pinned, " \
			"coalesce(accepted, 0), score, answers, created, " \
			"updated, reports"

static void
thread_row(struct db_stmt *st, struct cm_thread *t)
{
	t->id = db_col_int64(st, 0);
	t->visitor = db_col_strdup(st, 1);
	t->author = db_col_strdup(st, 2);
	t->title = db_col_strdup(st, 3);
	t->body_md = db_col_strdup(st, 4);
	t->body_html = db_col_strdup(st, 5);
	t->body_plain = db_col_strdup(st, 6);
	t->category = db_col_strdup(st, 7);
	t->tags = db_col_strdup(st, 8);
	t->lang = db_col_strdup(st, 9);
	t->status = db_col_strdup(st, 10);
	t->queue_reason = db_col_strdup(st, 11);
	t->duplicate_of = db_col_strdup(st, 12);
	t->locked = db_col_int64(st, 13);
	t->pinned = db_col_int64(st, 14);
	t->accepted = db_col_int64(st, 15);
	t->score = db_col_int64(st, 16);
	t->answers = db_col_int64(st, 17);
	t->created = db_col_int64(st, 18);
	t->updated = db_col_int64(st, 19);
	t->reports = db_col_int64(st, 20);
}

int
cm_thread_get(struct store *db, long long id, struct cm_thread *t)
{
	struct db_stmt	*st;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((st = prep(db, "SELECT " THREAD_COLS " FROM threads WHERE "
	    "id = ?")) == NULL)
		return (-1);
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == STORE_ROW)
		thread_row(st, t);
	db_finalize(st);
	return (rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1);
}

int
cm_thread_brief(struct store *db, long long id, struct cm_thread *t)
{
	int	rc;

	if ((rc = cm_thread_get(db, id, t)) == 1 &&
	    strcmp(t->status, CM_PUBLISHED) != 0) {
		cm_thread_free(t);
		rc = 0;
	}
	return (rc);
}

#define ANSWER_COLS	"id, thread_id, visitor, author, body_md, body_html, " \
			"body_plain, status, queue_reason, score, created, " \
			"updated, reports"

static void
answer_row(struct db_stmt *st, struct cm_answer *a)
{
	a->id = db_col_int64(st, 0);
	a->thread_id = db_col_int64(st, 1);
	a->visitor = db_col_strdup(st, 2);
	a->author = db_col_strdup(st, 3);
	a->body_md = db_col_strdup(st, 4);
	a->body_html = db_col_strdup(st, 5);
	a->body_plain = db_col_strdup(st, 6);
	a->status = db_col_strdup(st, 7);
	a->queue_reason = db_col_strdup(st, 8);
	a->score = db_col_int64(st, 9);
	a->created = db_col_int64(st, 10);
	a->updated = db_col_int64(st, 11);
	a->reports = db_col_int64(st, 12);
}

int
cm_answer_get(struct store *db, long long id, struct cm_answer *a)
{
	struct db_stmt	*st;
	int		 rc;

	memset(a, 0, sizeof(*a));
	if ((st = prep(db, "SELECT " ANSWER_COLS " FROM answers WHERE "
	    "id = ?")) == NULL)
		return (-1);
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == STORE_ROW)
		answer_row(st, a);
	db_finalize(st);
	return (rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1);
}

int
cm_answers_of(struct store *db, long long thread_id, int all_states,
    struct cm_answer **out, size_t *n)
{
	struct db_stmt	*st;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((st = prep(db, all_states ?
	    "SELECT " ANSWER_COLS " FROM answers WHERE thread_id = ?1 AND "
	    "status != 'deleted' ORDER BY id = (SELECT coalesce(accepted, 0) "
	    "FROM threads WHERE id = ?1) DESC, score DESC, id" :
	    "SELECT " ANSWER_COLS " FROM answers WHERE thread_id = ?1 AND "
	    "status = 'published' ORDER BY id = (SELECT coalesce(accepted, 0) "
	    "FROM threads WHERE id = ?1) DESC, score DESC, id")) == NULL)
		return (-1);
	db_bind_int64(st, 1, thread_id);
	while ((rc = db_step(st)) == STORE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		answer_row(st, &(*out)[*n]);
		(*n)++;
	}
	db_finalize(st);
	return (rc == STORE_DONE ? 0 : -1);
}

/* " a b " into ["a","b"]. */
static json_t *
tags_json(const char *tags)
{
	json_t		*arr;
	const char	*p, *e;

	arr = json_array();
	for (p = tags; p != NULL && *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, " ");
		if (e > p)
			json_array_append_new(arr, json_stringn(p,
			    (size_t)(e - p)));
	}
	return (arr);
}

json_t *
cm_thread_list(struct store *db, const char *sort, const char *category,
    const char *tag, long long page, long long per_page, long long *total)
{
	struct db_stmt	*st;
	struct strbuf	 where, sql;
	json_t		*arr;
	char		 url[64];
	int		 rc;

	sb_init(&where);
	sb_puts(&where, " WHERE status = 'published'");
	if (category != NULL)
		sb_puts(&where, " AND (category = ?1 OR category LIKE "
		    "?1 || '/%')");
	if (tag != NULL)
		/* instr() is SQLite's name of PostgreSQL's strpos(). */
		sb_printf(&where, " AND %s(tags, ' ' || ?2 || ' ') > 0",
		    db_backend(db) == DB_PG ? "strpos" : "instr");
	if (!strcmp(sort, "unanswered"))
		sb_puts(&where, " AND answers = 0");
	else if (!strcmp(sort, "solved"))
		sb_puts(&where, " AND accepted IS NOT NULL");
	sb_init(&sql);
	sb_printf(&sql, "SELECT count(*) FROM threads%s", where.data);
	arr = NULL;
	if ((st = prep(db, sql.data)) == NULL)
		goto done;
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, tag);
	*total = db_step(st) == STORE_ROW ?
	    db_col_int64(st, 0) : 0;
	db_finalize(st);
	sb_reset(&sql);
	sb_printf(&sql, "SELECT id, title, author, category, tags, lang, "
	    "score, answers, accepted IS NOT NULL, locked, pinned, created, "
	    "activity FROM threads%s ORDER BY pinned DESC, %s LIMIT ?3 "
	    "OFFSET ?4", where.data, !strcmp(sort, "top") ?
	    "score DESC, id DESC" : "id DESC");
	if ((st = prep(db, sql.data)) == NULL)
		goto done;
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, tag);
	db_bind_int64(st, 3, per_page);
	db_bind_int64(st, 4, (page - 1) * per_page);
	arr = json_array();
	while ((rc = db_step(st)) == STORE_ROW) {
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    (long long)db_col_int64(st, 0));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:o, s:s, s:I, s:I, s:b, s:b, s:b, s:I, s:I, s:s}",
		    "id", (json_int_t)db_col_int64(st, 0),
		    "title", db_col_text(st, 1),
		    "author", db_col_text(st, 2),
		    "category", db_col_text(st, 3),
		    "tags", tags_json((const char *)db_col_text(st, 4)),
		    "lang", db_col_text(st, 5),
		    "score", (json_int_t)db_col_int64(st, 6),
		    "answers", (json_int_t)db_col_int64(st, 7),
		    "solved", db_col_int64(st, 8),
		    "locked", db_col_int64(st, 9),
		    "pinned", db_col_int64(st, 10),
		    "created", (json_int_t)db_col_int64(st, 11),
		    "updated", (json_int_t)db_col_int64(st, 12),
		    "url", url));
	}
	db_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(arr);
		arr = NULL;
	}
done:
	sb_free(&where);
	sb_free(&sql);
	return (arr);
}

json_t *
cm_recent(struct store *db, int limit)
{
	struct db_stmt	*st;
	json_t		*arr;
	char		 url[64];

	arr = json_array();
	if ((st = prep(db, "SELECT id, title, answers, accepted IS NOT NULL "
	    "FROM threads WHERE status = 'published' ORDER BY pinned DESC, "
	    "id DESC LIMIT ?")) == NULL)
		return (arr);
	db_bind_int64(st, 1, limit);
	while (db_step(st) == STORE_ROW) {
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    (long long)db_col_int64(st, 0));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, "
		    "s:b}", "id", (json_int_t)db_col_int64(st, 0),
		    "title", db_col_text(st, 1), "url", url,
		    "answers", (json_int_t)db_col_int64(st, 2),
		    "solved", db_col_int64(st, 3)));
	}
	db_finalize(st);
	return (arr);
}

/* cm_vote's transaction: the vote, the post's score. */
struct vote_tx {
	char			 kind;
	long long		 id;
	const char		*visitor, *client;
	int			 value;
	long long		*score;
	enum cm_vote_status	 r;
};

/* db_tx's body; 0 to commit, -1 (r says why) or DB_TX_AGAIN. */
static int
vote_tx(struct store *db, void *arg)
{
	struct vote_tx	*v = arg;
	struct db_stmt	*st = NULL;
	char		 k[2] = { v->kind, '\0' };
	long long	 id = v->id;
	int		 taken;

	v->r = CM_VOTE_FAILED;
	/* A fresh cookie is a new visitor, not a new person: count the address. */
	if (v->value != 0) {
		if ((st = prep(db, "SELECT EXISTS (SELECT 1 FROM "
		    "community_votes WHERE kind = ? AND post_id = ? AND "
		    "client = ? AND visitor <> ?)")) == NULL)
			goto fail;
		db_bind_text(st, 1, k);
		db_bind_int64(st, 2, id);
		db_bind_text(st, 3, v->client);
		db_bind_text(st, 4, v->visitor);
		if (db_step(st) != STORE_ROW)
			goto fail;
		taken = db_col_bool(st, 0);
		db_finalize(st);
		st = NULL;
		if (taken) {
			v->r = CM_VOTE_CLIENT_TAKEN;
			return (-1);
		}
	}
	if (v->value == 0)
		st = prep(db, "DELETE FROM community_votes WHERE kind = ?1 AND "
		    "post_id = ?2 AND visitor = ?3");
	else
		st = prep(db, "INSERT INTO community_votes(kind, post_id, "
		    "visitor, value, ts, client) VALUES (?1, ?2, ?3, ?4, ?5, "
		    "?6) ON CONFLICT(kind, post_id, visitor) DO UPDATE SET "
		    "value = ?4, ts = ?5, client = ?6");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, k);
	db_bind_int64(st, 2, id);
	db_bind_text(st, 3, v->visitor);
	if (v->value != 0) {
		db_bind_int64(st, 4, v->value);
		db_bind_int64(st, 5, (long long)time(NULL));
		db_bind_text(st, 6, v->client);
	}
	if (db_step(st) != STORE_DONE) {
		/* The same address voted from another node meanwhile. */
		if (db_last(db) == STORE_DUPLICATE) {
			db_finalize(st);
			return (DB_TX_AGAIN);
		}
		goto fail;
	}
	db_finalize(st);
	st = NULL;
	/*
	 * The score is counted again from the votes, so two votes at once
	 * both count: on PostgreSQL the second transaction to write the
	 * post's row fails to serialize and db_tx runs it again.
	 */
	if (exec_ll(db, v->kind == 't' ?
	    "UPDATE threads SET score = (SELECT coalesce(sum(value), 0) FROM "
	    "community_votes WHERE kind = 't' AND post_id = ?1) WHERE id = ?1" :
	    "UPDATE answers SET score = (SELECT coalesce(sum(value), 0) FROM "
	    "community_votes WHERE kind = 'a' AND post_id = ?1) WHERE id = ?1",
	    id, 0) != 0)
		goto fail;
	if ((st = prep(db, v->kind == 't' ?
	    "SELECT score FROM threads WHERE id = ?" :
	    "SELECT score FROM answers WHERE id = ?")) == NULL)
		goto fail;
	db_bind_int64(st, 1, id);
	if (db_step(st) != STORE_ROW)
		goto fail;
	*v->score = db_col_int64(st, 0);
	db_finalize(st);
	v->r = CM_VOTE_OK;
	return (0);
fail:
	db_finalize(st);
	return (-1);
}

enum cm_vote_status
cm_vote(struct store *db, char kind, long long id, const char *visitor,
    const char *client, int value, long long *score)
{
	struct vote_tx	v;

	v.kind = kind;
	v.id = id;
	v.visitor = visitor;
	v.client = client;
	v.value = value;
	v.score = score;
	v.r = CM_VOTE_FAILED;
	if (db_tx(db, vote_tx, &v) == 0)
		return (CM_VOTE_OK);
	return (v.r == CM_VOTE_OK ? CM_VOTE_FAILED : v.r);
}

json_t *
cm_votes_of(struct store *db, long long thread_id, const char *visitor)
{
	struct db_stmt	*st;
	json_t		*o;
	char		 key[32];

	o = json_object();
	if ((st = prep(db, "SELECT kind, post_id, value FROM community_votes "
	    "WHERE visitor = ?2 AND ((kind = 't' AND post_id = ?1) OR "
	    "(kind = 'a' AND post_id IN (SELECT id FROM answers WHERE "
	    "thread_id = ?1)))")) == NULL)
		return (o);
	db_bind_int64(st, 1, thread_id);
	db_bind_text(st, 2, visitor);
	while (db_step(st) == STORE_ROW) {
		(void)snprintf(key, sizeof(key), "%s%lld",
		    db_col_text(st, 0),
		    (long long)db_col_int64(st, 1));
		json_object_set_new(o, key, json_integer(
		    db_col_int64(st, 2)));
	}
	db_finalize(st);
	return (o);
}

/* Runs one change of a thread and queues it for the index. */
static int
thread_change(struct store *db, long long thread_id, struct db_stmt *st)
{
	int	rc;

	rc = db_step(st) == STORE_DONE && db_changes(db) > 0 ?
	    0 : -1;
	db_finalize(st);
	if (rc == 0)
		rc = recount(db, thread_id);
	if (rc == 0)
		rc = outbox(db, thread_id);
	if (rc == 0)
		return (db_commit(db));
	db_rollback(db);
	return (-1);
}

int
cm_accept(struct store *db, long long thread_id, long long answer_id)
{
	struct db_stmt	*st;

	if (db_begin(db) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE threads SET accepted = nullif(?2, 0), "
	    "updated = ?3 WHERE id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	db_bind_int64(st, 1, thread_id);
	db_bind_int64(st, 2, answer_id);
	db_bind_int64(st, 3, (long long)time(NULL));
	return (thread_change(db, thread_id, st));
}

int
cm_thread_edit(struct store *db, long long id, const char *title,
    const char *md, const char *html, const char *plain)
{
	struct db_stmt	*st;

	if (db_begin(db) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE threads SET title = ?2, body_md = ?3, "
	    "body_html = ?4, body_plain = ?5, updated = ?6 WHERE id = ?1")) ==
	    NULL) {
		db_rollback(db);
		return (-1);
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, title);
	db_bind_text(st, 3, md);
	db_bind_text(st, 4, html);
	db_bind_text(st, 5, plain);
	db_bind_int64(st, 6, (long long)time(NULL));
	return (thread_change(db, id, st));
}

/* The thread an answer belongs to, or 0. */
static long long
thread_of(struct store *db, long long answer_id)
{
	struct db_stmt	*st;
	long long	 t = 0;

	if ((st = prep(db, "SELECT thread_id FROM answers WHERE id = ?")) ==
	    NULL)
		return (0);
	db_bind_int64(st, 1, answer_id);
	if (db_step(st) == STORE_ROW)
		t = db_col_int64(st, 0);
	db_finalize(st);
	return (t);
}

int
cm_answer_edit(struct store *db, long long id, const char *md, const char *html,
    const char *plain)
{
	struct db_stmt	*st;

	if (db_begin(db) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE answers SET body_md = ?2, body_html = ?3, "
	    "body_plain = ?4, updated = ?5 WHERE id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, md);
	db_bind_text(st, 3, html);
	db_bind_text(st, 4, plain);
	db_bind_int64(st, 5, (long long)time(NULL));
	return (thread_change(db, thread_of(db, id), st));
}

/* The moderation log's row of an action, inside the caller's transaction. */
static int
log_action(struct store *db, const struct cm_audit *by, char kind, long long id)
{
	struct db_stmt	*st;
	char		 k[2] = { kind, '\0' };
	int		 rc;

	if ((st = prep(db, "INSERT INTO community_log(staff, action, kind, "
	    "post_id, ts) VALUES (?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	db_bind_text(st, 1, by->staff);
	db_bind_text(st, 2, by->action);
	db_bind_text(st, 3, k);
	db_bind_int64(st, 4, id);
	db_bind_int64(st, 5, (long long)time(NULL));
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

/* db_begin, and the log's row of the action. */
static int
begin_action(struct store *db, const struct cm_audit *by, char kind,
    long long id)
{
	if (db_begin(db) != 0)
		return (-1);
	if (log_action(db, by, kind, id) != 0) {
		db_rollback(db);
		return (-1);
	}
	return (0);
}

int
cm_set_status(struct store *db, char kind, long long id, const char *status,
    const struct cm_audit *by)
{
	struct db_stmt	*st;
	long long	 thread_id;
	char		 k[2] = { kind, '\0' };

	if (begin_action(db, by, kind, id) != 0)
		return (-1);
	thread_id = kind == 't' ? id : thread_of(db, id);
	if ((st = prep(db, "DELETE FROM community_reports WHERE kind = ? AND "
	    "post_id = ?")) == NULL)
		goto fail;
	db_bind_text(st, 1, k);
	db_bind_int64(st, 2, id);
	if (db_step(st) != STORE_DONE) {
		db_finalize(st);
		goto fail;
	}
	db_finalize(st);
	if ((st = prep(db, kind == 't' ?
	    "UPDATE threads SET status = ?2, reports = 0, queue_reason = NULL "
	    "WHERE id = ?1" :
	    "UPDATE answers SET status = ?2, reports = 0, queue_reason = NULL "
	    "WHERE id = ?1")) == NULL)
		goto fail;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, status);
	return (thread_change(db, thread_id, st));
fail:
	db_rollback(db);
	return (-1);
}

int
cm_thread_flag(struct store *db, long long id, const char *flag, int on,
    const struct cm_audit *by)
{
	struct db_stmt	*st;

	if (begin_action(db, by, 't', id) != 0)
		return (-1);
	if ((st = prep(db, !strcmp(flag, "locked") ?
	    "UPDATE threads SET locked = ?2 WHERE id = ?1" :
	    "UPDATE threads SET pinned = ?2 WHERE id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, on ? 1 : 0);
	return (thread_change(db, id, st));
}

int
cm_thread_duplicate(struct store *db, long long id, const char *target,
    const struct cm_audit *by)
{
	struct db_stmt	*st;

	if (begin_action(db, by, 't', id) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE threads SET duplicate_of = ?2 WHERE "
	    "id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, target);
	return (thread_change(db, id, st));
}

enum cm_report_result
cm_report(struct store *db, char kind, long long id, const char *visitor)
{
	struct db_stmt	*st = NULL;
	char		 k[2] = { kind, '\0' };
	int		 fresh;

	if (db_begin(db) != 0)
		return (CM_REPORT_FAILED);
	if ((st = prep(db, "INSERT INTO community_reports(kind, "
	    "post_id, visitor, ts) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT DO NOTHING")) == NULL)
		goto fail;
	db_bind_text(st, 1, k);
	db_bind_int64(st, 2, id);
	db_bind_text(st, 3, visitor);
	db_bind_int64(st, 4, (long long)time(NULL));
	if (db_step(st) != STORE_DONE)
		goto fail;
	fresh = db_changes(db) > 0;
	db_finalize(st);
	st = NULL;
	if (fresh && exec_ll(db, kind == 't' ?
	    "UPDATE threads SET reports = reports + 1 WHERE id = ?" :
	    "UPDATE answers SET reports = reports + 1 WHERE id = ?", id, 0) != 0)
		goto fail;
	if (db_commit(db) != 0)
		return (CM_REPORT_FAILED);
	return (fresh ? CM_REPORTED : CM_REPORTED_BEFORE);
fail:
	db_finalize(st);
	db_rollback(db);
	return (CM_REPORT_FAILED);
}

/* The first 160 bytes of text, cut on a character boundary. */
static char *
excerpt(const char *s)
{
	size_t	n;

	n = strlen(s);
	if (n <= 160)
		return (xstrdup(s));
	n = 160;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (xstrndup(s, n));
}

json_t *
cm_queue(struct store *db, json_t **solved)
{
	struct db_stmt	*st;
	json_t		*arr;
	char		*ex;

	arr = json_array();
	*solved = json_array();
	if ((st = prep(db,
	    "SELECT 'thread', id, id, title, body_plain, author, status, "
	    "coalesce(queue_reason, 'reported'), reports, created FROM threads "
	    "WHERE status = 'queued' OR (status = 'published' AND reports > 0) "
	    "UNION ALL "
	    "SELECT 'answer', a.id, a.thread_id, t.title, a.body_plain, "
	    "a.author, a.status, coalesce(a.queue_reason, 'reported'), "
	    "a.reports, a.created FROM answers a JOIN threads t ON "
	    "t.id = a.thread_id WHERE a.status = 'queued' OR "
	    "(a.status = 'published' AND a.reports > 0) "
	    "ORDER BY 10 LIMIT 200")) == NULL)
		return (arr);
	while (db_step(st) == STORE_ROW) {
		ex = excerpt((const char *)db_col_text(st, 4));
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:s, "
		    "s:s, s:s, s:s, s:s, s:I, s:I, s:b}",
		    "kind", db_col_text(st, 0),
		    "id", (json_int_t)db_col_int64(st, 1),
		    "thread_id", (json_int_t)db_col_int64(st, 2),
		    "title", db_col_text(st, 3), "excerpt", ex,
		    "author", db_col_text(st, 5),
		    "status", db_col_text(st, 6),
		    "reason", db_col_text(st, 7),
		    "reports", (json_int_t)db_col_int64(st, 8),
		    "created", (json_int_t)db_col_int64(st, 9),
		    "is_thread", !strcmp((const char *)
		    db_col_text(st, 0), "thread")));
		free(ex);
	}
	db_finalize(st);
	if ((st = prep(db, "SELECT id, title FROM threads WHERE status = "
	    "'published' AND accepted IS NOT NULL ORDER BY id DESC "
	    "LIMIT 50")) == NULL)
		return (arr);
	while (db_step(st) == STORE_ROW)
		json_array_append_new(*solved, json_pack("{s:I, s:s}",
		    "id", (json_int_t)db_col_int64(st, 0),
		    "title", db_col_text(st, 1)));
	db_finalize(st);
	return (arr);
}

json_t *
cm_log_recent(struct store *db, int limit)
{
	struct db_stmt	*st;
	json_t		*arr;

	arr = json_array();
	if ((st = prep(db, "SELECT staff, action, kind, post_id, ts FROM "
	    "community_log ORDER BY id DESC LIMIT ?")) == NULL)
		return (arr);
	db_bind_int64(st, 1, limit);
	while (db_step(st) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, "
		    "s:I}", "staff", db_col_text(st, 0),
		    "action", db_col_text(st, 1),
		    "kind", db_col_text(st, 2),
		    "id", (json_int_t)db_col_int64(st, 3),
		    "at", (json_int_t)db_col_int64(st, 4)));
	db_finalize(st);
	return (arr);
}

long long
cm_posts_by(struct store *db, const char *visitor)
{
	struct db_stmt	*st;
	long long	 n = 0;

	if ((st = prep(db, "SELECT (SELECT count(*) FROM threads WHERE "
	    "visitor = ?1) + (SELECT count(*) FROM answers WHERE "
	    "visitor = ?1)")) == NULL)
		return (0);
	db_bind_text(st, 1, visitor);
	if (db_step(st) == STORE_ROW)
		n = db_col_int64(st, 0);
	db_finalize(st);
	return (n);
}

int
cm_duplicate(struct store *db, const char *hash, const char *visitor,
    long long since)
{
	struct db_stmt	*st;
	int		 found = 0;

	if ((st = prep(db, "SELECT EXISTS (SELECT 1 FROM threads WHERE "
	    "body_hash = ?1 AND status != 'deleted' AND (visitor = ?2 OR "
	    "created >= ?3)) OR EXISTS (SELECT 1 FROM answers WHERE "
	    "body_hash = ?1 AND status != 'deleted' AND (visitor = ?2 OR "
	    "created >= ?3))")) == NULL)
		return (0);
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, visitor);
	db_bind_int64(st, 3, since);
	if (db_step(st) == STORE_ROW)
		found = db_col_int64(st, 0);
	db_finalize(st);
	return (found);
}
