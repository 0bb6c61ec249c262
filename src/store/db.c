/* db.c: SQLite connection setup, the shared secret, and running every domain's schema migrations. */
#include <sys/mman.h>

#include <openssl/rand.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"

/* The core's own tables; each domain lists its own beside its SQL. */
static const struct migration	core_migrations[] = {
	/* Settings shared by all workers (the secret below). */
	{ "core-1", "CREATE TABLE IF NOT EXISTS app_meta("
	    "key TEXT PRIMARY KEY, value TEXT NOT NULL);" },
	{ NULL, NULL }
};

/*
 * Every list, applied in this order. A migration is recorded by name in
 * schema_migrations once applied; append to a list, never edit an entry: a
 * deployed database has run it. Names are unique across all lists.
 */
static const struct migration	*all_migrations[] = {
	core_migrations, auth_migrations, event_migrations, ticket_migrations,
	community_migrations,
};

/*
 * Waits for another connection's write lock in steps of 0.5 ms, up to
 * DB_BUSY_MS. SQLite's own busy_timeout backs off to 100 ms sleeps, so a
 * worker could sleep long after the other worker's short commit ended.
 */
#define DB_BUSY_MS	5000
#define DB_BUSY_STEP_US	500
/* db_write_probe waits this long: a worker's commit takes milliseconds. */
#define DB_PROBE_MS	250
/* After a write failed on the lock, the next ones wait DB_PROBE_MS. */
#define DB_BUSY_RECENT_S	10

static long long	busy_limit_ms(void);

static int
busy_wait(void *arg, int tries)
{
	/* One connection per process and thread: the wait's start. */
	static __thread struct timespec	 start;
	struct timespec			 ts = { 0, DB_BUSY_STEP_US * 1000 };
	struct timespec			 now;
	long long			 limit_ms, waited_ms;

	/* arg: an int of milliseconds for a shorter wait (db_write_probe). */
	limit_ms = arg != NULL ? *(const int *)arg : busy_limit_ms();
	/*
	 * By the clock, not by tries: each sleep lasts longer than asked
	 * (timer slack, scheduling), and 10,000 tries took 7 s, not 5.
	 */
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (tries == 0)
		start = now;
	waited_ms = (now.tv_sec - start.tv_sec) * 1000LL +
	    (now.tv_nsec - start.tv_nsec) / 1000000;
	if (waited_ms >= limit_ms)
		return (0);
	(void)nanosleep(&ts, NULL);
	return (1);
}

sqlite3 *
db_open(const char *path)
{
	sqlite3	*db;
	char	*err;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "db: cannot open %s: %s\n", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return (NULL);
	}
	sqlite3_busy_handler(db, busy_wait, NULL);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=ON;", NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "db: %s: %s\n", path, err);
		sqlite3_free(err);
		sqlite3_close(db);
		return (NULL);
	}
	return (db);
}

static int
applied(sqlite3 *db, const char *name)
{
	sqlite3_stmt	*st;
	int		 found;

	found = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM schema_migrations WHERE "
	    "name = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return (found);
}

/* One migration and its record, in one transaction. */
static int
apply(sqlite3 *db, const struct migration *m)
{
	sqlite3_stmt	*st;
	char		*err;
	int		 rc;

	err = NULL;
	st = NULL;
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) ==
	    SQLITE_OK && sqlite3_exec(db, m->sql, NULL, NULL, &err) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "INSERT INTO schema_migrations"
	    "(name, applied_at) VALUES (?, ?)", -1, &st, NULL) == SQLITE_OK;
	if (rc) {
		sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(st) == SQLITE_DONE &&
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) == SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (!rc) {
		fprintf(stderr, "db: migration %s failed: %s\n", m->name,
		    err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return (-1);
	}
	return (0);
}

int
db_migrate(sqlite3 *db)
{
	const struct migration	*m;
	size_t			 i;
	int			 n;

	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations("
	    "name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)", NULL, NULL,
	    NULL) != SQLITE_OK) {
		fprintf(stderr, "db: %s\n", sqlite3_errmsg(db));
		return (-1);
	}
	n = 0;
	for (i = 0; i < sizeof(all_migrations) / sizeof(all_migrations[0]);
	    i++) {
		for (m = all_migrations[i]; m->name != NULL; m++, n++) {
			if (!applied(db, m->name) && apply(db, m) == -1)
				return (-1);
		}
	}
	return (n);
}

