/* events.h: the self-service funnel's events (SPEC section 5): buffered recording, durable writes, a visitor's recent context. */
#ifndef HC_EVENTS_H
#define HC_EVENTS_H

#include <jansson.h>

#include "store/db.h"

/* Event types, as stored in events.type. */
#define EV_SEARCH		"search"
#define EV_SEARCH_CLICK		"search_click"
#define EV_ARTICLE_VIEW		"article_view"
#define EV_VOTE			"vote"
#define EV_TICKET_FORM_SHOWN	"ticket_form_shown"
#define EV_SUGGESTION_SHOWN	"suggestion_shown"
#define EV_SUGGESTION_CLICKED	"suggestion_clicked"
#define EV_TICKET_SUBMITTED	"ticket_submitted"
/*
 * "Ticket form left after a suggestion click" is not recorded: figures.c
 * derives it (a suggestion click with no ticket from that visitor in 24 h).
 */
/* The visitor said an article or thread solved it (explicit deflection). */
#define EV_DEFLECTED		"deflected"
#define EV_THREAD_VIEW		"thread_view"

/*
 * One event. Strings are borrowed by events_record and events_write (they
 * copy what they keep); unused fields are NULL, or -1 for numbers.
 */
struct event {
	const char	*type;		/* one of EV_* */
	const char	*visitor;	/* the visitor cookie id */
	long long	 ts;		/* unix seconds; 0 means now */
	const char	*search_id;	/* search, search_click */
	const char	*query;		/* search: as typed */
	const char	*norm_query;	/* search: folded, for grouping */
	long long	 result_count;	/* search: total found */
	long long	 position;	/* search_click, suggestion_clicked: 1-based */
	const char	*target;	/* what was clicked: "article:slug", "thread:id" */
	const char	*slug;		/* article_view, vote: the article */
	const char	*lang;		/* article_view: the version read */
	long long	 helpful;	/* vote: 1 or 0 */
	const char	*reason;	/* vote: outdated, unclear, ... */
	const char	*ticket_ref;	/* ticket_submitted */
	long long	 thread_id;	/* thread_view, deflected by a thread */
};

/* An event with every optional field unset. */
#define EVENT_INIT	{ NULL, NULL, 0, NULL, NULL, NULL, -1, -1, NULL, \
			  NULL, NULL, -1, NULL, NULL, -1 }

/*
 * Buffers an event in memory (this worker); events_flush writes the
 * buffer. For page views, searches and clicks, which must not wait for a
 * disk. When the buffer is full (EVENTS_BUFFER_MAX) the event is dropped
 * and counted in events_dropped().
 */
#define EVENTS_BUFFER_MAX	20000
void		 events_record(const struct event *);

/*
 * Writes the buffered events in one transaction; returns the number, or
 * -1 (kept for the next try). In a worker, whose events go through the
 * shared rings, waits instead (at most EVENTS_WAIT_MS) until the event
 * writer has written them, so that a read afterwards sees them.
 */
#define EVENTS_WAIT_MS	250
int		 events_flush(struct store *);

/*
 * The event writer: the workers' rings into the table, one batch, with
 * the rings' offsets under node (NODE_NAME) and this start's run id in
 * the same transaction (event_offsets). After a batch that failed, the
 * next call first reads back what that batch may have committed and
 * skips it, so that each event is written exactly once. Returns the
 * number written, or -1 (kept in the rings for the next try).
 */
int		 events_write_rings(struct store *, const char *node);

/* Removes the offsets of node's earlier runs (at the writer's start); 0 or -1. */
int		 events_offsets_prune(struct store *, const char *node);

/*
 * For the unit test: the next events_write_rings commit that succeeds
 * is reported as failed, as when the reply to COMMIT is lost.
 */
void		 events_lose_next_reply(void);

/*
 * Writes one event now, inside the caller's transaction if one is open
 * (votes and tickets, which the visitor is told were saved). 0 or -1.
 */
int		 events_write(struct store *, const struct event *);

/* Events dropped because the buffer (or a worker's ring) was full. */
unsigned long	 events_dropped(void);

/* Frees the buffer without writing (tests, hcctl). */
void		 events_discard(void);

/*
 * What a visitor did in the window [now - seconds, now], for a ticket's
 * context: {"searches":[{"query","results","at"}], "articles":[{"slug",
 * "lang","at"}], "votes":[{"slug","helpful","reason","at"}],
 * "threads":[{"id","at"}]}, newest first, at most 20 of each. Flushes this
 * worker's buffer first. Returns a new reference, or NULL on error.
 */
json_t		*events_visitor_context(struct store *, const char *visitor,
		    long long seconds);

/*
 * ---- One constructor per event type (event_kinds.c) ----
 *
 * Each fills an event with the fields its type carries and records it, so
 * that a handler names what happened and never the fields. Page views,
 * searches and clicks are buffered (events_record); what the visitor is
 * told was saved is written now, inside the caller's transaction if one
 * is open (events_write: 0 or -1). Strings are borrowed; an id or a
 * position of 0 means none, an optional string NULL.
 */
void	event_search(const char *visitor, const char *search_id,
	    const char *query, const char *norm_query, long long results);
/* A search result followed: target "article:slug" or "thread:id". */
void	event_search_click(const char *visitor, const char *search_id,
	    long long position, const char *target, const char *slug);
void	event_article_view(const char *visitor, const char *slug,
	    const char *lang);
void	event_thread_view(const char *visitor, long long thread_id);
/* The contact form shown, from an article, a search or a thread. */
void	event_ticket_form_shown(const char *visitor, const char *slug,
	    const char *query, long long thread_id);
/* Suggestions shown while typing q, and one of them (an article) clicked. */
void	event_suggestion_shown(const char *visitor, const char *query,
	    long long shown);
void	event_suggestion_clicked(const char *visitor, const char *slug,
	    long long position);
/* "This answered me": target "article:slug" or "thread:id", or NULL. */
int	event_deflected(struct store *, const char *visitor, const char *target,
	    const char *slug);
/* A vote on an article (reason only when not helpful). */
int	event_vote(struct store *, const char *visitor, long long ts,
	    const char *slug, int helpful, const char *reason);
/* A ticket stored, with where the visitor came from. */
int	event_ticket_submitted(struct store *, const char *visitor, long long ts,
	    const char *ticket_ref, const char *slug, const char *query,
	    long long thread_id);

#endif
