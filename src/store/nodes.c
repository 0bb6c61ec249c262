/* nodes.c: the node_catalogs table: each node's articles commit and snapshot hash, compared with the other live nodes'. */
#include <stdio.h>
#include <string.h>

#include "nodes.h"

struct report {
	const char		*name, *git_commit, *snapshot_hash;
	long long		 now;
	struct node_catalog	*out;
	int			 max, n;
};

static void
copy(char *dst, size_t size, const char *src)
{
	(void)snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* One run of the report's transaction (db_tx runs it again on retry). */
static int
report_tx(struct store *db, void *arg)
{
	struct report		*r = arg;
	struct node_catalog	*o;
	struct db_stmt		*st;
	enum store_status	 s;
	const char		*hash;
	long long		 since = 0;
	int			 differs = 0, rc;

	memset(r->out, 0, sizeof(*r->out) * (size_t)r->max);
	r->n = 1;
	if (db_prepare(db, "SELECT node, git_commit, snapshot_hash, reported, "
	    "differs_since FROM node_catalogs WHERE node = ?1 OR reported >= ?2 "
	    "ORDER BY node", &st) != 0)
		return (-1);
	db_bind_text(st, 1, r->name);
	db_bind_int64(st, 2, r->now - NODE_LIVE_SECS);
	while ((s = db_step(st)) == STORE_ROW) {
		if (!strcmp(db_col_text(st, 0), r->name)) {
			since = db_col_int64(st, 4);
			continue;
		}
		hash = db_col_text(st, 2);
		/* Either without a snapshot yet: nothing to compare. */
		o = r->n < r->max ? &r->out[r->n++] : NULL;
		if (hash[0] != '\0' && r->snapshot_hash[0] != '\0' &&
		    strcmp(hash, r->snapshot_hash)) {
			differs = 1;
			if (o != NULL)
				o->differs = 1;
		}
		if (o == NULL)
			continue;
		copy(o->name, sizeof(o->name), db_col_text(st, 0));
		copy(o->git_commit, sizeof(o->git_commit), db_col_text(st, 1));
		copy(o->snapshot_hash, sizeof(o->snapshot_hash), hash);
		o->reported = db_col_int64(st, 3);
		o->differs_since = db_col_int64(st, 4);
	}
	db_finalize(st);
	if (s != STORE_DONE)
		return (-1);
	/* The difference goes on: the clock keeps its start. */
	since = differs ? (since > 0 ? since : r->now) : 0;
	o = &r->out[0];
	copy(o->name, sizeof(o->name), r->name);
	copy(o->git_commit, sizeof(o->git_commit), r->git_commit);
	copy(o->snapshot_hash, sizeof(o->snapshot_hash), r->snapshot_hash);
	o->reported = r->now;
	o->differs_since = since;
	if (db_prepare(db, "INSERT INTO node_catalogs(node, git_commit, "
	    "snapshot_hash, reported, differs_since) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (node) DO UPDATE SET git_commit = excluded.git_commit, "
	    "snapshot_hash = excluded.snapshot_hash, reported = "
	    "excluded.reported, differs_since = excluded.differs_since",
	    &st) != 0)
		return (-1);
	db_bind_text(st, 1, r->name);
	db_bind_text(st, 2, o->git_commit);
	db_bind_text(st, 3, o->snapshot_hash);
	db_bind_int64(st, 4, r->now);
	if (since > 0)
		db_bind_int64(st, 5, since);
	else
		db_bind_null(st, 5);
	rc = db_step(st) == STORE_DONE ? 0 : -1;
	db_finalize(st);
	return (rc);
}

int
node_catalog_report(struct store *db, const char *name,
    const char *git_commit, const char *snapshot_hash, long long now,
    struct node_catalog *out, int max, int *n)
{
	struct report	r;

	*n = 0;
	if (max < 1)
		return (-1);
	r.name = name;
	r.git_commit = git_commit != NULL ? git_commit : "";
	r.snapshot_hash = snapshot_hash != NULL ? snapshot_hash : "";
	r.now = now;
	r.out = out;
	r.max = max;
	r.n = 0;
	if (db_tx(db, report_tx, &r) != 0)
		return (-1);
	*n = r.n;
	return (0);
}
