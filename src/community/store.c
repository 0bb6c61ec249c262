/* store.c: every SQL statement of the community domain: threads, answers, votes, reports, moderation, outbox rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community.h"
#include "store/db.h"
#include "util/strbuf.h"

static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "community: %s: %s\n", sqlite3_errmsg(db), sql);
		return (NULL);
	}
	return (st);
}

static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char	*s;

	if ((s = sqlite3_column_text(st, i)) == NULL)
		return (NULL);
	return (xstrdup((const char *)s));
}

static void
bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Runs a statement with int64 parameters only; 0 or -1. */
static int
exec_ll(sqlite3 *db, const char *sql, long long a, long long b)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(db, sql)) == NULL)
		return (-1);
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

static int
outbox(sqlite3 *db, long long thread_id)
{
	return (exec_ll(db, "INSERT INTO search_outbox(thread_id) VALUES (?)",
	    thread_id, 0));
}

/* Published answers and activity of a thread, after a change. */
static int
recount(sqlite3 *db, long long thread_id)
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
cm_name_get(sqlite3 *db, const char *visitor)
{
	sqlite3_stmt	*st;
	char		*name = NULL;

	if ((st = prep(db, "SELECT name FROM community_names WHERE "
	    "visitor = ?")) == NULL)
		return (NULL);
	bind_str(st, 1, visitor);
	if (sqlite3_step(st) == SQLITE_ROW)
		name = col_str(st, 0);
	sqlite3_finalize(st);
	return (name);
}

/*
 * Names stored before community-2 have no key yet: keyed here, once, in
 * the writer's transaction. A legacy name the rules now refuse gets an
 * empty key, which matches nothing.
 */
static int
names_backfill(sqlite3 *db)
{
	sqlite3_stmt	*sel, *upd;
	char		*key;
	int		 rc;

	if ((sel = prep(db, "SELECT visitor, name FROM community_names "
	    "WHERE name_key IS NULL")) == NULL)
		return (-1);
	if ((upd = prep(db, "UPDATE community_names SET name_key = ? WHERE "
	    "visitor = ?")) == NULL) {
		sqlite3_finalize(sel);
		return (-1);
	}
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		if (cm_name_check((const char *)sqlite3_column_text(sel, 1),
		    &key) != CM_NAME_OK)
			key = NULL;
		sqlite3_bind_text(upd, 1, key ? key : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upd, 2, (const char *)sqlite3_column_text(sel,
		    0), -1, SQLITE_TRANSIENT);
		free(key);
		if (sqlite3_step(upd) != SQLITE_DONE)
			break;
		sqlite3_reset(upd);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
cm_name_taken(sqlite3 *db, const char *key, const char *visitor)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (names_backfill(db) != 0 || (st = prep(db, "SELECT EXISTS (SELECT "
	    "1 FROM community_names WHERE name_key = ? AND visitor <> ?)")) ==
	    NULL)
		return (-1);
	bind_str(st, 1, key);
	bind_str(st, 2, visitor);
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return (rc);
}

