/* outbox.c: threads in the search index: each node's watcher reads the search_outbox log from its own cursor, prunes what all have read, reconciles after a rebuild. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community.h"
#include "search/fold.h"
#include "search/search.h"
#include "store/db.h"
#include "util/strbuf.h"
#include "util/strmap.h"

/* Text of other answers indexed per thread (bytes): enough for search. */
#define BODY_INDEX_MAX	(200 * 1024)

/*
 * A thread's content version: changes with every edit, answer, accept or
 * state change that alters its document.
 */
#define VERSION_SQL	"t.updated || '.' || t.answers || '.' || " \
			"coalesce(t.accepted, 0) || '.' || (SELECT " \
			"coalesce(max(updated), 0) || '.' || count(*) FROM " \
			"answers WHERE thread_id = t.id)"

static int
fold_into(const char *s, char **out)
{
	*out = fold_text(s ? s : "", s ? strlen(s) : 0);
	return (*out != NULL ? 0 : -1);
}

/* Puts (published) or deletes thread id's document. 0 or -1. */
static int
index_thread(struct store *db, hc_index *ix, long long id)
{
	struct cm_thread	 t;
	struct cm_answer	*ans;
	struct hc_doc		 d;
	struct strbuf		 body, docid;
	struct db_stmt		*st;
	char			*title, *tags, *summary, *fbody, *version;
	const char		*accepted;
	size_t			 n, i;
	int			 rc, found;

	sb_init(&docid);
	sb_printf(&docid, "thread:%lld", id);
	if ((found = cm_thread_brief(db, id, &t)) != 1) {
		rc = found == 0 && hc_index_delete(ix, docid.data) ==
		    HC_SEARCH_OK ? 0 : -1;
		sb_free(&docid);
		return (rc);
	}
	if (cm_answers_of(db, id, 0, &ans, &n) != 0) {
		cm_thread_free(&t);
		sb_free(&docid);
		return (-1);
	}
	version = NULL;
	if (db_prepare(db, "SELECT " VERSION_SQL " FROM threads t "
	    "WHERE t.id = ?", &st) == 0) {
		db_bind_int64(st, 1, id);
		if (db_step(st) == STORE_ROW)
			version = xstrdup((const char *)
			    db_col_text(st, 0));
		db_finalize(st);
	}
	/* The accepted answer is the summary field, weighted above the body. */
	accepted = "";
	sb_init(&body);
	sb_puts(&body, t.body_plain);
	for (i = 0; i < n; i++) {
		if (ans[i].id == t.accepted) {
			accepted = ans[i].body_plain;
			continue;
		}
		if (body.len < BODY_INDEX_MAX) {
			sb_putc(&body, '\n');
			sb_puts(&body, ans[i].body_plain);
		}
	}
	rc = -1;
	title = tags = summary = fbody = NULL;
	if (fold_into(t.title, &title) == 0 && fold_into(t.tags, &tags) == 0 &&
	    fold_into(accepted, &summary) == 0 &&
	    fold_into(body.data, &fbody) == 0) {
		memset(&d, 0, sizeof(d));
		d.id = docid.data;
		d.type = "thread";
		d.lang = t.lang;
		d.category = t.category;
		d.title = title;
		d.tags = tags;
		d.summary = summary;
		d.body = fbody;
		d.hash = version ? version : "";
		d.updated = t.updated;
		rc = hc_index_put(ix, &d) == HC_SEARCH_OK ? 0 : -1;
	}
	free(title);
	free(tags);
	free(summary);
	free(fbody);
	free(version);
	for (i = 0; i < n; i++)
		cm_answer_free(&ans[i]);
	free(ans);
	sb_free(&body);
	sb_free(&docid);
	cm_thread_free(&t);
	return (rc);
}

static hc_index *
open_writer(const char *path)
{
	hc_index	*ix;

	if (hc_index_open(path, 1, &ix) != HC_SEARCH_OK) {
		hc_index_close(ix);
		return (NULL);
	}
	return (ix);
}

struct thread_docs {
	struct strmap	 ids;
	char		**hashes;
	size_t		 n;
};

