/* outbox.c: threads in the search index: the watcher drains search_outbox and reconciles after a rebuild. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community.h"
#include "search/fold.h"
#include "search/search.h"
#include "store/db.h"
#include "util/strbuf.h"
#include "util/strmap.h"

/* Threads one drain handles (one index commit); more wait for the next tick. */
#define DRAIN_BATCH	1000
#define DRAIN_BATCH_S	"1000"

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

int
cm_outbox_drain(struct store *db, const char *index_path)
{
	struct db_stmt	*st;
	hc_index	*ix;
	long long	 maxid = 0, *ids = NULL;
	size_t		 n = 0, i;
	int		 rc = 0;

	if (db_prepare(db, "SELECT max(id), thread_id FROM "
	    "search_outbox GROUP BY thread_id ORDER BY 1 LIMIT " DRAIN_BATCH_S,
	    &st) != 0)
		return (-1);
	while (db_step(st) == STORE_ROW) {
		if (db_col_int64(st, 0) > maxid)
			maxid = db_col_int64(st, 0);
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = db_col_int64(st, 1);
	}
	db_finalize(st);
	if (n == 0)
		return (0);
	if ((ix = open_writer(index_path)) == NULL) {
		free(ids);
		return (-1);	/* locked (hcctl reindex): next tick */
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = index_thread(db, ix, ids[i]);
	if (rc == 0 && hc_index_commit(ix) != HC_SEARCH_OK)
		rc = -1;
	hc_index_close(ix);
	free(ids);
	if (rc != 0)
		return (-1);
	/* Rows queued meanwhile for the same threads have higher ids: kept. */
	if (db_prepare(db, "DELETE FROM search_outbox WHERE "
	    "thread_id IN (SELECT thread_id FROM search_outbox GROUP BY "
	    "thread_id HAVING max(id) <= ?)", &st) != 0)
		return (-1);
	db_bind_int64(st, 1, maxid);
	rc = db_step(st) == STORE_DONE ? (int)n : -1;
	db_finalize(st);
	return (rc);
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

int
cm_index_reconcile(struct store *db, const char *index_path, int force)
{
	struct thread_docs	 td;
	struct strmap		 live;
	struct db_stmt		*st = NULL;
	hc_index		*ix;
	char			 id[40];
	size_t			 k, i;
	int			 rc = 0, changed = 0;

	if ((ix = open_writer(index_path)) == NULL)
		return (-1);
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
	if (rc == 0 && changed > 0 && hc_index_commit(ix) != HC_SEARCH_OK)
		rc = -1;
	hc_index_close(ix);
	for (i = 0; i < td.n; i++)
		free(td.hashes[i]);
	free(td.hashes);
	strmap_free(&td.ids);
	strmap_free(&live);
	return (rc == 0 ? changed : -1);
}

void
cm_watch_tick(const void *arg)
{
	static struct store		*db;
	static long long	 seen_version = -1;
	static ino_t		 seen_index;
	static int		 reconciled;
	const char		*data = arg;
	struct db_stmt		*st;
	struct stat		 sb;
	char			 path[1100], index[1100];
	long long		 version = -1;
	int			 pending = 0, n;

	(void)snprintf(index, sizeof(index), "%s/index", data);
	if (db == NULL) {
		(void)snprintf(path, sizeof(path), "%s/helpcenter.db", data);
		if ((db = db_open(path)) == NULL)
			return;
	}
	/* A new index folder (first tick, or a damaged one rebuilt). */
	if (stat(index, &sb) == 0 && (!reconciled || sb.st_ino != seen_index)) {
		if (cm_index_reconcile(db, index, 0) >= 0) {
			reconciled = 1;
			seen_index = sb.st_ino;
		}
	}
	/* Cheap: changes only when another connection committed. */
	if (db_prepare(db, "PRAGMA data_version", &st) ==
	    0) {
		if (db_step(st) == STORE_ROW)
			version = db_col_int64(st, 0);
		db_finalize(st);
	}
	if (version == seen_version && version != -1)
		return;
	if (db_prepare(db, "SELECT EXISTS (SELECT 1 FROM "
	    "search_outbox)", &st) == 0) {
		if (db_step(st) == STORE_ROW)
			pending = db_col_int64(st, 0);
		db_finalize(st);
	}
	/*
	 * A full batch may have left rows: the next tick drains on even
	 * though no other connection has committed since.
	 */
	if (!pending || ((n = cm_outbox_drain(db, index)) >= 0 &&
	    n < DRAIN_BATCH))
		seen_version = version;
}
