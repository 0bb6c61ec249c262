/* community_thread.c: /community/questions/<id> (the thread page, QAPage data) and its visitor actions: answer, vote, accept, edit, report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community_http.h"
#include "deflection/events.h"
#include "http/core/forms.h"
#include "http/deflection/funnel.h"
#include "http/core/ratelimit.h"
#include "render/i18n.h"
#include "http/core/site.h"
#include "util/text.h"
#include "http/core/visitor.h"

int	page_thread(struct http_request *);
int	thread_action(struct http_request *);

void	cm_page_assets(json_t *);
int	cm_done_page(struct http_request *, int, const char *, const char *,
	    long long);

/* Own posts may be edited for CM_EDIT_WINDOW; staff may always. */
/* A post's date for people (date) and machines (datetime). */
static void
set_dates(json_t *o, long long when)
{
	char	buf[40];

	format_date(when, buf, sizeof(buf));
	json_object_set_new(o, "date", json_string(buf));
	format_rfc3339(when, buf, sizeof(buf));
	json_object_set_new(o, "datetime", json_string(buf));
}

static int
may_edit(const char *owner, long long created, const char *visitor,
    int staff)
{
	return (staff || (!strcmp(owner, visitor) &&
	    (long long)time(NULL) - created <= CM_EDIT_WINDOW));
}

/* schema.org QAPage, with '<', '>' and '&' escaped: data inside <script>. */
static char *
qa_jsonld(const struct cm_thread *t, const struct cm_answer *a, size_t n)
{
	json_t		*q, *page, *sugg, *ans;
	struct strbuf	 sb;
	char		*s, *p, date[40];
	size_t		 i;

	format_rfc3339(t->created, date, sizeof(date));
	q = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:{s:s, s:s}}",
	    "@type", "Question", "name", t->title, "text", t->body_plain,
	    "answerCount", (json_int_t)n, "dateCreated", date,
	    "upvoteCount", (json_int_t)t->score,
	    "author", "@type", "Person", "name", t->author);
	sugg = json_array();
	for (i = 0; i < n; i++) {
		format_rfc3339(a[i].created, date, sizeof(date));
		ans = json_pack("{s:s, s:s, s:s, s:I, s:{s:s, s:s}}",
		    "@type", "Answer", "text", a[i].body_plain, "dateCreated",
		    date, "upvoteCount", (json_int_t)a[i].score, "author",
		    "@type", "Person", "name", a[i].author);
		if (a[i].id == t->accepted)
			json_object_set_new(q, "acceptedAnswer", ans);
		else
			json_array_append_new(sugg, ans);
	}
	json_object_set_new(q, "suggestedAnswer", sugg);
	page = json_pack("{s:s, s:s, s:o}", "@context", "https://schema.org",
	    "@type", "QAPage", "mainEntity", q);
	s = json_dumps(page, JSON_COMPACT);
	json_decref(page);
	if (s == NULL)
		return (NULL);
	sb_init(&sb);
	for (p = s; *p != '\0'; p++) {
		if (*p == '<')
			sb_puts(&sb, "\\u003c");
		else if (*p == '>')
			sb_puts(&sb, "\\u003e");
		else if (*p == '&')
			sb_puts(&sb, "\\u0026");
		else
			sb_putc(&sb, *p);
	}
	free(s);
	return (sb_detach(&sb));
}

static json_t *
duplicate_link(const char *target, const char *lang)
{
	const struct article		*a;
	const struct article_version	*v;
	struct cm_thread		 t;
	long long			 id;
	char				 url[300];
	json_t				*o = NULL;

	if (target == NULL)
		return (NULL);
	if (!strncmp(target, "article:", 8)) {
		if ((a = catalog_article(site.cat, target + 8)) == NULL ||
		    (v = article_version_in(a, lang)) == NULL)
			return (NULL);
		(void)snprintf(url, sizeof(url), "/articles/%s", a->slug);
		o = json_pack("{s:s, s:s}", "url", url, "title", v->title);
	} else if (cm_path_id(target, "thread:", &id, NULL) &&
	    cm_thread_brief(site.db, id, &t) == 1) {
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    id);
		o = json_pack("{s:s, s:s}", "url", url, "title", t.title);
		cm_thread_free(&t);
	}
	return (o);
}

/*
 * After a post the redirect says what was posted (?posted=question or
 * answer): the page confirms it in its own language. Only these two
 * values are shown, so the address cannot put words on the page.
 */
