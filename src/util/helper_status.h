/* helper_status.h: what the helper processes (watcher, event writer, mailer) last did, shared with the workers for /healthz. */
#ifndef HC_HELPER_STATUS_H
#define HC_HELPER_STATUS_H

#include <sys/types.h>

enum helper_id {
	HELPER_WATCHER,
	HELPER_EVENTS,
	HELPER_MAILER,
	HELPER_COUNT
};

#define HELPER_ERROR_LEN	240

/* Nodes on one database the watcher's catalog report shows, this one first. */
#define HELPER_NODES_MAX	8

/* One node's catalog, as the watcher last read it from the database. */
struct helper_node {
	char		name[128];	/* cut when longer */
	char		git_commit[41];	/* "" outside git */
	char		snapshot_hash[65];
	long long	reported;
	int		differs;	/* its snapshot is not this node's */
};

/* One helper's record; times are seconds since the epoch, 0 for never. */
struct helper_state {
	pid_t		pid;		/* 0: never started */
	long long	started;
	long long	beat;		/* the last turn of its loop */
	long long	last_ok;
	long long	last_error;
	long long	failing_since;	/* first error after the last success */
	unsigned int	failures;	/* errors in a row */
	char		error[HELPER_ERROR_LEN];
	/* The watcher's builds. */
	long long	articles;	/* found by the last build */
	long long	problems;
	long long	good_articles;	/* of the last build that succeeded */
	/*
	 * The watcher's catalog report (catalog pinning): when it last
	 * reported, since when this node's snapshot has differed from a live
	 * node's (0: it has not), and the nodes, this one first.
	 */
	long long	nodes_reported;
	long long	differs_since;
	int		nnodes;
	struct helper_node nodes[HELPER_NODES_MAX];
};

/*
 * Maps the shared records; in the parent, before the helpers and workers
 * fork. Without it (hcctl, or the mapping failed) every call below does
 * nothing and helper_status_read returns -1. Returns 0 or -1.
 */
int	helper_status_init(void);

/* In the helper itself, once forked: its pid and start time. */
void	helper_status_started(enum helper_id, pid_t);
/* Still alive and turning its loop. */
void	helper_status_beat(enum helper_id);
void	helper_status_ok(enum helper_id);
void	helper_status_error(enum helper_id, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* A build of the watcher: what it found, and whether it was published. */
void	helper_status_build(size_t articles, size_t problems, int succeeded);

/* The watcher's catalog report: n nodes (at most HELPER_NODES_MAX), this one first. */
void	helper_status_nodes(const struct helper_node *, int n,
	    long long differs_since);

/*
 * Sleeps as long as the helper should wait before trying again: nothing
 * after a success, then 200 ms doubling with each failure in a row, at
 * most max_ms. So a helper that cannot do its job neither spins nor
 * floods the log.
 */
void	helper_backoff(enum helper_id, unsigned int max_ms);

/* Errors in a row of the helper (0: its last try succeeded). */
unsigned int	helper_status_failing(enum helper_id);

/* A consistent copy of one record; 0, or -1 when there are none. */
int	helper_status_read(enum helper_id, struct helper_state *);

#endif
