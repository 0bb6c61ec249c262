/* events.c: the funnel's event table, the in-memory buffer that keeps disk writes out of GET requests, and a visitor's context. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event_ring.h"
#include "events.h"
#include "store/db.h"
#include "util/strbuf.h"

const struct migration	event_migrations[] = {
	{ "events-1", "CREATE TABLE events("
	    "id INTEGER PRIMARY KEY,"
	    "ts INTEGER NOT NULL,"
	    "visitor TEXT NOT NULL,"
	    "type TEXT NOT NULL,"
	    "search_id TEXT, query TEXT, norm_query TEXT, result_count INTEGER,"
	    "position INTEGER, target TEXT, slug TEXT, lang TEXT,"
	    "helpful INTEGER, reason TEXT, ticket_ref TEXT, thread_id INTEGER);"
	    "CREATE INDEX events_ts ON events(ts);"
	    "CREATE INDEX events_type_ts ON events(type, ts);"
	    "CREATE INDEX events_visitor_ts ON events(visitor, ts);" },
	/* votes.c: the visitor's current vote on an article (events keep all). */
	{ "events-2", "CREATE TABLE votes("
	    "visitor TEXT NOT NULL, slug TEXT NOT NULL,"
	    "helpful INTEGER NOT NULL, reason TEXT, comment TEXT,"
	    "ts INTEGER NOT NULL, PRIMARY KEY(visitor, slug));"
	    "CREATE INDEX votes_ts ON votes(ts);" },
	/*
	 * retention.c: raw events past RETENTION_DAYS become daily counts:
	 * per day, type, article, normalised query and zero-result flag.
	 */
	{ "events-3", "CREATE TABLE event_daily("
	    "day TEXT NOT NULL, type TEXT NOT NULL,"
	    "slug TEXT NOT NULL DEFAULT '', query TEXT NOT NULL DEFAULT '',"
	    "zero INTEGER NOT NULL DEFAULT 0, n INTEGER NOT NULL,"
	    "PRIMARY KEY(day, type, slug, query, zero));" },
	{ NULL, NULL }
};

/* A buffered event owns copies of its strings. */
struct owned_event {
	struct event	 ev;
	char		*strings[10];
};

static struct owned_event	*buffer;
static size_t			 buffered, capacity;
static unsigned long		 dropped;

static const char *
keep(struct owned_event *o, int i, const char *s)
{
	o->strings[i] = s ? xstrdup(s) : NULL;
	return (o->strings[i]);
}

void
events_record(const struct event *ev)
{
	struct owned_event	*o;

	/* In a worker: to the event writer (event_ring.c). */
	if (event_ring_push(ev) != -1)
		return;
	if (buffered == EVENTS_BUFFER_MAX) {
		dropped++;
		return;
	}
	if (buffered == capacity) {
		capacity = capacity ? capacity * 2 : 256;
		buffer = xrealloc(buffer, capacity * sizeof(*buffer));
	}
	o = &buffer[buffered++];
	o->ev = *ev;
	if (o->ev.ts == 0)
		o->ev.ts = (long long)time(NULL);
	o->ev.type = keep(o, 0, ev->type);
	o->ev.visitor = keep(o, 1, ev->visitor);
	o->ev.search_id = keep(o, 2, ev->search_id);
	o->ev.query = keep(o, 3, ev->query);
	o->ev.norm_query = keep(o, 4, ev->norm_query);
	o->ev.target = keep(o, 5, ev->target);
	o->ev.slug = keep(o, 6, ev->slug);
	o->ev.lang = keep(o, 7, ev->lang);
	o->ev.reason = keep(o, 8, ev->reason);
	o->ev.ticket_ref = keep(o, 9, ev->ticket_ref);
}

static void
bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

static void
bind_int(sqlite3_stmt *st, int col, long long v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

static int
insert(sqlite3_stmt *st, const struct event *ev)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ev->ts ? ev->ts : (long long)time(NULL));
	bind_text(st, 2, ev->visitor ? ev->visitor : "");
	bind_text(st, 3, ev->type);
	bind_text(st, 4, ev->search_id);
	bind_text(st, 5, ev->query);
	bind_text(st, 6, ev->norm_query);
	bind_int(st, 7, ev->result_count);
	bind_int(st, 8, ev->position);
	bind_text(st, 9, ev->target);
	bind_text(st, 10, ev->slug);
	bind_text(st, 11, ev->lang);
	bind_int(st, 12, ev->helpful);
	bind_text(st, 13, ev->reason);
	bind_text(st, 14, ev->ticket_ref);
	bind_int(st, 15, ev->thread_id);
	return (sqlite3_step(st) == SQLITE_DONE ? 0 : -1);
}

static const char	insert_sql[] = "INSERT INTO events(ts, visitor, type, "
    "search_id, query, norm_query, result_count, position, target, slug, "
    "lang, helpful, reason, ticket_ref, thread_id) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int
