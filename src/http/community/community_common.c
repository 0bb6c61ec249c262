/* community_common.c: checks and posting shared by the community's pages and API; form time stamps; thread JSON. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community_http.h"
#include "render/i18n.h"
#include "search/search.h"
#include "search/snippet.h"
#include "http/core/site.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "http/core/visitor.h"

#define CM_SNIPPET_CHARS	120

void
cm_form_stamp(char out[FORM_STAMP_LEN])
{
	form_stamp_make(site.secret, "community", (long long)time(NULL), out);
}

int
cm_form_stamp_check(const char *stamp, int *too_fast)
{
	long long	age;

	age = form_stamp_age(site.secret, "community", stamp,
	    (long long)time(NULL));
	*too_fast = 0;
	if (age < 0 || age > CM_FORM_MAX_AGE)
		return (0);
	*too_fast = age < CM_MIN_FILL;
	return (1);
}

int
cm_path_id(const char *path, const char *prefix, long long *id,
    const char **rest)
{
	const char	*p;
	long long	 v = 0;

	if (strncmp(path, prefix, strlen(prefix)) != 0)
		return (0);
	p = path + strlen(prefix);
	if (*p < '1' || *p > '9')
		return (0);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > 99999999999LL)
			return (0);	/* no such thread: keeps the math sane */
		v = v * 10 + (*p - '0');
	}
	*id = v;
	if (rest != NULL)
		*rest = p;
	return (rest != NULL || *p == '\0');
}

int
cm_staff(struct http_request *req, struct token_owner *owner)
{
	return (staff_auth(req, TOKEN_ROLE_AGENT, owner));
}

/* One status per outcome of cm_post, for the pages and the API alike. */
static int
post_status(enum cm_post_result pr)
{
	switch (pr) {
	case CM_POST_PUBLISHED:
		return (201);
	case CM_POST_QUEUED:
		return (202);
	case CM_POST_INVALID:
		return (400);
	case CM_POST_NOT_FOUND:
		return (404);
	case CM_POST_LOCKED:
	case CM_POST_NAME_TAKEN:
		return (409);
	case CM_POST_UNAVAILABLE:
		break;
	}
	return (503);
}

void
cm_submit(struct http_request *req, const struct cm_post_input *sent,
    struct cm_result *r)
{
	struct cm_post_input	in;
	enum cm_post_result	pr;

	memset(r, 0, sizeof(*r));
	in = *sent;
	in.visitor = visitor_id(req);
	in.lang = request_lang(req);
	/* The catalog is the http layer's: the domain is told, not asked. */
	in.category_unknown = in.thread_id == 0 && in.category != NULL &&
	    *in.category != '\0' && catalog_category(site.cat,
	    in.category) == NULL;
	pr = cm_post(site.db, &in, &r->out);
	r->status = post_status(pr);
	r->id = r->out.id;
	r->reason = r->out.reason;
	r->code = r->out.code;
	r->field = r->out.field;
	r->message = r->out.message;
	if (pr == CM_POST_UNAVAILABLE && r->message == NULL) {
		kore_log(LOG_ERR, "community: post not stored: %s",
		    db_errmsg(site.db));
		r->message = write_unavailable(req);
	}
}

json_t *
cm_answer_json(const struct cm_answer *a, int accepted)
{
	return (json_pack("{s:I, s:s, s:s, s:s, s:I, s:b, s:I, s:I}",
	    "id", (json_int_t)a->id, "author", a->author,
	    "body_html", a->body_html, "body", a->body_md,
	    "score", (json_int_t)a->score, "accepted", accepted,
	    "created", (json_int_t)a->created,
	    "updated", (json_int_t)a->updated));
}

