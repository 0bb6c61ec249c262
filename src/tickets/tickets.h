/* tickets.h: the ticket store's whole contract: routing and SLA config, validation, create, read, change, escalate, export. */
#ifndef HC_TICKETS_H
#define HC_TICKETS_H

#include <jansson.h>
#include <stdio.h>

#include "store/db.h"

/*
 * Every SQL statement about tickets lives in src/tickets/ behind this
 * header, so that another backend (PostgreSQL through Kore's asynchronous
 * client, for several servers sharing one store) can be added later.
 * Nothing here knows about HTTP. Returned json_t values are new references
 * (json_decref them); strings passed in are borrowed for the call.
 */

#define TICKET_REF_LEN		15	/* "HC-2026-012345" and the NUL */
#define TICKET_TOKEN_LEN	33	/* 32 hex digits and the NUL */

/* Field limits, in characters. */
#define TICKET_NAME_MAX		100
#define TICKET_EMAIL_MAX	254
#define TICKET_SUBJECT_MAX	200
#define TICKET_BODY_MAX		10000
#define TICKET_IDEM_MAX		64

/* ---- Routing and SLA (articles/_support.yaml) ---- */

#define TICKET_PRIORITIES	4	/* low, normal, high, urgent */

/*
 * Loads the routing file: category slug -> group, keyword -> priority
 * rules, SLA hours per priority. A missing file means the defaults (group
 * "general"; urgent 1 h, high 4 h, normal 24 h, low 48 h). Returns 0, or
 * -1 with a message in err (the defaults stay in force).
 */
int		 tickets_config_load(const char *path, char *err,
		    size_t errlen);
/* Back to the defaults (tests). */
void		 tickets_config_reset(void);
/* The group for a category slug ("cat" or "cat/section"); never NULL. */
const char	*tickets_route_group(const char *category);
/* 1 when name is a group the config knows (agents may move tickets there). */
int		 tickets_group_known(const char *name);
/* The config's groups as a JSON array of strings. */
json_t		*tickets_groups(void);
/* SLA first-response hours for a priority (-1 for an unknown one). */
int		 tickets_sla_hours(const char *priority);

/* 0..3 for low..urgent, -1 for anything else. */
int		 ticket_priority_rank(const char *);
int		 ticket_status_valid(const char *);
int		 ticket_channel_valid(const char *);

/* ---- Creating ---- */

struct attachment_blob;	/* attachments.h */

/* What a customer (or a program) sends. NULL means absent. */
struct ticket_input {
	const char	*name;
	const char	*email;
	const char	*subject;
	const char	*body;
	const char	*category;	/* a category slug, checked by the caller */
	const char	*priority;	/* "normal" or "high"; NULL = normal */
	const char	*channel;	/* web_form, article_feedback, community, api */
	const char	*visitor;	/* the visitor cookie id, or NULL */
	const char	*article;	/* the article the customer came from */
	const char	*query;		/* what they searched (?q=) */
	long long	 thread_id;	/* the community thread, or 0 */
	json_t		*context;	/* events_visitor_context(), or NULL */
	const char	*idem_key;	/* idempotency key, or NULL */
	long long	 now;		/* unix seconds; 0 = now */
	/* Committed blobs (attachment_blob_commit) on the first message. */
	const struct attachment_blob *attachments;
	int		 nattachments;
	const char	*lang;		/* the page's language, for the
					   emails; NULL = the default */
};

/* The first problem in an input: a field and message keys (strings.c). */
struct ticket_problem {
	const char	*field;		/* "email", ... */
	const char	*code;		/* snake_case, for the API */
	const char	*message;	/* English, for the API */
	const char	*key;		/* UI string key, for the form */
};

/*
 * Checks every customer-written field: presence, length, UTF-8, control
 * characters (a line break in a one-line field is header injection), the
 * email's shape, priority (normal or high), idempotency key. Returns the
 * number of problems (0 when valid), filling up to max of them.
 */
int		 ticket_validate(const struct ticket_input *,
		    struct ticket_problem *, int max);

enum ticket_result {
	TICKET_CREATED = 0,
	TICKET_REPLAYED,	/* same idempotency key, same content */
	TICKET_CONFLICT,	/* same idempotency key, other content */
	TICKET_ERROR		/* database: nothing was stored */
};

/* What a create gives back. */
struct ticket_created {
	char		ref[TICKET_REF_LEN];
	char		token[TICKET_TOKEN_LEN];	/* for the status page */
	char		status[8];
};

/*
 * Stores a validated ticket, routed (group, priority from keyword rules,
 * SLA due time), with its "created" event and, in the same transaction, the
 * funnel's ticket_submitted event and, when mail is on (outbox.h), the
 * "received" email. Durable (committed, synchronous=FULL)
 * when it returns TICKET_CREATED. secret derives the status page token.
 */
