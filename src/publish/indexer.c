/* indexer.c: diff the catalog against the index by content hash; fold text before indexing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search/fold.h"
#include "indexer.h"
#include "search/search.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/text.h"

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

/* One article version to (re)index. */
struct item {
	const struct article		*a;
	const struct article_version	*v;
	char				*id;
	char				 hash[20];
	int				 is_new;
};

/*
 * Builders in several threads prepare documents in order; the writer (the
 * calling thread) puts them in that order. Builders stay at most WINDOW
 * documents ahead, which bounds the memory held.
 */
#define WINDOW		256
#define MAX_BUILDERS	4
/*
 * A large change (the first build, --full, a new index format) is
 * committed every COMMIT_EVERY documents: Xapian keeps a transaction's
 * changes in memory, and 110,000 documents in one took 5.7 GB and 25
 * minutes. Readers then see such a change in steps (every document old
 * or new, none half); a change of fewer documents stays one commit.
 */
#define COMMIT_EVERY	2000

struct pipeline {
	struct item	*items;
	size_t		 n;
	hc_prepared	**ready;
	unsigned char	*done;
	size_t		 next;		/* the next item a builder takes */
	size_t		 consumed;	/* items the writer has put */
	int		 failed;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_ready;
	pthread_cond_t	 cv_space;
};

/* Folds the fields and builds the document: no index is touched. */
static hc_prepared *
prepare(hc_builder *b, const struct item *it)
{
	const struct article_version	*v = it->v;
	struct hc_doc			 d;
	hc_prepared			*p;
	char				*tags, *f[5];
	int				 i;

	tags = join_tags(v);
	f[0] = fold_str(v->title);
	f[1] = fold_str(tags);
	f[2] = fold_str(v->summary);
	f[3] = fold_str(v->headings);
	f[4] = fold_str(v->plain);
	memset(&d, 0, sizeof(d));
	d.id = it->id;
	d.type = "article";
	d.lang = v->lang;
	d.category = it->a->category;
	d.title = f[0];
	d.tags = f[1];
	d.summary = f[2];
	d.headings = f[3];
	d.body = f[4];
	d.hash = it->hash;
	d.updated = v->updated;
	if (hc_builder_prepare(b, &d, &p) != HC_SEARCH_OK)
		p = NULL;
	for (i = 0; i < 5; i++)
		free(f[i]);
	free(tags);
	return (p);
}

static void *
builder_thread(void *arg)
{
	struct pipeline	*pl = arg;
	hc_builder	*b;
	hc_prepared	*p;
	size_t		 i;

	b = hc_builder_new();
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		while (pl->next < pl->n && pl->next >= pl->consumed + WINDOW &&
		    !pl->failed)
			pthread_cond_wait(&pl->cv_space, &pl->mu);
		if (pl->next >= pl->n || pl->failed) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		i = pl->next++;
		pthread_mutex_unlock(&pl->mu);

		p = b != NULL ? prepare(b, &pl->items[i]) : NULL;

		pthread_mutex_lock(&pl->mu);
		pl->ready[i] = p;
		pl->done[i] = 1;
		pthread_cond_broadcast(&pl->cv_ready);
		pthread_mutex_unlock(&pl->mu);
	}
	hc_builder_free(b);
	return (NULL);
}

/* Prepares in parallel and puts in order; 0, or -1 on the first failure. */
static int
put_all(hc_index *ix, struct item *items, size_t n)
{
	struct pipeline	 pl;
	pthread_t	 th[MAX_BUILDERS];
	long		 cpus;
	size_t		 i, nth;
	int		 rc = 0;

	if (n == 0)
		return (0);
	memset(&pl, 0, sizeof(pl));
	pl.items = items;
	pl.n = n;
	pl.ready = xcalloc(n, sizeof(hc_prepared *));
	pl.done = xcalloc(n, 1);
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv_ready, NULL);
	pthread_cond_init(&pl.cv_space, NULL);
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	nth = cpus < 1 ? 1 : cpus > MAX_BUILDERS ? MAX_BUILDERS : (size_t)cpus;
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, builder_thread, &pl) != 0)
			break;
	nth = i;
	if (nth == 0)
		builder_thread(&pl);	/* no thread: build here, in order */

	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&pl.mu);
		while (!pl.done[i])
			pthread_cond_wait(&pl.cv_ready, &pl.mu);
		pthread_mutex_unlock(&pl.mu);
		if (rc == 0 && pl.ready[i] != NULL) {
			if (hc_index_put_prepared(ix, pl.ready[i],
			    items[i].is_new) != HC_SEARCH_OK) {
				fprintf(stderr, "index: %s: %s\n", items[i].id,
				    hc_index_last_error(ix));
				rc = -1;
			} else if ((i + 1) % COMMIT_EVERY == 0 && i + 1 < n &&
			    hc_index_commit(ix) != HC_SEARCH_OK) {
				fprintf(stderr, "index: commit failed: %s\n",
				    hc_index_last_error(ix));
				rc = -1;
			}
		} else {
			if (rc == 0)
				fprintf(stderr, "index: %s: cannot build the "
				    "document\n", items[i].id);
			hc_prepared_free(pl.ready[i]);
			rc = -1;
		}
		pl.ready[i] = NULL;
		pthread_mutex_lock(&pl.mu);
		pl.consumed = i + 1;
		pl.failed = rc != 0;
		pthread_cond_broadcast(&pl.cv_space);
		pthread_mutex_unlock(&pl.mu);
		if (rc != 0)
			break;
	}
	/* On failure, wait for builders and free what they made. */
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++)
		hc_prepared_free(pl.ready[i]);
	free(pl.ready);
	free(pl.done);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.cv_ready);
	pthread_cond_destroy(&pl.cv_space);
	return (rc);
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
	char				 hash[20], source[48];
	struct strbuf			 id;
	struct item			*items;
	size_t				 i, j, k, dummy, nitems;
	int				 rc = 0, known;

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
	items = NULL;
	nitems = 0;
	for (i = 0; rc == 0 && i < cat->narts; i++) {
		a = &cat->arts[i];
		for (j = 0; j < a->nversions; j++) {
			v = &a->versions[j];
			sb_reset(&id);
			sb_printf(&id, "article:%s:%s", a->slug, v->lang);
			strmap_put(&seen, id.data, 1);
			/*
			 * Every indexed field comes from the file's text: its
			 * hash (kept by the catalog's cache, so an edit does
			 * not rehash the whole tree), the folder and the date.
			 */
			(void)snprintf(source, sizeof(source), "%016llx %lld",
			    v->source_hash ? v->source_hash :
			    mem_hash(v->markdown ? v->markdown : "",
			    v->markdown ? strlen(v->markdown) : 0), v->updated);
			h = 1469598103934665603ULL;
			fnv(&h, a->category);
			fnv(&h, source);
			(void)snprintf(hash, sizeof(hash), "%016llx", h);
			known = strmap_get(&ex.ids, id.data, &k);
			if (!force && known && !strcmp(ex.hashes[k], hash)) {
				st->unchanged++;
				continue;
			}
			items = xrealloc(items, (nitems + 1) * sizeof(*items));
			items[nitems].a = a;
			items[nitems].v = v;
			items[nitems].id = xstrdup(id.data);
			memcpy(items[nitems].hash, hash, sizeof(hash));
			items[nitems].is_new = !known;
			nitems++;
		}
	}
	if (rc == 0)
		rc = put_all(ix, items, nitems);
	st->put = nitems;
	for (i = 0; i < nitems; i++)
		free(items[i].id);
	free(items);
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
