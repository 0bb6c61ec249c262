/* community_common.c: checks and posting shared by the community's pages and API; form time stamps; thread JSON. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community_http.h"
#include "render/i18n.h"
#include "render/markdown.h"
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

int
cm_render(const char *md, char **html, char **plain)
{
	struct rendered	r;

	*html = *plain = NULL;
	if (cm_markdown_bounded(md) != 0)
		return (-1);
	memset(&r, 0, sizeof(r));
	if (markdown_render(md, strlen(md), MD_USER_CONTENT, &r) != 0)
		return (-1);
	*html = r.html;
	*plain = r.plain;
	r.html = r.plain = NULL;
	rendered_free(&r);
	return (0);
}

static void
fail(struct cm_result *r, int status, const char *code, const char *field,
    const char *message)
{
	r->status = status;
	r->code = code;
	r->field = field;
	r->message = message;
}

/* Checks one text field; 0 or -1 with r filled. */
static int
check_text(const char *s, const char *field, size_t min, size_t max,
    int multiline, struct cm_result *r)
{
	static char		 msg[160];
	enum text_problem	 p;

	p = text_field_check(s ? s : "", max, multiline);
	if (p == TEXT_EMPTY || (p == TEXT_OK && utf8_length(s) < min)) {
		(void)snprintf(msg, sizeof(msg), "The %s is %s; write at least "
		    "%zu characters.", field, p == TEXT_EMPTY ? "empty" :
		    "too short", min);
		fail(r, 400, p == TEXT_EMPTY ? "empty" : "too_short", field,
		    msg);
		return (-1);
	}
	if (p == TEXT_TOO_LONG) {
		(void)snprintf(msg, sizeof(msg), "The %s is too long: at most "
		    "%zu characters.", field, max);
		fail(r, 400, "too_long", field, msg);
		return (-1);
	}
	if (p != TEXT_OK) {
		(void)snprintf(msg, sizeof(msg), "The %s holds characters that "
		    "cannot be posted (control characters or bad UTF-8).",
		    field);
		fail(r, 400, "bad_characters", field, msg);
		return (-1);
	}
	return (0);
}

void
cm_submit(struct http_request *req, long long thread_id,
    const struct cm_input *in, struct cm_result *r)
{
	struct cm_thread	 t;
	struct cm_new		 n;
	const char		*visitor, *why, *reason = NULL;
	char			*name, *tags = NULL, *html = NULL, *plain = NULL;
	char			*name_key = NULL;
	char			 hash[17];
	int			 found;
	enum cm_name_status	 ns;
	enum cm_write		 w;

	memset(r, 0, sizeof(*r));
	memset(&t, 0, sizeof(t));
	visitor = visitor_id(req);
	if (site.db == NULL) {
		fail(r, 503, "unavailable", NULL, "The community is "
		    "unavailable for a moment; try again shortly.");
		return;
	}
	/* The thread first: answering a missing or locked one is pointless. */
	if (thread_id != 0) {
		found = cm_thread_get(site.db, thread_id, &t);
		if (found != 1 || strcmp(t.status, CM_PUBLISHED) != 0) {
			fail(r, 404, "not_found", NULL, "There is no such "
			    "question (it may have been removed).");
			goto done;
		}
		if (t.locked) {
			fail(r, 409, "locked", NULL, "This question is locked: "
			    "it takes no new answers.");
			goto done;
		}
	}
	if ((name = cm_name_get(site.db, visitor)) == NULL) {
		if (in->display_name == NULL || *in->display_name == '\0') {
			fail(r, 400, "missing", "display_name", "Choose a "
			    "display name for your first post.");
			goto done;
		}
		if (check_text(in->display_name, "display_name", 1,
		    CM_NAME_MAX, 0, r) != 0)
			goto done;
		if ((ns = cm_name_check(in->display_name, &name_key)) !=
		    CM_NAME_OK) {
			fail(r, ns == CM_NAME_ERROR ? 503 : 400, ns ==
			    CM_NAME_NOTHING_VISIBLE ? "name_invisible" :
			    "name_characters", "display_name",
			    cm_name_message(ns));
			goto done;
		}
		if (cm_name_taken(site.db, name_key, visitor) == 1) {
			fail(r, 409, "name_taken", "display_name",
			    cm_name_message(CM_NAME_TAKEN));
			goto done;
		}
		name = xstrdup(in->display_name);
	}
	if (thread_id == 0 && check_text(in->title, "title", CM_TITLE_MIN,
	    CM_TITLE_MAX, 0, r) != 0)
		goto out;
	if (check_text(in->body, "body", thread_id ? CM_ANSWER_MIN : 1,
	    CM_BODY_MAX, 1, r) != 0)
		goto out;
	if (thread_id == 0 && in->category != NULL && *in->category != '\0' &&
	    catalog_category(site.cat, in->category) == NULL) {
		fail(r, 400, "unknown_category", "category", "There is no "
		    "such category; leave it empty or pick one from the list.");
		goto out;
	}
	if (thread_id == 0 && (tags = cm_tags_normalise(in->tags, &why)) ==
	    NULL) {
		fail(r, 400, "bad_tags", "tags", why);
		goto out;
	}
	if (cm_render(in->body, &html, &plain) != 0) {
		fail(r, 400, "too_complex", "body", "The text is nested too "
		    "deeply or has too many brackets or emphasis marks; "
		    "simplify it.");
		goto out;
	}
	cm_body_hash(thread_id ? NULL : in->title, in->body, hash);
	/* The moderation rules: the post is kept, but not shown yet. */
	if (in->honeypot)
		reason = "honeypot";
	else if (in->too_fast)
		reason = "too_fast";
	else if (cm_count_links(in->body) + (thread_id ? 0 :
	    cm_count_links(in->title)) > CM_NEW_LINKS &&
	    cm_posts_by(site.db, visitor) < CM_NEW_POSTS)
		reason = "links";
	else if (cm_duplicate(site.db, hash, visitor,
	    (long long)time(NULL) - 600))
		reason = "duplicate";
	memset(&n, 0, sizeof(n));
	n.visitor = visitor;
	n.author = name;
	n.title = in->title;
	n.body_md = in->body;
	n.body_html = html;
	n.body_plain = plain;
	n.category = thread_id ? "" : (in->category ? in->category : "");
	n.tags = tags ? tags : "";
	n.lang = thread_id ? t.lang : request_lang(req);
	n.status = reason ? CM_QUEUED : CM_PUBLISHED;
	n.queue_reason = reason;
	n.body_hash = hash;
	n.name_key = name_key;
	w = thread_id ? cm_answer_create(site.db, thread_id, &n, &r->id) :
	    cm_thread_create(site.db, &n, &r->id);
	if (w == CM_WRITE_NAME_TAKEN) {
		fail(r, 409, "name_taken", "display_name",
		    cm_name_message(CM_NAME_TAKEN));
		goto out;
	}
	if (w != CM_WRITE_OK) {
		kore_log(LOG_ERR, "community: post not stored: %s",
		    db_errmsg(site.db));
		fail(r, 503, "unavailable", NULL, write_unavailable(req));
		goto out;
	}
	r->status = reason ? 202 : 201;
	r->reason = reason;
out:
	free(name);
done:
	free(name_key);
	free(tags);
	free(html);
	free(plain);
	cm_thread_free(&t);
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