enum ticket_result ticket_create(struct store *, const unsigned char secret[32],
		    const struct ticket_input *, struct ticket_created *);

/* The status page token of a ref (HMAC of the ref with the secret). */
void		 ticket_token(const unsigned char secret[32], const char *ref,
		    char out[TICKET_TOKEN_LEN]);
/* 1 when presented is the token of ref (constant time). */
int		 ticket_token_valid(const unsigned char secret[32],
		    const char *ref, const char *presented);
/* 1 when s looks like a ref: HC-dddd-dddddd. */
int		 ticket_ref_valid(const char *);

/* ---- Reading ---- */

/*
 * One ticket: {"ref","subject","body","name","email","category","group",
 * "priority","status","channel","created_at","updated_at","due_at",
 * "first_response_at","escalated","overdue","context","events":[{"id",
 * "ts","kind","actor","public","body","old","new"}]}; events with public
 * set only when public_only. NULL when there is no such ticket (*missing
 * set to 1) or on a database error (*missing 0: answer 503, not 404).
 */
json_t		*ticket_get(struct store *, const char *ref, int public_only,
		    int *missing);

/* Filters of the agents' list; NULL/0 fields do not filter. */
struct ticket_filter {
	const char	*status;	/* one status; NULL = new, open, pending */
	const char	*group;
	int		 overdue;	/* 1: only overdue */
	int		 page;		/* 1-based */
	int		 per_page;
	long long	 now;		/* 0 = now */
};

/*
 * The queue by SLA due time: {"total","page","per_page","tickets":[{ref,
 * subject,name,group,priority,status,channel,created_at,due_at,overdue,
 * escalated}]}. NULL on error.
 */
json_t		*ticket_list(struct store *, const struct ticket_filter *);

/* ---- Changing ---- */

/* Who acts: "agent:<name>", "requester", "system", "hcctl". */
struct ticket_change {
	const char	*status;	/* NULL = unchanged */
	const char	*priority;
	const char	*group;
};

/* What a change or a reply did. */
enum ticket_change_result {
	TICKET_CHANGED = 0,
	TICKET_NOT_FOUND,	/* no ticket has this ref */
	TICKET_CLOSED,		/* the requester replied to a closed one */
	TICKET_ALREADY_ADDED,	/* this emailed reply was added before */
	TICKET_CHANGE_FAILED	/* database: nothing was changed */
};

/*
 * Applies the changes that differ, one event each, in one transaction; a
 * move to solved queues the "solved" email (outbox.h) in it:
 * TICKET_CHANGED, TICKET_NOT_FOUND or TICKET_CHANGE_FAILED.
 */
enum ticket_change_result ticket_update(struct store *, const char *ref,
		    const char *actor, const struct ticket_change *);

/*
 * Adds a reply. From an agent (is_agent): public replies set the first
 * response time, move a new ticket to open and queue the "reply" email
 * (outbox.h) in the same transaction; notes are internal (public 0). From
 * the requester: always public; a pending or solved ticket opens again, a
 * closed one takes no more replies (TICKET_CLOSED).
 */
enum ticket_change_result ticket_comment(struct store *, const char *ref,
		    const char *actor, int is_agent, int public_reply,
		    const char *body);
/*
 * ticket_comment with n committed blobs (attachments.h) linked to the new
 * event in the same transaction; *event_id (may be NULL) gets its id.
 */
enum ticket_change_result ticket_comment_files(struct store *, const char *ref,
		    const char *actor, int is_agent, int public_reply,
		    const char *body, const struct attachment_blob *, int n,
		    long long *event_id);

/*
 * A requester's reply that came by email (hcctl mail-in): as
 * ticket_comment from the requester, and message_id (the email's own) is
 * recorded in the same transaction, so that a redelivered email adds
 * nothing (TICKET_ALREADY_ADDED); n committed blobs (attachments.h, the
 * email's files) are linked to the new event in the same transaction. On
 * TICKET_CHANGE_FAILED, db_last() tells busy from broken.
 */
enum ticket_change_result ticket_comment_mail(struct store *, const char *ref,
		    const char *body, const char *message_id,
		    const struct attachment_blob *, int n);

/*
 * The SLA job: every ticket past its first-response due time without a
 * response, not yet escalated, is marked escalated and raised one priority
 * step, with an event. Idempotent (both workers run it). Returns the
 * number escalated, or -1.
 */
int		 tickets_escalate(struct store *, long long now);

/* Tickets, then their events, as JSON lines ("type":"ticket"|"event"). */
int		 tickets_export(struct store *, FILE *);

#endif