static void
posted_notice(struct http_request *req, json_t *ctx, const char *ui)
{
	char	*v;

	if (query_get(req, "posted", &v) != 1)
		return;
	if (!strcmp(v, "question"))
		json_object_set_new(ctx, "posted", json_string(i18n_get(ui,
		    "cm_posted_question")));
	else if (!strcmp(v, "answer"))
		json_object_set_new(ctx, "posted", json_string(i18n_get(ui,
		    "cm_posted_answer")));
	free(v);
}

int
page_thread(struct http_request *req)
{
	struct cm_thread	 t;
	struct cm_answer	*ans = NULL;
	struct token_owner	 owner;
	const char		*lang, *visitor;
	json_t			*ctx, *tj, *votes, *arr, *aj, *dup;
	char			 csrf[65], stamp[64], url[80], key[32];
	char			 target[48];
	char			*jsonld, *name;
	long long		 id;
	size_t			 n = 0, i;
	int			 staff, found, rc;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	lang = request_lang(req);
	if (!cm_path_id(req->path, "/community/questions/", &id, NULL) ||
	    site.db == NULL)
		return (respond_error_page(req, 404, NULL));
	if ((found = cm_thread_get(site.db, id, &t)) != 1) {
		if (found == -1)
			fprintf(stderr, "community: reading question %lld "
			    "failed: %s\n", id, db_errmsg(site.db));
		return (respond_error_page(req, found == 0 ? 404 : 503, NULL));
	}
	visitor = visitor_id(req);
	staff = cm_staff(req, &owner);
	if (!strcmp(t.status, CM_DELETED) || (!staff &&
	    !strcmp(t.status, CM_QUEUED))) {
		cm_thread_free(&t);
		return (respond_error_page(req, 404, NULL));
	}
	if (!staff && !strcmp(t.status, CM_HIDDEN)) {
		cm_thread_free(&t);
		return (cm_done_page(req, 410, "cm_title", "cm_hidden_text",
		    0));
	}
	if (cm_answers_of(site.db, id, staff, &ans, &n) != 0) {
		cm_thread_free(&t);
		return (respond_error_page(req, 503, NULL));
	}
	event_thread_view(visitor, id);
	(void)snprintf(target, sizeof(target), "thread:%lld", id);
	funnel_search_click(req, visitor, target, NULL);

	ctx = page_context(req, lang, t.title);
	posted_notice(req, ctx, i18n_ui_lang(lang));
	cm_page_assets(ctx);
	tj = cm_thread_json(&t, ans, n);
	votes = cm_votes_of(site.db, id, visitor);
	(void)snprintf(key, sizeof(key), "t%lld", id);
	json_object_set_new(tj, "my_vote", json_integer(json_integer_value(
	    json_object_get(votes, key))));
	json_object_set_new(tj, "can_edit", json_boolean(may_edit(t.visitor,
	    t.created, visitor, staff) && (staff || !t.locked)));
	json_object_set_new(tj, "hidden", json_boolean(strcmp(t.status,
	    CM_PUBLISHED) != 0));
	set_dates(tj, t.created);
	arr = json_object_get(tj, "answers");
	for (i = 0; i < n; i++) {
		aj = json_array_get(arr, i);
		set_dates(aj, ans[i].created);
		(void)snprintf(key, sizeof(key), "a%lld", ans[i].id);
		json_object_set_new(aj, "my_vote", json_integer(
		    json_integer_value(json_object_get(votes, key))));
		json_object_set_new(aj, "can_edit", json_boolean(may_edit(
		    ans[i].visitor, ans[i].created, visitor, staff) &&
		    (staff || !t.locked)));
		json_object_set_new(aj, "can_accept", json_boolean(
		    ans[i].id != t.accepted && !strcmp(ans[i].status,
		    CM_PUBLISHED) && (staff || (!t.locked &&
		    !strcmp(t.visitor, visitor)))));
		json_object_set_new(aj, "not_published", json_boolean(
		    strcmp(ans[i].status, CM_PUBLISHED) != 0));
		json_object_set_new(aj, "status", json_string(ans[i].status));
		json_object_set_new(aj, "up", json_boolean(json_integer_value(
		    json_object_get(votes, key)) == 1));
		json_object_set_new(aj, "down", json_boolean(
		    json_integer_value(json_object_get(votes, key)) == -1));
	}
	json_object_set_new(tj, "up", json_boolean(json_integer_value(
	    json_object_get(tj, "my_vote")) == 1));
	json_object_set_new(tj, "down", json_boolean(json_integer_value(
	    json_object_get(tj, "my_vote")) == -1));
	json_decref(votes);
	if ((dup = duplicate_link(t.duplicate_of, lang)) != NULL)
		json_object_set_new(ctx, "duplicate", dup);
	cm_add_tag_links(tj);
	json_object_set_new(ctx, "thread", tj);
	if (t.category[0] != '\0')
		json_object_set_new(ctx, "category_ref", category_ref_json(
		    t.category, lang));
	csrf_token(req, csrf);
	cm_form_stamp(stamp);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	json_object_set_new(ctx, "stamp", json_string(stamp));
	if ((name = cm_name_get(site.db, visitor)) != NULL)
		json_object_set_new(ctx, "display_name_known",
		    json_string(name));
	free(name);
	(void)snprintf(url, sizeof(url), "/tickets/new?thread=%lld", id);
	json_object_set_new(ctx, "support_url", json_string(url));
	json_object_set_new(ctx, "description", json_string(t.title));
	if (staff) {
		json_object_set_new(ctx, "staff", json_true());
		json_object_set_new(ctx, "staff_name", json_string(owner.name));
		json_object_set_new(ctx, "is_editor", json_boolean(
		    !strcmp(owner.role, TOKEN_ROLE_EDITOR)));
	}
	if (strcmp(t.status, CM_PUBLISHED) != 0)
		json_object_set_new(ctx, "noindex", json_true());
	else if ((jsonld = qa_jsonld(&t, ans, n)) != NULL) {
		json_object_set_new(ctx, "jsonld", json_string(jsonld));
		free(jsonld);
	}
	rc = respond_page(req, 200, "community_thread", ctx);
	for (i = 0; i < n; i++)
		cm_answer_free(&ans[i]);
	free(ans);
	cm_thread_free(&t);
	return (rc);
}

