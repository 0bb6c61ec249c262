/* tickets_agent.c: /agent (the queue by SLA due time) and /agent/tickets/<ref> (a ticket, its context, reply and changes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "http/core/assets.h"
#include "http/core/forms.h"
#include "http/core/uploads.h"
#include "render/i18n.h"
#include "http/core/site.h"
#include "tickets/workspace.h"
#include "tickets_http.h"
#include "util/strbuf.h"
#include "util/text.h"

int	agent_queue(struct http_request *);
int	agent_ticket(struct http_request *);

static const char	*statuses[] = { "new", "open", "pending", "solved",
			    "closed", NULL };
static const char	*priorities[] = { "low", "normal", "high", "urgent",
			    NULL };

static int
to_login(struct http_request *req)
{
	return (tickets_redirect(req, 303, "/login?next=/agent"));
}

static const char	*status_word(const char *, const char *);

/* [{value, label, selected}] for a select; statuses in the agents' words. */
static json_t *
options(const char **values, const char *prefix, const char *selected,
    const char *ui)
{
	json_t	*arr;
	char	 key[64];
	size_t	 i;

	arr = json_array();
	for (i = 0; values[i] != NULL; i++) {
		(void)snprintf(key, sizeof(key), "%s%s", prefix, values[i]);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value",
		    values[i], "label", !strcmp(prefix, "tk_status_") ?
		    status_word(ui, values[i]) : i18n_get(ui, key), "selected",
		    selected != NULL && !strcmp(selected, values[i])));
	}
	return (arr);
}

static const char	*word(const char *, const char *, const char *);

static json_t *
group_options(const char *selected, const char *ui)
{
	json_t	*arr, *g;
	size_t	 i;

	arr = tickets_groups();
	json_array_foreach(arr, i, g) {
		json_array_set_new(arr, i, json_pack("{s:s, s:s, s:b}", "value",
		    json_string_value(g), "label", word(ui, "tk_group_",
		    json_string_value(g)),
		    "selected", selected != NULL &&
		    !strcmp(selected, json_string_value(g))));
	}
	return (arr);
}

/* The word for a code (prefix + code), or the code when there is none. */
static const char *
word(const char *ui, const char *prefix, const char *code)
{
	static char	 key[96];
	const char	*w;

	if (code == NULL)
		return ("");
	(void)snprintf(key, sizeof(key), "%s%s", prefix, code);
	w = i18n_get(ui, key);
	return (w == key ? code : w);
}

/* A status in the agents' words: "pending" waits on the customer. */
static const char *
status_word(const char *ui, const char *code)
{
	const char	*w;

	w = word(ui, "tk_agent_status_", code);
	return (w != code ? w : word(ui, "tk_status_", code));
}

static void
set_word(json_t *o, const char *as, const char *w)
{
	json_object_set_new(o, as, json_string(w));
}

static const char *
article_title(const char *slug, const char *lang)
{
	const struct article		*art;
	const struct article_version	*ver;

	if (slug == NULL || (art = catalog_article(site.cat, slug)) == NULL ||
	    (ver = article_version_in(art, lang)) == NULL)
		return (slug != NULL ? slug : "");
	return (ver->title);
}

/*
 * The agent's ticket page shows codes as words (status, channel, group,
 * event kinds, vote reasons), articles by title, and one vote per article
 * (a No and then its reason are two events of one vote; the newest, listed
 * first, counts).
 */
