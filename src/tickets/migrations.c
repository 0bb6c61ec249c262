/* migrations.c: the tickets tables (append only: a deployed database has run every entry). */
#include <stddef.h>

#include "store/db.h"

const struct migration	ticket_migrations[] = {
	/*
	 * tickets: one row per ticket; context is the JSON the customer
	 * arrived with. The agents' queue reads the partial index of active
	 * tickets in due order (no sort), a status or a group through the
	 * two others; the SLA job reads tickets_sla.
	 */
	{ "tickets-1", "CREATE TABLE tickets("
	    "id INTEGER PRIMARY KEY,"
	    "ref TEXT NOT NULL UNIQUE,"
	    "created_at INTEGER NOT NULL,"
	    "updated_at INTEGER NOT NULL,"
	    "name TEXT NOT NULL, email TEXT NOT NULL,"
	    "subject TEXT NOT NULL, body TEXT NOT NULL,"
	    "category TEXT,"
	    "grp TEXT NOT NULL,"
	    "priority TEXT NOT NULL CHECK (priority IN "
	    "('low','normal','high','urgent')),"
	    "status TEXT NOT NULL CHECK (status IN "
	    "('new','open','pending','solved','closed')),"
	    "channel TEXT NOT NULL CHECK (channel IN "
	    "('web_form','article_feedback','community','api')),"
	    "due_at INTEGER NOT NULL,"
	    "first_response_at INTEGER,"
	    "escalated INTEGER NOT NULL DEFAULT 0,"
	    "visitor TEXT, article TEXT, query TEXT, thread_id INTEGER,"
	    "context TEXT NOT NULL DEFAULT '{}');"
	    "CREATE INDEX tickets_active_due ON tickets(due_at, id) WHERE "
	    "status IN ('new','open','pending');"
	    "CREATE INDEX tickets_status_due ON tickets(status, due_at, id);"
	    "CREATE INDEX tickets_group_due ON tickets(grp, status, due_at, id);"
	    "CREATE INDEX tickets_sla ON tickets(due_at) WHERE escalated = 0 "
	    "AND first_response_at IS NULL AND status IN ('new','open');"
	    "CREATE TABLE ticket_events("
	    "id INTEGER PRIMARY KEY,"
	    "ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	    "ts INTEGER NOT NULL,"
	    "kind TEXT NOT NULL,"
	    "actor TEXT NOT NULL,"
	    "public INTEGER NOT NULL,"
	    "body TEXT, old_value TEXT, new_value TEXT);"
	    "CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);"
	    "CREATE TABLE ticket_idempotency("
	    "key TEXT PRIMARY KEY,"
	    "digest TEXT NOT NULL,"
	    "ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	    "created_at INTEGER NOT NULL);" },
	/* The overdue filter of the queue: unanswered tickets by due time. */
	{ "tickets-2", "CREATE INDEX tickets_unanswered_due ON tickets(due_at, "
	    "id) WHERE first_response_at IS NULL AND status IN ('new','open');" },
	/*
	 * Satisfaction: one answer per ticket, replaced by a later one
	 * (src/tickets/csat.c). The figures find each ticket's last solve
	 * through tickets_solved.
	 */
	{ "tickets-3", "CREATE TABLE ticket_ratings("
	    "ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
	    "rated_at INTEGER NOT NULL,"
	    "rating TEXT NOT NULL CHECK (rating IN ('good','bad')),"
	    "reason TEXT NOT NULL,"
	    "comment TEXT);"
	    "CREATE INDEX tickets_solved ON ticket_events(ticket_id, id) WHERE "
	    "kind = 'status' AND new_value = 'solved';"
	    /* The agent's page lists the requester's other tickets. */
	    "CREATE INDEX tickets_email ON tickets(email COLLATE NOCASE, "
	    "created_at);",
	  /* PostgreSQL has no NOCASE: the index is on lower(email). */
	  "CREATE TABLE ticket_ratings("
	    "ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),"
	    "rated_at BIGINT NOT NULL,"
	    "rating TEXT NOT NULL CHECK (rating IN ('good','bad')),"
	    "reason TEXT NOT NULL,"
	    "comment TEXT);"
	    "CREATE INDEX tickets_solved ON ticket_events(ticket_id, id) WHERE "
	    "kind = 'status' AND new_value = 'solved';"
	    "CREATE INDEX tickets_email ON tickets(lower(email), created_at);" },
	/*
	 * Attachments: a blob (DATA/attachments/ab/cdef...) on a ticket's
	 * first message (event_id NULL) or on one of its events; the type is
	 * the sniffed one, the name a cleaned display name.
	 */
	{ "tickets-4", "CREATE TABLE ticket_attachments("
	    "id INTEGER PRIMARY KEY,"
	    "ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	    "event_id INTEGER REFERENCES ticket_events(id),"
	    "sha256 TEXT NOT NULL,"
	    "size INTEGER NOT NULL,"
	    "mime TEXT NOT NULL CHECK (mime IN ('image/png','image/jpeg',"
	    "'image/gif','image/webp','application/pdf')),"
	    "name TEXT NOT NULL,"
	    "created_at INTEGER NOT NULL);"
	    "CREATE INDEX ticket_attachments_ticket ON "
	    "ticket_attachments(ticket_id, id);" },
	/*
	 * Email (docs/mail.md). ticket_lang: the language the customer wrote
	 * in, for the emails. mail_outbox: one row per email to send, written
	 * in the transaction of the change that causes it; the mailer claims
	 * a row (sending, with an attempt id) before the transfer. The
	 * Message-ID derives from the row's id. mail_in_seen: the Message-IDs
	 * of emailed replies already added, so a redelivery adds nothing.
	 */
	{ "tickets-5", "CREATE TABLE ticket_lang("
	    "ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
	    "lang TEXT NOT NULL);"
	    "CREATE TABLE mail_outbox("
	    "id INTEGER PRIMARY KEY,"
	    "ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	    "kind TEXT NOT NULL CHECK (kind IN ('received','reply','solved')),"
	    "event_id INTEGER,"
	    "rcpt TEXT NOT NULL,"
	    "created_at INTEGER NOT NULL,"
	    "state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN "
	    "('queued','sending','sent','unsure','failed')),"
	    "attempts INTEGER NOT NULL DEFAULT 0,"
	    "attempt_id TEXT,"
	    "next_at INTEGER NOT NULL,"
	    "sent_at INTEGER,"
	    "last_error TEXT);"
	    "CREATE INDEX mail_outbox_due ON mail_outbox(next_at, id) WHERE "
	    "state = 'queued';"
	    "CREATE INDEX mail_outbox_ticket ON mail_outbox(ticket_id, id);"
	    "CREATE TABLE mail_in_seen("
	    "message_id TEXT PRIMARY KEY,"
	    "ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	    "ts INTEGER NOT NULL);" },
	/*
	 * When a mailer claimed a row "sending": with several nodes, a
	 * starting mailer queues again only claims older than any transfer
	 * (another node's mailer may be sending the newer ones).
	 */
	{ "tickets-mail-claimed", "ALTER TABLE mail_outbox ADD COLUMN "
	    "claimed_at INTEGER;" },
	{ NULL, NULL }
};