static int
wants_json(struct http_request *req)
{
	const char	*accept;

	return (http_request_header(req, "accept", &accept) &&
	    strstr(accept, "application/json") != NULL);
}

/* An error for an action: JSON for the page's script, else a page. */
static int
action_error(struct http_request *req, int status, const char *code,
    const char *message)
{
	if (wants_json(req))
		return (respond_json_error(req, status, code, message, NULL));
	return (respond_error_page(req, status, message));
}

static int
back_to(struct http_request *req, long long id, const char *anchor)
{
	char	url[96];

	(void)snprintf(url, sizeof(url), "/community/questions/%lld%s", id,
	    anchor ? anchor : "");
	http_response_header(req, "location", url);
	security_headers(req);
	http_response(req, 303, NULL, 0);
	return (KORE_RESULT_OK);
}

/* "t<id>" or "a<id>" of this thread: kind and id, 1 or 0. */
static int
post_ref(const char *ref, long long thread_id, char *kind, long long *id,
    struct cm_answer *a)
{
	memset(a, 0, sizeof(*a));
	if (ref == NULL || (ref[0] != 't' && ref[0] != 'a'))
		return (0);
	*kind = ref[0];
	if (!cm_path_id(ref + 1, "", id, NULL))
		return (0);
	if (*kind == 't')
		return (*id == thread_id);
	if (cm_answer_get(site.db, *id, a) != 1)
		return (0);
	if (a->thread_id != thread_id || strcmp(a->status, CM_PUBLISHED)) {
		cm_answer_free(a);
		return (0);
	}
	return (1);
}

static int
do_answer(struct http_request *req, long long id, struct form *f)
{
	struct cm_post_input	 in;
	struct cm_result	 r;
	const char		*hp, *ui;
	char			 anchor[48];

	if (!ratelimit_check(req, "post", CM_POSTS_PER_MINUTE))
		return (KORE_RESULT_OK);
	memset(&in, 0, sizeof(in));
	in.body = form_get(f, "body");
	in.display_name = form_get(f, "display_name");
	hp = form_get(f, "website");
	in.honeypot = hp != NULL && *hp != '\0';
	ui = i18n_ui_lang(request_lang(req));
	if (!cm_form_stamp_check(form_get(f, "ts"), &in.too_fast))
		return (respond_error_page(req, 400, i18n_get(ui,
		    "cm_err_stamp")));
	in.thread_id = id;
	cm_submit(req, &in, &r);
	if (r.status >= 400)
		return (respond_error_page(req, r.status,
		    cm_result_message(&r, ui)));
	if (r.status == 202)
		return (cm_done_page(req, 202, "cm_queued_title",
		    "cm_queued_text", id));
	(void)snprintf(anchor, sizeof(anchor), "?posted=answer#a%lld", r.id);
	return (back_to(req, id, anchor));
}

