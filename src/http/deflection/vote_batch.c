/* vote_batch.c: group commit of votes: the requests sleep until one transaction holding all their votes is committed, then each is answered. */
#include <stdlib.h>
#include <string.h>

#include "http/core/site.h"
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

/*
 * The waits of this worker: pending (for the next commit, in arrival
 * order) and answered (committed, until the handler runs again). Found by
 * their request: req->hdlr_extra is not ours (visitor.c keeps the
 * request's visitor there).
 */
static struct vote_wait	*pending;
static struct vote_wait	**pending_tail = &pending;
static struct vote_wait	*answered;
static int		 flush_scheduled;

/* Unlinks and returns the wait of req from *list, or NULL. */
static struct vote_wait *
take(struct vote_wait **list, struct http_request *req)
{
	struct vote_wait	*w;

	for (; (w = *list) != NULL; list = &w->next) {
		if (w->req == req) {
			*list = w->next;
			w->next = NULL;
			return (w);
		}
	}
	return (NULL);
}

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
 * Kore frees a request whose client went away (after waking it): a
 * pending vote is still written, then freed; an answered one is freed.
 */
static void
request_gone(struct http_request *req)
{
	struct vote_wait	*w;

	for (w = pending; w != NULL; w = w->next)
		if (w->req == req)
			w->req = NULL;
	vote_wait_free(take(&answered, req));
}

/* Writes every pending vote in one transaction and wakes their requests. */
/* db_tx's body: every vote of the batch; 0, or -1 to roll back. */
static int
write_batch(struct store *db, void *arg)
{
	struct vote_wait	*w;

	for (w = arg; w != NULL; w = w->next)
		if ((w->result = vote_write(db, w->visitor, w->slug,
		    w->helpful, w->reason, w->comment)) == -1)
			return (-1);
	return (0);
}

static void
flush(void *arg, u_int64_t now)
{
	struct vote_wait	*batch, *w, *next;
	size_t			 n;
	int			 failed;

	(void)arg;
	(void)now;
	flush_scheduled = 0;
	batch = pending;
	pending = NULL;
	pending_tail = &pending;
	for (w = batch, n = 0; w != NULL; w = w->next)
		n++;
	/* Run again whole on a serialization failure (PostgreSQL). */
	failed = site.db == NULL || db_tx(site.db, write_batch, batch) == -1;
	if (failed)
		kore_log(LOG_ERR, "votes: %zu not saved: %s", n, site.db ?
		    db_errmsg(site.db) : "no database");
	for (w = batch; w != NULL; w = next) {
		next = w->next;
		w->next = NULL;
		/* Nothing of a failed transaction was kept. */
		if (failed)
			w->result = -1;
		if (w->req != NULL) {
			w->next = answered;
			answered = w;
			http_request_wakeup(w->req);
		} else
			vote_wait_free(w);
	}
}

int
vote_batch_add(struct http_request *req, struct vote_wait *w)
{
	w->req = req;
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
	struct vote_wait	*w;

	if (req->onfree != request_gone || (w = take(&answered, req)) == NULL)
		return (NULL);
	req->onfree = NULL;
	w->req = NULL;
	return (w);
}
