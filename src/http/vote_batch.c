/* vote_batch.c: group commit of votes: the requests sleep until one transaction holding all their votes is committed, then each is answered. */
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "vote_batch.h"
#include "deflection/votes.h"
#include "store/db.h"
#include "util/text.h"

/*
 * How long the first vote waits for others. Every vote was already read
 * when its handler ran; a millisecond lets the other requests the event
 * loop has in hand join the same commit.
 */
#define BATCH_WAIT_MS	1

#define RESULT_PENDING	(-2)

static struct vote_wait	*pending;	/* in arrival order */
static struct vote_wait	**pending_tail = &pending;
static int		 flush_scheduled;

struct vote_wait *
vote_wait_new(const char *visitor, const char *slug, int helpful,
    const char *reason, const char *comment)
{
	struct vote_wait	*w;

	w = xcalloc(1, sizeof(*w));
	w->visitor = xstrdup(visitor);
	w->slug = xstrdup(slug);
	w->helpful = helpful;
	w->reason = reason ? xstrdup(reason) : NULL;
	w->comment = comment ? xstrdup(comment) : NULL;
	w->result = RESULT_PENDING;
	return (w);
}

void
vote_wait_free(struct vote_wait *w)
{
	if (w == NULL)
		return;
	free(w->visitor);
	free(w->slug);
	free(w->reason);
	free(w->comment);
	free(w->then);
	json_decref(w->answer);
	free(w);
}

/*
 * Kore frees a request whose client went away (after waking it): the
 * vote is still written, and the wait is freed when it is done.
 */
static void
request_gone(struct http_request *req)
{
	struct vote_wait	*w = req->hdlr_extra;

	req->hdlr_extra = NULL;
	if (w == NULL)
		return;
	w->req = NULL;
	if (w->result != RESULT_PENDING)
		vote_wait_free(w);
}

/* Writes every pending vote in one transaction and wakes their requests. */
static void
flush(void *arg, u_int64_t now)
{
	struct vote_wait	*batch, *w, *next;
	size_t			 n;
	int			 begun, failed;

	(void)arg;
	(void)now;
	flush_scheduled = 0;
	batch = pending;
	pending = NULL;
	pending_tail = &pending;
	for (w = batch, n = 0; w != NULL; w = w->next)
		n++;
	begun = site.db != NULL && db_begin(site.db) == 0;
	failed = !begun;
	for (w = batch; w != NULL && !failed; w = w->next)
		if ((w->result = vote_write(site.db, w->visitor, w->slug,
		    w->helpful, w->reason, w->comment)) == -1)
			failed = 1;
	if (failed) {
		kore_log(LOG_ERR, "votes: %zu not saved: %s", n, site.db ?
		    sqlite3_errmsg(site.db) : "no database");
		/* Gives back the write queue's turn too. */
		if (begun)
			db_rollback(site.db);
	} else if (db_commit(site.db) == -1) {
		kore_log(LOG_ERR, "votes: %zu not saved: commit: %s", n,
		    sqlite3_errmsg(site.db));
		failed = 1;
	}
	for (w = batch; w != NULL; w = next) {
		next = w->next;
		w->next = NULL;
		/* Nothing of a failed transaction was kept. */
		if (failed)
			w->result = -1;
		if (w->req != NULL)
			http_request_wakeup(w->req);
		else
			vote_wait_free(w);
	}
}

int
vote_batch_add(struct http_request *req, struct vote_wait *w)
{
	w->req = req;
	req->hdlr_extra = w;
	/* The wait is ours, not Kore's to free with the request. */
	req->flags |= HTTP_REQUEST_RETAIN_EXTRA;
	req->onfree = request_gone;
	*pending_tail = w;
	pending_tail = &w->next;
	if (!flush_scheduled) {
		(void)kore_timer_add(flush, BATCH_WAIT_MS, NULL,
		    KORE_TIMER_ONESHOT);
		flush_scheduled = 1;
	}
	http_request_sleep(req);
	return (KORE_RESULT_RETRY);
}

struct vote_wait *
vote_batch_done(struct http_request *req)
{
	struct vote_wait	*w = req->hdlr_extra;

	if (w == NULL || req->onfree != request_gone ||
	    w->result == RESULT_PENDING)
		return (NULL);
	req->hdlr_extra = NULL;
	req->onfree = NULL;
	w->req = NULL;
	return (w);
}
