/* moderation.c: /admin/moderation: the queue of held and reported posts, moderator actions, and solved threads as draft articles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "community_http.h"
#include "http/core/forms.h"
#include "render/i18n.h"
#include "http/core/site.h"
#include "util/text.h"
#include "http/core/visitor.h"

int	page_moderation(struct http_request *);
int	moderation_act(struct http_request *);
int	moderation_export(struct http_request *);

void	cm_page_assets(json_t *);

static int
to_login(struct http_request *req)
{
	http_response_header(req, "location",
	    "/login?next=/admin/moderation");
	security_headers(req);
	http_response(req, 303, NULL, 0);
	return (KORE_RESULT_OK);
}

/*
 * The contract puts moderation under the editors: an agent signed in is
 * told so (403); anyone else is sent to sign in (login set: the page) or
 * refused (an action). 1 to go on with owner an editor, 0 after answering.
 */
static int
editor_only(struct http_request *req, struct token_owner *owner, int login)
{
	if (staff_auth(req, TOKEN_ROLE_EDITOR, owner))
		return (1);
	if (cm_staff(req, owner))
		(void)respond_error_page(req, 403, "Only editors moderate the "
		    "community; an agent's token cannot hide, delete or restore "
		    "posts. Ask an editor, or sign in with an editor's token.");
	else if (login)
		(void)to_login(req);
	else
		(void)respond_error_page(req, 403, "Sign in as an editor to "
		    "moderate.");
	return (0);
}

int
page_moderation(struct http_request *req)
{
	struct token_owner	 owner;
	const char		*lang, *ui;
	json_t			*ctx, *queue, *solved;
	char			 csrf[65];

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!editor_only(req, &owner, 1))
		return (KORE_RESULT_OK);
	lang = request_lang(req);
	ui = i18n_ui_lang(lang);
	ctx = page_context(req, lang, i18n_get(ui, "cm_mod_title"));
	cm_page_assets(ctx);
	json_object_set_new(ctx, "noindex", json_true());
	queue = site.db ? cm_queue(site.db, &solved) : json_array();
	if (site.db == NULL)
		solved = json_array();
	/* An empty queue is a sentence, not a table header. */
	json_object_set_new(ctx, "has_queue",
	    json_boolean(json_array_size(queue) > 0));
	json_object_set_new(ctx, "queue", queue);
	json_object_set_new(ctx, "solved", solved);
	json_object_set_new(ctx, "log", site.db ? cm_log_recent(site.db, 20) :
	    json_array());
	json_object_set_new(ctx, "staff_name", json_string(owner.name));
	json_object_set_new(ctx, "is_editor", json_boolean(
	    !strcmp(owner.role, TOKEN_ROLE_EDITOR)));
	csrf_token(req, csrf);
	json_object_set_new(ctx, "csrf", json_string(csrf));
	http_response_header(req, "cache-control", "no-store");
	return (respond_page(req, 200, "admin_moderation", ctx));
}

/* Where to go after an action: back to the page it came from. */
static int
after(struct http_request *req, const char *back, long long thread_id)
{
	char	url[96];

	if (back != NULL && !strcmp(back, "thread") && thread_id > 0)
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    thread_id);
	else
		(void)snprintf(url, sizeof(url), "/admin/moderation");
	http_response_header(req, "location", url);
	security_headers(req);
	http_response(req, 303, NULL, 0);
	return (KORE_RESULT_OK);
}

