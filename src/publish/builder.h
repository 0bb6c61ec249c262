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
};

#define BUILDER_TICK_MS	200

/*
 * Builds the catalog, writes the snapshot and brings the search index up
 * to date; logs a summary and the problems to stderr. Returns the new catalog (caller frees) or NULL when
 * the snapshot could not be written.
 */
struct catalog	*builder_run(struct builder *);

/*
 * Builds once (bringing the index up to date), then watches the tree with
 * inotify and rebuilds after each burst of changes (100 ms of quiet),
 * until SIGTERM. Never returns.
 */
void		 builder_watch(struct builder *) __attribute__((noreturn));

#endif
