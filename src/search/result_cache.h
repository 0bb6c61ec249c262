/* result_cache.h: a worker's recent search results, so that a query repeated within a second is not run again. */
#ifndef HC_RESULT_CACHE_H
#define HC_RESULT_CACHE_H

#include "search.h"

/* How long results stay: a change to the index shows within this. */
#define RESULT_CACHE_TTL_MS	1000
#define RESULT_CACHE_SLOTS	1024

/*
 * hc_search through the cache. On HC_SEARCH_OK *out is BORROWED: it stays
 * valid until the next call or result_cache_clear; do not free it. A
 * failed search is not cached.
 */
hc_search_status	search_cached(hc_index *, const struct hc_query *,
			    struct hc_results **out);

/* Drops every entry (a new catalog snapshot or synonyms list). */
void			result_cache_clear(void);

#endif