int
moderation_act(struct http_request *req)
{
	struct token_owner	 owner;
	struct form		 f;
	struct cm_thread	 t;
	struct cm_answer	 a;
	struct cm_audit		 by;
	const char		*action, *post, *target, *auth, *msg = NULL;
	long long		 id, thread_id = 0, tid;
	char			 kind, dup[220];
	int			 rc = -1, status = 400, bearer;

	if (!allow_post(req))
		return (KORE_RESULT_OK);
	if (!editor_only(req, &owner, 0))
		return (KORE_RESULT_OK);
	if (!form_read(req, &f))
		return (KORE_RESULT_OK);
	/* A bearer token cannot ride on a cross-site form; a cookie can. */
	bearer = http_request_header(req, "authorization", &auth) &&
	    !strncasecmp(auth, "Bearer ", 7);
	if (!bearer && !csrf_valid(req, form_get(&f, CSRF_FIELD))) {
		form_free(&f);
		return (respond_error_page(req, 403, "This form has expired; "
		    "reload the page and try again."));
	}
	action = form_get(&f, "action");
	post = form_get(&f, "post");
	memset(&t, 0, sizeof(t));
	memset(&a, 0, sizeof(a));
	if (action == NULL || post == NULL || (post[0] != 't' &&
	    post[0] != 'a') || !cm_path_id(post + 1, "", &id, NULL) ||
	    site.db == NULL) {
		msg = "Name an action and a post (t<id> or a<id>).";
		goto out;
	}
	kind = post[0];
	by.staff = owner.name;
	by.action = action;
	if (kind == 't' && cm_thread_get(site.db, id, &t) == 1)
		thread_id = id;
	else if (kind == 'a' && cm_answer_get(site.db, id, &a) == 1)
		thread_id = a.thread_id;
	if (thread_id == 0) {
		status = 404;
		msg = "There is no such post.";
		goto out;
	}
	if (!strcmp(action, "approve") || !strcmp(action, "unhide") ||
	    !strcmp(action, "dismiss"))
		rc = cm_set_status(site.db, kind, id, CM_PUBLISHED, &by);
	else if (!strcmp(action, "hide"))
		rc = cm_set_status(site.db, kind, id, CM_HIDDEN, &by);
	else if (!strcmp(action, "delete"))
		rc = cm_set_status(site.db, kind, id, CM_DELETED, &by);
	else if (kind == 't' && (!strcmp(action, "lock") ||
	    !strcmp(action, "unlock")))
		rc = cm_thread_flag(site.db, id, "locked",
		    !strcmp(action, "lock"), &by);
	else if (kind == 't' && (!strcmp(action, "pin") ||
	    !strcmp(action, "unpin")))
		rc = cm_thread_flag(site.db, id, "pinned",
		    !strcmp(action, "pin"), &by);
	else if (kind == 't' && !strcmp(action, "duplicate")) {
		target = form_get(&f, "target");
		if (target == NULL || *target == '\0')
			rc = cm_thread_duplicate(site.db, id, NULL, &by);
		else if (!strncmp(target, "article:", 8) &&
		    catalog_article(site.cat, target + 8) != NULL)
			rc = cm_thread_duplicate(site.db, id, target, &by);
		else if ((cm_path_id(target, "thread:", &tid, NULL) ||
		    cm_path_id(target, "", &tid, NULL)) && tid != id) {
			struct cm_thread other;

			if (cm_thread_brief(site.db, tid, &other) == 1) {
				cm_thread_free(&other);
				(void)snprintf(dup, sizeof(dup), "thread:%lld",
				    tid);
				rc = cm_thread_duplicate(site.db, id, dup, &by);
			} else
				msg = "There is no such published thread.";
		} else
			msg = "target is thread:<id> or article:<slug> of an "
			    "existing one.";
		if (msg != NULL)
			goto out;
	} else {
		msg = "Unknown action for this post.";
		goto out;
	}
	if (rc != 0) {
		status = 503;
		msg = "The change could not be saved; try again.";
	}
out:
	cm_thread_free(&t);
	cm_answer_free(&a);
	if (msg != NULL) {
		form_free(&f);
		return (respond_error_page(req, status, msg));
	}
	rc = after(req, form_get(&f, "back"), thread_id);
	form_free(&f);
	return (rc);
}

int
moderation_export(struct http_request *req)
{
	struct token_owner	 owner;
	char			*md, *slug, disp[160];
	long long		 id;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!staff_auth(req, TOKEN_ROLE_EDITOR, &owner)) {
		if (cm_staff(req, &owner))
			return (respond_error_page(req, 403, "Only editors "
			    "turn threads into articles."));
		return (to_login(req));
	}
	if (!cm_path_id(req->path, "/admin/moderation/export/", &id, NULL) ||
	    site.db == NULL)
		return (respond_error_page(req, 404, NULL));
	if ((md = cm_export_draft(site.db, id, &slug)) == NULL)
		return (respond_error_page(req, 404, "Only a published thread "
		    "with an accepted answer can become a draft article."));
	(void)snprintf(disp, sizeof(disp), "attachment; filename=\"%s.md\"",
	    slug);
	http_response_header(req, "content-disposition", disp);
	http_response_header(req, "cache-control", "no-store");
	(void)respond_bytes(req, 200, "text/markdown; charset=utf-8", md,
	    strlen(md));
	free(md);
	free(slug);
	return (KORE_RESULT_OK);
}
