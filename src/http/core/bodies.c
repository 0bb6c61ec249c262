/* bodies.c: a small least-recently-used cache of article texts over the snapshot. */
#include <stdlib.h>
#include <string.h>

#include "bodies.h"
#include "util/strbuf.h"
#include "util/text.h"

/* About 15 KB an entry: a few MB per worker, whatever the tree's size. */
#define CACHE_SIZE	256
/* Bytes of plain text a snippet is made from (snippet.c scans 4 KB). */
#define SNIPPET_SOURCE	4096
/* Snippet texts kept, direct-mapped: at most 8 MB per worker. */
#define SNIPPET_SLOTS	2048

struct entry {
	char			*key;		/* "slug\nlang", or NULL */
	struct version_body	 body;
	unsigned long		 used;
};

static struct entry		 cache[CACHE_SIZE];
static unsigned long		 tick;
static struct snapshot_bodies	*reader;

/* Search results show the same articles again and again. */
struct snippet_text {
	char	*key;		/* "slug\nlang", or NULL */
	char	*text;
};
static struct snippet_text	 snippet_texts[SNIPPET_SLOTS];
/* The last one cut from a catalog read in full (hcctl, tests). */
static char			*inline_text;

void
bodies_reset(const char *path)
{
	size_t	i;

	for (i = 0; i < CACHE_SIZE; i++) {
		free(cache[i].key);
		body_free(&cache[i].body);
		memset(&cache[i], 0, sizeof(cache[i]));
	}
	free(inline_text);
	inline_text = NULL;
	for (i = 0; i < SNIPPET_SLOTS; i++) {
		free(snippet_texts[i].key);
		free(snippet_texts[i].text);
		memset(&snippet_texts[i], 0, sizeof(snippet_texts[i]));
	}
	snapshot_bodies_close(reader);
	reader = path != NULL ? snapshot_bodies_open(path) : NULL;
}

const struct version_body *
bodies_get(const struct article *a, const struct article_version *v)
{
	struct strbuf	 key;
	struct entry	*e, *victim;
	size_t		 i;

	/* A catalog read in full (hcctl, tests) has its texts already. */
	if (v->html != NULL) {
		static struct version_body	inline_body;
		inline_body.html = v->html;
		inline_body.markdown = v->markdown;
		inline_body.plain = v->plain;
		return (&inline_body);
	}
	sb_init(&key);
	sb_printf(&key, "%s\n%s", a->slug, v->lang);
	victim = &cache[0];
	for (i = 0; i < CACHE_SIZE; i++) {
		e = &cache[i];
		if (e->key != NULL && !strcmp(e->key, key.data)) {
			e->used = ++tick;
			sb_free(&key);
			return (&e->body);
		}
		if (e->used < victim->used)
			victim = e;
	}
	if (reader == NULL)
		goto miss;
	free(victim->key);
	body_free(&victim->body);
	victim->key = NULL;
	victim->used = 0;
	if (snapshot_bodies_get(reader, a->slug, v->lang, &victim->body) != 0)
		goto miss;
	victim->key = sb_detach(&key);
	victim->used = ++tick;
	return (&victim->body);

miss:
	sb_free(&key);
	return (NULL);
}

const char *
bodies_snippet_text(const struct article *a, const struct article_version *v)
{
	struct snippet_text	*e;
	struct strbuf		 key;
	char			*text;
	size_t			 n;

	if (v->plain != NULL) {
		/* Cut on a character boundary. */
		n = strnlen(v->plain, SNIPPET_SOURCE);
		while (n > 0 && ((unsigned char)v->plain[n] & 0xc0) == 0x80)
			n--;
		free(inline_text);
		inline_text = xstrndup(v->plain, n);
		return (inline_text);
	}
	if (reader == NULL)
		return (NULL);
	sb_init(&key);
	sb_printf(&key, "%s\n%s", a->slug, v->lang);
	e = &snippet_texts[str_hash(key.data) % SNIPPET_SLOTS];
	if (e->key == NULL || strcmp(e->key, key.data) != 0) {
		if ((text = snapshot_bodies_plain(reader, a->slug, v->lang,
		    SNIPPET_SOURCE / 3)) == NULL) {
			sb_free(&key);
			return (NULL);
		}
		free(e->key);
		free(e->text);
		e->key = sb_detach(&key);
		e->text = text;
	}
	sb_free(&key);
	return (e->text);
}
