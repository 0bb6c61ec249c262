/* votes.h: "Was this article helpful?": one vote per visitor and article, written durably. */
#ifndef HC_VOTES_H
#define HC_VOTES_H

#include "store/db.h"

/* Longest optional comment on a "no" vote, in characters. */
#define VOTE_COMMENT_MAX	500

/* 1 when reason is one of outdated, unclear, not_my_issue, wrong_language, other. */
int	vote_reason_valid(const char *reason);

/* The reasons, in display order, NULL-terminated. */
extern const char *const	vote_reasons[];

/*
 * Records this visitor's vote on slug in one transaction: the votes row
 * (replacing an earlier one) and an EV_VOTE event, committed before it
 * returns. reason and comment may be NULL (only meaningful when helpful is
 * 0; the caller validates them). Returns 1 when the vote is new, 0 when it
 * replaced the visitor's earlier vote, -1 on a database error.
 */
int	vote_cast(struct store *, const char *visitor, const char *slug,
	    int helpful, const char *reason, const char *comment);

/*
 * The same rows inside a transaction the caller holds (db_begin), so that
 * many votes share one commit (http/vote_batch.c); same return values.
 */
int	vote_write(struct store *, const char *visitor, const char *slug,
	    int helpful, const char *reason, const char *comment);

/* Number of votes stored for slug (tests, hcctl); -1 on error. */
long long	vote_count(struct store *, const char *slug);

#endif
