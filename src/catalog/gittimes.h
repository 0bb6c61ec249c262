/* gittimes.h: last commit time of every file in an articles tree, from one git log. */
#ifndef HC_GITTIMES_H
#define HC_GITTIMES_H

struct git_times;

/* NULL when root is not in a git work tree or git is missing. */
struct git_times	*git_times_load(const char *root);
/*
 * The times for root, reusing prev (which it takes) when the tree's HEAD
 * commit is the one prev was read at: one "git rev-parse" instead of a
 * walk of the whole history for every build.
 */
struct git_times	*git_times_reload(struct git_times *prev,
			    const char *root);
/* Unix seconds of the newest commit touching rel, or 0. NULL-safe. */
long long		 git_times_lookup(const struct git_times *, const char *rel);
void			 git_times_free(struct git_times *);

#endif
