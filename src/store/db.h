/* db.h: the store layer: one API over SQLite (DATA/helpcenter.db) and PostgreSQL (DATABASE_URL). */
#ifndef HC_DB_H
#define HC_DB_H

#include <stddef.h>

#include <jansson.h>

/*
 * Conventions (docs/architecture.md, "The store layer"):
 * - SQL is written once with `?` placeholders, numbered left to right
 *   (`?N` names the N-th explicitly); on PostgreSQL the layer rewrites
 *   them to `$N` outside quoted text. A statement both databases cannot
 *   share is chosen with db_backend().
 * - Every call that touches the database returns an enum store_status
 *   (or 0 / -1 for plumbing); db_errmsg() says what went wrong.
 * - Integers are int64 both ways; booleans are stored as integers 0/1.
 */

/* An open database: a SQLite connection or a libpq one. Opaque. */
struct store;
/* A prepared statement of one store. Opaque. */
struct db_stmt;

enum db_backend {
	DB_SQLITE,
	DB_PG
};

enum store_status {
	STORE_OK = 0,		/* done, nothing to read */
	STORE_ROW,		/* db_step: a row is ready */
	STORE_DONE,		/* db_step: no more rows */
	STORE_RETRY,		/* serialization failure or deadlock: run again */
	STORE_DUPLICATE,	/* a unique key already holds this value */
	STORE_BUSY,		/* locked by another program */
	STORE_FULL,		/* disk full */
	STORE_READONLY,		/* cannot be written (read-only, missing, permission) */
	STORE_IO,		/* input/output error, corruption */
	STORE_UNREACHABLE,	/* the server cannot be reached */
	STORE_ERROR		/* anything else: a bad statement, a bug */
};

/* One schema step: a unique name and the SQL that makes it. */
struct migration {
	const char	*name;		/* e.g. "tickets-1"; NULL ends a list */
	const char	*sql;		/* SQLite's DDL */
	const char	*pg;		/* PostgreSQL's, NULL when sql serves */
};

/* Each domain's list, defined beside that domain's SQL. */
extern const struct migration	auth_migrations[];
extern const struct migration	event_migrations[];
extern const struct migration	ticket_migrations[];
extern const struct migration	community_migrations[];

#define DB_SECRET_LEN	32

/* "ok", "row", ... "unreachable", "error": for logs. */
const char	*store_status_string(enum store_status);

/*
 * Opens the store: url is DATABASE_URL (postgresql://… or postgres://…,
 * connected by hostaddr over TCP) or NULL for SQLite at sqlite_path,
 * created when missing, in WAL mode with synchronous=FULL. Returns NULL
 * and prints why on stderr. db_close frees it (NULL is fine).
 */
struct store	*db_connect(const char *url, const char *sqlite_path);
void		 db_close(struct store *);
/* db_connect with DATABASE_URL (settings.database_url): what callers use. */
struct store	*db_open(const char *sqlite_path);
enum db_backend	 db_backend(const struct store *);

/*
 * Applies every migration not yet applied (recorded by name in
 * schema_migrations), on PostgreSQL under an advisory lock so that nodes
 * starting together run each once. Returns the number of known
 * migrations, or -1.
 */
int	 db_migrate(struct store *);

/*
 * The installation's random secret (CSRF tokens, keyed client hashes),
 * created on first use and then stable. Returns 0, or -1 on failure.
 */
int	 db_secret(struct store *, unsigned char secret[DB_SECRET_LEN]);

/*
 * Whether a write could start now (for /healthz): on SQLite takes and
 * releases the write lock, waiting at most a quarter of a second; on
 * PostgreSQL checks the connection (reconnecting) and that it is not a
 * standby. STORE_OK or why not.
 */
enum store_status	 db_write_probe(struct store *);

/* 1 when a trivial query works (for /healthz). */
int	 db_usable(struct store *);

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
 * Begins a write transaction (SQLite: BEGIN IMMEDIATE after this worker's
 * turn in the write queue; PostgreSQL: SERIALIZABLE) / commits it (rolls
 * back when it fails) / rolls it back; 0 or -1. Each db_begin that
 * returned 0 ends with exactly one db_commit or db_rollback. A failed
 * db_commit's reason is db_last(): STORE_RETRY means run it again.
 */
int	 db_begin(struct store *);
int	 db_commit(struct store *);
void	 db_rollback(struct store *);

/*
 * Runs fn(store, arg) in a write transaction, as many as DB_TX_ATTEMPTS
 * times while it fails with STORE_RETRY (PostgreSQL's serialization
 * failures and deadlocks; SQLite's busy waiting happens inside). fn
 * returns 0 to commit, -1 to roll back, DB_TX_AGAIN to roll back and run
 * again (it met a row another transaction committed meanwhile, e.g. a
 * unique key). Returns 0 when committed, -1 (db_last() says why,
 * STORE_OK when fn refused without a store error).
 */
#define DB_TX_ATTEMPTS	8
#define DB_TX_AGAIN	1
int	 db_tx(struct store *, int (*fn)(struct store *, void *), void *arg);

/*
 * Inside a transaction: takes the lock of the job called name until the
 * transaction ends (SQLite: the write lock, already held; PostgreSQL:
 * pg_try_advisory_xact_lock). 1 when taken, 0 when another node holds
 * it (skip the job), -1 on error.
 */
int	 db_job_lock(struct store *, const char *name);

/*
 * Outside a transaction: waits for the lock called name, held by this
 * connection until db_unlock (PostgreSQL: pg_advisory_lock, released too
 * when the connection ends; SQLite: nothing, its write lock already makes
 * writers take turns). For writers that all change one row (answers to
 * one thread): taking turns before the transaction spares them failing
 * to serialize and running again. 0, or -1 (go on without it).
 */
