/* pages.c: the HTML pages of the catalog: home, category, article, its source and images, 404. */
#include <stdlib.h>
#include <string.h>

#include "http/core/site.h"
#include "community/community.h"
#include "http/core/assets.h"
#include "http/core/bodies.h"
#include "http/deflection/funnel.h"
#include "http/core/page_cache.h"
#include "http/core/visitor.h"
#include "render/i18n.h"
#include "settings.h"
#include "util/text.h"

int	page_home(struct http_request *);
int	page_category(struct http_request *);
int	page_article(struct http_request *);
int	page_not_found(struct http_request *);

#define HOME_LIST_LEN	6
#define RELATED_LEN	5

static json_t *
category_card(const struct category *c, const char *lang)
{
	const struct category_text	*t;
	json_t				*o;
	struct strbuf			 url;

	t = category_text_in(c, lang);
	sb_init(&url);
	sb_printf(&url, "/categories/%s", c->slug);
	o = json_pack("{s:s, s:s, s:s?, s:s, s:I}", "slug", c->slug,
	    "title", t->title, "description", t->description, "url", url.data,
	    "count", (json_int_t)c->total);
	sb_free(&url);
	return (o);
}

static json_t *
article_list(const struct category *c, const char *lang)
{
	json_t	*arr;
	size_t	 i;

	arr = json_array();
	for (i = 0; i < c->narticles; i++)
		json_array_append_new(arr,
		    article_summary_json(&site.cat->arts[c->articles[i]], lang));
	return (arr);
}

int
page_home(struct http_request *req)
{
	const char	*lang;
	json_t		*ctx, *cats, *top, *recent, *popular;
	size_t		 i;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	lang = request_lang(req);
	ctx = page_context(req, lang, NULL);
	json_object_set_new(ctx, "is_home", json_true());
	json_object_set_new(ctx, "hide_header_search", json_true());
	cats = json_array();
	top = json_array();
	for (i = 0; i < site.cat->ncats; i++) {
		const struct category *c = &site.cat->cats[i];
		if (c->parent != NULL)
			continue;
		json_array_append_new(cats, category_card(c, lang));
		/* Editors put a category's most asked article first. */
		if (c->narticles > 0 && json_array_size(top) < HOME_LIST_LEN)
			json_array_append_new(top, article_summary_json(
			    &site.cat->arts[c->articles[0]], lang));
	}
	recent = json_array();
	for (i = 0; i < site.cat->narts && i < HOME_LIST_LEN; i++)
		json_array_append_new(recent, article_summary_json(
		    &site.cat->arts[site.cat->recent[i]], lang));
	json_object_set_new(ctx, "categories", cats);
	/* Most viewed over 30 days once views are counted (deflection). */
	if ((popular = funnel_popular(lang, HOME_LIST_LEN)) != NULL) {
		json_decref(top);
		top = popular;
	}
	json_object_set_new(ctx, "popular", top);
	json_object_set_new(ctx, "recent", recent);
	/* community: the teaser's newest questions (pinned first). */
	if (site.db != NULL)
		json_object_set_new(ctx, "community_threads",
		    cm_recent(site.db, 5));
	return (respond_page(req, 200, "home", ctx));
}

static json_t *
breadcrumb(const char *category, const char *lang)
{
	const struct category	*c;
	json_t			*arr;
	char			 parent[256];

	arr = json_array();
	if ((c = catalog_category(site.cat, category)) == NULL)
		return (arr);
	if (c->parent != NULL) {
		(void)snprintf(parent, sizeof(parent), "%s", c->parent);
		json_array_append_new(arr, category_ref_json(parent, lang));
	}
	json_array_append_new(arr, category_ref_json(category, lang));
	return (arr);
}

/* Decodes the rest of the path after prefix; NULL when malformed. */
static char *
path_rest(struct http_request *req, const char *prefix)
{
	char	*rest;

	rest = xstrdup(req->path + strlen(prefix));
	if (url_decode(rest, 0, NULL) != 0 || strstr(rest, "..") != NULL) {
		free(rest);
		return (NULL);
	}
	return (rest);
}

int
page_category(struct http_request *req)
{
	const struct category	*c;
	const char		*lang;
	json_t			*ctx, *sections;
	char			*slug;
	size_t			 i;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if ((slug = path_rest(req, "/categories/")) == NULL)
		return (respond_error_page(req, 400, NULL));
	if ((c = catalog_category(site.cat, slug)) == NULL) {
		free(slug);
		return (respond_error_page(req, 404, NULL));
	}
	free(slug);
	lang = request_lang(req);
	ctx = page_context(req, lang, category_text_in(c, lang)->title);
	json_object_set_new(ctx, "category", category_card(c, lang));
	json_object_set_new(ctx, "breadcrumb", c->parent ?
	    breadcrumb(c->parent, lang) : json_array());
	json_object_set_new(ctx, "has_articles", json_boolean(c->narticles > 0));
	json_object_set_new(ctx, "articles", article_list(c, lang));
	sections = json_array();
	for (i = 0; i < site.cat->ncats; i++) {
		const struct category *s = &site.cat->cats[i];
		json_t *card;
		if (s->parent == NULL || strcmp(s->parent, c->slug))
			continue;
		card = category_card(s, lang);
		json_object_set_new(card, "articles", article_list(s, lang));
		json_array_append_new(sections, card);
	}
	json_object_set_new(ctx, "sections", sections);
	return (respond_page(req, 200, "category", ctx));
}

