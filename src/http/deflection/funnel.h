/* funnel.h: what the catalog and search pages tell the deflection module (events, the feedback block, the popular list). */
#ifndef HC_FUNNEL_H
#define HC_FUNNEL_H

#include <kore/kore.h>
#include <kore/http.h>

#include <jansson.h>

/*
 * An article page is being shown: sets ctx's "feedback" member (the vote
 * form with csrf, the visitor's token when NULL; its state from
 * ?feedback=) and, unless the visitor is back from that form, calls
 * funnel_article_view.
 */
void	 funnel_article(struct http_request *, json_t *ctx, const char *slug,
	    const char *lang, const char *csrf);

/*
 * Buffers EV_ARTICLE_VIEW, and EV_SEARCH_CLICK when the link came from a
 * search (?sid=&pos=). Sets the visitor cookie of a new visitor.
 */
void	 funnel_article_view(struct http_request *, const char *slug,
	    const char *lang);

/*
 * Buffers EV_SEARCH_CLICK when the request carries a valid ?sid=&pos= (a
 * link from search results) for target ("article:<slug>", "thread:<id>");
 * slug may be NULL. Malformed sid/pos record nothing.
 */
void	 funnel_search_click(struct http_request *, const char *visitor,
	    const char *target, const char *slug);

/* A search (page 1 of /search or /api/v1/search) ran: buffers EV_SEARCH. */
void	 funnel_search(struct http_request *, const char *query,
	    long long total, const char *search_id);

/*
 * The home page's popular list: the most viewed articles of the last 30
 * days as article summaries, at most max; NULL when no article has been
 * viewed (the caller keeps its editors' order). Read at most once a
 * minute per worker.
 */
json_t	*funnel_popular(const char *lang, size_t max);

#endif
