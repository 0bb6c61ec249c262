/* events.c: the funnel's event table, the in-memory buffer that keeps disk writes out of GET requests, and a visitor's context. */
#include <stdio.h>
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
	/*
	 * The ring offsets each node's event writer committed, in the same
	 * transaction as the events: after a commit whose reply was lost
	 * the writer reads them back instead of writing the batch again.
	 * run is the server start (the rings restart at 0).
	 */
	{ "events-4", "CREATE TABLE event_offsets("
	    "node TEXT NOT NULL, run TEXT NOT NULL, ring INTEGER NOT NULL,"
	    "byte_offset INTEGER NOT NULL, PRIMARY KEY(node, run, ring));" },
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
/*
 * The event writer's last batch failed: it may have committed all the
 * same (a reply lost with the connection), so the committed offsets are
 * read back before the next batch.
 */
static int			 rings_unsure;
/* For the unit test: the next commit that succeeds is reported failed. */
static int			 lose_reply;

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

/* The events table's columns, in the order event_values gives them. */
static const char *const	event_cols[] = { "ts", "visitor", "type",
    "search_id", "query", "norm_query", "result_count", "position",
    "target", "slug", "lang", "helpful", "reason", "ticket_ref",
    "thread_id" };
#define EVENT_NCOLS	(int)(sizeof(event_cols) / sizeof(event_cols[0]))

/* Room for the numbers of one event as text. */
struct event_numbers {
	char	ts[24], result_count[24], position[24], helpful[24];
	char	thread_id[24];
};

/* A number as text for db_copy_row; negative means unknown: null. */
static const char *
number(char *buf, size_t len, long long v)
{
	if (v < 0)
		return (NULL);
	(void)snprintf(buf, len, "%lld", v);
	return (buf);
}

/* The row of ev as text, one value per event_cols entry. */
static void
event_values(const struct event *ev, struct event_numbers *n,
    const char *v[EVENT_NCOLS])
{
	v[0] = number(n->ts, sizeof(n->ts), ev->ts ? ev->ts :
	    (long long)time(NULL));
	v[1] = ev->visitor ? ev->visitor : "";
	v[2] = ev->type;
	v[3] = ev->search_id;
	v[4] = ev->query;
	v[5] = ev->norm_query;
	v[6] = number(n->result_count, sizeof(n->result_count),
	    ev->result_count);
	v[7] = number(n->position, sizeof(n->position), ev->position);
	v[8] = ev->target;
	v[9] = ev->slug;
	v[10] = ev->lang;
	v[11] = number(n->helpful, sizeof(n->helpful), ev->helpful);
	v[12] = ev->reason;
	v[13] = ev->ticket_ref;
	v[14] = number(n->thread_id, sizeof(n->thread_id), ev->thread_id);
}

/* One row into the bulk write db_copy_begin opened on db. */
static int
copy_event(const struct event *ev, void *db)
{
	struct event_numbers	 n;
	const char		*v[EVENT_NCOLS];

	event_values(ev, &n, v);
	return (db_copy_row(db, v));
}

