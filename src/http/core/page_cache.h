/* page_cache.h: answers rendered once and sent many times by each worker (article pages per snapshot, search answers per index revision), with a per-request token written in. */
#ifndef HC_PAGE_CACHE_H
#define HC_PAGE_CACHE_H

#include <stddef.h>

#include "util/strbuf.h"

#define PAGE_CACHE_SLOTS	1024

/*
 * The 64 hex characters to render where the per-request token goes (a
 * visitor's CSRF token, a search id): a random value per worker, so no
 * text can hold it by chance. A shorter token takes its first characters.
 */
const char	*page_cache_placeholder(void);

/*
 * Stores text under key, replacing what was in its slot: the places where
 * the first token_len characters of the placeholder occur are noted, so
 * that page_cache_get writes a token of that length there. version is
 * what the text was made from (a search index revision; 0 when the
 * cache is cleared instead): a get with another version misses, and the
 * next put of the same key reuses the slot. max_age_ms 0 keeps it until
 * page_cache_clear; aux is a number kept with it.
 */
void		 page_cache_put(const char *key, unsigned long long version,
		    const char *text, size_t len, size_t token_len,
		    long long max_age_ms, long long aux);

/*
 * On a hit (same key and version, not too old) appends the stored text to
 * out with token (of the length given to page_cache_put) at every noted
 * place, sets *aux (when not NULL) and returns 1; 0 on a miss.
 */
int		 page_cache_get(const char *key, unsigned long long version,
		    const char *token, struct strbuf *out, long long *aux);

/* Drops every entry (a new catalog snapshot). */
void		 page_cache_clear(void);

#endif