int
db_secret(sqlite3 *db, unsigned char secret[DB_SECRET_LEN])
{
	sqlite3_stmt	*st;
	unsigned char	 fresh[DB_SECRET_LEN];
	int		 rc;

	if (RAND_bytes(fresh, sizeof(fresh)) != 1)
		return (-1);
	/* The first caller's random bytes win; later callers read them. */
	rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO app_meta(key, value)"
	    " VALUES ('secret', ?)", -1, &st, NULL) == SQLITE_OK;
	if (rc) {
		sqlite3_bind_blob(st, 1, fresh, sizeof(fresh), SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (!rc || sqlite3_prepare_v2(db, "SELECT value FROM app_meta WHERE "
	    "key = 'secret'", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == DB_SECRET_LEN) {
		memcpy(secret, sqlite3_column_blob(st, 0), DB_SECRET_LEN);
		rc = 0;
	}
	sqlite3_finalize(st);
	return (rc);
}

int
db_write_probe(sqlite3 *db)
{
	static int		probe_ms = DB_PROBE_MS;
	int			rc;

	if (db == NULL)
		return (SQLITE_CANTOPEN);
	if (!sqlite3_get_autocommit(db))
		return (SQLITE_OK);
	sqlite3_busy_handler(db, busy_wait, &probe_ms);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_busy_handler(db, busy_wait, NULL);
	return (rc & 0xff);
}

int
db_usable(sqlite3 *db)
{
	return (db != NULL && sqlite3_exec(db, "SELECT 1", NULL, NULL, NULL) ==
	    SQLITE_OK);
}

/*
 * The workers' write queue: a ticket lock in memory shared by the workers
 * (mapped by the parent before they fork). SQLite's file lock is not fair:
 * under load one worker could take it again and again while the other
 * polled, and some of its requests waited most of a second. Taking a
 * ticket first serves write transactions in arrival order. The queue only
 * orders the workers; SQLite's lock still guards the data, so a holder that
 * dies or stalls is skipped after WRITE_QUEUE_PATIENCE_US without harm.
 */
#define WRITE_QUEUE_STEP_US		50
#define WRITE_QUEUE_PATIENCE_US		1000000

struct write_queue {
	uint32_t	next;		/* the next ticket to hand out */
	uint32_t	serving;	/* the ticket allowed to write */
	/* The last write transaction's outcome, for /healthz and 503s. */
	int32_t		last_error;	/* SQLite primary code, 0 when it worked */
	int64_t		last_error_at;	/* time() of the last failure */
};

/* Without the shared queue (hcctl, tests) the outcome is this process's. */
static struct write_queue	 local_outcome;

static struct write_queue	*queue;
static uint32_t			 my_ticket;
static int			 queued;

void
db_write_queue_init(void)
{
	queue = mmap(NULL, sizeof(*queue), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (queue == MAP_FAILED)
		queue = NULL;
}

void
db_write_queue_opt_out(void)
{
	queue = NULL;
}

/* Records how the write transaction ended: code is a SQLite result code. */
static void
write_outcome(sqlite3 *db, int code)
{
	struct write_queue	*q;

	(void)db;
	q = queue != NULL ? queue : &local_outcome;
	code &= 0xff;
	if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW) {
		__atomic_store_n(&q->last_error, 0, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&q->last_error_at, (int64_t)time(NULL),
	    __ATOMIC_RELEASE);
	__atomic_store_n(&q->last_error, code, __ATOMIC_RELEASE);
}

/*
 * How long a write waits for the lock: DB_BUSY_MS, but only DB_PROBE_MS
 * while the last write failed on a lock in the last DB_BUSY_RECENT_S
 * seconds. Another program holding the lock for long would otherwise make
 * every write wait 5 s, and with it every request of that worker's event
 * loop; after the first refusal the others are refused at once, until a
 * write gets through again.
 */
static long long
busy_limit_ms(void)
{
	struct write_queue	*q;
	long long		 at;

	q = queue != NULL ? queue : &local_outcome;
	if (__atomic_load_n(&q->last_error, __ATOMIC_ACQUIRE) != SQLITE_BUSY)
		return (DB_BUSY_MS);
	at = __atomic_load_n(&q->last_error_at, __ATOMIC_ACQUIRE);
	return ((long long)time(NULL) - at < DB_BUSY_RECENT_S ? DB_PROBE_MS :
	    DB_BUSY_MS);
}

int
db_write_error(long long *since)
{
	struct write_queue	*q;

	q = queue != NULL ? queue : &local_outcome;
	if (since != NULL)
		*since = __atomic_load_n(&q->last_error_at, __ATOMIC_ACQUIRE);
	return (__atomic_load_n(&q->last_error, __ATOMIC_ACQUIRE));
}

const char *
db_error_message(int code, int *retry_after)
{
	int	 retry;
	const char *msg;

	switch (code & 0xff) {
	case SQLITE_FULL:
		retry = 60;
		msg = "The server's disk is full, so nothing was saved. An "
		    "operator must free space in the data folder; try again "
		    "later.";
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		retry = 5;
		msg = "The database is locked by another program, so nothing "
		    "was saved. Try again in a few seconds.";
		break;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		retry = 60;
		msg = "The database cannot be written (read-only or missing), "
		    "so nothing was saved. An operator must check the data "
		    "folder; try again later.";
		break;
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		retry = 30;
		msg = "The database could not be written (input/output error), "
		    "so nothing was saved. An operator must check the data "
		    "folder's disk; try again later.";
		break;
	default:
		retry = 5;
		msg = "The data could not be saved just now, so nothing was "
		    "changed. Try again in a few seconds.";
	}
	if (retry_after != NULL)
		*retry_after = retry;
	return (msg);
}

static void
queue_enter(void)
{
	struct timespec	ts = { 0, WRITE_QUEUE_STEP_US * 1000 };
	uint32_t	serving, seen;
	long		waited;

	if (queue == NULL)
		return;
	my_ticket = __atomic_fetch_add(&queue->next, 1, __ATOMIC_ACQ_REL);
	queued = 1;
	seen = __atomic_load_n(&queue->serving, __ATOMIC_ACQUIRE);
	waited = 0;
	while ((serving = __atomic_load_n(&queue->serving, __ATOMIC_ACQUIRE))
	    != my_ticket) {
		/* Skipped past us (see below): go, SQLite still guards. */
		if ((int32_t)(my_ticket - serving) < 0)
			return;
		if (serving != seen) {
			seen = serving;
			waited = 0;
		} else if ((waited += WRITE_QUEUE_STEP_US) >=
		    WRITE_QUEUE_PATIENCE_US) {
			/* The holder died or stalled: skip its turn. */
			(void)__atomic_compare_exchange_n(&queue->serving,
			    &serving, serving + 1, 0, __ATOMIC_ACQ_REL,
			    __ATOMIC_ACQUIRE);
			waited = 0;
		}
		(void)nanosleep(&ts, NULL);
	}
}

static void
queue_leave(void)
{
	uint32_t	mine;

	if (queue == NULL || !queued)
		return;
	queued = 0;
	/* Only our own turn is passed on (it may have been skipped). */
	mine = my_ticket;
	(void)__atomic_compare_exchange_n(&queue->serving, &mine,
	    my_ticket + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

int
db_begin(sqlite3 *db)
{
	/* Not nested: the open transaction keeps its turn in the queue. */
	if (!sqlite3_get_autocommit(db))
		return (-1);
	queue_enter();
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK)
		return (0);
	write_outcome(db, sqlite3_errcode(db));
	queue_leave();
	return (-1);
}

int
db_commit(sqlite3 *db)
{
	int	rc;

	rc = 0;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		write_outcome(db, sqlite3_errcode(db));
		if (!sqlite3_get_autocommit(db))
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	} else
		write_outcome(db, SQLITE_OK);
	queue_leave();
	return (rc);
}

void
db_rollback(sqlite3 *db)
{
	/* A statement's failure (disk full, I/O) is why most rollbacks happen. */
	write_outcome(db, sqlite3_errcode(db));
	/*
	 * SQLite has already rolled back after SQLITE_FULL or an I/O error;
	 * a second ROLLBACK would replace the error the caller logs with
	 * "cannot rollback - no transaction is active".
	 */
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	queue_leave();
}

int
db_rows_json(sqlite3_stmt *st, const char *const *cols, json_t *arr)
{
	json_t	*row;
	int	 i, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = json_object();
		for (i = 0; cols[i] != NULL; i++) {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				json_object_set_new(row, cols[i], json_integer(
				    sqlite3_column_int64(st, i)));
				break;
			case SQLITE_FLOAT:
				json_object_set_new(row, cols[i], json_real(
				    sqlite3_column_double(st, i)));
				break;
			case SQLITE_TEXT:
				json_object_set_new(row, cols[i], json_string(
				    (const char *)sqlite3_column_text(st, i)));
				break;
			default:
				json_object_set_new(row, cols[i], json_null());
			}
		}
		json_array_append_new(arr, row);
	}
	return (rc == SQLITE_DONE ? 0 : -1);
}
