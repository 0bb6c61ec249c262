/* community.h: the community Q&A domain: threads, answers, votes, reports, moderation, search outbox, draft export. */
#ifndef HC_COMMUNITY_H
#define HC_COMMUNITY_H

#include <jansson.h>

#include "store/db.h"

/* Limits (characters, code points). */
#define CM_TITLE_MIN		8
#define CM_TITLE_MAX		150
#define CM_BODY_MAX		10000
#define CM_ANSWER_MIN		2
#define CM_NAME_MAX		40
#define CM_TAGS_MAX		5
#define CM_TAG_MAX		30
/* The asker may edit own posts this long after posting. */
#define CM_EDIT_WINDOW		(30 * 60)
/* A visitor's first posts may carry at most this many links. */
#define CM_NEW_POSTS		3
#define CM_NEW_LINKS		1
#define CM_PER_PAGE		20
/* Minimum seconds between showing a form and posting it. */
#define CM_MIN_FILL		3
#define CM_FORM_MAX_AGE		(24 * 3600)

/* Post states (threads.status, answers.status). */
#define CM_PUBLISHED		"published"
#define CM_QUEUED		"queued"	/* held for a moderator */
#define CM_HIDDEN		"hidden"
#define CM_DELETED		"deleted"

/*
 * A thread or an answer as stored. Every string is malloc'd and owned by
 * the struct; cm_thread_free / cm_answer_free release them.
 */
struct cm_thread {
	long long	 id;
	char		*visitor;	/* the asker's cookie id: never shown */
	char		*author;	/* display name */
	char		*title;
	char		*body_md;
	char		*body_html;	/* rendered once, at write time */
	char		*body_plain;
	char		*category;	/* "" when none */
	char		*tags;		/* " a b " (space delimited) */
	char		*lang;
	char		*status;
	char		*queue_reason;	/* or NULL */
	char		*duplicate_of;	/* "thread:<id>", "article:<slug>" */
	int		 locked;
	int		 pinned;
	long long	 accepted;	/* answer id, or 0 */
	long long	 score;
	long long	 answers;	/* published answers */
	long long	 created;
	long long	 updated;
	long long	 reports;
};

struct cm_answer {
	long long	 id;
	long long	 thread_id;
	char		*visitor;
	char		*author;
	char		*body_md;
	char		*body_html;
	char		*body_plain;
	char		*status;
	char		*queue_reason;
	long long	 score;
	long long	 created;
	long long	 updated;
	long long	 reports;
};

/* A new post; strings borrowed. Rendering and checks are the caller's. */
struct cm_new {
	const char	*visitor;
	const char	*author;
	const char	*title;		/* threads only */
	const char	*body_md;
	const char	*body_html;
	const char	*body_plain;
	const char	*category;	/* threads: "" or a slug */
	const char	*tags;		/* threads: normalised, " a b " */
	const char	*lang;
	const char	*status;	/* CM_PUBLISHED or CM_QUEUED */
	const char	*queue_reason;	/* or NULL */
	const char	*body_hash;	/* cm_body_hash */
	const char	*name_key;	/* cm_name_check's key of author */
};

/* What cm_thread_create and cm_answer_create return. */
enum cm_write {
	CM_WRITE_OK = 0,
	CM_WRITE_FAILED = -1,
	CM_WRITE_NAME_TAKEN = 1		/* another visitor holds that name */
};

/* Display names (names.c). */
enum cm_name_status {
	CM_NAME_OK,
	CM_NAME_EMPTY,
	CM_NAME_TOO_LONG,
	CM_NAME_BAD_UTF8,
	CM_NAME_INVISIBLE_CHARS,	/* bidi control, zero-width, filler */
	CM_NAME_NOTHING_VISIBLE,	/* only spaces, marks, blanks */
	CM_NAME_TAKEN,			/* the same key as another's name */
	CM_NAME_ERROR			/* ICU failed */
};

/* What a cm_vote did. */
enum cm_vote_status {
	CM_VOTE_OK,
	CM_VOTE_CLIENT_TAKEN,	/* another visitor at this address voted */
	CM_VOTE_FAILED
};

void	cm_thread_free(struct cm_thread *);
void	cm_answer_free(struct cm_answer *);

