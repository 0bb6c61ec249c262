/* event_ring.h: shared-memory rings that carry the workers' buffered events to the event writer process. */
#ifndef HC_EVENT_RING_H
#define HC_EVENT_RING_H

#include "events.h"

/* Bytes per worker: about 40,000 page views, 2 s of a busy server. */
#define EVENT_RING_BYTES	(8u << 20)

/*
 * The parent maps one ring per possible worker before the workers fork
 * (Kore's worker ids are below nworkers). 0, or -1 when mapping failed
 * (events then stay in each process, as in hcctl).
 */
int		 event_ring_init(unsigned int nworkers);

/* A worker takes the ring of its Kore worker id. 0, or -1 (no ring). */
int		 event_ring_attach(unsigned int id);

/*
 * Copies ev into this worker's ring. Returns 1 when taken, 0 when the ring
 * is full (the event is dropped and counted), -1 when this process has no
 * ring (not a worker, or no rings).
 */
int		 event_ring_push(const struct event *ev);

/* Events event_ring_read reads at most: one transaction of the writer. */
#define EVENT_RING_READ_MAX	1000

/*
 * The writer's side: calls each(ev, arg) for the events published in the
 * rings, oldest first per ring, at most EVENT_RING_READ_MAX of them, so
 * that the writer holds the database's write lock briefly (a vote waits
 * for it); the ring space is not reused until event_ring_release. Returns
 * the number read (EVENT_RING_READ_MAX: read again), or -1 when each
 * failed.
 */
int		 event_ring_read(int (*each)(const struct event *, void *),
		    void *arg);
/* Frees what the last event_ring_read read (after its commit). */
void		 event_ring_release(void);
/* Forgets what the last event_ring_read read (its commit failed). */
void		 event_ring_unread(void);

/*
 * What makes a batch written exactly once (events.c): the rings' byte
 * offsets start at 0 on every server start, so they are recorded with
 * this start's id, made by event_ring_init (16 hex digits; "" without
 * rings). event_ring_count is the number of rings.
 */
const char	*event_ring_run(void);
unsigned int	 event_ring_count(void);

/*
 * Ring i's offset after the last event_ring_read into *to: 1 when that
 * read took events from ring i (its batch must record the offset), 0
 * when it took none.
 */
int		 event_ring_read_offset(unsigned int i, unsigned long long *to);

/*
 * Moves ring i's head forward to offset, an offset a batch committed
 * although its commit was reported failed (the reply was lost): those
 * events are in the table and must not be written again. An offset not
 * ahead of the head, or past what the worker published, is ignored.
 * Returns 1 when the head moved, 0 when not.
 */
int		 event_ring_skip_to(unsigned int i, unsigned long long offset);

/*
 * A worker waits, at most max_ms, until the writer has released every
 * event this worker pushed. 0 then; -1 on time-out, at once while the
 * writer's commits fail, or without a ring.
 */
int		 event_ring_wait(int max_ms);

/* Events dropped since start because a ring was full, all rings. */
unsigned long	 event_ring_dropped(void);

#endif
