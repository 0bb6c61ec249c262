/* api_catalog.c: GET /api/v1/categories, /api/v1/articles and /api/v1/articles/<slug>. */
#include <stdlib.h>
#include <string.h>

#include "http/core/site.h"
#include "http/core/bodies.h"
#include "settings.h"
#include "util/text.h"

int	api_categories(struct http_request *);
int	api_articles(struct http_request *);
int	api_article(struct http_request *);

/*
 * The API's language: ?lang= only (no cookie; programs say what they want),
 * else the default. Returns NULL after answering 400.
 */
static const char *
api_lang(struct http_request *req, char *buf, size_t len)
{
	char	*q;
	int	 rc;

	if ((rc = query_get(req, "lang", &q)) == 0)
		return (settings.default_lang);
	if (rc < 0 || !lang_supported(q)) {
		free(q);
		(void)respond_json_error(req, 400, "invalid_lang",
		    "lang must be zh-CN, zh-TW or en.", "lang");
		return (NULL);
	}
	(void)snprintf(buf, len, "%s", q);
	free(q);
	return (buf);
}

static json_t *
category_json(const struct category *c, const char *lang)
{
	const struct category_text	*t;
	struct strbuf			 url;
	json_t				*o, *sections;
	size_t				 i;

	t = category_text_in(c, lang);
	sb_init(&url);
	sb_printf(&url, "/categories/%s", c->slug);
	o = json_pack("{s:s, s:s, s:s?, s:s, s:I}", "slug", c->slug, "title",
	    t->title, "description", t->description, "url", url.data,
	    "count", (json_int_t)c->total);
	sb_free(&url);
	if (c->parent == NULL) {
		sections = json_array();
		for (i = 0; i < site.cat->ncats; i++) {
			if (site.cat->cats[i].parent != NULL &&
			    !strcmp(site.cat->cats[i].parent, c->slug))
				json_array_append_new(sections,
				    category_json(&site.cat->cats[i], lang));
		}
		json_object_set_new(o, "sections", sections);
	}
	return (o);
}

int
api_categories(struct http_request *req)
{
	const char	*lang;
	char		 buf[8];
	json_t		*arr;
	size_t		 i;

	if (!allow_get(req) || (lang = api_lang(req, buf, sizeof(buf))) == NULL)
		return (KORE_RESULT_OK);
	arr = json_array();
	for (i = 0; i < site.cat->ncats; i++) {
		if (site.cat->cats[i].parent == NULL)
			json_array_append_new(arr,
			    category_json(&site.cat->cats[i], lang));
	}
	return (respond_json(req, 200, json_pack("{s:o}", "categories", arr)));
}

int
api_articles(struct http_request *req)
{
	const struct category	*c;
	const struct article	*a;
	const char		*lang;
	char			 buf[8], *cat;
	json_t			*arr;
	size_t			 i, n;
	int			 rc;

	if (!allow_get(req) || (lang = api_lang(req, buf, sizeof(buf))) == NULL)
		return (KORE_RESULT_OK);
	c = NULL;
	if ((rc = query_get(req, "category", &cat)) != 0) {
		if (rc < 0 || (c = catalog_category(site.cat, cat)) == NULL) {
			free(cat);
			return (respond_json_error(req, 400,
			    "unknown_category", "No category has this slug; "
			    "GET /api/v1/categories lists them.", "category"));
		}
		free(cat);
	}
	arr = json_array();
	for (i = 0; i < site.cat->narts; i++) {
		a = &site.cat->arts[i];
		n = c ? strlen(c->slug) : 0;
		/* A category includes its sections' articles. */
		if (c != NULL && (strncmp(a->category, c->slug, n) ||
		    (a->category[n] != '\0' && a->category[n] != '/')))
			continue;
		json_array_append_new(arr, article_summary_json(a, lang));
	}
	return (respond_json(req, 200, json_pack("{s:I, s:o}", "total",
	    (json_int_t)json_array_size(arr), "articles", arr)));
}

int
api_article(struct http_request *req)
{
	const struct article		*a;
	const struct article_version	*v;
	const struct version_body	*body;
	const char			*lang, *target;
	char				 buf[8], *slug, loc[256];
	json_t				*o, *toc;
	size_t				 i;

	if (!allow_get(req) || (lang = api_lang(req, buf, sizeof(buf))) == NULL)
		return (KORE_RESULT_OK);
	slug = xstrdup(req->path + strlen("/api/v1/articles/"));
	if (url_decode(slug, 0, NULL) != 0 || !slug_valid(slug)) {
		free(slug);
		return (respond_json_error(req, 404, "not_found",
		    "No article has this slug.", NULL));
	}
	if ((a = catalog_article(site.cat, slug)) == NULL) {
		target = catalog_alias(site.cat, slug);
		free(slug);
		if (target != NULL) {
			(void)snprintf(loc, sizeof(loc), "/api/v1/articles/%s",
			    target);
			return (respond_redirect(req, 301, loc));
		}
		return (respond_json_error(req, 404, "not_found",
		    "No article has this slug.", NULL));
	}
	free(slug);
	if ((v = article_version_in(a, lang)) == NULL)
		v = &a->versions[0];
	if ((body = bodies_get(a, v)) == NULL)
		return (respond_json_error(req, 404, "not_found",
		    "No article has this slug.", NULL));
	o = article_summary_json(a, lang);
	json_object_set_new(o, "fallback", json_boolean(strcmp(v->lang, lang)));
	json_object_set_new(o, "html", json_string(body->html));
	toc = json_array();
	for (i = 0; i < v->ntoc; i++)
		json_array_append_new(toc, json_pack("{s:i, s:s, s:s}",
		    "level", v->toc[i].level, "anchor", v->toc[i].anchor,
		    "text", v->toc[i].text));
	json_object_set_new(o, "toc", toc);
	return (respond_json(req, 200, o));
}
