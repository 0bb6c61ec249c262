/* tickets_status.c: /tickets/<ref>?t=<token>, the requester's private view of a ticket and its reply box. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "http/core/uploads.h"
#include "render/i18n.h"
#include "http/core/site.h"
#include "tickets_http.h"
#include "util/strbuf.h"
#include "util/text.h"

int	ticket_status(struct http_request *);

static int
render_status(struct http_request *req, int status, const char *ref,
    const char *token, const char *reply, const char *error_key)
{
	const char	*lang, *ui;
	json_t		*ctx, *t;
	char		 csrf[65];
	int		 missing;

	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	if ((t = ticket_get(site.db, ref, 1, &missing)) == NULL)
		return (respond_error_page(req, missing ? 404 : 503, NULL));
	tickets_decorate(t, ui);
	tickets_add_attachments(t, ref, 1, token);
	ctx = tickets_page_context(req, lang, ref);
	json_object_set_new(ctx, "ticket", t);
	json_object_set_new(ctx, "token", json_string(token));
	json_object_set_new(ctx, "reply", json_string(reply ? reply : ""));
	json_object_set_new(ctx, "closed", json_boolean(!strcmp(
	    json_string_value(json_object_get(t, "status")), "closed")));
	csrf_token(req, csrf);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	tickets_csat_view(ctx, ref, json_string_value(json_object_get(t,
	    "status")), ui);
	if (error_key != NULL)
		json_object_set_new(ctx, "reply_error",
		    json_string(i18n_get(ui, error_key)));
	/* The address holds the token: never cached, never indexed. */
	http_response_header(req, "cache-control", "no-store");
	return (respond_page(req, status, "ticket_status", ctx));
}

static int
status_post(struct http_request *req, const char *ref)
{
	struct upload_form	 u;
	struct strbuf		 loc;
	const char		*token, *body, *key;
	int			 rc, read;

	if (!ratelimit_check(req, "ticket_reply", TICKET_REPLY_RATE))
		return (KORE_RESULT_OK);
	/* Files (multipart/form-data) are staged: nothing is kept yet. */
	if ((read = upload_form_read(req, &u, 0)) == 0) {
		rc = KORE_RESULT_OK;
		goto done;
	}
	token = form_get(&u.fields, "t");
	body = form_get(&u.fields, "body");
	if (!ticket_token_valid(site.secret, ref, token)) {
		rc = respond_error_page(req, 404, NULL);
		goto done;
	}
	if (read == -1) {
		rc = render_status(req, u.status, ref, token, body,
		    upload_problem_key(&u));
		goto done;
	}
	key = NULL;
	if (!csrf_valid(req, form_get(&u.fields, CSRF_FIELD)))
		key = "tk_err_csrf";
	else if (body == NULL || text_field_check(body, TICKET_BODY_MAX, 1) !=
	    TEXT_OK)
		key = body && body[strspn(body, " \t\r\n")] != '\0' ?
		    "tk_err_too_long" : "tk_err_required";
	if (key != NULL) {
		rc = render_status(req, !strcmp(key, "tk_err_csrf") ? 403 : 400,
		    ref, token, body, key);
		goto done;
	}
	/* The files are durable before the row that names them commits. */
	switch (upload_form_commit(&u) == 0 ? ticket_comment_files(site.db,
	    ref, "requester", 0, 1, body, u.files, u.nfiles, NULL) :
	    TICKET_CHANGE_FAILED) {
	case TICKET_CHANGED:
		sb_init(&loc);
		sb_printf(&loc, "/tickets/%s?t=%s#latest", ref, token);
		rc = tickets_redirect(req, 303, loc.data);
		sb_free(&loc);
		break;
	case TICKET_NOT_FOUND:
		rc = respond_error_page(req, 404, NULL);
		break;
	case TICKET_CLOSED:
		rc = render_status(req, 409, ref, token, body, "tk_err_closed");
		break;
	case TICKET_ALREADY_ADDED:	/* only emailed replies are keyed */
	case TICKET_CHANGE_FAILED:
	default:
		http_response_header(req, "retry-after", "5");
		rc = render_status(req, 503, ref, token, body,
		    "tk_err_unavailable");
		break;
	}
done:
	upload_form_free(&u);
	return (rc);
}

int
ticket_status(struct http_request *req)
{
	char	 ref[TICKET_REF_LEN], *token;
	int	 rc;

	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (site.db == NULL || tickets_path_ref(req, "/tickets/", NULL,
	    ref) == NULL)
		return (respond_error_page(req, 404, NULL));
	if (req->method == HTTP_METHOD_POST)
		return (status_post(req, ref));
	/* A wrong or missing token looks exactly like no ticket. */
	token = NULL;
	if (query_get(req, "t", &token) != 1 ||
	    !ticket_token_valid(site.secret, ref, token))
		rc = respond_error_page(req, 404, NULL);
	else
		rc = render_status(req, 200, ref, token, NULL, NULL);
	free(token);
	return (rc);
}