int	 db_lock(struct store *, const char *name);
void	 db_unlock(struct store *, const char *name);

/*
 * Savepoints inside a transaction, for a statement that may fail and be
 * tried again (PostgreSQL aborts the whole transaction on an error).
 */
int	 db_savepoint(struct store *, const char *name);
int	 db_release(struct store *, const char *name);
int	 db_rollback_to(struct store *, const char *name);

/*
 * The status of the last write transaction that failed, shared by the
 * workers, or STORE_OK when the last one committed; *since gets the
 * failure's time(). db_error_message turns it into a sentence for the
 * person whose write was refused, and the seconds worth waiting before
 * trying again (disk full, locked by another program, I/O error, the
 * database unreachable).
 */
enum store_status	 db_write_error(long long *since);
const char		*db_error_message(enum store_status, int *retry_after);

/*
 * Whether this connection's commits wait for the disk (1, the default) or
 * not (0: the event writer's page views, which a crash may lose anyway;
 * SQLite synchronous=NORMAL, PostgreSQL synchronous_commit=off).
 */
void	 db_set_durable(struct store *, int);

/*
 * For a loop that polls (the watcher, every ~200 ms): 1 when another
 * connection may have committed something worth reading since the last
 * call that answered 1 (the first call answers 1), 0 when not, -1 when
 * the database cannot be asked. SQLite: PRAGMA data_version moved (any
 * commit of another connection). PostgreSQL: a notification on channel
 * (an identifier) arrived, the connection LISTENing from the first call
 * and again after a reconnection; or DB_CHANGED_POLL_MS passed since the
 * last 1, so that a lost notification waits at most that long.
 */
#define DB_CHANGED_POLL_MS	1000
int	 db_changed(struct store *, const char *channel);

/* Runs SQL without parameters or rows (several statements allowed). */
enum store_status	 db_exec(struct store *, const char *sql);

/*
 * Prepares sql (`?` placeholders) into *stp; 0, or -1 with *stp NULL.
 * Bind indexes start at 1 and columns at 0, as in SQLite. Text and blobs
 * are copied at bind time. db_finalize frees (NULL is fine); db_reset
 * makes it ready to run again, keeping its binds (as sqlite3_reset).
 */
int	 db_prepare(struct store *, const char *sql, struct db_stmt **stp);
void	 db_bind_text(struct db_stmt *, int, const char *);	/* NULL: null */
void	 db_bind_int64(struct db_stmt *, int, long long);
void	 db_bind_double(struct db_stmt *, int, double);
void	 db_bind_blob(struct db_stmt *, int, const void *, size_t);
void	 db_bind_null(struct db_stmt *, int);
/* NULL, or "" (a form's empty field), binds null. */
void	 db_bind_opt(struct db_stmt *, int, const char *);

/* The number of parameters (the largest index) of the statement. */
int	 db_param_count(struct db_stmt *);

/* STORE_ROW, STORE_DONE or an error status. */
enum store_status	 db_step(struct db_stmt *);
void			 db_reset(struct db_stmt *);
void			 db_finalize(struct db_stmt *);

/*
 * The current row's columns. Text is valid until the next step, reset or
 * finalize; a null column reads as NULL text, 0, 0.0 and 0 bytes.
 * db_col_bool reads an integer 0/1 or PostgreSQL's boolean.
 */
int		 db_col_null(struct db_stmt *, int);
long long	 db_col_int64(struct db_stmt *, int);
double		 db_col_double(struct db_stmt *, int);
const char	*db_col_text(struct db_stmt *, int);
const void	*db_col_blob(struct db_stmt *, int, size_t *len);
int		 db_col_bool(struct db_stmt *, int);
/* A copy of the column's text (NULL for null); free it. */
char		*db_col_strdup(struct db_stmt *, int);
/* The column as a JSON value: integer, real, text or null. */
json_t		*db_col_json(struct db_stmt *, int);

/* Rows changed by the last INSERT, UPDATE or DELETE of this store. */
long long	 db_changes(struct store *);
/* The status and message of the store's last failure. */
enum store_status	 db_last(struct store *);
const char		*db_errmsg(struct store *);

/*
 * Steps st to the end, appending one object per row to arr: member
 * cols[i] holds column i (integer, real, text or null). The statement is
 * not finalized. Returns 0, or -1 when a step failed.
 */
int	 db_rows_json(struct db_stmt *, const char *const *cols, json_t *arr);

/*
 * SQLite only: copies the whole database to the file path with the online
 * backup API, in one step, so the copy is one consistent snapshot while
 * writes go on (db_backup); or copies path over the database (db_restore,
 * with the server stopped). 0, or -1 with db_errmsg. On PostgreSQL both
 * refuse: pg_dump and PITR are the tools (docs/operations.md).
 */
int	 db_backup(struct store *, const char *path);
int	 db_restore(struct store *, const char *path);

/*
 * Bulk writes of one table (the event writer): db_copy_begin opens it
 * for ncols columns, db_copy_row adds a row (values as text, NULL for
 * null), db_copy_end finishes. On PostgreSQL it is COPY FROM STDIN; on
 * SQLite a prepared INSERT run per row. Inside a transaction; 0 or -1.
 */
int	 db_copy_begin(struct store *, const char *table,
	    const char *const *cols, int ncols);
int	 db_copy_row(struct store *, const char *const *values);
int	 db_copy_end(struct store *);

#endif
