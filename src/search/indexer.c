/* indexer.c: diff the catalog against the index by content hash; fold text before indexing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fold.h"
#include "indexer.h"
#include "search.h"
#include "util/strbuf.h"
#include "util/strmap.h"

struct existing {
	struct strmap	 ids;		/* id -> index into hashes */
	char		**hashes;
	char		**names;
	size_t		  n;
};

static void
collect(const char *id, const char *hash, void *arg)
{
	struct existing	*ex = arg;

	ex->hashes = xrealloc(ex->hashes, (ex->n + 1) * sizeof(char *));
	ex->names = xrealloc(ex->names, (ex->n + 1) * sizeof(char *));
	ex->hashes[ex->n] = xstrdup(hash);
	ex->names[ex->n] = xstrdup(id);
	strmap_put(&ex->ids, id, ex->n);
	ex->n++;
}

static void
fnv(unsigned long long *h, const char *s)
{
	if (s == NULL)
		s = "";
	for (; *s != '\0'; s++) {
		*h ^= (unsigned char)*s;
		*h *= 1099511628211ULL;
	}
	*h ^= 0xff;	/* field separator */
	*h *= 1099511628211ULL;
}

static char *
join_tags(const struct article_version *v)
{
	struct strbuf	sb;
	size_t		i;

	sb_init(&sb);
	for (i = 0; i < v->ntags; i++) {
		if (i > 0)
			sb_putc(&sb, ' ');
		sb_puts(&sb, v->tags[i]);
	}
	return (sb_detach(&sb));
}

static char *
fold_str(const char *s)
{
	return (fold_text(s ? s : "", s ? strlen(s) : 0));
}

static int
put_version(hc_index *ix, const struct article *a,
    const struct article_version *v, const char *id, const char *hash)
{
	struct hc_doc		 d;
	char			*tags, *f[5];
	hc_search_status	 s;
	int			 i;

	tags = join_tags(v);
	f[0] = fold_str(v->title);
	f[1] = fold_str(tags);
	f[2] = fold_str(v->summary);
	f[3] = fold_str(v->headings);
	f[4] = fold_str(v->plain);
	memset(&d, 0, sizeof(d));
	d.id = id;
	d.type = "article";
	d.lang = v->lang;
	d.category = a->category;
	d.title = f[0];
	d.tags = f[1];
	d.summary = f[2];
	d.headings = f[3];
	d.body = f[4];
	d.hash = hash;
	d.updated = v->updated;
	s = hc_index_put(ix, &d);
	for (i = 0; i < 5; i++)
		free(f[i]);
	free(tags);
	if (s != HC_SEARCH_OK) {
		fprintf(stderr, "index: %s: %s\n", id, hc_index_last_error(ix));
		return (-1);
	}
	return (0);
}

static hc_index *
open_writer(const char *path)
{
	hc_index		*ix;
	hc_search_status	 s;
	char			 aside[1100];

	s = hc_index_open(path, 1, &ix);
	if (s == HC_SEARCH_ERR_CORRUPT) {
		fprintf(stderr, "index: %s is damaged (%s); rebuilding it\n",
		    path, hc_index_last_error(ix));
		hc_index_close(ix);
		(void)snprintf(aside, sizeof(aside), "%s.damaged.%lld", path,
		    (long long)time(NULL));
		if (rename(path, aside) != 0)
			return (NULL);
		s = hc_index_open(path, 1, &ix);
	}
	if (s != HC_SEARCH_OK) {
		fprintf(stderr, "index: cannot open %s: %s (%s)\n", path,
		    hc_search_status_to_string(s), ix ?
		    hc_index_last_error(ix) : "");
		hc_index_close(ix);
		return (NULL);
	}
	return (ix);
}

int
indexer_sync(const char *path, const struct catalog *cat, int force,
    struct index_stats *st)
{
	hc_index			*ix;
	struct existing			 ex;
	const struct article		*a;
	const struct article_version	*v;
	struct strmap			 seen;
	unsigned long long		 h;
	char				 hash[20], updated[24];
	struct strbuf			 id;
	size_t				 i, j, k, dummy;
	int				 rc = 0;

	memset(st, 0, sizeof(*st));
	if ((ix = open_writer(path)) == NULL)
		return (-1);
	memset(&ex, 0, sizeof(ex));
	strmap_init(&ex.ids);
	strmap_init(&seen);
	if (hc_index_each(ix, collect, &ex) != HC_SEARCH_OK) {
		fprintf(stderr, "index: cannot list %s: %s\n", path,
		    hc_index_last_error(ix));
		rc = -1;
	}
	sb_init(&id);
	for (i = 0; rc == 0 && i < cat->narts; i++) {
		a = &cat->arts[i];
		for (j = 0; rc == 0 && j < a->nversions; j++) {
			v = &a->versions[j];
			sb_reset(&id);
			sb_printf(&id, "article:%s:%s", a->slug, v->lang);
			strmap_put(&seen, id.data, 1);
			h = 1469598103934665603ULL;
			(void)snprintf(updated, sizeof(updated), "%lld",
			    v->updated);
			fnv(&h, a->category);
			fnv(&h, v->title);
			fnv(&h, v->summary);
			fnv(&h, v->headings);
			fnv(&h, v->plain);
			fnv(&h, updated);
			for (k = 0; k < v->ntags; k++)
				fnv(&h, v->tags[k]);
			(void)snprintf(hash, sizeof(hash), "%016llx", h);
			if (!force && strmap_get(&ex.ids, id.data, &k) &&
			    !strcmp(ex.hashes[k], hash)) {
				st->unchanged++;
				continue;
			}
			if (put_version(ix, a, v, id.data, hash) != 0)
				rc = -1;
			st->put++;
		}
	}
	for (i = 0; rc == 0 && i < ex.n; i++) {
		/* Threads are the community module's; leave them alone. */
		if (strncmp(ex.names[i], "article:", 8) ||
		    strmap_get(&seen, ex.names[i], &dummy))
			continue;
		if (hc_index_delete(ix, ex.names[i]) != HC_SEARCH_OK)
			rc = -1;
		st->deleted++;
	}
	if (rc == 0 && (st->put > 0 || st->deleted > 0) &&
	    hc_index_commit(ix) != HC_SEARCH_OK) {
		fprintf(stderr, "index: commit failed: %s\n",
		    hc_index_last_error(ix));
		rc = -1;
	}
	hc_index_close(ix);
	for (i = 0; i < ex.n; i++) {
		free(ex.hashes[i]);
		free(ex.names[i]);
	}
	free(ex.hashes);
	free(ex.names);
	strmap_free(&ex.ids);
	strmap_free(&seen);
	sb_free(&id);
	return (rc);
}

int
indexer_parse_article_id(const char *id, char **slug, char **lang)
{
	const char	*p, *q;

	if (strncmp(id, "article:", 8))
		return (-1);
	p = id + 8;
	if ((q = strchr(p, ':')) == NULL)
		return (-1);
	*slug = xstrndup(p, (size_t)(q - p));
	*lang = xstrdup(q + 1);
	return (0);
}
