/* strmap.c: FNV-1a hashing with linear probing; grows at half full. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"

static size_t
hash(const char *s)
{
	size_t	h = 1469598103934665603ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (h);
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m)
{
	size_t	i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	strmap_init(m);
}

static size_t
slot(const struct strmap *m, const char *key)
{
	size_t	i;

	for (i = hash(key) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1)) {
		if (!strcmp(m->keys[i], key))
			break;
	}
	return (i);
}

void
strmap_put(struct strmap *m, const char *key, size_t val)
{
	struct strmap	 old;
	size_t		 i;

	if ((m->n + 1) * 2 > m->cap) {
		old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof(char *));
		m->vals = xcalloc(m->cap, sizeof(size_t));
		m->n = 0;
		for (i = 0; i < old.cap; i++) {
			if (old.keys[i] == NULL)
				continue;
			strmap_put(m, old.keys[i], old.vals[i]);
			free(old.keys[i]);
		}
		free(old.keys);
		free(old.vals);
	}
	i = slot(m, key);
	if (m->keys[i] == NULL) {
		m->keys[i] = xstrdup(key);
		m->n++;
	}
	m->vals[i] = val;
}

int
strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	size_t	i;

	if (m->cap == 0)
		return (0);
	i = slot(m, key);
	if (m->keys[i] == NULL)
		return (0);
	*val = m->vals[i];
	return (1);
}