static void
agent_decorate(json_t *t, const char *ui, const char *lang)
{
	json_t		*ctx, *ev, *a, *votes, *kept;
	const char	*kind, *actor, *slug;
	size_t		 i, j;

	set_word(t, "status_label", status_word(ui,
	    json_string_value(json_object_get(t, "status"))));
	set_word(t, "channel_label", word(ui, "tk_channel_",
	    json_string_value(json_object_get(t, "channel"))));
	set_word(t, "group_label", word(ui, "tk_group_",
	    json_string_value(json_object_get(t, "group"))));
	json_array_foreach(json_object_get(t, "events"), i, ev) {
		kind = json_string_value(json_object_get(ev, "kind"));
		actor = json_string_value(json_object_get(ev, "actor"));
		if (actor != NULL && strncmp(actor, "agent:", 6))
			set_word(ev, "agent_name", word(ui, "tk_actor_", actor));
		set_word(ev, "kind_label", word(ui, "tk_event_", kind));
		if (kind != NULL && !strcmp(kind, "rating")) {
			set_word(ev, "old_label", word(ui, "cs_",
			    json_string_value(json_object_get(ev, "old"))));
			set_word(ev, "new_label", word(ui, "cs_",
			    json_string_value(json_object_get(ev, "new"))));
			/* A first answer has no old value to show. */
			set_word(ev, "value_label", word(ui, "cs_",
			    json_string_value(json_object_get(ev, "new"))));
		} else if (kind != NULL && !strcmp(kind, "status")) {
			set_word(ev, "old_label", status_word(ui,
			    json_string_value(json_object_get(ev, "old"))));
			set_word(ev, "new_label", status_word(ui,
			    json_string_value(json_object_get(ev, "new"))));
		} else if (kind != NULL) {
			set_word(ev, "old_label", word(ui, !strcmp(kind,
			    "priority") ? "tk_priority_" : "tk_group_",
			    json_string_value(json_object_get(ev, "old"))));
			set_word(ev, "new_label", word(ui, !strcmp(kind,
			    "priority") ? "tk_priority_" : "tk_group_",
			    json_string_value(json_object_get(ev, "new"))));
		}
	}
	if ((ctx = json_object_get(t, "context")) == NULL)
		return;
	set_word(ctx, "article_title", article_title(json_string_value(
	    json_object_get(ctx, "article")), lang));
	json_array_foreach(json_object_get(ctx, "articles"), i, a)
		set_word(a, "title", article_title(json_string_value(
		    json_object_get(a, "slug")), lang));
	votes = json_object_get(ctx, "votes");
	kept = json_array();
	json_array_foreach(votes, i, a) {
		slug = json_string_value(json_object_get(a, "slug"));
		for (j = 0; j < i; j++)
			if (slug != NULL && json_equal(json_object_get(
			    json_array_get(votes, j), "slug"),
			    json_object_get(a, "slug")))
				break;
		if (j < i)
			continue;
		set_word(a, "title", article_title(slug, lang));
		set_word(a, "vote_label", i18n_get(ui, json_is_true(
		    json_object_get(a, "helpful")) ? "fb_yes" : "fb_no"));
		if (json_string_value(json_object_get(a, "reason")) != NULL)
			set_word(a, "reason_label", word(ui, "fb_reason_",
			    json_string_value(json_object_get(a, "reason"))));
		json_array_append(kept, a);
	}
	json_object_set_new(ctx, "votes", kept);
}

/* The comments of the votes in the context (the context keeps reasons). */
static void
add_comments(json_t *t, const char *ref)
{
	json_t	*fb, *v, *f;
	size_t	 i, j;

	if ((fb = ticket_feedback(site.db, ref)) == NULL)
		return;
	json_array_foreach(json_object_get(json_object_get(t, "context"),
	    "votes"), i, v) {
		json_array_foreach(fb, j, f) {
			if (json_equal(json_object_get(f, "slug"),
			    json_object_get(v, "slug")) &&
			    json_is_string(json_object_get(f, "comment"))) {
				json_object_set(v, "comment",
				    json_object_get(f, "comment"));
				break;
			}
		}
	}
	json_decref(fb);
}

static json_t *
agent_context(struct http_request *req, const struct token_owner *owner,
    const char *title)
{
	json_t	*ctx;
	char	 csrf[65];

	ctx = tickets_page_context(req, request_lang(req), title);
	csrf_token(req, csrf);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	json_object_set_new(ctx, "agent_name", json_string(owner->name));
	json_object_set_new(ctx, "hide_header_search", json_true());
	return (ctx);
}

/*
 * One filter from the query into *out: NULL when absent or empty (the
 * pager's links carry empty ones). -1 when the value is not one the
 * filter takes.
 */
static int
filter_value(struct http_request *req, const char *name, char **out)
{
	char	*v, *end;
	long	 n;
	int	 ok;

	*out = NULL;
	switch (query_get(req, name, &v)) {
	case 0:
		return (0);
	case -1:
		return (-1);
	}
	if (v[0] == '\0') {
		free(v);
		return (0);
	}
	if (!strcmp(name, "status"))
		ok = ticket_status_valid(v);
	else if (!strcmp(name, "group"))
		ok = tickets_group_known(v);
	else if (!strcmp(name, "overdue"))
		ok = !strcmp(v, "0") || !strcmp(v, "1");
	else {
		n = strtol(v, &end, 10);
		ok = *end == '\0' && n >= 1 && n <= 100000;
	}
	if (!ok) {
		free(v);
		return (-1);
	}
	*out = v;
	return (0);
}