/* 0 kept (or already chosen), 1 when another visitor holds the name, -1. */
static int
name_keep(sqlite3 *db, const struct cm_new *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	/* Checked again here: two first posts may race for one name. */
	if (n->name_key != NULL &&
	    (rc = cm_name_taken(db, n->name_key, n->visitor)) != 0)
		return (rc);
	if ((st = prep(db, "INSERT OR IGNORE INTO community_names(visitor, "
	    "name, created, name_key) VALUES (?, ?, ?, ?)")) == NULL)
		return (-1);
	bind_str(st, 1, n->visitor);
	bind_str(st, 2, n->author);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	bind_str(st, 4, n->name_key);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

enum cm_write
cm_thread_create(sqlite3 *db, const struct cm_new *n, long long *id)
{
	sqlite3_stmt	*st = NULL;
	long long	 now = (long long)time(NULL);
	int		 kept;

	if (db_begin(db) != 0)
		return (CM_WRITE_FAILED);
	if ((kept = name_keep(db, n)) == 1) {
		db_rollback(db);
		return (CM_WRITE_NAME_TAKEN);
	}
	if (kept != 0 || (st = prep(db, "INSERT INTO threads(visitor, author, title, "
	    "body_md, body_html, body_plain, category, tags, lang, status, "
	    "queue_reason, body_hash, created, updated, activity) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) == NULL)
		goto fail;
	bind_str(st, 1, n->visitor);
	bind_str(st, 2, n->author);
	bind_str(st, 3, n->title);
	bind_str(st, 4, n->body_md);
	bind_str(st, 5, n->body_html);
	bind_str(st, 6, n->body_plain);
	bind_str(st, 7, n->category ? n->category : "");
	bind_str(st, 8, n->tags ? n->tags : "");
	bind_str(st, 9, n->lang);
	bind_str(st, 10, n->status);
	bind_str(st, 11, n->queue_reason);
	bind_str(st, 12, n->body_hash);
	sqlite3_bind_int64(st, 13, now);
	sqlite3_bind_int64(st, 14, now);
	sqlite3_bind_int64(st, 15, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	*id = sqlite3_last_insert_rowid(db);
	if (outbox(db, *id) != 0)
		goto fail;
	sqlite3_finalize(st);
	return (db_commit(db));
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return (-1);
}

enum cm_write
cm_answer_create(sqlite3 *db, long long thread_id, const struct cm_new *n,
    long long *id)
{
	sqlite3_stmt	*st = NULL;
	long long	 now = (long long)time(NULL);
	int		 kept;

	if (db_begin(db) != 0)
		return (CM_WRITE_FAILED);
	if ((kept = name_keep(db, n)) == 1) {
		db_rollback(db);
		return (CM_WRITE_NAME_TAKEN);
	}
	if (kept != 0 || (st = prep(db, "INSERT INTO answers(thread_id, visitor, author, "
	    "body_md, body_html, body_plain, status, queue_reason, body_hash, "
	    "created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, thread_id);
	bind_str(st, 2, n->visitor);
	bind_str(st, 3, n->author);
	bind_str(st, 4, n->body_md);
	bind_str(st, 5, n->body_html);
	bind_str(st, 6, n->body_plain);
	bind_str(st, 7, n->status);
	bind_str(st, 8, n->queue_reason);
	bind_str(st, 9, n->body_hash);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	*id = sqlite3_last_insert_rowid(db);
	if (recount(db, thread_id) != 0 ||
	    exec_ll(db, "UPDATE threads SET activity = ? WHERE id = ?", now,
	    thread_id) != 0 || outbox(db, thread_id) != 0)
		goto fail;
	sqlite3_finalize(st);
	return (db_commit(db));
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return (-1);
}

#define THREAD_COLS	"id, visitor, author, title, body_md, body_html, " \
			"body_plain, category, tags, lang, status, " \
			"queue_reason, duplicate_of, locked, pinned, " \
			"coalesce(accepted, 0), score, answers, created, " \
			"updated, reports"

static void
thread_row(sqlite3_stmt *st, struct cm_thread *t)
{
	t->id = sqlite3_column_int64(st, 0);
	t->visitor = col_str(st, 1);
	t->author = col_str(st, 2);
	t->title = col_str(st, 3);
	t->body_md = col_str(st, 4);
	t->body_html = col_str(st, 5);
	t->body_plain = col_str(st, 6);
	t->category = col_str(st, 7);
	t->tags = col_str(st, 8);
	t->lang = col_str(st, 9);
	t->status = col_str(st, 10);
	t->queue_reason = col_str(st, 11);
	t->duplicate_of = col_str(st, 12);
	t->locked = sqlite3_column_int(st, 13);
	t->pinned = sqlite3_column_int(st, 14);
	t->accepted = sqlite3_column_int64(st, 15);
	t->score = sqlite3_column_int64(st, 16);
	t->answers = sqlite3_column_int64(st, 17);
	t->created = sqlite3_column_int64(st, 18);
	t->updated = sqlite3_column_int64(st, 19);
	t->reports = sqlite3_column_int64(st, 20);
}

int
cm_thread_get(sqlite3 *db, long long id, struct cm_thread *t)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((st = prep(db, "SELECT " THREAD_COLS " FROM threads WHERE "
	    "id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		thread_row(st, t);
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1);
}

int
cm_thread_brief(sqlite3 *db, long long id, struct cm_thread *t)
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
answer_row(sqlite3_stmt *st, struct cm_answer *a)
{
	a->id = sqlite3_column_int64(st, 0);
	a->thread_id = sqlite3_column_int64(st, 1);
	a->visitor = col_str(st, 2);
	a->author = col_str(st, 3);
	a->body_md = col_str(st, 4);
	a->body_html = col_str(st, 5);
	a->body_plain = col_str(st, 6);
	a->status = col_str(st, 7);
	a->queue_reason = col_str(st, 8);
	a->score = sqlite3_column_int64(st, 9);
	a->created = sqlite3_column_int64(st, 10);
	a->updated = sqlite3_column_int64(st, 11);
	a->reports = sqlite3_column_int64(st, 12);
}

int
cm_answer_get(sqlite3 *db, long long id, struct cm_answer *a)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(a, 0, sizeof(*a));
	if ((st = prep(db, "SELECT " ANSWER_COLS " FROM answers WHERE "
	    "id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		answer_row(st, a);
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1);
}

int
cm_answers_of(sqlite3 *db, long long thread_id, int all_states,
    struct cm_answer **out, size_t *n)
{
	sqlite3_stmt	*st;
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
	sqlite3_bind_int64(st, 1, thread_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		answer_row(st, &(*out)[*n]);
		(*n)++;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
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
cm_thread_list(sqlite3 *db, const char *sort, const char *category,
    const char *tag, long long page, long long per_page, long long *total)
{
	sqlite3_stmt	*st;
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
		sb_puts(&where, " AND instr(tags, ' ' || ?2 || ' ') > 0");
	if (!strcmp(sort, "unanswered"))
		sb_puts(&where, " AND answers = 0");
	else if (!strcmp(sort, "solved"))
		sb_puts(&where, " AND accepted IS NOT NULL");
	sb_init(&sql);
	sb_printf(&sql, "SELECT count(*) FROM threads%s", where.data);
	arr = NULL;
	if ((st = prep(db, sql.data)) == NULL)
		goto done;
	bind_str(st, 1, category);
	bind_str(st, 2, tag);
	*total = sqlite3_step(st) == SQLITE_ROW ?
	    sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	sb_reset(&sql);
	sb_printf(&sql, "SELECT id, title, author, category, tags, lang, "
	    "score, answers, accepted IS NOT NULL, locked, pinned, created, "
	    "activity FROM threads%s ORDER BY pinned DESC, %s LIMIT ?3 "
	    "OFFSET ?4", where.data, !strcmp(sort, "top") ?
	    "score DESC, id DESC" : "id DESC");
	if ((st = prep(db, sql.data)) == NULL)
		goto done;
	bind_str(st, 1, category);
	bind_str(st, 2, tag);
	sqlite3_bind_int64(st, 3, per_page);
	sqlite3_bind_int64(st, 4, (page - 1) * per_page);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    (long long)sqlite3_column_int64(st, 0));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:o, s:s, s:I, s:I, s:b, s:b, s:b, s:I, s:I, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "title", sqlite3_column_text(st, 1),
		    "author", sqlite3_column_text(st, 2),
		    "category", sqlite3_column_text(st, 3),
		    "tags", tags_json((const char *)sqlite3_column_text(st, 4)),
		    "lang", sqlite3_column_text(st, 5),
		    "score", (json_int_t)sqlite3_column_int64(st, 6),
		    "answers", (json_int_t)sqlite3_column_int64(st, 7),
		    "solved", sqlite3_column_int(st, 8),
		    "locked", sqlite3_column_int(st, 9),
		    "pinned", sqlite3_column_int(st, 10),
		    "created", (json_int_t)sqlite3_column_int64(st, 11),
		    "updated", (json_int_t)sqlite3_column_int64(st, 12),
		    "url", url));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		arr = NULL;
	}
done:
	sb_free(&where);
	sb_free(&sql);
	return (arr);
}

json_t *
cm_recent(sqlite3 *db, int limit)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	char		 url[64];

	arr = json_array();
	if ((st = prep(db, "SELECT id, title, answers, accepted IS NOT NULL "
	    "FROM threads WHERE status = 'published' ORDER BY pinned DESC, "
	    "id DESC LIMIT ?")) == NULL)
		return (arr);
	sqlite3_bind_int(st, 1, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    (long long)sqlite3_column_int64(st, 0));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, "
		    "s:b}", "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "title", sqlite3_column_text(st, 1), "url", url,
		    "answers", (json_int_t)sqlite3_column_int64(st, 2),
		    "solved", sqlite3_column_int(st, 3)));
	}
	sqlite3_finalize(st);
	return (arr);
}

enum cm_vote_status
cm_vote(sqlite3 *db, char kind, long long id, const char *visitor,
    const char *client, int value, long long *score)
{
	sqlite3_stmt	*st = NULL;
	char		 k[2] = { kind, '\0' };
	long long	 thread_id;
	int		 taken;

	if (db_begin(db) != 0)
		return (CM_VOTE_FAILED);
	/* A fresh cookie is a new visitor, not a new person: count the address. */
	if (value != 0) {
		if ((st = prep(db, "SELECT EXISTS (SELECT 1 FROM "
		    "community_votes WHERE kind = ? AND post_id = ? AND "
		    "client = ? AND visitor <> ?)")) == NULL)
			goto fail;
		bind_str(st, 1, k);
		sqlite3_bind_int64(st, 2, id);
		bind_str(st, 3, client);
		bind_str(st, 4, visitor);
		if (sqlite3_step(st) != SQLITE_ROW)
			goto fail;
		taken = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		st = NULL;
		if (taken) {
			db_rollback(db);
			return (CM_VOTE_CLIENT_TAKEN);
		}
	}
	if (value == 0)
		st = prep(db, "DELETE FROM community_votes WHERE kind = ?1 AND "
		    "post_id = ?2 AND visitor = ?3");
	else
		st = prep(db, "INSERT INTO community_votes(kind, post_id, "
		    "visitor, value, ts, client) VALUES (?1, ?2, ?3, ?4, ?5, "
		    "?6) ON CONFLICT(kind, post_id, visitor) DO UPDATE SET "
		    "value = ?4, ts = ?5, client = ?6");
	if (st == NULL)
		goto fail;
	bind_str(st, 1, k);
	sqlite3_bind_int64(st, 2, id);
	bind_str(st, 3, visitor);
	if (value != 0) {
		sqlite3_bind_int(st, 4, value);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
		bind_str(st, 6, client);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (exec_ll(db, kind == 't' ?
	    "UPDATE threads SET score = (SELECT coalesce(sum(value), 0) FROM "
	    "community_votes WHERE kind = 't' AND post_id = ?1) WHERE id = ?1" :
	    "UPDATE answers SET score = (SELECT coalesce(sum(value), 0) FROM "
	    "community_votes WHERE kind = 'a' AND post_id = ?1) WHERE id = ?1",
	    id, 0) != 0)
		goto fail;
	if ((st = prep(db, kind == 't' ?
	    "SELECT score, id FROM threads WHERE id = ?" :
	    "SELECT score, thread_id FROM answers WHERE id = ?")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	*score = sqlite3_column_int64(st, 0);
	thread_id = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	(void)thread_id;	/* scores do not change the search document */
	return (db_commit(db) == 0 ? CM_VOTE_OK : CM_VOTE_FAILED);
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return (CM_VOTE_FAILED);
}

json_t *
cm_votes_of(sqlite3 *db, long long thread_id, const char *visitor)
{
	sqlite3_stmt	*st;
	json_t		*o;
	char		 key[32];

	o = json_object();
	if ((st = prep(db, "SELECT kind, post_id, value FROM community_votes "
	    "WHERE visitor = ?2 AND ((kind = 't' AND post_id = ?1) OR "
	    "(kind = 'a' AND post_id IN (SELECT id FROM answers WHERE "
	    "thread_id = ?1)))")) == NULL)
		return (o);
	sqlite3_bind_int64(st, 1, thread_id);
	bind_str(st, 2, visitor);
	while (sqlite3_step(st) == SQLITE_ROW) {
		(void)snprintf(key, sizeof(key), "%s%lld",
		    sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
		json_object_set_new(o, key, json_integer(
		    sqlite3_column_int(st, 2)));
	}
	sqlite3_finalize(st);
	return (o);
}

/* Runs one change of a thread and queues it for the index. */
static int
thread_change(sqlite3 *db, long long thread_id, sqlite3_stmt *st)
{
	int	rc;

	rc = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) > 0 ?
	    0 : -1;
	sqlite3_finalize(st);
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
cm_accept(sqlite3 *db, long long thread_id, long long answer_id)
{
	sqlite3_stmt	*st;

	if (db_begin(db) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE threads SET accepted = nullif(?2, 0), "
	    "updated = ?3 WHERE id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, thread_id);
	sqlite3_bind_int64(st, 2, answer_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	return (thread_change(db, thread_id, st));
}

int
cm_thread_edit(sqlite3 *db, long long id, const char *title, const char *md,
    const char *html, const char *plain)
{
	sqlite3_stmt	*st;

	if (db_begin(db) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE threads SET title = ?2, body_md = ?3, "
	    "body_html = ?4, body_plain = ?5, updated = ?6 WHERE id = ?1")) ==
	    NULL) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, id);
	bind_str(st, 2, title);
	bind_str(st, 3, md);
	bind_str(st, 4, html);
	bind_str(st, 5, plain);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
	return (thread_change(db, id, st));
}

/* The thread an answer belongs to, or 0. */
static long long
thread_of(sqlite3 *db, long long answer_id)
{
	sqlite3_stmt	*st;
	long long	 t = 0;

	if ((st = prep(db, "SELECT thread_id FROM answers WHERE id = ?")) ==
	    NULL)
		return (0);
	sqlite3_bind_int64(st, 1, answer_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (t);
}

int
cm_answer_edit(sqlite3 *db, long long id, const char *md, const char *html,
    const char *plain)
{
	sqlite3_stmt	*st;

	if (db_begin(db) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE answers SET body_md = ?2, body_html = ?3, "
	    "body_plain = ?4, updated = ?5 WHERE id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, id);
	bind_str(st, 2, md);
	bind_str(st, 3, html);
	bind_str(st, 4, plain);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
	return (thread_change(db, thread_of(db, id), st));
}

/* The moderation log's row of an action, inside the caller's transaction. */
static int
log_action(sqlite3 *db, const struct cm_audit *by, char kind, long long id)
{
	sqlite3_stmt	*st;
	char		 k[2] = { kind, '\0' };
	int		 rc;

	if ((st = prep(db, "INSERT INTO community_log(staff, action, kind, "
	    "post_id, ts) VALUES (?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	bind_str(st, 1, by->staff);
	bind_str(st, 2, by->action);
	bind_str(st, 3, k);
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return (rc);
}

/* db_begin, and the log's row of the action. */
static int
begin_action(sqlite3 *db, const struct cm_audit *by, char kind, long long id)
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
cm_set_status(sqlite3 *db, char kind, long long id, const char *status,
    const struct cm_audit *by)
{
	sqlite3_stmt	*st;
	long long	 thread_id;
	char		 k[2] = { kind, '\0' };

	if (begin_action(db, by, kind, id) != 0)
		return (-1);
	thread_id = kind == 't' ? id : thread_of(db, id);
	if ((st = prep(db, "DELETE FROM community_reports WHERE kind = ? AND "
	    "post_id = ?")) == NULL)
		goto fail;
	bind_str(st, 1, k);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if ((st = prep(db, kind == 't' ?
	    "UPDATE threads SET status = ?2, reports = 0, queue_reason = NULL "
	    "WHERE id = ?1" :
	    "UPDATE answers SET status = ?2, reports = 0, queue_reason = NULL "
	    "WHERE id = ?1")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	bind_str(st, 2, status);
	return (thread_change(db, thread_id, st));
fail:
	db_rollback(db);
	return (-1);
}

int
cm_thread_flag(sqlite3 *db, long long id, const char *flag, int on,
    const struct cm_audit *by)
{
	sqlite3_stmt	*st;

	if (begin_action(db, by, 't', id) != 0)
		return (-1);
	if ((st = prep(db, !strcmp(flag, "locked") ?
	    "UPDATE threads SET locked = ?2 WHERE id = ?1" :
	    "UPDATE threads SET pinned = ?2 WHERE id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, on ? 1 : 0);
	return (thread_change(db, id, st));
}

int
cm_thread_duplicate(sqlite3 *db, long long id, const char *target,
    const struct cm_audit *by)
{
	sqlite3_stmt	*st;

	if (begin_action(db, by, 't', id) != 0)
		return (-1);
	if ((st = prep(db, "UPDATE threads SET duplicate_of = ?2 WHERE "
	    "id = ?1")) == NULL) {
		db_rollback(db);
		return (-1);
	}
	sqlite3_bind_int64(st, 1, id);
	bind_str(st, 2, target);
	return (thread_change(db, id, st));
}

enum cm_report_result
cm_report(sqlite3 *db, char kind, long long id, const char *visitor)
{
	sqlite3_stmt	*st = NULL;
	char		 k[2] = { kind, '\0' };
	int		 fresh;

	if (db_begin(db) != 0)
		return (CM_REPORT_FAILED);
	if ((st = prep(db, "INSERT OR IGNORE INTO community_reports(kind, "
	    "post_id, visitor, ts) VALUES (?, ?, ?, ?)")) == NULL)
		goto fail;
	bind_str(st, 1, k);
	sqlite3_bind_int64(st, 2, id);
	bind_str(st, 3, visitor);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	fresh = sqlite3_changes(db) > 0;
	sqlite3_finalize(st);
	st = NULL;
	if (fresh && exec_ll(db, kind == 't' ?
	    "UPDATE threads SET reports = reports + 1 WHERE id = ?" :
	    "UPDATE answers SET reports = reports + 1 WHERE id = ?", id, 0) != 0)
		goto fail;
	if (db_commit(db) != 0)
		return (CM_REPORT_FAILED);
	return (fresh ? CM_REPORTED : CM_REPORTED_BEFORE);
fail:
	sqlite3_finalize(st);
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
cm_queue(sqlite3 *db, json_t **solved)
{
	sqlite3_stmt	*st;
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
	while (sqlite3_step(st) == SQLITE_ROW) {
		ex = excerpt((const char *)sqlite3_column_text(st, 4));
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:s, "
		    "s:s, s:s, s:s, s:s, s:I, s:I, s:b}",
		    "kind", sqlite3_column_text(st, 0),
		    "id", (json_int_t)sqlite3_column_int64(st, 1),
		    "thread_id", (json_int_t)sqlite3_column_int64(st, 2),
		    "title", sqlite3_column_text(st, 3), "excerpt", ex,
		    "author", sqlite3_column_text(st, 5),
		    "status", sqlite3_column_text(st, 6),
		    "reason", sqlite3_column_text(st, 7),
		    "reports", (json_int_t)sqlite3_column_int64(st, 8),
		    "created", (json_int_t)sqlite3_column_int64(st, 9),
		    "is_thread", !strcmp((const char *)
		    sqlite3_column_text(st, 0), "thread")));
		free(ex);
	}
	sqlite3_finalize(st);
	if ((st = prep(db, "SELECT id, title FROM threads WHERE status = "
	    "'published' AND accepted IS NOT NULL ORDER BY id DESC "
	    "LIMIT 50")) == NULL)
		return (arr);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(*solved, json_pack("{s:I, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "title", sqlite3_column_text(st, 1)));
	sqlite3_finalize(st);
	return (arr);
}

json_t *
cm_log_recent(sqlite3 *db, int limit)
{
	sqlite3_stmt	*st;
	json_t		*arr;

	arr = json_array();
	if ((st = prep(db, "SELECT staff, action, kind, post_id, ts FROM "
	    "community_log ORDER BY id DESC LIMIT ?")) == NULL)
		return (arr);
	sqlite3_bind_int(st, 1, limit);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, "
		    "s:I}", "staff", sqlite3_column_text(st, 0),
		    "action", sqlite3_column_text(st, 1),
		    "kind", sqlite3_column_text(st, 2),
		    "id", (json_int_t)sqlite3_column_int64(st, 3),
		    "at", (json_int_t)sqlite3_column_int64(st, 4)));
	sqlite3_finalize(st);
	return (arr);
}

long long
cm_posts_by(sqlite3 *db, const char *visitor)
{
	sqlite3_stmt	*st;
	long long	 n = 0;

	if ((st = prep(db, "SELECT (SELECT count(*) FROM threads WHERE "
	    "visitor = ?1) + (SELECT count(*) FROM answers WHERE "
	    "visitor = ?1)")) == NULL)
		return (0);
	bind_str(st, 1, visitor);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

int
cm_duplicate(sqlite3 *db, const char *hash, const char *visitor,
    long long since)
{
	sqlite3_stmt	*st;
	int		 found = 0;

	if ((st = prep(db, "SELECT EXISTS (SELECT 1 FROM threads WHERE "
	    "body_hash = ?1 AND status != 'deleted' AND (visitor = ?2 OR "
	    "created >= ?3)) OR EXISTS (SELECT 1 FROM answers WHERE "
	    "body_hash = ?1 AND status != 'deleted' AND (visitor = ?2 OR "
	    "created >= ?3))")) == NULL)
		return (0);
	bind_str(st, 1, hash);
	bind_str(st, 2, visitor);
	sqlite3_bind_int64(st, 3, since);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return (found);
}
