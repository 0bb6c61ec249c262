/* post.c: the community's posting rules: what a question or an answer must hold, and when it waits for a moderator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community.h"
#include "render/markdown.h"
#include "util/strbuf.h"
#include "util/text.h"

/* A post this soon after the same text (anyone's) is a duplicate. */
#define CM_DUPLICATE_WINDOW	600

static enum cm_post_result
refuse(struct cm_post_output *out, enum cm_post_result r, const char *code,
    const char *field, const char *message)
{
	out->code = code;
	out->field = field;
	out->message = message;
	return (r);
}

/* One text field: CM_POST_PUBLISHED (nothing stored yet) when it passes. */
static enum cm_post_result
check_text(const char *s, const char *field, size_t min, size_t max,
    int multiline, struct cm_post_output *out)
{
	enum text_problem	 p;

	p = text_field_check(s ? s : "", max, multiline);
	if (p == TEXT_EMPTY || (p == TEXT_OK && utf8_length(s) < min)) {
		(void)snprintf(out->buf, sizeof(out->buf), "The %s is %s; "
		    "write at least %zu characters.", field, p == TEXT_EMPTY ?
		    "empty" : "too short", min);
		return (refuse(out, CM_POST_INVALID, p == TEXT_EMPTY ?
		    "empty" : "too_short", field, out->buf));
	}
	if (p == TEXT_TOO_LONG) {
		(void)snprintf(out->buf, sizeof(out->buf), "The %s is too "
		    "long: at most %zu characters.", field, max);
		return (refuse(out, CM_POST_INVALID, "too_long", field,
		    out->buf));
	}
	if (p != TEXT_OK) {
		(void)snprintf(out->buf, sizeof(out->buf), "The %s holds "
		    "characters that cannot be posted (control characters or "
		    "bad UTF-8).", field);
		return (refuse(out, CM_POST_INVALID, "bad_characters", field,
		    out->buf));
	}
	return (CM_POST_PUBLISHED);
}

int
cm_render(const char *md, char **html, char **plain)
{
	struct rendered	r;

	*html = *plain = NULL;
	if (cm_markdown_bounded(md) != 0)
		return (-1);
	memset(&r, 0, sizeof(r));
	if (markdown_render(md, strlen(md), MD_USER_CONTENT, &r) != 0)
		return (-1);
	*html = r.html;
	*plain = r.plain;
	r.html = r.plain = NULL;
	rendered_free(&r);
	return (0);
}

/*
 * The display name of a first post: checked, and not another visitor's.
 * CM_POST_PUBLISHED with *key set (malloc'd) when it may be taken.
 */
static enum cm_post_result
check_name(struct store *db, const struct cm_post_input *in, char **key,
    struct cm_post_output *out)
{
	enum cm_name_status	ns;
	enum cm_post_result	r;

	if (in->display_name == NULL || *in->display_name == '\0')
		return (refuse(out, CM_POST_INVALID, "missing",
		    "display_name", "Choose a display name for your first "
		    "post."));
	if ((r = check_text(in->display_name, "display_name", 1, CM_NAME_MAX,
	    0, out)) != CM_POST_PUBLISHED)
		return (r);
	if ((ns = cm_name_check(in->display_name, key)) == CM_NAME_ERROR)
		return (refuse(out, CM_POST_UNAVAILABLE, "unavailable",
		    "display_name", cm_name_message(ns)));
	if (ns != CM_NAME_OK)
		return (refuse(out, CM_POST_INVALID, ns ==
		    CM_NAME_NOTHING_VISIBLE ? "name_invisible" :
		    "name_characters", "display_name", cm_name_message(ns)));
	if (cm_name_taken(db, *key, in->visitor) == 1)
		return (refuse(out, CM_POST_NAME_TAKEN, "name_taken",
		    "display_name", cm_name_message(CM_NAME_TAKEN)));
	return (CM_POST_PUBLISHED);
}

/*
 * The moderation rules: a post that breaks one is kept but not shown.
 * Returns the reason, or NULL to publish.
 */
static const char *
queue_reason(struct store *db, const struct cm_post_input *in, const char *hash,
    long long now)
{
	int	links;

	if (in->honeypot)
		return ("honeypot");
	if (in->too_fast)
		return ("too_fast");
	links = cm_count_links(in->body) + (in->thread_id ? 0 :
	    cm_count_links(in->title));
	if (links > CM_NEW_LINKS && cm_posts_by(db, in->visitor) <
	    CM_NEW_POSTS)
		return ("links");
	if (cm_duplicate(db, hash, in->visitor, now - CM_DUPLICATE_WINDOW))
		return ("duplicate");
	return (NULL);
}

