/* community_http.h: what the community's page, API and moderation handlers share: posting, paths, forms. */
#ifndef HC_COMMUNITY_HTTP_H
#define HC_COMMUNITY_HTTP_H

#include <kore/kore.h>
#include <kore/http.h>

#include <jansson.h>

#include "auth/tokens.h"
#include "community/community.h"
#include "util/form_stamp.h"

/* Per-client, per-minute write limits (ratelimit buckets "post", "vote"). */
#define CM_POSTS_PER_MINUTE	20
#define CM_VOTES_PER_MINUTE	60
#define CM_REPORTS_PER_MINUTE	20

/* The outcome of a post: status 201 (published), 202 (queued) or 4xx, 503. */
struct cm_result {
	int		 status;
	const char	*code;		/* error code, snake_case */
	const char	*message;	/* for a person (English) */
	const char	*field;		/* the field at fault, or NULL */
	const char	*reason;	/* why it was queued */
	long long	 id;		/* the new post */
	struct cm_post_output out;	/* holds what the strings point to */
};

/*
 * The HTTP side of cm_post (community/post.c, where the rules are): fills
 * in this visitor, the page's language and whether the catalog knows the
 * category, posts, and maps the outcome to a status in r.
 */
void	cm_submit(struct http_request *, const struct cm_post_input *,
	    struct cm_result *r);

/*
 * The message of a refused post in the page's UI language (zh-CN or en),
 * from the cm_err_* strings; the English message when none fits.
 */
const char	*cm_result_message(const struct cm_result *, const char *ui);

/* A staff member (agent or editor) behind the request: 1 and owner, or 0. */
int	cm_staff(struct http_request *, struct token_owner *owner);

/* The signed time stamp of a form ("<unix>.<mac>"), for the fill-time rule. */
void	cm_form_stamp(char out[FORM_STAMP_LEN]);
/*
 * 1 when stamp is ours and younger than CM_FORM_MAX_AGE (with *too_fast
 * set when it is younger than CM_MIN_FILL), 0 when forged or expired.
 */
int	cm_form_stamp_check(const char *stamp, int *too_fast);

/* Parses the decimal id after prefix in path; rest points after it. 1 or 0. */
int	cm_path_id(const char *path, const char *prefix, long long *id,
	    const char **rest);

/* JSON of a thread and its answers for the API and the page. */
/*
 * Adds "tag_links": [{"name", "url"}] to a thread object from its "tags",
 * each URL percent-encoded (a tag may hold + or #).
 */
void	 cm_add_tag_links(json_t *thread);

json_t	*cm_thread_json(const struct cm_thread *, const struct cm_answer *,
	    size_t);
json_t	*cm_answer_json(const struct cm_answer *, int accepted);

/*
 * A search result (SPEC section 4) for a "thread:<id>" index hit, with a
 * snippet marked from highlight; NULL when the thread is not published.
 */
struct hc_hit;
json_t	*cm_search_result(const struct hc_hit *, char **highlight,
	    size_t nhighlight, const char *lang, const char *search_id,
	    size_t position);
/* {"title","url","type":"thread"} for search as you type, or NULL. */
json_t	*cm_suggest_result(const struct hc_hit *);

#endif
