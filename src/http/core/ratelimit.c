/* ratelimit.c: per-client limits in a lock-free table in shared memory, so that the limit holds across workers. */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ratelimit.h"
#include "render/i18n.h"
#include "settings.h"
#include "site.h"
#include "util/ratetable.h"
#include "visitor.h"

/*
 * 16,384 slots of 8 bytes: 128 KB. When it is full a new client evicts a
 * cold entry (see ratetable.h) rather than going uncounted.
 */
#define SLOTS		16384

static uint64_t	*table;

void
ratelimit_init(void)
{
	table = mmap(NULL, SLOTS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED)
		fatal("ratelimit: cannot map the shared table");
}

/* FNV-1a over bucket and client key. */
static uint32_t
key_hash(const char *bucket, const char *client)
{
	uint32_t	h;
	const char	*p;

	h = 2166136261u;
	for (p = bucket; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (p = client; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return (h);
}

int
ratelimit_allow(struct http_request *req, const char *bucket, int limit,
    int window, int *retry_after)
{
	char	client[33];

	*retry_after = 0;
	if (!settings.rate_limits || table == NULL)
		return (1);
	client_key(req, client);
	return (ratetable_hit(table, SLOTS, key_hash(bucket, client), limit,
	    window, (int64_t)time(NULL), retry_after));
}

static int
too_many(struct http_request *req, int retry, const char *page_message)
{
	char	secs[16], msg[128];

	(void)snprintf(secs, sizeof(secs), "%d", retry);
	http_response_header(req, "retry-after", secs);
	if (!strncmp(req->path, "/api/", 5)) {
		(void)snprintf(msg, sizeof(msg), "Too many requests from this "
		    "client; try again in %d second%s (see Retry-After).",
		    retry, retry == 1 ? "" : "s");
		(void)respond_json_error(req, 429, "rate_limited", msg, NULL);
	} else
		(void)respond_error_page(req, 429, i18n_get(i18n_ui_lang(
		    request_lang(req)), page_message));
	return (0);
}

int
ratelimit_check(struct http_request *req, const char *bucket, int per_minute)
{
	int	retry;

	if (ratelimit_allow(req, bucket, per_minute, 60, &retry))
		return (1);
	return (too_many(req, retry, "rate_limited"));
}

int
ratelimit_check_search(struct http_request *req)
{
	int	retry;

	if (ratelimit_allow(req, "search", SEARCH_RATE, SEARCH_WINDOW, &retry))
		return (1);
	return (too_many(req, retry, "search_rate_limited"));
}
