/* community_api.c: GET/POST /api/v1/threads, GET /api/v1/threads/<id>, POST /api/v1/threads/<id>/answers (SPEC section 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community_http.h"
#include "http/core/forms.h"
#include "http/core/ratelimit.h"
#include "http/core/site.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "http/core/visitor.h"

int	api_threads(struct http_request *);
int	api_thread(struct http_request *);
int	api_thread_answers(struct http_request *);

static int
list_threads(struct http_request *req)
{
	char		*sort = NULL, *cat = NULL, *tag = NULL, *pg = NULL, *end;
	const char	*field = NULL;
	json_t		*list;
	long long	 page = 1, total = 0;
	int		 rc;

	if (query_get(req, "sort", &sort) < 0)
		field = "sort";
	else if (sort != NULL && *sort != '\0' && strcmp(sort, "newest") &&
	    strcmp(sort, "top") && strcmp(sort, "unanswered") &&
	    strcmp(sort, "solved"))
		field = "sort";
	else if (query_get(req, "category", &cat) < 0 ||
	    (cat && strlen(cat) > 200))
		field = "category";
	else if (query_get(req, "tag", &tag) < 0 ||
	    (tag && utf8_length(tag) > CM_TAG_MAX))
		field = "tag";
	else if (query_get(req, "page", &pg) < 0)
		field = "page";
	else if (pg != NULL) {
		page = strtoll(pg, &end, 10);
		if (*pg == '\0' || *end != '\0' || page < 1 || page > 1000)
			field = "page";
	}
	if (field != NULL) {
		rc = respond_json_error(req, 400, "bad_parameter", "sort is "
		    "newest, top, unanswered or solved; page is 1 to 1000; "
		    "category and tag are short text.", field);
		goto done;
	}
	list = site.db ? cm_thread_list(site.db, sort && *sort ? sort :
	    "newest", cat && *cat ? cat : NULL, tag && *tag ? tag : NULL,
	    page, CM_PER_PAGE, &total) : NULL;
	if (list == NULL) {
		rc = respond_json_error(req, 503, "unavailable", "The community "
		    "is unavailable for a moment.", NULL);
		goto done;
	}
	rc = respond_json(req, 200, json_pack("{s:I, s:i, s:I, s:o}",
	    "total", (json_int_t)total, "per_page", CM_PER_PAGE,
	    "page", (json_int_t)page, "threads", list));
done:
	free(sort);
	free(cat);
	free(tag);
	free(pg);
	return (rc);
}

/* Reads the JSON members of a post: 1 to go on, 0 after answering 400. */
static int
read_post(struct http_request *req, json_t *body,
    struct cm_post_input *in, char **tags_joined, int thread)
{
	static const char	*const names[] = { "title", "body", "category",
				    "display_name" };
	const char		*vals[4], *s;
	json_t			*tags, *tg;
	struct strbuf		 sb;
	size_t			 i;

	memset(in, 0, sizeof(*in));
	*tags_joined = NULL;
	for (i = 0; i < 4; i++) {
		vals[i] = NULL;
		if ((!thread && i != 1 && i != 3))
			continue;
		if (json_member_string(body, names[i], &vals[i]) < 0) {
			(void)respond_json_error(req, 400, "bad_type",
			    "This field must be a string.", names[i]);
			return (0);
		}
	}
	in->title = vals[0];
	in->body = vals[1];
	in->category = vals[2];
	in->display_name = vals[3];
	if (!thread)
		return (1);
	tags = json_object_get(body, "tags");
	if (tags == NULL || json_is_null(tags))
		return (1);
	if (json_is_string(tags)) {
		*tags_joined = xstrdup(json_string_value(tags));
	} else if (json_is_array(tags) && json_array_size(tags) <= 20) {
		sb_init(&sb);
		sb_puts(&sb, "");
		json_array_foreach(tags, i, tg) {
			if ((s = json_string_value(tg)) == NULL ||
			    strchr(s, ',') || strchr(s, ' ')) {
				sb_free(&sb);
				(void)respond_json_error(req, 400, "bad_tags",
				    "tags is a list of words.", "tags");
				return (0);
			}
			sb_printf(&sb, "%s,", s);
		}
		*tags_joined = sb_detach(&sb);
	} else {
		(void)respond_json_error(req, 400, "bad_tags", "tags is a list "
		    "of at most 5 words.", "tags");
		return (0);
	}
	in->tags = *tags_joined;
	return (1);
}

