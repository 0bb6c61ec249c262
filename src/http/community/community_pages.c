/* community_pages.c: /community (list), /community/new (ask, suggestions, deflection) and /community/similar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community_http.h"
#include "deflection/events.h"
#include "http/core/forms.h"
#include "http/core/assets.h"
#include "http/core/ratelimit.h"
#include "render/i18n.h"
#include "http/core/suggest.h"
#include "http/core/site.h"
#include "util/text.h"
#include "http/core/visitor.h"

int	page_community(struct http_request *);
int	page_community_new(struct http_request *);
int	community_similar(struct http_request *);

#define SIMILAR_MAX	8
#define MAX_LIST_PAGE	1000

static const char *const sorts[] = { "newest", "top", "unanswered",
    "solved" };

/* The community's own script and stylesheet, for its templates. */
void	cm_page_assets(json_t *);

void
cm_page_assets(json_t *ctx)
{
	json_object_set_new(ctx, "cm_js", json_string(
	    assets_url("community.js")));
	json_object_set_new(ctx, "cm_css", json_string(
	    assets_url("community.css")));
}

static json_t *
category_options(const char *lang, const char *selected)
{
	json_t	*arr;
	size_t	 i;

	arr = json_array();
	for (i = 0; i < site.cat->ncats; i++) {
		const struct category *c = &site.cat->cats[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}",
		    "slug", c->slug, "title", category_text_in(c, lang)->title,
		    "selected", selected != NULL && !strcmp(selected,
		    c->slug)));
	}
	return (arr);
}

/*
 * A listed thread's dates for people and for <time datetime>: when it was
 * asked, and its last activity when that was on another day.
 */
static void
list_dates(json_t *item)
{
	long long	created, updated;
	char		day[32], iso[40], aday[32], aiso[40];

	created = json_integer_value(json_object_get(item, "created"));
	updated = json_integer_value(json_object_get(item, "updated"));
	format_date(created, day, sizeof(day));
	format_rfc3339(created, iso, sizeof(iso));
	format_date(updated, aday, sizeof(aday));
	format_rfc3339(updated, aiso, sizeof(aiso));
	json_object_set_new(item, "asked_date", json_string(day));
	json_object_set_new(item, "asked_datetime", json_string(iso));
	if (updated > created && strcmp(day, aday) != 0) {
		json_object_set_new(item, "active_date", json_string(aday));
		json_object_set_new(item, "active_datetime",
		    json_string(aiso));
	}
}

int
page_community(struct http_request *req)
{
	const char	*lang, *ui, *sort;
	char		*s = NULL, *cat = NULL, *tag = NULL, *pg = NULL, *end;
	json_t		*ctx, *list, *tabs, *item;
	long long	 page = 1, total = 0;
	struct strbuf	 base, u;
	size_t		 i;
	int		 bad = 0;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	bad |= query_get(req, "sort", &s) < 0;
	bad |= query_get(req, "category", &cat) < 0;
	bad |= query_get(req, "tag", &tag) < 0;
	bad |= query_get(req, "page", &pg) < 0;
	sort = "newest";
	for (i = 0; s != NULL && i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (!strcmp(s, sorts[i]))
			sort = sorts[i];
	if (s != NULL && *s != '\0' && strcmp(s, sort))
		bad = 1;
	if (pg != NULL && *pg != '\0') {
		page = strtoll(pg, &end, 10);
		if (*end != '\0' || page < 1 || page > MAX_LIST_PAGE)
			bad = 1;
	}
	if ((cat && strlen(cat) > 200) || (tag && utf8_length(tag) > CM_TAG_MAX))
		bad = 1;
	if (bad) {
		free(s);
		free(cat);
		free(tag);
		free(pg);
		return (respond_error_page(req, 400, "sort, category, tag or "
		    "page is not valid."));
	}
	if (cat && *cat == '\0') {
		free(cat);
		cat = NULL;
	}
	if (tag && *tag == '\0') {
		free(tag);
		tag = NULL;
	}
	ctx = page_context(req, lang, i18n_get(ui, "cm_title"));
	cm_page_assets(ctx);
	list = site.db ? cm_thread_list(site.db, sort, cat, tag, page,
	    CM_PER_PAGE, &total) : NULL;
	if (list == NULL)
		list = json_array();
	json_array_foreach(list, i, item) {
		cm_add_tag_links(item);
		list_dates(item);
	}
	json_object_set_new(ctx, "threads", list);
	/* Tabs keep the filters. */
	sb_init(&base);
	if (cat) {
		sb_puts(&base, "&category=");
		url_encode(&base, cat);
	}
	if (tag) {
		sb_puts(&base, "&tag=");
		url_encode(&base, tag);
	}
	tabs = json_array();
	sb_init(&u);
	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		char key[32];

		sb_reset(&u);
		sb_printf(&u, "/community?sort=%s%s", sorts[i],
		    base.data ? base.data : "");
		(void)snprintf(key, sizeof(key), "cm_sort_%s", sorts[i]);
		json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}",
		    "label", i18n_get(ui, key), "url", u.data,
		    "current", !strcmp(sort, sorts[i])));
	}
	json_object_set_new(ctx, "tabs", tabs);
	if (page > 1) {
		sb_reset(&u);
		sb_printf(&u, "/community?sort=%s%s&page=%lld", sort,
		    base.data ? base.data : "", page - 1);
		json_object_set_new(ctx, "prev_url", json_string(u.data));
	}
	if (page * CM_PER_PAGE < total && page < MAX_LIST_PAGE) {
		sb_reset(&u);
		sb_printf(&u, "/community?sort=%s%s&page=%lld", sort,
		    base.data ? base.data : "", page + 1);
		json_object_set_new(ctx, "next_url", json_string(u.data));
	}
	if (cat || tag) {
		json_object_set_new(ctx, "filter_category", json_string(cat ?
		    cat : ""));
		json_object_set_new(ctx, "filter_tag", json_string(tag ? tag :
		    ""));
		json_object_set_new(ctx, "filtered", json_true());
	}
	json_object_set_new(ctx, "total", json_integer(total));
	sb_free(&u);
	sb_free(&base);
	free(s);
	free(cat);
	free(tag);
	free(pg);
	return (respond_page(req, 200, "community_list", ctx));
}