/* ---- store.c: every statement of the domain. Writes are transactions. ---- */

/* The display name this visitor chose, malloc'd, or NULL. */
char	*cm_name_get(struct store *, const char *visitor);

/*
 * Creates a thread (and the visitor's display name on first post, refused
 * when another visitor's name has the same name_key) and queues it for the
 * search index, in one transaction. CM_WRITE_OK with *id.
 */
enum cm_write	cm_thread_create(struct store *, const struct cm_new *,
		    long long *id);
/* Same for an answer to thread_id. */
enum cm_write	cm_answer_create(struct store *, long long thread_id,
		    const struct cm_new *, long long *id);

/* 1 when a visitor other than this one has a name with this key, 0, or -1. */
int	cm_name_taken(struct store *, const char *key, const char *visitor);

/* 1 and *t filled when found (in any status), 0 when not, -1 on error. */
int	cm_thread_get(struct store *, long long id, struct cm_thread *t);
int	cm_answer_get(struct store *, long long id, struct cm_answer *a);

/*
 * The answers of a thread, accepted first, then by score, then oldest;
 * all_states also lists queued and hidden ones (moderators). The caller
 * frees each with cm_answer_free and then the array.
 */
int	cm_answers_of(struct store *, long long thread_id, int all_states,
	    struct cm_answer **out, size_t *n);

/*
 * Published threads, pinned first, as JSON summaries {"id","title",
 * "author","category","tags":[],"lang","score","answers","solved",
 * "locked","pinned","created","updated","url"}. sort: "newest", "top",
 * "unanswered", "solved". category and tag filter when not NULL. *total
 * counts all matches. Returns a new array, or NULL on error.
 */
json_t	*cm_thread_list(struct store *, const char *sort, const char *category,
	    const char *tag, long long page, long long per_page,
	    long long *total);

/*
 * Sets this visitor's vote (value 1, -1, or 0 to withdraw) on a thread
 * (kind 't') or answer ('a') and recomputes its score. client is the keyed
 * hash of the address (client_key): one vote per post and client, so fresh
 * cookies from one address count once (CM_VOTE_CLIENT_TAKEN). The hash is
 * salted per UTC day, so the rule holds within a day. CM_VOTE_OK with
 * *score.
 */
enum cm_vote_status	cm_vote(struct store *, char kind, long long id,
			    const char *visitor, const char *client, int value,
			    long long *score);
/* This visitor's votes on a thread and its answers: {"t<id>":1,"a<id>":-1}. */
json_t	*cm_votes_of(struct store *, long long thread_id, const char *visitor);

/* Marks answer_id the accepted answer of thread_id (0 clears it). */
int	cm_accept(struct store *, long long thread_id, long long answer_id);

/* Replaces the text of a post (title NULL for answers); re-indexed. */
int	cm_thread_edit(struct store *, long long id, const char *title,
	    const char *md, const char *html, const char *plain);
int	cm_answer_edit(struct store *, long long id, const char *md,
	    const char *html, const char *plain);

/*
 * A moderator's action, written to the moderation log in the same
 * transaction as the change it records: both are kept, or neither.
 */
struct cm_audit {
	const char	*staff;
	const char	*action;	/* as the moderator named it */
};

/* Moves a post to status (CM_*), clearing its reports; re-indexed. */
int	cm_set_status(struct store *, char kind, long long id,
	    const char *status, const struct cm_audit *);
/* Sets the flag "locked" or "pinned" of a thread to 0 or 1. */
int	cm_thread_flag(struct store *, long long id, const char *flag, int on,
	    const struct cm_audit *);
/* Marks a thread a duplicate of target ("thread:<n>", "article:<slug>", or NULL to clear). */
int	cm_thread_duplicate(struct store *, long long id, const char *target,
	    const struct cm_audit *);

/* What a visitor's report of a post did. */
enum cm_report_result {
	CM_REPORTED = 0,	/* listed in the moderation queue */
	CM_REPORTED_BEFORE,	/* by this visitor already: counted once */
	CM_REPORT_FAILED	/* database: nothing was stored */
};

