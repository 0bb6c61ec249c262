/* vote_batch.h: a worker's votes written together, one commit (and one fsync) for all that came in the same moment. */
#ifndef HC_VOTE_BATCH_H
#define HC_VOTE_BATCH_H

#include <kore/kore.h>
#include <kore/http.h>

#include <jansson.h>

/* What a handler keeps while its request waits for the commit. */
struct vote_wait {
	/* The vote (copied). */
	char			*visitor;
	char			*slug;
	char			*reason;	/* or NULL */
	char			*comment;	/* or NULL */
	int			 helpful;
	/* How to answer (the handler's; freed with the wait). */
	char			*then;		/* page: where to redirect */
	json_t			*answer;	/* API: the answer's object */
	const char		*ui;		/* language of error pages */
	/* Set by the batch: vote_write's 1 new, 0 replaced, -1 not saved. */
	int			 result;
	/* Private to vote_batch.c. */
	struct http_request	*req;
	struct vote_wait	*next;
};

/*
 * Queues w (which it takes) for the next commit, within a millisecond, and
 * puts req to sleep. Returns what the handler returns (KORE_RESULT_RETRY):
 * Kore calls the handler again once the commit is done, and then
 * vote_batch_done gives w back with its result. Sets req->onfree (to learn
 * that the client left); req->hdlr_extra stays the handler's.
 */
int			 vote_batch_add(struct http_request *, struct vote_wait *w);

/* The finished wait of req (the caller frees it), or NULL: a first call. */
struct vote_wait	*vote_batch_done(struct http_request *);

/* A wait, with copies of the vote's strings. */
struct vote_wait	*vote_wait_new(const char *visitor, const char *slug,
			    int helpful, const char *reason,
			    const char *comment);
void			 vote_wait_free(struct vote_wait *);

#endif
