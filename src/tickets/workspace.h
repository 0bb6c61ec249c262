/* workspace.h: what the agent's ticket page needs beyond tickets.h: a reply and changes in one transaction, the customer's other tickets. */
#ifndef HC_TICKETS_WORKSPACE_H
#define HC_TICKETS_WORKSPACE_H

#include <jansson.h>

#include "tickets.h"

/* How many of the customer's other tickets the page lists. */
#define WORKSPACE_OTHER_TICKETS	5

enum ticket_act_result {
	TICKET_ACT_DONE = 0,
	TICKET_ACT_NO_TICKET,
	TICKET_ACT_ERROR	/* database: nothing was stored */
};

/*
 * An agent's reply or internal note (body; NULL or blank for none) and
 * the changes that differ (ch; NULL for none), in one transaction: the
 * reply first, so that a reply that solves is the reply before the solve.
 * A public reply sets the first response time and moves a new ticket to
 * open unless ch sets the status. Values in ch are checked by the caller
 * (ticket_status_valid, ticket_priority_rank, tickets_group_known).
 */
enum ticket_act_result ticket_act(struct store *, const char *ref,
		    const char *actor, int public_reply, const char *body,
		    const struct ticket_change *ch,
		    const struct attachment_blob *files, int nfiles);

/*
 * The requester's other tickets (same email, ref excluded), newest first,
 * at most max: [{"ref","subject","status","created_at"}]. NULL on error.
 */
json_t		*tickets_by_email(struct store *, const char *email,
		    const char *ref, int max);

/*
 * The votes the requester's visitor left in the week before the ticket,
 * with their comments (the context keeps reasons only):
 * [{"slug","helpful","reason","comment"}]. NULL on error.
 */
json_t		*ticket_feedback(struct store *, const char *ref);

#endif