/* A visitor's report of a post: it is listed in the queue. */
enum cm_report_result	cm_report(struct store *, char kind, long long id,
			    const char *visitor);

/*
 * The moderation queue: queued posts and reported posts, oldest first,
 * as [{"kind","id","thread_id","title","excerpt","author","status",
 * "reason","reports","created"}]. Also solved threads for draft export
 * in *solved ([{"id","title"}], newest first, up to 50).
 */
json_t	*cm_queue(struct store *, json_t **solved);
/* The moderators' recent actions: [{"staff","action","kind","id","at"}]. */
json_t	*cm_log_recent(struct store *, int limit);

/* Posts this visitor wrote (any status), for the new-poster link rule. */
long long	cm_posts_by(struct store *, const char *visitor);
/* 1 when a post with this body hash exists from visitor, or from anyone since. */
int	cm_duplicate(struct store *, const char *hash, const char *visitor,
	    long long since);

/* Newest published threads for the home page: [{"id","title","url","answers","solved"}]. */
json_t	*cm_recent(struct store *, int limit);

/* Title, plain question text, category, lang and updated of a published thread, for search results. 1, 0 or -1. */
int	cm_thread_brief(struct store *, long long id, struct cm_thread *t);

/* ---- post.c: the posting rules ---- */

/* What a visitor sent to ask (thread_id 0) or answer; strings borrowed. */
struct cm_post_input {
	const char	*visitor;
	long long	 thread_id;	/* answered; 0: a question */
	const char	*title;		/* questions only */
	const char	*body;
	const char	*category;	/* questions: "" or NULL for none */
	const char	*tags;		/* questions: "a, b c" as typed */
	const char	*display_name;	/* a visitor's first post */
	const char	*lang;		/* a question's language */
	int		 category_unknown; /* not in the catalog */
	int		 honeypot;	/* the hidden field was filled */
	int		 too_fast;	/* sent sooner than CM_MIN_FILL */
	long long	 now;		/* unix seconds; 0 = now */
};

/* What cm_post did, from the best outcome to the worst. */
enum cm_post_result {
	CM_POST_PUBLISHED = 0,	/* stored and shown: out->id */
	CM_POST_QUEUED,		/* stored, held for a moderator: out->reason */
	CM_POST_INVALID,	/* a field breaks a rule: out->field */
	CM_POST_NOT_FOUND,	/* no published thread to answer */
	CM_POST_LOCKED,		/* the thread takes no new answers */
	CM_POST_NAME_TAKEN,	/* another visitor holds this name */
	CM_POST_UNAVAILABLE	/* database (or ICU) failed: nothing stored */
};

/* The details of a cm_post; strings are static or point into buf. */
struct cm_post_output {
	long long	 id;		/* the new thread or answer */
	const char	*reason;	/* queued: honeypot, too_fast, links,
					   duplicate */
	const char	*code;		/* refused: snake_case, for the API */
	const char	*field;		/* refused: the field, or NULL */
	const char	*message;	/* refused: English; NULL when the
					   database failed (the caller knows
					   why) */
	char		 buf[160];
};

/*
 * Checks and stores a question or an answer: the thread's state, the
 * display name on a first post, lengths, UTF-8, category, tags, Markdown
 * bounds; then the moderation rules (honeypot, fill time, links of new
 * posters, duplicates within 10 minutes) decide published or queued.
 * Rate limits are the caller's (they count per client address).
 */
enum cm_post_result	cm_post(struct store *, const struct cm_post_input *,
			    struct cm_post_output *);

/*
 * Renders user Markdown (bounded) once: 0 with html and plain (free()
 * them), or -1.
 */
int	cm_render(const char *md, char **html, char **plain);

/* ---- spam.c: the anti-spam rules, pure functions ---- */

/* Links in Markdown text: http(s)://, www., and [..](..) targets. */
int	cm_count_links(const char *md);
/*
 * 0 when user Markdown is safe to hand to cmark (size and nesting within
 * bounds, see spam.c), or -1: cmark 0.30.2 is quadratic on some inputs.
 */
