/* feedback.c: "Was this article helpful?": the plain form POST (CSRF, 303 back to the article) and POST /api/v1/articles/<slug>/feedback. */
#include <stdlib.h>
#include <string.h>

#include "http/core/site.h"
#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "http/core/visitor.h"
#include "vote_batch.h"
#include "deflection/votes.h"
#include "render/i18n.h"
#include "util/strbuf.h"
#include "util/text.h"

int	page_feedback(struct http_request *);
int	api_feedback(struct http_request *);

/* Votes a client may cast per minute, over all articles. */
#define VOTES_PER_MINUTE	60

/* Why a vote was refused: HTTP status, code, message key, field. */
struct refusal {
	int		 status;
	const char	*code;
	const char	*message;	/* English, for the API */
	const char	*key;		/* UI string, for the page */
	const char	*field;
};

/*
 * The article of /<prefix><slug>/feedback: its canonical slug (an alias
 * is followed), or NULL when the path names no article.
 */
static const char *
feedback_article(struct http_request *req, const char *prefix)
{
	const struct article	*a;
	const char		*target;
	char			*slug, *end;

	slug = xstrdup(req->path + strlen(prefix));
	if ((end = strrchr(slug, '/')) != NULL)
		*end = '\0';
	a = NULL;
	if (url_decode(slug, 0, NULL) == 0 && slug_valid(slug)) {
		a = catalog_article(site.cat, slug);
		if (a == NULL && (target = catalog_alias(site.cat, slug)) !=
		    NULL)
			a = catalog_article(site.cat, target);
	}
	free(slug);
	return (a != NULL ? a->slug : NULL);
}

/*
 * Checks reason and comment of a vote; comment "" counts as none. Returns
 * 1 when they may be stored, else 0 with *why filled.
 */
static int
vote_fields_ok(int helpful, const char *reason, const char **comment,
    struct refusal *why)
{
	enum text_problem	p;

	if (reason != NULL && !vote_reason_valid(reason)) {
		*why = (struct refusal){ 400, "invalid_reason", "reason must be "
		    "one of outdated, unclear, not_my_issue, wrong_language, "
		    "other.", "fb_bad_reason", "reason" };
		return (0);
	}
	if (reason != NULL && helpful) {
		*why = (struct refusal){ 400, "invalid_reason", "A reason goes "
		    "only with helpful: false.", "fb_bad_reason", "reason" };
		return (0);
	}
	if (*comment == NULL)
		return (1);
	p = text_field_check(*comment, VOTE_COMMENT_MAX, 1);
	if (p == TEXT_EMPTY) {
		*comment = NULL;
		return (1);
	}
	if (p == TEXT_TOO_LONG) {
		*why = (struct refusal){ 400, "comment_too_long", "The comment "
		    "may have at most 500 characters.", "fb_comment_too_long",
		    "comment" };
		return (0);
	}
	if (p != TEXT_OK) {
		*why = (struct refusal){ 400, "invalid_comment", "The comment "
		    "holds characters that are not text.", "fb_bad_comment",
		    "comment" };
		return (0);
	}
	if (helpful) {
		*why = (struct refusal){ 400, "invalid_comment", "A comment "
		    "goes only with helpful: false.", "fb_bad_comment",
		    "comment" };
		return (0);
	}
	return (1);
}

/* The form's answer once the vote's commit is done (see vote_batch.h). */
static int
page_feedback_saved(struct http_request *req, struct vote_wait *w)
{
	int	rc;

	if (w->result == -1) {
		(void)write_unavailable(req);
		rc = respond_error_page(req, 503, i18n_get(w->ui,
		    "fb_not_saved"));
	} else
		rc = respond_redirect(req, 303, w->then);
	vote_wait_free(w);
	return (rc);
}

