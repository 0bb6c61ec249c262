/* event_kinds.c: one constructor per funnel event type, so that a handler records what happened without filling fields. */
#include <stdio.h>

#include "events.h"

/* The stored form of "none" for ids and positions is -1 (events.h). */
static long long
none_or(long long v)
{
	return (v > 0 ? v : -1);
}

void
event_search(const char *visitor, const char *search_id, const char *query,
    const char *norm_query, long long results)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_SEARCH;
	ev.visitor = visitor;
	ev.search_id = search_id;
	ev.query = query;
	ev.norm_query = norm_query;
	ev.result_count = results;
	events_record(&ev);
}

void
event_search_click(const char *visitor, const char *search_id,
    long long position, const char *target, const char *slug)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_SEARCH_CLICK;
	ev.visitor = visitor;
	ev.search_id = search_id;
	ev.position = none_or(position);
	ev.target = target;
	ev.slug = slug;
	events_record(&ev);
}

void
event_article_view(const char *visitor, const char *slug, const char *lang)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_ARTICLE_VIEW;
	ev.visitor = visitor;
	ev.slug = slug;
	ev.lang = lang;
	events_record(&ev);
}

void
event_thread_view(const char *visitor, long long thread_id)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_THREAD_VIEW;
	ev.visitor = visitor;
	ev.thread_id = none_or(thread_id);
	events_record(&ev);
}

void
event_ticket_form_shown(const char *visitor, const char *slug,
    const char *query, long long thread_id)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_TICKET_FORM_SHOWN;
	ev.visitor = visitor;
	ev.slug = slug;
	ev.query = query;
	ev.thread_id = none_or(thread_id);
	events_record(&ev);
}

void
event_suggestion_shown(const char *visitor, const char *query,
    long long shown)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_SUGGESTION_SHOWN;
	ev.visitor = visitor;
	ev.query = query;
	ev.result_count = shown;
	events_record(&ev);
}

void
event_suggestion_clicked(const char *visitor, const char *slug,
    long long position)
{
	struct event	ev = EVENT_INIT;
	char		target[256];	/* slugs: 100 bytes at most */

	(void)snprintf(target, sizeof(target), "article:%s", slug);
	ev.type = EV_SUGGESTION_CLICKED;
	ev.visitor = visitor;
	ev.target = target;
	ev.slug = slug;
	ev.position = none_or(position);
	events_record(&ev);
}

int
event_deflected(struct store *db, const char *visitor, const char *target,
    const char *slug)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_DEFLECTED;
	ev.visitor = visitor;
	ev.target = target;
	ev.slug = slug;
	return (events_write(db, &ev));
}

int
event_vote(struct store *db, const char *visitor, long long ts, const char *slug,
    int helpful, const char *reason)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_VOTE;
	ev.visitor = visitor;
	ev.ts = ts;
	ev.slug = slug;
	ev.helpful = helpful ? 1 : 0;
	ev.reason = helpful ? NULL : reason;
	return (events_write(db, &ev));
}

int
event_ticket_submitted(struct store *db, const char *visitor, long long ts,
    const char *ticket_ref, const char *slug, const char *query,
    long long thread_id)
{
	struct event	ev = EVENT_INIT;

	ev.type = EV_TICKET_SUBMITTED;
	ev.visitor = visitor;
	ev.ts = ts;
	ev.ticket_ref = ticket_ref;
	ev.slug = slug;
	ev.query = query;
	ev.thread_id = none_or(thread_id);
	return (events_write(db, &ev));
}
