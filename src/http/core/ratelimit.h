/* ratelimit.h: per-client request limits shared by all workers (429 with Retry-After). */
#ifndef HC_RATELIMIT_H
#define HC_RATELIMIT_H

#include <kore/kore.h>
#include <kore/http.h>

/*
 * Maps the shared counter table; the parent calls it before the workers
 * are forked so that every worker counts in the same table.
 */
void	ratelimit_init(void);

/*
 * Counts one request of bucket ("ticket", "vote", ...) by this client
 * (client_key) in a window of window seconds opened by its first request.
 * Returns 1 when it is within limit, else 0 with *retry_after set to the
 * seconds until the window closes. Always 1 when RATE_LIMITS is off.
 */
int	ratelimit_allow(struct http_request *, const char *bucket,
	    int limit, int window, int *retry_after);

/*
 * ratelimit_allow, answering 429 with Retry-After (JSON under /api/, an
 * error page elsewhere) when over the limit. Returns 1 to go on, 0 when it
 * answered.
 */
int	ratelimit_check(struct http_request *, const char *bucket,
	    int per_minute);

/*
 * The search bucket (/search, /api/v1/search, /api/v1/suggest):
 * SEARCH_RATE per SEARCH_WINDOW seconds, so a burst of SEARCH_RATE and
 * SEARCH_RATE / SEARCH_WINDOW a second on average. Answers 429 as
 * ratelimit_check does, with a message about searching. Returns 1 to go
 * on, 0 when it answered.
 */
#define SEARCH_RATE	40
#define SEARCH_WINDOW	2
int	ratelimit_check_search(struct http_request *);

#endif