int
page_feedback(struct http_request *req)
{
	struct form		 form;
	struct refusal		 why;
	struct strbuf		 loc;
	struct vote_wait	*w;
	const char		*slug, *helpful, *reason, *comment, *lang, *ui;
	const char		*state;
	int			 yes, rc, have_form;

	if ((w = vote_batch_done(req)) != NULL)
		return (page_feedback_saved(req, w));
	if (!allow_post(req))
		return (KORE_RESULT_OK);
	have_form = 0;
	ui = i18n_ui_lang(request_lang(req));
	if ((slug = feedback_article(req, "/articles/")) == NULL)
		return (respond_error_page(req, 404, i18n_get(ui,
		    "fb_unknown_article")));
	if (!ratelimit_check(req, "vote", VOTES_PER_MINUTE))
		return (KORE_RESULT_OK);
	if (!form_read(req, &form))
		return (KORE_RESULT_OK);
	have_form = 1;
	if (!csrf_valid(req, form_get(&form, CSRF_FIELD))) {
		rc = respond_error_page(req, 403, i18n_get(ui, "fb_bad_csrf"));
		goto done;
	}
	helpful = form_get(&form, "helpful");
	reason = form_get(&form, "reason");
	comment = form_get(&form, "comment");
	if (reason != NULL && *reason == '\0')
		reason = NULL;
	if (helpful == NULL || (strcmp(helpful, "yes") &&
	    strcmp(helpful, "no"))) {
		rc = respond_error_page(req, 400, i18n_get(ui,
		    "fb_bad_helpful"));
		goto done;
	}
	yes = !strcmp(helpful, "yes");
	if (!vote_fields_ok(yes, reason, &comment, &why)) {
		rc = respond_error_page(req, why.status, i18n_get(ui, why.key));
		goto done;
	}
	/* Back to the article, at the form, in the state that comes next. */
	state = yes ? "yes" : (reason != NULL || comment != NULL) ? "sent" :
	    "no";
	lang = form_get(&form, "lang");
	sb_init(&loc);
	sb_printf(&loc, "/articles/%s?", slug);
	if (lang != NULL && lang_supported(lang))
		sb_printf(&loc, "lang=%s&", lang);
	sb_printf(&loc, "feedback=%s#feedback", state);
	w = vote_wait_new(visitor_id(req), slug, yes, reason, comment);
	w->then = sb_detach(&loc);
	w->ui = ui;
	/* Answered by page_feedback_saved once the vote is committed. */
	rc = vote_batch_add(req, w);
done:
	if (have_form)
		form_free(&form);
	return (rc);
}

/* The API's answer once the vote's commit is done (see vote_batch.h). */
static int
api_feedback_saved(struct http_request *req, struct vote_wait *w)
{
	int	rc;

	if (w->result == -1)
		rc = respond_json_error(req, 503, "not_saved",
		    write_unavailable(req), NULL);
	else {
		json_object_set_new(w->answer, "replaced",
		    json_boolean(w->result == 0));
		rc = respond_json(req, w->result == 1 ? 201 : 200,
		    json_incref(w->answer));
	}
	vote_wait_free(w);
	return (rc);
}

int
api_feedback(struct http_request *req)
{
	struct refusal		 why;
	struct strbuf		 url;
	struct vote_wait	*w;
	const char		*slug, *reason, *comment;
	json_t			*body, *h, *o;
	int			 rc, yes;

	if ((w = vote_batch_done(req)) != NULL)
		return (api_feedback_saved(req, w));
	if (!allow_post(req))
		return (KORE_RESULT_OK);
	body = NULL;
	if ((slug = feedback_article(req, "/api/v1/articles/")) == NULL)
		return (respond_json_error(req, 404, "unknown_article",
		    "No article has this slug; see GET /api/v1/articles.",
		    "slug"));
	if (!ratelimit_check(req, "vote", VOTES_PER_MINUTE))
		return (KORE_RESULT_OK);
	if (!json_read(req, &body))
		return (KORE_RESULT_OK);
	h = json_object_get(body, "helpful");
	if (!json_is_boolean(h)) {
		rc = respond_json_error(req, 400, "invalid_helpful",
		    "helpful must be true or false.", "helpful");
		goto done;
	}
	yes = json_is_true(h);
	if (json_member_string(body, "reason", &reason) == -1) {
		rc = respond_json_error(req, 400, "invalid_reason", "reason "
		    "must be a string.", "reason");
		goto done;
	}
	if (json_member_string(body, "comment", &comment) == -1) {
		rc = respond_json_error(req, 400, "invalid_comment", "comment "
		    "must be a string.", "comment");
		goto done;
	}
	if (!vote_fields_ok(yes, reason, &comment, &why)) {
		rc = respond_json_error(req, why.status, why.code, why.message,
		    why.field);
		goto done;
	}
	o = json_pack("{s:s, s:b, s:s?, s:s?}", "slug", slug, "helpful",
	    yes, "reason", reason, "comment", comment);
	if (!yes) {
		/* The offer to contact support, pre-filled with this article. */
		sb_init(&url);
		sb_printf(&url, "/tickets/new?article=%s&from=feedback", slug);
		json_object_set_new(o, "contact_url", json_string(url.data));
		sb_free(&url);
	}
	w = vote_wait_new(visitor_id(req), slug, yes, reason, comment);
	w->answer = o;
	/* Answered by api_feedback_saved once the vote is committed. */
	rc = vote_batch_add(req, w);
done:
	json_decref(body);
	return (rc);
}
