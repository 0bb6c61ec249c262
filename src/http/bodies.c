/* bodies.c: a small least-recently-used cache of article texts over the snapshot. */
#include <stdlib.h>
#include <string.h>

#include "bodies.h"
#include "util/strbuf.h"

/* About 15 KB an entry: a few MB per worker, whatever the tree's size. */
#define CACHE_SIZE	256
/* Bytes of plain text a snippet is made from (snippet.c scans 4 KB). */
#define SNIPPET_SOURCE	4096

struct entry {
	char			*key;		/* "slug\nlang", or NULL */
	struct version_body	 body;
	unsigned long		 used;
};

static struct entry		 cache[CACHE_SIZE];
static unsigned long		 tick;
static struct snapshot_bodies	*reader;

void
bodies_reset(const char *path)
{
	size_t	i;

	for (i = 0; i < CACHE_SIZE; i++) {
		free(cache[i].key);
		body_free(&cache[i].body);
		memset(&cache[i], 0, sizeof(cache[i]));
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

char *
bodies_snippet_text(const struct article *a, const struct article_version *v)
{
	size_t	n;

	if (v->plain != NULL) {
		/* Cut on a character boundary. */
		n = strnlen(v->plain, SNIPPET_SOURCE);
		while (n > 0 && ((unsigned char)v->plain[n] & 0xc0) == 0x80)
			n--;
		return (xstrndup(v->plain, n));
	}
	if (reader == NULL)
		return (NULL);
	return (snapshot_bodies_plain(reader, a->slug, v->lang,
	    SNIPPET_SOURCE / 3));
}
