/* indexer.h: keeps the Xapian index in line with the catalog, one changed document at a time. */
#ifndef HC_INDEXER_H
#define HC_INDEXER_H

#include "catalog/catalog.h"

struct index_stats {
	size_t	put;		/* added or changed */
	size_t	deleted;
	size_t	unchanged;
};

/*
 * Opens (or creates) the index at path as the one writer, replaces the
 * article documents whose content changed, deletes those gone, and commits
 * once, so readers see the old or the new index, never a half. force
 * rewrites every document (after a change of the indexing code). A damaged
 * index is moved aside and rebuilt. Returns 0, or -1 with a message on
 * stderr (the previous index stays in service).
 */
int	indexer_sync(const char *path, const struct catalog *, int force,
	    struct index_stats *);

/* "article:<slug>:<lang>" into slug and lang (malloc'd); -1 if not one. */
int	indexer_parse_article_id(const char *id, char **slug, char **lang);

#endif
