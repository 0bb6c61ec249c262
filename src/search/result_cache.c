/* result_cache.c: direct-mapped cache of search results keyed by the whole query, kept while the index revision stays the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_cache.h"
#include "util/strbuf.h"
#include "util/text.h"

struct entry {
	char			*key;	/* NULL: empty */
	struct hc_results	*results;
	unsigned long long	 revision;	/* of the index they came from */
};

static struct entry	slots[RESULT_CACHE_SLOTS];

/* Every field of the query, separated by a byte no field can hold. */
static char *
make_key(const struct hc_query *q)
{
	struct strbuf	sb;

	sb_init(&sb);
	sb_printf(&sb, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%u\x1f%u\x1f%d%d%d",
	    q->text ? q->text : "", q->category ? q->category : "",
	    q->lang ? q->lang : "", q->type ? q->type : "",
	    q->prefer_lang ? q->prefer_lang : "", q->offset, q->limit,
	    q->prefix_last, q->titles_only, q->facets);
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
search_cached(hc_index *ix, unsigned long long revision,
    const struct hc_query *q, struct hc_results **out)
{
	struct entry		*e;
	hc_search_status	 s;
	char			*key;

	key = make_key(q);
	e = &slots[slot_of(key)];
	if (e->key != NULL && revision != 0 && e->revision == revision &&
	    !strcmp(e->key, key)) {
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
	/*
	 * The revision was read before the search: if a commit came
	 * between, the entry is dropped at the next call, not kept stale.
	 */
	e->revision = revision;
	return (HC_SEARCH_OK);
}

void
result_cache_clear(void)
{
	size_t	i;

	for (i = 0; i < RESULT_CACHE_SLOTS; i++)
		entry_free(&slots[i]);
}
