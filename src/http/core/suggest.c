/* suggest.c: search as you type, shared by the contact form's suggestions and the community's "similar questions". */
#include <stdlib.h>
#include <string.h>

#include "community/community.h"
#include "publish/indexer.h"
#include "search/fold.h"
#include "site.h"
#include "suggest.h"
#include "util/strbuf.h"

/* The thread id of a "thread:<id>" index document, or 0. */
static long long
thread_of(const char *id)
{
	char		*end;
	long long	 n;

	if (strncmp(id, "thread:", 7) != 0 || id[7] < '1' || id[7] > '9')
		return (0);
	n = strtoll(id + 7, &end, 10);
	return (*end == '\0' ? n : 0);
}

/* Fills s from one index hit; 0, or -1 when it no longer exists. */
static int
resolve(const char *id, const struct suggest_query *sq, struct suggestion *s)
{
	const struct article		*a;
	const struct article_version	*v;
	struct cm_thread		 t;
	char				*slug, *lang;
	long long			 tid;
	int				 rc = -1;

	memset(s, 0, sizeof(*s));
	if (indexer_parse_article_id(id, &slug, &lang) == 0) {
		a = catalog_article(site.cat, slug);
		v = a ? article_version_in(a, lang) : NULL;
		if (v != NULL && (sq->exclude == NULL ||
		    strcmp(a->slug, sq->exclude) != 0)) {
			s->type = "article";
			s->title = xstrdup(v->title);
			s->slug = xstrdup(a->slug);
			s->lang = xstrdup(v->lang);
			rc = 0;
		}
		free(slug);
		free(lang);
		return (rc);
	}
	if (sq->articles_only || (tid = thread_of(id)) == 0 ||
	    site.db == NULL || cm_thread_brief(site.db, tid, &t) != 1)
		return (-1);
	s->type = "thread";
	s->title = xstrdup(t.title);
	s->thread_id = tid;
	cm_thread_free(&t);
	return (0);
}

int
suggest_find(struct http_request *req, const struct suggest_query *sq,
    struct suggestion **out)
{
	struct hc_query		 q;
	struct hc_results	*r;
	hc_index		*ix;
	char			*folded;
	size_t			 i;
	int			 n = 0;

	*out = NULL;
	if (sq->text == NULL || sq->text[strspn(sq->text, " \t")] == '\0' ||
	    (ix = search_reader()) == NULL)
		return (-1);
	folded = fold_text(sq->text, strlen(sq->text));
	memset(&q, 0, sizeof(q));
	q.text = folded;
	q.limit = sq->limit;
	q.prefix_last = 1;
	q.titles_only = sq->titles_only;
	q.type = sq->articles_only ? "article" : NULL;
	q.prefer_lang = request_lang(req);
	if (hc_search(ix, &q, &r) == HC_SEARCH_OK) {
		*out = xcalloc(r->nhits ? r->nhits : 1, sizeof(**out));
		for (i = 0; i < r->nhits; i++)
			if (resolve(r->hits[i].id, sq, &(*out)[n]) == 0)
				n++;
		hc_results_free(r);
	}
	free(folded);
	return (n);
}

void
suggestions_free(struct suggestion *s, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		free(s[i].title);
		free(s[i].slug);
		free(s[i].lang);
	}
	free(s);
}
