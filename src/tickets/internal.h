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
int	outbox_ticket_created(struct store *, long long ticket_id,
	    const char *lang, const char *email, long long now);
/* One email of kind (reply, solved) to the ticket's requester: 0 or -1. */
int	outbox_enqueue(struct store *, long long ticket_id, const char *kind,
	    long long event_id, long long now);
/* Records an emailed reply's Message-ID: 1 new, 0 seen before, -1. */
int	mail_in_seen_add(struct store *, long long ticket_id,
	    const char *message_id, long long now);

/*
 * A ticket's changes, shared by the ticket store (store.c) and the agent's
 * one-submit reply (workspace.c), each inside the caller's transaction.
 */
struct ticket_current {
	long long	id;
	long long	created_at;
	int		responded;	/* a first response was given */
	char		status[16];
	char		priority[16];
	char		group[80];
};

/* The ticket's id and current values: 1, 0 (no such ref) or -1. */
int	ticket_current_get(struct store *, const char *ref,
	    struct ticket_current *);
/* Adds an event; its id, or -1. */
long long ticket_event_add(struct store *, long long ticket_id, long long ts,
	    const char *kind, const char *actor, int public, const char *body,
	    const char *old_value, const char *new_value);
/* Sets one column (named by the caller, never by input), with its event. */
int	ticket_field_set(struct store *, const struct ticket_current *,
	    const char *column, const char *kind, const char *actor,
	    const char *old_value, const char *new_value, long long now);
/* Without a first response yet, a new priority moves the due time. */
int	ticket_due_replan(struct store *, const struct ticket_current *,
	    const char *priority);

#endif
