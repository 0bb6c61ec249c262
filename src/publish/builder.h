/* builder.h: the one writer: builds the catalog from the tree, publishes a snapshot, updates the index. */
#ifndef HC_BUILDER_H
#define HC_BUILDER_H

#include "catalog/catalog.h"

struct builder {
	const char		*articles;	/* the tree */
	const char		*snapshot;	/* DATA/catalog.db */
	const char		*index;		/* DATA/index, or NULL */
	const char		*default_lang;
	int			 force_index;	/* rewrite every document */
	struct catalog_cache	*cache;
	/*
	 * Called by the watcher about every BUILDER_TICK_MS while idle and
	 * after each build (the community's search outbox), or NULL.
	 */
	void			(*tick)(const void *);
	const void		*tick_arg;
	/*
	 * Why the last build could not read all of the tree (the root
	 * missing, unreadable or emptied; or the first folder that could not
	 * be read), or "" when it read everything. Logged once when it
	 * changes; for /healthz and the operator.
	 */
	char			 last_error[512];
	/*
	 * catalog_hash of the last snapshot published, "" before the first:
	 * what the nodes on one database compare (catalog pinning).
	 */
	char			 snapshot_hash[65];
};

enum builder_status {
	BUILDER_PUBLISHED,	/* a new snapshot, the index up to date */
	/* The tree could not be used: the last published catalog stays. */
	BUILDER_KEPT,
	BUILDER_FAILED,		/* the snapshot could not be written */
};

#define BUILDER_TICK_MS	200

/*
 * Builds the catalog, writes the snapshot and brings the search index up
 * to date; logs a summary and the problems to stderr. When the tree as a
 * whole cannot be used (missing, unreadable, emptied) nothing is written
 * and last_error says why. With out set, *out is the catalog built
 * (caller frees; NULL on BUILDER_FAILED).
 *
 * Return value:
 *	BUILDER_PUBLISHED	the snapshot and the index were written
 *	BUILDER_KEPT		the tree could not be used; nothing written
 *	BUILDER_FAILED		the snapshot could not be written
 */
enum builder_status	 builder_run(struct builder *, struct catalog **out);

/*
 * Builds once (bringing the index up to date), then watches the tree with
 * inotify and rebuilds after each burst of changes (50 ms of quiet),
 * until SIGTERM. A root that is replaced (renamed away, a new folder
 * renamed in) is watched anew; while the tree cannot be used it is tried
 * again every second. Never returns.
 */
void		 builder_watch(struct builder *) __attribute__((noreturn));

#endif
