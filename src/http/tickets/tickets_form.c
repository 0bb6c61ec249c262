/* tickets_form.c: /tickets/new (the contact form), its suggestions, the suggestion redirect and "this solved my problem". */
#include <openssl/rand.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community/community.h"
#include "deflection/events.h"
#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "http/core/uploads.h"
#include "render/i18n.h"
#include "http/core/suggest.h"
#include "http/core/site.h"
#include "tickets_http.h"
#include "util/form_stamp.h"
#include "util/strbuf.h"
#include "util/text.h"

int	ticket_form(struct http_request *);
int	ticket_suggested(struct http_request *);
int	ticket_deflected(struct http_request *);
int	api_ticket_suggest(struct http_request *);

#define SUGGESTIONS		5
#define HONEYPOT_FIELD		"website"
#define MAX_PROBLEMS		8

/* Everything the form holds, as typed (borrowed strings). */
struct form_values {
	const char	*name, *email, *subject, *body, *category, *priority;
	const char	*article, *q, *thread, *from, *idem, *ts;
};

static void
random_key(char out[33])
{
	unsigned char		raw[16];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		fatal("no random bytes for an idempotency key");
	hex_encode(raw, sizeof(raw), out);
}

/* A positive thread id, 0 when absent, -1 when malformed. */
static long long
thread_id(const char *v)
{
	char		*end;
	long long	 n;

	if (v == NULL || v[0] == '\0')
		return (0);
	if (v[0] < '1' || v[0] > '9' || strlen(v) > 12)
		return (-1);
	n = strtoll(v, &end, 10);
	return (*end == '\0' ? n : -1);
}

/* ---- Suggestions (the search index, titles only) ---- */

/*
 * Articles matching q: [{title, url, slug}], each linking through
 * /tickets/suggested so that a click is counted. Records suggestion_shown.
 */
static json_t *
suggestions(struct http_request *req, const char *q, const char *exclude)
{
	struct suggest_query	 sq;
	struct suggestion	*s;
	struct strbuf		 url;
	json_t			*arr;
	int			 i, n;

	arr = json_array();
	memset(&sq, 0, sizeof(sq));
	sq.text = q;
	sq.limit = SUGGESTIONS;
	sq.titles_only = 1;
	sq.articles_only = 1;
	/* Not the article the customer just found unhelpful. */
	sq.exclude = exclude;
	if ((n = suggest_find(req, &sq, &s)) < 0)
		return (arr);
	sb_init(&url);
	for (i = 0; i < n; i++) {
		sb_reset(&url);
		sb_puts(&url, "/tickets/suggested?to=");
		url_encode(&url, s[i].slug);
		sb_printf(&url, "&pos=%d", i + 1);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}",
		    "title", s[i].title, "url", url.data, "slug", s[i].slug,
		    "lang", s[i].lang));
	}
	sb_free(&url);
	suggestions_free(s, n);
	event_suggestion_shown(visitor_id(req), q, n);
	return (arr);
}

int
api_ticket_suggest(struct http_request *req)
{
	char	*q;
	json_t	*arr;
	int	 rc;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if ((rc = query_get(req, "q", &q)) < 0 ||
	    (rc > 0 && utf8_length(q) > TICKET_QUERY_MAX)) {
		free(q);
		return (respond_json_error(req, 400, "invalid_query", "q must "
		    "be UTF-8 text of at most 256 characters.", "q"));
	}
	arr = suggestions(req, q, NULL);
	free(q);
	return (respond_json(req, 200, json_pack("{s:o}", "suggestions",
	    arr)));
}

/* GET /tickets/suggested?to=<slug>&pos=N: count the click, go there. */
int
ticket_suggested(struct http_request *req)
{
	struct strbuf	 sb;
	char		*to, *pos, *end;
	long		 n;
	int		 rc;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	to = pos = NULL;
	n = -1;
	if (query_get(req, "to", &to) != 1 || !slug_valid(to) ||
	    catalog_article(site.cat, to) == NULL) {
		rc = respond_error_page(req, 404, NULL);
		goto done;
	}
	if (query_get(req, "pos", &pos) == 1) {
		n = strtol(pos, &end, 10);
		if (*pos == '\0' || *end != '\0' || n < 1 || n > 100)
			n = -1;
	}
	event_suggestion_clicked(visitor_id(req), to, n);
	sb_init(&sb);
	sb_puts(&sb, "/articles/");
	url_encode(&sb, to);
	rc = tickets_redirect(req, 303, sb.data);
	sb_free(&sb);
done:
	free(to);
	free(pos);
	return (rc);
}

