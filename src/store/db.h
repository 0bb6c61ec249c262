/* db.h: the application's SQLite database: opening, pragmas, numbered migrations. */
#ifndef HC_DB_H
#define HC_DB_H

#include <sqlite3.h>

/*
 * Opens (creating when missing) the database at path in WAL mode with
 * synchronous=FULL, so that a committed write survives a crash, and a busy
 * timeout so that writers from several workers queue instead of failing.
 * Returns NULL and logs on stderr on failure.
 */
sqlite3	*db_open(const char *path);

/* Applies the migrations not yet applied; returns the schema version or -1. */
int	 db_migrate(sqlite3 *);

/* 1 when a trivial query works (for /healthz). */
int	 db_usable(sqlite3 *);

#endif