static void
collect(const char *id, const char *hash, void *arg)
{
	struct thread_docs	*td = arg;

	if (strncmp(id, "thread:", 7) != 0)
		return;
	td->hashes = xrealloc(td->hashes, (td->n + 1) * sizeof(char *));
	td->hashes[td->n] = xstrdup(hash);
	strmap_put(&td->ids, id, td->n);
	td->n++;
}

/*
 * Brings every thread document of the open index in line with the
 * database, uncommitted: the caller commits (with a cursor, or not).
 * Returns the number changed, or -1.
 */
static int
reconcile(struct store *db, hc_index *ix, int force)
{
	struct thread_docs	 td;
	struct strmap		 live;
	struct db_stmt		*st = NULL;
	char			 id[40];
	size_t			 k, i;
	int			 rc = 0, changed = 0;

	memset(&td, 0, sizeof(td));
	strmap_init(&td.ids);
	strmap_init(&live);
	if (hc_index_each(ix, collect, &td) != HC_SEARCH_OK)
		rc = -1;
	if (rc == 0 && db_prepare(db, "SELECT t.id, " VERSION_SQL
	    " FROM threads t WHERE t.status = 'published'", &st) !=
	    0)
		rc = -1;
	while (rc == 0 && db_step(st) == STORE_ROW) {
		(void)snprintf(id, sizeof(id), "thread:%lld",
		    (long long)db_col_int64(st, 0));
		strmap_put(&live, id, 1);
		if (!force && strmap_get(&td.ids, id, &k) &&
		    !strcmp(td.hashes[k], (const char *)
		    db_col_text(st, 1)))
			continue;
		if (index_thread(db, ix, db_col_int64(st, 0)) != 0)
			rc = -1;
		changed++;
	}
	db_finalize(st);
	for (i = 0; rc == 0 && i < td.ids.cap; i++) {
		if (td.ids.keys[i] == NULL ||
		    strmap_get(&live, td.ids.keys[i], &k))
			continue;
		if (hc_index_delete(ix, td.ids.keys[i]) != HC_SEARCH_OK)
			rc = -1;
		changed++;
	}
	for (i = 0; i < td.n; i++)
		free(td.hashes[i]);
	free(td.hashes);
	strmap_free(&td.ids);
	strmap_free(&live);
	return (rc == 0 ? changed : -1);
}

int
cm_index_reconcile(struct store *db, const char *index_path, int force)
{
	hc_index	*ix;
	int		 n;

	if ((ix = open_writer(index_path)) == NULL)
		return (-1);
	/* The cursor stays: every row below it is still in the index. */
	n = reconcile(db, ix, force);
	if (n > 0 && hc_index_commit(ix) != HC_SEARCH_OK)
		n = -1;
	hc_index_close(ix);
	return (n);
}

/* ---- the outbox as a log: each node's cursor ---- */

/*
 * The index metadata key of the cursor. A rowid and a transaction id are
 * different counts: an index moved from one database kind to the other
 * has no cursor and reconciles.
 */
static const char *
cursor_key(struct store *db)
{
	return (db_backend(db) == DB_PG ? "community.outbox.xid" :
	    "community.outbox.rowid");
}

/*
 * The position below which every row of the outbox is final: no
 * transaction can still add one there. SQLite: writers take turns
 * (BEGIN IMMEDIATE) and ids only grow (AUTOINCREMENT), so a row not yet
 * committed gets an id above every one given before: the next id (pruned
 * rows included, hence sqlite_sequence rather than max(id)). PostgreSQL:
 * ids are taken before commit and commits land in any order, so rows are
 * placed by their transaction's id, and every transaction below the
 * oldest one still running (the snapshot's xmin) has ended.
 */
static int
outbox_horizon(struct store *db, long long *h)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, db_backend(db) == DB_PG ?
	    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint" :
	    "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE "
	    "name = 'search_outbox'), 0) + 1", &st) != 0)
		return (-1);
	rc = -1;
	if (db_step(st) == STORE_ROW) {
		*h = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return (rc);
}