/* POST /tickets/deflected: "This solved my problem" (explicit deflection). */
int
ticket_deflected(struct http_request *req)
{
	struct form	 f;
	struct strbuf	 target;
	const char	*lang, *article;
	json_t		*ctx;
	int		 rc;

	if (!allow_post(req))
		return (KORE_RESULT_OK);
	if (!ratelimit_check(req, "ticket_deflect", DEFLECT_RATE))
		return (KORE_RESULT_OK);
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	lang = request_lang(req);
	if (!csrf_valid(req, form_get(&f, CSRF_FIELD))) {
		rc = respond_error_page(req, 403, i18n_get(i18n_ui_lang(lang),
		    "tk_err_csrf"));
		goto done;
	}
	article = form_get(&f, "article");
	if (article != NULL && (!slug_valid(article) ||
	    catalog_article(site.cat, article) == NULL))
		article = NULL;
	sb_init(&target);
	if (article != NULL)
		sb_printf(&target, "article:%s", article);
	/* The visitor is thanked for it: written now, not buffered. */
	if (site.db == NULL || event_deflected(site.db, visitor_id(req),
	    article ? target.data : NULL, article) != 0) {
		sb_free(&target);
		http_response_header(req, "retry-after", "5");
		rc = respond_error_page(req, 503, i18n_get(i18n_ui_lang(lang),
		    "tk_err_unavailable"));
		goto done;
	}
	sb_free(&target);
	ctx = tickets_page_context(req, lang, i18n_get(i18n_ui_lang(lang),
	    "tk_thanks_title"));
	rc = respond_page(req, 200, "ticket_thanks", ctx);
done:
	form_free(&f);
	return (rc);
}

/* ---- The form ---- */

static json_t *
category_options(const char *lang, const char *selected)
{
	const struct category_text	*ct;
	size_t				 i;
	json_t				*arr;

	arr = json_array();
	for (i = 0; i < site.cat->ncats; i++) {
		if (site.cat->cats[i].parent != NULL)
			continue;
		ct = category_text_in(&site.cat->cats[i], lang);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}",
		    "slug", site.cat->cats[i].slug, "title", ct ? ct->title :
		    site.cat->cats[i].slug, "selected", selected != NULL &&
		    !strcmp(selected, site.cat->cats[i].slug)));
	}
	return (arr);
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, json_string(v ? v : ""));
}

/*
 * Renders the form with what was typed, field errors (in the visitor's
 * language) and an optional message above it.
 */
static int
render_form(struct http_request *req, int status, const struct form_values *v,
    const struct ticket_problem *p, int np, const char *message_key)
{
	const struct article		*art;
	const struct article_version	*ver;
	const char			*lang, *ui, *label;
	struct cm_thread		 thread;
	json_t				*ctx, *form, *errors, *list;
	char				 csrf[65], key[64], named[160];
	long long			 tid;
	int				 i;

	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	ctx = tickets_page_context(req, lang, i18n_get(ui, "tk_form_title"));
	form = json_object();
	set_str(form, "name", v->name);
	set_str(form, "email", v->email);
	set_str(form, "subject", v->subject);
	set_str(form, "body", v->body);
	set_str(form, "article", v->article);
	set_str(form, "q", v->q);
	set_str(form, "thread", v->thread);
	set_str(form, "from", v->from);
	set_str(form, "idem", v->idem);
	set_str(form, "ts", v->ts);
	json_object_set_new(form, "priority_high", json_boolean(v->priority &&
	    !strcmp(v->priority, "high")));
	csrf_token(req, csrf);
	set_str(form, "csrf", csrf);
	if (v->article != NULL && v->article[0] != '\0' &&
	    (art = catalog_article(site.cat, v->article)) != NULL &&
	    (ver = article_version_in(art, lang)) != NULL)
		json_object_set_new(form, "article_title",
		    json_string(ver->title));
	if (v->thread != NULL && v->thread[0] != '\0') {
		json_object_set_new(form, "has_thread", json_true());
		/* The community thread the customer came from, by its title. */
		if ((tid = thread_id(v->thread)) > 0 &&
		    cm_thread_brief(site.db, tid, &thread) == 1) {
			json_object_set_new(form, "thread_title",
			    json_string(thread.title));
			cm_thread_free(&thread);
		}
	}
	json_object_set_new(ctx, "form", form);
	json_object_set_new(ctx, "categories", category_options(lang,
	    v->category));
	errors = json_object();
	list = json_array();
	for (i = 0; i < np && i < MAX_PROBLEMS; i++) {
		if (json_object_get(errors, p[i].field) != NULL)
			continue;
		json_object_set_new(errors, p[i].field,
		    json_string(i18n_get(ui, p[i].key)));
		/* Each summary entry names its field: "required" alone is no help. */
		(void)snprintf(key, sizeof(key), "tk_%s", p[i].field);
		label = i18n_get(ui, key);
		(void)snprintf(named, sizeof(named), "%s%s", label,
		    !strcmp(ui, "en") ? ": " : "：");
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?}", "field",
		    p[i].field, "message", i18n_get(ui, p[i].key), "label",
		    label != key ? named : NULL));
	}
	json_object_set_new(ctx, "errors", errors);
	/* A flag, not the list: a list section would repeat its body per item. */
	if (json_array_size(list) > 0) {
		json_object_set_new(ctx, "error_list", list);
		json_object_set_new(ctx, "has_error_list", json_true());
	}
	else
		json_decref(list);
	if (message_key != NULL)
		json_object_set_new(ctx, "message",
		    json_string(i18n_get(ui, message_key)));
	/* Without JavaScript, suggestions for what the customer came with. */
	json_object_set_new(ctx, "suggestions", suggestions(req,
	    v->subject && v->subject[0] ? v->subject : v->q, v->article));
	return (respond_page(req, status, "ticket_new", ctx));
}

