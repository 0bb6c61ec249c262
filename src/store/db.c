/* db.c: the store layer: opening SQLite or PostgreSQL, migrations, the secret, transactions, the write queue, statements on SQLite. */
#include <sys/mman.h>

#include <openssl/rand.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "settings.h"
#include "util/random.h"
#include "util/strbuf.h"

/* The core's own tables; each domain lists its own beside its SQL. */
static const struct migration	core_migrations[] = {
	/*
	 * Settings shared by all workers (the secret below). SQLite keeps
	 * the secret's bytes in the TEXT column; PostgreSQL needs bytea.
	 */
	{ "core-1", "CREATE TABLE IF NOT EXISTS app_meta("
	    "key TEXT PRIMARY KEY, value TEXT NOT NULL);",
	  "CREATE TABLE IF NOT EXISTS app_meta("
	    "key TEXT PRIMARY KEY, value BYTEA NOT NULL);" },
	/* nodes.c: what catalog each node on this database serves. */
	{ "core-2", "CREATE TABLE node_catalogs("
	    "node TEXT PRIMARY KEY, git_commit TEXT NOT NULL DEFAULT '',"
	    "snapshot_hash TEXT NOT NULL DEFAULT '', reported INTEGER NOT NULL,"
	    "differs_since INTEGER);", NULL },
	{ NULL, NULL, NULL }
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
static void		write_outcome(enum store_status);

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

const char *
store_status_string(enum store_status s)
{
	static const char *const names[] = { "ok", "row", "done", "retry",
	    "duplicate", "busy", "full", "read-only", "io", "unreachable",
	    "error" };

	if ((size_t)s >= sizeof(names) / sizeof(names[0]))
		return ("error");
	return (names[s]);
}

void
store_fail(struct store *s, enum store_status st, const char *fmt, ...)
{
	va_list	ap;

	s->last = st;
	va_start(ap, fmt);
	(void)vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
}

/* A SQLite result code as the layer's status. */
static enum store_status
lite_status(int code)
{
	switch (code & 0xff) {
	case SQLITE_OK:
		return (STORE_OK);
	case SQLITE_ROW:
		return (STORE_ROW);
	case SQLITE_DONE:
		return (STORE_DONE);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return (STORE_BUSY);
	case SQLITE_FULL:
		return (STORE_FULL);
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return (STORE_READONLY);
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return (STORE_IO);
	case SQLITE_CONSTRAINT:
		if (code == SQLITE_CONSTRAINT_UNIQUE ||
		    code == SQLITE_CONSTRAINT_PRIMARYKEY)
			return (STORE_DUPLICATE);
		return (STORE_ERROR);
	default:
		return (STORE_ERROR);
	}
}

/* Records the connection's last error; returns its status. */
static enum store_status
lite_fail(struct store *s)
{
	enum store_status	st;

	st = lite_status(sqlite3_extended_errcode(s->lite));
	if (st == STORE_OK || st == STORE_ROW || st == STORE_DONE)
		st = STORE_ERROR;
	store_fail(s, st, "%s", sqlite3_errmsg(s->lite));
	return (st);
}

static sqlite3 *
lite_open(const char *path)
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

struct store *
db_connect(const char *url, const char *sqlite_path)
{
	struct store	*s;

	s = xcalloc(1, sizeof(*s));
	if (url != NULL && url[0] != '\0') {
		s->kind = DB_PG;
		if ((s->pg = pg_connect(s, url)) == NULL) {
			fprintf(stderr, "db: %s\n", s->errmsg);
			free(s);
			return (NULL);
		}
		return (s);
	}
	s->kind = DB_SQLITE;
	s->data_version = -1;
	if ((s->lite = lite_open(sqlite_path)) == NULL) {
		free(s);
		return (NULL);
	}
	return (s);
}

struct store *
db_open(const char *sqlite_path)
{
	return (db_connect(settings.database_url, sqlite_path));
}

void
db_close(struct store *s)
{
	if (s == NULL)
		return;
	db_finalize(s->copy);
	if (s->kind == DB_PG)
		pg_close(s->pg);
	else
		sqlite3_close(s->lite);
	free(s);
}

enum db_backend
db_backend(const struct store *s)
{
	return (s->kind);
}

enum store_status
db_last(struct store *s)
{
	return (s->last);
}

const char *
db_errmsg(struct store *s)
{
	if (s == NULL)
		return ("no database");
	return (s->errmsg[0] != '\0' ? s->errmsg : "no error");
}

long long
db_changes(struct store *s)
{
	if (s->kind == DB_SQLITE)
		return (sqlite3_changes(s->lite));
	return (s->changes);
}

enum store_status
db_exec(struct store *s, const char *sql)
{
	if (s->kind == DB_PG)
		return (pg_exec(s, sql));
	if (sqlite3_exec(s->lite, sql, NULL, NULL, NULL) != SQLITE_OK)
		return (lite_fail(s));
	return (STORE_OK);
}

int
db_changed(struct store *s, const char *channel)
{
	struct timespec	 ts;
	sqlite3_stmt	*st;
	long long	 v, now;
	int		 rc;

	if (s->kind == DB_SQLITE) {
		/* Moves with every commit of another connection, only. */
		if (sqlite3_prepare_v2(s->lite, "PRAGMA data_version", -1,
		    &st, NULL) != SQLITE_OK) {
			(void)lite_fail(s);
			return (-1);
		}
		rc = -1;
		if (sqlite3_step(st) == SQLITE_ROW) {
			v = sqlite3_column_int64(st, 0);
			rc = v != s->data_version;
			s->data_version = v;
		} else
			(void)lite_fail(s);
		sqlite3_finalize(st);
		return (rc);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	rc = pg_notified(s, channel);
	if (rc == 0 && now - s->changed_ms >= DB_CHANGED_POLL_MS)
		rc = 1;
	if (rc == 1)
		s->changed_ms = now;
	return (rc);
}

void
db_set_durable(struct store *s, int durable)
{
	if (s->kind == DB_PG)
		(void)pg_exec(s, durable ? "SET synchronous_commit = on" :
		    "SET synchronous_commit = off");
	else
		(void)sqlite3_exec(s->lite,
		    durable ? "PRAGMA synchronous=FULL" :
		    "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
}

static int
applied(struct store *s, const char *name)
{
	struct db_stmt	*st;
	int		 found;

	found = 0;
	if (db_prepare(s, "SELECT 1 FROM schema_migrations WHERE name = ?",
	    &st) == 0) {
		db_bind_text(st, 1, name);
		found = db_step(st) == STORE_ROW;
	}
	db_finalize(st);
	return (found);
}

/* One migration and its record, in one transaction. */
static int
apply(struct store *s, const struct migration *m)
{
	struct db_stmt	*st;
	const char	*sql;
	char		*ddl;
	int		 rc;

	st = NULL;
	ddl = NULL;
	if (s->kind == DB_PG)
		sql = m->pg != NULL ? m->pg : (ddl = pg_ddl(m->sql));
	else
		sql = m->sql;
	rc = db_exec(s, s->kind == DB_PG ? "BEGIN" : "BEGIN IMMEDIATE") ==
	    STORE_OK && db_exec(s, sql) == STORE_OK && db_prepare(s,
	    "INSERT INTO schema_migrations(name, applied_at) VALUES (?, ?)",
	    &st) == 0;
	if (rc) {
		db_bind_text(st, 1, m->name);
		db_bind_int64(st, 2, (long long)time(NULL));
		rc = db_step(st) == STORE_DONE && db_exec(s, "COMMIT") ==
		    STORE_OK;
	}
	db_finalize(st);
	free(ddl);
	if (!rc) {
		fprintf(stderr, "db: migration %s failed: %s\n", m->name,
		    db_errmsg(s));
		(void)db_exec(s, "ROLLBACK");
		return (-1);
	}
	return (0);
}

/* Nodes starting together take turns: the key is any fixed number. */
#define DB_MIGRATE_LOCK	"SELECT pg_advisory_lock(727100001)"
#define DB_MIGRATE_UNLOCK "SELECT pg_advisory_unlock(727100001)"

int
db_migrate(struct store *s)
{
	const struct migration	*m;
	size_t			 i;
	int			 n;

	if (s->kind == DB_PG && db_exec(s, DB_MIGRATE_LOCK) != STORE_OK) {
		fprintf(stderr, "db: %s\n", db_errmsg(s));
		return (-1);
	}
	n = 0;
	if (db_exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations("
	    "name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)") != STORE_OK) {
		fprintf(stderr, "db: %s\n", db_errmsg(s));
		n = -1;
	}
	for (i = 0; n != -1 && i < sizeof(all_migrations) /
	    sizeof(all_migrations[0]); i++) {
		for (m = all_migrations[i]; m->name != NULL; m++, n++) {
			if (!applied(s, m->name) && apply(s, m) == -1) {
				n = -1;
				break;
			}
		}
	}
	if (s->kind == DB_PG)
		(void)db_exec(s, DB_MIGRATE_UNLOCK);
	return (n);
}

int
db_secret(struct store *s, unsigned char secret[DB_SECRET_LEN])
{
	struct db_stmt	*st;
	unsigned char	 fresh[DB_SECRET_LEN];
	const void	*v;
	size_t		 len;
	int		 rc;

	if (RAND_bytes(fresh, sizeof(fresh)) != 1)
		return (-1);
	/* The first caller's random bytes win; later callers read them. */
	rc = db_prepare(s, "INSERT INTO app_meta(key, value) VALUES "
	    "('secret', ?) ON CONFLICT (key) DO NOTHING", &st) == 0;
	if (rc) {
		db_bind_blob(st, 1, fresh, sizeof(fresh));
		rc = db_step(st) == STORE_DONE;
	}
	db_finalize(st);
	if (!rc || db_prepare(s, "SELECT value FROM app_meta WHERE "
	    "key = 'secret'", &st) != 0)
		return (-1);
	rc = -1;
	if (db_step(st) == STORE_ROW &&
	    (v = db_col_blob(st, 0, &len)) != NULL && len == DB_SECRET_LEN) {
		memcpy(secret, v, DB_SECRET_LEN);
		rc = 0;
	}
	db_finalize(st);
	return (rc);
}

enum store_status
db_write_probe(struct store *s)
{
	static int		probe_ms = DB_PROBE_MS;
	int			rc;

	if (s == NULL)
		return (STORE_READONLY);
	if (s->kind == DB_PG)
		return (pg_probe(s));
	if (!sqlite3_get_autocommit(s->lite))
		return (STORE_OK);
	sqlite3_busy_handler(s->lite, busy_wait, &probe_ms);
	rc = sqlite3_exec(s->lite, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		(void)sqlite3_exec(s->lite, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_busy_handler(s->lite, busy_wait, NULL);
	return (lite_status(rc));
}

int
db_usable(struct store *s)
{
	return (s != NULL && db_exec(s, "SELECT 1") == STORE_OK);
}

int
db_prepare(struct store *s, const char *sql, struct db_stmt **stp)
{
	struct db_stmt	*st;

	*stp = NULL;
	st = xcalloc(1, sizeof(*st));
	st->store = s;
	if (s->kind == DB_PG) {
		if (pg_prepare(s, sql, st) == -1) {
			free(st);
			return (-1);
		}
	} else if (sqlite3_prepare_v2(s->lite, sql, -1, &st->lite, NULL) !=
	    SQLITE_OK) {
		(void)lite_fail(s);
		sqlite3_finalize(st->lite);
		free(st);
		return (-1);
	}
	*stp = st;
	return (0);
}

void
db_bind_text(struct db_stmt *st, int i, const char *v)
{
	if (v == NULL)
		db_bind_null(st, i);
	else if (st->pg != NULL)
		pg_bind(st, i, DB_T_TEXT, v, strlen(v));
	else
		(void)sqlite3_bind_text(st->lite, i, v, -1, SQLITE_TRANSIENT);
}

void
db_bind_opt(struct db_stmt *st, int i, const char *v)
{
	db_bind_text(st, i, v != NULL && v[0] != '\0' ? v : NULL);
}

void
db_bind_int64(struct db_stmt *st, int i, long long v)
{
	if (st->pg != NULL)
		pg_bind(st, i, DB_T_INT, &v, sizeof(v));
	else
		(void)sqlite3_bind_int64(st->lite, i, v);
}

void
db_bind_double(struct db_stmt *st, int i, double v)
{
	if (st->pg != NULL)
		pg_bind(st, i, DB_T_DOUBLE, &v, sizeof(v));
	else
		(void)sqlite3_bind_double(st->lite, i, v);
}

void
db_bind_blob(struct db_stmt *st, int i, const void *v, size_t len)
{
	if (st->pg != NULL)
		pg_bind(st, i, DB_T_BLOB, v, len);
	else
		(void)sqlite3_bind_blob(st->lite, i, v, (int)len,
		    SQLITE_TRANSIENT);
}

void
db_bind_null(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		pg_bind(st, i, DB_T_NULL, NULL, 0);
	else
		(void)sqlite3_bind_null(st->lite, i);
}

int
db_param_count(struct db_stmt *st)
{
	if (st->pg != NULL)
		return (pg_param_count(st));
	return (sqlite3_bind_parameter_count(st->lite));
}

enum store_status
db_step(struct db_stmt *st)
{
	int	rc;

	if (st == NULL)
		return (STORE_ERROR);
	if (st->pg != NULL)
		return (pg_step(st));
	rc = sqlite3_step(st->lite);
	if (rc == SQLITE_ROW)
		return (STORE_ROW);
	if (rc == SQLITE_DONE)
		return (STORE_DONE);
	return (lite_fail(st->store));
}

void
db_reset(struct db_stmt *st)
{
	if (st->pg != NULL)
		pg_reset(st);
	else
		(void)sqlite3_reset(st->lite);
}

void
db_finalize(struct db_stmt *st)
{
	if (st == NULL)
		return;
	if (st->pg != NULL)
		pg_finalize(st);
	else
		sqlite3_finalize(st->lite);
	free(st);
}

int
db_col_null(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		return (pg_col_null(st, i));
	return (sqlite3_column_type(st->lite, i) == SQLITE_NULL);
}

long long
db_col_int64(struct db_stmt *st, int i)
{
	const char	*v;

	if (st->pg != NULL) {
		if ((v = pg_col_text(st, i)) == NULL)
			return (0);
		if (v[0] == 't' || v[0] == 'f')
			return (v[0] == 't');
		return (strtoll(v, NULL, 10));
	}
	return (sqlite3_column_int64(st->lite, i));
}

int
db_col_bool(struct db_stmt *st, int i)
{
	return (db_col_int64(st, i) != 0);
}

double
db_col_double(struct db_stmt *st, int i)
{
	const char	*v;

	if (st->pg != NULL)
		return ((v = pg_col_text(st, i)) == NULL ? 0.0 :
		    strtod(v, NULL));
	return (sqlite3_column_double(st->lite, i));
}

const char *
db_col_text(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		return (pg_col_text(st, i));
	return ((const char *)sqlite3_column_text(st->lite, i));
}

char *
db_col_strdup(struct db_stmt *st, int i)
{
	const char	*v;

	if ((v = db_col_text(st, i)) == NULL)
		return (NULL);
	return (xstrdup(v));
}

const void *
db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	const void	*v;

	if (st->pg != NULL)
		return (pg_col_blob(st, i, len));
	v = sqlite3_column_blob(st->lite, i);
	*len = (size_t)sqlite3_column_bytes(st->lite, i);
	return (v);
}

json_t *
db_col_json(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		return (pg_col_json(st, i));
	switch (sqlite3_column_type(st->lite, i)) {
	case SQLITE_INTEGER:
		return (json_integer(sqlite3_column_int64(st->lite, i)));
	case SQLITE_FLOAT:
		return (json_real(sqlite3_column_double(st->lite, i)));
	case SQLITE_TEXT:
		return (json_string((const char *)sqlite3_column_text(
		    st->lite, i)));
	default:
		return (json_null());
	}
}

int
db_rows_json(struct db_stmt *st, const char *const *cols, json_t *arr)
{
	json_t			*row;
	enum store_status	 rc;
	int			 i;

	while ((rc = db_step(st)) == STORE_ROW) {
		row = json_object();
		for (i = 0; cols[i] != NULL; i++)
			json_object_set_new(row, cols[i], db_col_json(st, i));
		json_array_append_new(arr, row);
	}
	return (rc == STORE_DONE ? 0 : -1);
}

/* Copies database "main" of from into to's, in one step. */
static int
lite_copy(struct store *s, sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup	*b;
	int		 rc;

	if ((b = sqlite3_backup_init(to, "main", from, "main")) == NULL) {
		store_fail(s, lite_status(sqlite3_extended_errcode(to)), "%s",
		    sqlite3_errmsg(to));
		return (-1);
	}
	/*
	 * All pages in one step: the source's read transaction lasts the
	 * whole copy, so the copy is one moment of it, writes or not (WAL
	 * lets them go on). Steps of a few pages would start over whenever
	 * another connection wrote.
	 */
	rc = sqlite3_backup_step(b, -1);
	(void)sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		store_fail(s, lite_status(rc), "backup: %s",
		    sqlite3_errstr(rc));
		return (-1);
	}
	return (0);
}

static int
lite_file(struct store *s, const char *path, int backup)
{
	sqlite3	*f;
	int	 rc;

	if (s->kind != DB_SQLITE) {
		store_fail(s, STORE_ERROR, "the database is PostgreSQL: use "
		    "pg_dump / pg_restore (docs/operations.md)");
		return (-1);
	}
	if (sqlite3_open_v2(path, &f, backup ? SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		store_fail(s, lite_status(sqlite3_errcode(f)), "%s: %s", path,
		    sqlite3_errmsg(f));
		sqlite3_close(f);
		return (-1);
	}
	/* A restore must bring a help center's database, not any file. */
	if (!backup && sqlite3_exec(f, "SELECT count(*) FROM "
	    "schema_migrations", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(s, STORE_ERROR, "%s is not a help center database: "
		    "%s", path, sqlite3_errmsg(f));
		sqlite3_close(f);
		return (-1);
	}
	rc = backup ? lite_copy(s, f, s->lite) : lite_copy(s, s->lite, f);
	if (sqlite3_close(f) != SQLITE_OK)
		rc = -1;
	return (rc);
}

int
db_backup(struct store *s, const char *path)
{
	return (lite_file(s, path, 1));
}

int
db_restore(struct store *s, const char *path)
{
	return (lite_file(s, path, 0));
}

int
db_copy_begin(struct store *s, const char *table, const char *const *cols,
    int ncols)
{
	struct strbuf	sb;
	int		i, rc;

	if (s->kind == DB_PG)
		return (pg_copy_begin(s, table, cols, ncols));
	sb_init(&sb);
	sb_printf(&sb, "INSERT INTO %s(", table);
	for (i = 0; i < ncols; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", cols[i]);
	sb_puts(&sb, ") VALUES (");
	for (i = 0; i < ncols; i++)
		sb_puts(&sb, i ? ", ?" : "?");
	sb_puts(&sb, ")");
	db_finalize(s->copy);
	s->copy = NULL;
	rc = db_prepare(s, sb.data, &s->copy);
	sb_free(&sb);
	s->copy_cols = ncols;
	return (rc);
}

int
db_copy_row(struct store *s, const char *const *values)
{
	int	i;

	if (s->kind == DB_PG)
		return (pg_copy_row(s, values, 0));
	if (s->copy == NULL)
		return (-1);
	db_reset(s->copy);
	/* Text into INTEGER columns: SQLite's affinity stores integers. */
	for (i = 0; i < s->copy_cols; i++)
		db_bind_text(s->copy, i + 1, values[i]);
	return (db_step(s->copy) == STORE_DONE ? 0 : -1);
}

int
db_copy_end(struct store *s)
{
	if (s->kind == DB_PG)
		return (pg_copy_end(s));
	db_finalize(s->copy);
	s->copy = NULL;
	return (0);
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
	int32_t		last_error;	/* enum store_status, 0 when it worked */
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

/* Records how the write transaction ended. */
static void
write_outcome(enum store_status st)
{
	struct write_queue	*q;

	q = queue != NULL ? queue : &local_outcome;
	if (st == STORE_OK || st == STORE_DONE || st == STORE_ROW) {
		__atomic_store_n(&q->last_error, 0, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&q->last_error_at, (int64_t)time(NULL),
	    __ATOMIC_RELEASE);
	__atomic_store_n(&q->last_error, (int32_t)st, __ATOMIC_RELEASE);
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
	if (__atomic_load_n(&q->last_error, __ATOMIC_ACQUIRE) != STORE_BUSY)
		return (DB_BUSY_MS);
	at = __atomic_load_n(&q->last_error_at, __ATOMIC_ACQUIRE);
	return ((long long)time(NULL) - at < DB_BUSY_RECENT_S ? DB_PROBE_MS :
	    DB_BUSY_MS);
}

enum store_status
db_write_error(long long *since)
{
	struct write_queue	*q;

	q = queue != NULL ? queue : &local_outcome;
	if (since != NULL)
		*since = __atomic_load_n(&q->last_error_at, __ATOMIC_ACQUIRE);
	return ((enum store_status)__atomic_load_n(&q->last_error,
	    __ATOMIC_ACQUIRE));
}

const char *
db_error_message(enum store_status st, int *retry_after)
{
	int	 retry;
	const char *msg;

	switch (st) {
	case STORE_FULL:
		retry = 60;
		msg = "The server's disk is full, so nothing was saved. An "
		    "operator must free space in the data folder; try again "
		    "later.";
		break;
	case STORE_BUSY:
		retry = 5;
		msg = "The database is locked by another program, so nothing "
		    "was saved. Try again in a few seconds.";
		break;
	case STORE_READONLY:
		retry = 60;
		msg = "The database cannot be written (read-only or missing), "
		    "so nothing was saved. An operator must check the data "
		    "folder; try again later.";
		break;
	case STORE_IO:
		retry = 30;
		msg = "The database could not be written (input/output error), "
		    "so nothing was saved. An operator must check the data "
		    "folder's disk; try again later.";
		break;
	case STORE_UNREACHABLE:
		retry = 5;
		msg = "The database server cannot be reached just now, so "
		    "nothing was saved. Try again in a few seconds.";
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
db_begin(struct store *s)
{
	enum store_status	st;

	/* Not nested: the open transaction keeps its turn in the queue. */
	if (s->in_tx || (s->kind == DB_SQLITE &&
	    !sqlite3_get_autocommit(s->lite))) {
		store_fail(s, STORE_ERROR, "a transaction is already open");
		return (-1);
	}
	s->last = STORE_OK;
	s->errmsg[0] = '\0';
	if (s->kind == DB_PG) {
		/*
		 * SERIALIZABLE: nodes write at once, and a transaction that
		 * read what another changed fails with 40001 (STORE_RETRY)
		 * instead of writing from a stale read.
		 */
		if ((st = pg_exec(s, "BEGIN ISOLATION LEVEL SERIALIZABLE")) !=
		    STORE_OK) {
			write_outcome(st);
			return (-1);
		}
		s->in_tx = 1;
		return (0);
	}
	queue_enter();
	if (sqlite3_exec(s->lite, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK) {
		s->in_tx = 1;
		return (0);
	}
	write_outcome(lite_fail(s));
	queue_leave();
	return (-1);
}

int
db_commit(struct store *s)
{
	enum store_status	st;
	int			rc;

	rc = 0;
	s->in_tx = 0;
	if (s->kind == DB_PG) {
		if ((st = pg_exec(s, "COMMIT")) != STORE_OK) {
			(void)pg_exec(s, "ROLLBACK");
			s->last = st;
			rc = -1;
		}
		/* A serialization failure is the caller's to retry. */
		write_outcome(rc == 0 || st == STORE_RETRY ? STORE_OK : st);
		return (rc);
	}
	if (sqlite3_exec(s->lite, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		write_outcome(lite_fail(s));
		if (!sqlite3_get_autocommit(s->lite))
			(void)sqlite3_exec(s->lite, "ROLLBACK", NULL, NULL,
			    NULL);
		rc = -1;
	} else
		write_outcome(STORE_OK);
	queue_leave();
	return (rc);
}

void
db_rollback(struct store *s)
{
	enum store_status	last;

	s->in_tx = 0;
	/*
	 * A statement's failure (disk full, I/O) is why most rollbacks
	 * happen: it is the write's outcome. A refusal without a store
	 * error (s->last still ok) counts as a working database.
	 */
	last = s->last;
	write_outcome(last == STORE_RETRY || last == STORE_DUPLICATE ||
	    last == STORE_ERROR ? STORE_OK : last);
	if (s->kind == DB_PG) {
		pg_copy_abort(s);
		(void)pg_exec(s, "ROLLBACK");
		s->last = last;
		return;
	}
	/*
	 * SQLite has already rolled back after SQLITE_FULL or an I/O error;
	 * a second ROLLBACK would replace the error the caller logs with
	 * "cannot rollback - no transaction is active".
	 */
	if (!sqlite3_get_autocommit(s->lite))
		(void)sqlite3_exec(s->lite, "ROLLBACK", NULL, NULL, NULL);
	queue_leave();
}

int
db_tx(struct store *s, int (*fn)(struct store *, void *), void *arg)
{
	struct timespec		ts;
	unsigned char		jitter;
	int			i, rc, lost = 0;

	for (i = 0; i < DB_TX_ATTEMPTS; i++) {
		if (i > 0) {
			/* A short, growing, jittered pause: the other ends. */
			if (random_bytes(&jitter, 1) == -1)
				jitter = 0;
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(1 + (i * i) + (jitter % 4)) *
			    1000000L;
			(void)nanosleep(&ts, NULL);
		}
		if (db_begin(s) == -1) {
			if (s->last == STORE_RETRY)
				continue;
			return (-1);
		}
		if ((rc = fn(s, arg)) != 0) {
			db_rollback(s);
			if (rc == DB_TX_AGAIN || s->last == STORE_RETRY)
				continue;
			/*
			 * The connection broke before COMMIT (the server
			 * restarted): nothing was written; once more on a
			 * new connection.
			 */
			if (s->last == STORE_UNREACHABLE && lost++ == 0)
				continue;
			return (-1);
		}
		if (db_commit(s) == 0)
			return (0);
		if (s->last != STORE_RETRY)
			return (-1);
	}
	return (-1);
}

/* pg_advisory_lock / pg_advisory_unlock of name; 0 or -1. */
static int
advisory(struct store *s, const char *sql, const char *name)
{
	struct db_stmt	*st;
	int		 rc;

	if (s->kind == DB_SQLITE || s->in_tx)
		return (s->kind == DB_SQLITE ? 0 : -1);
	if (db_prepare(s, sql, &st) == -1)
		return (-1);
	db_bind_text(st, 1, name);
	rc = db_step(st) == STORE_ROW ? 0 : -1;
	db_finalize(st);
	return (rc);
}

int
db_lock(struct store *s, const char *name)
{
	return (advisory(s, "SELECT pg_advisory_lock(hashtext(?))", name));
}

void
db_unlock(struct store *s, const char *name)
{
	(void)advisory(s, "SELECT pg_advisory_unlock(hashtext(?))", name);
}

int
db_job_lock(struct store *s, const char *name)
{
	struct db_stmt	*st;
	int		 rc;

	/* SQLite: BEGIN IMMEDIATE took the one write lock already. */
	if (s->kind == DB_SQLITE)
		return (s->in_tx ? 1 : -1);
	if (db_prepare(s, "SELECT pg_try_advisory_xact_lock(hashtext(?))",
	    &st) == -1)
		return (-1);
	db_bind_text(st, 1, name);
	rc = db_step(st) == STORE_ROW ? db_col_bool(st, 0) : -1;
	db_finalize(st);
	return (rc);
}

static int
savepoint_sql(struct store *s, const char *verb, const char *name)
{
	char	sql[128];

	(void)snprintf(sql, sizeof(sql), "%s %s", verb, name);
	return (db_exec(s, sql) == STORE_OK ? 0 : -1);
}

int
db_savepoint(struct store *s, const char *name)
{
	return (savepoint_sql(s, "SAVEPOINT", name));
}

int
db_release(struct store *s, const char *name)
{
	return (savepoint_sql(s, "RELEASE SAVEPOINT", name));
}

int
db_rollback_to(struct store *s, const char *name)
{
	enum store_status	last;
	int			rc;

	/* Keeps the failure that made the caller roll back. */
	last = s->last;
	rc = savepoint_sql(s, "ROLLBACK TO SAVEPOINT", name);
	s->last = last;
	return (rc);
}