/* The ask form, with values and an error when it is shown again. */
static int
ask_form(struct http_request *req, int status,
    const struct cm_post_input *in, const char *error)
{
	const char	*lang, *ui;
	json_t		*ctx;
	char		 csrf[65], stamp[64], *name;

	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	ctx = page_context(req, lang, i18n_get(ui, "cm_new_title"));
	cm_page_assets(ctx);
	json_object_set_new(ctx, "noindex", json_true());
	csrf_token(req, csrf);
	cm_form_stamp(stamp);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	json_object_set_new(ctx, "stamp", json_string(stamp));
	name = site.db ? cm_name_get(site.db, visitor_id(req)) : NULL;
	if (name != NULL)
		json_object_set_new(ctx, "display_name_known",
		    json_string(name));
	free(name);
	json_object_set_new(ctx, "categories", category_options(lang,
	    in ? in->category : NULL));
	if (in != NULL) {
		json_object_set_new(ctx, "v_title", json_string(in->title ?
		    in->title : ""));
		json_object_set_new(ctx, "v_body", json_string(in->body ?
		    in->body : ""));
		json_object_set_new(ctx, "v_tags", json_string(in->tags ?
		    in->tags : ""));
		json_object_set_new(ctx, "v_name", json_string(
		    in->display_name ? in->display_name : ""));
	}
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	return (respond_page(req, status, "community_new", ctx));
}

/* The page after a post that went to moderators, or a deflection. */
int	cm_done_page(struct http_request *, int status, const char *title_key,
	    const char *text_key, long long thread_id);

int
cm_done_page(struct http_request *req, int status, const char *title_key,
    const char *text_key, long long thread_id)
{
	const char	*lang, *ui;
	json_t		*ctx;
	char		 url[64];

	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	ctx = page_context(req, lang, i18n_get(ui, title_key));
	cm_page_assets(ctx);
	json_object_set_new(ctx, "noindex", json_true());
	json_object_set_new(ctx, "heading", json_string(i18n_get(ui,
	    title_key)));
	json_object_set_new(ctx, "text", json_string(i18n_get(ui, text_key)));
	if (thread_id > 0) {
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    thread_id);
		json_object_set_new(ctx, "thread_url", json_string(url));
	}
	return (respond_page(req, status, "community_done", ctx));
}

/* "article:<slug>" or "thread:<id>": what the asker says answered them. */
static int
deflection_target_ok(const char *t)
{
	size_t	n;

	if (!strncmp(t, "article:", 8))
		return (slug_valid(t + 8));
	if (strncmp(t, "thread:", 7))
		return (0);
	n = strspn(t + 7, "0123456789");
	return (n > 0 && n <= 18 && t[7 + n] == '\0');
}