json_t *
cm_thread_json(const struct cm_thread *t, const struct cm_answer *a,
    size_t n)
{
	json_t		*o, *arr, *tags;
	const char	*p, *e;
	char		 url[64];
	size_t		 i;

	tags = json_array();
	for (p = t->tags; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, " ");
		if (e > p)
			json_array_append_new(tags, json_stringn(p,
			    (size_t)(e - p)));
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, cm_answer_json(&a[i],
		    a[i].id == t->accepted));
	(void)snprintf(url, sizeof(url), "/community/questions/%lld", t->id);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:b, "
	    "s:b, s:b, s:s?, s:I, s:I, s:I, s:I, s:s, s:o}",
	    "id", (json_int_t)t->id, "title", t->title, "author", t->author,
	    "body_html", t->body_html, "body", t->body_md,
	    "category", t->category, "tags", tags, "lang", t->lang,
	    "status", t->status, "solved", t->accepted != 0,
	    "locked", t->locked, "pinned", t->pinned,
	    "duplicate_of", t->duplicate_of, "score", (json_int_t)t->score,
	    "answer_count", (json_int_t)t->answers,
	    "created", (json_int_t)t->created,
	    "updated", (json_int_t)t->updated, "url", url, "answers", arr);
	if (o != NULL && t->accepted != 0)
		json_object_set_new(o, "accepted_answer",
		    json_integer(t->accepted));
	return (o);
}

json_t *
cm_search_result(const struct hc_hit *hit, char **highlight,
    size_t nhighlight, const char *lang, const char *search_id,
    size_t position)
{
	struct cm_thread	 t;
	struct strbuf		 url;
	json_t			*o;
	char			*snip, date[32];
	long long		 id;

	if (site.db == NULL || !cm_path_id(hit->id, "thread:", &id, NULL) ||
	    cm_thread_brief(site.db, id, &t) != 1)
		return (NULL);
	snip = snippet_make(t.body_plain, highlight, nhighlight,
	    CM_SNIPPET_CHARS);
	sb_init(&url);
	sb_printf(&url, "/community/questions/%lld?sid=%s&pos=%zu", id,
	    search_id, position);
	format_date(t.updated, date, sizeof(date));
	o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:f, s:s, s:b}",
	    "type", "thread", "id", (json_int_t)id, "title", t.title,
	    "url", url.data, "lang", t.lang,
	    "category", t.category[0] ? category_ref_json(t.category, lang) :
	    json_null(), "snippet", snip ? snip : "", "score", hit->score,
	    "updated", date, "solved", t.accepted != 0);
	free(snip);
	sb_free(&url);
	cm_thread_free(&t);
	return (o);
}

json_t *
cm_suggest_result(const struct hc_hit *hit)
{
	struct cm_thread	 t;
	json_t			*o;
	char			 url[64];
	long long		 id;

	if (site.db == NULL || !cm_path_id(hit->id, "thread:", &id, NULL) ||
	    cm_thread_brief(site.db, id, &t) != 1)
		return (NULL);
	(void)snprintf(url, sizeof(url), "/community/questions/%lld", id);
	o = json_pack("{s:s, s:s, s:s}", "title", t.title, "url", url,
	    "type", "thread");
	cm_thread_free(&t);
	return (o);
}

void
cm_add_tag_links(json_t *thread)
{
	struct strbuf	 url;
	json_t		*links, *tag;
	size_t		 i;

	links = json_array();
	json_array_foreach(json_object_get(thread, "tags"), i, tag) {
		if (!json_is_string(tag))
			continue;
		sb_init(&url);
		sb_puts(&url, "/community?tag=");
		url_encode(&url, json_string_value(tag));
		json_array_append_new(links, json_pack("{s:O, s:s}", "name",
		    tag, "url", url.data));
		sb_free(&url);
	}
	json_object_set_new(thread, "tag_links", links);
}

const char *
cm_result_message(const struct cm_result *r, const char *ui)
{
	const char	*text;
	char		 key[80];

	/* The most precise key first: code and field, then code alone. */
	if (r->field != NULL) {
		(void)snprintf(key, sizeof(key), "cm_err_%s_%s", r->code,
		    r->field);
		if ((text = i18n_get(ui, key)) != key)
			return (text);
	}
	(void)snprintf(key, sizeof(key), "cm_err_%s", r->code);
	if ((text = i18n_get(ui, key)) != key)
		return (text);
	return (r->message);
}