static int
do_vote(struct http_request *req, const struct cm_thread *t, struct form *f)
{
	struct cm_answer	 a;
	const char		*v, *owner;
	long long		 pid, score;
	char			 kind, client[33];
	int			 value, rc;
	enum cm_vote_status	 vs;

	if (!ratelimit_check(req, "post_vote", CM_VOTES_PER_MINUTE))
		return (KORE_RESULT_OK);
	v = form_get(f, "value");
	if (v == NULL || (strcmp(v, "1") && strcmp(v, "-1") && strcmp(v, "0")))
		return (action_error(req, 400, "bad_value", "value must be 1, "
		    "-1 or 0."));
	value = atoi(v);
	if (!post_ref(form_get(f, "post"), t->id, &kind, &pid, &a))
		return (action_error(req, 404, "not_found", "There is no such "
		    "post in this question."));
	owner = kind == 't' ? t->visitor : a.visitor;
	if (!strcmp(owner, visitor_id(req))) {
		cm_answer_free(&a);
		return (action_error(req, 403, "own_post", "You cannot vote "
		    "on your own post."));
	}
	cm_answer_free(&a);
	client_key(req, client);
	vs = cm_vote(site.db, kind, pid, visitor_id(req), client, value,
	    &score);
	if (vs == CM_VOTE_CLIENT_TAKEN)
		return (action_error(req, 409, "already_voted", "Someone at "
		    "your address has already voted on this post today; one "
		    "vote per post and address counts."));
	if (vs != CM_VOTE_OK)
		return (action_error(req, 503, "unavailable",
		    write_unavailable(req)));
	if (wants_json(req))
		return (respond_json(req, 200, json_pack("{s:I, s:i}",
		    "score", (json_int_t)score, "vote", value)));
	rc = back_to(req, t->id, NULL);
	return (rc);
}

static int
do_accept(struct http_request *req, const struct cm_thread *t,
    struct form *f, int staff)
{
	struct cm_answer	 a;
	const char		*ref;
	char			 buf[40], anchor[32], kind;
	long long		 aid;

	if (!staff && strcmp(t->visitor, visitor_id(req)) != 0)
		return (action_error(req, 403, "not_asker", "Only the person "
		    "who asked can accept an answer."));
	if (!staff && t->locked)
		return (action_error(req, 409, "locked", "This question is "
		    "locked: its accepted answer cannot change. A moderator "
		    "can unlock it."));
	ref = form_get(f, "answer");
	(void)snprintf(buf, sizeof(buf), "a%s", ref ? ref : "");
	if (ref == NULL || !post_ref(buf, t->id, &kind, &aid, &a))
		return (action_error(req, 400, "bad_answer", "That answer is "
		    "not one of this question's."));
	cm_answer_free(&a);
	if (cm_accept(site.db, t->id, aid) != 0)
		return (action_error(req, 503, "unavailable",
		    write_unavailable(req)));
	(void)snprintf(anchor, sizeof(anchor), "#a%lld", aid);
	return (back_to(req, t->id, anchor));
}

static int
do_edit(struct http_request *req, const struct cm_thread *t,
    struct form *f, int staff)
{
	struct cm_answer	 a;
	const char		*title, *body;
	char			*html, *plain, kind;
	long long		 pid;
	int			 rc;
	enum text_problem	 p;

