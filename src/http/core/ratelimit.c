/* ratelimit.c: fixed one-minute windows in a lock-free table in shared memory, so the limit holds across workers. */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ratelimit.h"
#include "render/i18n.h"
#include "settings.h"
#include "site.h"
#include "visitor.h"

/*
 * Each slot is one 64-bit word updated with compare-and-swap: the key hash
 * (32 bits), the minute it counts (16 bits) and the count (16 bits). A worker
 * killed mid-update cannot leave a lock behind. A slot whose minute is past
 * is free for another key; when all probed slots are busy the request is
 * let through (the table fails open rather than refusing customers).
 */
#define SLOTS		16384
#define PROBES		8

static uint64_t	*table;

void
ratelimit_init(void)
{
	table = mmap(NULL, SLOTS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED)
		fatal("ratelimit: cannot map the shared table");
}

/* FNV-1a over bucket and client key; never 0 (0 marks an empty slot). */
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
	return (h ? h : 1);
}

int
ratelimit_allow(struct http_request *req, const char *bucket, int per_minute,
    int *retry_after)
{
	uint64_t	*slot, old, new;
	uint32_t	 key, okey;
	uint16_t	 minute, ominute, count;
	char		 client[33];
	time_t		 now;
	int		 i;

	*retry_after = 0;
	if (!settings.rate_limits || table == NULL)
		return (1);
	client_key(req, client);
	key = key_hash(bucket, client);
	now = time(NULL);
	minute = (uint16_t)(now / 60);
	for (i = 0; i < PROBES; i++) {
		slot = &table[(key + (uint32_t)i) % SLOTS];
		old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
		for (;;) {
			okey = (uint32_t)(old >> 32);
			ominute = (uint16_t)(old >> 16);
			count = (uint16_t)old;
			if (okey != key && okey != 0 && ominute == minute)
				break;		/* another client's, this minute */
			if (okey == key && ominute == minute) {
				if (count >= per_minute) {
					*retry_after = 60 - (int)(now % 60);
					return (0);
				}
				count++;
			} else
				count = 1;
			new = ((uint64_t)key << 32) |
			    ((uint64_t)minute << 16) | count;
			if (__atomic_compare_exchange_n(slot, &old, new, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return (1);
			/* old now holds the newer value: look again. */
		}
	}
	return (1);
}

int
ratelimit_check(struct http_request *req, const char *bucket, int per_minute)
{
	char	secs[16];
	int	retry;

	if (ratelimit_allow(req, bucket, per_minute, &retry))
		return (1);
	(void)snprintf(secs, sizeof(secs), "%d", retry);
	http_response_header(req, "retry-after", secs);
	if (!strncmp(req->path, "/api/", 5))
		(void)respond_json_error(req, 429, "rate_limited",
		    "Too many requests from this client; try again in a "
		    "minute (see Retry-After).", NULL);
	else
		(void)respond_error_page(req, 429, i18n_get(i18n_ui_lang(
		    request_lang(req)), "rate_limited"));
	return (0);
}
