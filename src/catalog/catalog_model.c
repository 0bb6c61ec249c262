/* catalog_model.c: indexing, lookups and freeing of a catalog value. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "util/strbuf.h"

static int
slugcmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct article *)elem)->slug));
}

static int
aliascmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct alias *)elem)->alias));
}

static int
assetcmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct asset *)elem)->key));
}

static int
sort_articles(const void *a, const void *b)
{
	return (strcmp(((const struct article *)a)->slug,
	    ((const struct article *)b)->slug));
}

static int
sort_aliases(const void *a, const void *b)
{
	return (strcmp(((const struct alias *)a)->alias,
	    ((const struct alias *)b)->alias));
}

static int
sort_assets(const void *a, const void *b)
{
	return (strcmp(((const struct asset *)a)->key,
	    ((const struct asset *)b)->key));
}

static int
sort_categories(const void *a, const void *b)
{
	const struct category	*x = a, *y = b;

	if (x->order != y->order)
		return (x->order < y->order ? -1 : 1);
	return (strcmp(x->slug, y->slug));
}

/* For ordering a category's articles: by order, then title. */
static const struct catalog	*sorting;

static int
sort_in_category(const void *a, const void *b)
{
	const struct article	*x = &sorting->arts[*(const size_t *)a];
	const struct article	*y = &sorting->arts[*(const size_t *)b];
	int			 c;

	if (x->order != y->order)
		return (x->order < y->order ? -1 : 1);
	if ((c = strcmp(x->versions[0].title, y->versions[0].title)) != 0)
		return (c);
	return (strcmp(x->slug, y->slug));
}

static int
sort_newest_first(const void *a, const void *b)
{
	long long	x, y;

	x = sorting->arts[*(const size_t *)a].versions[0].updated;
	y = sorting->arts[*(const size_t *)b].versions[0].updated;
	return (x < y ? 1 : x > y ? -1 : 0);
}

void
catalog_index(struct catalog *cat)
{
	struct category	*c;
	size_t		 i, j;

	/* qsort() with a NULL base is undefined even for 0 elements. */
	if (cat->narts > 0)
		qsort(cat->arts, cat->narts, sizeof(*cat->arts), sort_articles);
	if (cat->ndraft_arts > 0)
		qsort(cat->draft_arts, cat->ndraft_arts,
		    sizeof(*cat->draft_arts), sort_articles);
	if (cat->naliases > 0)
		qsort(cat->aliases, cat->naliases, sizeof(*cat->aliases),
		    sort_aliases);
	if (cat->nassets > 0)
		qsort(cat->assets, cat->nassets, sizeof(*cat->assets),
		    sort_assets);
	if (cat->ncats > 0)
		qsort(cat->cats, cat->ncats, sizeof(*cat->cats),
		    sort_categories);

	for (i = 0; i < cat->ncats; i++) {
		c = &cat->cats[i];
		free(c->articles);
		c->articles = xcalloc(1, sizeof(size_t));
		c->narticles = 0;
		for (j = 0; j < cat->narts; j++) {
			if (strcmp(cat->arts[j].category, c->slug))
				continue;
			c->articles = xrealloc(c->articles,
			    (c->narticles + 1) * sizeof(size_t));
			c->articles[c->narticles++] = j;
		}
		sorting = cat;
		if (c->narticles > 0)
			qsort(c->articles, c->narticles, sizeof(size_t),
			    sort_in_category);
	}
	/* For "recently updated" and the feed, once per catalog. */
	free(cat->recent);
	cat->recent = xcalloc(cat->narts + 1, sizeof(size_t));
	for (i = 0; i < cat->narts; i++)
		cat->recent[i] = i;
	sorting = cat;
	if (cat->narts > 0)
		qsort(cat->recent, cat->narts, sizeof(size_t),
		    sort_newest_first);

	for (i = 0; i < cat->ncats; i++) {
		c = &cat->cats[i];
		c->total = c->narticles;
		for (j = 0; j < cat->ncats; j++) {
			if (cat->cats[j].parent != NULL &&
			    !strcmp(cat->cats[j].parent, c->slug))
				c->total += cat->cats[j].narticles;
		}
	}
}

