/* page_cache.c: direct-mapped cache of rendered answers, with the places of the per-request token noted. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "page_cache.h"
#include "util/text.h"

#define PLACEHOLDER_LEN	64

struct page {
	char		*key;		/* NULL: empty */
	char		*text;
	size_t		 len;
	size_t		*token_at;	/* where the placeholder was */
	size_t		 ntokens, token_len;
	long long	 expires_ms;	/* 0: never */
	unsigned long long version;	/* of what it was made from */
	long long	 aux;
};

static struct page	pages[PAGE_CACHE_SLOTS];
static char		placeholder[PLACEHOLDER_LEN + 1];

const char *
page_cache_placeholder(void)
{
	unsigned char	raw[PLACEHOLDER_LEN / 2];

	if (placeholder[0] == '\0') {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			abort();
		hex_encode(raw, sizeof(raw), placeholder);
	}
	return (placeholder);
}

static long long
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static struct page *
slot_of(const char *key)
{
	return (&pages[str_hash(key) % PAGE_CACHE_SLOTS]);
}

static void
page_free(struct page *p)
{
	free(p->key);
	free(p->text);
	free(p->token_at);
	memset(p, 0, sizeof(*p));
}

int
page_cache_get(const char *key, unsigned long long version,
    const char *token, struct strbuf *out, long long *aux)
{
	struct page	*p;
	size_t		 start, i;

	p = slot_of(key);
	if (p->key == NULL || p->version != version ||
	    strcmp(p->key, key) != 0 ||
	    (p->expires_ms != 0 && now_ms() >= p->expires_ms))
		return (0);
	start = out->len;
	sb_append(out, p->text, p->len);
	for (i = 0; i < p->ntokens; i++)
		memcpy(out->data + start + p->token_at[i], token,
		    p->token_len);
	if (aux != NULL)
		*aux = p->aux;
	return (1);
}

void
page_cache_put(const char *key, unsigned long long version, const char *text,
    size_t len, size_t token_len, long long max_age_ms, long long aux)
{
	struct page	*p;
	const char	*at, *from;

	p = slot_of(key);
	page_free(p);
	for (from = text; (at = memmem(from, len - (from - text),
	    page_cache_placeholder(), token_len)) != NULL;
	    from = at + token_len) {
		p->token_at = xrealloc(p->token_at,
		    (p->ntokens + 1) * sizeof(*p->token_at));
		p->token_at[p->ntokens++] = at - text;
	}
	p->key = xstrdup(key);
	p->text = xmalloc(len);
	memcpy(p->text, text, len);
	p->len = len;
	p->token_len = token_len;
	p->expires_ms = max_age_ms > 0 ? now_ms() + max_age_ms : 0;
	p->version = version;
	p->aux = aux;
}

void
page_cache_clear(void)
{
	size_t	i;

	for (i = 0; i < PAGE_CACHE_SLOTS; i++)
		page_free(&pages[i]);
}
