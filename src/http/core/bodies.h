/* bodies.h: article texts read from the snapshot on first use, kept in a per-worker cache. */
#ifndef HC_BODIES_H
#define HC_BODIES_H

#include "catalog/catalog.h"
#include "catalog/snapshot.h"

/* Opens the snapshot at path for bodies and empties the cache. */
void				 bodies_reset(const char *path);

/*
 * The html, markdown and plain text of a version of a, or NULL when the
 * snapshot does not have it. Owned by the cache: valid until the next call.
 */
const struct version_body	*bodies_get(const struct article *a,
				    const struct article_version *v);

/*
 * The start of a version's plain text, for a search snippet: read from the
 * snapshot into a cache of its own (results are many and varied).
 * Owned by the cache: valid until the next call. NULL when the snapshot
 * does not have the version.
 */
const char			*bodies_snippet_text(const struct article *a,
				    const struct article_version *v);

#endif