int
agent_queue(struct http_request *req)
{
	struct token_owner	 owner;
	struct ticket_filter	 f;
	struct strbuf		 sb;
	const char		*ui;
	char			*status, *group, *overdue, *page;
	json_t			*ctx, *list, *t;
	size_t			 i;
	int			 rc, bad;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (site.db == NULL || !tickets_agent(req, &owner))
		return (to_login(req));
	ui = i18n_ui_lang(request_lang(req));
	memset(&f, 0, sizeof(f));
	bad = filter_value(req, "status", &status);
	bad |= filter_value(req, "group", &group);
	bad |= filter_value(req, "overdue", &overdue);
	bad |= filter_value(req, "page", &page);
	f.status = status;
	f.group = group;
	f.overdue = overdue != NULL && !strcmp(overdue, "1");
	f.page = page != NULL ? atoi(page) : 1;
	f.per_page = 50;
	if (bad) {
		rc = respond_error_page(req, 400, i18n_get(ui,
		    "tk_err_bad_filter"));
		goto done;
	}
	if ((list = ticket_list(site.db, &f)) == NULL) {
		http_response_header(req, "retry-after", "5");
		rc = respond_error_page(req, 503, i18n_get(ui,
		    "tk_err_unavailable"));
		goto done;
	}
	json_array_foreach(json_object_get(list, "tickets"), i, t) {
		tickets_decorate(t, ui);
		/* Words, not codes: the group, and statuses as agents say them. */
		set_word(t, "group_label", word(ui, "tk_group_",
		    json_string_value(json_object_get(t, "group"))));
		set_word(t, "status_label", status_word(ui,
		    json_string_value(json_object_get(t, "status"))));
		set_word(t, "channel_label", word(ui, "tk_channel_",
		    json_string_value(json_object_get(t, "channel"))));
	}
	ctx = agent_context(req, &owner, i18n_get(ui, "tk_queue_title"));
	json_object_set_new(ctx, "statuses", options(statuses, "tk_status_",
	    status, ui));
	json_object_set_new(ctx, "groups", group_options(group, ui));
	json_object_set_new(ctx, "overdue_only", json_boolean(f.overdue));
	/* Pager links keep the filters. */
	sb_init(&sb);
	if (f.page > 1 || json_integer_value(json_object_get(list, "total")) >
	    (json_int_t)f.page * f.per_page) {
		sb_puts(&sb, "?status=");
		url_encode(&sb, status ? status : "");
		sb_puts(&sb, "&group=");
		url_encode(&sb, group ? group : "");
		sb_printf(&sb, "&overdue=%d&page=", f.overdue);
		if (f.page > 1)
			json_object_set_new(ctx, "prev_url", json_sprintf("%s%d",
			    sb.data, f.page - 1));
		if (json_integer_value(json_object_get(list, "total")) >
		    (json_int_t)f.page * f.per_page)
			json_object_set_new(ctx, "next_url", json_sprintf("%s%d",
			    sb.data, f.page + 1));
	}
	sb_free(&sb);
	json_object_set_new(ctx, "queue", list);
	rc = respond_page(req, 200, "agent_queue", ctx);
done:
	free(status);
	free(group);
	free(overdue);
	free(page);
	return (rc);
}

/*
 * The one form of the ticket page: a public reply (action=reply) or an
 * internal note (action=note), with the status, priority and group as
 * set in the form, in one transaction; action=update changes only.
 */
static int
agent_post(struct http_request *req, const char *ref,
    const struct token_owner *owner)
{
	struct ticket_change	 ch;
	struct upload_form	 u;
	struct form		*f;
	struct strbuf		 loc;
	const char		*action, *body, *ui, *msg;
	char			 actor[80];
	int			 rc, text;
	enum ticket_act_result	 done;

	/* Files (multipart/form-data) are staged: nothing is kept yet. */
	f = &u.fields;
	ui = i18n_ui_lang(request_lang(req));
	if ((rc = upload_form_read(req, &u, 0)) != 1) {
		if (rc == -1)
			rc = respond_error_page(req, u.status, i18n_get(ui,
			    upload_problem_key(&u)));
		else
			rc = KORE_RESULT_OK;
		goto out;
	}
	(void)snprintf(actor, sizeof(actor), "agent:%s", owner->name);
	action = form_get(f, "action");
	body = form_get(f, "body");
	text = body != NULL && body[strspn(body, " \t\r\n")] != '\0';
	msg = NULL;
	done = TICKET_ACT_ERROR;
	if (!csrf_valid(req, form_get(f, CSRF_FIELD))) {
		rc = respond_error_page(req, 403, i18n_get(ui, "tk_err_csrf"));
		goto out;
	}
	memset(&ch, 0, sizeof(ch));
	ch.status = form_get(f, "status");
	ch.priority = form_get(f, "priority");
	ch.group = form_get(f, "group");
	if (action == NULL || (strcmp(action, "reply") &&
	    strcmp(action, "note") && strcmp(action, "update")))
		msg = "tk_err_bad_change";
	else if ((ch.status && !ticket_status_valid(ch.status)) ||
	    (ch.priority && ticket_priority_rank(ch.priority) < 0) ||
	    (ch.group && !tickets_group_known(ch.group)))
		msg = "tk_err_bad_change";
	else if (strcmp(action, "update") && (!text ||
	    text_field_check(body, TICKET_BODY_MAX, 1) != TEXT_OK))
		msg = "tk_err_reply_body";
	/* Text or files sent with "change only" would be lost: say so. */
	else if (!strcmp(action, "update") && (text || u.nfiles > 0))
		msg = "ws_err_text_with_change";
	else if (upload_form_commit(&u) != 0)
		done = TICKET_ACT_ERROR;
	else
		done = ticket_act(site.db, ref, actor, !strcmp(action,
		    "reply"), strcmp(action, "update") ? body : NULL, &ch,
		    u.files, u.nfiles);
	if (msg != NULL)
		rc = respond_error_page(req, 400, i18n_get(ui, msg));
	else if (done == TICKET_ACT_NO_TICKET)
		rc = respond_error_page(req, 404, NULL);
	else if (done != TICKET_ACT_DONE) {
		http_response_header(req, "retry-after", "5");
		rc = respond_error_page(req, 503, i18n_get(ui,
		    "tk_err_unavailable"));
	} else {
		sb_init(&loc);
		sb_printf(&loc, "/agent/tickets/%s", ref);
		rc = tickets_redirect(req, 303, loc.data);
		sb_free(&loc);
	}
out:
	upload_form_free(&u);
	return (rc);
}

