/* db.h: the application's SQLite database: opening, pragmas, migrations, the shared secret. */
#ifndef HC_DB_H
#define HC_DB_H

#include <jansson.h>
#include <sqlite3.h>

/* One schema step: a unique name and the SQL that makes it. */
struct migration {
	const char	*name;		/* e.g. "tickets-1"; NULL ends a list */
	const char	*sql;
};

/* Each domain's list, defined beside that domain's SQL. */
extern const struct migration	auth_migrations[];
extern const struct migration	event_migrations[];
extern const struct migration	ticket_migrations[];
extern const struct migration	community_migrations[];

#define DB_SECRET_LEN	32

/*
 * Opens (creating when missing) the database at path in WAL mode with
 * synchronous=FULL, so that a committed write survives a crash, and a busy
 * timeout so that writers from several workers queue instead of failing.
 * Returns NULL and logs on stderr on failure.
 */
sqlite3	*db_open(const char *path);

/*
 * Applies every migration not yet applied (recorded by name in
 * schema_migrations). Returns the number of known migrations, or -1.
 */
int	 db_migrate(sqlite3 *);

/*
 * The installation's random secret (CSRF tokens, keyed client hashes),
 * created on first use and then stable. Returns 0, or -1 on failure.
 */
int	 db_secret(sqlite3 *, unsigned char secret[DB_SECRET_LEN]);

/*
 * Whether a write could start now (for /healthz): takes and releases the
 * write lock, waiting at most a quarter of a second. SQLITE_OK, or the
 * code (SQLITE_BUSY when another program holds the lock).
 */
int	 db_write_probe(sqlite3 *);

/* 1 when a trivial query works (for /healthz). */
int	 db_usable(sqlite3 *);

/*
 * Maps the workers' shared write queue; the parent calls it before the
 * workers fork. Without it (hcctl, the watcher) db_begin does not queue.
 */
void	 db_write_queue_init(void);

/*
 * This process's writes stop taking turns in the workers' queue (the
 * event writer: its batches must never keep a visitor's write waiting,
 * as when it waits out another program's lock with its turn held).
 */
void	 db_write_queue_opt_out(void);

/*
 * BEGIN IMMEDIATE (after this worker's turn in the write queue) / COMMIT
 * (rolls back when it fails) / ROLLBACK; 0 or -1. Every write transaction
 * goes through these, and each db_begin that returned 0 ends with exactly
 * one db_commit or db_rollback.
 */
int	 db_begin(sqlite3 *);
int	 db_commit(sqlite3 *);
void	 db_rollback(sqlite3 *);

/*
 * The SQLite result code (primary) of the last write transaction that
 * failed, shared by the workers, or 0 when the last one committed; *since
 * gets the failure's time(). db_error_message turns a code into a sentence
 * for the person whose write was refused, and the seconds worth waiting
 * before trying again (disk full, locked by another program, I/O error).
 */
int		 db_write_error(long long *since);
const char	*db_error_message(int code, int *retry_after);

/*
 * Steps st to the end, appending one object per row to arr: member
 * cols[i] holds column i (integer, real, text or null). The statement is
 * not finalized. Returns 0, or -1 when a step failed.
 */
int	 db_rows_json(sqlite3_stmt *, const char *const *cols, json_t *arr);

#endif
