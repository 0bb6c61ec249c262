/* event_writer.h: the process that writes the workers' buffered events to the database. */
#ifndef HC_EVENT_WRITER_H
#define HC_EVENT_WRITER_H

/* How often the rings are written: a crash of the server loses at most this. */
#define EVENT_WRITER_MS		100

/*
 * Runs in its own process (forked by the parent after event_ring_init):
 * every EVENT_WRITER_MS writes what the workers put in their rings to the
 * database at db_path (or DATABASE_URL), recording the rings' offsets
 * under node (events_write_rings); on SIGTERM writes once more and
 * exits. Never returns.
 */
void	event_writer_run(const char *db_path, const char *node);

#endif