/* The customer's other tickets, with their status in the agents' words. */
static json_t *
other_tickets(json_t *t, const char *ui)
{
	json_t	*arr, *o;
	size_t	 i;
	char	 when[64];

	if ((arr = tickets_by_email(site.db, json_string_value(
	    json_object_get(t, "email")), json_string_value(json_object_get(t,
	    "ref")), WORKSPACE_OTHER_TICKETS)) == NULL)
		return (json_array());
	json_array_foreach(arr, i, o) {
		set_word(o, "status_label", status_word(ui, json_string_value(
		    json_object_get(o, "status"))));
		tickets_format_time(json_integer_value(json_object_get(o,
		    "created_at")), when, sizeof(when));
		set_word(o, "created", when);
	}
	return (arr);
}

int
agent_ticket(struct http_request *req)
{
	struct token_owner	 owner;
	const char		*ui;
	char			 ref[TICKET_REF_LEN];
	json_t			*ctx, *t;
	int			 missing;

	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (site.db == NULL || !tickets_agent(req, &owner))
		return (to_login(req));
	if (tickets_path_ref(req, "/agent/tickets/", NULL, ref) == NULL)
		return (respond_error_page(req, 404, NULL));
	if (req->method == HTTP_METHOD_POST)
		return (agent_post(req, ref, &owner));
	ui = i18n_ui_lang(request_lang(req));
	if ((t = ticket_get(site.db, ref, 0, &missing)) == NULL)
		return (respond_error_page(req, missing ? 404 : 503, NULL));
	tickets_decorate(t, ui);
	tickets_add_attachments(t, ref, 0, NULL);
	agent_decorate(t, ui, request_lang(req));
	add_comments(t, ref);
	ctx = agent_context(req, &owner, ref);
	json_object_set_new(ctx, "statuses", options(statuses, "tk_status_",
	    json_string_value(json_object_get(t, "status")), ui));
	json_object_set_new(ctx, "priorities", options(priorities,
	    "tk_priority_", json_string_value(json_object_get(t, "priority")),
	    ui));
	json_object_set_new(ctx, "groups", group_options(
	    json_string_value(json_object_get(t, "group")), ui));
	json_object_set_new(ctx, "others", other_tickets(t, ui));
	json_object_set_new(ctx, "suggested", agent_suggestions(
	    json_string_value(json_object_get(t, "subject")),
	    json_string_value(json_object_get(t, "body")), request_lang(req)));
	json_object_set_new(ctx, "macros", agent_macros(json_string_value(
	    json_object_get(t, "name")), ref, request_lang(req)));
	json_object_set_new(ctx, "has_others", json_boolean(json_array_size(
	    json_object_get(ctx, "others")) > 0));
	json_object_set_new(ctx, "has_suggested", json_boolean(
	    json_array_size(json_object_get(ctx, "suggested")) > 0));
	json_object_set_new(ctx, "has_macros", json_boolean(json_array_size(
	    json_object_get(ctx, "macros")) > 0));
	json_object_set_new(ctx, "agent_js", json_string(
	    assets_url("agent.js")));
	tickets_csat_view(ctx, ref, json_string_value(json_object_get(t,
	    "status")), ui);
	json_object_set_new(ctx, "ticket", t);
	return (respond_page(req, 200, "agent_ticket", ctx));
}
