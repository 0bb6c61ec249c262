/* event_writer.c: the event writer process: the workers' rings into the events table, so that no worker waits for the disk. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "event_ring.h"
#include "event_writer.h"
#include "events.h"
#include "store/db.h"
#include "util/helper_status.h"

static volatile sig_atomic_t	stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

void
event_writer_run(const char *db_path, const char *node)
{
	struct timespec	 nap = { 0, EVENT_WRITER_MS * 1000 * 1000 };
	struct store		*db = NULL;
	unsigned long	 dropped = 0;
	time_t		 logged = 0;
	int		 last, n = 0, pruned = 0;

	(void)signal(SIGTERM, on_term);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	db_write_queue_opt_out();
	for (;;) {
		/* The parent stops the writer after the workers: one more. */
		last = stopping;
		/*
		 * 64 MB of pages: the visitor index takes rows in random
		 * order; re-reading its pages cost a quarter to a third of
		 * the writer's time per event (measured with 5 s of views).
		 */
		if (db == NULL && (db = db_open(db_path)) != NULL &&
		    db_backend(db) == DB_SQLITE)
			(void)db_exec(db, "PRAGMA cache_size=-65536");
		/*
		 * The offsets of this node's earlier starts are of no use:
		 * their rings are gone. Once, when the database answers.
		 */
		if (db != NULL && !pruned)
			pruned = events_offsets_prune(db, node) == 0;
		/* Kept in the rings when it fails; said once every 10 s. */
		while (db != NULL && (n = events_write_rings(db, node)) ==
		    EVENT_RING_READ_MAX)
			;	/* more than one transaction's worth */
		if (db == NULL || n == -1) {
			/* /healthz says so after a few seconds of this. */
			/* SQLite's own words too: the operator needs them. */
			helper_status_error(HELPER_EVENTS, "writing failed "
			    "(page views are kept in the rings): %s (%s)",
			    db == NULL ? "cannot open the database" :
			    db_error_message(db_write_error(NULL), NULL),
			    db == NULL ? db_path : db_errmsg(db));
			if (time(NULL) - logged >= 10) {
				logged = time(NULL);
				fprintf(stderr, "events: writing failed (kept "
				    "for the next try): %s\n", db == NULL ?
				    "no database" : db_error_message(
				    db_write_error(NULL), NULL));
			}
		} else
			helper_status_ok(HELPER_EVENTS);
		if (event_ring_dropped() != dropped) {
			fprintf(stderr, "events: %lu page-view events dropped "
			    "(a worker's ring was full)\n",
			    event_ring_dropped() - dropped);
			dropped = event_ring_dropped();
		}
		if (last)
			break;
		(void)nanosleep(&nap, NULL);
		/* Failing: try less often, but still within 2 s of a fix. */
		helper_backoff(HELPER_EVENTS, 2000);
	}
	if (db != NULL)
		db_close(db);
	_exit(0);
}
