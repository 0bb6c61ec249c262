/* migrations.c: the community tables (append only: a deployed database has run every entry). */
#include <stddef.h>

#include "store/db.h"

const struct migration	community_migrations[] = {
	{ "community-1",
	    /* One display name per visitor cookie, chosen on the first post. */
	    "CREATE TABLE community_names ("
	    " visitor TEXT PRIMARY KEY, name TEXT NOT NULL,"
	    " created INTEGER NOT NULL);"
	    /* Bodies are stored as written and as rendered once (HTML). */
	    "CREATE TABLE threads ("
	    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	    " visitor TEXT NOT NULL, author TEXT NOT NULL,"
	    " title TEXT NOT NULL, body_md TEXT NOT NULL,"
	    " body_html TEXT NOT NULL, body_plain TEXT NOT NULL,"
	    " category TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '',"
	    " lang TEXT NOT NULL, status TEXT NOT NULL, queue_reason TEXT,"
	    " duplicate_of TEXT, locked INTEGER NOT NULL DEFAULT 0,"
	    " pinned INTEGER NOT NULL DEFAULT 0, accepted INTEGER,"
	    " score INTEGER NOT NULL DEFAULT 0,"
	    " answers INTEGER NOT NULL DEFAULT 0,"
	    " reports INTEGER NOT NULL DEFAULT 0,"
	    " body_hash TEXT NOT NULL, created INTEGER NOT NULL,"
	    " updated INTEGER NOT NULL, activity INTEGER NOT NULL);"
	    "CREATE INDEX threads_list ON threads(status, pinned, created);"
	    "CREATE INDEX threads_hash ON threads(body_hash);"
	    "CREATE INDEX threads_visitor ON threads(visitor);"
	    "CREATE TABLE answers ("
	    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	    " thread_id INTEGER NOT NULL REFERENCES threads(id),"
	    " visitor TEXT NOT NULL, author TEXT NOT NULL,"
	    " body_md TEXT NOT NULL, body_html TEXT NOT NULL,"
	    " body_plain TEXT NOT NULL, status TEXT NOT NULL,"
	    " queue_reason TEXT, score INTEGER NOT NULL DEFAULT 0,"
	    " reports INTEGER NOT NULL DEFAULT 0,"
	    " body_hash TEXT NOT NULL, created INTEGER NOT NULL,"
	    " updated INTEGER NOT NULL);"
	    "CREATE INDEX answers_thread ON answers(thread_id, status);"
	    "CREATE INDEX answers_hash ON answers(body_hash);"
	    "CREATE INDEX answers_visitor ON answers(visitor);"
	    /* kind: 't' thread, 'a' answer. One vote per visitor and post. */
	    "CREATE TABLE community_votes ("
	    " kind TEXT NOT NULL, post_id INTEGER NOT NULL,"
	    " visitor TEXT NOT NULL, value INTEGER NOT NULL,"
	    " ts INTEGER NOT NULL, PRIMARY KEY (kind, post_id, visitor))"
	    " WITHOUT ROWID;"
	    "CREATE TABLE community_reports ("
	    " kind TEXT NOT NULL, post_id INTEGER NOT NULL,"
	    " visitor TEXT NOT NULL, ts INTEGER NOT NULL,"
	    " PRIMARY KEY (kind, post_id, visitor)) WITHOUT ROWID;"
	    "CREATE TABLE community_log ("
	    " id INTEGER PRIMARY KEY, staff TEXT NOT NULL,"
	    " action TEXT NOT NULL, kind TEXT NOT NULL,"
	    " post_id INTEGER NOT NULL, ts INTEGER NOT NULL);"
	    /*
	     * Threads whose search document must be redone, written in the
	     * same transaction as the change; the watcher (the index's one
	     * writer) drains it.
	     */
	    "CREATE TABLE search_outbox ("
	    " id INTEGER PRIMARY KEY, thread_id INTEGER NOT NULL);" },
	{ "community-2",
	    /*
	     * The folded form of a display name (names.c), so that copies
	     * ("Ａｌｉｃｅ" of "alice") are refused; rows from before are keyed
	     * on first use (store.c).
	     */
	    "ALTER TABLE community_names ADD COLUMN name_key TEXT;"
	    "CREATE INDEX community_names_key ON community_names(name_key);"
	    /* One vote per post and client address (the daily keyed hash). */
	    "ALTER TABLE community_votes ADD COLUMN client TEXT NOT NULL"
	    " DEFAULT '';"
	    "CREATE UNIQUE INDEX community_votes_client ON"
	    " community_votes(kind, post_id, client) WHERE client <> '';" },
	{ "community-3",
	    /*
	     * The search outbox becomes a log every node's watcher reads
	     * from its own cursor (outbox.c). SQLite: rebuilt with
	     * AUTOINCREMENT, so that an id is never given out twice once the
	     * newest rows are pruned (the rowid is the cursor there).
	     */
	    "CREATE TABLE search_outbox_log ("
	    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	    " thread_id INTEGER NOT NULL);"
	    "INSERT INTO search_outbox_log(id, thread_id)"
	    " SELECT id, thread_id FROM search_outbox;"
	    "DROP TABLE search_outbox;"
	    "ALTER TABLE search_outbox_log RENAME TO search_outbox;"
	    /* Each node's cursor and when it last read: pruning's floor. */
	    "CREATE TABLE search_cursors ("
	    " node TEXT PRIMARY KEY, cursor INTEGER NOT NULL,"
	    " seen INTEGER NOT NULL);"
	    /* Rows below this are gone: a cursor below it must reconcile. */
	    "CREATE TABLE search_pruned (below INTEGER NOT NULL);"
	    "INSERT INTO search_pruned(below) VALUES (0);",
	    /*
	     * PostgreSQL: ids are handed out before commit, in another order
	     * than commits, so the cursor is the writing transaction's id
	     * (read below the oldest transaction still running, outbox.c);
	     * rows already queued get the migration's. Every insert notifies
	     * the watchers, at commit (LISTEN search_outbox, db_changed).
	     */
	    "ALTER TABLE search_outbox ADD COLUMN xid BIGINT NOT NULL"
	    " DEFAULT (pg_current_xact_id()::text::bigint);"
	    "CREATE INDEX search_outbox_xid ON search_outbox(xid);"
	    "CREATE TABLE search_cursors ("
	    " node TEXT PRIMARY KEY, cursor BIGINT NOT NULL,"
	    " seen BIGINT NOT NULL);"
	    "CREATE TABLE search_pruned (below BIGINT NOT NULL);"
	    "INSERT INTO search_pruned(below) VALUES (0);"
	    "CREATE FUNCTION search_outbox_notify() RETURNS trigger"
	    " LANGUAGE plpgsql AS $$ BEGIN"
	    " PERFORM pg_notify('search_outbox', ''); RETURN NULL; END $$;"
	    "CREATE TRIGGER search_outbox_notify AFTER INSERT ON search_outbox"
	    " FOR EACH STATEMENT EXECUTE FUNCTION search_outbox_notify();" },
	{ NULL, NULL }
};
