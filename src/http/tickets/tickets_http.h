/* tickets_http.h: what the tickets pages, API and agent pages share (src/http/tickets_*.c). */
#ifndef HC_TICKETS_HTTP_H
#define HC_TICKETS_HTTP_H

#include <kore/kore.h>
#include <kore/http.h>

#include <jansson.h>

#include "http/core/visitor.h"
#include "tickets/tickets.h"

/* Per-client writes per minute (RATE_LIMITS=on). */
#define TICKET_RATE		10
#define TICKET_REPLY_RATE	20
#define DEFLECT_RATE		30
#define LOGIN_RATE		10
/* Seconds a person needs at least to fill the form, and at most. */
#define TICKET_MIN_FILL		2
#define TICKET_MAX_FILL		(24 * 3600)
/* Context: what the visitor did in the last week. */
#define TICKET_CONTEXT_SECONDS	(7 * 24 * 3600)
#define TICKET_QUERY_MAX	256

/* Parent: reads ARTICLES/_support.yaml (before the chroot). */
void	 tickets_http_parent_configure(void);
/* Worker: the SLA timer. */
void	 tickets_http_worker_configure(void);

/* Sends a redirect to exactly location (no query string carried over). */
int	 tickets_redirect(struct http_request *, int status,
	    const char *location);

/* The request's last path element after prefix, when it is a ref; or NULL. */
const char	*tickets_path_ref(struct http_request *, const char *prefix,
		    const char *suffix, char out[TICKET_REF_LEN]);

/* The base view model for the tickets pages (their CSS and JS added). */
json_t	*tickets_page_context(struct http_request *, const char *lang,
	    const char *title);

/* 1 when a category slug exists in the catalog (or is empty/NULL). */
int	 tickets_category_known(const char *);

/* "2026-11-22 22:05 (Asia/Shanghai)": in TIME_ZONE, the zone named. */
void	 tickets_format_time(long long, char *, size_t);

/*
 * Prepares a ticket for a template: dates formatted, status and priority
 * labels in the UI language, events with "is_agent" / "is_note" flags.
 */
void	 tickets_decorate(json_t *ticket, const char *ui_lang);

/*
 * Adds "csat" to a status page's view model when the ticket is solved or
 * closed: the reasons of each rating and the current answer, in ui.
 */
void	 tickets_csat_view(json_t *ctx, const char *ref, const char *status,
	    const char *ui);

/* The agent's workspace (agent_workspace.c): new JSON arrays. */
json_t	*agent_suggestions(const char *subject, const char *body,
	    const char *lang);
json_t	*agent_macros(const char *name, const char *ref, const char *lang);

/*
 * Adds the ticket's attachments to its view model: "attachments" (of the
 * first message) and each event's "attachments", with "url" (carrying
 * ?t=token when token is not NULL), "size_label", "image", and
 * "has_attachments" flags. public_only: none of internal notes.
 */
void	 tickets_add_attachments(json_t *ticket, const char *ref,
	    int public_only, const char *token);

/* The staff member behind a page request (cookie); 1 or 0. */
int	 tickets_agent(struct http_request *, struct token_owner *);

#endif