static int
form_get_page(struct http_request *req)
{
	struct form_values	 v;
	char			*article, *q, *thread, *from;
	char			 ts[FORM_STAMP_LEN], idem[33], cat[128];
	const struct article	*art;
	long long		 tid;
	int			 rc;

	article = q = thread = from = NULL;
	memset(&v, 0, sizeof(v));
	if (query_get(req, "article", &article) < 0 ||
	    (article != NULL && article[0] != '\0' && !slug_valid(article)) ||
	    query_get(req, "q", &q) < 0 ||
	    (q != NULL && utf8_length(q) > TICKET_QUERY_MAX) ||
	    (q != NULL && text_field_check(q, TICKET_QUERY_MAX, 0) ==
	    TEXT_CONTROL) ||
	    query_get(req, "thread", &thread) < 0 ||
	    (tid = thread_id(thread)) < 0 ||
	    query_get(req, "from", &from) < 0 ||
	    (from != NULL && from[0] != '\0' && strcmp(from, "feedback"))) {
		rc = respond_error_page(req, 400, i18n_get(i18n_ui_lang(
		    request_lang(req)), "tk_err_bad_link"));
		goto done;
	}
	form_stamp_make(site.secret, "ticket", (long long)time(NULL), ts);
	random_key(idem);
	v.article = article;
	v.q = q;
	v.thread = thread;
	v.from = from;
	v.ts = ts;
	v.idem = idem;
	v.priority = "normal";
	/* What they searched is the likeliest subject. */
	if (q != NULL && utf8_length(q) <= TICKET_SUBJECT_MAX)
		v.subject = q;
	if (article != NULL && (art = catalog_article(site.cat, article)) !=
	    NULL) {
		/* The article's top-level category routes the ticket. */
		(void)snprintf(cat, sizeof(cat), "%.*s",
		    (int)strcspn(art->category, "/"), art->category);
		v.category = cat;
	}
	event_ticket_form_shown(visitor_id(req), article && article[0] ?
	    article : NULL, q, tid);
	rc = render_form(req, 200, &v, NULL, 0, NULL);
done:
	free(article);
	free(q);
	free(thread);
	free(from);
	return (rc);
}

static void
values_from_form(const struct form *f, struct form_values *v)
{
	memset(v, 0, sizeof(*v));
	v->name = form_get(f, "name");
	v->email = form_get(f, "email");
	v->subject = form_get(f, "subject");
	v->body = form_get(f, "body");
	v->category = form_get(f, "category");
	v->priority = form_get(f, "priority");
	v->article = form_get(f, "article");
	v->q = form_get(f, "q");
	v->thread = form_get(f, "thread");
	v->from = form_get(f, "from");
	v->idem = form_get(f, "idem");
	v->ts = form_get(f, "ts");
}

