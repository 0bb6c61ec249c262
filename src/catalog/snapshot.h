/* snapshot.h: a built catalog as one SQLite file, written by the builder, read by workers. */
#ifndef HC_SNAPSHOT_H
#define HC_SNAPSHOT_H

#include "catalog.h"

/*
 * Writes cat to path atomically: a temporary file beside it is written,
 * synced and renamed over path, so a reader sees the old or the new
 * snapshot, never half of one. Returns 0, or -1 with a message on stderr.
 */
int		 snapshot_write(const struct catalog *, const char *path);

/* Reads the snapshot at path; NULL when it is missing or unreadable. */
struct catalog	*snapshot_read(const char *path);

#endif