events_write(sqlite3 *db, const struct event *ev)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, insert_sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	rc = insert(st, ev);
	sqlite3_finalize(st);
	return (rc);
}

void
events_discard(void)
{
	size_t	i;
	int	j;

	for (i = 0; i < buffered; i++)
		for (j = 0; j < 10; j++)
			free(buffer[i].strings[j]);
	buffered = 0;
}

static int
insert_each(const struct event *ev, void *st)
{
	return (insert(st, ev));
}

/* Reads this process's buffer as event_ring_read reads the rings. */
static int
read_buffered(int (*each)(const struct event *, void *), void *arg)
{
	size_t	i;

	for (i = 0; i < buffered; i++)
		if (each(&buffer[i].ev, arg) == -1)
			return (-1);
	return ((int)buffered);
}

/*
 * Runs read (the buffer or the rings) into the events table in one
 * transaction. Page views may be lost in a crash anyway, so the commit
 * does not wait for the disk: with WAL, synchronous=NORMAL skips the
 * fsync, and the next durable commit (a vote, a ticket) or checkpoint
 * syncs these frames too. Returns the number written or -1.
 */
static int
write_batch(sqlite3 *db, int (*read)(int (*)(const struct event *,
    void *), void *))
{
	sqlite3_stmt	*st;
	int		 n;

	if (sqlite3_prepare_v2(db, insert_sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	(void)sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	n = -1;
	if (db_begin(db) == 0) {
		if ((n = read(insert_each, st)) == -1)
			db_rollback(db);
		else if (db_commit(db) == -1)
			n = -1;
	}
	sqlite3_finalize(st);
	(void)sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	return (n);
}

int
events_flush(sqlite3 *db)
{
	int	n;

	if (db == NULL)
		return (-1);
	/* A worker's events are the writer's: wait until they are in. */
	if (event_ring_wait(EVENTS_WAIT_MS) == 0 || buffered == 0)
		return (0);
	if ((n = write_batch(db, read_buffered)) != -1)
		events_discard();
	return (n);
}

int
events_write_rings(sqlite3 *db)
{
	int	n;

	if ((n = write_batch(db, event_ring_read)) == -1)
		event_ring_unread();
	else
		event_ring_release();
	return (n);
}

unsigned long
events_dropped(void)
{
	return (dropped + event_ring_dropped());
}

/* Appends the rows of sql (visitor, since bound as 1, 2) to arr as objects named by cols. */
static int
context_rows(sqlite3 *db, const char *sql, const char *visitor,
    long long since, json_t *arr, const char *const *cols)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, visitor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	rc = db_rows_json(st, cols, arr);
	sqlite3_finalize(st);
	return (rc);
}

json_t *
events_visitor_context(sqlite3 *db, const char *visitor, long long seconds)
{
	static const char *const search_cols[] = { "query", "results", "at",
				    NULL };
	static const char *const article_cols[] = { "slug", "lang", "at",
				    NULL };
	static const char *const vote_cols[] = { "slug", "helpful", "reason",
				    "at", NULL };
	static const char *const thread_cols[] = { "id", "at", NULL };
	json_t			*ctx;
	long long		 since;
	int			 rc;

	(void)events_flush(db);
	since = (long long)time(NULL) - seconds;
	ctx = json_object();
	json_object_set_new(ctx, "searches", json_array());
	json_object_set_new(ctx, "articles", json_array());
	json_object_set_new(ctx, "votes", json_array());
	json_object_set_new(ctx, "threads", json_array());
	rc = context_rows(db, "SELECT query, result_count, ts FROM events "
	    "WHERE visitor = ? AND ts >= ? AND type = 'search' "
	    "ORDER BY ts DESC, id DESC LIMIT 20", visitor, since,
	    json_object_get(ctx, "searches"), search_cols);
	rc |= context_rows(db, "SELECT slug, lang, MAX(ts) AS t FROM events "
	    "WHERE visitor = ? AND ts >= ? AND type = 'article_view' "
	    "GROUP BY slug ORDER BY t DESC LIMIT 20", visitor, since,
	    json_object_get(ctx, "articles"), article_cols);
	rc |= context_rows(db, "SELECT slug, helpful, reason, ts FROM events "
	    "WHERE visitor = ? AND ts >= ? AND type = 'vote' "
	    "ORDER BY ts DESC, id DESC LIMIT 20", visitor, since,
	    json_object_get(ctx, "votes"), vote_cols);
	rc |= context_rows(db, "SELECT thread_id, MAX(ts) AS t FROM events "
	    "WHERE visitor = ? AND ts >= ? AND type = 'thread_view' "
	    "GROUP BY thread_id ORDER BY t DESC LIMIT 20", visitor, since,
	    json_object_get(ctx, "threads"), thread_cols);
	if (rc != 0) {
		json_decref(ctx);
		return (NULL);
	}
	return (ctx);
}
