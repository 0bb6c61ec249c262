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

/*
 * A count of the snapshots written, in memory shared by the processes
 * forked after snapshot_counter_init (the server's watcher and workers),
 * so that a worker learns of a new snapshot without a system call per
 * request. snapshot_write adds one. snapshot_counter_get returns -1 when
 * there is no shared count (hcctl, or init failed): then stat the file.
 */
int		 snapshot_counter_init(void);
int		 snapshot_counter_get(unsigned long long *out);

/*
 * Reads the snapshot at path; NULL when it is missing or unreadable. With
 * light set, the versions' markdown, html, plain and headings are left
 * NULL (read them with snapshot_bodies_get), so that a worker loads 10,000
 * articles in a few tens of milliseconds and holds only what it serves.
 */
struct catalog	*snapshot_read(const char *path, int light);

/* The large texts of one article version; malloc'd, free with body_free. */
struct version_body {
	char	*html;
	char	*markdown;
	char	*plain;
};

/* An open snapshot for reading bodies on demand; opaque. */
struct snapshot_bodies;

struct snapshot_bodies	*snapshot_bodies_open(const char *path);
/* 0 and body filled, or -1 when the version is not in the snapshot. */
int			 snapshot_bodies_get(struct snapshot_bodies *,
			    const char *slug, const char *lang,
			    struct version_body *);
/*
 * The first max characters of a version's plain text (for a search
 * snippet), malloc'd; NULL when the version is not in the snapshot.
 */
char			*snapshot_bodies_plain(struct snapshot_bodies *,
			    const char *slug, const char *lang, int max);
void			 snapshot_bodies_close(struct snapshot_bodies *);
void			 body_free(struct version_body *);

#endif