static int
form_post(struct http_request *req)
{
	struct ticket_problem	 p[MAX_PROBLEMS];
	struct ticket_input	 in;
	struct ticket_created	 out;
	struct form_values	 v;
	struct upload_form	 u;
	struct form		*f;
	struct strbuf		 loc;
	const char		*hp;
	char			 ts[FORM_STAMP_LEN];
	long long		 age, tid;
	json_t			*ctx;
	int			 np, rc;

	if (!ratelimit_check(req, "ticket", TICKET_RATE))
		return (KORE_RESULT_OK);
	ctx = NULL;
	np = 0;
	f = &u.fields;
	/* Files (multipart/form-data) are staged: nothing is kept yet. */
	if ((rc = upload_form_read(req, &u, 0)) == 0) {
		rc = KORE_RESULT_OK;	/* answered */
		goto done;
	}
	values_from_form(f, &v);
	if (rc == -1) {
		rc = render_form(req, u.status, &v, NULL, 0,
		    upload_problem_key(&u));
		goto done;
	}
	if (!csrf_valid(req, form_get(f, CSRF_FIELD))) {
		rc = render_form(req, 403, &v, NULL, 0, "tk_err_csrf");
		goto done;
	}
	/* A person never sees the honeypot field; a bot fills it. */
	if ((hp = form_get(f, HONEYPOT_FIELD)) != NULL && hp[0] != '\0') {
		rc = render_form(req, 400, &v, NULL, 0, "tk_err_bot");
		goto done;
	}
	if ((age = form_stamp_age(site.secret, "ticket", v.ts,
	    (long long)time(NULL))) < 0 || age > TICKET_MAX_FILL) {
		form_stamp_make(site.secret, "ticket", (long long)time(NULL), ts);
		v.ts = ts;
		rc = render_form(req, 400, &v, NULL, 0, "tk_err_expired");
		goto done;
	}
	if (age < TICKET_MIN_FILL) {
		rc = render_form(req, 400, &v, NULL, 0, "tk_err_too_fast");
		goto done;
	}
	memset(&in, 0, sizeof(in));
	in.name = v.name;
	in.email = v.email;
	in.subject = v.subject;
	in.body = v.body;
	in.category = v.category && v.category[0] ? v.category : NULL;
	in.priority = v.priority && v.priority[0] ? v.priority : "normal";
	in.idem_key = v.idem && v.idem[0] ? v.idem : NULL;
	in.article = v.article && v.article[0] ? v.article : NULL;
	in.query = v.q && v.q[0] ? v.q : NULL;
	in.channel = "web_form";
	/* The emails speak the language of the page the customer wrote on. */
	in.lang = request_lang(req);
	if (v.from != NULL && !strcmp(v.from, "feedback"))
		in.channel = "article_feedback";
	np = ticket_validate(&in, p, MAX_PROBLEMS);
	if (!tickets_category_known(in.category) && np < MAX_PROBLEMS)
		p[np++] = (struct ticket_problem){ "category",
		    "unknown_category", "No category has this slug.",
		    "tk_err_category" };
	if ((in.article != NULL && !slug_valid(in.article)) ||
	    (in.query != NULL && text_field_check(in.query, TICKET_QUERY_MAX,
	    0) != TEXT_OK) || (tid = thread_id(v.thread)) < 0) {
		if (np < MAX_PROBLEMS)
			p[np++] = (struct ticket_problem){ "form",
			    "bad_context", "Bad hidden field.",
			    "tk_err_bad_link" };
		tid = 0;
	}
	if (np > 0) {
		rc = render_form(req, 400, &v, p, np, "tk_err_fix_fields");
		goto done;
	}
	in.thread_id = tid;
	if (tid > 0)
		in.channel = "community";
	in.visitor = visitor_id(req);
	if (site.db != NULL) {
		ctx = events_visitor_context(site.db, in.visitor,
		    TICKET_CONTEXT_SECONDS);
		in.context = ctx;
	}
	/* The files are durable before the row that names them commits. */
	in.attachments = u.files;
	in.nattachments = u.nfiles;
	switch (site.db && upload_form_commit(&u) == 0 ?
	    ticket_create(site.db, site.secret, &in, &out) : TICKET_ERROR) {
	case TICKET_CREATED:
	case TICKET_REPLAYED:
		sb_init(&loc);
		sb_printf(&loc, "/tickets/%s?t=%s", out.ref, out.token);
		rc = tickets_redirect(req, 303, loc.data);
		sb_free(&loc);
		break;
	case TICKET_CONFLICT:
		rc = render_form(req, 409, &v, NULL, 0, "tk_err_conflict");
		break;
	default:
		(void)write_unavailable(req);
		rc = render_form(req, 503, &v, NULL, 0, "tk_err_unavailable");
		break;
	}
done:
	json_decref(ctx);
	upload_form_free(&u);
	return (rc);
}

int
ticket_form(struct http_request *req)
{
	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (req->method == HTTP_METHOD_POST)
		return (form_post(req));
	return (form_get_page(req));
}
