/* testdb.h: the unit tests' database: a fresh SQLite file, or a fresh schema on the throwaway PostgreSQL that tests/unit/run.sh starts (HC_TEST_DATABASE_URL). */
#ifndef HC_TESTDB_H
#define HC_TESTDB_H

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/db.h"

/* The backend this run tests: PostgreSQL when the runner gave a URL. */
static __attribute__((unused)) const char *
testdb_url(void)
{
	const char	*url;

	url = getenv("HC_TEST_DATABASE_URL");
	return (url != NULL && url[0] != '\0' ? url : NULL);
}

/* 1 when the tests run on PostgreSQL. */
static __attribute__((unused)) int
testdb_pg(void)
{
	return (testdb_url() != NULL);
}

/*
 * A store with every migration and no rows: on SQLite the file path
 * (removed first); on PostgreSQL the public schema dropped and made
 * again, so each test starts from nothing whatever ran before it.
 */
static __attribute__((unused)) struct store *
testdb_open(const char *path)
{
	struct store	*db;

	if (testdb_pg()) {
		db = db_connect(testdb_url(), NULL);
		if (db == NULL)
			return (NULL);
		if (db_exec(db, "DROP SCHEMA IF EXISTS public CASCADE; "
		    "CREATE SCHEMA public") != STORE_OK) {
			fprintf(stderr, "testdb: %s\n", db_errmsg(db));
			db_close(db);
			return (NULL);
		}
	} else {
		(void)unlink(path);
		if ((db = db_connect(NULL, path)) == NULL)
			return (NULL);
	}
	if (db_migrate(db) <= 0) {
		db_close(db);
		return (NULL);
	}
	return (db);
}

/* A second connection to the same database (races between nodes). */
static __attribute__((unused)) struct store *
testdb_again(const char *path)
{
	return (db_connect(testdb_url(), path));
}

/*
 * Runs fn(db, i, arg) in n processes at once, each with its own
 * connection to the database at path (n nodes), all released together;
 * results[i] gets fn's return value (-1 to 254), or -2 when the process
 * failed otherwise. Returns 0, or -1 when the processes could not run.
 */
static __attribute__((unused)) int
testdb_race(const char *path, int n, int (*fn)(struct store *, int, void *),
    void *arg, int *results)
{
	struct store	*db;
	pid_t		 pids[16];
	char		 c;
	int		 gate[2], i, status, rc;

	if (n > 16 || pipe(gate) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1)
			return (-1);
		if (pids[i] == 0) {
			(void)close(gate[1]);
			db = testdb_again(path);
			/* Every process connected: the gate opens for all. */
			(void)read(gate[0], &c, 1);
			rc = db == NULL ? -2 : fn(db, i, arg);
			/* Not db_close: _exit leaves the parent's alone. */
			_exit(rc + 2);
		}
	}
	(void)close(gate[0]);
	(void)usleep(200 * 1000);
	(void)close(gate[1]);
	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) == -1 || !WIFEXITED(status))
			results[i] = -2;
		else
			results[i] = WEXITSTATUS(status) - 2;
	}
	return (0);
}

#endif
