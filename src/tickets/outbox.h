/* outbox.h: the tickets' email outbox: rows written with the change that causes them, claimed and settled by the mailer. */
#ifndef HC_TICKETS_OUTBOX_H
#define HC_TICKETS_OUTBOX_H

#include <jansson.h>

#include "tickets.h"

/*
 * Email is on in this process (1) or off (0, the default): set once at
 * start from SMTP_URL, before the workers fork. Off, no row is queued;
 * the customer's language is recorded either way.
 */
void	tickets_mail_enable(int on);
int	tickets_mail_enabled(void);

/* A claimed row and what its message needs; outbox_msg_free frees it. */
struct outbox_msg {
	long long	 id;
	long long	 ticket_id;
	long long	 created_at;	/* the Date of the message, every try */
	long long	 first_id;	/* the ticket's first row: threading */
	int		 attempts;	/* this one included */
	char		 kind[16];	/* received, reply, solved */
	char		 ref[TICKET_REF_LEN];
	char		 lang[16];	/* "" when the ticket has none */
	char		*rcpt;
	char		*name;
	char		*subject;
	char		*body;		/* the agent's reply (reply), or NULL */
};

void	outbox_msg_free(struct outbox_msg *);

/* How a try ended: what becomes of the row. */
enum outbox_outcome {
	OUTBOX_SENT = 0,	/* the relay took it */
	OUTBOX_RETRY,		/* surely not taken: queued again at next_at */
	OUTBOX_UNSURE,		/* the body went out, the answer was lost */
	OUTBOX_FAILED		/* refused for good, or too old */
};

/*
 * Rows left "sending" by a mailer that died, claimed before
 * claimed_before, are queued again (sent again with the same
 * Message-ID). One node (SQLite): every such row, at the mailer's start.
 * Several nodes (PostgreSQL): only claims older than any transfer, since
 * another node's mailer may be sending the newer ones. Returns how many,
 * or -1.
 */
int	outbox_recover(struct store *, long long now, long long claimed_before);

/* Up to max ids of queued rows due at now, oldest first; count or -1. */
int	outbox_due(struct store *, long long now, long long *ids, int max);

/*
 * Marks row id "sending" under attempt (a fresh random id), durably,
 * before anything goes to the relay, and fills out. Returns 1, 0 when the
 * row is no longer queued (out untouched), -1 on error.
 */
int	outbox_claim(struct store *, long long id, const char *attempt,
	    struct outbox_msg *out);

/*
 * Ends the try attempt of row id: sent, queued again at next_at, unsure
 * or failed, with error (NULL when none). A row another attempt owns is
 * left alone. Returns 0 or -1.
 */
int	outbox_settle(struct store *, long long id, const char *attempt,
	    enum outbox_outcome, long long next_at, const char *error);

/*
 * The outbox for the operator: [{"id","ref","kind","rcpt","state",
 * "attempts","created_at","next_at","sent_at","error"}], newest first,
 * state NULL for every state. NULL on error.
 */
json_t	*outbox_list(struct store *, const char *state, int limit);

/* An unsure or failed row queued again now: 1, 0 (no such row), -1. */
int	outbox_requeue(struct store *, long long id);

#endif
