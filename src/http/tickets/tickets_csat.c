/* tickets_csat.c: "How would you rate the support?": the form on the status page (#rate), its POST, and POST/GET /api/v1/tickets/<ref>/satisfaction with the status token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "render/i18n.h"
#include "http/core/site.h"
#include "tickets/csat.h"
#include "tickets_http.h"
#include "util/strbuf.h"

int	ticket_rate(struct http_request *);
int	api_ticket_satisfaction(struct http_request *);

/* Answers a minute per client: a change of mind, not a vote flood. */
#define CSAT_RATE	20

/* [{value, label, checked}] of a rating's reasons. */
static json_t *
reason_options(const char *rating, const char *ui, json_t *current)
{
	const char *const	*r;
	const char		*cur;
	json_t			*arr;
	char			 key[64];
	int			 same;

	cur = json_string_value(json_object_get(current, "rating"));
	same = cur != NULL && !strcmp(cur, rating);
	arr = json_array();
	for (r = csat_reasons(rating); *r != NULL; r++) {
		(void)snprintf(key, sizeof(key), "cs_reason_%s_%s", rating, *r);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}",
		    "value", *r, "rating", rating, "label", i18n_get(ui, key),
		    "checked", same && !strcmp(*r, json_string_value(
		    json_object_get(current, "reason")))));
	}
	return (arr);
}

void
tickets_csat_view(json_t *ctx, const char *ref, const char *status,
    const char *ui)
{
	json_t		*cur;
	const char	*rating;
	char		 key[64];

	/* Asked once the work is done (solved, or closed after it). */
	if (status == NULL || (strcmp(status, "solved") &&
	    strcmp(status, "closed")))
		return;
	if ((cur = csat_get(site.db, ref)) == NULL)
		cur = json_null();
	if ((rating = json_string_value(json_object_get(cur, "rating"))) !=
	    NULL) {
		(void)snprintf(key, sizeof(key), "cs_reason_%s_%s", rating,
		    json_string_value(json_object_get(cur, "reason")));
		json_object_set_new(cur, "rating_label", json_string(i18n_get(ui,
		    !strcmp(rating, "good") ? "cs_good" : "cs_bad")));
		json_object_set_new(cur, "reason_label",
		    json_string(i18n_get(ui, key)));
		json_object_set_new(cur, "is_good",
		    json_boolean(!strcmp(rating, "good")));
	}
	json_object_set_new(ctx, "csat", json_pack("{s:o, s:o, s:b, s:b, "
	    "s:o, s:s}", "good_reasons", reason_options("good", ui, cur),
	    "bad_reasons", reason_options("bad", ui, cur), "good",
	    rating != NULL && !strcmp(rating, "good"), "bad",
	    rating != NULL && !strcmp(rating, "bad"), "current", cur,
	    "comment", json_string_value(json_object_get(cur, "comment")) ?
	    json_string_value(json_object_get(cur, "comment")) : ""));
}

/* POST /tickets/<ref>/satisfaction: the status page's form. */
int
ticket_rate(struct http_request *req)
{
	struct ticket_problem	 p;
	struct csat_answer	 a;
	struct form		 f;
	struct strbuf		 loc;
	const char		*token, *ui;
	char			 ref[TICKET_REF_LEN];
	int			 rc;

	site_refresh();
	if (req->method != HTTP_METHOD_POST) {
		http_response_header(req, "allow", "POST");
		return (respond_error_page(req, 405, NULL));
	}
	if (site.db == NULL || tickets_path_ref(req, "/tickets/",
	    "/satisfaction", ref) == NULL)
		return (respond_error_page(req, 404, NULL));
	if (!ratelimit_check(req, "csat", CSAT_RATE))
		return (KORE_RESULT_OK);
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	ui = i18n_ui_lang(request_lang(req));
	token = form_get(&f, "t");
	/* A wrong token looks exactly like no ticket, as on the page. */
	if (!ticket_token_valid(site.secret, ref, token)) {
		rc = respond_error_page(req, 404, NULL);
		goto done;
	}
	if (!csrf_valid(req, form_get(&f, CSRF_FIELD))) {
		rc = respond_error_page(req, 403, i18n_get(ui, "tk_err_csrf"));
		goto done;
	}
	a.rating = form_get(&f, "rating");
	a.reason = form_get(&f, "reason");
	a.comment = form_get(&f, "comment");
	if (csat_validate(&a, &p) != 0) {
		rc = respond_error_page(req, 400, i18n_get(ui, p.key));
		goto done;
	}
	switch (csat_record(site.db, ref, &a, 0)) {
	case CSAT_RECORDED:
	case CSAT_REPLACED:
		sb_init(&loc);
		sb_printf(&loc, "/tickets/%s?t=%s#rate", ref, token);
		rc = tickets_redirect(req, 303, loc.data);
		sb_free(&loc);
		break;
	case CSAT_NOT_SOLVED:
		rc = respond_error_page(req, 409, i18n_get(ui,
		    "cs_err_not_solved"));
		break;
	case CSAT_NO_TICKET:
		rc = respond_error_page(req, 404, NULL);
		break;
	default:
		rc = respond_write_unavailable(req);
		break;
	}
done:
	form_free(&f);
	return (rc);
}

