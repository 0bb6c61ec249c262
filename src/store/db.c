/* db.c: SQLite connection setup and the list of schema migrations. */
#include <stdio.h>

#include "db.h"

/*
 * Migration N is migrations[N - 1]; applied ones are recorded in
 * PRAGMA user_version. Append, never edit: a deployed database has run them.
 */
static const char	*migrations[] = {
	/* 1: settings shared by all workers (e.g. salts, later issues). */
	"CREATE TABLE app_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

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
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=ON;", NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "db: %s: %s\n", path, err);
		sqlite3_free(err);
		sqlite3_close(db);
		return (NULL);
	}
	return (db);
}

int
db_migrate(sqlite3 *db)
{
	sqlite3_stmt	*st;
	char		*err, sql[64];
	int		 version, n, i;

	version = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	n = (int)(sizeof(migrations) / sizeof(migrations[0]));
	for (i = version; i < n; i++) {
		(void)snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", i + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) !=
		    SQLITE_OK ||
		    sqlite3_exec(db, migrations[i], NULL, NULL, &err) !=
		    SQLITE_OK ||
		    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
			fprintf(stderr, "db: migration %d failed: %s\n", i + 1,
			    err ? err : "?");
			sqlite3_free(err);
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return (-1);
		}
	}
	return (n);
}

int
db_usable(sqlite3 *db)
{
	return (db != NULL && sqlite3_exec(db, "SELECT 1", NULL, NULL, NULL) ==
	    SQLITE_OK);
}