int
events_write(struct store *db, const struct event *ev)
{
	int	rc;

	/* Inside the caller's transaction (a vote, a ticket). */
	if (db_copy_begin(db, "events", event_cols, EVENT_NCOLS) == -1)
		return (-1);
	rc = copy_event(ev, db);
	if (db_copy_end(db) == -1)
		rc = -1;
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
 * Inside the writer's transaction: the offset of each ring the batch
 * read from, so that the batch and its offsets commit together.
 */
static int
write_offsets(struct store *db, const char *node)
{
	struct db_stmt		*st;
	unsigned long long	 to;
	unsigned int		 i;
	int			 rc = 0;

	if (db_prepare(db, "INSERT INTO event_offsets(node, run, ring, "
	    "byte_offset) VALUES (?, ?, ?, ?) ON CONFLICT (node, run, ring) "
	    "DO UPDATE SET byte_offset = excluded.byte_offset", &st) != 0)
		return (-1);
	for (i = 0; rc == 0 && i < event_ring_count(); i++) {
		if (!event_ring_read_offset(i, &to))
			continue;
		db_reset(st);
		db_bind_text(st, 1, node);
		db_bind_text(st, 2, event_ring_run());
		db_bind_int64(st, 3, (long long)i);
		db_bind_int64(st, 4, (long long)to);
		if (db_step(st) != STORE_DONE)
			rc = -1;
	}
	db_finalize(st);
	return (rc);
}

/*
 * Runs read (the buffer or the rings) into the events table in one
 * transaction, as one bulk write (COPY on PostgreSQL), with the rings'
 * offsets when node is set. Page views may be lost in a crash anyway, so
 * the commit does not wait for the disk: with WAL, synchronous=NORMAL
 * skips the fsync, and the next durable commit (a vote, a ticket) or
 * checkpoint syncs these frames too; on PostgreSQL,
 * synchronous_commit=off. Returns the number written or -1.
 */
static int
write_batch(struct store *db, int (*read)(int (*)(const struct event *,
    void *), void *), const char *node)
{
	int	n;

	db_set_durable(db, 0);
	n = -1;
	if (db_begin(db) == 0) {
		if (db_copy_begin(db, "events", event_cols, EVENT_NCOLS) ==
		    -1)
			db_rollback(db);
		else if ((n = read(copy_event, db)) == -1 ||
		    db_copy_end(db) == -1 ||
		    (node != NULL && n > 0 && write_offsets(db, node) == -1)) {
			n = -1;
			db_rollback(db);
		} else if (db_commit(db) == -1)
			n = -1;
	}
	db_set_durable(db, 1);
	return (n);
}

int
events_flush(struct store *db)
{
	int	n;

	if (db == NULL)
		return (-1);
	/* A worker's events are the writer's: wait until they are in. */
	if (event_ring_wait(EVENTS_WAIT_MS) == 0 || buffered == 0)
		return (0);
	if ((n = write_batch(db, read_buffered, NULL)) != -1)
		events_discard();
	return (n);
}

/*
 * After a batch whose outcome is unknown: moves each ring's head to the
 * offset this node and run committed, if it got that far. On
 * PostgreSQL the rows are locked first, so that a commit still under
 * way on the lost connection is waited for rather than missed.
 */
static int
rings_recover(struct store *db, const char *node)
{
	struct db_stmt	*st;
	enum store_status s;

	if (db_prepare(db, db_backend(db) == DB_PG ? "SELECT ring, "
	    "byte_offset FROM event_offsets WHERE node = ? AND run = ? "
	    "FOR UPDATE" : "SELECT ring, byte_offset FROM event_offsets "
	    "WHERE node = ? AND run = ?", &st) != 0)
		return (-1);
	db_bind_text(st, 1, node);
	db_bind_text(st, 2, event_ring_run());
	while ((s = db_step(st)) == STORE_ROW)
		if (event_ring_skip_to((unsigned int)db_col_int64(st, 0),
		    (unsigned long long)db_col_int64(st, 1)))
			fprintf(stderr, "events: ring %lld was committed up to "
			    "byte %lld although the commit was reported failed: "
			    "not written again\n", db_col_int64(st, 0),
			    db_col_int64(st, 1));
	db_finalize(st);
	return (s == STORE_DONE ? 0 : -1);
}

int
events_write_rings(struct store *db, const char *node)
{
	int	n;

	if (rings_unsure) {
		if (rings_recover(db, node) == -1)
			return (-1);
		rings_unsure = 0;
	}
	n = write_batch(db, event_ring_read, node);
	if (n != -1 && lose_reply) {
		lose_reply = 0;
		n = -1;
	}
	if (n == -1) {
		rings_unsure = 1;
		event_ring_unread();
	} else
		event_ring_release();
	return (n);
}

int
events_offsets_prune(struct store *db, const char *node)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "DELETE FROM event_offsets WHERE node = ? AND "
	    "run <> ?", &st) != 0)
		return (-1);
	db_bind_text(st, 1, node);
	db_bind_text(st, 2, event_ring_run());
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

void
events_lose_next_reply(void)
{
	lose_reply = 1;
}

unsigned long
events_dropped(void)
{
	return (dropped + event_ring_dropped());
}

/* Appends the rows of sql (visitor, since bound as 1, 2) to arr as objects named by cols. */
static int
context_rows(struct store *db, const char *sql, const char *visitor,
    long long since, json_t *arr, const char *const *cols)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, sql, &st) != 0)
		return (-1);
	db_bind_text(st, 1, visitor);
	db_bind_int64(st, 2, since);
	rc = db_rows_json(st, cols, arr);
	db_finalize(st);
	return (rc);
}

json_t *
events_visitor_context(struct store *db, const char *visitor, long long seconds)
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
	/*
	 * The language of each article's latest view: SQLite takes a bare
	 * column from the row of MAX(); PostgreSQL needs it asked for.
	 */
	rc |= context_rows(db, db_backend(db) == DB_PG ? "SELECT slug, "
	    "(array_agg(lang ORDER BY ts DESC))[1], MAX(ts) AS t FROM events "
	    "WHERE visitor = ? AND ts >= ? AND type = 'article_view' "
	    "GROUP BY slug ORDER BY t DESC LIMIT 20" : "SELECT slug, lang, "
	    "MAX(ts) AS t FROM events "
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