static int
api_answer(struct http_request *req, int status, const char *ref)
{
	json_t	*cur;

	if ((cur = csat_get(site.db, ref)) == NULL)
		return (respond_write_unavailable(req));
	return (respond_json(req, status, json_pack("{s:s, s:o}", "ref", ref,
	    "satisfaction", cur)));
}

/*
 * POST /api/v1/tickets/<ref>/satisfaction {"token","rating","reason",
 * "comment"}: 201 the first answer, 200 a replaced one. GET with ?t= reads
 * it. The status token stands for the requester, as on the page.
 */
int
api_ticket_satisfaction(struct http_request *req)
{
	static const char	*names[] = { "token", "rating", "reason",
				    "comment" };
	struct ticket_problem	 p;
	struct csat_answer	 a;
	const char		*v[4];
	char			 ref[TICKET_REF_LEN], *qt;
	json_t			*body;
	size_t			 i;
	int			 rc;

	site_refresh();
	if (site.db == NULL)
		return (respond_write_unavailable(req));
	if (tickets_path_ref(req, "/api/v1/tickets/", "/satisfaction",
	    ref) == NULL)
		return (respond_json_error(req, 404, "not_found", "No ticket "
		    "has this reference.", NULL));
	if (req->method == HTTP_METHOD_GET) {
		qt = NULL;
		if (query_get(req, "t", &qt) != 1 ||
		    !ticket_token_valid(site.secret, ref, qt))
			rc = respond_json_error(req, 404, "not_found", "No "
			    "ticket has this reference and token (?t=, from "
			    "the status link).", "t");
		else
			rc = api_answer(req, 200, ref);
		free(qt);
		return (rc);
	}
	if (req->method != HTTP_METHOD_POST) {
		http_response_header(req, "allow", "GET, POST");
		return (respond_json_error(req, 405, "method_not_allowed",
		    "This address takes GET and POST.", NULL));
	}
	if (!ratelimit_check(req, "csat", CSAT_RATE))
		return (KORE_RESULT_OK);
	if (!json_read(req, &body))
		return (KORE_RESULT_OK);
	for (i = 0; i < 4; i++) {
		if (json_member_string(body, names[i], &v[i]) < 0) {
			rc = respond_json_error(req, 400, "invalid_type",
			    "This field must be a string.", names[i]);
			goto done;
		}
	}
	if (!ticket_token_valid(site.secret, ref, v[0])) {
		rc = respond_json_error(req, 404, "not_found", "No ticket has "
		    "this reference and token (the t= of the status link).",
		    "token");
		goto done;
	}
	a.rating = v[1];
	a.reason = v[2];
	a.comment = v[3];
	if (csat_validate(&a, &p) != 0) {
		rc = respond_json_error(req, 400, p.code, p.message, p.field);
		goto done;
	}
	switch (csat_record(site.db, ref, &a, 0)) {
	case CSAT_RECORDED:
		rc = api_answer(req, 201, ref);
		break;
	case CSAT_REPLACED:
		rc = api_answer(req, 200, ref);
		break;
	case CSAT_NOT_SOLVED:
		rc = respond_json_error(req, 409, "not_solved", "Satisfaction "
		    "is asked once the ticket is solved; reply on the status "
		    "page meanwhile.", NULL);
		break;
	case CSAT_NO_TICKET:
		rc = respond_json_error(req, 404, "not_found", "No ticket has "
		    "this reference.", NULL);
		break;
	default:
		rc = respond_write_unavailable(req);
		break;
	}
done:
	json_decref(body);
	return (rc);
}