/* Rows below *below were pruned; 0 or -1. */
static int
outbox_pruned(struct store *db, long long *below)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "SELECT max(below) FROM search_pruned", &st) != 0)
		return (-1);
	rc = -1;
	if (db_step(st) == STORE_ROW) {
		*below = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return (rc);
}

/*
 * Records the node's cursor and that it is alive: rows from cursor on are
 * kept for it. 0 or -1 (then an older, lower cursor stays: safe).
 */
static int
record_cursor(struct store *db, const char *node, long long cursor,
    long long now)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(db, "INSERT INTO search_cursors(node, cursor, seen) "
	    "VALUES (?, ?, ?) ON CONFLICT (node) DO UPDATE SET "
	    "cursor = excluded.cursor, seen = excluded.seen", &st) != 0)
		return (-1);
	db_bind_text(st, 1, node);
	db_bind_int64(st, 2, cursor);
	db_bind_int64(st, 3, now);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

static int
cmp_ll(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return (x < y ? -1 : x > y);
}

/* Keeps the seen rows at or above the cursor, sorted by id for bsearch. */
static void
seen_trim(struct cm_outbox_reader *r)
{
	size_t	i, k;

	for (i = k = 0; i < r->nseen; i++) {
		if (r->seen[2 * i + 1] < r->cursor)
			continue;
		r->seen[2 * k] = r->seen[2 * i];
		r->seen[2 * k + 1] = r->seen[2 * i + 1];
		k++;
	}
	r->nseen = k;
	if (k > 0)
		qsort(r->seen, k, 2 * sizeof(long long), cmp_ll);
}

static void
seen_add(struct cm_outbox_reader *r, long long id, long long pos)
{
	r->seen = xrealloc(r->seen, (r->nseen + 1) * 2 * sizeof(long long));
	r->seen[2 * r->nseen] = id;
	r->seen[2 * r->nseen + 1] = pos;
	r->nseen++;
}

/* 1 when id is among the first n seen rows (sorted), else 0. */
static int
seen_has(const struct cm_outbox_reader *r, size_t n, long long id)
{
	return (n > 0 && bsearch(&id, r->seen, n, 2 * sizeof(long long),
	    cmp_ll) != NULL);
}

void
cm_outbox_reader_free(struct cm_outbox_reader *r)
{
	free(r->seen);
	r->seen = NULL;
	r->nseen = 0;
	r->started = 0;
	r->more = 0;
}

/*
 * The reader's first call (or after its index was replaced, or rows it
 * had not read were pruned): the cursor the index holds, or, when it has
 * none or one below the pruned rows, a reconcile of the whole index
 * committed with the horizon taken before it. Returns the number of
 * documents changed, or -1.
 */
static int
reader_start(struct store *db, struct cm_outbox_reader *r, long long now)
{
	hc_index	*ix;
	char		*v, *end, buf[32];
	long long	 c = 0, below, h;
	int		 n, have;

	if ((ix = open_writer(r->index_path)) == NULL)
		return (-1);
	if (hc_index_get_metadata(ix, cursor_key(db), &v) != HC_SEARCH_OK ||
	    outbox_pruned(db, &below) == -1) {
		hc_index_close(ix);
		return (-1);
	}
	have = 0;
	if (v != NULL) {
		c = strtoll(v, &end, 10);
		have = *end == '\0' && c >= 0;
		free(v);
	}
	free(r->seen);
	r->seen = NULL;
	r->nseen = 0;
	r->more = 0;
	if (have && c >= below) {
		hc_index_close(ix);
		r->cursor = c;
		r->started = 1;
		/* Alive again: other nodes keep the rows from c on. */
		(void)record_cursor(db, r->node, c, now);
		return (0);
	}
	if (have)
		fprintf(stderr, "community: node %s: outbox rows below %lld "
		    "were pruned before its index read them (at %lld): "
		    "reconciling its thread documents\n", r->node, below, c);
	/*
	 * Every row below the horizon is final: the reconcile reads what
	 * they changed, so reading goes on from it. Recorded first, so that
	 * no node prunes the rows from it on while this one reconciles.
	 */
	if (outbox_horizon(db, &h) == -1 ||
	    record_cursor(db, r->node, h, now) == -1) {
		hc_index_close(ix);
		return (-1);
	}
	(void)snprintf(buf, sizeof(buf), "%lld", h);
	if ((n = reconcile(db, ix, 0)) < 0 ||
	    hc_index_set_metadata(ix, cursor_key(db), buf) != HC_SEARCH_OK ||
	    hc_index_commit(ix) != HC_SEARCH_OK)
		n = -1;
	hc_index_close(ix);
	if (n < 0)
		return (-1);
	r->cursor = h;
	r->started = 1;
	return (n);
}

