/* funnel.c: the deflection hooks of the catalog and search pages: buffered view, click and search events, the popular list. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "funnel.h"
#include "http/core/assets.h"
#include "http/core/site.h"
#include "http/core/visitor.h"
#include "deflection/events.h"
#include "deflection/figures.h"
#include "deflection/votes.h"
#include "render/i18n.h"
#include "search/fold.h"
#include "settings.h"
#include "util/strbuf.h"
#include "util/text.h"

#define POPULAR_DAYS	30
#define POPULAR_TTL	60
#define SEARCH_ID_LEN	16
#define MAX_POSITION	10000

static json_t		*popular;	/* slugs, most viewed first */
static long long	 popular_at;

/* 1 when s is a search id as run_search makes them (16 hex digits). */
static int
search_id_valid(const char *s)
{
	size_t	i;

	if (strlen(s) != SEARCH_ID_LEN)
		return (0);
	for (i = 0; i < SEARCH_ID_LEN; i++)
		if (strchr("0123456789abcdef", s[i]) == NULL)
			return (0);
	return (1);
}

void
funnel_search_click(struct http_request *req, const char *visitor,
    const char *target, const char *slug)
{
	char		*sid, *pos, *end;
	long		 n;

	sid = pos = NULL;
	/* A malformed or forged sid/pos is not worth an error: no click. */
	if (query_get(req, "sid", &sid) != 1 || query_get(req, "pos", &pos) !=
	    1 || !search_id_valid(sid))
		goto done;
	n = strtol(pos, &end, 10);
	if (*end != '\0' || n < 1 || n > MAX_POSITION)
		goto done;
	event_search_click(visitor, sid, n, target, slug);
done:
	free(sid);
	free(pos);
}

static void
feedback_block(struct http_request *req, json_t *ctx, const char *slug,
    const char *csrf)
{
	const char	*ui, *lang;
	json_t		*fb, *reasons;
	char		*state, own_csrf[65], key[48];
	struct strbuf	 url;
	size_t		 i;

	/* The visitor's language, kept when the plain form comes back. */
	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	if (csrf == NULL) {
		csrf_token(req, own_csrf);
		csrf = own_csrf;
	}
	state = NULL;
	if (query_get(req, "feedback", &state) != 1) {
		free(state);
		state = NULL;
	}
	reasons = json_array();
	for (i = 0; vote_reasons[i] != NULL; i++) {
		(void)snprintf(key, sizeof(key), "fb_reason_%s",
		    vote_reasons[i]);
		json_array_append_new(reasons, json_pack("{s:s, s:s}", "value",
		    vote_reasons[i], "label", i18n_get(ui, key)));
	}
	fb = json_pack("{s:s, s:s, s:s, s:o}", "slug", slug, "csrf", csrf,
	    "lang", lang, "reasons", reasons);
	sb_init(&url);
	sb_printf(&url, "/articles/%s/feedback", slug);
	json_object_set_new(fb, "action", json_string(url.data));
	sb_reset(&url);
	sb_printf(&url, "/tickets/new?article=%s&from=feedback", slug);
	json_object_set_new(fb, "contact_url", json_string(url.data));
	sb_free(&url);
	/* The plain form's steps; with script the same blocks are toggled. */
	if (state != NULL && !strcmp(state, "yes"))
		json_object_set_new(fb, "thanks", json_true());
	else if (state != NULL && !strcmp(state, "no"))
		json_object_set_new(fb, "no", json_true());
	else if (state != NULL && !strcmp(state, "sent")) {
		json_object_set_new(fb, "thanks", json_true());
		json_object_set_new(fb, "sent", json_true());
	} else
		json_object_set_new(fb, "ask", json_true());
	free(state);
	json_object_set_new(ctx, "feedback", fb);
	json_object_set_new(ctx, "feedback_js",
	    json_string(assets_url("feedback.js")));
}

void
funnel_article(struct http_request *req, json_t *ctx, const char *slug,
    const char *lang, const char *csrf)
{
	(void)visitor_id(req);
	feedback_block(req, ctx, slug, csrf);
	/* Back from the plain vote form (?feedback=): not another read. */
	if (json_object_get(json_object_get(ctx, "feedback"), "ask") != NULL)
		funnel_article_view(req, slug, lang);
}

void
funnel_article_view(struct http_request *req, const char *slug,
    const char *lang)
{
	const char	*visitor;
	char		 target[160];

	visitor = visitor_id(req);
	if (!settings.events || req->method != HTTP_METHOD_GET)
		return;
	event_article_view(visitor, slug, lang);
	(void)snprintf(target, sizeof(target), "article:%s", slug);
	funnel_search_click(req, visitor, target, slug);
}

/* The query folded (one written form) and with runs of blanks made one. */
static char *
normalise(const char *q)
{
	struct strbuf	 sb;
	char		*f, *p;
	int		 blank;

	f = fold_text(q, strlen(q));
	sb_init(&sb);
	blank = 0;
	for (p = f; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t') {
			blank = sb.len > 0;
			continue;
		}
		if (blank)
			sb_putc(&sb, ' ');
		blank = 0;
		sb_putc(&sb, *p);
	}
	free(f);
	return (sb_detach(&sb));
}

void
funnel_search(struct http_request *req, const char *query, long long total,
    const char *search_id)
{
	char		*norm;

	if (!settings.events || req->method != HTTP_METHOD_GET)
		return;
	norm = normalise(query);
	event_search(visitor_id(req), search_id, query, norm, total);
	free(norm);
}

/*
 * The editors' order, as the home page shows it without views: the first
 * article of each top-level category, then the rest of each in order.
 * Returns a malloc'd array of borrowed slugs.
 */
static const char **
editors_order(size_t *n)
{
	const struct category	*c;
	const char		**order;
	size_t			  i, j, pass;

	order = xcalloc(site.cat->narts * 2 + 1, sizeof(*order));
	*n = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < site.cat->ncats; i++) {
			c = &site.cat->cats[i];
			if (c->parent != NULL)
				continue;
			for (j = pass; j < (pass == 0 ? 1 : c->narticles) &&
			    j < c->narticles; j++)
				order[(*n)++] =
				    site.cat->arts[c->articles[j]].slug;
		}
	return (order);
}

json_t *
funnel_popular(const char *lang, size_t max)
{
	const struct article	*a;
	const char		**order;
	json_t			*arr, *ranked, *slugs, *s;
	long long		 now;
	size_t			 i, norder;

	now = (long long)time(NULL);
	if (site.db != NULL && (popular == NULL || now - popular_at >=
	    POPULAR_TTL)) {
		json_decref(popular);
		/* More than needed: some may have been removed since. */
		popular = figures_most_viewed(site.db, now -
		    POPULAR_DAYS * 86400LL, (int)max * 2);
		popular_at = now;
	}
	if (popular == NULL || json_array_size(popular) == 0)
		return (NULL);
	ranked = json_array();
	json_array_foreach(popular, i, s)
		if (catalog_article(site.cat, json_string_value(s)) != NULL)
			json_array_append(ranked, s);
	order = editors_order(&norder);
	slugs = figures_popular_fill(ranked, order, norder, max);
	free(order);
	json_decref(ranked);
	arr = json_array();
	json_array_foreach(slugs, i, s)
		if ((a = catalog_article(site.cat, json_string_value(s))) !=
		    NULL)
			json_array_append_new(arr, article_summary_json(a, lang));
	json_decref(slugs);
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}