enum cm_post_result
cm_post(struct store *db, const struct cm_post_input *in,
    struct cm_post_output *out)
{
	struct cm_thread	 t;
	struct cm_new		 n;
	enum cm_post_result	 r;
	enum cm_write		 w;
	const char		*why, *reason;
	char			*name = NULL, *name_key = NULL;
	char			*tags = NULL, *html = NULL, *plain = NULL;
	char			 hash[17];
	long long		 now;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (db == NULL)
		return (refuse(out, CM_POST_UNAVAILABLE, "unavailable", NULL,
		    "The community is unavailable for a moment; try again "
		    "shortly."));
	now = in->now ? in->now : (long long)time(NULL);
	/* The thread first: answering a missing or locked one is pointless. */
	if (in->thread_id != 0) {
		if (cm_thread_get(db, in->thread_id, &t) != 1 ||
		    strcmp(t.status, CM_PUBLISHED) != 0) {
			r = refuse(out, CM_POST_NOT_FOUND, "not_found", NULL,
			    "There is no such question (it may have been "
			    "removed).");
			goto done;
		}
		if (t.locked) {
			r = refuse(out, CM_POST_LOCKED, "locked", NULL, "This "
			    "question is locked: it takes no new answers.");
			goto done;
		}
	}
	/* A visitor's first post chooses the name the later ones carry. */
	if ((name = cm_name_get(db, in->visitor)) == NULL) {
		if ((r = check_name(db, in, &name_key, out)) !=
		    CM_POST_PUBLISHED)
			goto done;
		name = xstrdup(in->display_name);
	}
	if (in->thread_id == 0 && (r = check_text(in->title, "title",
	    CM_TITLE_MIN, CM_TITLE_MAX, 0, out)) != CM_POST_PUBLISHED)
		goto done;
	if ((r = check_text(in->body, "body", in->thread_id ? CM_ANSWER_MIN :
	    1, CM_BODY_MAX, 1, out)) != CM_POST_PUBLISHED)
		goto done;
	if (in->thread_id == 0 && in->category_unknown) {
		r = refuse(out, CM_POST_INVALID, "unknown_category",
		    "category", "There is no such category; leave it empty or "
		    "pick one from the list.");
		goto done;
	}
	if (in->thread_id == 0 && (tags = cm_tags_normalise(in->tags,
	    &why)) == NULL) {
		r = refuse(out, CM_POST_INVALID, "bad_tags", "tags", why);
		goto done;
	}
	if (cm_render(in->body, &html, &plain) != 0) {
		r = refuse(out, CM_POST_INVALID, "too_complex", "body", "The "
		    "text is nested too deeply or has too many brackets or "
		    "emphasis marks; simplify it.");
		goto done;
	}
	cm_body_hash(in->thread_id ? NULL : in->title, in->body, hash);
	reason = queue_reason(db, in, hash, now);
	memset(&n, 0, sizeof(n));
	n.visitor = in->visitor;
	n.author = name;
	n.title = in->title;
	n.body_md = in->body;
	n.body_html = html;
	n.body_plain = plain;
	n.category = in->thread_id || in->category == NULL ? "" :
	    in->category;
	n.tags = tags ? tags : "";
	/* An answer is in its thread's language, whatever the page's. */
	n.lang = in->thread_id ? t.lang : in->lang;
	n.status = reason ? CM_QUEUED : CM_PUBLISHED;
	n.queue_reason = reason;
	n.body_hash = hash;
	n.name_key = name_key;
	w = in->thread_id ? cm_answer_create(db, in->thread_id, &n, &out->id) :
	    cm_thread_create(db, &n, &out->id);
	if (w == CM_WRITE_NAME_TAKEN)
		r = refuse(out, CM_POST_NAME_TAKEN, "name_taken",
		    "display_name", cm_name_message(CM_NAME_TAKEN));
	else if (w != CM_WRITE_OK)
		/* No message: the caller knows why the database refused. */
		r = refuse(out, CM_POST_UNAVAILABLE, "unavailable", NULL,
		    NULL);
	else if (reason != NULL) {
		out->reason = reason;
		r = CM_POST_QUEUED;
	} else
		r = CM_POST_PUBLISHED;
done:
	free(name);
	free(name_key);
	free(tags);
	free(html);
	free(plain);
	cm_thread_free(&t);
	return (r);
}