	if (!ratelimit_check(req, "post", CM_POSTS_PER_MINUTE))
		return (KORE_RESULT_OK);
	/* Locked means settled: its posts stay as they are (staff aside). */
	if (!staff && t->locked)
		return (action_error(req, 409, "locked", "This question is "
		    "locked: its posts can no longer be edited. A moderator "
		    "can unlock it."));
	if (!post_ref(form_get(f, "post"), t->id, &kind, &pid, &a))
		return (action_error(req, 404, "not_found", "There is no such "
		    "post in this question."));
	if (!may_edit(kind == 't' ? t->visitor : a.visitor, kind == 't' ?
	    t->created : a.created, visitor_id(req), staff)) {
		cm_answer_free(&a);
		return (action_error(req, 403, "edit_window_closed", "Posts "
		    "can be edited by their author for 30 minutes only."));
	}
	cm_answer_free(&a);
	title = form_get(f, "title");
	body = form_get(f, "body");
	if (kind == 't' && (title == NULL ||
	    text_field_check(title, CM_TITLE_MAX, 0) != TEXT_OK ||
	    utf8_length(title) < CM_TITLE_MIN))
		return (action_error(req, 400, "bad_title", "The title must be "
		    "8 to 150 characters on one line."));
	if (body == NULL || ((p = text_field_check(body, CM_BODY_MAX, 1)) !=
	    TEXT_OK))
		return (action_error(req, 400, "bad_body", "The text must be 1 "
		    "to 10000 characters."));
	/*
	 * An edit must not slip past the rules a new post meets: a new
	 * poster's links are limited here too (the other rules judge the
	 * first version, which was published).
	 */
	if (!staff && cm_count_links(body) + (kind == 't' ?
	    cm_count_links(title) : 0) > CM_NEW_LINKS &&
	    cm_posts_by(site.db, visitor_id(req)) < CM_NEW_POSTS)
		return (action_error(req, 400, "too_many_links", "Your first "
		    "posts may hold one link at most; remove the others."));
	if (cm_render(body, &html, &plain) != 0)
		return (action_error(req, 400, "too_complex", "The text is "
		    "nested too deeply; simplify it."));
	rc = kind == 't' ? cm_thread_edit(site.db, pid, title, body, html,
	    plain) : cm_answer_edit(site.db, pid, body, html, plain);
	free(html);
	free(plain);
	if (rc != 0)
		return (action_error(req, 503, "unavailable",
		    write_unavailable(req)));
	return (back_to(req, t->id, NULL));
}

static int
do_report(struct http_request *req, const struct cm_thread *t,
    struct form *f)
{
	struct cm_answer	 a;
	long long		 pid;
	char			 kind;

	if (!ratelimit_check(req, "report", CM_REPORTS_PER_MINUTE))
		return (KORE_RESULT_OK);
	if (!post_ref(form_get(f, "post"), t->id, &kind, &pid, &a))
		return (action_error(req, 404, "not_found", "There is no such "
		    "post in this question."));
	cm_answer_free(&a);
	if (cm_report(site.db, kind, pid, visitor_id(req)) == CM_REPORT_FAILED)
		return (action_error(req, 503, "unavailable",
		    write_unavailable(req)));
	if (wants_json(req))
		return (respond_json(req, 200, json_pack("{s:b}", "reported",
		    1)));
	return (cm_done_page(req, 200, "cm_report", "cm_reported", t->id));
}

int
thread_action(struct http_request *req)
{
	struct cm_thread	 t;
	struct token_owner	 owner;
	struct form		 f;
	const char		*action;
	long long		 id;
	int			 rc, staff, found;

	if (!allow_post(req))
		return (KORE_RESULT_OK);
	if (!cm_path_id(req->path, "/community/questions/", &id, &action) ||
	    *action != '/' || site.db == NULL)
		return (respond_error_page(req, 404, NULL));
	action++;
	if (strcmp(action, "answer") && strcmp(action, "vote") &&
	    strcmp(action, "accept") && strcmp(action, "edit") &&
	    strcmp(action, "report"))
		return (respond_error_page(req, 404, NULL));
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	if (!csrf_valid(req, form_get(&f, CSRF_FIELD))) {
		form_free(&f);
		return (action_error(req, 403, "csrf", "This form has expired "
		    "or came from another site; reload the page and try "
		    "again."));
	}
	/* A failed read is the database's trouble, not a missing question. */
	if ((found = cm_thread_get(site.db, id, &t)) == -1) {
		fprintf(stderr, "community: reading question %lld failed: "
		    "%s\n", id, db_errmsg(site.db));
		form_free(&f);
		return (action_error(req, 503, "unavailable", "The question "
		    "cannot be read just now; try again in a few seconds."));
	}
	if (found == 0 || strcmp(t.status, CM_PUBLISHED) != 0) {
		if (found == 1)
			cm_thread_free(&t);
		form_free(&f);
		return (action_error(req, 404, "not_found", "There is no such "
		    "question (it may have been removed)."));
	}
	staff = cm_staff(req, &owner);
	if (!strcmp(action, "answer"))
		rc = do_answer(req, id, &f);
	else if (!strcmp(action, "vote"))
		rc = do_vote(req, &t, &f);
	else if (!strcmp(action, "accept"))
		rc = do_accept(req, &t, &f, staff);
	else if (!strcmp(action, "edit"))
		rc = do_edit(req, &t, &f, staff);
	else
		rc = do_report(req, &t, &f);
	cm_thread_free(&t);
	form_free(&f);
	return (rc);
}
