/* retention.h: raw events past the retention period become daily counts. */
#ifndef HC_RETENTION_H
#define HC_RETENTION_H

#include "store/db.h"

/*
 * The most days of raw events one timed run rolls up (the workers' timer
 * and hcctl jobs run): small enough that a worker's event loop never
 * waits long on it.
 */
#define RETENTION_MAX_DAYS	7

/*
 * Rolls up the raw events older than days full UTC days before now into
 * event_daily (per day, type, article, normalised query and zero-result
 * flag) and deletes them, in one transaction, at most max_days days of
 * events per call (so that a worker's event loop never waits long; call
 * again until it returns 0). Idempotent: a second run, or one in another
 * process at once, finds nothing left to move. Returns the number of
 * events rolled up, or -1 on error (nothing changed).
 */
long long	retention_rollup(struct store *, int days, long long now,
		    int max_days);

#endif