int	cm_markdown_bounded(const char *md);
/* A hash of text with white space and case folded (duplicate detection); out is 17 bytes. */
void	cm_body_hash(const char *title, const char *body, char out[17]);
/*
 * Tags from "a, b c" into " a b " (lower-cased ASCII); malloc'd, or NULL
 * with *why set when a tag is bad or there are too many.
 */
char	*cm_tags_normalise(const char *in, const char **why);

/* ---- names.c: display names ---- */

/*
 * Checks a display name: 1 to CM_NAME_MAX characters, no bidi controls,
 * format (zero-width) or default-ignorable characters, at least one
 * visible one. CM_NAME_OK with *key (malloc'd) its NFKC case-folded form
 * with white space collapsed, for telling names apart.
 */
enum cm_name_status	cm_name_check(const char *name, char **key);
/* A sentence for the person who chose the name. */
const char		*cm_name_message(enum cm_name_status);

/* ---- outbox.c: the search index side (the one writer: the watcher) ---- */

/* Threads one read indexes (one index commit); more wait for the next. */
#define CM_DRAIN_BATCH		1000
/* A node's cursor holds rows back this long after its last heartbeat. */
#define CM_OUTBOX_LIVE		(10 * 60)
/* Seconds between a watcher's heartbeats (each followed by a prune). */
#define CM_OUTBOX_BEAT		10

/*
 * One node's reader of the search outbox, a log every node reads from
 * its own cursor (docs/community.md, "Search"). The caller sets
 * index_path and node and zeroes the rest; cm_outbox_reader_free
 * releases what the reader keeps.
 */
struct cm_outbox_reader {
	const char	*index_path;	/* this node's index folder */
	const char	*node;		/* its name in search_cursors */
	int		 started;	/* cursor read from (or put in) the index */
	long long	 cursor;	/* every row below it is in the index */
	/*
	 * Rows at or above the cursor already indexed, as (id, position)
	 * pairs sorted by id: PostgreSQL's rows committed while an older
	 * transaction is still open.
	 */
	long long	*seen;
	size_t		 nseen;
	int		 more;		/* the last read left rows for the next */
};

/*
 * Brings the reader's index in line with the outbox: the rows from its
 * cursor whose transaction has committed are read, their threads put
 * (published) or deleted, and the new cursor stored in the index's
 * metadata in the same index commit; then recorded with now in
 * search_cursors. The first call takes the cursor from the index; with
 * none there (a new or rebuilt index), or when rows it had not read were
 * pruned, it reconciles the whole index instead and goes on from the
 * horizon taken before. Returns the number of threads handled (or
 * documents reconciled), or -1 (nothing is lost: the next call reads
 * from the same cursor).
 */
int	cm_outbox_read(struct store *, struct cm_outbox_reader *, long long now);
void	cm_outbox_reader_free(struct cm_outbox_reader *);
/*
 * Deletes the rows below the lowest cursor of the nodes seen in the last
 * live seconds, and raises the pruned mark to it, in one transaction
 * (one node at a time). Returns the rows deleted, or -1.
 */
long long	cm_outbox_prune(struct store *, long long now, long long live);
/*
 * Compares every thread document in the index with the database and puts
 * missing or stale ones, deletes those not published (hcctl reindex).
 * force rewrites all. The index's cursor stays. Returns the number
 * changed, or -1.
 */
int	cm_index_reconcile(struct store *, const char *index_path, int force);

/* What the watcher's tick reads (app.c fills it). */
struct cm_watch {
	const char	*data;		/* DATA: helpcenter.db, index */
	const char	*node;		/* NODE_NAME */
};
/*
 * For the watcher: called every ~200 ms with a struct cm_watch; reads
 * the outbox when the database says something changed (db_changed), or
 * the last read failed or left rows; beats and prunes every
 * CM_OUTBOX_BEAT seconds; takes the cursor again (or reconciles) when the
 * index folder was replaced.
 */
void	cm_watch_tick(const void *arg);

/* ---- export.c ---- */

/*
 * A solved thread as a draft article: front matter (title, summary,
 * tags, lang, draft: true, source) and question + accepted answer as the
 * body. Returns a malloc'd string, or NULL when the thread is not solved
 * or not found. *slug gets a suggested file name stem (malloc'd).
 */
char	*cm_export_draft(struct store *, long long id, char **slug);

#endif