const struct article *
catalog_article(const struct catalog *cat, const char *slug)
{
	/* bsearch may not be given a NULL array, even an empty one. */
	if (cat->narts == 0)
		return (NULL);
	return (bsearch(slug, cat->arts, cat->narts, sizeof(*cat->arts),
	    slugcmp));
}

const char *
catalog_alias(const struct catalog *cat, const char *alias)
{
	const struct alias	*a;

	if (cat->naliases == 0)
		return (NULL);
	a = bsearch(alias, cat->aliases, cat->naliases, sizeof(*cat->aliases),
	    aliascmp);
	return (a ? a->slug : NULL);
}

const struct asset *
catalog_asset(const struct catalog *cat, const char *key)
{
	if (cat->nassets == 0)
		return (NULL);
	return (bsearch(key, cat->assets, cat->nassets, sizeof(*cat->assets),
	    assetcmp));
}

const struct article *
catalog_draft(const struct catalog *cat, const char *slug)
{
	if (cat->ndraft_arts == 0)
		return (NULL);
	return (bsearch(slug, cat->draft_arts, cat->ndraft_arts,
	    sizeof(*cat->draft_arts), slugcmp));
}

const struct category *
catalog_category(const struct catalog *cat, const char *slug)
{
	size_t	i;

	for (i = 0; i < cat->ncats; i++)
		if (!strcmp(cat->cats[i].slug, slug))
			return (&cat->cats[i]);
	return (NULL);
}

const struct article_version *
article_version_in(const struct article *a, const char *lang)
{
	size_t	i;

	for (i = 0; i < a->nversions; i++)
		if (!strcmp(a->versions[i].lang, lang))
			return (&a->versions[i]);
	return (NULL);
}

const struct category_text *
category_text_in(const struct category *c, const char *lang)
{
	size_t	i;

	for (i = 0; i < c->ntexts; i++)
		if (!strcmp(c->texts[i].lang, lang))
			return (&c->texts[i]);
	return (&c->texts[0]);
}

static void
free_list(char **l, size_t n)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void
version_free(struct article_version *v)
{
	size_t	i;

	free(v->lang);
	free(v->path);
	free(v->title);
	free(v->summary);
	free_list(v->tags, v->ntags);
	free(v->markdown);
	free(v->html);
	free(v->plain);
	free(v->headings);
	for (i = 0; i < v->ntoc; i++) {
		free(v->toc[i].anchor);
		free(v->toc[i].text);
	}
	free(v->toc);
	free_list(v->links, v->nlinks);
	free(v->owner);
	free(v->review_by);
}

static void
articles_free(struct article *arts, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < arts[i].nversions; j++)
			version_free(&arts[i].versions[j]);
		free(arts[i].versions);
		free(arts[i].slug);
		free(arts[i].category);
		free_list(arts[i].aliases, arts[i].naliases);
	}
	free(arts);
}

void
catalog_free(struct catalog *cat)
{
	size_t	i, j;

	if (cat == NULL)
		return;
	articles_free(cat->arts, cat->narts);
	articles_free(cat->draft_arts, cat->ndraft_arts);
	for (i = 0; i < cat->ncats; i++) {
		for (j = 0; j < cat->cats[i].ntexts; j++) {
			free(cat->cats[i].texts[j].lang);
			free(cat->cats[i].texts[j].title);
			free(cat->cats[i].texts[j].description);
		}
		free(cat->cats[i].texts);
		free(cat->cats[i].slug);
		free(cat->cats[i].parent);
		free(cat->cats[i].articles);
	}
	free(cat->cats);
	for (i = 0; i < cat->naliases; i++) {
		free(cat->aliases[i].alias);
		free(cat->aliases[i].slug);
	}
	free(cat->aliases);
	for (i = 0; i < cat->nassets; i++) {
		free(cat->assets[i].key);
		free(cat->assets[i].data);
	}
	free(cat->assets);
	for (i = 0; i < cat->nproblems; i++) {
		free(cat->problems[i].file);
		free(cat->problems[i].reason);
	}
	free(cat->problems);
	free_list(cat->drafts, cat->ndrafts);
	free(cat->synonyms);
	free(cat->stopwords);
	free(cat->macros);
	free(cat->polyphones);
	free(cat->recent);
	free(cat->tree_error);
	free(cat);
}
