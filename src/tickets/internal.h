/* internal.h: what the ticket store's files share and nothing outside src/tickets/ needs. */
#ifndef HC_TICKETS_INTERNAL_H
#define HC_TICKETS_INTERNAL_H

#include "store/db.h"


/* The highest priority rank a keyword rule gives this text, or -1. */
int	tickets_keyword_rank(const char *subject, const char *body);

/*
 * Email (outbox.c), each inside the caller's transaction. The ticket's
 * language, and its "received" email when mail is on: 0 or -1.
 */
int	outbox_ticket_created(struct store *, long long ticket_id, const char *lang,
	    const char *email, long long now);
/* One email of kind (reply, solved) to the ticket's requester: 0 or -1. */
int	outbox_enqueue(struct store *, long long ticket_id, const char *kind,
	    long long event_id, long long now);
/* Records an emailed reply's Message-ID: 1 new, 0 seen before, -1. */
int	mail_in_seen_add(struct store *, long long ticket_id, const char *message_id,
	    long long now);

#endif
