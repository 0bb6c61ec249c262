/* nodes.h: the nodes that share one database: the catalog each one serves, so that a node serving other articles than the rest is noticed. */
#ifndef HC_NODES_H
#define HC_NODES_H

#include "db.h"

/* A node that has not reported for this long is gone: not compared. */
#define NODE_LIVE_SECS		120

/* One node's report. Longer names are cut here (display only). */
struct node_catalog {
	char		name[128];
	char		git_commit[41];		/* "" outside git */
	char		snapshot_hash[65];	/* catalog_hash; "" before a build */
	long long	reported;		/* unix seconds */
	/*
	 * Since when this node's snapshot has differed from another live
	 * node's, without a break; 0 while they are all the same.
	 */
	long long	differs_since;
	int		differs;	/* out[i > 0]: differs from out[0] */
};

/*
 * In one transaction: reads the nodes that reported in the last
 * NODE_LIVE_SECS, records this node's report (name, commit, hash, now)
 * with its differs_since (kept from its last report while the
 * difference lasts, now when it starts, cleared when it ends), and
 * fills out: out[0] this node, then the others by name, at most max in
 * all (max >= 1), *n of them. Nodes without a hash yet are not
 * compared. Returns 0, or -1 (db_last says why).
 */
int	node_catalog_report(struct store *, const char *name,
	    const char *git_commit, const char *snapshot_hash, long long now,
	    struct node_catalog *out, int max, int *n);

#endif