/*
 * Up to RELATED_LEN articles sharing the most tags with v (2 points each),
 * then the same category (1 point); one pass over the catalog.
 */
static json_t *
related(const struct article *a, const struct article_version *v,
    const char *lang)
{
	const struct article	*o, *best[RELATED_LEN];
	int			 score, bests[RELATED_LEN];
	json_t			*arr;
	size_t			 i, j, k, n;

	n = 0;
	for (i = 0; i < site.cat->narts; i++) {
		o = &site.cat->arts[i];
		if (o == a)
			continue;
		score = strcmp(o->category, a->category) ? 0 : 1;
		for (j = 0; j < v->ntags; j++)
			for (k = 0; k < o->versions[0].ntags; k++)
				if (!strcmp(v->tags[j], o->versions[0].tags[k]))
					score += 2;
		if (score == 0 || (n == RELATED_LEN &&
		    score <= bests[n - 1]))
			continue;
		/* Insert in order; ties keep catalog (slug) order. */
		if (n < RELATED_LEN)
			n++;
		for (j = n - 1; j > 0 && bests[j - 1] < score; j--) {
			best[j] = best[j - 1];
			bests[j] = bests[j - 1];
		}
		best[j] = o;
		bests[j] = score;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, article_summary_json(best[i], lang));
	return (arr);
}

static int
send_asset(struct http_request *req, const char *key)
{
	const struct asset	*a;

	if ((a = catalog_asset(site.cat, key)) == NULL)
		return (respond_error_page(req, 404, NULL));
	http_response_header(req, "cache-control", "public, max-age=3600");
	/* An SVG opened on its own must not run script. */
	http_response_header(req, "content-security-policy",
	    "default-src 'none'; style-src 'unsafe-inline'; sandbox");
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_header(req, "content-type", media_type(key));
	http_response(req, 200, a->data, a->len);
	return (KORE_RESULT_OK);
}

/*
 * The page depends on the path, the language and the query, which the
 * language switcher keeps; the page cache takes requests whose query holds
 * only what the switcher drops (lang, sid, pos), none that the page reads
 * otherwise (feedback). Returns the cache key (free() it) or NULL.
 */
static char *
page_key(struct http_request *req, const char *lang)
{
	struct strbuf	 key;
	const char	*p, *amp;

	for (p = req->query_string; p != NULL && *p != '\0'; p = amp ?
	    amp + 1 : "") {
		amp = strchr(p, '&');
		if (strncmp(p, "lang=", 5) && strncmp(p, "sid=", 4) &&
		    strncmp(p, "pos=", 4) && p != amp)
			return (NULL);
	}
	sb_init(&key);
	sb_printf(&key, "%s\x1f%s", req->path, lang);
	return (sb_detach(&key));
}

/*
 * An article page; draft: an editor's preview of a draft, never cached
 * (here or by anyone), not indexed, with a banner, and no feedback or
 * view events (a preview is not a reader).
 */