/* One outbox row: its id, its position (rowid or xid) and its thread. */
struct outbox_row {
	long long	id;
	long long	pos;
	long long	thread;
};

/* The rows at or after cursor, by position; 0 or -1. */
static int
outbox_rows(struct store *db, long long cursor, struct outbox_row **out,
    size_t *n)
{
	struct db_stmt		*st;
	struct outbox_row	*rows = NULL;
	enum store_status	 s;
	size_t			 k = 0;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, db_backend(db) == DB_PG ?
	    "SELECT id, xid, thread_id FROM search_outbox WHERE xid >= ? "
	    "ORDER BY xid, id" :
	    "SELECT id, id, thread_id FROM search_outbox WHERE id >= ? "
	    "ORDER BY id", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, cursor);
	while ((s = db_step(st)) == STORE_ROW) {
		rows = xrealloc(rows, (k + 1) * sizeof(*rows));
		rows[k].id = db_col_int64(st, 0);
		rows[k].pos = db_col_int64(st, 1);
		rows[k].thread = db_col_int64(st, 2);
		k++;
	}
	db_finalize(st);
	if (s != STORE_DONE) {
		free(rows);
		return (-1);
	}
	*out = rows;
	*n = k;
	return (0);
}

int
cm_outbox_read(struct store *db, struct cm_outbox_reader *r, long long now)
{
	struct outbox_row	*rows;
	struct strmap		 threads;
	hc_index		*ix;
	long long		 h, below, next, *ids = NULL;
	size_t			 n, i, handled, nids = 0, k;
	char			 key[32];
	int			 rc;

	if (!r->started)
		return (reader_start(db, r, now));
	if (outbox_horizon(db, &h) == -1 ||
	    outbox_rows(db, r->cursor, &rows, &n) == -1)
		return (-1);
	/*
	 * After the rows: a prune that took some of them before they were
	 * read committed before this read (one transaction deletes and
	 * raises the mark), so the mark says so.
	 */
	if (outbox_pruned(db, &below) == -1) {
		free(rows);
		return (-1);
	}
	if (below > r->cursor) {
		free(rows);
		r->started = 0;
		return (reader_start(db, r, now));
	}
	/*
	 * Rows committed above the horizon are read now too (a thread is
	 * searchable while another writer's transaction stays open), but the
	 * cursor stops at the horizon: the rows still to commit below them
	 * are read later, and those read early are remembered (seen) so as
	 * not to be indexed at each call.
	 */
	next = h > r->cursor ? h : r->cursor;
	r->more = 0;
	strmap_init(&threads);
	for (handled = 0; handled < n; handled++) {
		if (seen_has(r, r->nseen, rows[handled].id))
			continue;
		(void)snprintf(key, sizeof(key), "%lld", rows[handled].thread);
		if (strmap_get(&threads, key, &k))
			continue;
		if (nids == CM_DRAIN_BATCH) {
			/* One index commit at a time: the rest next call. */
			if (rows[handled].pos < next)
				next = rows[handled].pos;
			r->more = 1;
			break;
		}
		strmap_put(&threads, key, nids);
		ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
		ids[nids++] = rows[handled].thread;
	}
	strmap_free(&threads);
	/*
	 * Nothing new: the cursor stays (a commit only to move it would
	 * change the index's revision, the workers' cached results).
	 */
	if (nids == 0) {
		free(rows);
		return (0);
	}
	if ((ix = open_writer(r->index_path)) == NULL) {
		free(rows);
		free(ids);
		return (-1);	/* locked (hcctl reindex): next tick */
	}
	rc = 0;
	for (i = 0; rc == 0 && i < nids; i++)
		rc = index_thread(db, ix, ids[i]);
	(void)snprintf(key, sizeof(key), "%lld", next);
	if (rc == 0 && (hc_index_set_metadata(ix, cursor_key(db), key) !=
	    HC_SEARCH_OK || hc_index_commit(ix) != HC_SEARCH_OK))
		rc = -1;
	hc_index_close(ix);
	free(ids);
	if (rc != 0) {
		free(rows);
		return (-1);
	}
	for (i = 0, k = r->nseen; i < handled; i++)
		if (rows[i].pos >= next && !seen_has(r, k, rows[i].id))
			seen_add(r, rows[i].id, rows[i].pos);
	free(rows);
	r->cursor = next;
	seen_trim(r);
	(void)record_cursor(db, r->node, r->cursor, now);
	return ((int)nids);
}

