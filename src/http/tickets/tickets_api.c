/* tickets_api.c: /api/v1/tickets: create (anyone, same checks as the form) and the agents' list, show, change, comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deflection/events.h"
#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "http/core/uploads.h"
#include "settings.h"
#include "http/core/site.h"
#include "tickets_http.h"
#include "util/strbuf.h"
#include "util/text.h"

int	api_tickets(struct http_request *);
int	api_ticket(struct http_request *);
int	api_ticket_comments(struct http_request *);

#define MAX_PROBLEMS	8

static int
unauthorized(struct http_request *req)
{
	http_response_header(req, "www-authenticate", "Bearer");
	return (respond_json_error(req, 401, "unauthorized", "Send an agent "
	    "token: Authorization: Bearer hc_... (hcctl token add agent NAME).",
	    NULL));
}

static int
unavailable(struct http_request *req)
{
	return (respond_write_unavailable(req));
}

/* Reads the string members; a member of another type is a 400. */
static const char *
read_members(json_t *body, const char **names, const char **out, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (json_member_string(body, names[i], &out[i]) < 0)
			return (names[i]);
	return (NULL);
}

/* 1 when the body is multipart/form-data: fields as strings, and files. */
static int
is_multipart(struct http_request *req)
{
	const char	*ct;

	return (http_request_header(req, "content-type", &ct) &&
	    !strncasecmp(ct, "multipart/form-data", 19));
}

/* Answers a refused file: 400, 413 or 415 naming the limit, or 503. */
static int
file_refused(struct http_request *req, const struct upload_form *u)
{
	char	msg[ATTACH_NAME_BYTES + 200], code[40];

	upload_problem_message(u, msg, sizeof(msg));
	(void)snprintf(code, sizeof(code), "attachment_%s",
	    attachment_result_string(u->problem));
	if (u->status == 503)
		return (unavailable(req));
	return (respond_json_error(req, u->status, code, msg, UPLOAD_FIELD));
}

static void
ticket_url(const struct ticket_created *c, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s/tickets/%s?t=%s", settings.base_url,
	    c->ref, c->token);
}

static int
create(struct http_request *req)
{
	static const char	*names[] = { "name", "email", "subject", "body",
				    "category", "priority" };
	struct ticket_problem	 p[MAX_PROBLEMS];
	struct ticket_input	 in;
	struct ticket_created	 out;
	struct upload_form	 u;
	const char		*v[6], *bad, *idem;
	char			*cookie, url[512];
	json_t			*body, *ctx;
	enum ticket_result	 r;
	size_t			 i;
	int			 rc;

	if (!ratelimit_check(req, "ticket", TICKET_RATE))
		return (KORE_RESULT_OK);
	memset(&u, 0, sizeof(u));
	body = ctx = NULL;
	bad = NULL;
	if (is_multipart(req)) {
		/* With files: the same fields, as form fields. */
		if ((rc = upload_form_read(req, &u, 1)) != 1) {
			rc = rc == -1 ? file_refused(req, &u) : KORE_RESULT_OK;
			goto done;
		}
		for (i = 0; i < 6; i++)
			v[i] = form_get(&u.fields, names[i]);
	} else if (!json_read(req, &body))
		return (KORE_RESULT_OK);
	else
		bad = read_members(body, names, v, 6);
	if (bad != NULL) {
		rc = respond_json_error(req, 400, "invalid_type", "This field "
		    "must be a string.", bad);
		goto done;
	}
	memset(&in, 0, sizeof(in));
	in.name = v[0];
	in.email = v[1];
	in.subject = v[2];
	in.body = v[3];
	in.category = v[4] && v[4][0] ? v[4] : NULL;
	in.priority = v[5] ? v[5] : "normal";
	in.channel = "api";
	/* ?lang=, the cookie or Accept-Language: the emails' language. */
	in.lang = request_lang(req);
	if (http_request_header(req, "idempotency-key", &idem))
		in.idem_key = idem;
	if (ticket_validate(&in, p, MAX_PROBLEMS) > 0) {
		rc = respond_json_error(req, 400, p[0].code, p[0].message,
		    p[0].field);
		goto done;
	}
	if (!tickets_category_known(in.category)) {
		rc = respond_json_error(req, 400, "unknown_category", "No "
		    "category has this slug; GET /api/v1/categories lists "
		    "them.", "category");
		goto done;
	}
	/* A program has no visitor context unless it sends the cookie. */
	http_populate_cookies(req);
	if (http_request_cookie(req, VISITOR_COOKIE, &cookie)) {
		in.visitor = visitor_id(req);
		ctx = events_visitor_context(site.db, in.visitor,
		    TICKET_CONTEXT_SECONDS);
		in.context = ctx;
	}
	/* The files are durable before the row that names them commits. */
	in.attachments = u.files;
	in.nattachments = u.nfiles;
	switch ((r = upload_form_commit(&u) != 0 ? TICKET_ERROR :
	    ticket_create(site.db, site.secret, &in, &out))) {
	case TICKET_CREATED:
	case TICKET_REPLAYED:
		ticket_url(&out, url, sizeof(url));
		/* A replay answers what the first request got, with 200. */
		http_response_header(req, "location", url);
		rc = respond_json(req, r == TICKET_CREATED ? 201 : 200, json_pack("{s:s, s:s, s:s}", "ref",
		    out.ref, "status", out.status, "url", url));
		break;
	case TICKET_CONFLICT:
		rc = respond_json_error(req, 409, "idempotency_conflict", "This "
		    "Idempotency-Key was already used for a different ticket; "
		    "use a new key for new content.", "idempotency_key");
		break;
	default:
		rc = unavailable(req);
		break;
	}
done:
	json_decref(ctx);
	json_decref(body);
	upload_form_free(&u);
	return (rc);
}

