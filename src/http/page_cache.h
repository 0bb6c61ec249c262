/* page_cache.h: article pages rendered once per catalog snapshot by each worker; a view then costs a copy and the visitor's CSRF token. */
#ifndef HC_PAGE_CACHE_H
#define HC_PAGE_CACHE_H

#include <stddef.h>

#include "util/strbuf.h"

#define PAGE_CACHE_SLOTS	512

/*
 * The 64 hex characters to render where the visitor's CSRF token goes: a
 * random value per worker, so no article text can hold it by chance.
 */
const char	*page_cache_placeholder(void);

/*
 * On a hit appends the page stored under key to out, every placeholder
 * replaced by csrf (64 hex characters), and returns 1; 0 on a miss.
 */
int		 page_cache_get(const char *key, const char *csrf,
		    struct strbuf *out);

/*
 * Stores html (rendered with the placeholder) under key, replacing what
 * was in its slot; a page_cache_get of key then hits.
 */
void		 page_cache_put(const char *key, const char *html, size_t len);

/* Drops every page (a new catalog snapshot). */
void		 page_cache_clear(void);

#endif
