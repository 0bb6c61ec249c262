/* page_cache.c: direct-mapped cache of rendered article pages, with the places of the CSRF token noted. */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "page_cache.h"
#include "util/text.h"

#define TOKEN_LEN	64

struct page {
	char	*key;		/* NULL: empty */
	char	*html;
	size_t	 len;
	size_t	*token_at;	/* where the placeholder was */
	size_t	 ntokens;
};

static struct page	pages[PAGE_CACHE_SLOTS];
static char		placeholder[TOKEN_LEN + 1];

const char *
page_cache_placeholder(void)
{
	unsigned char	raw[TOKEN_LEN / 2];

	if (placeholder[0] == '\0') {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			abort();
		hex_encode(raw, sizeof(raw), placeholder);
	}
	return (placeholder);
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
	free(p->html);
	free(p->token_at);
	memset(p, 0, sizeof(*p));
}

int
page_cache_get(const char *key, const char *csrf, struct strbuf *out)
{
	struct page	*p;
	size_t		 start, i;

	p = slot_of(key);
	if (p->key == NULL || strcmp(p->key, key) != 0)
		return (0);
	start = out->len;
	sb_append(out, p->html, p->len);
	for (i = 0; i < p->ntokens; i++)
		memcpy(out->data + start + p->token_at[i], csrf, TOKEN_LEN);
	return (1);
}

void
page_cache_put(const char *key, const char *html, size_t len)
{
	struct page	*p;
	const char	*at, *from;

	p = slot_of(key);
	page_free(p);
	for (from = html; (at = memmem(from, len - (from - html),
	    page_cache_placeholder(), TOKEN_LEN)) != NULL;
	    from = at + TOKEN_LEN) {
		p->token_at = xrealloc(p->token_at,
		    (p->ntokens + 1) * sizeof(*p->token_at));
		p->token_at[p->ntokens++] = at - html;
	}
	p->key = xstrdup(key);
	p->html = xmalloc(len);
	memcpy(p->html, html, len);
	p->len = len;
}

void
page_cache_clear(void)
{
	size_t	i;

	for (i = 0; i < PAGE_CACHE_SLOTS; i++)
		page_free(&pages[i]);
}