struct prune {
	long long	since;		/* cursors seen since count */
	long long	deleted;
};

static int
prune_tx(struct store *db, void *arg)
{
	struct prune	*p = arg;
	struct db_stmt	*st;
	long long	 floor;
	int		 rc;

	/* One node prunes at a time; the others skip their turn. */
	if ((rc = db_job_lock(db, "search-outbox-prune")) != 1)
		return (rc == 0 ? 0 : -1);
	if (db_prepare(db, "SELECT min(cursor) FROM search_cursors WHERE "
	    "seen >= ?", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, p->since);
	rc = db_step(st) == STORE_ROW ? 0 : -1;
	floor = rc == 0 && !db_col_null(st, 0) ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	if (rc != 0 || floor <= 0)
		return (rc);
	/* The rows and the mark together: a reader sees both or neither. */
	if (db_prepare(db, db_backend(db) == DB_PG ?
	    "DELETE FROM search_outbox WHERE xid < ?" :
	    "DELETE FROM search_outbox WHERE id < ?", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, floor);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	p->deleted = db_changes(db);
	db_finalize(st);
	if (rc != 0 || db_prepare(db, "UPDATE search_pruned SET below = ?1 "
	    "WHERE below < ?1", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, floor);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

long long
cm_outbox_prune(struct store *db, long long now, long long live)
{
	struct prune	p;

	p.since = now - live;
	p.deleted = 0;
	if (db_tx(db, prune_tx, &p) != 0)
		return (-1);
	return (p.deleted);
}

void
cm_watch_tick(const void *arg)
{
	static struct store		*db;
	static struct cm_outbox_reader	 r;
	static char			 index[1100];
	static ino_t			 seen_index;
	static long long		 beat;
	static int			 again;
	const struct cm_watch		*w = arg;
	struct stat			 sb;
	char				 path[1100];
	long long			 now;
	int				 changed;

	if (db == NULL) {
		(void)snprintf(path, sizeof(path), "%s/helpcenter.db",
		    w->data);
		if ((db = db_open(path)) == NULL)
			return;
		(void)snprintf(index, sizeof(index), "%s/index", w->data);
		r.index_path = index;
		r.node = w->node;
	}
	now = (long long)time(NULL);
	/*
	 * A new index folder (a damaged one rebuilt): its cursor, or none
	 * and a reconcile. The first tick reads the cursor too.
	 */
	if (stat(index, &sb) == 0 && sb.st_ino != seen_index) {
		seen_index = sb.st_ino;
		r.started = 0;
	}
	/*
	 * Cheap: SQLite's data_version, or PostgreSQL's notifications (and
	 * a look each second). A failed or partial read goes on next tick.
	 */
	changed = db_changed(db, "search_outbox");
	if (changed != 0 || again || r.more || !r.started)
		again = cm_outbox_read(db, &r, now) < 0;
	/* Alive, and rows every live node has read go. */
	if (r.started && now - beat >= CM_OUTBOX_BEAT) {
		beat = now;
		if (record_cursor(db, r.node, r.cursor, now) == 0)
			(void)cm_outbox_prune(db, now, CM_OUTBOX_LIVE);
	}
}
