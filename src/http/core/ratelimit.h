/* ratelimit.h: per-client write limits shared by all workers (429 with Retry-After). */
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
 * (client_key) in the current minute. Returns 1 when it is within
 * per_minute, else 0 with *retry_after set to the seconds until the next
 * minute. Always 1 when RATE_LIMITS is off.
 */
int	ratelimit_allow(struct http_request *, const char *bucket,
	    int per_minute, int *retry_after);

/*
 * ratelimit_allow, answering 429 with Retry-After (JSON under /api/, an
 * error page elsewhere) when over the limit. Returns 1 to go on, 0 when it
 * answered.
 */
int	ratelimit_check(struct http_request *, const char *bucket,
	    int per_minute);

#endif
