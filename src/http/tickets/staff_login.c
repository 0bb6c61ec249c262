/* staff_login.c: /login and /logout: a staff token becomes a session cookie for /agent and /admin. */
#include <stdlib.h>
#include <string.h>

#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "render/i18n.h"
#include "http/core/site.h"
#include "tickets_http.h"
#include "util/text.h"

int	page_login(struct http_request *);
int	page_logout(struct http_request *);

/*
 * Where a login may lead: only this site's staff pages (/admin or /agent,
 * then the end, '/' or '?'); anything else (another site, //host, \)
 * falls back to /agent.
 */
static const char *
safe_next(const char *next)
{
	size_t	i;

	if (next == NULL || strlen(next) > 200)
		return ("/agent");
	if (strncmp(next, "/admin", 6) && strncmp(next, "/agent", 6))
		return ("/agent");
	if (next[6] != '\0' && next[6] != '/' && next[6] != '?')
		return ("/agent");
	for (i = 0; next[i] != '\0'; i++)
		if ((unsigned char)next[i] <= ' ' || next[i] == '\\' ||
		    (unsigned char)next[i] >= 127)
			return ("/agent");
	if (strstr(next, "//") != NULL)
		return ("/agent");
	return (next);
}

static int
render_login(struct http_request *req, int status, const char *next,
    const char *error_key)
{
	const char	*lang, *ui;
	json_t		*ctx;
	char		 csrf[65];

	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	ctx = tickets_page_context(req, lang, i18n_get(ui, "tk_login_title"));
	csrf_token(req, csrf);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	json_object_set_new(ctx, "next", json_string(next));
	json_object_set_new(ctx, "hide_header_search", json_true());
	if (error_key != NULL)
		json_object_set_new(ctx, "error",
		    json_string(i18n_get(ui, error_key)));
	return (respond_page(req, status, "login", ctx));
}

int
page_login(struct http_request *req)
{
	struct token_owner	 owner;
	struct form		 f;
	const char		*next, *token;
	char			*q;
	int			 rc;

	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (req->method != HTTP_METHOD_POST) {
		q = NULL;
		(void)query_get(req, "next", &q);
		rc = render_login(req, 200, safe_next(q), NULL);
		free(q);
		return (rc);
	}
	if (!ratelimit_check(req, "login", LOGIN_RATE))
		return (KORE_RESULT_OK);
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	next = safe_next(form_get(&f, "next"));
	token = form_get(&f, "token");
	if (!csrf_valid(req, form_get(&f, CSRF_FIELD)))
		rc = render_login(req, 403, next, "tk_err_csrf");
	else if (token == NULL || token[0] == '\0')
		rc = render_login(req, 400, next, "tk_login_missing");
	else if (site.db == NULL || !token_check(site.db, token,
	    !strncmp(next, "/admin", 6) ? TOKEN_ROLE_EDITOR : TOKEN_ROLE_AGENT,
	    &owner))
		rc = render_login(req, 403, next, "tk_login_bad");
	else if (staff_login(req, &owner) != 0)
		rc = respond_error_page(req, 503, write_unavailable(req));
	else
		rc = tickets_redirect(req, 303, next);
	form_free(&f);
	return (rc);
}

int
page_logout(struct http_request *req)
{
	struct form	f;
	int		rc;

	if (!allow_post(req))
		return (KORE_RESULT_OK);
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	if (!csrf_valid(req, form_get(&f, CSRF_FIELD)))
		rc = respond_error_page(req, 403, i18n_get(i18n_ui_lang(
		    request_lang(req)), "tk_err_csrf"));
	else {
		staff_logout(req);
		rc = tickets_redirect(req, 303, "/");
	}
	form_free(&f);
	return (rc);
}