/* ?status=&group=&overdue=&page=&per_page= for the list. */
static int
read_filter(struct http_request *req, struct ticket_filter *f, char **status,
    char **group, const char **bad)
{
	char	*v, *end;
	long	 n;
	int	 rc;

	memset(f, 0, sizeof(*f));
	*status = *group = NULL;
	if ((rc = query_get(req, "status", status)) < 0 || (rc > 0 &&
	    (*status)[0] != '\0' && !ticket_status_valid(*status))) {
		*bad = "status";
		return (-1);
	}
	if (rc > 0 && (*status)[0] != '\0')
		f->status = *status;
	if ((rc = query_get(req, "group", group)) < 0 || (rc > 0 &&
	    (*group)[0] != '\0' && !tickets_group_known(*group))) {
		*bad = "group";
		return (-1);
	}
	if (rc > 0 && (*group)[0] != '\0')
		f->group = *group;
	if ((rc = query_get(req, "overdue", &v)) != 0) {
		if (rc > 0 && (!strcmp(v, "1") || !strcmp(v, "true")))
			f->overdue = 1;
		else if (rc < 0 || (strcmp(v, "0") && strcmp(v, "false") &&
		    v[0] != '\0')) {
			free(v);
			*bad = "overdue";
			return (-1);
		}
		free(v);
	}
	f->page = 1;
	f->per_page = 25;
	if ((rc = query_get(req, "page", &v)) != 0) {
		n = rc > 0 ? strtol(v, &end, 10) : -1;
		if (rc < 0 || v[0] == '\0' || *end != '\0' || n < 1 ||
		    n > 100000) {
			free(v);
			*bad = "page";
			return (-1);
		}
		f->page = (int)n;
		free(v);
	}
	if ((rc = query_get(req, "per_page", &v)) != 0) {
		n = rc > 0 ? strtol(v, &end, 10) : -1;
		if (rc < 0 || v[0] == '\0' || *end != '\0' || n < 1 ||
		    n > 50) {
			free(v);
			*bad = "per_page";
			return (-1);
		}
		f->per_page = (int)n;
		free(v);
	}
	return (0);
}

static int
list(struct http_request *req)
{
	struct ticket_filter	 f;
	const char		*bad;
	char			*status, *group;
	json_t			*o;
	int			 rc;

	if (read_filter(req, &f, &status, &group, &bad) != 0)
		rc = respond_json_error(req, 400, "invalid_parameter", "status "
		    "must be new, open, pending, solved or closed; group a "
		    "known group; overdue 0 or 1; page 1-100000; per_page "
		    "1-50.", bad);
	else if ((o = ticket_list(site.db, &f)) == NULL)
		rc = unavailable(req);
	else
		rc = respond_json(req, 200, o);
	free(status);
	free(group);
	return (rc);
}

int
api_tickets(struct http_request *req)
{
	struct token_owner	owner;

	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (site.db == NULL)
		return (unavailable(req));
	if (req->method == HTTP_METHOD_POST)
		return (create(req));
	if (!staff_auth(req, TOKEN_ROLE_AGENT, &owner))
		return (unauthorized(req));
	return (list(req));
}

/* Answers a change's outcome with the ticket as it is now. */
static int
changed(struct http_request *req, const char *ref,
    enum ticket_change_result outcome, int status)
{
	json_t	*t;
	int	 missing;

	if (outcome == TICKET_NOT_FOUND)
		return (respond_json_error(req, 404, "not_found", "No ticket "
		    "has this reference.", NULL));
	if (outcome != TICKET_CHANGED || (t = ticket_get(site.db, ref, 0,
	    &missing)) == NULL)
		return (unavailable(req));
	tickets_add_attachments(t, ref, 0, NULL);
	return (respond_json(req, status, t));
}

