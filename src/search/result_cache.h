/* result_cache.h: a worker's recent search results, so that a repeated query is not run again while the index is unchanged. */
#ifndef HC_RESULT_CACHE_H
#define HC_RESULT_CACHE_H

#include "search.h"

#define RESULT_CACHE_SLOTS	1024

/*
 * hc_search through the cache, for an index at the given revision (see
 * hc_index_revision; 0 keeps nothing). On HC_SEARCH_OK *out is BORROWED: it stays
 * valid until the next call or result_cache_clear; do not free it. A
 * failed search is not cached.
 */
hc_search_status	search_cached(hc_index *, unsigned long long revision,
			    const struct hc_query *, struct hc_results **out);

/* Drops every entry (a new catalog snapshot or synonyms list). */
void			result_cache_clear(void);

#endif
