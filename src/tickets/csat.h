/* csat.h: customer satisfaction: one rating per solved ticket (the latest counts) and the CSAT figures. */
#ifndef HC_CSAT_H
#define HC_CSAT_H

#include <jansson.h>

#include "tickets.h"

/* The optional comment, in characters. */
#define CSAT_COMMENT_MAX	1000

/* What a customer answers; NULL means absent. Strings are borrowed. */
struct csat_answer {
	const char	*rating;	/* "good" or "bad" */
	const char	*reason;	/* one of csat_reasons(rating) */
	const char	*comment;	/* optional */
};

/* The reasons an answer offers, NULL-terminated; NULL for a bad rating. */
const char *const	*csat_reasons(const char *rating);

/*
 * Checks an answer: rating, reason (of that rating's list), comment
 * (length, UTF-8, control characters). Returns 0 when valid, or 1 with
 * the problem in *p (field, code and message for the API, key for pages).
 */
int		 csat_validate(const struct csat_answer *,
		    struct ticket_problem *p);

enum csat_result {
	CSAT_RECORDED = 0,	/* the first answer */
	CSAT_REPLACED,		/* a later answer replaced the earlier one */
	CSAT_NOT_SOLVED,	/* only a solved or closed ticket is rated */
	CSAT_NO_TICKET,
	CSAT_ERROR		/* database: nothing was stored */
};

/*
 * Stores a validated answer for ticket ref, replacing an earlier one, with
 * a "rating" event on the ticket (old and new rating), in one durable
 * transaction. now is unix seconds (0 = now).
 */
enum csat_result csat_record(struct store *, const char *ref,
		    const struct csat_answer *, long long now);

/*
 * The ticket's answer: {"rating","reason","comment","rated_at"}, or JSON
 * null when there is none. NULL on a database error. A new reference.
 */
json_t		*csat_get(struct store *, const char *ref);

/*
 * CSAT over the tickets whose last change to "solved" falls in [from, to)
 * (unix seconds, whole UTC days): {"solved","answered","good","bad",
 * "csat" (good / answered), "response_rate" (answered / solved),
 * "daily":[{"day",...same counts and rates}], "groups":[{"group",...}],
 * "agents":[{"agent",...}]}. A ticket's agent is the one who last replied
 * publicly before that solve, else the one who solved it, else "" (solved
 * from hcctl or the system). Rates are null without a denominator. NULL
 * on a database error; a new reference.
 */
json_t		*csat_summary(struct store *, long long from, long long to);

#endif