static int
patch(struct http_request *req, const char *ref, const char *actor)
{
	static const char	*names[] = { "status", "priority", "group" };
	struct ticket_change	 ch;
	const char		*v[3], *bad;
	json_t			*body;
	int			 rc;

	if (!json_read(req, &body))
		return (KORE_RESULT_OK);
	if ((bad = read_members(body, names, v, 3)) != NULL) {
		rc = respond_json_error(req, 400, "invalid_type", "This field "
		    "must be a string.", bad);
		goto done;
	}
	if (v[0] == NULL && v[1] == NULL && v[2] == NULL) {
		rc = respond_json_error(req, 400, "nothing_to_change", "Send "
		    "status, priority or group.", NULL);
		goto done;
	}
	if (v[0] != NULL && !ticket_status_valid(v[0])) {
		rc = respond_json_error(req, 400, "invalid_status", "status "
		    "must be new, open, pending, solved or closed.", "status");
		goto done;
	}
	if (v[1] != NULL && ticket_priority_rank(v[1]) < 0) {
		rc = respond_json_error(req, 400, "invalid_priority", "priority "
		    "must be low, normal, high or urgent.", "priority");
		goto done;
	}
	if (v[2] != NULL && !tickets_group_known(v[2])) {
		rc = respond_json_error(req, 400, "unknown_group", "No such "
		    "group in _support.yaml.", "group");
		goto done;
	}
	ch.status = v[0];
	ch.priority = v[1];
	ch.group = v[2];
	rc = changed(req, ref, ticket_update(site.db, ref, actor, &ch), 200);
done:
	json_decref(body);
	return (rc);
}

/*
 * The method (site_begin), the ref in the path and the agent behind the
 * request: 1 to go on, 0 after answering.
 */
static int
agent_request(struct http_request *req, int methods, const char *suffix,
    char ref[TICKET_REF_LEN], char *actor, size_t actorlen)
{
	struct token_owner	owner;

	if (!site_begin(req, methods))
		return (0);
	if (site.db == NULL) {
		(void)unavailable(req);
		return (0);
	}
	if (!staff_auth(req, TOKEN_ROLE_AGENT, &owner)) {
		(void)unauthorized(req);
		return (0);
	}
	if (tickets_path_ref(req, "/api/v1/tickets/", suffix, ref) == NULL) {
		(void)respond_json_error(req, 404, "not_found", "No ticket has "
		    "this reference.", NULL);
		return (0);
	}
	(void)snprintf(actor, actorlen, "agent:%s", owner.name);
	return (1);
}

int
api_ticket(struct http_request *req)
{
	char	 ref[TICKET_REF_LEN], actor[80];
	json_t	*t;
	int	 missing;

	if (!agent_request(req, HTTP_METHOD_GET | HTTP_METHOD_PATCH, NULL,
	    ref, actor, sizeof(actor)))
		return (KORE_RESULT_OK);
	if (req->method == HTTP_METHOD_PATCH)
		return (patch(req, ref, actor));
	if ((t = ticket_get(site.db, ref, 0, &missing)) == NULL)
		return (missing ? respond_json_error(req, 404, "not_found",
		    "No ticket has this reference.", NULL) : unavailable(req));
	tickets_add_attachments(t, ref, 0, NULL);
	return (respond_json(req, 200, t));
}

int
api_ticket_comments(struct http_request *req)
{
	struct upload_form	 u;
	char			 ref[TICKET_REF_LEN], actor[80];
	const char		*text, *flag;
	json_t			*body, *pub;
	int			 rc, is_public;

	if (!agent_request(req, HTTP_METHOD_POST, "/comments", ref, actor,
	    sizeof(actor)))
		return (KORE_RESULT_OK);
	memset(&u, 0, sizeof(u));
	body = NULL;
	is_public = 1;
	if (is_multipart(req)) {
		/* With files: body and public ("true"/"false") as fields. */
		if ((rc = upload_form_read(req, &u, 1)) != 1) {
			rc = rc == -1 ? file_refused(req, &u) : KORE_RESULT_OK;
			goto done;
		}
		text = form_get(&u.fields, "body");
		if ((flag = form_get(&u.fields, "public")) != NULL &&
		    strcmp(flag, "true") && strcmp(flag, "false")) {
			rc = respond_json_error(req, 400, "invalid_type",
			    "public must be true (a reply the requester sees) "
			    "or false (an internal note).", "public");
			goto done;
		}
		is_public = flag == NULL || !strcmp(flag, "true");
	} else {
		if (!json_read(req, &body))
			return (KORE_RESULT_OK);
		pub = json_object_get(body, "public");
		if (pub != NULL && !json_is_boolean(pub)) {
			rc = respond_json_error(req, 400, "invalid_type",
			    "public must be true (a reply the requester sees) "
			    "or false (an internal note).", "public");
			goto done;
		}
		is_public = pub == NULL || json_is_true(pub);
		if (json_member_string(body, "body", &text) != 1)
			text = NULL;
	}
	if (text == NULL || text_field_check(text, TICKET_BODY_MAX, 1) !=
	    TEXT_OK) {
		rc = respond_json_error(req, 400, "invalid_body", "body must be "
		    "text of 1 to 10000 characters.", "body");
		goto done;
	}
	/* The files are durable before the row that names them commits. */
	rc = changed(req, ref, upload_form_commit(&u) != 0 ?
	    TICKET_CHANGE_FAILED : ticket_comment_files(site.db, ref, actor, 1,
	    is_public, text, u.files, u.nfiles, NULL), 201);
done:
	json_decref(body);
	upload_form_free(&u);
	return (rc);
}