static int
send_article(struct http_request *req, const struct article *a,
    int markdown, int draft)
{
	const struct article_version	*v;
	const char			*lang;
	const struct version_body	*body;
	json_t				*ctx, *toc, *others, *rel;
	struct strbuf			 page;
	char				 date[32], csrf[65], *cache_key;
	size_t				 i;
	int				 fallback;

	lang = request_lang(req);
	fallback = 0;
	if ((v = article_version_in(a, lang)) == NULL) {
		v = &a->versions[0];
		fallback = 1;
	}
	if ((body = bodies_get(a, v)) == NULL)
		return (respond_error_page(req, 404, NULL));
	if (markdown) {
		http_response_header(req, "cache-control", draft ?
		    "private, no-store" : "no-cache");
		return (respond_bytes(req, 200, "text/markdown; charset=utf-8",
		    body->markdown, strlen(body->markdown)));
	}
	sb_init(&page);
	cache_key = NULL;
	if (!draft && (cache_key = page_key(req, lang)) != NULL) {
		csrf_token(req, csrf);
		if (page_cache_get(cache_key, 0, csrf, &page, NULL)) {
			funnel_article_view(req, a->slug, v->lang);
			goto send;
		}
	}
	/* The interface is the visitor's; the article has its own lang. */
	ctx = page_context(req, lang, v->title);
	format_date(v->updated, date, sizeof(date));
	toc = json_array();
	for (i = 0; i < v->ntoc; i++)
		json_array_append_new(toc, json_pack("{s:i, s:s, s:s}",
		    "level", v->toc[i].level, "anchor", v->toc[i].anchor,
		    "text", v->toc[i].text));
	others = json_array();
	for (i = 0; i < a->nversions; i++) {
		char key[32], url[256];
		if (&a->versions[i] == v)
			continue;
		(void)snprintf(key, sizeof(key), "lang_%s", a->versions[i].lang);
		(void)snprintf(url, sizeof(url), "/articles/%s?lang=%s",
		    a->slug, a->versions[i].lang);
		json_array_append_new(others, json_pack("{s:s, s:s, s:s}",
		    "lang", a->versions[i].lang, "name",
		    i18n_get("zh-CN", key), "url", url));
	}
	json_object_set_new(ctx, "article", json_pack("{s:s, s:s, s:s?, "
	    "s:s, s:s, s:s, s:b, s:b}", "slug", a->slug, "title", v->title,
	    "summary", v->summary, "html", body->html, "updated", date,
	    "lang", v->lang, "fallback", fallback, "draft", draft));
	if (draft)
		json_object_set_new(ctx, "noindex", json_true());
	if (fallback) {
		char key[32];
		(void)snprintf(key, sizeof(key), "lang_%s", v->lang);
		/* Named in the notice's language (簡體中文 in zh-TW). */
		json_object_set_new(ctx, "fallback_lang",
		    json_string(i18n_get(i18n_ui_lang(lang), key)));
	}
	if (v->summary != NULL)
		json_object_set_new(ctx, "description",
		    json_string(v->summary));
	json_object_set_new(ctx, "has_toc", json_boolean(v->ntoc > 0));
	json_object_set_new(ctx, "toc", toc);
	json_object_set_new(ctx, "other_langs", others);
	json_object_set_new(ctx, "breadcrumb", breadcrumb(a->category, lang));
	/* Deflection: the view, a search click, the helpfulness vote. */
	if (!draft)
		funnel_article(req, ctx, a->slug, v->lang,
		    cache_key != NULL ? page_cache_placeholder() : NULL);
	rel = related(a, v, lang);
	json_object_set_new(ctx, "has_related",
	    json_boolean(json_array_size(rel) > 0));
	json_object_set_new(ctx, "related", rel);
	render_page("article", ctx, &page);
	if (cache_key != NULL) {
		page_cache_put(cache_key, 0, page.data, page.len,
		    sizeof(csrf) - 1, 0, 0);
		sb_reset(&page);
		(void)page_cache_get(cache_key, 0, csrf, &page, NULL);
	}
send:
	if (draft) {
		/* The staff member's own view: no shared or browser copy. */
		http_response_header(req, "cache-control", "private, no-store");
		(void)respond_negotiated(req, 200, "text/html; charset=utf-8",
		    page.data, page.len, "Cookie, Accept-Language");
	} else
		(void)respond_html(req, 200, &page);
	sb_free(&page);
	free(cache_key);
	return (KORE_RESULT_OK);
}

int
page_article(struct http_request *req)
{
	const struct article	*a;
	struct token_owner	 owner;
	const char		*target;
	char			*rest, *dot, loc[256];
	int			 markdown, rc;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if ((rest = path_rest(req, "/articles/")) == NULL)
		return (respond_error_page(req, 400, NULL));
	markdown = 0;
	if ((dot = strstr(rest, ".assets/")) != NULL && strchr(rest, '/') ==
	    dot + 7) {
		rc = send_asset(req, rest);
		free(rest);
		return (rc);
	}
	if ((dot = strrchr(rest, '.')) != NULL && !strcmp(dot, ".md")) {
		*dot = '\0';
		markdown = 1;
	}
	if (!slug_valid(rest)) {
		free(rest);
		return (respond_error_page(req, 404, NULL));
	}
	if ((a = catalog_article(site.cat, rest)) == NULL) {
		if ((target = catalog_alias(site.cat, rest)) != NULL) {
			(void)snprintf(loc, sizeof(loc), "/articles/%s%s",
			    target, markdown ? ".md" : "");
			free(rest);
			return (respond_redirect(req, 301, loc));
		}
		/* A draft is there for editors only; for others, as absent. */
		if ((a = catalog_draft(site.cat, rest)) != NULL &&
		    staff_auth(req, TOKEN_ROLE_EDITOR, &owner)) {
			free(rest);
			return (send_article(req, a, markdown, 1));
		}
		free(rest);
		return (respond_error_page(req, 404, NULL));
	}
	free(rest);
	return (send_article(req, a, markdown, 0));
}

int
page_not_found(struct http_request *req)
{
	/* Any method: what is not here is not here. */
	(void)site_begin(req, HTTP_METHOD_ALL);
	if (!strncmp(req->path, "/api/", 5))
		return (respond_json_error(req, 404, "not_found", "No API "
		    "endpoint at this address; the API is described in "
		    "docs/api.md.",
		    NULL));
	return (respond_error_page(req, 404, NULL));
}