static int
post_answer_or_thread(struct http_request *req, long long thread_id)
{
	struct cm_post_input	 in;
	struct cm_result	 r;
	json_t			*body;
	char			*tags = NULL, url[96];
	int			 rc;

	if (!ratelimit_check(req, "post", CM_POSTS_PER_MINUTE))
		return (KORE_RESULT_OK);
	if (!json_read(req, &body))
		return (KORE_RESULT_OK);
	if (!read_post(req, body, &in, &tags, thread_id == 0)) {
		json_decref(body);
		free(tags);
		return (KORE_RESULT_OK);
	}
	in.thread_id = thread_id;
	cm_submit(req, &in, &r);
	json_decref(body);
	free(tags);
	if (r.status >= 400)
		return (respond_json_error(req, r.status, r.code, r.message,
		    r.field));
	if (thread_id == 0)
		(void)snprintf(url, sizeof(url), "/community/questions/%lld",
		    r.id);
	else
		(void)snprintf(url, sizeof(url),
		    "/community/questions/%lld#a%lld", thread_id, r.id);
	if (r.status == 201)
		http_response_header(req, "location", url);
	rc = respond_json(req, r.status, json_pack("{s:I, s:s, s:s, s:s?, "
	    "s:s?}", "id", (json_int_t)r.id, "status", r.status == 201 ?
	    CM_PUBLISHED : CM_QUEUED, "url", url, "reason", r.reason,
	    "message", r.status == 202 ? "Your post will be visible once a "
	    "moderator has reviewed it." : NULL));
	return (rc);
}

int
api_threads(struct http_request *req)
{
	if (!site_begin(req, HTTP_METHOD_GET | HTTP_METHOD_POST))
		return (KORE_RESULT_OK);
	if (req->method == HTTP_METHOD_POST)
		return (post_answer_or_thread(req, 0));
	return (list_threads(req));
}

int
api_thread(struct http_request *req)
{
	struct cm_thread	 t;
	struct cm_answer	*a;
	size_t			 n, i;
	long long		 id;
	int			 rc;

	if (!allow_get(req))
		return (KORE_RESULT_OK);
	if (!cm_path_id(req->path, "/api/v1/threads/", &id, NULL))
		return (respond_json_error(req, 404, "not_found", "A thread id "
		    "is a positive number.", NULL));
	if (site.db == NULL || (rc = cm_thread_get(site.db, id, &t)) < 0)
		return (respond_json_error(req, 503, "unavailable", "The "
		    "community is unavailable for a moment.", NULL));
	if (rc == 0 || strcmp(t.status, CM_PUBLISHED) != 0) {
		if (rc == 1)
			cm_thread_free(&t);
		return (respond_json_error(req, 404, "not_found", "There is no "
		    "such thread.", NULL));
	}
	if (cm_answers_of(site.db, id, 0, &a, &n) != 0) {
		cm_thread_free(&t);
		return (respond_json_error(req, 503, "unavailable", "The "
		    "community is unavailable for a moment.", NULL));
	}
	rc = respond_json(req, 200, cm_thread_json(&t, a, n));
	for (i = 0; i < n; i++)
		cm_answer_free(&a[i]);
	free(a);
	cm_thread_free(&t);
	return (rc);
}

int
api_thread_answers(struct http_request *req)
{
	const char	*rest;
	long long	 id;

	if (!allow_post(req))
		return (KORE_RESULT_OK);
	if (!cm_path_id(req->path, "/api/v1/threads/", &id, &rest) ||
	    strcmp(rest, "/answers") != 0)
		return (respond_json_error(req, 404, "not_found", "No such "
		    "address.", NULL));
	return (post_answer_or_thread(req, id));
}
