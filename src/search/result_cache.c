/* result_cache.c: direct-mapped cache of search results keyed by the whole query, entries kept one second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "result_cache.h"
#include "util/strbuf.h"
#include "util/text.h"

struct entry {
	char			*key;	/* NULL: empty */
	struct hc_results	*results;
	long long		 at_ms;
};

static struct entry	slots[RESULT_CACHE_SLOTS];

static long long
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Every field of the query, separated by a byte no field can hold. */
static char *
make_key(const struct hc_query *q)
{
	struct strbuf	sb;

	sb_init(&sb);
	sb_printf(&sb, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%u\x1f%u\x1f%d%d",
	    q->text ? q->text : "", q->category ? q->category : "",
	    q->lang ? q->lang : "", q->type ? q->type : "",
	    q->prefer_lang ? q->prefer_lang : "", q->offset, q->limit,
	    q->prefix_last, q->titles_only);
	return (sb_detach(&sb));
}

static size_t
slot_of(const char *key)
{
	return (str_hash(key) % RESULT_CACHE_SLOTS);
}

static void
entry_free(struct entry *e)
{
	free(e->key);
	hc_results_free(e->results);
	memset(e, 0, sizeof(*e));
}

hc_search_status
search_cached(hc_index *ix, const struct hc_query *q,
    struct hc_results **out)
{
	struct entry		*e;
	hc_search_status	 s;
	long long		 now;
	char			*key;

	key = make_key(q);
	e = &slots[slot_of(key)];
	now = now_ms();
	if (e->key != NULL && !strcmp(e->key, key) &&
	    now - e->at_ms < RESULT_CACHE_TTL_MS) {
		free(key);
		*out = e->results;
		return (HC_SEARCH_OK);
	}
	if ((s = hc_search(ix, q, out)) != HC_SEARCH_OK) {
		free(key);
		return (s);
	}
	entry_free(e);
	e->key = key;
	e->results = *out;
	e->at_ms = now;
	return (HC_SEARCH_OK);
}

void
result_cache_clear(void)
{
	size_t	i;

	for (i = 0; i < RESULT_CACHE_SLOTS; i++)
		entry_free(&slots[i]);
}