int
page_community_new(struct http_request *req)
{
	struct form		 f;
	struct cm_post_input	 in;
	struct cm_result	 r;
	const char		*hp, *action, *target;
	char			 url[64];

	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (req->method != HTTP_METHOD_POST)
		return (ask_form(req, 200, NULL, NULL));
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	if (!csrf_valid(req, form_get(&f, CSRF_FIELD))) {
		form_free(&f);
		return (respond_error_page(req, 403, "This form has expired "
		    "or came from another site; reload the page and send it "
		    "again."));
	}
	/* Posts and "an article answered me" share one budget. */
	if (!ratelimit_check(req, "post", CM_POSTS_PER_MINUTE)) {
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	action = form_get(&f, "action");
	if (action != NULL && !strcmp(action, "deflected")) {
		/* Explicit deflection: nothing is posted. */
		target = form_get(&f, "answered_by");
		if (target != NULL && !deflection_target_ok(target))
			target = NULL;
		if (site.db == NULL || event_deflected(site.db,
		    visitor_id(req), target, NULL) != 0) {
			form_free(&f);
			return (respond_error_page(req, 503, NULL));
		}
		form_free(&f);
		return (cm_done_page(req, 200, "cm_deflected_title",
		    "cm_deflected_text", 0));
	}
	memset(&in, 0, sizeof(in));
	in.title = form_get(&f, "title");
	in.body = form_get(&f, "body");
	in.category = form_get(&f, "category");
	in.tags = form_get(&f, "tags");
	in.display_name = form_get(&f, "display_name");
	hp = form_get(&f, "website");
	in.honeypot = hp != NULL && *hp != '\0';
	if (!cm_form_stamp_check(form_get(&f, "ts"), &in.too_fast)) {
		(void)ask_form(req, 400, &in, i18n_get(i18n_ui_lang(
		    request_lang(req)), "cm_err_stamp"));
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	cm_submit(req, &in, &r);
	if (r.status >= 400) {
		(void)ask_form(req, r.status, &in, cm_result_message(&r,
		    i18n_ui_lang(request_lang(req))));
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	form_free(&f);
	if (r.status == 202)
		return (cm_done_page(req, 202, "cm_queued_title",
		    "cm_queued_text", 0));
	(void)snprintf(url, sizeof(url), "/community/questions/%lld?posted="
	    "question", r.id);
	http_response_header(req, "location", url);
	security_headers(req);
	http_response(req, 303, NULL, 0);
	return (KORE_RESULT_OK);
}

/* Matching articles and threads while the title is typed. */
int
community_similar(struct http_request *req)
{
	struct suggest_query	 sq;
	struct suggestion	*s;
	json_t			*arr;
	char			*text = NULL, url[300], ref[200];
	int			 i, n;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (query_get(req, "q", &text) < 0 || (text && utf8_length(text) >
	    256)) {
		free(text);
		return (respond_json_error(req, 400, "bad_query", "q must be "
		    "UTF-8 text of at most 256 characters.", "q"));
	}
	arr = json_array();
	memset(&sq, 0, sizeof(sq));
	sq.text = text;
	sq.limit = SIMILAR_MAX;
	/* One character finds too much to be a suggestion. */
	if (text != NULL && utf8_length(text) >= 2 &&
	    (n = suggest_find(req, &sq, &s)) >= 0) {
		for (i = 0; i < n; i++) {
			if (s[i].slug != NULL) {
				(void)snprintf(url, sizeof(url),
				    "/articles/%s?lang=%s", s[i].slug,
				    s[i].lang);
				(void)snprintf(ref, sizeof(ref), "article:%s",
				    s[i].slug);
			} else {
				(void)snprintf(url, sizeof(url),
				    "/community/questions/%lld",
				    s[i].thread_id);
				(void)snprintf(ref, sizeof(ref), "thread:%lld",
				    s[i].thread_id);
			}
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, "
			    "s:s}", "title", s[i].title, "url", url, "type",
			    s[i].type, "ref", ref));
		}
		suggestions_free(s, n);
		if (n > 0)
			event_suggestion_shown(visitor_id(req), text, n);
	}
	free(text);
	return (respond_json(req, 200, json_pack("{s:o}", "suggestions",
	    arr)));
}
